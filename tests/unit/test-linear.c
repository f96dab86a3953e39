/* Unit tests for the liblinear algorithms logistic, linear_svm and linear
 * (src/ml/algo-liblinear.c) and the reading of liblinear model files. */
#include "ml/algorithms.h"
#include "ml/linear.h"
#include "tests/unit/learner-test.h"
#include "tests/unit/suites.h"

/* n rows of k blobs in 2-D, centred at (4c, 4c) for c = 0, 4 (c % 2) for
 * c > 1, with small fixed offsets; y is the blob. */
static struct cairn_matrix blobs(size_t n, int k, double *y)
{
	double *v = cairn_xcalloc(n * 2, sizeof(double));
	struct cairn_matrix m;

	for (size_t i = 0; i < n; i++) {
		int c = (int)(i % (size_t)k);
		v[2 * i] = (c == 1 ? 4 : 0) + ((double)((i * 7) % 5) - 2) * 0.3;
		v[2 * i + 1] = (c == 2 ? 4 : 0) + ((double)((i * 3) % 5) - 2) * 0.3;
		y[i] = c;
	}
	m = lt_matrix(v, n, 2);
	free(v);
	return m;
}

static void check_classifier_blobs(const char *algo, int k)
{
	cairn_ctx *ctx = cairn_ctx_new();
	double y[60];
	struct cairn_matrix x = blobs(60, k, y);
	struct cairn_train_data d = { .x = &x, .y = y, .task = CAIRN_TASK_CLASSIFICATION,
				      .nclasses = k, .seed = 1, .threads = 1 };
	const struct cairn_algorithm *a = cairn_algorithm_find(algo);
	void *model = NULL;
	double *p;
	size_t right = 0;

	CHECK_OK(ctx, lt_fit(ctx, algo, NULL, &d, NULL, NULL, &model));
	if (!model)
		goto out;
	CHECK_INT(a->outputs(model), ==, k);
	p = lt_predict(ctx, algo, model, &x);
	for (size_t i = 0; p && i < x.rows; i++) {
		double sum = 0;
		for (int c = 0; c < k; c++)
			sum += p[i * (size_t)k + (size_t)c];
		CHECK(fabs(sum - 1) < 1e-9);
		right += lt_argmax(p + i * (size_t)k, (size_t)k) == (size_t)y[i];
	}
	CHECK_INT(right, ==, x.rows);
	free(p);
	lt_check_roundtrip(ctx, algo, model, "saved", &x);
	a->free(model);
out:
	lt_matrix_release(&x);
	cairn_ctx_free(ctx);
}

static void test_linear_logistic_blobs(void)
{
	check_classifier_blobs("logistic", 2);
	check_classifier_blobs("logistic", 3);
}

static void test_linear_svm_blobs(void)
{
	check_classifier_blobs("linear_svm", 2);
	check_classifier_blobs("linear_svm", 3);
}

/* The probabilities of a binary logistic model are the logistic function
 * of its decision value, and those of linear_svm follow the same mapping. */
static void test_linear_probabilities(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	double y[40];
	struct cairn_matrix x = blobs(40, 2, y);
	struct cairn_train_data d = { .x = &x, .y = y, .task = CAIRN_TASK_CLASSIFICATION,
				      .nclasses = 2, .seed = 1, .threads = 1 };
	double q[] = { 2, 0, 0, 0, 4, 0 }, imp[2];
	struct cairn_matrix xq = lt_matrix(q, 3, 2);
	void *model = NULL;
	double *p;

	CHECK_OK(ctx, lt_fit(ctx, "logistic", "C=10", &d, NULL, NULL, &model));
	if (!model)
		goto out;
	p = lt_predict(ctx, "logistic", model, &xq);
	/* (2, 0) is half way between the blobs; (0, 0) is class 0; (4, 0) class 1. */
	CHECK(p && fabs(p[0] - 0.5) < 0.2);
	CHECK(p && p[2] > 0.9 && p[5] > 0.9);
	free(p);
	CHECK_OK(ctx, cairn__algo_logistic.importance(ctx, model, 2, imp));
	CHECK(imp[0] > imp[1]);
	CHECK_ERR(ctx, cairn__algo_logistic.importance(ctx, model, 3, imp), CAIRN_EINVAL, "features");
	cairn__algo_logistic.free(model);
out:
	lt_matrix_release(&x);
	lt_matrix_release(&xq);
	cairn_ctx_free(ctx);
}

