/* Unit tests for the xgboost and random_forest algorithms (src/ml/algo-xgboost.c). */
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cairn/buf.h"
#include "cairn/error.h"
#include "cairn/frame.h"
#include "core/fs.h"
#include "core/json.h"
#include "ml/learner.h"
#include "ml/ubjson.h"
#include "ml/xgb-validate.h"
#include "ml/xgb.h"
#include "tests/unit/suites.h"

/* A small deterministic generator, so that data does not depend on libc. */
static double uniform(uint64_t *s)
{
	*s = *s * 6364136223846793005ull + 1442695040888963407ull;
	return (double)(*s >> 11) / 9007199254740992.0;
}

struct data {
	struct cairn_matrix x;
	double *y;
};

/* rows x cols uniform features in [-1, 1); kind 0: binary label x0 + x1 > 0
 * (flipped with probability noise), 1: three classes by x0, 2: a target
 * 3 x0 - 2 x1 + noise. */
static void make_data(struct data *d, size_t rows, size_t cols, int kind, double noise,
		      uint64_t seed)
{
	uint64_t s = seed;

	d->x.rows = rows;
	d->x.cols = cols;
	d->x.v = cairn_xmalloc(rows * cols * sizeof(float));
	d->y = cairn_xmalloc(rows * sizeof(double));
	for (size_t i = 0; i < rows; i++) {
		float *r = d->x.v + i * cols;
		for (size_t j = 0; j < cols; j++)
			r[j] = (float)(uniform(&s) * 2 - 1);
		if (kind == 0) {
			d->y[i] = r[0] + r[1] > 0;
			if (uniform(&s) < noise)
				d->y[i] = 1 - d->y[i];
		} else if (kind == 1) {
			d->y[i] = r[0] < -0.3 ? 0 : r[0] < 0.3 ? 1 : 2;
		} else {
			d->y[i] = 3 * r[0] - 2 * r[1] + noise * (uniform(&s) - 0.5);
		}
	}
}

static void free_data(struct data *d)
{
	free(d->x.v);
	free(d->y);
}

static json_t *resolve(cairn_ctx *ctx, const struct cairn_algorithm *a, const char *given)
{
	json_t *g = given ? json_loads(given, 0, NULL) : NULL, *p = NULL;

	CHECK_OK(ctx, cairn_params_resolve(ctx, a, g, &p));
	json_decref(g);
	return p;
}

/* Share of rows whose most probable class is y. */
static double accuracy(cairn_ctx *ctx, const struct cairn_algorithm *a, void *model,
		       const struct cairn_matrix *x, const double *y)
{
	size_t k = a->outputs(model), right = 0;
	double *out = cairn_xmalloc(x->rows * k * sizeof(double));

	CHECK_OK(ctx, a->predict(ctx, model, x, out));
	for (size_t i = 0; i < x->rows; i++) {
		size_t best = 0;
		double sum = 0;
		for (size_t c = 0; c < k; c++) {
			sum += out[i * k + c];
			if (out[i * k + c] > out[i * k + best])
				best = c;
		}
		CHECK(fabs(sum - 1) < 1e-5);
		right += best == (size_t)y[i];
	}
	free(out);
	return (double)right / (double)x->rows;
}

struct metrics {
	int calls;
	int64_t last_step;
	double first, last;
	int stop_at;          /* stop after this step (-1: never) */
	char key[64];
};

static int record(void *arg, int64_t step, const char *key, double value)
{
	struct metrics *m = arg;

	if (!m->calls++)
		m->first = value;
	m->last = value;
	m->last_step = step;
	snprintf(m->key, sizeof(m->key), "%s", key);
	return m->stop_at >= 0 && step >= m->stop_at;
}

