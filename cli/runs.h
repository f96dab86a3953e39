/*
 * The subcommands of `cairn runs`, one file per close-knit group
 * (cli/runs-<name>.c), dispatched by cli/cmd-runs.c. Each takes the argv that
 * starts at the subcommand's name and returns an exit status.
 */
#ifndef CAIRN_CLI_RUNS_H
#define CAIRN_CLI_RUNS_H

#include <jansson.h>

int runs_list(int argc, char **argv);
int runs_show(int argc, char **argv);
int runs_artifacts(int argc, char **argv);
int runs_get_artifact(int argc, char **argv);
int runs_tag(int argc, char **argv);
int runs_note(int argc, char **argv);
int runs_experiments(int argc, char **argv);

/* Prints the table header and one line per run summary (cairn_run_list's
 * objects): id, status, start, duration, experiment, name. */
void runs_print_table(const json_t *runs);

#endif
