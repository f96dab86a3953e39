/*
 * Running a command as a tracked run: the process side of `cairn run` and
 * `cairn reproduce`.
 *
 * cairn_exec_run() takes a run that cairn_run_start() has just started and
 * owns it to the end:
 *   - records the run's info: "command" (the argv array), "cwd",
 *     "cli_params" (the params given here), "environment" (OS, kernel, CPU,
 *     memory, cairn's build, an allowlist of environment variables) and
 *     "code" (the git commit of the repository the command runs in; when
 *     the tree differs from it, the difference as artifact code/diff.patch);
 *   - logs the params, then starts the command (argv[0] found on PATH) in
 *     the same process group, with CAIRN_RUN_ID and CAIRN_DIR set so that
 *     `cairn log` and cairn_run_from_env() reach the run, CAIRN_PARAM_<key>
 *     for each param whose key is a valid variable name, and
 *     PYTHONUNBUFFERED=1 unless set (so Python's output streams live);
 *   - copies the command's stdout and stderr as they come to its own (unless
 *     quiet) and to temporary files in the workspace, stored at the end as
 *     artifacts logs/stdout.txt and logs/stderr.txt (never held in memory);
 *   - forwards SIGINT, SIGTERM and SIGHUP sent to this process by another
 *     process to the command (a terminal's Ctrl-C already reaches the whole
 *     foreground process group, so it is not sent twice); a second such
 *     signal kills the command with SIGKILL;
 *   - records "resources" {exit_code, signal, interrupted_by, wall_ms,
 *     cpu_user_ms, cpu_sys_ms, peak_rss_kb}, the paths at which the run's
 *     input datasets were found in the repository ("input_paths"), and ends
 *     the run: FINISHED when the command exited 0, KILLED when this process
 *     was interrupted, FAILED otherwise (with "exit status N" or "killed by
 *     signal N (SIGX)" as its message).
 *
 * If this process is killed with SIGKILL, the command gets SIGTERM (Linux's
 * parent-death signal) and readers show the run as FAILED.
 *
 * For its duration, cairn_exec_run() blocks and handles SIGINT, SIGTERM,
 * SIGHUP and SIGCHLD and ignores SIGPIPE; it restores the previous handlers
 * and mask before returning. One call at a time per process.
 */
#ifndef CAIRN_EXEC_H
#define CAIRN_EXEC_H

#include <stddef.h>
#include <stdint.h>
#include "cairn/common.h"
#include "cairn/run.h"

CAIRN_BEGIN_DECLS

struct cairn_exec_param {
	const char *key;
	const char *value;
};

struct cairn_exec_options {
	char *const *argv;                      /* the command, NULL terminated */
	const char *cwd;                        /* where it runs (NULL: here) */
	const struct cairn_exec_param *params;  /* logged before it starts */
	size_t nparams;
	char *const *env;                       /* extra "NAME=VALUE" (NULL terminated) or NULL */
	int quiet;                              /* do not copy its output to ours */
};

struct cairn_exec_result {
	enum cairn_run_status status;  /* how the run ended */
	int exit_status;     /* as a shell reports it: the exit code, 128 + the signal,
				127 when the command was not found, 126 when it could not run */
	int exit_code;       /* -1 when it did not exit by itself */
	int signal;          /* the signal that killed it, or 0 */
	int interrupted_by;  /* the signal this process received (SIGINT...), or 0 */
	int exec_errno;      /* why it could not be started, or 0 */
	int64_t wall_ms, cpu_user_ms, cpu_sys_ms, peak_rss_kb;
	char message[256];   /* the run's end message ("" when FINISHED) */
};

/*
 * Runs opts->argv as the started run (see above). Returns 0 when the run
 * ended as *res says, including when the command could not be started
 * (res->exec_errno). An error means cairn itself failed (storing the logs,
 * the metadata store): the run is then ended FAILED with that message when
 * the store allows it.
 */
int cairn_exec_run(cairn_run *run, const struct cairn_exec_options *opts,
		   struct cairn_exec_result *res);

CAIRN_END_DECLS

#endif
