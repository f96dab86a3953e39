/*
 * The subcommands of `cairn data`, one file each (cli/data-<name>.c) or one
 * file per close-knit group, dispatched by cli/cmd-data.c. Each takes the
 * argv that starts at the subcommand's name and returns an exit status.
 */
#ifndef CAIRN_CLI_DATA_H
#define CAIRN_CLI_DATA_H

#include <jansson.h>
#include "cairn/dataset.h"

int data_add(int argc, char **argv);
int data_list(int argc, char **argv);
int data_show(int argc, char **argv);
int data_tag(int argc, char **argv);
int data_describe(int argc, char **argv);
int data_search(int argc, char **argv);
int data_checkout(int argc, char **argv);
int data_split(int argc, char **argv);
int data_sample(int argc, char **argv);
int data_augment(int argc, char **argv);
int data_suggest(int argc, char **argv);
int data_check(int argc, char **argv);
int data_profile(int argc, char **argv);
int data_diff(int argc, char **argv);

/* cli_fail() for the data commands: an operation stopped by SIGINT, SIGTERM
 * or SIGHUP (cli_cancel_on_signals) ends the process by that signal once
 * the library has cleaned up. */
int data_fail(cairn_ctx *ctx, int rc);

/* Prints one line about a version: "iris@2  150 rows x 5 cols  3.8 KiB  ...". */
void data_print_version_line(const struct cairn_dataset_version *v);
/* Formats a byte count as "3.8 KiB". */
const char *data_human_size(uint64_t n, char buf[32]);

#endif