static void test_xgboost_binary(void)
{
	const struct cairn_algorithm *a = cairn_algorithm_find("xgboost");
	cairn_ctx *ctx = cairn_ctx_new();
	struct data d, t;
	struct metrics m = { .stop_at = -1 };
	json_t *p;
	void *model = NULL;

	CHECK(a != NULL);
	make_data(&d, 600, 4, 0, 0, 1);
	make_data(&t, 400, 4, 0, 0, 2);
	p = resolve(ctx, a, "{\"n_estimators\": \"30\"}");
	struct cairn_train_data td = { .x = &d.x, .y = d.y, .task = CAIRN_TASK_CLASSIFICATION,
				       .nclasses = 2, .seed = 7, .threads = 1 };
	CHECK_OK(ctx, a->fit(ctx, &td, p, record, &m, &model));
	CHECK(model != NULL);
	if (model) {
		struct cairn__xgb_info info;
		CHECK_INT(a->outputs(model), ==, 2);
		CHECK(accuracy(ctx, a, model, &d.x, d.y) > 0.97);
		CHECK(accuracy(ctx, a, model, &t.x, t.y) > 0.93);
		cairn__xgb_info(model, &info);
		CHECK_STR(info.objective, "binary:logistic");
		CHECK_INT(info.rounds, ==, 30);
		CHECK_INT(info.nfeatures, ==, 4);
	}
	CHECK_INT(m.calls, ==, 30);
	CHECK_INT(m.last_step, ==, 29);
	CHECK_STR(m.key, "train-logloss");
	CHECK(m.last < m.first / 4);
	a->free(model);
	json_decref(p);
	free_data(&d);
	free_data(&t);
	cairn_ctx_free(ctx);
}

/* The absolute path of a file of the source tree: the test binary is
 * build/tests/unit-tests inside it. */
static void source_file(cairn_buf *out, const char *rel)
{
	char exe[4096];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	cairn_buf_reset(out);
	if (n <= 0)
		return;
	exe[n] = 0;
	for (int i = 0; i < 3; i++) {
		char *slash = strrchr(exe, '/');
		if (slash)
			*slash = 0;
	}
	cairn_buf_addf(out, "%s/%s", exe, rel);
}

static void test_xgboost_iris(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	cairn_buf path = CAIRN_BUF_INIT;
	struct cairn_frame *f = NULL;
	const char *names[] = { "xgboost", "random_forest" };

	source_file(&path, "examples/data/iris.csv");
	CHECK_OK(ctx, cairn_frame_load(ctx, path.buf, NULL, NULL, &f));
	if (!f)
		goto out;
	CHECK_INT(f->nrows, ==, 150);
	struct cairn_matrix x = { f->nrows, 4, cairn_xmalloc(f->nrows * 4 * sizeof(float)) };
	double *y = cairn_xmalloc(f->nrows * sizeof(double));
	for (size_t i = 0; i < f->nrows; i++) {
		for (size_t j = 0; j < 4; j++)
			x.v[i * 4 + j] = (float)f->cols[j].num[i];
		y[i] = f->cols[4].code[i];
	}
	for (int k = 0; k < 2; k++) {
		const struct cairn_algorithm *a = cairn_algorithm_find(names[k]);
		struct cairn_train_data td = { .x = &x, .y = y, .task = CAIRN_TASK_CLASSIFICATION,
					       .nclasses = 3, .seed = 1, .threads = 1 };
		json_t *p = resolve(ctx, a, NULL);
		void *model = NULL;
		CHECK_OK(ctx, a->fit(ctx, &td, p, NULL, NULL, &model));
		if (model) {
			struct cairn__xgb_info info;
			double acc = accuracy(ctx, a, model, &x, y);
			if (acc < 0.95)
				unit_fail(__FILE__, __LINE__, "%s: iris accuracy %g", names[k], acc);
			CHECK_INT(a->outputs(model), ==, 3);
			cairn__xgb_info(model, &info);
			CHECK_STR(info.objective, "multi:softprob");
			CHECK_INT(info.nclasses, ==, 3);
			CHECK_INT(info.rounds, ==, k ? 1 : 100);
		}
		a->free(model);
		json_decref(p);
	}
	free(x.v);
	free(y);
out:
	cairn_frame_free(f);
	cairn_buf_release(&path);
	cairn_ctx_free(ctx);
}

