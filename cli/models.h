/*
 * The subcommands of `cairn models` that belong to the model registry
 * (cli/models-register.c, cli/models-change.c), and the registration step
 * that `cairn train --register` and `cairn models import --register` share.
 */
#ifndef CAIRN_CLI_MODELS_H
#define CAIRN_CLI_MODELS_H

#include "cairn/ctx.h"

int models_register(int argc, char **argv);
int models_list(int argc, char **argv);
int models_show(int argc, char **argv);
int models_history(int argc, char **argv);
int models_audit(int argc, char **argv);
int models_alias(int argc, char **argv);
int models_tag(int argc, char **argv);
int models_describe(int argc, char **argv);
int models_archive(int argc, char **argv);
int models_rename(int argc, char **argv);

/* Registers the package of a run that just ended FINISHED as the next
 * version of name, and says so on stdout (not with json, whose caller
 * prints the version). Returns 0 or the exit status. */
int cli_register_run(cairn_ctx *ctx, const char *name, const char *run_id, int json,
		     long long *version);

#endif
