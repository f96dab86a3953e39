/* Unit tests for the knn algorithm (src/ml/algo-knn.c). */
#include "ml/algorithms.h"
#include "tests/unit/learner-test.h"
#include "tests/unit/suites.h"

/* Six points on a line and their classes. */
static const double line_x[] = { 0, 1, 2, 3, 10, 11 };
static const double line_y[] = { 0, 0, 1, 1, 1, 0 };

static double *run(cairn_ctx *ctx, const char *params, enum cairn_task task, const double *y,
		   double q)
{
	struct cairn_matrix x = lt_matrix(line_x, 6, 1), xq = lt_matrix(&q, 1, 1);
	struct cairn_train_data d = { .x = &x, .y = y, .task = task,
				      .nclasses = task == CAIRN_TASK_CLASSIFICATION ? 2 : 0,
				      .seed = 1, .threads = 1 };
	void *model = NULL;
	double *p = NULL;

	CHECK_OK(ctx, lt_fit(ctx, "knn", params, &d, NULL, NULL, &model));
	if (model)
		p = lt_predict(ctx, "knn", model, &xq);
	cairn__algo_knn.free(model);
	lt_matrix_release(&x);
	lt_matrix_release(&xq);
	return p;
}

/* The weight of a neighbour at x seen from q, with the features as floats. */
static double inv(double q, double x)
{
	return 1 / fabs((double)(float)q - (double)(float)x);
}

static void test_knn_votes(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	double *p, w0, w1;

	/* 1.4: rows 1 (class 0), 2 (class 1) and 0 (class 0) */
	p = run(ctx, "n_neighbors=3", CAIRN_TASK_CLASSIFICATION, line_y, 1.4);
	CHECK(p && fabs(p[0] - 2.0 / 3) < 1e-12 && fabs(p[1] - 1.0 / 3) < 1e-12);
	free(p);
	p = run(ctx, "n_neighbors=3,weights=distance", CAIRN_TASK_CLASSIFICATION, line_y, 1.4);
	w0 = inv(1.4, 1) + inv(1.4, 0);
	w1 = inv(1.4, 2);
	CHECK(p && fabs(p[0] - w0 / (w0 + w1)) < 1e-9 && fabs(p[1] - w1 / (w0 + w1)) < 1e-9);
	free(p);
	/* 10.6: rows 5 (class 0), 4 (class 1) */
	p = run(ctx, "n_neighbors=2", CAIRN_TASK_CLASSIFICATION, line_y, 10.6);
	CHECK(p && p[0] == 0.5 && p[1] == 0.5);
	free(p);
	/* all six */
	p = run(ctx, "n_neighbors=6", CAIRN_TASK_CLASSIFICATION, line_y, 5);
	CHECK(p && p[0] == 0.5);
	free(p);
	/* An exact match alone counts with distance weights. */
	p = run(ctx, "n_neighbors=3,weights=distance", CAIRN_TASK_CLASSIFICATION, line_y, 2);
	CHECK(p && p[0] == 0 && p[1] == 1);
	free(p);
	cairn_ctx_free(ctx);
}

static void test_knn_regression(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	double y[6], *p, w1, w2;

	for (int i = 0; i < 6; i++)
		y[i] = line_x[i] * 10;
	p = run(ctx, "n_neighbors=2", CAIRN_TASK_REGRESSION, y, 1.4);
	CHECK(p && fabs(p[0] - 15) < 1e-12);
	free(p);
	p = run(ctx, "n_neighbors=2,weights=distance", CAIRN_TASK_REGRESSION, y, 1.4);
	w1 = inv(1.4, 1);
	w2 = inv(1.4, 2);
	CHECK(p && fabs(p[0] - (10 * w1 + 20 * w2) / (w1 + w2)) < 1e-9);
	free(p);
	cairn_ctx_free(ctx);
}

/* At equal distances the earlier training row is the neighbour. */
static void test_knn_ties(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	double v[] = { -1, 1 }, y[] = { 1, 0 }, q = 0;
	struct cairn_matrix x = lt_matrix(v, 2, 1), xq = lt_matrix(&q, 1, 1);
	struct cairn_train_data d = { .x = &x, .y = y, .task = CAIRN_TASK_CLASSIFICATION,
				      .nclasses = 2, .seed = 1, .threads = 1 };
	void *model = NULL;
	double *p;

	CHECK_OK(ctx, lt_fit(ctx, "knn", "n_neighbors=1", &d, NULL, NULL, &model));
	p = model ? lt_predict(ctx, "knn", model, &xq) : NULL;
	CHECK(p && p[1] == 1);
	free(p);
	cairn__algo_knn.free(model);
	x.v[0] = 1;
	x.v[1] = -1;
	CHECK_OK(ctx, lt_fit(ctx, "knn", "n_neighbors=1", &d, NULL, NULL, &model));
	p = model ? lt_predict(ctx, "knn", model, &xq) : NULL;
	CHECK(p && p[1] == 1);
	free(p);
	cairn__algo_knn.free(model);
	lt_matrix_release(&x);
	lt_matrix_release(&xq);
	cairn_ctx_free(ctx);
}