/* y = 2x + 1 on unscaled x: the fit recovers the slope and the intercept. */
static void test_linear_regression_line(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	double v[50], y[50], q[] = { 0, 1, 10 };
	struct cairn_matrix x, xq = lt_matrix(q, 3, 1);
	struct cairn_train_data d = { .y = y, .task = CAIRN_TASK_REGRESSION, .nclasses = 0,
				      .seed = 1, .threads = 1 };
	void *model = NULL;
	double *p;

	for (int i = 0; i < 50; i++) {
		v[i] = -3 + 6.0 * i / 49;
		y[i] = 2 * v[i] + 1;
	}
	x = lt_matrix(v, 50, 1);
	d.x = &x;
	CHECK_OK(ctx, lt_fit(ctx, "linear", NULL, &d, NULL, NULL, &model));
	if (!model)
		goto out;
	CHECK_INT(cairn__algo_linear.outputs(model), ==, 1);
	p = lt_predict(ctx, "linear", model, &xq);
	CHECK(p && fabs(p[0] - 1) < 0.01);
	CHECK(p && fabs(p[1] - p[0] - 2) < 0.02);
	CHECK(p && fabs(p[2] - 21) < 0.2);
	free(p);
	lt_check_roundtrip(ctx, "linear", model, "saved", &xq);
	cairn__algo_linear.free(model);
	/* Without an intercept the line goes through 0. */
	CHECK_OK(ctx, lt_fit(ctx, "linear", "bias=0", &d, NULL, NULL, &model));
	p = model ? lt_predict(ctx, "linear", model, &xq) : NULL;
	CHECK(p && p[0] == 0);
	free(p);
	cairn__algo_linear.free(model);
out:
	lt_matrix_release(&x);
	lt_matrix_release(&xq);
	cairn_ctx_free(ctx);
}

static void check_deterministic(const char *algo)
{
	cairn_ctx *ctx = cairn_ctx_new();
	double y[60];
	struct cairn_matrix x = blobs(60, 3, y);
	struct cairn_train_data d = { .x = &x, .y = y, .task = CAIRN_TASK_CLASSIFICATION,
				      .nclasses = 3, .seed = 42, .threads = 1 };
	const struct cairn_algorithm *a = cairn_algorithm_find(algo);
	void *m1 = NULL, *m2 = NULL;
	json_t *f1, *f2;

	CHECK_OK(ctx, lt_fit(ctx, algo, NULL, &d, NULL, NULL, &m1));
	CHECK_OK(ctx, lt_fit(ctx, algo, NULL, &d, NULL, NULL, &m2));
	if (m1 && m2) {
		f1 = lt_save(ctx, algo, m1, "one");
		f2 = lt_save(ctx, algo, m2, "two");
		CHECK(lt_has_file(f1, "model.liblinear"));
		CHECK(lt_has_file(f1, "liblinear.json"));
		CHECK(lt_same_file("one/model.liblinear", "two/model.liblinear"));
		CHECK(lt_same_file("one/liblinear.json", "two/liblinear.json"));
		json_decref(f1);
		json_decref(f2);
	}
	a->free(m1);
	a->free(m2);
	lt_matrix_release(&x);
	cairn_ctx_free(ctx);
}

static void test_linear_deterministic(void)
{
	check_deterministic("logistic");
	check_deterministic("linear_svm");
}

