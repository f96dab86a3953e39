/* Unit tests for hyperparameter sweeps (src/ml/sweep.c): grids, the
 * objective, and trials as forked processes. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cairn/dataset.h"
#include "cairn/error.h"
#include "cairn/run.h"
#include "cairn/sweep.h"
#include "cairn/workspace.h"
#include "core/json.h"
#include "ml/msg-pipe.h"
#include "tests/unit/ml-fixture.h"
#include "tests/unit/suites.h"

static void test_sweep_parse_grid(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	const char *ok[] = { "n_neighbors=1,3,3,5", "weights=uniform,distance" };
	const char *no_eq[] = { "n_neighbors" }, *empty[] = { "a=1,,2" }, *twice[] = { "a=1", "a=2" };
	json_t *grid = NULL, *combos = NULL, *again = NULL;

	CHECK_OK(ctx, cairn_sweep_parse_grid(ctx, ok, 2, &grid));
	CHECK_INT(json_array_size(grid), ==, 2);
	/* Values given twice count once. */
	CHECK_INT(json_array_size(json_object_get(json_array_get(grid, 0), "values")), ==, 3);
	CHECK_ERR(ctx, cairn_sweep_parse_grid(ctx, no_eq, 1, &again), CAIRN_EINVAL,
		  "grid 'n_neighbors' is not KEY=V1,V2,...");
	CHECK_ERR(ctx, cairn_sweep_parse_grid(ctx, empty, 1, &again), CAIRN_EINVAL, "empty value");
	CHECK_ERR(ctx, cairn_sweep_parse_grid(ctx, twice, 2, &again), CAIRN_EINVAL, "given twice");
	CHECK_ERR(ctx, cairn_sweep_parse_grid(ctx, ok, 0, &again), CAIRN_EINVAL,
		  "at least one grid spec");
	CHECK(again == NULL);

	/* The cartesian product, the last key fastest; a seeded sample. */
	CHECK_OK(ctx, cairn_sweep_combinations(ctx, grid, 0, 0, &combos));
	CHECK_INT(json_array_size(combos), ==, 6);
	CHECK_STR(json_string_value(json_object_get(json_array_get(combos, 1), "weights")),
		  "distance");
	CHECK_STR(json_string_value(json_object_get(json_array_get(combos, 2), "n_neighbors")), "3");
	json_decref(combos);
	CHECK_OK(ctx, cairn_sweep_combinations(ctx, grid, 2, 7, &combos));
	CHECK_OK(ctx, cairn_sweep_combinations(ctx, grid, 2, 7, &again));
	CHECK_INT(json_array_size(combos), ==, 2);
	CHECK(json_equal(combos, again));
	CHECK(!json_equal(json_array_get(combos, 0), json_array_get(combos, 1)));

	CHECK_INT(cairn_sweep_minimizes("test_rmse"), ==, 1);
	CHECK_INT(cairn_sweep_minimizes("cv_log_loss_mean"), ==, 1);
	CHECK_INT(cairn_sweep_minimizes("test_accuracy"), ==, 0);
	json_decref(grid);
	json_decref(combos);
	json_decref(again);
	cairn_ctx_free(ctx);
}

static void test_sweep_check(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	const char *grid[] = { "n_neighbors=1,3" };
	struct cairn_sweep_options o = { 0 };

	o.data = "classes";
	o.target = "y";
	o.algo = "magic";
	o.grid = grid;
	o.ngrid = 1;
	CHECK_ERR(ctx, cairn_sweep_check(ctx, &o), CAIRN_EINVAL, "unknown algorithm 'magic'");
	o.algo = "knn";
	o.test = "classes";
	o.test_split = 0.2;
	CHECK_ERR(ctx, cairn_sweep_check(ctx, &o), CAIRN_EINVAL, "exclude each other");
	o.test = NULL;
	CHECK_OK(ctx, cairn_sweep_check(ctx, &o));
	cairn_ctx_free(ctx);
}

struct seen {
	int calls;
	int finished, failed;
	cairn_ctx *other;      /* adds a version of the data after the first trial */
	struct cairn_cancel *cancel;  /* requested when the first trial ends */
};

