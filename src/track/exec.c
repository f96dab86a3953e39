/* Running a command as a tracked run: start it, copy its output live and to
 * the run's logs, stop it when the context's cancel flag asks, record what
 * it used and end the run; see include/cairn/exec.h. Also the process
 * helpers of exec-internal.h. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "cairn/dataset.h"
#include "cairn/error.h"
#include "cairn/exec.h"
#include "cairn/hash.h"
#include "cairn/workspace.h"
#include "core/cancel.h"
#include "core/child.h"
#include "core/ctx-internal.h"
#include "core/fs.h"
#include "core/log.h"
#include "track/codever-internal.h"
#include "track/exec-internal.h"
#include "track/run-internal.h"
#include "track/sysinfo-internal.h"


/*
 * Process helpers.
 */

static size_t name_len(const char *entry)
{
	return strcspn(entry, "=");
}

char **cairn__env_merge(char *const *base, char *const *extra)
{
	size_t n = 0, m, i, j, k = 0;
	char **env;

	for (; base && base[n]; n++)
		;
	for (m = 0; extra && extra[m]; m++)
		;
	env = cairn_xcalloc(n + m + 1, sizeof(*env));
	for (i = 0; i < n; i++) {
		size_t len = name_len(base[i]);
		for (j = 0; j < m; j++)
			if (name_len(extra[j]) == len && !strncmp(extra[j], base[i], len))
				break;
		if (j == m)
			env[k++] = cairn_xstrdup(base[i]);
	}
	for (j = 0; j < m; j++)
		env[k++] = cairn_xstrdup(extra[j]);
	return env;
}


const char *cairn__env_get(char *const *env, const char *name)
{
	size_t len = strlen(name);

	for (size_t i = 0; env && env[i]; i++)
		if (name_len(env[i]) == len && !strncmp(env[i], name, len))
			return env[i] + len + 1;
	return NULL;
}

void cairn__env_free(char **env)
{
	if (!env)
		return;
	for (char **e = env; *e; e++)
		free(*e);
	free(env);
}

/* Appends what is left to read on fd to b (NULL: discards it). */
static void read_all(int fd, cairn_buf *b)
{
	char chunk[8192];
	ssize_t n;

	while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (b)
			cairn_buf_add(b, chunk, (size_t)n);
	}
}

int cairn__run_capture(char *const *argv, char *const *env, int in_fd, int out_fd,
		       cairn_buf *out, cairn_buf *err)
{
	static char *const no_env[] = { NULL };
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t none, dfl;
	int pipefd[2] = { -1, -1 }, errfd, status = 0, rc;
	pid_t pid;

	/* stderr goes to an anonymous file, read once the program is done:
	 * no second pipe to poll, and no deadlock whatever it writes. */
	errfd = memfd_create("cairn-stderr", MFD_CLOEXEC);
	if (out_fd < 0 && pipe2(pipefd, O_CLOEXEC)) {
		rc = errno;
		goto fail;
	}
	posix_spawn_file_actions_init(&fa);
	if (in_fd >= 0)
		posix_spawn_file_actions_adddup2(&fa, in_fd, 0);
	else
		posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, out_fd >= 0 ? out_fd : pipefd[1], 1);
	if (errfd >= 0)
		posix_spawn_file_actions_adddup2(&fa, errfd, 2);
	else
		posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	posix_spawnattr_init(&attr);
	sigemptyset(&none);
	sigemptyset(&dfl);
	sigaddset(&dfl, SIGPIPE);
	sigaddset(&dfl, SIGINT);
	sigaddset(&dfl, SIGTERM);
	sigaddset(&dfl, SIGHUP);
	sigaddset(&dfl, SIGCHLD);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setsigdefault(&attr, &dfl);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	rc = posix_spawnp(&pid, argv[0], &fa, &attr, argv, env ? env : no_env);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	if (pipefd[1] >= 0)
		close(pipefd[1]);
	if (rc)
		goto fail;
	if (pipefd[0] >= 0)
		read_all(pipefd[0], out);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			rc = errno;
			goto fail;
		}
	if (errfd >= 0 && err && lseek(errfd, 0, SEEK_SET) == 0)
		read_all(errfd, err);
	if (pipefd[0] >= 0)
		close(pipefd[0]);
	if (errfd >= 0)
		close(errfd);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
