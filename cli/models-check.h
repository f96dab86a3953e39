/* cairn models check: the subcommand's entry point, registered in the
 * table of cli/cmd-models.c. */
#ifndef CAIRN_CLI_MODELS_CHECK_H
#define CAIRN_CLI_MODELS_CHECK_H

int models_check(int argc, char **argv);

#endif