static void on_trial(void *arg, const json_t *trial)
{
	struct seen *s = arg;
	const char *status = json_string_value(json_object_get(trial, "status"));

	s->calls++;
	s->finished += !strcmp(status, "FINISHED");
	s->failed += !strcmp(status, "FAILED");
	CHECK(json_is_integer(json_object_get(trial, "trial")));
	CHECK(json_is_object(json_object_get(trial, "params")));
	if (s->other && s->calls == 1)
		fixture_add_classes(s->other, "classes", 100);
	if (s->cancel && s->calls == 1) {
		s->cancel->sig = SIGINT;
		s->cancel->requested = 1;
	}
}

/* o: a knn sweep over grid of the dataset data (target y), jobs trials at
 * a time, each trial reported to seen (when not NULL). */
static void knn_sweep(struct cairn_sweep_options *o, const char *data, const char *const *grid,
		      size_t ngrid, int jobs, struct seen *seen)
{
	memset(o, 0, sizeof(*o));
	o->data = data;
	o->target = "y";
	o->algo = "knn";
	o->grid = grid;
	o->ngrid = ngrid;
	o->jobs = jobs;
	if (seen) {
		o->on_trial = on_trial;
		o->arg = seen;
	}
}

static json_t *show(cairn_ctx *ctx, const char *id)
{
	json_t *v = NULL;

	CHECK_OK(ctx, cairn_run_show(ctx, id, &v));
	return v;
}

static void test_sweep_grid_in_processes(void)
{
	cairn_ctx *ctx = fixture_workspace();
	const char *grid[] = { "n_neighbors=1,7", "weights=uniform,distance" };
	struct cairn_sweep_options o = { 0 };
	struct cairn_sweep_result res;
	struct seen seen = { 0 };
	json_t *v, *t;
	double best = -1;
	size_t i;

	fixture_add_classes(ctx, "classes", 0);
	knn_sweep(&o, "classes", grid, 2, 2, &seen);
	o.test_split = 0.3;
	o.seed = 2;
	o.name = "sw";
	CHECK_OK(ctx, cairn_sweep(ctx, &o, &res));
	CHECK_INT(res.status, ==, CAIRN_RUN_FINISHED);
	CHECK_STR(res.metric, "test_accuracy");
	CHECK_INT(seen.calls, ==, 4);
	CHECK_INT(seen.finished, ==, 4);
	CHECK_INT(json_array_size(res.trials), ==, 4);
	json_array_foreach(res.trials, i, t) {
		json_t *child = show(ctx, json_string_value(json_object_get(t, "run_id")));
		CHECK_STR(json_string_value(json_object_get(t, "status")), "FINISHED");
		CHECK_STR(json_string_value(json_object_get(child, "parent")), res.parent);
		CHECK_STR(json_string_value(json_object_get(child, "status")), "FINISHED");
		if (json_number_value(json_object_get(t, "value")) > best)
			best = json_number_value(json_object_get(t, "value"));
		json_decref(child);
	}
	CHECK(res.best != NULL);
	CHECK(res.best && json_number_value(json_object_get(res.best, "value")) == best);
	v = show(ctx, res.parent);
	CHECK_STR(json_string_value(json_object_get(v, "status")), "FINISHED");
	CHECK_INT(json_array_size(json_object_get(v, "children")), ==, 4);
	CHECK_STR(json_string_value(json_object_get(json_object_get(v, "tags"), "best_run")),
		  json_string_value(json_object_get(res.best, "run_id")));
	json_decref(v);
	cairn_sweep_result_release(&res);
	cairn_ctx_free(ctx);
}

static void test_sweep_failed_trials(void)
{
	cairn_ctx *ctx = fixture_workspace();
	const char *mixed[] = { "n_neighbors=3,zero" }, *bad[] = { "k=1,3" };
	struct cairn_sweep_options o = { 0 };
	struct cairn_sweep_result res;
	struct seen seen = { 0 };
	const json_t *failed;

	fixture_add_classes(ctx, "classes", 0);
	knn_sweep(&o, "classes", mixed, 1, 2, &seen);
	CHECK_OK(ctx, cairn_sweep(ctx, &o, &res));
	CHECK_INT(res.status, ==, CAIRN_RUN_FINISHED);
	CHECK_INT(seen.finished, ==, 1);
	CHECK_INT(seen.failed, ==, 1);
	failed = json_array_get(res.trials, 1);
	CHECK_STR(json_string_value(json_object_get(failed, "status")), "FAILED");
	CHECK(strstr(json_string_value(json_object_get(failed, "message")), "not an integer") != NULL);
	/* Its param was refused before its run started: the trial has none. */
	CHECK(!json_is_string(json_object_get(failed, "run_id")));
	cairn_sweep_result_release(&res);

	/* A name no trial could take is refused before any run. */
	o.grid = bad;
	CHECK_ERR(ctx, cairn_sweep(ctx, &o, &res), CAIRN_EINVAL, "knn has no param 'k'");
	CHECK_STR(res.parent, "");
	cairn_sweep_result_release(&res);
	cairn_ctx_free(ctx);
}

