/* Running a shell command with its standard output captured to a file;
 * see include/cairn/acquire.h. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "cairn/acquire.h"
#include "cairn/error.h"

extern char **environ;

int cairn_run_to_file(cairn_ctx *ctx, const char *cmd, const char *dest_path)
{
	posix_spawn_file_actions_t fa;
	char *argv[] = { (char *)"sh", (char *)"-c", (char *)cmd, NULL };
	pid_t pid;
	int status, err, fd;

	fd = open(dest_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0)
		return cairn_error_errno(ctx, "cannot create '%s'", dest_path);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fd, STDOUT_FILENO);
	posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
	err = posix_spawn(&pid, "/bin/sh", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (err) {
		close(fd);
		errno = err;
		return cairn_error_errno(ctx, "cannot run '%s'", cmd);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			close(fd);
			return cairn_error_errno(ctx, "cannot wait for '%s'", cmd);
		}
	if (fsync(fd) < 0 && errno != EINVAL) {
		close(fd);
		return cairn_error_errno(ctx, "cannot write '%s'", dest_path);
	}
	close(fd);
	if (WIFSIGNALED(status))
		return cairn_error(ctx, CAIRN_EIO, "command '%s' was killed by signal %d (%s)", cmd,
				   WTERMSIG(status), strsignal(WTERMSIG(status)));
	if (WEXITSTATUS(status))
		return cairn_error(ctx, CAIRN_EIO, "command '%s' failed with exit status %d", cmd,
				   WEXITSTATUS(status));
	return 0;
}