static void test_linear_bad_input(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	double y[20];
	struct cairn_matrix x = blobs(20, 2, y), x3 = lt_matrix(y, 2, 3);
	struct cairn_train_data d = { .x = &x, .y = y, .task = CAIRN_TASK_CLASSIFICATION,
				      .nclasses = 2, .seed = 1, .threads = 1 };
	void *model = NULL;
	double out[8];

	x.v[7] = NAN;
	CHECK_ERR(ctx, lt_fit(ctx, "logistic", NULL, &d, NULL, NULL, &model), CAIRN_EINVAL,
		  "row 3 feature 1 is missing");
	CHECK(!model);
	x.v[7] = 0;
	d.task = CAIRN_TASK_REGRESSION;
	CHECK_ERR(ctx, lt_fit(ctx, "linear_svm", NULL, &d, NULL, NULL, &model), CAIRN_EINVAL,
		  "does not do regression");
	d.task = CAIRN_TASK_CLASSIFICATION;
	y[4] = 2;
	CHECK_ERR(ctx, lt_fit(ctx, "logistic", NULL, &d, NULL, NULL, &model), CAIRN_EINVAL,
		  "class 2 of row 4");
	y[4] = 0;
	CHECK_ERR(ctx, lt_fit(ctx, "logistic", "C=0", &d, NULL, NULL, &model), CAIRN_EINVAL,
		  "'C'");
	CHECK_OK(ctx, lt_fit(ctx, "logistic", NULL, &d, NULL, NULL, &model));
	if (model) {
		CHECK_ERR(ctx, cairn__algo_logistic.predict(ctx, model, &x3, out), CAIRN_EINVAL,
			  "takes 2 features");
		x.v[0] = NAN;
		CHECK_ERR(ctx, cairn__algo_logistic.predict(ctx, model, &x, out), CAIRN_EINVAL,
			  "missing");
		cairn__algo_logistic.free(model);
	}
	lt_matrix_release(&x);
	lt_matrix_release(&x3);
	cairn_ctx_free(ctx);
}

static void write_text(const char *path, const char *text)
{
	cairn_ctx *ctx = cairn_ctx_new();

	CHECK_OK(ctx, cairn_write_file_atomic(ctx, path, text, strlen(text), 0644));
	cairn_ctx_free(ctx);
}

static void test_linear_load_file(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	double y[60];
	struct cairn_matrix x = blobs(60, 3, y);
	struct cairn_train_data d = { .x = &x, .y = y, .task = CAIRN_TASK_CLASSIFICATION,
				      .nclasses = 3, .seed = 1, .threads = 1 };
	struct cairn__linear_info info;
	cairn_buf text = CAIRN_BUF_INIT;
	void *model = NULL, *back = NULL;
	json_t *files;

	CHECK_OK(ctx, lt_fit(ctx, "logistic", NULL, &d, NULL, NULL, &model));
	if (!model)
		goto out;
	files = lt_save(ctx, "logistic", model, "m");
	json_decref(files);
	CHECK_OK(ctx, cairn__linear_load_file(ctx, "m/model.liblinear", &back));
	if (back) {
		cairn__linear_info(back, &info);
		CHECK_STR(info.solver, "L2R_LR");
		CHECK_STR(info.algorithm, "logistic");
		CHECK_INT(info.task, ==, CAIRN_TASK_CLASSIFICATION);
		CHECK_INT(info.nr_class, ==, 3);
		CHECK_INT(info.nclasses, ==, 3);
		CHECK_INT(info.nr_feature, ==, 2);
		CHECK(info.bias == 1);
		CHECK(info.labels && info.labels[0] == 0 && info.labels[1] == 1 && info.labels[2] == 2);
		cairn__algo_logistic.free(back);
	}
	/* Loading through another algorithm of the family is refused. */
	CHECK_ERR(ctx, cairn__algo_linear_svm.load(ctx, "m", &back), CAIRN_EINVAL,
		  "holds a logistic model (solver L2R_LR), not linear_svm");
	CHECK(!back);

	CHECK_OK(ctx, cairn_read_file(ctx, "m/model.liblinear", &text));
	cairn_buf_setlen(&text, text.len - 30);
	write_text("cut.liblinear", text.buf);
	CHECK_ERR(ctx, cairn__linear_load_file(ctx, "cut.liblinear", &back), CAIRN_EPARSE,
		  "truncated");
	write_text("junk.liblinear", "solver_type L2R_LR\nnr_class 2\nfoo 3\n");
	CHECK_ERR(ctx, cairn__linear_load_file(ctx, "junk.liblinear", &back), CAIRN_EPARSE,
		  "unexpected 'foo'");
	write_text("nolabel.liblinear", "solver_type L2R_LR\nnr_class 2\nnr_feature 1\nbias -1\nw\n1\n");
	CHECK_ERR(ctx, cairn__linear_load_file(ctx, "nolabel.liblinear", &back), CAIRN_EPARSE,
		  "without labels");
	write_text("solver.liblinear", "solver_type NOPE\n");
	CHECK_ERR(ctx, cairn__linear_load_file(ctx, "solver.liblinear", &back), CAIRN_EPARSE,
		  "unknown solver 'NOPE'");
	CHECK_ERR(ctx, cairn__linear_load_file(ctx, "missing.liblinear", &back), CAIRN_ENOTFOUND,
		  "missing.liblinear");
	cairn__algo_logistic.free(model);
out:
	cairn_buf_release(&text);
	lt_matrix_release(&x);
	cairn_ctx_free(ctx);
}