static void test_xgboost_regression(void)
{
	const struct cairn_algorithm *a = cairn_algorithm_find("xgboost");
	cairn_ctx *ctx = cairn_ctx_new();
	struct data d, t;
	struct metrics m = { .stop_at = -1 };
	json_t *p = resolve(ctx, a, "{\"max_depth\": \"4\", \"learning_rate\": \"0.1\"}");
	void *model = NULL;
	double *out, se = 0, var = 0, mean = 0;

	make_data(&d, 1000, 3, 2, 0.2, 3);
	make_data(&t, 300, 3, 2, 0.2, 4);
	struct cairn_train_data td = { .x = &d.x, .y = d.y, .task = CAIRN_TASK_REGRESSION,
				       .x_valid = &t.x, .y_valid = t.y, .seed = 3, .threads = 1 };
	CHECK_OK(ctx, a->fit(ctx, &td, p, record, &m, &model));
	if (!model)
		goto out;
	CHECK_INT(a->outputs(model), ==, 1);
	CHECK_INT(m.calls, ==, 200);
	CHECK_STR(m.key, "valid-rmse");
	out = cairn_xmalloc(t.x.rows * sizeof(double));
	CHECK_OK(ctx, a->predict(ctx, model, &t.x, out));
	for (size_t i = 0; i < t.x.rows; i++)
		mean += t.y[i] / (double)t.x.rows;
	for (size_t i = 0; i < t.x.rows; i++) {
		se += (out[i] - t.y[i]) * (out[i] - t.y[i]);
		var += (t.y[i] - mean) * (t.y[i] - mean);
	}
	/* R^2 on held-out rows. */
	CHECK(1 - se / var > 0.98);
	CHECK(fabs(sqrt(se / (double)t.x.rows) - m.last) < 1e-4);
	free(out);
out:
	a->free(model);
	json_decref(p);
	free_data(&d);
	free_data(&t);
	cairn_ctx_free(ctx);
}

static void fit_and_save(cairn_ctx *ctx, const char *algo, const struct cairn_train_data *td,
			 const char *params, const char *dir)
{
	const struct cairn_algorithm *a = cairn_algorithm_find(algo);
	json_t *p = resolve(ctx, a, params), *files = json_array();
	void *model = NULL;

	CHECK_OK(ctx, a->fit(ctx, td, p, NULL, NULL, &model));
	CHECK_OK(ctx, cairn_mkdir_p(ctx, dir, 0777));
	if (model) {
		CHECK_OK(ctx, a->save(ctx, model, dir, files));
		CHECK_STR(json_string_value(json_array_get(files, 0)), "model.json");
	}
	a->free(model);
	json_decref(files);
	json_decref(p);
}

static int same_file(cairn_ctx *ctx, const char *a, const char *b)
{
	cairn_buf x = CAIRN_BUF_INIT, y = CAIRN_BUF_INIT;
	int same;

	CHECK_OK(ctx, cairn_read_file(ctx, a, &x));
	CHECK_OK(ctx, cairn_read_file(ctx, b, &y));
	same = x.len > 0 && x.len == y.len && !memcmp(x.buf, y.buf, x.len);
	cairn_buf_release(&x);
	cairn_buf_release(&y);
	return same;
}

static void test_xgboost_deterministic(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	struct data d;
	const char *params = "{\"subsample\": \"0.7\", \"colsample_bytree\": \"0.6\", "
			     "\"n_estimators\": \"20\"}";

	make_data(&d, 2000, 6, 0, 0.1, 5);
	struct cairn_train_data td = { .x = &d.x, .y = d.y, .task = CAIRN_TASK_CLASSIFICATION,
				       .nclasses = 2, .seed = 11, .threads = 1 };
	fit_and_save(ctx, "xgboost", &td, params, "a");
	fit_and_save(ctx, "xgboost", &td, params, "b");
	CHECK(same_file(ctx, "a/model.json", "b/model.json"));
	/* Another seed draws other samples. */
	td.seed = 12;
	fit_and_save(ctx, "xgboost", &td, params, "c");
	CHECK(!same_file(ctx, "a/model.json", "c/model.json"));
	td.seed = 11;
	fit_and_save(ctx, "random_forest", &td, "{\"n_estimators\": \"10\"}", "f1");
	fit_and_save(ctx, "random_forest", &td, "{\"n_estimators\": \"10\"}", "f2");
	CHECK(same_file(ctx, "f1/model.json", "f2/model.json"));
	free_data(&d);
	cairn_ctx_free(ctx);
}