/* A version added under the data's name while the sweep runs changes
 * nothing: every trial trains on, and records, the version resolved at the
 * start. */
static void test_sweep_resolves_data_once(void)
{
	cairn_ctx *ctx = fixture_workspace(), *other = cairn_ctx_new();
	const char *grid[] = { "n_neighbors=1,3,5" };
	struct cairn_sweep_options o = { 0 };
	struct cairn_sweep_result res;
	struct seen seen = { 0 };
	struct cairn_dataset_version latest = { 0 };
	json_t *t;
	size_t i;

	fixture_add_classes(ctx, "classes", 0);
	CHECK_OK(other, cairn_workspace_open(other, unit_dir()));
	seen.other = other;
	knn_sweep(&o, "classes", grid, 1, 1, &seen);
	CHECK_OK(ctx, cairn_sweep(ctx, &o, &res));
	CHECK_INT(seen.finished, ==, 3);
	CHECK_OK(ctx, cairn_dataset_resolve(ctx, "classes", &latest));
	CHECK_INT(latest.version, ==, 2);
	json_array_foreach(res.trials, i, t) {
		json_t *child = show(ctx, json_string_value(json_object_get(t, "run_id")));
		json_t *in = json_array_get(json_object_get(child, "inputs"), 0);
		CHECK_STR(json_string_value(json_object_get(in, "dataset")), "classes@1");
		json_decref(child);
	}
	cairn_dataset_version_release(&latest);
	cairn_sweep_result_release(&res);
	cairn_ctx_free(other);
	cairn_ctx_free(ctx);
}

/* Cancelled between trials: none starts any more, the sweep run ends KILLED. */
static void test_sweep_cancelled_between_trials(void)
{
	cairn_ctx *ctx = fixture_workspace();
	const char *grid[] = { "n_neighbors=1,3,5" };
	struct cairn_sweep_options o = { 0 };
	struct cairn_sweep_result res;
	struct cairn_cancel cancel = { 0 };
	struct seen seen = { 0 };
	json_t *v;

	fixture_add_classes(ctx, "classes", 0);
	cairn_ctx_set_cancel(ctx, &cancel);
	seen.cancel = &cancel;
	knn_sweep(&o, "classes", grid, 1, 1, &seen);
	CHECK_OK(ctx, cairn_sweep(ctx, &o, &res));
	CHECK_INT(res.status, ==, CAIRN_RUN_KILLED);
	CHECK_STR(res.message, "interrupted by SIGINT after 1 of 3 trials");
	CHECK_INT(seen.calls, ==, 1);
	CHECK_STR(json_string_value(json_object_get(json_array_get(res.trials, 0), "status")),
		  "FINISHED");
	CHECK_STR(json_string_value(json_object_get(json_array_get(res.trials, 2), "status")),
		  "SKIPPED");
	v = show(ctx, res.parent);
	CHECK_STR(json_string_value(json_object_get(v, "status")), "KILLED");
	CHECK_INT(json_array_size(json_object_get(v, "children")), ==, 1);
	json_decref(v);
	cairn_sweep_result_release(&res);
	cairn_ctx_free(ctx);
}

/* Cancelled while a trial runs: it is sent SIGTERM (here, with no handler,
 * that ends the process) and the sweep ends its run KILLED. Trial 1 fails
 * at once (a bad param) and cancels; trial 2, knn scoring its 20000
 * training rows, is still at work. (knn, not xgboost: GNU OpenMP does not
 * survive fork() in a process that used it already, as this one has.) */