/* A model written by liblinear's own tools, with labels -1 and +1: classes
 * follow the labels in ascending order. */
static void test_linear_import_labels(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	double q[] = { 2, 0 }, out[2];
	struct cairn_matrix xq = lt_matrix(q, 1, 2);
	struct cairn__linear_info info;
	void *model = NULL;

	write_text("pm.liblinear", "solver_type L2R_LR\nnr_class 2\nlabel 1 -1\nnr_feature 2\n"
		   "bias -1\nw\n1 \n0 \n");
	CHECK_OK(ctx, cairn__linear_load_file(ctx, "pm.liblinear", &model));
	if (!model)
		goto out;
	cairn__linear_info(model, &info);
	CHECK_INT(info.nclasses, ==, 2);
	CHECK_INT(info.labels[0], ==, 1);
	CHECK_INT(info.labels[1], ==, -1);
	CHECK_OK(ctx, cairn__algo_logistic.predict(ctx, model, &xq, out));
	/* decision value 2 for label 1, which is class 1 */
	CHECK(fabs(out[1] - 1 / (1 + exp(-2.0))) < 1e-12);
	CHECK(fabs(out[0] + out[1] - 1) < 1e-12);
	cairn__algo_logistic.free(model);
	write_text("svr.liblinear", "solver_type L2R_L2LOSS_SVR\nnr_class 2\nnr_feature 2\n"
		   "bias 1\nw\n2 \n0.5 \n-1 \n");
	CHECK_OK(ctx, cairn__linear_load_file(ctx, "svr.liblinear", &model));
	if (model) {
		cairn__linear_info(model, &info);
		CHECK_STR(info.algorithm, "linear");
		CHECK_INT(info.task, ==, CAIRN_TASK_REGRESSION);
		CHECK(!info.labels);
		CHECK_OK(ctx, cairn__algo_linear.predict(ctx, model, &xq, out));
		CHECK(fabs(out[0] - 3) < 1e-12);
		cairn__algo_linear.free(model);
	}
out:
	lt_matrix_release(&xq);
	cairn_ctx_free(ctx);
}

/* A class with no training row (as in a fold) gets probability 0, and the
 * outputs still cover every class, also after a save and load. */
static void test_linear_absent_class(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	double y[40];
	struct cairn_matrix x = blobs(40, 2, y);
	struct cairn_train_data d = { .x = &x, .y = y, .task = CAIRN_TASK_CLASSIFICATION,
				      .nclasses = 3, .seed = 1, .threads = 1 };
	void *model = NULL, *back = NULL;
	json_t *files;
	double *p;

	CHECK_OK(ctx, lt_fit(ctx, "linear_svm", "class_weight=balanced", &d, NULL, NULL, &model));
	if (!model)
		goto out;
	CHECK_INT(cairn__algo_linear_svm.outputs(model), ==, 3);
	p = lt_predict(ctx, "linear_svm", model, &x);
	CHECK(p && p[2] == 0 && p[5] == 0 && fabs(p[0] + p[1] - 1) < 1e-12);
	free(p);
	files = lt_save(ctx, "linear_svm", model, "m");
	json_decref(files);
	CHECK_OK(ctx, cairn__algo_linear_svm.load(ctx, "m", &back));
	CHECK(back && cairn__algo_linear_svm.outputs(back) == 3);
	cairn__algo_linear_svm.free(back);
	cairn__algo_linear_svm.free(model);
out:
	lt_matrix_release(&x);
	cairn_ctx_free(ctx);
}

const struct unit_test linear_tests[] = {
	{ "linear_logistic_blobs", test_linear_logistic_blobs },
	{ "linear_svm_blobs", test_linear_svm_blobs },
	{ "linear_probabilities", test_linear_probabilities },
	{ "linear_regression_line", test_linear_regression_line },
	{ "linear_deterministic", test_linear_deterministic },
	{ "linear_bad_input", test_linear_bad_input },
	{ "linear_load_file", test_linear_load_file },
	{ "linear_import_labels", test_linear_import_labels },
	{ "linear_absent_class", test_linear_absent_class },
	{ NULL, NULL }
};
