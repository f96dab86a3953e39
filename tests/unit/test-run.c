/* Unit tests for tracked runs (src/track/run.c, log.c, query.c). */
#include <math.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>
#include "cairn/error.h"
#include "cairn/run.h"
#include "cairn/workspace.h"
#include "tests/unit/suites.h"

static cairn_ctx *new_workspace(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	enum cairn_init_result r;

	CHECK_OK(ctx, cairn_workspace_init(ctx, ".", 1, &r));
	return ctx;
}

static json_t *show(cairn_ctx *ctx, const char *id)
{
	json_t *v = NULL;

	CHECK_OK(ctx, cairn_run_show(ctx, id, &v));
	return v;
}

static void test_run_start_end(void)
{
	cairn_ctx *ctx = new_workspace();
	struct cairn_run_options o = { .experiment = "exp", .name = "first" };
	cairn_run *run, *child;
	json_t *v;

	CHECK_OK(ctx, cairn_run_start(ctx, &o, &run));
	v = show(ctx, cairn_run_id(run));
	CHECK_STR(json_string_value(json_object_get(v, "status")), "RUNNING");
	CHECK_STR(json_string_value(json_object_get(v, "experiment")), "exp");
	CHECK(json_is_null(json_object_get(v, "end_ms")));
	json_decref(v);
	o.parent = cairn_run_id(run);
	o.name = NULL;
	o.experiment = NULL;
	CHECK_OK(ctx, cairn_run_start(ctx, &o, &child));
	v = show(ctx, cairn_run_id(run));
	CHECK_STR(json_string_value(json_array_get(json_object_get(v, "children"), 0)),
		  cairn_run_id(child));
	json_decref(v);
	v = show(ctx, cairn_run_id(child));
	CHECK_STR(json_string_value(json_object_get(v, "parent")), cairn_run_id(run));
	/* No experiment of its own: the parent's. */
	CHECK_STR(json_string_value(json_object_get(v, "experiment")), "exp");
	CHECK(!strncmp(json_string_value(json_object_get(v, "name")), "run-", 4));
	json_decref(v);
	CHECK_ERR(ctx, cairn_run_end(run, CAIRN_RUN_RUNNING, NULL), CAIRN_EINVAL, "ends");
	CHECK_OK(ctx, cairn_run_end(run, CAIRN_RUN_FAILED, "exit status 3"));
	CHECK_ERR(ctx, cairn_run_end(run, CAIRN_RUN_FINISHED, NULL), CAIRN_EINVAL, "already ended");
	v = show(ctx, cairn_run_id(run));
	CHECK_STR(json_string_value(json_object_get(v, "status")), "FAILED");
	CHECK_STR(json_string_value(json_object_get(v, "message")), "exit status 3");
	json_decref(v);
	cairn_run_free(child);
	o.parent = "zzzz";
	CHECK_ERR(ctx, cairn_run_start(ctx, &o, &child), CAIRN_ENOTFOUND, "no run");
	CHECK(child == NULL);
	cairn_run_free(run);
	cairn_ctx_free(ctx);
}

static void test_run_params_write_once(void)
{
	cairn_ctx *ctx = new_workspace();
	cairn_run *run;

	CHECK_OK(ctx, cairn_run_start(ctx, NULL, &run));
	CHECK_OK(ctx, cairn_run_log_param(run, "lr", "0.1"));
	CHECK_OK(ctx, cairn_run_log_param(run, "lr", "0.1"));
	CHECK_ERR(ctx, cairn_run_log_param(run, "lr", "0.2"), CAIRN_EEXIST, "write-once");
	CHECK_ERR(ctx, cairn_run_log_param(run, "", "x"), CAIRN_EINVAL, "empty");
	CHECK_OK(ctx, cairn_run_end(run, CAIRN_RUN_FINISHED, NULL));
	cairn_run_free(run);
	cairn_ctx_free(ctx);
}