fail:
	if (pipefd[0] >= 0)
		close(pipefd[0]);
	if (errfd >= 0)
		close(errfd);
	errno = rc;
	return -1;
}

/*
 * A file with no name in the workspace directory (O_TMPFILE), so that no
 * crash leaves it behind; path names it for functions that take a path
 * (/proc/self/fd/N). Where that is not possible, a named file that
 * temp_close() removes.
 */
struct temp {
	int fd;
	cairn_buf path;
	int named;
};

static int temp_open(cairn_ctx *ctx, const char *dir, struct temp *t)
{
	cairn_buf_init(&t->path);
	t->named = 0;
	t->fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (t->fd >= 0) {
		cairn_buf_addf(&t->path, "/proc/self/fd/%d", t->fd);
		if (!access(t->path.buf, F_OK))
			return 0;
		close(t->fd);
		cairn_buf_reset(&t->path);
	}
	cairn_buf_addf(&t->path, "%s/tmp-run-XXXXXX", dir);
	if ((t->fd = mkostemp(t->path.buf, O_CLOEXEC)) < 0) {
		int rc = cairn_error_errno(ctx, "cannot create a temporary file in '%s'", dir);
		cairn_buf_release(&t->path);
		return rc;
	}
	t->named = 1;
	return 0;
}

static void temp_close(struct temp *t)
{
	if (t->fd >= 0)
		close(t->fd);
	if (t->named)
		unlink(t->path.buf);
	t->fd = -1;
	t->named = 0;
	cairn_buf_release(&t->path);
}


/*
 * The run's records.
 */

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int64_t tv_ms(struct timeval tv)
{
	return (int64_t)tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

static json_t *argv_json(char *const *argv)
{
	json_t *a = json_array();

	for (size_t i = 0; argv[i]; i++) {
		json_t *s = json_string(argv[i]);
		json_array_append_new(a, s ? s : json_string("(not UTF-8)"));
	}
	return a;
}

/* 1 when key can be the suffix of an environment variable name. */
static int env_key(const char *key)
{
	if (!*key || (*key >= '0' && *key <= '9'))
		return 0;
	for (const char *p = key; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '_'))
			return 0;
	return 1;
}

/* The command's environment: the caller's, the run's variables, the
 * params, the caller's extras. */
static char **child_env(cairn_run *run, const struct cairn_exec_options *opts)
{
	cairn_ctx *ctx = cairn_run_ctx(run);
	size_t n = 0, cap = 8 + opts->nparams, i;
	char **extra = cairn_xcalloc(cap + 1, sizeof(*extra)), **env;
	cairn_buf b = CAIRN_BUF_INIT;

	cairn_buf_addf(&b, "CAIRN_RUN_ID=%s", cairn_run_id(run));
	extra[n++] = cairn_buf_detach(&b, NULL);
	cairn_buf_addf(&b, "CAIRN_DIR=%s", cairn_workspace_dir(ctx));
	extra[n++] = cairn_buf_detach(&b, NULL);
	if (!cairn__env_get(opts->env, "PYTHONUNBUFFERED"))
		extra[n++] = cairn_xstrdup("PYTHONUNBUFFERED=1");
	for (i = 0; i < opts->nparams; i++) {
		if (!env_key(opts->params[i].key))
			continue;
		cairn_buf_addf(&b, "CAIRN_PARAM_%s=%s", opts->params[i].key, opts->params[i].value);
		extra[n++] = cairn_buf_detach(&b, NULL);
	}
	for (i = 0; opts->extra_env && opts->extra_env[i]; i++) {
		if (n == cap)
			extra = cairn_xrealloc(extra, ((cap *= 2) + 1) * sizeof(*extra));
		extra[n++] = cairn_xstrdup(opts->extra_env[i]);
	}
	extra[n] = NULL;
	env = cairn__env_merge(opts->env, extra);
	for (i = 0; i < n; i++)
		free(extra[i]);
	free(extra);
	return env;
}

