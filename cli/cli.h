/*
 * Shared pieces of the command-line front end: the command table entry,
 * --help handling, error reporting with exit codes, and opening the
 * workspace. Every command lives in its own cli/cmd-<name>.c.
 */
#ifndef CAIRN_CLI_H
#define CAIRN_CLI_H

#include <getopt.h>
#include <stddef.h>
#include "cairn/ctx.h"
#include "cairn/id.h"

struct cli_command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
};

/* The command table (cli/main.c). */
extern const struct cli_command cli_commands[];
const struct cli_command *cli_find_command(const char *name);

/* Prints usage to stdout and returns 0 (for --help), or to stderr with a
 * hint and returns 2 (for a usage error). */
int cli_help(const char *usage);
int cli_usage_error(const char *usage, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* After cli_getopt() returned '?' (and reported the option): prints the
 * synopsis and returns 2. */
int cli_bad_option(const char *usage);

/* Resets getopt so that a command can parse its own argv. */
void cli_reset_getopt(void);
/* Runs getopt_long; reports unknown options and missing arguments as usage
 * errors (returns '?'), handles "-h"/"--help" by returning 'h'. */
int cli_getopt(int argc, char **argv, const char *shortopts,
	       const struct option *longopts);

/* Prints "cairn: error: <message>" and returns the exit status for rc. */
int cli_fail(cairn_ctx *ctx, int rc);
/* After a failure: the flag to use when a tree held a symbolic link that
 * leads outside it. */
void cli_symlink_hint(cairn_ctx *ctx, int rc);
/* cli_fail for a command that writes files: a destination that exists gets
 * the same advice in every command ("'F' already exists: use --force to
 * replace it"). */
int cli_fail_output(cairn_ctx *ctx, int rc);
/* Checks early, before any work, that the file path may be written (with
 * --force when force is set; the policy of docs/outputs.md); 0 or the
 * error on ctx. */
int cli_output_check(cairn_ctx *ctx, const char *path, int force);
/* Writes len bytes to the file path under that policy. */
int cli_output_write(cairn_ctx *ctx, const char *path, const void *data, size_t len,
		     int force);
/* Creates a context and opens the workspace; on failure prints the error,
 * stores the exit status in *status and returns NULL. */
cairn_ctx *cli_open_workspace(int *status);
/* The same for a command given MODELREF: when no workspace is found and
 * MODELREF is a bundle file (cairn_bundle_is_file) or a package directory
 * (a directory holding MLmodel), a context without one. */
cairn_ctx *cli_open_workspace_for_model(const char *modelref, int *status);
/* Creates a context without a workspace (exits on out of memory). */
cairn_ctx *cli_new_context(void);

/*
 * Runs the subcommand argv[1] of command name from table (ended by a NULL
 * name): intro is printed above the subcommand list by --help (exit 0) and
 * after a usage error (exit 2).
 */
int cli_dispatch(const char *name, const char *intro, const struct cli_command *table,
		 int argc, char **argv);

/* Parses the options of a command whose only option is --json (and --help):
 * 0 to go on (optind at the first argument), -1 when help was shown (exit 0),
 * else a usage error's exit status. */
int cli_parse_json_only(int argc, char **argv, const char *usage, int *json);

/* The run this command runs under: CAIRN_RUN_ID (set by 'cairn run'),
 * expanded to its full id in id, and *run pointing at id; *run is NULL
 * outside a run. A CAIRN_RUN_ID that names no run is an error. */
int cli_current_run(cairn_ctx *ctx, char id[CAIRN_ID_LEN + 1], const char **run);

/* Loads the rows named by what: the file at that path when one exists, else
 * the dataset version it references. *is_dataset (may be NULL) says which.
 * (cairn_dataset_load_file_or_ref, kept under this name for the commands
 * that call it.) */
struct cairn_frame;
int cli_load_data(cairn_ctx *ctx, const char *what, struct cairn_frame **f, int *is_dataset);

/* Parses an integer option value in [min, max] or reports a usage error
 * naming the range. */
int cli_parse_uint_range(const char *usage, const char *opt, const char *s,
			 unsigned long long min, unsigned long long max, unsigned long long *out);
/* Parses a fraction option value in (0, 1), or (0, 1] when one_ok is set,
 * or reports a usage error. */
int cli_parse_fraction(const char *usage, const char *opt, const char *s, int one_ok,
		       double *out);

/* Parses a non-negative decimal integer option value or reports a usage error. */
int cli_parse_uint(const char *usage, const char *opt, const char *s,
		   unsigned long long *out);
/* Splits s ("a,b,c") into *items (pointers into *text, a copy of s; the
 * caller frees both, which may hold a previous list: it is replaced). An
 * empty item is a usage error naming opt and what an item is. */
int cli_parse_list(const char *usage, const char *opt, const char *what, const char *s,
		   char **text, char ***items, size_t *n);

/* The commands. */
int cmd_init(int argc, char **argv);
int cmd_models(int argc, char **argv);
int models_card(int argc, char **argv);
int cmd_object(int argc, char **argv);
int cmd_fsck(int argc, char **argv);
int cmd_gc(int argc, char **argv);
int cmd_help(int argc, char **argv);
int cmd_version(int argc, char **argv);
int cmd_data(int argc, char **argv);
int cmd_runs(int argc, char **argv);
int cmd_train(int argc, char **argv);
int cmd_predict(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_sweep(int argc, char **argv);
int cmd_evaluate(int argc, char **argv);
int cmd_log(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_reproduce(int argc, char **argv);
int cmd_metrics(int argc, char **argv);
int cmd_predictions(int argc, char **argv);
int cmd_monitor(int argc, char **argv);
int cmd_lineage(int argc, char **argv);
int cmd_ci(int argc, char **argv);
int cmd_package(int argc, char **argv);
int cmd_alerts(int argc, char **argv);
/* cairn monitor watch (cli/monitor-watch.c). */
int cli_monitor_watch(int argc, char **argv);

#endif