static void test_run_metrics_latest_and_history(void)
{
	cairn_ctx *ctx = new_workspace();
	struct cairn_metric batch[] = {
		{ "loss", 0.5, 2, 1000 }, { "loss", 0.9, 1, 3000 },
		{ "loss", 0.4, 2, 2000 }, { "acc", NAN, 0, 0 },
	};
	json_t *v, *h;
	cairn_run *run;

	CHECK_OK(ctx, cairn_run_start(ctx, NULL, &run));
	CHECK_OK(ctx, cairn_run_log_metrics(run, batch, 4));
	v = show(ctx, cairn_run_id(run));
	/* Highest step wins; at equal steps the later time. */
	CHECK(json_real_value(json_object_get(json_object_get(v, "metrics"), "loss")) == 0.4);
	CHECK(json_is_null(json_object_get(json_object_get(v, "metrics"), "acc")));
	json_decref(v);
	/* A lower step logged later does not replace the latest. */
	CHECK_OK(ctx, cairn_run_log_metric(run, "loss", 7.0, 0));
	v = show(ctx, cairn_run_id(run));
	CHECK(json_real_value(json_object_get(json_object_get(v, "metrics"), "loss")) == 0.4);
	json_decref(v);
	CHECK_OK(ctx, cairn_run_metric_history(ctx, cairn_run_id(run), "loss", &h));
	CHECK_INT(json_array_size(h), ==, 4);
	CHECK_INT(json_integer_value(json_object_get(json_array_get(h, 0), "step")), ==, 0);
	CHECK_INT(json_integer_value(json_object_get(json_array_get(h, 2), "timestamp_ms")), ==, 1000);
	CHECK(json_real_value(json_object_get(json_array_get(h, 3), "value")) == 0.4);
	json_decref(h);
	CHECK_ERR(ctx, cairn_run_metric_history(ctx, cairn_run_id(run), "nope", &h), CAIRN_ENOTFOUND,
		  "no metric 'nope'");
	cairn_run_free(run);
	cairn_ctx_free(ctx);
}

static void test_run_artifact_paths(void)
{
	cairn_ctx *ctx = new_workspace();
	cairn_run *run;
	json_t *a;

	CHECK_OK(ctx, cairn_run_start(ctx, NULL, &run));
	CHECK_OK(ctx, cairn_run_log_artifact_buf(run, "x", 1, "a//b"));
	CHECK_ERR(ctx, cairn_run_log_artifact_buf(run, "x", 1, "a/../c"), CAIRN_EINVAL, "'..'");
	CHECK_ERR(ctx, cairn_run_log_artifact_buf(run, "x", 1, "/etc/x"), CAIRN_EINVAL, "relative");
	CHECK_ERR(ctx, cairn_run_log_artifact_buf(run, "x", 1, ""), CAIRN_EINVAL, "empty");
	CHECK_ERR(ctx, cairn_run_log_artifact_buf(run, "x", 1, "a/./b"), CAIRN_EINVAL, "'.'");
	CHECK_OK(ctx, cairn_run_log_artifact_buf(run, "y", 1, "dir//f.txt/"));
	CHECK_OK(ctx, cairn_run_artifacts(ctx, cairn_run_id(run), &a));
	CHECK_INT(json_array_size(a), ==, 2);
	CHECK_STR(json_string_value(json_object_get(json_array_get(a, 0), "path")), "a/b");
	CHECK_STR(json_string_value(json_object_get(json_array_get(a, 1), "path")), "dir/f.txt");
	json_decref(a);
	cairn_run_free(run);
	cairn_ctx_free(ctx);
}

/* A run whose owning process exits without ending it is reaped as FAILED. */
static void test_run_reap_dead_owner(void)
{
	cairn_ctx *ctx = new_workspace();
	char id[CAIRN_ID_LEN + 1];
	cairn_run *run;
	json_t *v;
	int fds[2], status;
	pid_t pid;

	CHECK(!pipe(fds));
	pid = fork();
	if (pid == 0) {
		cairn_ctx *c = cairn_ctx_new();
		close(fds[0]);
		if (cairn_workspace_open(c, NULL) || cairn_run_start(c, NULL, &run))
			_exit(1);
		if (write(fds[1], cairn_run_id(run), CAIRN_ID_LEN) != CAIRN_ID_LEN)
			_exit(1);
		_exit(0);
	}
	close(fds[1]);
	CHECK_INT(read(fds[0], id, CAIRN_ID_LEN), ==, CAIRN_ID_LEN);
	id[CAIRN_ID_LEN] = '\0';
	close(fds[0]);
	CHECK_INT(waitpid(pid, &status, 0), ==, pid);
	/* A live owner (this process) is left alone. */
	CHECK_OK(ctx, cairn_run_start(ctx, NULL, &run));
	v = show(ctx, id);
	CHECK_STR(json_string_value(json_object_get(v, "status")), "FAILED");
	CHECK(strstr(json_string_value(json_object_get(v, "message")), "ended without ending it"));
	json_decref(v);
	v = show(ctx, cairn_run_id(run));
	CHECK_STR(json_string_value(json_object_get(v, "status")), "RUNNING");
	json_decref(v);
	cairn_run_free(run);
	cairn_ctx_free(ctx);
}