static void test_sweep_cancel_stops_running_trial(void)
{
	cairn_ctx *ctx = fixture_workspace();
	const char *grid[] = { "n_neighbors=zero,3" };
	struct cairn_sweep_options o = { 0 };
	struct cairn_sweep_result res;
	struct cairn_cancel cancel = { 0 };
	struct cairn_dataset_add a = { 0 };
	struct seen seen = { 0 };
	const json_t *slow = NULL, *t;
	FILE *f = fopen("big.csv", "w");
	int existed;
	size_t i;

	CHECK(f != NULL);
	if (!f)
		return;
	fprintf(f, "x,z,y\n");
	for (int r = 0; r < 20000; r++)
		fprintf(f, "%d,%d,%s\n", r % 977, (r * 7) % 13, r % 3 ? "a" : "b");
	fclose(f);
	a.name = "big";
	a.source = "big.csv";
	a.source_kind = "file";
	a.tabular = 1;
	a.csv.header = 1;
	CHECK_OK(ctx, cairn_dataset_add_file(ctx, "big.csv", &a, NULL, &existed));
	cairn_ctx_set_cancel(ctx, &cancel);
	seen.cancel = &cancel;
	knn_sweep(&o, "big", grid, 1, 2, &seen);
	CHECK_OK(ctx, cairn_sweep(ctx, &o, &res));
	CHECK_INT(res.status, ==, CAIRN_RUN_KILLED);
	json_array_foreach(res.trials, i, t)
		if (json_integer_value(json_object_get(t, "trial")) == 2)
			slow = t;
	CHECK(slow != NULL);
	CHECK_STR(json_string_value(json_object_get(slow, "status")), "KILLED");
	CHECK_STR(json_string_value(json_object_get(slow, "message")),
		  "interrupted by SIGINT: the sweep was stopped");
	CHECK_INT(seen.calls, ==, 2);
	CHECK_INT(fixture_count_runs(ctx, "RUNNING"), ==, 0);
	cairn_sweep_result_release(&res);
	cairn_ctx_free(ctx);
}

static void test_pipe_to_closed_reader_fails_with_epipe(void)
{
	int fds[2];
	sigset_t pending;
	char byte = 'x';

	CHECK_INT(pipe(fds), ==, 0);
	close(fds[0]);
	errno = 0;
	/* Without the blocking, SIGPIPE would end the test program here. */
	CHECK_INT(cairn__pipe_write_all(fds[1], &byte, 1), ==, -1);
	CHECK_INT(errno, ==, EPIPE);
	CHECK_INT(cairn__pipe_send_msg(fds[1], "abc", 3), ==, -1);
	sigpending(&pending);
	CHECK(!sigismember(&pending, SIGPIPE));
	close(fds[1]);
}

static void test_sweep_cancelled_before_start(void)
{
	cairn_ctx *ctx = fixture_workspace();
	const char *grid[] = { "n_neighbors=1,3" };
	struct cairn_sweep_options o = { 0 };
	struct cairn_sweep_result res;
	struct cairn_cancel cancel = { 0 };
	struct cairn_run_list_options lo = { 0 };
	json_t *runs = NULL;

	fixture_add_classes(ctx, "classes", 0);
	knn_sweep(&o, "classes", grid, 1, 0, NULL);
	cancel.requested = 1;
	cancel.sig = SIGTERM;
	cairn_ctx_set_cancel(ctx, &cancel);
	CHECK_ERR(ctx, cairn_sweep(ctx, &o, &res), CAIRN_EINTERRUPTED, "interrupted by SIGTERM");
	CHECK_STR(res.parent, "");
	CHECK_OK(ctx, cairn_run_list(ctx, &lo, &runs));
	CHECK_INT(json_array_size(runs), ==, 0);
	json_decref(runs);
	cairn_sweep_result_release(&res);
	cairn_ctx_free(ctx);
}

const struct unit_test sweep_tests[] = {
	{ "sweep_parse_grid", test_sweep_parse_grid },
	{ "sweep_check", test_sweep_check },
	{ "sweep_grid_in_processes", test_sweep_grid_in_processes },
	{ "sweep_failed_trials", test_sweep_failed_trials },
	{ "sweep_resolves_data_once", test_sweep_resolves_data_once },
	{ "sweep_cancelled_before_start", test_sweep_cancelled_before_start },
	{ "sweep_cancelled_between_trials", test_sweep_cancelled_between_trials },
	{ "sweep_cancel_stops_running_trial", test_sweep_cancel_stops_running_trial },
	{ "sweep_pipe_to_closed_reader_fails_with_epipe", test_pipe_to_closed_reader_fails_with_epipe },
	{ NULL, NULL }
};
