/* Running a shell command with its standard output captured to a file;
 * see include/cairn/acquire.h. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "cairn/acquire.h"
#include "cairn/error.h"
#include "core/cancel.h"
#include "core/child.h"
#include "core/ctx-internal.h"

extern char **environ;

/*
 * Waits for pid, checking the context's cancel flag every 20 ms or less. The
 * command runs in its own process group, so that stopping it stops
 * everything it started: the first request sends SIGTERM to the group, a
 * further one SIGKILL. If cairn dies without a word, the command (sh) gets
 * SIGTERM (cairn__die_with_parent).
 */
static int wait_cancellable(cairn_ctx *ctx, pid_t pid, int *status, int *stopped)
{
	struct timespec tick = { 0, 1000 * 1000 };
	int sent = 0;

	*stopped = 0;
	for (;;) {
		pid_t w = waitpid(pid, status, WNOHANG);
		int requested;

		if (w == pid)
			return 0;
		if (w < 0 && errno != EINTR)
			return -1;
		requested = ctx->cancel ? (int)ctx->cancel->requested : 0;
		if (requested > sent) {
			kill(-pid, sent ? SIGKILL : SIGTERM);
			sent = requested;
			*stopped = 1;
			/* Passed on to the command's group: nothing left to forward. */
			ctx->cancel->forward = 0;
		}
		nanosleep(&tick, NULL);
		/* Quick commands end quickly; long ones are checked every 20 ms. */
		if (tick.tv_nsec < 20 * 1000 * 1000)
			tick.tv_nsec *= 2;
	}
}

int cairn_run_to_file(cairn_ctx *ctx, const char *cmd, const char *dest_path)
{
	char *argv[] = { (char *)"sh", (char *)"-c", (char *)cmd, NULL };
	pid_t pid, parent = getpid();
	int status, fd, null_fd, stopped;

	fd = open(dest_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0)
		return cairn_error_errno(ctx, "cannot create '%s'", dest_path);
	null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (null_fd < 0) {
		close(fd);
		return cairn_error_errno(ctx, "cannot open '/dev/null'");
	}
	fflush(NULL);
	/* fork, not posix_spawn: the command must die with us (child.h). */
	if ((pid = fork()) < 0) {
		close(fd);
		close(null_fd);
		return cairn_error_errno(ctx, "cannot run '%s'", cmd);
	}
	if (!pid) {
		/* In the child: only async-signal-safe calls. */
		cairn__die_with_parent(parent, SIGTERM);
		if (setpgid(0, 0) || dup2(fd, STDOUT_FILENO) < 0 || dup2(null_fd, STDIN_FILENO) < 0)
			_exit(127);
		execve("/bin/sh", argv, environ);
		_exit(127);
	}
	close(null_fd);
	/* The group exists before we signal it, whichever process runs first. */
	setpgid(pid, pid);
	if (wait_cancellable(ctx, pid, &status, &stopped) < 0) {
		close(fd);
		return cairn_error_errno(ctx, "cannot wait for '%s'", cmd);
	}
	if (stopped) {
		close(fd);
		return cairn_error(ctx, CAIRN_EINTERRUPTED, "command '%s' was stopped: cancelled", cmd);
	}
	if (fsync(fd) < 0 && errno != EINVAL) {
		close(fd);
		return cairn_error_errno(ctx, "cannot write '%s'", dest_path);
	}
	close(fd);
	if (WIFSIGNALED(status)) {
		char name[16];
		return cairn_error(ctx, CAIRN_EIO, "command '%s' was killed by signal %d (%s)", cmd,
				   WTERMSIG(status), cairn__signal_name(WTERMSIG(status), name));
	}
	if (WEXITSTATUS(status))
		return cairn_error(ctx, CAIRN_EIO, "command '%s' failed with exit status %d", cmd,
				   WEXITSTATUS(status));
	return 0;
}
