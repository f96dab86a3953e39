/* Unit tests for built-in training as a tracked run (src/ml/train.c). */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cairn/dataset.h"
#include "cairn/derive.h"
#include "cairn/error.h"
#include "cairn/run.h"
#include "cairn/train.h"
#include "cairn/workspace.h"
#include "core/json.h"
#include "tests/unit/ml-fixture.h"
#include "tests/unit/suites.h"

static json_t *show(cairn_ctx *ctx, const char *id)
{
	json_t *v = NULL;

	CHECK_OK(ctx, cairn_run_show(ctx, id, &v));
	return v;
}

static void test_train_records_resolved_version(void)
{
	cairn_ctx *ctx = fixture_workspace();
	struct cairn_train_options o = { 0 };
	struct cairn_train_result res;
	json_t *v, *params = json_pack("{s:s}", "n_neighbors", "3"), *in;

	fixture_add_classes(ctx, "classes", 0);
	o.data = "classes";
	o.target = "y";
	o.algo = "knn";
	o.params = params;
	o.test_split = 0.25;
	o.seed = 3;
	o.task = -1;
	CHECK_OK(ctx, cairn_train(ctx, &o, &res));
	CHECK(json_is_number(json_object_get(json_object_get(res.metrics, "train"), "accuracy")));
	CHECK(json_is_number(json_object_get(json_object_get(res.metrics, "test"), "accuracy")));
	v = show(ctx, res.run_id);
	CHECK_STR(json_string_value(json_object_get(v, "status")), "FINISHED");
	CHECK_INT(json_array_size(json_object_get(v, "inputs")), ==, 1);
	in = json_array_get(json_object_get(v, "inputs"), 0);
	CHECK_STR(json_string_value(json_object_get(in, "dataset")), "classes@1");
	CHECK_STR(json_string_value(json_object_get(in, "context")), "train");
	json_decref(v);
	json_decref(res.metrics);
	json_decref(params);
	cairn_ctx_free(ctx);
}

/* The held-out rows are those of cairn_split_rows (`cairn data split`) with
 * ratios 1 - F, F, stratified by the target, and the same seed. */
static void test_train_split_is_data_split(void)
{
	cairn_ctx *ctx = fixture_workspace();
	struct cairn_train_options o = { 0 };
	struct cairn_train_result res;
	struct cairn_dataset_version dv = { 0 };
	struct cairn_frame *f = NULL;
	struct cairn_split sp = { 0 };
	double ratios[2] = { 0.7, 0.3 };
	struct cairn_split_options so = { ratios, 2, "y", 11 };
	json_t *doc = NULL, *rows;
	json_error_t jerr;
	size_t i;

	fixture_add_classes(ctx, "classes", 0);
	o.data = "classes";
	o.target = "y";
	o.algo = "naive_bayes";
	o.test_split = 0.3;
	o.seed = 11;
	o.task = -1;
	CHECK_OK(ctx, cairn_train(ctx, &o, &res));
	CHECK_OK(ctx, cairn_run_get_artifact(ctx, res.run_id, "split/test_rows.json", "rows.json", 0));
	doc = json_load_file("rows.json", 0, &jerr);
	CHECK(doc != NULL);
	rows = json_object_get(doc, "test_rows");
	CHECK_STR(json_string_value(json_object_get(doc, "stratify")), "y");
	CHECK_OK(ctx, cairn_dataset_resolve(ctx, "classes@1", &dv));
	CHECK_OK(ctx, cairn_dataset_load_frame(ctx, &dv, &f));
	CHECK_OK(ctx, cairn_split_rows(ctx, f, &so, &sp));
	CHECK_INT(json_array_size(rows), ==, sp.n[1]);
	for (i = 0; i < sp.n[1] && i < json_array_size(rows); i++)
		CHECK_INT(json_integer_value(json_array_get(rows, i)), ==, sp.rows[1][i]);
	/* 40 rows at 0.3: 12 held out, each class within one row of its share. */
	CHECK_INT(sp.n[1], ==, 12);
	cairn_split_release(&sp);
	cairn_frame_free(f);
	cairn_dataset_version_release(&dv);
	json_decref(doc);
	json_decref(res.metrics);
	cairn_ctx_free(ctx);
}

