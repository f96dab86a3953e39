/* Unit tests for federated training (src/ml/federated.c, fed-*.c) through
 * cairn_train with shards: the training metrics are those of the final
 * model evaluated on the union of the shards, and refusals name the field. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include "cairn/buf.h"
#include "cairn/dataset.h"
#include "cairn/error.h"
#include "cairn/frame.h"
#include "cairn/model-eval.h"
#include "cairn/model.h"
#include "cairn/run.h"
#include "cairn/train.h"
#include "cairn/workspace.h"
#include "core/fs.h"
#include "tests/unit/learner-test.h"
#include "tests/unit/suites.h"

static void add_dataset(cairn_ctx *ctx, const char *name, const char *path)
{
	struct cairn_dataset_add add = { 0 };
	struct cairn_dataset_version v = { 0 };
	int existed = 0;

	add.name = name;
	add.source = path;
	add.source_kind = "file";
	add.tabular = -1;
	add.csv.header = -1;
	CHECK_OK(ctx, cairn_dataset_add_file(ctx, path, &add, &v, &existed));
	cairn_dataset_version_release(&v);
}

/* A workspace holding iris split into nshards datasets s1, s2, ... (row i
 * in shard i % nshards, so that each has every class), and union.csv: the
 * shards' rows one after the other. */
static cairn_ctx *shards_workspace(int nshards)
{
	cairn_ctx *ctx = cairn_ctx_new();
	cairn_buf path = CAIRN_BUF_INIT, text = CAIRN_BUF_INIT, shard = CAIRN_BUF_INIT;
	cairn_buf all = CAIRN_BUF_INIT;
	enum cairn_init_result r;
	size_t header;

	CHECK_OK(ctx, cairn_workspace_init(ctx, ".", 1, &r));
	lt_dataset_path("iris.csv", &path);
	CHECK_OK(ctx, cairn_read_file(ctx, path.buf, &text));
	header = strcspn(text.buf, "\n") + 1;
	cairn_buf_add(&all, text.buf, header);
	for (int s = 0; s < nshards; s++) {
		const char *p = text.buf + header;
		char name[16], file[32];
		int row = 0;

		cairn_buf_reset(&shard);
		cairn_buf_add(&shard, text.buf, header);
		while (*p) {
			size_t len = strcspn(p, "\n") + (p[strcspn(p, "\n")] == '\n');
			if (row++ % nshards == s) {
				cairn_buf_add(&shard, p, len);
				cairn_buf_add(&all, p, len);
			}
			p += len;
		}
		snprintf(name, sizeof(name), "s%d", s + 1);
		snprintf(file, sizeof(file), "s%d.csv", s + 1);
		CHECK_OK(ctx, cairn_write_file_atomic(ctx, file, shard.buf, shard.len, 0644));
		add_dataset(ctx, name, file);
	}
	CHECK_OK(ctx, cairn_write_file_atomic(ctx, "union.csv", all.buf, all.len, 0644));
	cairn_buf_release(&path);
	cairn_buf_release(&text);
	cairn_buf_release(&shard);
	cairn_buf_release(&all);
	return ctx;
}

static const char *const three_shards[] = { "s1", "s2", "s3" };

static struct cairn_train_options fed_options(const char *algo, const char *target, size_t n)
{
	struct cairn_train_options o = { 0 };

	o.algo = algo;
	o.target = target;
	o.task = -1;
	o.seed = 7;
	o.shards = three_shards;
	o.nshards = n;
	return o;
}

/* Trains (flushing stdio first: the sites are forked). */
static int train(cairn_ctx *ctx, const struct cairn_train_options *o,
		 struct cairn_train_result *res)
{
	fflush(NULL);
	return cairn_train(ctx, o, res);
}

static int is_ranking(const char *key)
{
	return !strcmp(key, "roc_auc") || !strcmp(key, "roc_auc_weighted") ||
	       !strcmp(key, "average_precision");
}

/*
 * Compares every number of want (the evaluation) with the one at the same
 * path in got (the federated train metrics): within 1e-9 relative, but the
 * ranking metrics when approx (from the sites' histograms), within 0.01.
 * Counts the exact comparisons in *checked.
 */