static void test_xgboost_save_load(void)
{
	const struct cairn_algorithm *a = cairn_algorithm_find("xgboost");
	cairn_ctx *ctx = cairn_ctx_new();
	struct data d;
	json_t *p = resolve(ctx, a, "{\"n_estimators\": \"15\"}"), *files = json_array();
	void *model = NULL, *loaded = NULL;
	double *o1, *o2, imp1[4], imp2[4];

	make_data(&d, 500, 4, 1, 0, 6);
	/* Missing values go to XGBoost as they are. */
	for (size_t i = 0; i < d.x.rows; i += 7)
		d.x.v[i * 4 + 3] = NAN;
	struct cairn_train_data td = { .x = &d.x, .y = d.y, .task = CAIRN_TASK_CLASSIFICATION,
				       .nclasses = 3, .seed = 1, .threads = 0 };
	CHECK_OK(ctx, a->fit(ctx, &td, p, NULL, NULL, &model));
	if (!model)
		goto out;
	CHECK_OK(ctx, a->save(ctx, model, ".", files));
	CHECK_OK(ctx, a->load(ctx, ".", &loaded));
	if (!loaded)
		goto out;
	CHECK_INT(a->outputs(loaded), ==, 3);
	o1 = cairn_xmalloc(d.x.rows * 3 * sizeof(double));
	o2 = cairn_xmalloc(d.x.rows * 3 * sizeof(double));
	CHECK_OK(ctx, a->predict(ctx, model, &d.x, o1));
	CHECK_OK(ctx, a->predict(ctx, loaded, &d.x, o2));
	CHECK(!memcmp(o1, o2, d.x.rows * 3 * sizeof(double)));
	CHECK(accuracy(ctx, a, loaded, &d.x, d.y) > 0.97);
	/* Only x0 decides the class. */
	CHECK_OK(ctx, a->importance(ctx, model, 4, imp1));
	CHECK_OK(ctx, a->importance(ctx, loaded, 4, imp2));
	CHECK(!memcmp(imp1, imp2, sizeof(imp1)));
	CHECK(imp1[0] > 0.9);
	CHECK(fabs(imp1[0] + imp1[1] + imp1[2] + imp1[3] - 1) < 1e-9);
	CHECK_ERR(ctx, a->importance(ctx, model, 5, imp1), CAIRN_EINVAL, "4 features, not 5");
	/* A row of the wrong width is refused, an empty matrix predicts nothing. */
	struct cairn_matrix wide = { 1, 5, d.x.v }, none = { 0, 4, d.x.v };
	CHECK_ERR(ctx, a->predict(ctx, loaded, &wide, o1), CAIRN_EINVAL, "takes 4 features, not 5");
	CHECK_OK(ctx, a->predict(ctx, loaded, &none, o1));
	free(o1);
	free(o2);
out:
	a->free(model);
	a->free(loaded);
	json_decref(files);
	json_decref(p);
	free_data(&d);
	cairn_ctx_free(ctx);
}

struct predict_job {
	const struct cairn_algorithm *a;
	void *model;
	const struct cairn_matrix *x;
	double *out;
	int rc;
};

static void *predict_thread(void *arg)
{
	struct predict_job *j = arg;
	cairn_ctx *ctx = cairn_ctx_new();

	for (int i = 0; i < 20 && !j->rc; i++)
		j->rc = j->a->predict(ctx, j->model, j->x, j->out);
	cairn_ctx_free(ctx);
	return NULL;
}

static void test_xgboost_predict_threads(void)
{
	const struct cairn_algorithm *a = cairn_algorithm_find("random_forest");
	cairn_ctx *ctx = cairn_ctx_new();
	struct data d;
	json_t *p = resolve(ctx, a, "{\"n_estimators\": \"20\"}");
	void *model = NULL;
	struct predict_job jobs[4];
	pthread_t th[4];
	double *ref;

	make_data(&d, 300, 3, 0, 0, 8);
	struct cairn_train_data td = { .x = &d.x, .y = d.y, .task = CAIRN_TASK_CLASSIFICATION,
				       .nclasses = 2, .seed = 1, .threads = 1 };
	CHECK_OK(ctx, a->fit(ctx, &td, p, NULL, NULL, &model));
	if (!model)
		goto out;
	ref = cairn_xmalloc(d.x.rows * 2 * sizeof(double));
	CHECK_OK(ctx, a->predict(ctx, model, &d.x, ref));
	for (int i = 0; i < 4; i++) {
		jobs[i] = (struct predict_job){ a, model, &d.x,
						cairn_xmalloc(d.x.rows * 2 * sizeof(double)), 0 };
		pthread_create(&th[i], NULL, predict_thread, &jobs[i]);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		CHECK_INT(jobs[i].rc, ==, 0);
		CHECK(!memcmp(jobs[i].out, ref, d.x.rows * 2 * sizeof(double)));
		free(jobs[i].out);
	}
	free(ref);
out:
	a->free(model);
	json_decref(p);
	free_data(&d);
	cairn_ctx_free(ctx);
}

