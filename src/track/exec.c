/* Running a command as a tracked run: start it, copy its output live and to
 * the run's logs, forward signals, record what it used and end the run; see
 * include/cairn/exec.h. Also the process helpers of exec-internal.h. */
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
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "cairn/dataset.h"
#include "cairn/error.h"
#include "cairn/exec.h"
#include "cairn/hash.h"
#include "core/log.h"
#include "cairn/workspace.h"
#include "core/fs.h"
#include "track/codever-internal.h"
#include "track/exec-internal.h"
#include "track/sysinfo-internal.h"

extern char **environ;

/*
 * Process helpers.
 */

static size_t name_len(const char *entry)
{
	return strcspn(entry, "=");
}

char **cairn__env_new(char *const *extra)
{
	size_t n, m, i, j, k = 0;
	char **env;

	for (n = 0; environ[n]; n++)
		;
	for (m = 0; extra && extra[m]; m++)
		;
	env = cairn_xcalloc(n + m + 1, sizeof(*env));
	for (i = 0; i < n; i++) {
		size_t len = name_len(environ[i]);
		for (j = 0; j < m; j++)
			if (name_len(extra[j]) == len && !strncmp(extra[j], environ[i], len))
				break;
		if (j == m)
			env[k++] = cairn_xstrdup(environ[i]);
	}
	for (j = 0; j < m; j++)
		env[k++] = cairn_xstrdup(extra[j]);
	return env;
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
	rc = posix_spawnp(&pid, argv[0], &fa, &attr, argv, env ? env : environ);
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

int cairn__temp_open(cairn_ctx *ctx, const char *dir, struct cairn__temp *t)
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

void cairn__temp_close(struct cairn__temp *t)
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
 * Signals. They are blocked except inside ppoll(), so the handler only runs
 * there and the flags need no further care.
 */

static const int handled_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGCHLD };
#define NHANDLED 4

static volatile sig_atomic_t got_count, got_first, to_forward, child_changed;

static void on_signal(int sig, siginfo_t *si, void *uctx)
{
	(void)uctx;
	if (sig == SIGCHLD) {
		child_changed = 1;
		return;
	}
	if (!got_first)
		got_first = sig;
	got_count++;
	/* A terminal signals its whole foreground process group (si_code
	 * SI_KERNEL), which the command belongs to: it has the signal already.
	 * A kill() by another process (si_code <= 0) reached only us. */
	if (si->si_code <= 0)
		to_forward = sig;
}

struct sigstate {
	sigset_t old_mask, wait_mask;
	struct sigaction old[NHANDLED], old_pipe;
	int installed[NHANDLED];
};

static void signals_install(struct sigstate *s)
{
	struct sigaction sa, ign;
	sigset_t block;

	got_count = got_first = to_forward = child_changed = 0;
	sigemptyset(&block);
	for (int i = 0; i < NHANDLED; i++)
		sigaddset(&block, handled_signals[i]);
	sigprocmask(SIG_BLOCK, &block, &s->old_mask);
	s->wait_mask = s->old_mask;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_signal;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sigemptyset(&sa.sa_mask);
	for (int i = 0; i < NHANDLED; i++) {
		sigaction(handled_signals[i], NULL, &s->old[i]);
		/* A signal ignored when we started (nohup, a background job) stays
		 * ignored, for us and for the command. */
		s->installed[i] = handled_signals[i] == SIGCHLD || s->old[i].sa_handler != SIG_IGN;
		if (s->installed[i])
			sigaction(handled_signals[i], &sa, NULL);
		sigdelset(&s->wait_mask, handled_signals[i]);
	}
	/* The terminal or pipe we copy to may go away; the command keeps running
	 * and its logs are still stored. */
	memset(&ign, 0, sizeof(ign));
	ign.sa_handler = SIG_IGN;
	sigemptyset(&ign.sa_mask);
	sigaction(SIGPIPE, &ign, &s->old_pipe);
}

/* Puts back the dispositions (in the command, before exec, too). */
static void signals_restore_handlers(const struct sigstate *s)
{
	for (int i = 0; i < NHANDLED; i++)
		if (s->installed[i])
			sigaction(handled_signals[i], &s->old[i], NULL);
	sigaction(SIGPIPE, &s->old_pipe, NULL);
}

static void signals_restore(const struct sigstate *s)
{
	signals_restore_handlers(s);
	sigprocmask(SIG_SETMASK, &s->old_mask, NULL);
}

/* Lets signals that arrived while blocked run their handler. */
static void signals_poll(const struct sigstate *s)
{
	struct timespec zero = { 0, 0 };

	ppoll(NULL, 0, &zero, &s->wait_mask);
}