static void compare_tree(const json_t *got, const json_t *want, int approx, cairn_buf *path,
			 int *checked)
{
	size_t len = path->len;

	if (json_is_object(want)) {
		const char *key;
		json_t *v;
		json_object_foreach((json_t *)want, key, v) {
			cairn_buf_addf(path, "/%s", key);
			if (!json_is_number(v) || json_object_get(got, key))
				compare_tree(json_object_get(got, key), v, approx, path, checked);
			else
				unit_fail(__FILE__, __LINE__, "train metrics lack %s", path->buf);
			cairn_buf_setlen(path, len);
		}
	} else if (json_is_array(want)) {
		size_t i;
		json_t *v;
		json_array_foreach(want, i, v) {
			cairn_buf_addf(path, "/%zu", i);
			compare_tree(json_array_get(got, i), v, approx, path, checked);
			cairn_buf_setlen(path, len);
		}
	} else if (json_is_number(want)) {
		double w = json_number_value(want), g = json_number_value(got);
		const char *key = strrchr(path->buf, '/') + 1;
		if (!json_is_number(got))
			unit_fail(__FILE__, __LINE__, "train metric %s is not a number", path->buf);
		else if (approx && is_ranking(key)) {
			if (!(fabs(g - w) <= 0.01))
				unit_fail(__FILE__, __LINE__, "%s: %.17g vs %.17g (approximate)",
					  path->buf, g, w);
		} else if (!(fabs(g - w) <= 1e-9 * fmax(1.0, fabs(w)))) {
			unit_fail(__FILE__, __LINE__, "%s: %.17g vs %.17g", path->buf, g, w);
		} else {
			(*checked)++;
		}
	}
}

/* The numbers of got that want lacks, as "/path" lines. */
static void extra_numbers(const json_t *got, const json_t *want, cairn_buf *path, cairn_buf *out)
{
	size_t len = path->len;
	const char *key;
	json_t *v;

	json_object_foreach((json_t *)got, key, v) {
		cairn_buf_addf(path, "/%s", key);
		if (json_is_object(v))
			extra_numbers(v, json_object_get(want, key), path, out);
		else if (json_is_number(v) && !json_object_get(want, key))
			cairn_buf_addf(out, "%s\n", path->buf);
		cairn_buf_setlen(path, len);
	}
}

/* Trains algo on the shards and checks the train metrics against an
 * evaluation of the final model on union.csv. */
static void check_metrics_equal_union(cairn_ctx *ctx, const char *algo, const char *target,
				      size_t nshards, json_t **train_out, char run_id[])
{
	struct cairn_train_options o = fed_options(algo, target, nshards);
	struct cairn_model_eval_options eo = { 0 };
	struct cairn_train_result res;
	struct cairn_frame *f = NULL;
	cairn_buf path = CAIRN_BUF_INIT, extra = CAIRN_BUF_INIT;
	cairn_model *m = NULL;
	json_t *ev = NULL, *tm;
	int checked = 0, approx;

	*train_out = NULL;
	CHECK_OK(ctx, train(ctx, &o, &res));
	strcpy(run_id, res.run_id);
	tm = json_object_get(res.metrics, "train");
	CHECK(json_is_object(tm));
	CHECK_OK(ctx, cairn_model_open(ctx, res.run_id, &m));
	CHECK_OK(ctx, cairn_frame_load(ctx, "union.csv", NULL, NULL, &f));
	if (!m || !f || !tm)
		goto out;
	CHECK_OK(ctx, cairn_model_evaluate(ctx, m, f, &eo, &ev));
	CHECK_INT(json_integer_value(json_object_get(tm, "rows")), ==, 150);
	approx = json_is_true(json_object_get(tm, "roc_auc_approx"));
	CHECK_INT(approx, ==, json_object_get(tm, "classes") != NULL);
	compare_tree(tm, ev, approx, &path, &checked);
	CHECK_INT(checked, >=, 8);
	/* Besides the evaluation's numbers, only the final training loss. */
	extra_numbers(tm, ev, &path, &extra);
	CHECK_STR(extra.buf, "/federated_loss\n");
	*train_out = json_incref(tm);
out:
	json_decref(res.metrics);
	json_decref(ev);
	cairn_model_free(m);
	cairn_frame_free(f);
	cairn_buf_release(&path);
	cairn_buf_release(&extra);
}