static void test_knn_manhattan(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	/* From (0, 0): A (0, 3) is nearer by manhattan, B (2, 2) by euclid. */
	double v[] = { 0, 3, 2, 2 }, y[] = { 0, 1 }, q[] = { 0, 0 };
	struct cairn_matrix x = lt_matrix(v, 2, 2), xq = lt_matrix(q, 1, 2);
	struct cairn_train_data d = { .x = &x, .y = y, .task = CAIRN_TASK_CLASSIFICATION,
				      .nclasses = 2, .seed = 1, .threads = 1 };
	void *model = NULL;
	double *p;

	CHECK_OK(ctx, lt_fit(ctx, "knn", "n_neighbors=1", &d, NULL, NULL, &model));
	p = model ? lt_predict(ctx, "knn", model, &xq) : NULL;
	CHECK(p && p[1] == 1);
	free(p);
	cairn__algo_knn.free(model);
	CHECK_OK(ctx, lt_fit(ctx, "knn", "n_neighbors=1,metric=manhattan", &d, NULL, NULL, &model));
	p = model ? lt_predict(ctx, "knn", model, &xq) : NULL;
	CHECK(p && p[0] == 1);
	free(p);
	cairn__algo_knn.free(model);
	lt_matrix_release(&x);
	lt_matrix_release(&xq);
	cairn_ctx_free(ctx);
}

/* Enough work to use threads: the result is the same with one. */
static void test_knn_threads(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	size_t n = 2000, nq = 600, f = 10;
	double *v = cairn_xcalloc(n * f, sizeof(double)), *y = cairn_xcalloc(n, sizeof(double));
	struct cairn_matrix x, xq;
	struct cairn_train_data d = { .y = y, .task = CAIRN_TASK_CLASSIFICATION, .nclasses = 3,
				      .seed = 1, .threads = 1 };
	void *m1 = NULL, *m2 = NULL;
	double *p1 = NULL, *p2 = NULL;

	for (size_t i = 0; i < n * f; i++)
		v[i] = sin((double)i * 0.37) + (double)(i % 13) * 0.1;
	for (size_t i = 0; i < n; i++)
		y[i] = (double)(i % 3);
	x = lt_matrix(v, n, f);
	xq = lt_matrix(v + 77, nq, f);
	d.x = &x;
	CHECK_OK(ctx, lt_fit(ctx, "knn", "n_neighbors=7,weights=distance", &d, NULL, NULL, &m1));
	d.threads = 2;
	CHECK_OK(ctx, lt_fit(ctx, "knn", "n_neighbors=7,weights=distance", &d, NULL, NULL, &m2));
	if (m1 && m2) {
		p1 = lt_predict(ctx, "knn", m1, &xq);
		p2 = lt_predict(ctx, "knn", m2, &xq);
		CHECK(p1 && p2 && !memcmp(p1, p2, nq * 3 * sizeof(double)));
	}
	free(p1);
	free(p2);
	cairn__algo_knn.free(m1);
	cairn__algo_knn.free(m2);
	lt_matrix_release(&x);
	lt_matrix_release(&xq);
	free(v);
	free(y);
	cairn_ctx_free(ctx);
}

static void write_bytes(const char *path, const char *data, size_t len)
{
	cairn_ctx *ctx = cairn_ctx_new();

	CHECK_OK(ctx, cairn_write_file_atomic(ctx, path, data, len, 0644));
	cairn_ctx_free(ctx);
}