int cairn__codever_record(cairn_run *run, const char *dir, char *const *env, json_t **code)
{
	cairn_ctx *ctx = cairn_run_ctx(run);
	struct temp diff = { -1, CAIRN_BUF_INIT, 0 };
	struct stat st;
	int rc;

	*code = NULL;
	if ((rc = temp_open(ctx, cairn_workspace_dir(ctx), &diff)) ||
	    (rc = cairn__codever_capture(ctx, dir, cairn_workspace_dir(ctx), env, diff.fd, code)))
		goto out;
	if (*code && json_is_true(json_object_get(*code, "dirty")) && !fstat(diff.fd, &st) &&
	    st.st_size > 0) {
		if ((rc = cairn_run_log_artifact(run, diff.path.buf, "code/diff.patch")))
			goto out;
		json_object_set_new(*code, "diff", json_string("code/diff.patch"));
	}
	rc = cairn_run_set_info(run, "code", *code ? json_incref(*code) : json_null());
out:
	temp_close(&diff);
	if (rc) {
		json_decref(*code);
		*code = NULL;
	}
	return rc;
}

/* Records command, cwd, params, environment and code version. */
static int record_start(cairn_run *run, const struct cairn_exec_options *opts, const char *cwd,
			json_t **code)
{
	cairn_ctx *ctx = cairn_run_ctx(run);
	json_t *params, *env;
	int rc;

	*code = NULL;
	if ((rc = cairn_run_set_info(run, "command", argv_json(opts->argv))) ||
	    (rc = cairn_run_set_info(run, "cwd", json_string(cwd))))
		goto out;
	params = json_object();
	for (size_t i = 0; i < opts->nparams; i++)
		json_object_set_new(params, opts->params[i].key, json_string(opts->params[i].value));
	if ((rc = cairn_run_set_info(run, "cli_params", params)))
		goto out;
	if (!(env = cairn__sysinfo_environment(opts->env))) {
		rc = cairn_error(ctx, CAIRN_ENOMEM, "out of memory");
		goto out;
	}
	if ((rc = cairn_run_set_info(run, "environment", env)))
		goto out;
	if ((rc = cairn__codever_record(run, cwd, opts->env, code)))
		goto out;
	for (size_t i = 0; i < opts->nparams && !rc; i++)
		rc = cairn_run_log_param(run, opts->params[i].key, opts->params[i].value);
out:
	return rc;
}

/* 1 when the file at path holds the content of v (size, then hash). */
static int same_content(cairn_ctx *ctx, const char *path, const struct cairn_dataset_version *v)
{
	char hex[CAIRN_HEX_LEN + 1];
	struct stat st;

	if (stat(path, &st) || !S_ISREG(st.st_mode) || (uint64_t)st.st_size != v->size)
		return 0;
	if (cairn_sha256_file(ctx, path, hex)) {
		cairn_error_clear(ctx);
		return 0;
	}
	return !strcmp(hex, v->hash);
}

/*
 * Where the run's input datasets lie in the repository, so that a
 * reproduction can put them back there: a version added from a file or
 * directory whose source path (taken from the command's directory, or from
 * the repository's top) still holds it. Files are checked by content;
 * directories by existence. Best effort: nothing is recorded when unsure.
 */
