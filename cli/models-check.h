/* cairn models check: the subcommand's entry point, registered in the
 * table of cli/cmd-models.c; and what the commands that run gates share
 * (models check, models promote, ci). */
#ifndef CAIRN_CLI_MODELS_CHECK_H
#define CAIRN_CLI_MODELS_CHECK_H

#include <jansson.h>
#include "cairn/buf.h"
#include "cairn/ctx.h"
#include "cairn/gates.h"

int models_check(int argc, char **argv);
int models_promote(int argc, char **argv);

/* Loads the gates of model (NULL: the only one) from *config_path; NULL
 * there means cairn.yaml at the workspace root, whose path is then built
 * in path and *config_path points at it. */
int cli_gates_config(cairn_ctx *ctx, const char **config_path, cairn_buf *path,
		     const char *model, struct cairn_gates_config **config);
/* Prints the report as the gate table, one escaped line per row. */
void cli_gates_print(const json_t *report);

#endif
