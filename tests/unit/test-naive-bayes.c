/* Unit tests for the naive_bayes algorithm (src/ml/algo-naive-bayes.c). */
#include "core/json.h"
#include "ml/algorithms.h"
#include "tests/unit/learner-test.h"
#include "tests/unit/suites.h"

/* Class 0: (0, 5), (2, 7); class 1: (4, 0), (6, 3), (8, 3). */
static const double train_x[] = { 0, 5, 2, 7, 4, 0, 6, 3, 8, 3 };
static const double train_y[] = { 0, 0, 1, 1, 1 };

/* The joint log-likelihood of (a, b) under one class, by hand. */
static double jll(double prior, double m1, double v1, double m2, double v2, double a, double b)
{
	return log(prior) - 0.5 * log(2 * M_PI * v1) - 0.5 * (a - m1) * (a - m1) / v1
	       - 0.5 * log(2 * M_PI * v2) - 0.5 * (b - m2) * (b - m2) / v2;
}

static void test_naive_bayes_hand(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	double q[] = { 3, 4, 7, 1, 100, -50 };
	struct cairn_matrix x = lt_matrix(train_x, 5, 2), xq = lt_matrix(q, 3, 2);
	struct cairn_train_data d = { .x = &x, .y = train_y, .task = CAIRN_TASK_CLASSIFICATION,
				      .nclasses = 2, .seed = 1, .threads = 1 };
	/* The largest variance over all rows is feature 0's: 8. */
	double eps = 1e-9 * 8;
	void *model = NULL;
	double *p;

	CHECK_OK(ctx, lt_fit(ctx, "naive_bayes", NULL, &d, NULL, NULL, &model));
	if (!model)
		goto out;
	CHECK_INT(cairn__algo_naive_bayes.outputs(model), ==, 2);
	p = lt_predict(ctx, "naive_bayes", model, &xq);
	for (int i = 0; p && i < 3; i++) {
		double a = q[2 * i], b = q[2 * i + 1];
		double j0 = jll(0.4, 1, 1 + eps, 6, 1 + eps, a, b);
		double j1 = jll(0.6, 6, 8.0 / 3 + eps, 2, 2 + eps, a, b);
		double top = j0 > j1 ? j0 : j1;
		double p0 = exp(j0 - top) / (exp(j0 - top) + exp(j1 - top));

		CHECK(fabs(p[2 * i] - p0) < 1e-12);
		CHECK(fabs(p[2 * i] + p[2 * i + 1] - 1) < 1e-12);
	}
	/* far from both classes, the log-sum-exp still gives a distribution */
	CHECK(p && isfinite(p[4]) && p[5] > 0.99);
	free(p);
	lt_check_roundtrip(ctx, "naive_bayes", model, "m", &xq);
	cairn__algo_naive_bayes.free(model);
out:
	lt_matrix_release(&x);
	lt_matrix_release(&xq);
	cairn_ctx_free(ctx);
}

static void test_naive_bayes_saved(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	struct cairn_matrix x = lt_matrix(train_x, 5, 2);
	struct cairn_train_data d = { .x = &x, .y = train_y, .task = CAIRN_TASK_CLASSIFICATION,
				      .nclasses = 3, .seed = 1, .threads = 1 };
	void *m1 = NULL, *m2 = NULL;
	json_t *doc = NULL, *files;
	double *p;

	/* class 2 has no row */
	CHECK_OK(ctx, lt_fit(ctx, "naive_bayes", NULL, &d, NULL, NULL, &m1));
	CHECK_OK(ctx, lt_fit(ctx, "naive_bayes", NULL, &d, NULL, NULL, &m2));
	if (!m1 || !m2)
		goto out;
	p = lt_predict(ctx, "naive_bayes", m1, &x);
	CHECK(p && p[2] == 0 && p[5] == 0 && p[0] > 0.5 && p[12] < 0.5);
	free(p);
	files = lt_save(ctx, "naive_bayes", m1, "one");
	CHECK(lt_has_file(files, "model.json"));
	json_decref(files);
	json_decref(lt_save(ctx, "naive_bayes", m2, "two"));
	CHECK(lt_same_file("one/model.json", "two/model.json"));
	CHECK_OK(ctx, cairn_json_load_file(ctx, "one/model.json", &doc));
	CHECK(json_number_value(json_array_get(json_object_get(doc, "priors"), 1)) == 0.6);
	CHECK(json_number_value(json_array_get(json_array_get(json_object_get(doc, "means"), 1),
					       0)) == 6);
	json_decref(doc);
	lt_check_roundtrip(ctx, "naive_bayes", m1, "three", &x);
out:
	cairn__algo_naive_bayes.free(m1);
	cairn__algo_naive_bayes.free(m2);
	lt_matrix_release(&x);
	cairn_ctx_free(ctx);
}