static void test_xgboost_early_stopping(void)
{
	const struct cairn_algorithm *a = cairn_algorithm_find("xgboost");
	cairn_ctx *ctx = cairn_ctx_new();
	struct data d, v;
	struct metrics m = { .stop_at = -1 };
	json_t *p = resolve(ctx, a, "{\"n_estimators\": \"500\", \"learning_rate\": \"0.5\", "
			    "\"early_stopping_rounds\": \"5\"}");
	void *model = NULL;
	struct cairn__xgb_info info;

	/* Noisy labels: the validation loss soon stops improving. */
	make_data(&d, 400, 5, 0, 0.3, 9);
	make_data(&v, 400, 5, 0, 0.3, 10);
	struct cairn_train_data td = { .x = &d.x, .y = d.y, .task = CAIRN_TASK_CLASSIFICATION,
				       .nclasses = 2, .seed = 1, .threads = 1 };
	CHECK_ERR(ctx, a->fit(ctx, &td, p, NULL, NULL, &model), CAIRN_EINVAL,
		  "early_stopping_rounds needs a validation set");
	td.x_valid = &v.x;
	td.y_valid = v.y;
	CHECK_OK(ctx, a->fit(ctx, &td, p, record, &m, &model));
	if (!model)
		goto out;
	cairn__xgb_info(model, &info);
	/* Two metrics a round; the model keeps the rounds up to the best, which
	 * is 5 rounds before the last. */
	CHECK_INT(m.calls % 2, ==, 0);
	CHECK_INT(m.last_step + 1, <, 500);
	CHECK_INT(info.rounds, ==, m.last_step + 1 - 5);
	CHECK_STR(m.key, "valid-logloss");
out:
	a->free(model);
	json_decref(p);
	free_data(&d);
	free_data(&v);
	cairn_ctx_free(ctx);
}

static void test_xgboost_stop_callback(void)
{
	const struct cairn_algorithm *a = cairn_algorithm_find("xgboost");
	cairn_ctx *ctx = cairn_ctx_new();
	struct data d;
	struct metrics m = { .stop_at = 3 };
	json_t *p = resolve(ctx, a, NULL);
	void *model = NULL;
	struct cairn__xgb_info info;

	make_data(&d, 200, 3, 2, 0.1, 12);
	struct cairn_train_data td = { .x = &d.x, .y = d.y, .task = CAIRN_TASK_REGRESSION,
				       .seed = 1, .threads = 1 };
	CHECK_OK(ctx, a->fit(ctx, &td, p, record, &m, &model));
	if (model) {
		cairn__xgb_info(model, &info);
		CHECK_INT(info.rounds, ==, 4);
		CHECK_STR(info.objective, "reg:squarederror");
		CHECK_INT(info.task, ==, CAIRN_TASK_REGRESSION);
	}
	a->free(model);
	json_decref(p);
	free_data(&d);
	cairn_ctx_free(ctx);
}

