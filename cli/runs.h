/*
 * The subcommands of `cairn runs`, one file per close-knit group
 * (cli/runs-<name>.c), dispatched by cli/cmd-runs.c. Each takes the argv that
 * starts at the subcommand's name and returns an exit status.
 */
#ifndef CAIRN_CLI_RUNS_H
#define CAIRN_CLI_RUNS_H

#include <jansson.h>
#include <signal.h>
#include "cairn/buf.h"
#include "cairn/exec.h"

int runs_list(int argc, char **argv);
int runs_show(int argc, char **argv);
int runs_artifacts(int argc, char **argv);
int runs_get_artifact(int argc, char **argv);
int runs_tag(int argc, char **argv);
int runs_note(int argc, char **argv);
int runs_end(int argc, char **argv);
int runs_experiments(int argc, char **argv);
int runs_search(int argc, char **argv);
int runs_compare(int argc, char **argv);

/* Prints the table header and one line per run summary (cairn_run_list's
 * objects): id, status, start, duration, experiment, name. */
void runs_print_table(const json_t *runs);
/* Appends a duration in ms ("-" unless an integer), a value ("-" for NULL). */
void runs_format_duration(const json_t *ms, cairn_buf *out);
void runs_format_value(const json_t *v, cairn_buf *out);

/* How `cairn run` and `cairn reproduce` run a command (cli/cmd-run.c):
 * stop signals fill ctx's cancel flag, the command gets our environment,
 * its output is copied to our stdout and stderr, and SIGPIPE is ignored
 * here (a reader going away stops the copy only) while the command starts
 * with the dispositions we found, kept in reset. */
void cli_exec_options(cairn_ctx *ctx, struct cairn_exec_options *eo, sigset_t *reset);

#endif