static void test_train_messages_name_fields(void)
{
	cairn_ctx *ctx = fixture_workspace();
	struct cairn_train_options o = { 0 };
	struct cairn_train_result res;
	const char *shards[] = { "a", "b" }, *members[] = { "m1", "m2" };

	fixture_add_classes(ctx, "classes", 0);
	o.task = -1;
	o.algo = "knn";
	CHECK_ERR(ctx, cairn_train_check(ctx, &o), CAIRN_EINVAL, "training needs a dataset");
	o.data = "classes";
	o.test = "classes";
	o.test_split = 0.2;
	CHECK_ERR(ctx, cairn_train_check(ctx, &o), CAIRN_EINVAL,
		  "a test dataset and a test split exclude each other");
	CHECK(!strstr(cairn_errmsg(ctx), "--"));
	o.test = NULL;
	o.unlabeled = "classes";
	CHECK_ERR(ctx, cairn_train_check(ctx, &o), CAIRN_EINVAL,
		  "an unlabeled dataset and a self-training threshold go together");
	o.unlabeled = NULL;
	o.members = members;
	o.nmembers = 2;
	CHECK_ERR(ctx, cairn_train_check(ctx, &o), CAIRN_EINVAL,
		  "members need the ensemble algorithm");
	o.members = NULL;
	o.nmembers = 0;
	o.data = NULL;
	o.test_split = 0;
	o.shards = shards;
	o.nshards = 2;
	o.algo = "logistic";
	CHECK_ERR(ctx, cairn_train_check(ctx, &o), CAIRN_EINVAL,
		  "federated training needs a target column");
	o.target = "y";
	o.algo = "xgboost";
	CHECK_ERR(ctx, cairn_train_check(ctx, &o), CAIRN_EINVAL,
		  "federated training trains logistic or linear, not 'xgboost'");
	/* Checked by cairn_train too, before any run. */
	CHECK_ERR(ctx, cairn_train(ctx, &o, &res), CAIRN_EINVAL, "logistic or linear");
	CHECK_STR(res.run_id, "");
	CHECK_INT(fixture_count_runs(ctx, NULL), ==, 0);

	/* In the run: a split that leaves a part empty names the values. */
	memset(&o, 0, sizeof(o));
	o.task = -1;
	o.data = "classes";
	o.target = "y";
	o.algo = "knn";
	o.test_split = 0.99;
	CHECK_ERR(ctx, cairn_train(ctx, &o, &res), CAIRN_EINVAL,
		  "a test split of 0.99 of 40 rows leaves the training set empty");
	CHECK(res.run_id[0] != '\0');
	{
		json_t *v = show(ctx, res.run_id);
		CHECK_STR(json_string_value(json_object_get(v, "status")), "FAILED");
		json_decref(v);
	}
	o.test_split = 0;
	o.cv = 41;
	CHECK_ERR(ctx, cairn_train(ctx, &o, &res), CAIRN_EINVAL,
		  "cv 41: cross-validation needs 2 to 40 folds");
	cairn_ctx_free(ctx);
}

static void test_train_cancelled(void)
{
	cairn_ctx *ctx = fixture_workspace();
	struct cairn_train_options o = { 0 };
	struct cairn_train_result res;
	struct cairn_cancel cancel = { 0 };

	fixture_add_classes(ctx, "classes", 0);
	o.data = "classes";
	o.target = "y";
	o.algo = "knn";
	o.task = -1;
	cancel.requested = 1;
	cancel.sig = SIGINT;
	cairn_ctx_set_cancel(ctx, &cancel);
	CHECK_ERR(ctx, cairn_train(ctx, &o, &res), CAIRN_EINTERRUPTED, "interrupted by SIGINT");
	CHECK_STR(res.run_id, "");
	CHECK_INT(fixture_count_runs(ctx, NULL), ==, 0);
	/* Nothing asked: it trains. */
	cancel.requested = 0;
	cancel.sig = 0;
	CHECK_OK(ctx, cairn_train(ctx, &o, &res));
	json_decref(res.metrics);
	cairn_ctx_free(ctx);
}

/* Mistakes in the options are refused before a run starts. */
static void test_train_refuses_before_run(void)
{
	cairn_ctx *ctx = fixture_workspace();
	struct cairn_train_options o = { 0 };
	struct cairn_train_result res;
	const char *cols[] = { "x", "w", "v" };
	json_t *params = json_pack("{s:s}", "max_dpth", "3");

	fixture_add_classes(ctx, "classes", 0);
	o.task = -1;
	o.data = "classes";
	o.algo = "xgbost";
	CHECK_ERR(ctx, cairn_train_check(ctx, &o), CAIRN_EINVAL, "unknown algorithm 'xgbost'");
	o.algo = "xgboost";
	CHECK_ERR(ctx, cairn_train_check(ctx, &o), CAIRN_EINVAL,
		  "xgboost needs a target column: it learns classification or regression");
	o.target = "y";
	o.params = params;
	CHECK_ERR(ctx, cairn_train_check(ctx, &o), CAIRN_EINVAL, "xgboost has no param 'max_dpth'");
	json_object_clear(params);
	json_object_set_new(params, "early_stopping_rounds", json_string("5"));
	CHECK_ERR(ctx, cairn_train_check(ctx, &o), CAIRN_EINVAL,
		  "early_stopping_rounds needs validation data");
	o.test_split = 0.25;
	CHECK_OK(ctx, cairn_train_check(ctx, &o));
	o.algo = "kmeans";
	o.params = NULL;
	CHECK_ERR(ctx, cairn_train_check(ctx, &o), CAIRN_EINVAL,
		  "kmeans clusters rows without a target: drop column 'y'");
	o.algo = "knn";
	o.features = cols;
	o.nfeatures = 3;
	CHECK_ERR(ctx, cairn_train(ctx, &o, &res), CAIRN_ENOTFOUND,
		  "no columns 'w', 'v' in 'classes@1' (columns: x, z, y)");
	CHECK_STR(res.run_id, "");
	CHECK_INT(fixture_count_runs(ctx, NULL), ==, 0);
	json_decref(params);
	cairn_ctx_free(ctx);
}

const struct unit_test train_tests[] = {
	{ "train_records_resolved_version", test_train_records_resolved_version },
	{ "train_split_is_data_split", test_train_split_is_data_split },
	{ "train_messages_name_fields", test_train_messages_name_fields },
	{ "train_refuses_before_run", test_train_refuses_before_run },
	{ "train_cancelled", test_train_cancelled },
	{ NULL, NULL }
};