static void test_xgboost_warm_start(void)
{
	const struct cairn_algorithm *a = cairn_algorithm_find("xgboost");
	cairn_ctx *ctx = cairn_ctx_new();
	struct data d, more, r;
	json_t *p = resolve(ctx, a, "{\"n_estimators\": \"5\"}");
	void *model = NULL;
	struct cairn__xgb_info info;

	make_data(&d, 300, 4, 0, 0, 13);
	make_data(&more, 300, 4, 0, 0, 14);
	make_data(&r, 300, 3, 0, 0, 15);
	struct cairn_train_data td = { .x = &d.x, .y = d.y, .task = CAIRN_TASK_CLASSIFICATION,
				       .nclasses = 2, .seed = 1, .threads = 1 };
	fit_and_save(ctx, "xgboost", &td, "{\"n_estimators\": \"10\"}", "first");
	td.x = &more.x;
	td.y = more.y;
	td.init_model_dir = "first";
	CHECK_OK(ctx, a->fit(ctx, &td, p, NULL, NULL, &model));
	if (model) {
		cairn__xgb_info(model, &info);
		CHECK_INT(info.rounds, ==, 15);
		CHECK(accuracy(ctx, a, model, &d.x, d.y) > 0.97);
		a->free(model);
		model = NULL;
	}
	td.task = CAIRN_TASK_REGRESSION;
	CHECK_ERR(ctx, a->fit(ctx, &td, p, NULL, NULL, &model), CAIRN_EINVAL,
		  "its objective is binary:logistic, this data needs reg:squarederror");
	td.task = CAIRN_TASK_CLASSIFICATION;
	td.nclasses = 3;
	CHECK_ERR(ctx, a->fit(ctx, &td, p, NULL, NULL, &model), CAIRN_EINVAL,
		  "its objective is binary:logistic, this data needs multi:softprob");
	td.nclasses = 2;
	td.x = &r.x;
	td.y = r.y;
	CHECK_ERR(ctx, a->fit(ctx, &td, p, NULL, NULL, &model), CAIRN_EINVAL,
		  "it takes 4 features, the data has 3");
	td.init_model_dir = "nowhere";
	CHECK_ERR(ctx, a->fit(ctx, &td, p, NULL, NULL, &model), CAIRN_ENOTFOUND,
		  "nowhere/model.json");
	CHECK(model == NULL);
	json_decref(p);
	free_data(&d);
	free_data(&more);
	free_data(&r);
	cairn_ctx_free(ctx);
}

static void test_xgboost_forest(void)
{
	const struct cairn_algorithm *a = cairn_algorithm_find("random_forest");
	cairn_ctx *ctx = cairn_ctx_new();
	struct data d, t;
	struct metrics m = { .stop_at = -1 };
	json_t *p = resolve(ctx, a, "{\"n_estimators\": \"50\"}"), *files = json_array(), *j;
	void *model = NULL;

	CHECK(a != NULL);
	make_data(&d, 600, 4, 0, 0, 16);
	make_data(&t, 400, 4, 0, 0, 17);
	struct cairn_train_data td = { .x = &d.x, .y = d.y, .task = CAIRN_TASK_CLASSIFICATION,
				       .nclasses = 2, .seed = 1, .threads = 1 };
	CHECK_OK(ctx, a->fit(ctx, &td, p, record, &m, &model));
	if (!model)
		goto out;
	CHECK_INT(m.calls, ==, 1);
	CHECK(accuracy(ctx, a, model, &t.x, t.y) > 0.9);
	CHECK_OK(ctx, a->save(ctx, model, ".", files));
	CHECK_OK(ctx, cairn_json_load_file(ctx, "model.json", &j));
	{
		json_t *gb = json_object_get(json_object_get(j, "learner"), "gradient_booster");
		json_t *mp = json_object_get(json_object_get(gb, "model"), "gbtree_model_param");
		CHECK_STR(json_string_value(json_object_get(mp, "num_parallel_tree")), "50");
		CHECK_STR(json_string_value(json_object_get(mp, "num_trees")), "50");
	}
	json_decref(j);
out:
	a->free(model);
	json_decref(files);
	json_decref(p);
	free_data(&d);
	free_data(&t);
	cairn_ctx_free(ctx);
}

static void test_xgboost_bad_input(void)
{
	const struct cairn_algorithm *a = cairn_algorithm_find("xgboost");
	cairn_ctx *ctx = cairn_ctx_new();
	struct data d;
	json_t *p = resolve(ctx, a, NULL), *g, *bad = NULL;
	void *model = NULL;

	make_data(&d, 50, 2, 0, 0, 18);
	struct cairn_train_data td = { .x = &d.x, .y = d.y, .task = CAIRN_TASK_CLUSTERING,
				       .seed = 1, .threads = 1 };
	CHECK_ERR(ctx, a->fit(ctx, &td, p, NULL, NULL, &model), CAIRN_EINVAL,
		  "xgboost cannot do clustering");
	td.task = CAIRN_TASK_CLASSIFICATION;
	td.nclasses = 2;
	d.y[3] = 2;
	CHECK_ERR(ctx, a->fit(ctx, &td, p, NULL, NULL, &model), CAIRN_EINVAL,
		  "training data row 4: class 2 is not in 0..1");
	d.y[3] = 0;
	d.x.v[5] = INFINITY;
	CHECK_ERR(ctx, a->fit(ctx, &td, p, NULL, NULL, &model), CAIRN_EINVAL,
		  "row 3, feature 2: xgboost takes no infinite value");
	CHECK(model == NULL);
	g = json_pack("{ss}", "tree_method", "gpu_hist");
	CHECK_ERR(ctx, cairn_params_resolve(ctx, a, g, &bad), CAIRN_EINVAL,
		  "'gpu_hist' is not one of hist|approx|exact");
	json_decref(g);
	g = json_pack("{ss}", "subsample", "0");
	CHECK_ERR(ctx, cairn_params_resolve(ctx, a, g, &bad), CAIRN_EINVAL, "subsample");
	json_decref(g);
	json_decref(p);
	free_data(&d);
	cairn_ctx_free(ctx);
}

