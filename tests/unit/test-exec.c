/* Unit tests for running a command as a tracked run (src/track/exec.c):
 * exit statuses, logs, the command's environment, a command not found. */
#include <errno.h>
#include <stdlib.h>
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
	struct cairn_exec_options o = { 0 };
	cairn_run *run = NULL;

	o.argv = argv;
	o.params = params;
	o.nparams = nparams;
	o.env = env;
	o.cwd = cwd;
	o.quiet = 1;
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
	CHECK_OK(ctx, cairn_run_get_artifact(ctx, id, "logs/stdout.txt", "stdout.txt"));
	CHECK_OK(ctx, cairn_run_get_artifact(ctx, id, "logs/stderr.txt", "stderr.txt"));
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

const struct unit_test exec_tests[] = {
	{ "exec_exit_status_and_logs", test_exec_exit_status_and_logs },
	{ "exec_signal_and_success", test_exec_signal_and_success },
	{ "exec_not_found", test_exec_not_found },
	{ "exec_params_env_cwd", test_exec_params_env_cwd },
	{ NULL, NULL }
};