static const char *sget(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static void test_federated_logistic_metrics(void)
{
	cairn_ctx *ctx = shards_workspace(3);
	char run_id[CAIRN_ID_LEN + 1] = "";
	json_t *tm = NULL, *show = NULL, *params, *metrics, *inputs;
	size_t i;

	check_metrics_equal_union(ctx, "logistic", "species", 3, &tm, run_id);
	if (!tm)
		goto out;
	CHECK(json_real_value(json_object_get(tm, "accuracy")) > 0.85);
	/* Three classes: the default multinomial fit's loss is the log loss. */
	CHECK(fabs(json_real_value(json_object_get(tm, "federated_loss")) -
		   json_real_value(json_object_get(tm, "log_loss"))) <= 1e-9);
	/* The run records the shards, the params and the same train metrics. */
	CHECK_OK(ctx, cairn_run_show(ctx, run_id, &show));
	CHECK_STR(sget(show, "status"), "FINISHED");
	params = json_object_get(show, "params");
	CHECK_STR(sget(params, "federated"), "true");
	CHECK_STR(sget(params, "shards"), "3");
	CHECK_STR(sget(params, "rounds"), "20");
	CHECK(json_object_get(params, "eps") == NULL);
	inputs = json_object_get(show, "inputs");
	CHECK_INT(json_array_size(inputs), ==, 3);
	json_array_foreach(inputs, i, params)
		CHECK_STR(sget(params, "context"), "train");
	metrics = json_object_get(show, "metrics");
	CHECK(json_real_value(json_object_get(metrics, "train_accuracy")) ==
	      json_real_value(json_object_get(tm, "accuracy")));
	CHECK(json_real_value(json_object_get(metrics, "train_log_loss")) ==
	      json_real_value(json_object_get(tm, "log_loss")));
out:
	json_decref(tm);
	json_decref(show);
	cairn_ctx_free(ctx);
}

static void test_federated_linear_metrics(void)
{
	cairn_ctx *ctx = shards_workspace(2);
	char run_id[CAIRN_ID_LEN + 1] = "";
	json_t *tm = NULL;

	check_metrics_equal_union(ctx, "linear", "petal_width", 2, &tm, run_id);
	CHECK(tm && json_real_value(json_object_get(tm, "r2")) > 0.8);
	CHECK(tm && json_object_get(tm, "roc_auc_approx") == NULL);
	json_decref(tm);
	cairn_ctx_free(ctx);
}

/* The same shards, params and seed give the same model bytes. */
static void test_federated_deterministic(void)
{
	cairn_ctx *ctx = shards_workspace(2);
	struct cairn_train_options o = fed_options("logistic", "species", 2);
	struct cairn_train_result a, b;
	json_t *params = json_pack("{s:s, s:s}", "rounds", "3", "local_epochs", "2");

	o.params = params;
	CHECK_OK(ctx, train(ctx, &o, &a));
	CHECK_OK(ctx, train(ctx, &o, &b));
	json_decref(a.metrics);
	json_decref(b.metrics);
	CHECK_OK(ctx, cairn_run_get_artifact(ctx, a.run_id, "model/model.liblinear", "a.model", 0));
	CHECK_OK(ctx, cairn_run_get_artifact(ctx, b.run_id, "model/model.liblinear", "b.model", 0));
	CHECK(lt_same_file("a.model", "b.model"));
	json_decref(params);
	cairn_ctx_free(ctx);
}

/* Trains with o, expecting code and text in the message (NULL: any); the
 * run (started first) ends FAILED with the message. */
static void check_refused(cairn_ctx *ctx, const struct cairn_train_options *o, int code,
			  const char *text, int line)
{
	struct cairn_train_result res;
	json_t *show = NULL;
	const char *status, *message;
	int rc = train(ctx, o, &res);

	if (rc != code) {
		unit_fail(__FILE__, line, "code %d, expected %d (%s)", rc, code, cairn_errmsg(ctx));
	} else if (text && !strstr(cairn_errmsg(ctx), text)) {
		unit_fail(__FILE__, line, "message \"%s\" lacks \"%s\"", cairn_errmsg(ctx), text);
	}
	if (!rc) {
		json_decref(res.metrics);
		return;
	}
	CHECK(res.metrics == NULL);
	if (!*res.run_id)
		return;
	CHECK_OK(ctx, cairn_run_show(ctx, res.run_id, &show));
	status = sget(show, "status");
	message = sget(show, "message");
	if (!status || strcmp(status, "FAILED") || !message || strcmp(message, cairn_errmsg(ctx)))
		unit_fail(__FILE__, line, "run %s: %s \"%s\"", res.run_id,
			  status ? status : "(none)", message ? message : "(none)");
	json_decref(show);
}

#define REFUSED(o, code, text) check_refused(ctx, o, code, text, __LINE__)

static void test_federated_refusals(void)
{
	cairn_ctx *ctx = shards_workspace(2);
	struct cairn_train_options o;
	json_t *p;

	/* Only logistic and linear. */
	o = fed_options("xgboost", "species", 2);
	REFUSED(&o, CAIRN_EINVAL, "xgboost");
	/* At least two shards. */
	o = fed_options("logistic", "species", 1);
	REFUSED(&o, CAIRN_EINVAL, "shard");
	/* A target. */
	o = fed_options("logistic", NULL, 2);
	REFUSED(&o, CAIRN_EINVAL, "target");
	/* No central data besides the shards. */
	o = fed_options("logistic", "species", 2);
	o.data = "s1";
	REFUSED(&o, CAIRN_EINVAL, "data");
	o.data = NULL;
	o.cv = 3;
	REFUSED(&o, CAIRN_EINVAL, NULL);
	/* A param federated training does not use is refused by name. */
	o = fed_options("logistic", "species", 2);
	p = json_pack("{s:s}", "eps", "0.1");
	o.params = p;
	REFUSED(&o, CAIRN_EINVAL, "'eps'");
	json_decref(p);
	o = fed_options("linear", "petal_width", 2);
	p = json_pack("{s:s}", "eps", "0.1");
	o.params = p;
	REFUSED(&o, CAIRN_EINVAL, "'eps'");
	json_decref(p);
	/* Federated params are checked. */
	o = fed_options("logistic", "species", 2);
	p = json_pack("{s:s}", "rounds", "0");
	o.params = p;
	REFUSED(&o, CAIRN_EINVAL, "rounds");
	json_decref(p);
	p = json_pack("{s:s}", "local_epochs", "many");
	o.params = p;
	REFUSED(&o, CAIRN_EINVAL, "local_epochs");
	json_decref(p);
	/* ... and unknown without shards. */
	o = fed_options("logistic", "species", 0);
	o.shards = NULL;
	o.data = "s1";
	p = json_pack("{s:s}", "rounds", "3");
	o.params = p;
	REFUSED(&o, CAIRN_EINVAL, "'rounds'");
	json_decref(p);
	/* A regressor's task for a classifier target, a target no shard has, a
	 * shard that does not exist. */
	o = fed_options("linear", "species", 2);
	o.task = CAIRN_TASK_CLASSIFICATION;
	REFUSED(&o, CAIRN_EINVAL, "classification");
	o = fed_options("logistic", "no_such_column", 2);
	REFUSED(&o, CAIRN_ENOTFOUND, "no_such_column");
	{
		static const char *const missing[] = { "s1", "nosuch" };
		o = fed_options("logistic", "species", 2);
		o.shards = missing;
		REFUSED(&o, CAIRN_ENOTFOUND, "nosuch");
	}
	cairn_ctx_free(ctx);
}

const struct unit_test federated_tests[] = {
	{ "federated_logistic_metrics", test_federated_logistic_metrics },
	{ "federated_linear_metrics", test_federated_linear_metrics },
	{ "federated_deterministic", test_federated_deterministic },
	{ "federated_refusals", test_federated_refusals },
	{ NULL, NULL }
};