static void signal_name(int sig, char out[16])
{
	const char *abbrev = sigabbrev_np(sig);

	if (abbrev)
		snprintf(out, 16, "SIG%s", abbrev);
	else
		snprintf(out, 16, "signal %d", sig);
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

/* The command's environment: ours, the run's variables, the params, the
 * caller's extras. */
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
	if (!getenv("PYTHONUNBUFFERED"))
		extra[n++] = cairn_xstrdup("PYTHONUNBUFFERED=1");
	for (i = 0; i < opts->nparams; i++) {
		if (!env_key(opts->params[i].key))
			continue;
		cairn_buf_addf(&b, "CAIRN_PARAM_%s=%s", opts->params[i].key, opts->params[i].value);
		extra[n++] = cairn_buf_detach(&b, NULL);
	}
	for (i = 0; opts->env && opts->env[i]; i++) {
		if (n == cap)
			extra = cairn_xrealloc(extra, ((cap *= 2) + 1) * sizeof(*extra));
		extra[n++] = cairn_xstrdup(opts->env[i]);
	}
	extra[n] = NULL;
	env = cairn__env_new(extra);
	for (i = 0; i < n; i++)
		free(extra[i]);
	free(extra);
	return env;
}

/* Records command, cwd, params, environment and code version. */
static int record_start(cairn_run *run, const struct cairn_exec_options *opts, const char *cwd,
			json_t **code)
{
	cairn_ctx *ctx = cairn_run_ctx(run);
	struct cairn__temp diff = { -1, CAIRN_BUF_INIT, 0 };
	json_t *params, *env;
	struct stat st;
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
	if (!(env = cairn__sysinfo_environment())) {
		rc = cairn_error(ctx, CAIRN_ENOMEM, "out of memory");
		goto out;
	}
	if ((rc = cairn_run_set_info(run, "environment", env)))
		goto out;
	if ((rc = cairn__temp_open(ctx, cairn_workspace_dir(ctx), &diff)) ||
	    (rc = cairn__codever_capture(ctx, cwd, cairn_workspace_dir(ctx), diff.fd, code)))
		goto out;
	if (*code && json_is_true(json_object_get(*code, "dirty")) && !fstat(diff.fd, &st) &&
	    st.st_size > 0) {
		if ((rc = cairn_run_log_artifact(run, diff.path.buf, "code/diff.patch")))
			goto out;
		json_object_set_new(*code, "diff", json_string("code/diff.patch"));
	}
	if ((rc = cairn_run_set_info(run, "code", *code ? json_incref(*code) : json_null())))
		goto out;
	for (size_t i = 0; i < opts->nparams && !rc; i++)
		rc = cairn_run_log_param(run, opts->params[i].key, opts->params[i].value);
out:
	cairn__temp_close(&diff);
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
	struct cairn__temp file;
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

struct child {
	pid_t pid;
	int reaped, status, killed_hard;
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

static void forward_signals(struct child *c)
{
	if (c->reaped)
		return;
	if (got_count >= 2 && !c->killed_hard) {
		kill(c->pid, SIGKILL);
		c->killed_hard = 1;
	} else if (to_forward && !c->killed_hard) {
		kill(c->pid, to_forward);
	}
	to_forward = 0;
}

/* Copies the output until the command has exited and its pipes are done. */
static void pump(cairn_ctx *ctx, struct child *c, struct stream *s, const struct sigstate *sig)
{
	struct timespec drain = { 0, DRAIN_IDLE_MS * 1000000L };

	for (;;) {
		struct pollfd fds[2];
		struct stream *of[2];
		int nfds = 0, r;

		for (int i = 0; i < 2; i++)
			if (s[i].fd >= 0) {
				fds[nfds].fd = s[i].fd;
				fds[nfds].events = POLLIN;
				of[nfds++] = &s[i];
			}
		if (c->reaped && (!nfds || mono_ms() - c->end_ms > DRAIN_MAX_MS))
			break;
		r = ppoll(nfds ? fds : NULL, (nfds_t)nfds, c->reaped ? &drain : NULL, &sig->wait_mask);
		if (r < 0 && errno != EINTR) {
			cairn__log_warn(ctx, "cannot wait for the command's output: %s", strerror(errno));
			break;
		}
		forward_signals(c);
		if (child_changed) {
			child_changed = 0;
			if (!c->reaped)
				child_reap(c, WNOHANG);
		}
		if (r == 0 && c->reaped)
			break;
		for (int i = 0; r > 0 && i < nfds; i++)
			if (fds[i].revents)
				stream_read(of[i]);
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

static void exec_child(const struct cairn_exec_options *opts, const struct sigstate *sig,
		       char *const *env, int out, int err, int report, pid_t parent)
{
	struct start_error e = { 0, 0 };

	signals_restore_handlers(sig);
	/* If cairn dies without a word, the command is told to stop: its run is
	 * recorded as FAILED, so nothing would collect what it does. */
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() != parent)
		_exit(1);
	if (dup2(out, 1) < 0 || dup2(err, 2) < 0) {
		e.err = errno;
	} else if (opts->cwd && chdir(opts->cwd)) {
		e.chdir_failed = 1;
		e.err = errno;
	} else {
		sigprocmask(SIG_SETMASK, &sig->old_mask, NULL);
		execvpe(opts->argv[0], opts->argv, env);
		e.err = errno;
	}
	if (write(report, &e, sizeof(e)) < 0)
		_exit(126);
	_exit(!e.chdir_failed && e.err == ENOENT ? 127 : 126);
}

/* Fills res from how the command ended. */
static void outcome(const struct child *c, const struct start_error *se,
		    const struct cairn_exec_options *opts, struct cairn_exec_result *res)
{
	cairn_buf msg = CAIRN_BUF_INIT;
	char name[16];

	res->exit_code = -1;
	res->signal = 0;
	res->interrupted_by = got_first;
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
		signal_name(res->signal, name);
		cairn_buf_addf(&msg, "killed by signal %d (%s)", res->signal, name);
	}
	if (got_first) {
		cairn_buf b = CAIRN_BUF_INIT;
		signal_name(got_first, name);
		cairn_buf_addf(&b, "interrupted by %s%s%s", name, msg.len ? "; " : "", msg.buf);
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
		signal_name(res->interrupted_by, name);
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

/* Starts the command, copies its output until it is done, and fills res. */
static int start_and_wait(cairn_ctx *ctx, const struct cairn_exec_options *opts,
			  const struct sigstate *sig, char *const *env, struct pipes *p,
			  struct stream s[2], struct cairn_exec_result *res)
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
		exec_child(opts, sig, env, p->out[1], p->err[1], p->report[1], parent);
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
	s[0].tee_fd = opts->quiet ? -1 : 1;
	s[1].tee_fd = opts->quiet ? -1 : 2;
	pump(ctx, &c, s, sig);
	outcome(&c, &se, opts, res);
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
	struct sigstate sig;
	char **env = NULL, *cwd = NULL;
	json_t *code = NULL;
	int rc;

	memset(res, 0, sizeof(*res));
	res->exit_code = -1;
	if (!opts->argv || !opts->argv[0]) {
		rc = cairn_error(ctx, CAIRN_EINVAL, "no command to run");
		return fail_run(run, rc, "cannot start");
	}
	signals_install(&sig);
	if (!(cwd = realpath(opts->cwd ? opts->cwd : ".", NULL))) {
		rc = cairn_error_errno(ctx, "cannot find directory '%s'", opts->cwd ? opts->cwd : ".");
		rc = fail_run(run, rc, "cannot start");
		goto out;
	}
	if ((rc = record_start(run, opts, cwd, &code)) ||
	    (rc = cairn__temp_open(ctx, wsdir, &s[0].file)) ||
	    (rc = cairn__temp_open(ctx, wsdir, &s[1].file))) {
		rc = fail_run(run, rc, "cannot start");
		goto out;
	}
	if (pipe2(p.out, O_CLOEXEC) || pipe2(p.err, O_CLOEXEC) || pipe2(p.report, O_CLOEXEC)) {
		rc = cairn_error_errno(ctx, "cannot create a pipe");
		rc = fail_run(run, rc, "cannot start");
		goto out;
	}
	env = child_env(run, opts);
	/* A signal during the set-up stops here, before the command starts. */
	signals_poll(&sig);
	if (got_count) {
		char name[16];
		signal_name(got_first, name);
		res->status = CAIRN_RUN_KILLED;
		res->interrupted_by = got_first;
		res->exit_status = 128 + got_first;
		snprintf(res->message, sizeof(res->message),
			 "interrupted by %s before the command started", name);
	} else if ((rc = start_and_wait(ctx, opts, &sig, env, &p, s, res))) {
		rc = fail_run(run, rc, "cannot start");
		goto out;
	}
	if ((rc = record_end(run, s, res, code, cwd))) {
		rc = fail_run(run, rc, "cannot record the run");
		goto out;
	}
	rc = cairn_run_end(run, res->status, res->message);
out:
	for (int i = 0; i < 2; i++) {
		if (s[i].fd >= 0)
			close(s[i].fd);
		cairn__temp_close(&s[i].file);
	}
	pipes_close(&p);
	cairn__env_free(env);
	json_decref(code);
	free(cwd);
	signals_restore(&sig);
	return rc;
}