static void test_xgboost_load_errors(void)
{
	const struct cairn_algorithm *a = cairn_algorithm_find("xgboost");
	cairn_ctx *ctx = cairn_ctx_new();
	void *model = NULL;

	CHECK_ERR(ctx, a->load(ctx, "missing", &model), CAIRN_ENOTFOUND, "missing/model.json");
	CHECK_OK(ctx, cairn_write_file_atomic(ctx, "model.json", "hello", 5, 0644));
	CHECK_ERR(ctx, a->load(ctx, ".", &model), CAIRN_EPARSE, "not a model saved by XGBoost");
	CHECK_OK(ctx, cairn_write_file_atomic(ctx, "model.json", "{\"x\": 1}", 8, 0644));
	CHECK_ERR(ctx, a->load(ctx, ".", &model), CAIRN_EPARSE, "cannot load xgboost model");
	CHECK_OK(ctx, cairn_write_file_atomic(ctx, "truncated.json", "{\"learner\": {", 13, 0644));
	CHECK_ERR(ctx, cairn__xgb_load_file(ctx, "truncated.json", &model), CAIRN_EPARSE,
		  "truncated.json");
	CHECK(model == NULL);
	cairn_ctx_free(ctx);
}

/* A one-tree model: the root splits feature @F at @T, its children are @LEFT
 * and 2, the leaves @L1 and 0.25. */
static const char tiny_model[] =
	"{\"learner\": {\"learner_model_param\": {\"base_score\": \"5E-1\", \"num_class\": \"0\","
	" \"num_feature\": \"2\", \"num_target\": \"1\"}, \"gradient_booster\": {\"name\":"
	" \"gbtree\", \"model\": {\"gbtree_model_param\": {\"num_trees\": \"1\"}, \"tree_info\":"
	" [0], \"trees\": [{\"id\": 0, \"tree_param\": {\"num_nodes\": \"3\"},"
	" \"left_children\": [@LEFT, -1, -1], \"right_children\": [2, -1, -1], \"parents\":"
	" [2147483647, 0, 0], \"split_indices\": [@F, 0, 0], \"split_conditions\": [@T, @L1, 0.25],"
	" \"default_left\": [1, 0, 0], \"base_weights\": [0, 1, 2], \"loss_changes\": [1, 0, 0],"
	" \"sum_hessian\": [3, 1, 2], \"split_type\": [0, 0, 0]}]}}}}";

/* Validates tiny_model with its placeholders replaced. */
static int validate_tiny(cairn_ctx *ctx, const char *left, const char *f, const char *t,
			 const char *l1)
{
	const char *names[] = { "@LEFT", "@F", "@T", "@L1" };
	const char *values[] = { left, f, t, l1 };
	cairn_buf b = CAIRN_BUF_INIT;
	json_t *doc = NULL;
	int rc;

	for (const char *p = tiny_model; *p;) {
		size_t k = 0;
		while (*p == '@' && strncmp(p, names[k], strlen(names[k])))
			k++;
		if (*p == '@') {
			cairn_buf_adds(&b, values[k]);
			p += strlen(names[k]);
		} else
			cairn_buf_addch(&b, *p++);
	}
	rc = cairn__xgb_json_load(ctx, "m.json", b.buf, b.len, &doc);
	if (!rc)
		rc = cairn__xgb_validate(ctx, "m.json", doc);
	json_decref(doc);
	cairn_buf_release(&b);
	return rc;
}