static int record_input_paths(cairn_run *run, const json_t *code, const char *cwd)
{
	cairn_ctx *ctx = cairn_run_ctx(run);
	const char *repo = json_string_value(json_object_get(code, "repository"));
	json_t *show = NULL, *paths = json_object(), *in;
	cairn_buf cand = CAIRN_BUF_INIT;
	size_t i, repo_len;
	int rc;

	if (!repo) {
		json_decref(paths);
		return 0;
	}
	repo_len = strlen(repo);
	if ((rc = cairn_run_show(ctx, cairn_run_id(run), &show)))
		goto out;
	json_array_foreach(json_object_get(show, "inputs"), i, in) {
		struct cairn_dataset_version v = { 0 };
		const char *bases[2] = { cwd, repo };
		if (cairn_dataset_resolve(ctx, json_string_value(json_object_get(in, "dataset")), &v)) {
			cairn_error_clear(ctx);
			continue;
		}
		for (int b = 0; b < 2 && v.source &&
		     (!strcmp(v.source_kind, "file") || !strcmp(v.source_kind, "dir")); b++) {
			char *real;
			cairn_path_join(&cand, bases[b], v.source);
			if (!(real = realpath(cand.buf, NULL)))
				continue;
			if (!strncmp(real, repo, repo_len) && real[repo_len] == '/' &&
			    (!strcmp(v.kind, "dir") ? cairn_is_dir(real) : same_content(ctx, real, &v))) {
				json_object_set_new(paths, json_string_value(json_object_get(in, "dataset")),
						    json_string(real + repo_len + 1));
				b = 2;
			}
			free(real);
		}
		cairn_dataset_version_release(&v);
	}
	if (json_object_size(paths)) {
		rc = cairn_run_set_info(run, "input_paths", paths);
		paths = NULL;
	}
out:
	json_decref(paths);
	json_decref(show);
	cairn_buf_release(&cand);
	return rc;
}

/*
 * The command's output: each stream is copied to our own (while that
 * works) and to a temporary file, stored as an artifact at the end.
 */
struct stream {
	int fd;             /* the read end of the command's pipe, -1 at end */
	int tee_fd;         /* ours, or -1 */
	struct temp file;
	int write_errno;    /* the first error writing the file */
};

static void stream_read(struct stream *s)
{
	char chunk[65536];
	ssize_t n = read(s->fd, chunk, sizeof(chunk));

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		close(s->fd);
		s->fd = -1;
		return;
	}
	if (s->tee_fd >= 0 && cairn_write_full(s->tee_fd, chunk, (size_t)n))
		s->tee_fd = -1;
	if (!s->write_errno && cairn_write_full(s->file.fd, chunk, (size_t)n))
		s->write_errno = errno;
}

/* Once the command has exited, what it left running (a background process
 * holding its stdout) may keep its pipes open: reading stops when nothing
 * came for DRAIN_IDLE_MS, or DRAIN_MAX_MS after the exit. */
#define DRAIN_IDLE_MS 200
#define DRAIN_MAX_MS 2000
/* The longest wait before the cancel flag is looked at again: a signal
 * that arrives just before poll() does not interrupt it. */
#define CANCEL_POLL_MS 100

struct child {
	pid_t pid;
	int pidfd;          /* readable once the command has exited, or -1 */
	int reaped, status, killed_hard, stopped;
	struct rusage ru;
	int64_t start_ms, end_ms;
};

static void child_reap(struct child *c, int flags)
{
	pid_t r;

	while ((r = wait4(c->pid, &c->status, flags, &c->ru)) < 0 && errno == EINTR)
		;
	if (r == c->pid) {
		c->reaped = 1;
		c->end_ms = mono_ms();
	}
}

/* What the cancel flag asks of the command: a signal that reached only us
 * is passed on; a request without a signal stops it with SIGTERM; a second
 * request kills it. A signal that reached the whole process group (a
 * terminal's Ctrl-C) reached the command too. */
static void apply_cancel(struct cairn_cancel *cancel, struct child *c)
{
	int forward;

	if (!cancel || !cancel->requested)
		return;
	forward = cancel->forward;
	cancel->forward = 0;
	if (c->reaped || c->killed_hard)
		return;
	if (cancel->requested >= 2) {
		kill(c->pid, SIGKILL);
		c->killed_hard = 1;
	} else if (forward) {
		kill(c->pid, forward);
		c->stopped = 1;
	} else if (!cancel->sig && !c->stopped) {
		kill(c->pid, SIGTERM);
		c->stopped = 1;
	}
}

