/*
 * Running a command as a tracked run: the process side of `cairn run` and
 * `cairn reproduce`.
 *
 * cairn_exec_run() takes a run that cairn_run_start() has just started and
 * owns it to the end:
 *   - records the run's info: "command" (the argv array), "cwd",
 *     "cli_params" (the params given here), "environment" (OS, kernel, CPU,
 *     memory, cairn's build, an allowlist of the variables of env) and
 *     "code" (the git commit of the repository the command runs in; when
 *     the tree differs from it, the difference as artifact code/diff.patch);
 *   - logs the params, then starts the command (argv[0] found on PATH) in
 *     the same process group, with the environment the caller gives (env)
 *     plus CAIRN_RUN_ID and CAIRN_DIR, so that `cairn log` and
 *     cairn_run_open_current() reach the run, CAIRN_PARAM_<key> for each
 *     param whose key is a valid variable name, PYTHONUNBUFFERED=1 unless
 *     env sets it (so Python's output streams live), and extra_env;
 *   - copies the command's stdout and stderr as they come to stdout_fd and
 *     stderr_fd (when not -1) and to temporary files in the workspace,
 *     stored at the end as artifacts logs/stdout.txt and logs/stderr.txt
 *     (never held in memory); a copy whose write fails (EPIPE: the reader
 *     went away) stops, the command and its logs go on;
 *   - stops the command when the context's cancel flag asks (see ctx.h):
 *     cancel->forward, a signal that reached only the caller, is sent to the
 *     command (then reset to 0); a request with no signal (another thread
 *     cancelling) sends it SIGTERM; a signal that reached the whole process
 *     group (a terminal's Ctrl-C) is not sent twice; a second request
 *     (cancel->requested >= 2) kills it with SIGKILL;
 *   - records "resources" {exit_code, signal, interrupted_by, wall_ms,
 *     cpu_user_ms, cpu_sys_ms, peak_rss_kb}, the paths at which the run's
 *     input datasets were found in the repository ("input_paths"), and ends
 *     the run: FINISHED when the command exited 0, KILLED when cancelling
 *     was requested, FAILED otherwise (with "exit status N" or "killed by
 *     signal N (SIGX)" as its message).
 *
 * If this process is killed with SIGKILL, the command gets SIGTERM (Linux's
 * parent-death signal) and readers show the run as FAILED.
 *
 * Process state: cairn_exec_run() installs no signal handler, changes no
 * signal mask or disposition of the calling process and reads no
 * environment variable; it waits for the command with a pidfd (Linux 5.3;
 * without one it polls) and looks at the cancel flag at least every 100 ms.
 * A caller that copies output to a pipe ignores SIGPIPE itself (`cairn run`
 * does), or a reader going away kills it; reset_signals lists the
 * signals the command must start with at their default action (what the
 * caller ignores or handles for itself). Only the forked child, between fork
 * and exec, changes its own signal state. Several calls may run at once on
 * different threads, each with its own context.
 */
#ifndef CAIRN_EXEC_H
#define CAIRN_EXEC_H

#include <signal.h>
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
	/* The command's environment, "NAME=VALUE" entries (NULL terminated);
	 * the run's "environment" records the allowlisted variables of it.
	 * NULL: an empty one (a program passes its environ). */
	char *const *env;
	char *const *extra_env;                 /* added to env, replacing, or NULL */
	/* Where the command's output is copied as it comes, besides the run's
	 * logs; -1: nowhere (cairn_exec_options_init sets both to -1). */
	int stdout_fd, stderr_fd;
	/* Signals set to their default action (and unblocked) in the command
	 * before it starts; NULL: none (handlers are reset by exec anyway,
	 * ignored signals stay ignored). */
	const sigset_t *reset_signals;
};

/* Zeroes opts and sets stdout_fd and stderr_fd to -1. */
void cairn_exec_options_init(struct cairn_exec_options *opts);

struct cairn_exec_result {
	enum cairn_run_status status;  /* how the run ended */
	int exit_status;     /* as a shell reports it: the exit code, 128 + the signal,
				127 when the command was not found, 126 when it could not run */
	int exit_code;       /* -1 when it did not exit by itself */
	int signal;          /* the signal that killed it, or 0 */
	int interrupted_by;  /* the signal that asked to cancel (cancel->sig), or 0 */
	int exec_errno;      /* why it could not be started, or 0 */
	int64_t wall_ms, cpu_user_ms, cpu_sys_ms, peak_rss_kb;
	char message[256];   /* the run's end message ("" when FINISHED) */
};

/*
 * Runs opts->argv as the started run (see above). Returns 0 when the run
 * ended as *res says, including when the command could not be started
 * (res->exec_errno). An error means cairn itself failed (storing the logs,
 * the metadata store): the run is then ended FAILED with that message when
 * the store allows it. A cancel is not an error: res says KILLED.
 */
int cairn_exec_run(cairn_run *run, const struct cairn_exec_options *opts,
		   struct cairn_exec_result *res);

CAIRN_END_DECLS

#endif