static void test_xgboost_validate(void)
{
	cairn_ctx *ctx = cairn_ctx_new();

	CHECK_OK(ctx, validate_tiny(ctx, "1", "1", "0.5", "-0.25"));
	CHECK_ERR(ctx, validate_tiny(ctx, "1", "2", "0.5", "-0.25"), CAIRN_ECORRUPT,
		  "'m.json': tree 0 node 0: split feature 2 is beyond the model's 2 features");
	CHECK_ERR(ctx, validate_tiny(ctx, "3", "0", "0.5", "-0.25"), CAIRN_ECORRUPT,
		  "tree 0 node 0: left child 3 is not a node (the tree has 3)");
	CHECK_ERR(ctx, validate_tiny(ctx, "2", "0", "0.5", "-0.25"), CAIRN_ECORRUPT,
		  "tree 0 node 0: right child 2 is not a node");
	CHECK_ERR(ctx, validate_tiny(ctx, "1", "0", "Infinity", "-0.25"), CAIRN_ECORRUPT,
		  "tree 0 node 0: the split threshold is not a finite number");
	CHECK_ERR(ctx, validate_tiny(ctx, "1", "0", "1e999", "-0.25"), CAIRN_ECORRUPT,
		  "tree 0 node 0: the split threshold is not a finite number");
	CHECK_ERR(ctx, validate_tiny(ctx, "1", "0", "0.5", "NaN"), CAIRN_ECORRUPT,
		  "tree 0 node 1: the leaf value is not a finite number");
	CHECK_ERR(ctx, validate_tiny(ctx, "1", "0", "0.5", "\"NaN\""), CAIRN_ECORRUPT,
		  "tree 0 node 1: the leaf value is not a finite number");
	cairn_ctx_free(ctx);
}

static void test_ubjson_reader(void)
{
	/* {"a": [$d#2 1.5 -2], "s": "hi", "i": -3} */
	static const unsigned char ok[] = {
		'{', 'i', 1, 'a', '[', '$', 'd', '#', 'i', 2, 0x3f, 0xc0, 0, 0, 0xc0, 0, 0, 0,
		'i', 1, 's', 'S', 'i', 2, 'h', 'i', 'i', 1, 'i', 'i', 0xfd, '}'
	};
	static const unsigned char huge_count[] = { '[', '$', 'l', '#', 'L', 0x7f, 0xff, 0xff,
						    0xff, 0xff, 0xff, 0xff, 0xff };
	cairn_ctx *ctx = cairn_ctx_new();
	json_t *v = NULL;

	CHECK_OK(ctx, cairn__ubjson_load(ctx, "x.ubj", ok, sizeof(ok), &v));
	CHECK(json_real_value(json_array_get(json_object_get(v, "a"), 0)) == 1.5);
	CHECK(json_real_value(json_array_get(json_object_get(v, "a"), 1)) == -2);
	CHECK_STR(json_string_value(json_object_get(v, "s")), "hi");
	CHECK_INT(json_integer_value(json_object_get(v, "i")), ==, -3);
	json_decref(v);
	v = NULL;
	CHECK_ERR(ctx, cairn__ubjson_load(ctx, "x.ubj", huge_count, sizeof(huge_count), &v),
		  CAIRN_EPARSE, "'x.ubj' (UBJSON) at byte 4: a length or count larger than the data left");
	CHECK_ERR(ctx, cairn__ubjson_load(ctx, "x.ubj", ok, sizeof(ok) - 1, &v), CAIRN_EPARSE,
		  "the data ends early");
	CHECK(v == NULL);
	cairn_ctx_free(ctx);
}

const struct unit_test xgboost_tests[] = {
	{ "xgboost_validate", test_xgboost_validate },
	{ "ubjson_reader", test_ubjson_reader },
	{ "xgboost_binary", test_xgboost_binary },
	{ "xgboost_iris", test_xgboost_iris },
	{ "xgboost_regression", test_xgboost_regression },
	{ "xgboost_deterministic", test_xgboost_deterministic },
	{ "xgboost_save_load", test_xgboost_save_load },
	{ "xgboost_predict_threads", test_xgboost_predict_threads },
	{ "xgboost_early_stopping", test_xgboost_early_stopping },
	{ "xgboost_stop_callback", test_xgboost_stop_callback },
	{ "xgboost_warm_start", test_xgboost_warm_start },
	{ "xgboost_forest", test_xgboost_forest },
	{ "xgboost_bad_input", test_xgboost_bad_input },
	{ "xgboost_load_errors", test_xgboost_load_errors },
	{ NULL, NULL }
};