/* Copies the output until the command has exited and its pipes are done. */
static void pump(cairn_ctx *ctx, struct child *c, struct stream *s)
{
	struct cairn_cancel *cancel = ctx->cancel;
	int64_t last_data = 0;

	for (;;) {
		struct pollfd fds[3];
		struct stream *of[3];
		int nfds = 0, r, timeout = CANCEL_POLL_MS;

		for (int i = 0; i < 2; i++)
			if (s[i].fd >= 0) {
				fds[nfds].fd = s[i].fd;
				fds[nfds].events = POLLIN;
				of[nfds++] = &s[i];
			}
		if (c->reaped) {
			int64_t now = mono_ms();
			if (!nfds || now - c->end_ms > DRAIN_MAX_MS ||
			    now - (last_data > c->end_ms ? last_data : c->end_ms) >= DRAIN_IDLE_MS)
				break;
		} else if (c->pidfd >= 0) {
			fds[nfds].fd = c->pidfd;
			fds[nfds].events = POLLIN;
			of[nfds++] = NULL;
		}
		r = poll(fds, (nfds_t)nfds, timeout);
		if (r < 0 && errno != EINTR) {
			cairn__log_warn(ctx, "cannot wait for the command's output: %s", strerror(errno));
			break;
		}
		apply_cancel(cancel, c);
		if (!c->reaped)
			child_reap(c, WNOHANG);
		for (int i = 0; r > 0 && i < nfds; i++)
			if (of[i] && fds[i].revents) {
				stream_read(of[i]);
				last_data = mono_ms();
			}
	}
	for (int i = 0; i < 2; i++)
		if (s[i].fd >= 0) {
			close(s[i].fd);
			s[i].fd = -1;
		}
	if (!c->reaped)
		child_reap(c, 0);
}

/* Why the command could not start, from the child before exec. */
struct start_error {
	int chdir_failed;
	int err;
};

/* In the child, between fork and exec: only async-signal-safe calls. */
static void exec_child(const struct cairn_exec_options *opts, const struct cairn_cancel *cancel,
		       char *const *env, int out, int err, int report, pid_t parent)
{
	struct start_error e = { 0, 0 };

	if (opts->reset_signals) {
		struct sigaction dfl;
		memset(&dfl, 0, sizeof(dfl));
		dfl.sa_handler = SIG_DFL;
		sigemptyset(&dfl.sa_mask);
		for (int sig = 1; sig < NSIG; sig++)
			if (sigismember(opts->reset_signals, sig) == 1)
				sigaction(sig, &dfl, NULL);
		sigprocmask(SIG_UNBLOCK, opts->reset_signals, NULL);
		/* A signal to the process group that came between fork and
		 * here ran the caller's handler in this copy of it: act on it
		 * as the command would have. */
		if (cancel && cancel->sig && sigismember(opts->reset_signals, cancel->sig) == 1)
			raise(cancel->sig);
	}
	/* If cairn dies without a word, the command is told to stop: its run is
	 * recorded as FAILED, so nothing would collect what it does. */
	cairn__die_with_parent(parent, SIGTERM);
	if (dup2(out, 1) < 0 || dup2(err, 2) < 0) {
		e.err = errno;
	} else if (opts->cwd && chdir(opts->cwd)) {
		e.chdir_failed = 1;
		e.err = errno;
	} else {
		execvpe(opts->argv[0], opts->argv, env);
		e.err = errno;
	}
	if (write(report, &e, sizeof(e)) < 0)
		_exit(126);
	_exit(!e.chdir_failed && e.err == ENOENT ? 127 : 126);
}

