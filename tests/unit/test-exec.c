/* Unit tests for running a command as a tracked run (src/track/exec.c):
 * exit statuses, logs, the command's environment, a command not found,
 * stopping it through the context's cancel flag, copying its output. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cairn/error.h"
#include "cairn/exec.h"
#include "cairn/run.h"
#include "cairn/workspace.h"
#include "core/fs.h"
#include "tests/unit/suites.h"

static cairn_ctx *new_workspace(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	enum cairn_init_result r;

	CHECK_OK(ctx, cairn_workspace_init(ctx, ".", 1, &r));
	return ctx;
}

/* Runs argv as a new run; the run's id goes to id. */
static void run_cmd(cairn_ctx *ctx, char **argv, const struct cairn_exec_param *params,
		    size_t nparams, char **env, const char *cwd, struct cairn_exec_result *res,
		    char id[CAIRN_ID_LEN + 1])
{
	struct cairn_exec_options o;
	cairn_run *run = NULL;

	cairn_exec_options_init(&o);
	o.argv = argv;
	o.params = params;
	o.nparams = nparams;
	o.extra_env = env;
	o.cwd = cwd;
	CHECK_OK(ctx, cairn_run_start(ctx, NULL, &run));
	if (!run)
		return;
	snprintf(id, CAIRN_ID_LEN + 1, "%s", cairn_run_id(run));
	CHECK_OK(ctx, cairn_exec_run(run, &o, res));
	cairn_run_free(run);
}

static const char *text_of(const char *path, cairn_buf *b)
{
	cairn_ctx *ctx = cairn_ctx_new();

	cairn_buf_reset(b);
	CHECK_OK(ctx, cairn_read_file(ctx, path, b));
	cairn_ctx_free(ctx);
	return b->buf;
}

static void test_exec_exit_status_and_logs(void)
{
	cairn_ctx *ctx = new_workspace();
	char *argv[] = { "sh", "-c", "echo out; echo err >&2; printf %s \"$CAIRN_RUN_ID\" >id;"
			 " printf %s \"$CAIRN_DIR\" >dir; exit 3", NULL };
	struct cairn_exec_result res;
	char id[CAIRN_ID_LEN + 1] = "";
	cairn_buf b = CAIRN_BUF_INIT;
	json_t *show = NULL, *info;

	run_cmd(ctx, argv, NULL, 0, NULL, NULL, &res, id);
	CHECK_INT(res.exit_status, ==, 3);
	CHECK_INT(res.exit_code, ==, 3);
	CHECK_INT(res.status, ==, CAIRN_RUN_FAILED);
	CHECK_STR(res.message, "exit status 3");
	CHECK_STR(text_of("id", &b), id);
	CHECK_STR(text_of("dir", &b), cairn_workspace_dir(ctx));
	CHECK_OK(ctx, cairn_run_get_artifact(ctx, id, "logs/stdout.txt", "stdout.txt", 0));
	CHECK_OK(ctx, cairn_run_get_artifact(ctx, id, "logs/stderr.txt", "stderr.txt", 0));
	CHECK_STR(text_of("stdout.txt", &b), "out\n");
	CHECK_STR(text_of("stderr.txt", &b), "err\n");
	CHECK_OK(ctx, cairn_run_show(ctx, id, &show));
	CHECK_STR(json_string_value(json_object_get(show, "status")), "FAILED");
	CHECK_STR(json_string_value(json_object_get(show, "message")), "exit status 3");
	info = json_object_get(show, "info");
	CHECK_INT(json_array_size(json_object_get(info, "command")), ==, 3);
	/* The unit test directory is in no git repository. */
	CHECK(json_is_null(json_object_get(info, "code")));
	CHECK_INT(json_integer_value(json_object_get(json_object_get(info, "resources"), "exit_code")),
		  ==, 3);
	CHECK(json_is_object(json_object_get(info, "environment")));
	json_decref(show);
	cairn_buf_release(&b);
	cairn_ctx_free(ctx);
}

static void test_exec_signal_and_success(void)
{
	cairn_ctx *ctx = new_workspace();
	char *killed[] = { "sh", "-c", "kill -KILL $$", NULL };
	char *fine[] = { "true", NULL };
	struct cairn_exec_result res;
	char id[CAIRN_ID_LEN + 1] = "";

	run_cmd(ctx, killed, NULL, 0, NULL, NULL, &res, id);
	CHECK_INT(res.exit_status, ==, 128 + 9);
	CHECK_INT(res.signal, ==, 9);
	CHECK_INT(res.exit_code, ==, -1);
	CHECK_INT(res.status, ==, CAIRN_RUN_FAILED);
	CHECK_STR(res.message, "killed by signal 9 (SIGKILL)");
	run_cmd(ctx, fine, NULL, 0, NULL, NULL, &res, id);
	CHECK_INT(res.exit_status, ==, 0);
	CHECK_INT(res.status, ==, CAIRN_RUN_FINISHED);
	CHECK_STR(res.message, "");
	cairn_ctx_free(ctx);
}