static void test_knn_save_load(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	struct cairn_matrix x = lt_matrix(line_x, 6, 1);
	struct cairn_train_data d = { .x = &x, .y = line_y, .task = CAIRN_TASK_CLASSIFICATION,
				      .nclasses = 2, .seed = 1, .threads = 1 };
	cairn_buf b = CAIRN_BUF_INIT, c = CAIRN_BUF_INIT;
	void *model = NULL, *back = NULL;
	json_t *files;

	CHECK_OK(ctx, lt_fit(ctx, "knn", "n_neighbors=3,weights=distance,metric=manhattan", &d,
			     NULL, NULL, &model));
	if (!model)
		goto out;
	lt_check_roundtrip(ctx, "knn", model, "m", &x);
	files = lt_save(ctx, "knn", model, "again");
	CHECK(lt_has_file(files, "model.knn"));
	json_decref(files);
	CHECK(lt_same_file("m/model.knn", "again/model.knn"));

	CHECK_OK(ctx, cairn_read_file(ctx, "m/model.knn", &b));
	mkdir("bad", 0777);
	write_bytes("bad/model.knn", b.buf, b.len - 10);
	CHECK_ERR(ctx, cairn__algo_knn.load(ctx, "bad", &back), CAIRN_ECORRUPT, "truncated");
	write_bytes("bad/model.knn", b.buf, 20);
	CHECK_ERR(ctx, cairn__algo_knn.load(ctx, "bad", &back), CAIRN_ECORRUPT, "truncated");
	write_bytes("bad/model.knn", "", 0);
	CHECK_ERR(ctx, cairn__algo_knn.load(ctx, "bad", &back), CAIRN_EPARSE, "not a knn model");
	write_bytes("bad/model.knn", "{\"centroids\": []}", 17);
	CHECK_ERR(ctx, cairn__algo_knn.load(ctx, "bad", &back), CAIRN_EPARSE, "not a knn model");
	cairn_buf_add(&c, b.buf, b.len);
	c.buf[8] = 2;
	write_bytes("bad/model.knn", c.buf, c.len);
	CHECK_ERR(ctx, cairn__algo_knn.load(ctx, "bad", &back), CAIRN_EPARSE, "version 2");
	memcpy(c.buf, b.buf, b.len);
	c.buf[b.len - 70] ^= 1;
	write_bytes("bad/model.knn", c.buf, c.len);
	CHECK_ERR(ctx, cairn__algo_knn.load(ctx, "bad", &back), CAIRN_ECORRUPT, "checksum");
	memcpy(c.buf, b.buf, b.len);
	c.buf[31] = 0x7f;  /* rows */
	write_bytes("bad/model.knn", c.buf, c.len);
	CHECK_ERR(ctx, cairn__algo_knn.load(ctx, "bad", &back), CAIRN_ECORRUPT, "invalid header");
	CHECK(!back);
	cairn__algo_knn.free(model);
out:
	cairn_buf_release(&b);
	cairn_buf_release(&c);
	lt_matrix_release(&x);
	cairn_ctx_free(ctx);
}

static void test_knn_bad_input(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	struct cairn_matrix x = lt_matrix(line_x, 6, 1);
	struct cairn_train_data d = { .x = &x, .y = line_y, .task = CAIRN_TASK_CLASSIFICATION,
				      .nclasses = 2, .seed = 1, .threads = 1 };
	void *model = NULL;

	CHECK_ERR(ctx, lt_fit(ctx, "knn", "n_neighbors=7", &d, NULL, NULL, &model), CAIRN_EINVAL,
		  "n_neighbors 7 is more than the 6 training rows");
	CHECK_ERR(ctx, lt_fit(ctx, "knn", "weights=cosine", &d, NULL, NULL, &model), CAIRN_EINVAL,
		  "uniform|distance");
	x.v[2] = NAN;
	CHECK_ERR(ctx, lt_fit(ctx, "knn", NULL, &d, NULL, NULL, &model), CAIRN_EINVAL,
		  "row 2 feature 0 is missing");
	x.v[2] = 2;
	d.task = CAIRN_TASK_CLUSTERING;
	CHECK_ERR(ctx, lt_fit(ctx, "knn", NULL, &d, NULL, NULL, &model), CAIRN_EINVAL,
		  "does not do clustering");
	d.task = CAIRN_TASK_CLASSIFICATION;
	d.nclasses = 1;
	CHECK_ERR(ctx, lt_fit(ctx, "knn", NULL, &d, NULL, NULL, &model), CAIRN_EINVAL, "1 classes");
	CHECK(!model);
	lt_matrix_release(&x);
	cairn_ctx_free(ctx);
}

const struct unit_test knn_tests[] = {
	{ "knn_votes", test_knn_votes },
	{ "knn_regression", test_knn_regression },
	{ "knn_ties", test_knn_ties },
	{ "knn_manhattan", test_knn_manhattan },
	{ "knn_threads", test_knn_threads },
	{ "knn_save_load", test_knn_save_load },
	{ "knn_bad_input", test_knn_bad_input },
	{ NULL, NULL }
};