/* "interrupted by SIGINT", or "cancelled" when no signal asked. */
static void interrupted(int sig, cairn_buf *out)
{
	char name[16];

	if (sig) {
		cairn__signal_name(sig, name);
		cairn_buf_addf(out, "interrupted by %s", name);
	} else {
		cairn_buf_adds(out, "cancelled");
	}
}

/* Fills res from how the command ended. */
static void outcome(const struct child *c, const struct start_error *se,
		    const struct cairn_exec_options *opts, const struct cairn_cancel *cancel,
		    struct cairn_exec_result *res)
{
	cairn_buf msg = CAIRN_BUF_INIT;
	char name[16];

	res->exit_code = -1;
	res->signal = 0;
	res->interrupted_by = cancel && cancel->requested ? cancel->sig : 0;
	if (se->err) {
		res->exec_errno = se->err;
		res->exit_status = !se->chdir_failed && se->err == ENOENT ? 127 : 126;
		if (se->chdir_failed)
			cairn_buf_addf(&msg, "cannot change to directory '%s': %s", opts->cwd,
				       strerror(se->err));
		else
			cairn_buf_addf(&msg, "cannot run '%s': %s", opts->argv[0],
				       se->err == ENOENT ? "command not found" : strerror(se->err));
	} else if (WIFEXITED(c->status)) {
		res->exit_code = WEXITSTATUS(c->status);
		res->exit_status = res->exit_code;
		if (res->exit_code)
			cairn_buf_addf(&msg, "exit status %d", res->exit_code);
	} else {
		res->signal = WTERMSIG(c->status);
		res->exit_status = 128 + res->signal;
		cairn__signal_name(res->signal, name);
		cairn_buf_addf(&msg, "killed by signal %d (%s)", res->signal, name);
	}
	if (cancel && cancel->requested) {
		cairn_buf b = CAIRN_BUF_INIT;
		interrupted(cancel->sig, &b);
		cairn_buf_addf(&b, "%s%s", msg.len ? "; " : "", msg.buf);
		cairn_buf_release(&msg);
		msg = b;
		res->status = CAIRN_RUN_KILLED;
	} else {
		res->status = msg.len ? CAIRN_RUN_FAILED : CAIRN_RUN_FINISHED;
	}
	snprintf(res->message, sizeof(res->message), "%s", msg.buf);
	res->wall_ms = c->reaped ? c->end_ms - c->start_ms : 0;
	res->cpu_user_ms = tv_ms(c->ru.ru_utime);
	res->cpu_sys_ms = tv_ms(c->ru.ru_stime);
	res->peak_rss_kb = c->ru.ru_maxrss;
	cairn_buf_release(&msg);
}

static json_t *resources_json(const struct cairn_exec_result *res)
{
	char name[16];
	json_t *o = json_object();

	json_object_set_new(o, "exit_code", res->exit_code >= 0 ? json_integer(res->exit_code) :
			    json_null());
	json_object_set_new(o, "signal", res->signal ? json_integer(res->signal) : json_null());
	if (res->interrupted_by) {
		cairn__signal_name(res->interrupted_by, name);
		json_object_set_new(o, "interrupted_by", json_string(name));
	} else {
		json_object_set_new(o, "interrupted_by", json_null());
	}
	json_object_set_new(o, "wall_ms", json_integer(res->wall_ms));
	json_object_set_new(o, "cpu_user_ms", json_integer(res->cpu_user_ms));
	json_object_set_new(o, "cpu_sys_ms", json_integer(res->cpu_sys_ms));
	json_object_set_new(o, "peak_rss_kb", json_integer(res->peak_rss_kb));
	return o;
}

/* Ends the run after a failure of cairn itself, keeping rc's message. */
static int fail_run(cairn_run *run, int rc, const char *what)
{
	cairn_ctx *ctx = cairn_run_ctx(run);
	cairn_buf msg = CAIRN_BUF_INIT;
	int code = cairn_errcode(ctx);

	cairn_buf_addf(&msg, "%s: %s", what, cairn_errmsg(ctx));
	if (cairn_run_end(run, CAIRN_RUN_FAILED, msg.buf))
		cairn__log_warn(ctx, "cannot end run %s: %s", cairn_run_id(run), cairn_errmsg(ctx));
	cairn_error(ctx, code ? code : rc, "%s", msg.buf);
	cairn_buf_release(&msg);
	return rc;
}