static void test_exec_not_found(void)
{
	cairn_ctx *ctx = new_workspace();
	char *argv[] = { "cairn-no-such-command", NULL };
	struct cairn_exec_result res;
	char id[CAIRN_ID_LEN + 1] = "";
	json_t *show = NULL;

	run_cmd(ctx, argv, NULL, 0, NULL, NULL, &res, id);
	CHECK_INT(res.exit_status, ==, 127);
	CHECK_INT(res.exec_errno, ==, ENOENT);
	CHECK_STR(res.message, "cannot run 'cairn-no-such-command': command not found");
	CHECK_OK(ctx, cairn_run_show(ctx, id, &show));
	CHECK_STR(json_string_value(json_object_get(show, "status")), "FAILED");
	json_decref(show);
	cairn_ctx_free(ctx);
}

static void test_exec_params_env_cwd(void)
{
	cairn_ctx *ctx = new_workspace();
	char *argv[] = { "sh", "-c", "printf '%s|%s|%s|%s' \"$CAIRN_PARAM_lr\" \"${CAIRN_PARAM_bad_key-unset}\""
			 " \"$EXTRA\" \"$(basename \"$PWD\")\" >../env.txt", NULL };
	const struct cairn_exec_param params[] = { { "lr", "0.1" }, { "bad-key", "x" } };
	char *env[] = { "EXTRA=yes", NULL };
	struct cairn_exec_result res;
	char id[CAIRN_ID_LEN + 1] = "";
	cairn_buf b = CAIRN_BUF_INIT;
	json_t *show = NULL;

	CHECK(mkdir("sub", 0777) == 0);
	run_cmd(ctx, argv, params, 2, env, "sub", &res, id);
	CHECK_INT(res.exit_status, ==, 0);
	CHECK_STR(text_of("env.txt", &b), "0.1|unset|yes|sub");
	CHECK_OK(ctx, cairn_run_show(ctx, id, &show));
	CHECK_STR(json_string_value(json_object_get(json_object_get(show, "params"), "bad-key")), "x");
	CHECK_STR(json_string_value(json_object_get(json_object_get(json_object_get(show, "info"),
								    "cli_params"), "lr")), "0.1");
	json_decref(show);
	cairn_buf_release(&b);
	cairn_ctx_free(ctx);
}

/* Another thread's cancel requests: after delay_ms, sets forward and sig
 * (0: none) and requested to 1; then, when again_ms > 0, requested to 2. */