/* Ending by hand refuses a live owner, an ended run and other statuses. */
static void test_run_end_dead_refusals(void)
{
	cairn_ctx *ctx = new_workspace();
	cairn_run *run;

	CHECK_OK(ctx, cairn_run_start(ctx, NULL, &run));
	CHECK_ERR(ctx, cairn_run_end_dead(ctx, cairn_run_id(run), CAIRN_RUN_FINISHED, NULL),
		  CAIRN_EINVAL, "FAILED or KILLED");
	CHECK_ERR(ctx, cairn_run_end_dead(ctx, cairn_run_id(run), CAIRN_RUN_KILLED, NULL),
		  CAIRN_EINVAL, "which is alive");
	CHECK_OK(ctx, cairn_run_end(run, CAIRN_RUN_FINISHED, NULL));
	CHECK_ERR(ctx, cairn_run_end_dead(ctx, cairn_run_id(run), CAIRN_RUN_FAILED, NULL),
		  CAIRN_EINVAL, "has already ended (FINISHED)");
	CHECK_ERR(ctx, cairn_run_end_dead(ctx, "zzzz", CAIRN_RUN_FAILED, NULL), CAIRN_ENOTFOUND,
		  "no run");
	cairn_run_free(run);
	cairn_ctx_free(ctx);
}

static void test_run_open_current(void)
{
	cairn_ctx *ctx = new_workspace();
	cairn_run *run, *cur = NULL;
	char prefix[9];
	json_t *v;

	CHECK_OK(ctx, cairn_run_start(ctx, NULL, &run));
	/* The id comes from the caller; the library reads no variable. */
	setenv("CAIRN_RUN_ID", cairn_run_id(run), 1);
	CHECK_ERR(ctx, cairn_run_open_current(ctx, NULL, &cur), CAIRN_EINVAL, "no current run id");
	CHECK(cur == NULL);
	CHECK_ERR(ctx, cairn_run_open_current(ctx, "", &cur), CAIRN_EINVAL, "no current run id");
	unsetenv("CAIRN_RUN_ID");
	CHECK_ERR(ctx, cairn_run_open_current(ctx, "zzzz", &cur), CAIRN_ENOTFOUND, "no run");
	snprintf(prefix, sizeof(prefix), "%.8s", cairn_run_id(run));
	CHECK_OK(ctx, cairn_run_open_current(ctx, prefix, &cur));
	if (cur) {
		CHECK_STR(cairn_run_id(cur), cairn_run_id(run));
		CHECK_OK(ctx, cairn_run_log_param(cur, "via", "current"));
		/* The info object keeps its other keys when one is set. */
		CHECK_OK(ctx, cairn_run_set_info(cur, "a", json_integer(1)));
		CHECK_OK(ctx, cairn_run_set_info(cur, "b", json_string("two")));
		CHECK_OK(ctx, cairn_run_set_info(cur, "a", json_integer(3)));
	}
	v = show(ctx, cairn_run_id(run));
	CHECK_STR(json_string_value(json_object_get(json_object_get(v, "params"), "via")), "current");
	CHECK_INT(json_integer_value(json_object_get(json_object_get(v, "info"), "a")), ==, 3);
	CHECK_STR(json_string_value(json_object_get(json_object_get(v, "info"), "b")), "two");
	json_decref(v);
	cairn_run_free(cur);
	cairn_run_free(run);
	cairn_ctx_free(ctx);
}

const struct unit_test run_tests[] = {
	{ "run_open_current", test_run_open_current },
	{ "run_start_end", test_run_start_end },
	{ "run_params_write_once", test_run_params_write_once },
	{ "run_metrics_latest_and_history", test_run_metrics_latest_and_history },
	{ "run_artifact_paths", test_run_artifact_paths },
	{ "run_reap_dead_owner", test_run_reap_dead_owner },
	{ "run_end_dead_refusals", test_run_end_dead_refusals },
	{ NULL, NULL }
};