/* The pipes between cairn and the command. */
struct pipes {
	int out[2], err[2], report[2];
};

static void pipes_close(struct pipes *p)
{
	for (int i = 0; i < 2; i++) {
		if (p->out[i] >= 0)
			close(p->out[i]);
		if (p->err[i] >= 0)
			close(p->err[i]);
		if (p->report[i] >= 0)
			close(p->report[i]);
		p->out[i] = p->err[i] = p->report[i] = -1;
	}
}

/* A descriptor that becomes readable when process pid exits, or -1 (before
 * Linux 5.3: the caller then polls with WNOHANG). */
static int pidfd_open(pid_t pid)
{
#ifdef SYS_pidfd_open
	int fd = (int)syscall(SYS_pidfd_open, pid, 0);

	if (fd >= 0)
		fcntl(fd, F_SETFD, FD_CLOEXEC);
	return fd;
#else
	(void)pid;
	return -1;
#endif
}

/* Starts the command, copies its output until it is done, and fills res. */
static int start_and_wait(cairn_ctx *ctx, const struct cairn_exec_options *opts,
			  char *const *env, struct pipes *p, struct stream s[2],
			  struct cairn_exec_result *res)
{
	struct start_error se = { 0, 0 };
	struct child c = { 0 };
	pid_t parent = getpid();
	ssize_t n;

	fflush(NULL);
	c.start_ms = mono_ms();
	if ((c.pid = fork()) < 0)
		return cairn_error_errno(ctx, "cannot start '%s'", opts->argv[0]);
	if (!c.pid)
		exec_child(opts, ctx->cancel, env, p->out[1], p->err[1], p->report[1], parent);
	c.pidfd = pidfd_open(c.pid);
	close(p->out[1]);
	close(p->err[1]);
	close(p->report[1]);
	p->out[1] = p->err[1] = p->report[1] = -1;
	while ((n = read(p->report[0], &se, sizeof(se))) < 0 && errno == EINTR)
		;
	if (n != (ssize_t)sizeof(se))
		se.err = 0;
	s[0].fd = p->out[0];
	s[1].fd = p->err[0];
	p->out[0] = p->err[0] = -1;
	s[0].tee_fd = opts->stdout_fd;
	s[1].tee_fd = opts->stderr_fd;
	pump(ctx, &c, s);
	if (c.pidfd >= 0)
		close(c.pidfd);
	outcome(&c, &se, opts, ctx->cancel, res);
	return 0;
}

/* What is kept once the command has ended, and the end of the run. */
static int record_end(cairn_run *run, struct stream s[2], const struct cairn_exec_result *res,
		      const json_t *code, const char *cwd)
{
	cairn_ctx *ctx = cairn_run_ctx(run);
	int rc;

	for (int i = 0; i < 2; i++)
		if (s[i].write_errno)
			return cairn_error(ctx, CAIRN_EIO, "cannot keep the command's %s: %s",
					   i ? "stderr" : "stdout", strerror(s[i].write_errno));
	if ((rc = cairn_run_log_artifact(run, s[0].file.path.buf, "logs/stdout.txt")) ||
	    (rc = cairn_run_log_artifact(run, s[1].file.path.buf, "logs/stderr.txt")) ||
	    (rc = cairn_run_set_info(run, "resources", resources_json(res))) ||
	    (code && (rc = record_input_paths(run, code, cwd))))
		return rc;
	return 0;
}