struct canceller {
	struct cairn_cancel *cancel;
	int delay_ms, again_ms, sig;
};

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static void *cancel_later(void *arg)
{
	struct canceller *c = arg;

	sleep_ms(c->delay_ms);
	c->cancel->sig = c->sig;
	c->cancel->forward = c->sig;
	c->cancel->requested = 1;
	if (c->again_ms > 0) {
		sleep_ms(c->again_ms);
		c->cancel->requested = 2;
	}
	return NULL;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Runs argv while a thread cancels as c says; returns the wall time in ms. */
static int64_t run_cancelled(cairn_ctx *ctx, char **argv, struct canceller *c,
			     struct cairn_exec_result *res, char id[CAIRN_ID_LEN + 1])
{
	pthread_t t;
	int64_t start = now_ms();

	CHECK(pthread_create(&t, NULL, cancel_later, c) == 0);
	run_cmd(ctx, argv, NULL, 0, NULL, NULL, res, id);
	pthread_join(t, NULL);
	return now_ms() - start;
}

static void test_exec_cancel_from_thread(void)
{
	cairn_ctx *ctx = new_workspace();
	char *argv[] = { "sleep", "30", NULL };
	struct cairn_cancel cancel = { 0, 0, 0 };
	struct canceller c = { &cancel, 300, 0, 0 };
	struct cairn_exec_result res;
	char id[CAIRN_ID_LEN + 1] = "";
	json_t *show = NULL;

	cairn_ctx_set_cancel(ctx, &cancel);
	/* No signal asked: the command gets SIGTERM, the run is KILLED. */
	CHECK_INT(run_cancelled(ctx, argv, &c, &res, id), <, 10000);
	CHECK_INT(res.status, ==, CAIRN_RUN_KILLED);
	CHECK_INT(res.signal, ==, SIGTERM);
	CHECK_INT(res.exit_status, ==, 128 + SIGTERM);
	CHECK_INT(res.interrupted_by, ==, 0);
	CHECK_STR(res.message, "cancelled; killed by signal 15 (SIGTERM)");
	CHECK_OK(ctx, cairn_run_show(ctx, id, &show));
	CHECK_STR(json_string_value(json_object_get(show, "status")), "KILLED");
	json_decref(show);
	/* Still requested: the next command does not start at all. */
	run_cmd(ctx, argv, NULL, 0, NULL, NULL, &res, id);
	CHECK_INT(res.status, ==, CAIRN_RUN_KILLED);
	CHECK_STR(res.message, "cancelled before the command started");
	cairn_ctx_free(ctx);
}

static void test_exec_cancel_forward_and_kill(void)
{
	cairn_ctx *ctx = new_workspace();
	char *polite[] = { "sh", "-c", "trap 'echo TERM >sig.log; exit 7' TERM;"
			   " while :; do sleep 0.05; done", NULL };
	char *stubborn[] = { "sh", "-c", "trap 'echo TERM >>sig.log' TERM;"
			     " while :; do sleep 0.05; done", NULL };
	struct cairn_cancel cancel = { 0, 0, 0 };
	struct canceller c = { &cancel, 300, 0, SIGTERM };
	struct cairn_exec_result res;
	char id[CAIRN_ID_LEN + 1] = "";
	cairn_buf b = CAIRN_BUF_INIT;

	cairn_ctx_set_cancel(ctx, &cancel);
	/* A signal that reached only us is passed on once, then cleared. */
	run_cancelled(ctx, polite, &c, &res, id);
	CHECK_INT(res.exit_status, ==, 7);
	CHECK_INT(res.status, ==, CAIRN_RUN_KILLED);
	CHECK_INT(res.interrupted_by, ==, SIGTERM);
	CHECK_STR(res.message, "interrupted by SIGTERM; exit status 7");
	CHECK_INT(cancel.forward, ==, 0);
	CHECK_STR(text_of("sig.log", &b), "TERM\n");
	/* A second request kills a command that does not stop. */
	memset(&cancel, 0, sizeof(cancel));
	unlink("sig.log");
	c.again_ms = 500;
	CHECK_INT(run_cancelled(ctx, stubborn, &c, &res, id), <, 10000);
	CHECK_INT(res.exit_status, ==, 128 + SIGKILL);
	CHECK_STR(res.message, "interrupted by SIGTERM; killed by signal 9 (SIGKILL)");
	CHECK_STR(text_of("sig.log", &b), "TERM\n");
	cairn_buf_release(&b);
	cairn_ctx_free(ctx);
}

static void test_exec_env_and_tee(void)
{
	cairn_ctx *ctx = new_workspace();
	char *argv[] = { "sh", "-c", "printf '%s|%s|%s' \"$FROM_ENV\" \"${FROM_PROCESS-unset}\""
			 " \"$PYTHONUNBUFFERED\"", NULL };
	char *env[] = { "FROM_ENV=given", "PATH=/usr/bin:/bin", NULL };
	struct cairn_exec_options o;
	struct cairn_exec_result res;
	struct sigaction ign, old;
	cairn_run *run = NULL;
	cairn_buf b = CAIRN_BUF_INIT;
	json_t *show = NULL;
	int fd = open("tee.txt", O_WRONLY | O_CREAT | O_TRUNC, 0666), p[2];

	/* The environment is the one given, not this process's. */
	setenv("FROM_PROCESS", "leaked", 1);
	cairn_exec_options_init(&o);
	o.argv = argv;
	o.env = env;
	o.stdout_fd = fd;
	CHECK_OK(ctx, cairn_run_start(ctx, NULL, &run));
	CHECK_OK(ctx, cairn_exec_run(run, &o, &res));
	close(fd);
	CHECK_STR(text_of("tee.txt", &b), "given|unset|1");
	CHECK_OK(ctx, cairn_run_show(ctx, cairn_run_id(run), &show));
	CHECK_STR(json_string_value(json_object_get(json_object_get(json_object_get(json_object_get(
		show, "info"), "environment"), "env"), "PATH")), "/usr/bin:/bin");
	json_decref(show);
	cairn_run_free(run);
	unsetenv("FROM_PROCESS");

	/* A copy whose reader went away stops; the run and its logs go on. */
	memset(&ign, 0, sizeof(ign));
	ign.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &ign, &old);
	CHECK(pipe(p) == 0);
	close(p[0]);
	o.stdout_fd = p[1];
	CHECK_OK(ctx, cairn_run_start(ctx, NULL, &run));
	CHECK_OK(ctx, cairn_exec_run(run, &o, &res));
	close(p[1]);
	sigaction(SIGPIPE, &old, NULL);
	CHECK_INT(res.status, ==, CAIRN_RUN_FINISHED);
	CHECK_OK(ctx, cairn_run_get_artifact(ctx, cairn_run_id(run), "logs/stdout.txt", "out.txt", 0));
	CHECK_STR(text_of("out.txt", &b), "given|unset|1");
	cairn_run_free(run);
	cairn_buf_release(&b);
	cairn_ctx_free(ctx);
}

const struct unit_test exec_tests[] = {
	{ "exec_exit_status_and_logs", test_exec_exit_status_and_logs },
	{ "exec_signal_and_success", test_exec_signal_and_success },
	{ "exec_not_found", test_exec_not_found },
	{ "exec_params_env_cwd", test_exec_params_env_cwd },
	{ "exec_cancel_from_thread", test_exec_cancel_from_thread },
	{ "exec_cancel_forward_and_kill", test_exec_cancel_forward_and_kill },
	{ "exec_env_and_tee", test_exec_env_and_tee },
	{ NULL, NULL }
};