/* Constant features do not divide by zero. */
static void test_naive_bayes_constant(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	double v[] = { 1, 1, 1, 1 }, y[] = { 0, 1, 0, 1 };
	struct cairn_matrix x = lt_matrix(v, 4, 1);
	struct cairn_train_data d = { .x = &x, .y = y, .task = CAIRN_TASK_CLASSIFICATION,
				      .nclasses = 2, .seed = 1, .threads = 1 };
	void *model = NULL;
	double *p;

	CHECK_OK(ctx, lt_fit(ctx, "naive_bayes", NULL, &d, NULL, NULL, &model));
	p = model ? lt_predict(ctx, "naive_bayes", model, &x) : NULL;
	CHECK(p && p[0] == 0.5 && p[1] == 0.5);
	free(p);
	cairn__algo_naive_bayes.free(model);
	lt_matrix_release(&x);
	cairn_ctx_free(ctx);
}

static void test_naive_bayes_bad_input(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	struct cairn_matrix x = lt_matrix(train_x, 5, 2), x1 = lt_matrix(train_x, 5, 1);
	struct cairn_train_data d = { .x = &x, .y = train_y, .task = CAIRN_TASK_CLASSIFICATION,
				      .nclasses = 2, .seed = 1, .threads = 1 };
	void *model = NULL;
	double out[10];
	FILE *f;

	x.v[3] = NAN;
	CHECK_ERR(ctx, lt_fit(ctx, "naive_bayes", NULL, &d, NULL, NULL, &model), CAIRN_EINVAL,
		  "row 1 feature 1 is missing");
	x.v[3] = 7;
	d.task = CAIRN_TASK_REGRESSION;
	CHECK_ERR(ctx, lt_fit(ctx, "naive_bayes", NULL, &d, NULL, NULL, &model), CAIRN_EINVAL,
		  "does not do regression");
	d.task = CAIRN_TASK_CLASSIFICATION;
	CHECK_OK(ctx, lt_fit(ctx, "naive_bayes", NULL, &d, NULL, NULL, &model));
	if (model) {
		CHECK_ERR(ctx, cairn__algo_naive_bayes.predict(ctx, model, &x1, out), CAIRN_EINVAL,
			  "takes 2 features");
		cairn__algo_naive_bayes.free(model);
		model = NULL;
	}
	mkdir("bad", 0777);
	f = fopen("bad/model.json", "w");
	if (f) {
		fputs("{\"priors\": [0.5, 0.5], \"class_count\": [1, 1], \"means\": [[0], [1]], "
		      "\"variances\": [[1], [0]]}", f);
		fclose(f);
	}
	CHECK_ERR(ctx, cairn__algo_naive_bayes.load(ctx, "bad", &model), CAIRN_EPARSE,
		  "invalid variances");
	CHECK(!model);
	lt_matrix_release(&x);
	lt_matrix_release(&x1);
	cairn_ctx_free(ctx);
}

const struct unit_test naive_bayes_tests[] = {
	{ "naive_bayes_hand", test_naive_bayes_hand },
	{ "naive_bayes_saved", test_naive_bayes_saved },
	{ "naive_bayes_constant", test_naive_bayes_constant },
	{ "naive_bayes_bad_input", test_naive_bayes_bad_input },
	{ NULL, NULL }
};