int cairn_exec_run(cairn_run *run, const struct cairn_exec_options *opts,
		   struct cairn_exec_result *res)
{
	cairn_ctx *ctx = cairn_run_ctx(run);
	const char *wsdir = cairn_workspace_dir(ctx);
	struct stream s[2] = { { -1, -1, { -1, CAIRN_BUF_INIT, 0 }, 0 },
			       { -1, -1, { -1, CAIRN_BUF_INIT, 0 }, 0 } };
	struct pipes p = { { -1, -1 }, { -1, -1 }, { -1, -1 } };
	char **env = NULL, *cwd = NULL;
	json_t *code = NULL;
	int rc;

	memset(res, 0, sizeof(*res));
	res->exit_code = -1;
	if (!opts->argv || !opts->argv[0]) {
		rc = cairn_error(ctx, CAIRN_EINVAL, "no command to run");
		return fail_run(run, rc, "cannot start");
	}
	if (!(cwd = realpath(opts->cwd ? opts->cwd : ".", NULL))) {
		rc = cairn_error_errno(ctx, "cannot find directory '%s'", opts->cwd ? opts->cwd : ".");
		rc = fail_run(run, rc, "cannot start");
		goto out;
	}
	if ((rc = record_start(run, opts, cwd, &code)) ||
	    (rc = temp_open(ctx, wsdir, &s[0].file)) ||
	    (rc = temp_open(ctx, wsdir, &s[1].file))) {
		rc = fail_run(run, rc, "cannot start");
		goto out;
	}
	if (pipe2(p.out, O_CLOEXEC) || pipe2(p.err, O_CLOEXEC) || pipe2(p.report, O_CLOEXEC)) {
		rc = cairn_error_errno(ctx, "cannot create a pipe");
		rc = fail_run(run, rc, "cannot start");
		goto out;
	}
	env = child_env(run, opts);
	/* A cancel during the set-up stops here, before the command starts. */
	if (cairn_ctx_cancelled(ctx)) {
		cairn_buf msg = CAIRN_BUF_INIT;
		interrupted(ctx->cancel->sig, &msg);
		cairn_buf_adds(&msg, " before the command started");
		res->status = CAIRN_RUN_KILLED;
		res->interrupted_by = ctx->cancel->sig;
		res->exit_status = ctx->cancel->sig ? 128 + ctx->cancel->sig : 1;
		snprintf(res->message, sizeof(res->message), "%s", msg.buf);
		cairn_buf_release(&msg);
	} else if ((rc = start_and_wait(ctx, opts, env, &p, s, res))) {
		rc = fail_run(run, rc, "cannot start");
		goto out;
	}
	if (res->status == CAIRN_RUN_KILLED) {
		cairn_buf msg = CAIRN_BUF_INIT;
		cairn_buf_addf(&msg, "stopped with its parent run %s (%s)", cairn_run_id(run),
			       res->message);
		if (cairn__run_end_dead_children(run, CAIRN_RUN_KILLED, msg.buf)) {
			cairn__log_warn(ctx, "cannot end the child runs of run %s: %s",
					cairn_run_id(run), cairn_errmsg(ctx));
			cairn_error_clear(ctx);
		}
		cairn_buf_release(&msg);
	}
	if ((rc = record_end(run, s, res, code, cwd))) {
		/* A full disk, most likely, part of it taken by the logs: they
		 * go first, so that the store has room to end the run with the
		 * error. */
		for (int i = 0; i < 2; i++)
			temp_close(&s[i].file);
		rc = fail_run(run, rc, "cannot record the run");
		goto out;
	}
	rc = cairn_run_end(run, res->status, res->message);
out:
	for (int i = 0; i < 2; i++) {
		if (s[i].fd >= 0)
			close(s[i].fd);
		temp_close(&s[i].file);
	}
	pipes_close(&p);
	cairn__env_free(env);
	json_decref(code);
	free(cwd);
	return rc;
}

void cairn_exec_options_init(struct cairn_exec_options *opts)
{
	memset(opts, 0, sizeof(*opts));
	opts->stdout_fd = -1;
	opts->stderr_fd = -1;
}
