/* Unit tests for multinomial logistic regression: the objective of
 * src/ml/softmax.c and the logistic algorithm's multi_class=multinomial
 * (src/ml/algo-liblinear.c). */
#include <fcntl.h>
#include <stdio.h>
#include "core/json.h"
#include "ml/algorithms.h"
#include "ml/softmax.h"
#include "tests/unit/learner-test.h"
#include "tests/unit/suites.h"

#define NF 3

/* n rows of k overlapping classes in 3-D (centre (c, 1.5 (c % 2), -c/2)
 * plus fixed offsets up to +-1.2); y is the class. */
static struct cairn_matrix overlapping(size_t n, int k, double *y)
{
	double *v = cairn_xcalloc(n * NF, sizeof(double));
	struct cairn_matrix m;

	for (size_t i = 0; i < n; i++) {
		int c = (int)(i % (size_t)k);
		v[NF * i] = c + ((double)((i * 7) % 11) - 5) * 0.24;
		v[NF * i + 1] = 1.5 * (c % 2) + ((double)((i * 5) % 13) - 6) * 0.2;
		v[NF * i + 2] = -0.5 * c + ((double)((i * 3) % 7) - 3) * 0.4;
		y[i] = c;
	}
	m = lt_matrix(v, n, NF);
	free(v);
	return m;
}

/* Fixed, uneven values for the variables of a problem. */
static void some_theta(double *theta, size_t n, double scale)
{
	for (size_t j = 0; j < n; j++)
		theta[j] = scale * (((double)((j * 13) % 17) - 8) / 8);
}

/* The objective's gradient against central differences. */
static void check_gradient(const struct cairn__softmax_problem *p, double scale)
{
	size_t n = cairn__softmax_nvars(p);
	double *theta = cairn_xcalloc(n, sizeof(double)), *g = cairn_xcalloc(n, sizeof(double));
	double *scratch = cairn_xcalloc(n, sizeof(double)), worst = 0;

	some_theta(theta, n, scale);
	cairn__softmax_eval(p, theta, g);
	for (size_t j = 0; j < n; j++) {
		double keep = theta[j], h = 1e-5 * (fabs(keep) > 1 ? fabs(keep) : 1), up, down, fd;
		theta[j] = keep + h;
		up = cairn__softmax_eval(p, theta, scratch);
		theta[j] = keep - h;
		down = cairn__softmax_eval(p, theta, scratch);
		theta[j] = keep;
		fd = (up - down) / (2 * h);
		if (fabs(fd - g[j]) / (1 + fabs(g[j])) > worst)
			worst = fabs(fd - g[j]) / (1 + fabs(g[j]));
	}
	if (worst > 1e-6)
		unit_fail(__FILE__, __LINE__, "gradient vs finite differences (k %d, intercept %d, "
			  "scale %g): relative error %g", p->k, p->intercept, scale, worst);
	free(theta);
	free(g);
	free(scratch);
}

static void test_softmax_gradient(void)
{
	double y[30], rw[30];
	int cls[30];
	struct cairn_matrix x = overlapping(30, 3, y);
	struct cairn__softmax_problem p = { &x, cls, NULL, 3, 0.7, 1 };

	for (int i = 0; i < 30; i++) {
		cls[i] = (int)y[i];
		rw[i] = 0.5 + (i % 4) * 0.25;
	}
	check_gradient(&p, 0.5);
	p.row_weight = rw;
	check_gradient(&p, 2);
	p.intercept = 0;
	p.C = 3;
	check_gradient(&p, 1);
	for (int i = 0; i < 30; i++)
		cls[i] = i % 4;
	p.k = 4;
	p.intercept = 1;
	check_gradient(&p, 0.3);
	lt_matrix_release(&x);
}

/* Decision values in the thousands: the log-sum-exp neither overflows nor
 * loses the loss of a confident mistake. */
static void test_softmax_stable(void)
{
	double v[] = { 1, 0, 0, 0, 1, 0 }, theta[2 * NF + 2] = { 0 }, g[2 * NF + 2];
	int cls[] = { 1, 0 };
	struct cairn_matrix x = lt_matrix(v, 2, NF);
	struct cairn__softmax_problem p = { &x, cls, NULL, 2, 1, 1 };
	double f;

	theta[0] = 1000;      /* class 0, feature 0: row 0 scores 1000 for the wrong class */
	theta[NF + 1] = 2000; /* class 1, feature 1: row 1 scores 2000 for the wrong class */
	f = cairn__softmax_eval(&p, theta, g);
	/* 0.5 (1000^2 + 2000^2) + the losses 1000 and 2000 */
	CHECK(fabs(f - (2.5e6 + 3000)) < 1e-6);
	for (int j = 0; j < 2 * NF + 2; j++)
		CHECK(isfinite(g[j]));
	/* row 0 pushes class 0 down and class 1 up on feature 0 */
	CHECK(fabs(g[0] - (1000 + 1)) < 1e-9);
	CHECK(fabs(g[NF] - (-1)) < 1e-9);
	lt_matrix_release(&x);
}

/* The weights of liblinear's layout (rows x nr_w) back into the problem's
 * variables (class by class, then the intercepts), for nr_w == k. */
static void unpack(const double *w, int k, double bias, double *theta)
{
	for (int c = 0; c < k; c++) {
		for (int f = 0; f < NF; f++)
			theta[c * NF + f] = w[f * k + c];
		theta[k * NF + c] = w[NF * k + c] * bias;
	}
}

static double max_abs(const double *v, size_t n)
{
	double m = 0;

	for (size_t j = 0; j < n; j++)
		if (fabs(v[j]) > m)
			m = fabs(v[j]);
	return m;
}

/* The fit reaches the minimum: a gradient below its tolerance, intercepts
 * summing to 0 (the objective does not change along b + t). */
static void test_softmax_fit_optimum(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	double y[90], theta[3 * NF + 3], g[3 * NF + 3];
	int cls[90];
	struct cairn_matrix x = overlapping(90, 3, y);
	struct cairn_train_data d = { .x = &x, .y = y, .task = CAIRN_TASK_CLASSIFICATION,
				      .nclasses = 3, .seed = 1, .threads = 1 };
	struct cairn__softmax_options o = { 2, 1e-7, 1000, 1, NULL, NULL, NULL };
	struct cairn__softmax_problem p = { &x, cls, NULL, 3, 2, 1 };
	struct cairn__softmax_model m;

	for (int i = 0; i < 90; i++)
		cls[i] = (int)y[i];
	CHECK_OK(ctx, cairn__softmax_fit(ctx, &d, &o, &m));
	CHECK_INT(m.nr_class, ==, 3);
	CHECK_INT(m.nr_w, ==, 3);
	CHECK(m.converged);
	CHECK_INT(m.iterations, >, 1);
	CHECK(m.label && m.label[0] == 0 && m.label[1] == 1 && m.label[2] == 2);
	if (m.w) {
		unpack(m.w, 3, 1, theta);
		cairn__softmax_eval(&p, theta, g);
		CHECK(max_abs(g, 3 * NF + 3) <= 1e-7 * 2 * 90);
		CHECK(fabs(theta[3 * NF] + theta[3 * NF + 1] + theta[3 * NF + 2]) < 1e-9);
	}
	cairn__softmax_model_release(&m);
	/* bias 2: the intercept is the last weight times 2 */
	o.bias = 2;
	CHECK_OK(ctx, cairn__softmax_fit(ctx, &d, &o, &m));
	if (m.w) {
		unpack(m.w, 3, 2, theta);
		cairn__softmax_eval(&p, theta, g);
		CHECK(max_abs(g, 3 * NF + 3) <= 1e-7 * 2 * 90);
	}
	cairn__softmax_model_release(&m);
	lt_matrix_release(&x);
	cairn_ctx_free(ctx);
}

/* Two classes: one vector, w_0 - w_1, whose halves are the two-class
 * softmax optimum (where w_0 = -w_1); predict gives its logistic function. */
static void test_softmax_two_classes(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	double y[60], theta[2 * NF + 2], g[2 * NF + 2];
	int cls[60];
	struct cairn_matrix x = overlapping(60, 2, y);
	struct cairn_train_data d = { .x = &x, .y = y, .task = CAIRN_TASK_CLASSIFICATION,
				      .nclasses = 2, .seed = 1, .threads = 1 };
	struct cairn__softmax_options o = { 1, 1e-7, 1000, 1, NULL, NULL, NULL };
	struct cairn__softmax_problem p = { &x, cls, NULL, 2, 1, 1 };
	struct cairn__softmax_model m;
	void *model = NULL;
	double *prob;

	for (int i = 0; i < 60; i++)
		cls[i] = (int)y[i];
	CHECK_OK(ctx, cairn__softmax_fit(ctx, &d, &o, &m));
	CHECK_INT(m.nr_w, ==, 1);
	if (!m.w)
		goto out;
	for (int f = 0; f <= NF; f++) {
		double *at = f < NF ? theta + f : theta + 2 * NF;
		at[0] = m.w[f] / 2;
		at[f < NF ? NF : 1] = -m.w[f] / 2;
	}
	cairn__softmax_eval(&p, theta, g);
	CHECK(max_abs(g, 2 * NF + 2) <= 1e-7 * 60);
	CHECK_OK(ctx, lt_fit(ctx, "logistic", "multi_class=multinomial,tol=1e-7,max_iter=1000", &d,
			     NULL, NULL, &model));
	prob = model ? lt_predict(ctx, "logistic", model, &x) : NULL;
	for (size_t i = 0; prob && i < x.rows; i++) {
		const float *r = x.v + i * NF;
		double dec = m.w[NF];
		for (int f = 0; f < NF; f++)
			dec += m.w[f] * r[f];
		CHECK(fabs(prob[2 * i] - 1 / (1 + exp(-dec))) < 1e-12);
		CHECK(fabs(prob[2 * i] + prob[2 * i + 1] - 1) < 1e-12);
	}
	free(prob);
	cairn__algo_logistic.free(model);
out:
	cairn__softmax_model_release(&m);
	lt_matrix_release(&x);
	cairn_ctx_free(ctx);
}

/* The weights of a saved model.liblinear (after its "w" line). */
static int read_weights(const char *path, double *w, size_t n)
{
	cairn_ctx *ctx = cairn_ctx_new();
	cairn_buf text = CAIRN_BUF_INIT;
	char *s, *end;
	size_t got = 0;

	if (!cairn_read_file(ctx, path, &text) && (s = strstr(text.buf, "\nw\n"))) {
		for (s += 3; got < n; s = end, got++) {
			w[got] = strtod(s, &end);
			if (end == s)
				break;
		}
	}
	cairn_buf_release(&text);
	cairn_ctx_free(ctx);
	return got == n ? 0 : -1;
}

/* A model's liblinear.json field, or NULL. */
static char *info_field(const char *dir, const char *key)
{
	cairn_ctx *ctx = cairn_ctx_new();
	cairn_buf path = CAIRN_BUF_INIT;
	json_t *info = NULL;
	char *v = NULL;

	cairn_path_join(&path, dir, "liblinear.json");
	if (!cairn_json_load_file(ctx, path.buf, &info) &&
	    json_is_string(json_object_get(info, key)))
		v = cairn_xstrdup(json_string_value(json_object_get(info, key)));
	json_decref(info);
	cairn_buf_release(&path);
	cairn_ctx_free(ctx);
	return v;
}

/* Three classes: probabilities are the softmax of W x + b from the saved
 * weights, sum to 1, survive a save and load, and two fits write the same
 * bytes. */
static void test_softmax_predict_save(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	double y[90], w[(NF + 1) * 3];
	struct cairn_matrix x = overlapping(90, 3, y);
	struct cairn_train_data d = { .x = &x, .y = y, .task = CAIRN_TASK_CLASSIFICATION,
				      .nclasses = 3, .seed = 1, .threads = 1 };
	void *m1 = NULL, *m2 = NULL;
	json_t *f1, *f2;
	double *p;
	char *mc;
	size_t right = 0;

	CHECK_OK(ctx, lt_fit(ctx, "logistic", NULL, &d, NULL, NULL, &m1));
	CHECK_OK(ctx, lt_fit(ctx, "logistic", NULL, &d, NULL, NULL, &m2));
	if (!m1 || !m2)
		goto out;
	f1 = lt_save(ctx, "logistic", m1, "one");
	f2 = lt_save(ctx, "logistic", m2, "two");
	json_decref(f1);
	json_decref(f2);
	CHECK(lt_same_file("one/model.liblinear", "two/model.liblinear"));
	CHECK(lt_same_file("one/liblinear.json", "two/liblinear.json"));
	CHECK_STR(mc = info_field("one", "multi_class"), "multinomial");
	free(mc);
	CHECK(!read_weights("one/model.liblinear", w, (NF + 1) * 3));
	p = lt_predict(ctx, "logistic", m1, &x);
	for (size_t i = 0; p && i < x.rows; i++) {
		const float *r = x.v + i * NF;
		double z[3], sum = 0, total = 0;
		for (int c = 0; c < 3; c++) {
			z[c] = w[NF * 3 + c];
			for (int f = 0; f < NF; f++)
				z[c] += w[f * 3 + c] * r[f];
			sum += exp(z[c]);
		}
		for (int c = 0; c < 3; c++) {
			CHECK(fabs(p[3 * i + (size_t)c] - exp(z[c]) / sum) < 1e-12);
			total += p[3 * i + (size_t)c];
		}
		CHECK(fabs(total - 1) < 1e-12);
		right += lt_argmax(p + 3 * i, 3) == (size_t)y[i];
	}
	CHECK_INT(right, >=, 70);
	free(p);
	lt_check_roundtrip(ctx, "logistic", m1, "saved", &x);
out:
	cairn__algo_logistic.free(m1);
	cairn__algo_logistic.free(m2);
	lt_matrix_release(&x);
	cairn_ctx_free(ctx);
}

/* A liblinear.json without multi_class (an older package) is one-vs-rest:
 * each class's logistic function, normalised; a bad value is refused. */
static void test_softmax_old_info(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	double y[60], w[(NF + 1) * 3];
	struct cairn_matrix x = overlapping(60, 3, y);
	struct cairn_train_data d = { .x = &x, .y = y, .task = CAIRN_TASK_CLASSIFICATION,
				      .nclasses = 3, .seed = 1, .threads = 1 };
	const char *old = "{\"algorithm\": \"logistic\", \"task\": \"classification\", "
			  "\"nclasses\": 3}\n";
	const char *bad = "{\"algorithm\": \"logistic\", \"task\": \"classification\", "
			  "\"nclasses\": 3, \"multi_class\": \"softmax\"}\n";
	void *model = NULL, *back = NULL;
	json_t *files;
	double *p;

	CHECK_OK(ctx, lt_fit(ctx, "logistic", NULL, &d, NULL, NULL, &model));
	if (!model)
		goto out;
	files = lt_save(ctx, "logistic", model, "m");
	json_decref(files);
	CHECK_OK(ctx, cairn_write_file_atomic(ctx, "m/liblinear.json", old, strlen(old), 0644));
	CHECK_OK(ctx, cairn__algo_logistic.load(ctx, "m", &back));
	CHECK(!read_weights("m/model.liblinear", w, (NF + 1) * 3));
	p = back ? lt_predict(ctx, "logistic", back, &x) : NULL;
	for (size_t i = 0; p && i < x.rows; i++) {
		const float *r = x.v + i * NF;
		double s[3], sum = 0;
		for (int c = 0; c < 3; c++) {
			double z = w[NF * 3 + c];
			for (int f = 0; f < NF; f++)
				z += w[f * 3 + c] * r[f];
			sum += s[c] = 1 / (1 + exp(-z));
		}
		for (int c = 0; c < 3; c++)
			CHECK(fabs(p[3 * i + (size_t)c] - s[c] / sum) < 1e-12);
	}
	free(p);
	cairn__algo_logistic.free(back);
	back = NULL;
	CHECK_OK(ctx, cairn_write_file_atomic(ctx, "m/liblinear.json", bad, strlen(bad), 0644));
	CHECK_ERR(ctx, cairn__algo_logistic.load(ctx, "m", &back), CAIRN_EPARSE, "multi_class");
	CHECK(!back);
	cairn__algo_logistic.free(model);
out:
	lt_matrix_release(&x);
	cairn_ctx_free(ctx);
}

/* multi_class: auto is multinomial for 3 classes and ovr for 2; ovr keeps
 * liblinear's fit; an unknown value is refused naming the param. */
static void test_softmax_multi_class_param(void)
{
	static const struct {
		int k;
		const char *params, *expect;
	} cases[] = {
		{ 3, NULL, "multinomial" },
		{ 3, "multi_class=ovr", "ovr" },
		{ 2, NULL, "ovr" },
		{ 2, "multi_class=auto", "ovr" },
		{ 2, "multi_class=multinomial", "multinomial" },
	};
	cairn_ctx *ctx = cairn_ctx_new();
	double y[60];
	json_t *p = NULL;

	for (size_t t = 0; t < sizeof(cases) / sizeof(cases[0]); t++) {
		struct cairn_matrix x = overlapping(60, cases[t].k, y);
		struct cairn_train_data d = { .x = &x, .y = y, .task = CAIRN_TASK_CLASSIFICATION,
					      .nclasses = cases[t].k, .seed = 1,
					      .threads = 1 };
		void *model = NULL;
		json_t *files;
		char *mc = NULL;

		CHECK_OK(ctx, lt_fit(ctx, "logistic", cases[t].params, &d, NULL, NULL, &model));
		if (model) {
			files = lt_save(ctx, "logistic", model, "m");
			json_decref(files);
			mc = info_field("m", "multi_class");
			if (!mc || strcmp(mc, cases[t].expect))
				unit_fail(__FILE__, __LINE__, "%d classes, %s: multi_class \"%s\", "
					  "expected \"%s\"", cases[t].k, cases[t].params ?
					  cases[t].params : "defaults", mc ? mc : "(none)",
					  cases[t].expect);
			free(mc);
			cairn__algo_logistic.free(model);
		}
		lt_matrix_release(&x);
	}
	CHECK_ERR(ctx, lt_params(ctx, "logistic", "multi_class=softmax", &p), CAIRN_EINVAL,
		  "multi_class");
	CHECK_ERR(ctx, lt_params(ctx, "logistic", "max_iter=0", &p), CAIRN_EINVAL, "max_iter");
	CHECK(!p);
	cairn_ctx_free(ctx);
}

/* class_weight=balanced weights each row by rows / (classes x its class's
 * rows), as the liblinear fit does: the saved weights minimise that
 * weighted objective. */
static void test_softmax_balanced(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	double y[70], w[(NF + 1) * 3], rw[70], theta[3 * NF + 3], g[3 * NF + 3], count[3] = { 0 };
	int cls[70];
	struct cairn_matrix x = overlapping(70, 3, y);
	struct cairn_train_data d = { .x = &x, .y = y, .task = CAIRN_TASK_CLASSIFICATION,
				      .nclasses = 3, .seed = 1, .threads = 1 };
	struct cairn__softmax_problem p = { &x, cls, rw, 3, 1, 1 };
	void *model = NULL;
	json_t *files;

	/* uneven classes: rows 60.. are all class 2 */
	for (int i = 60; i < 70; i++)
		y[i] = 2;
	for (int i = 0; i < 70; i++)
		count[cls[i] = (int)y[i]]++;
	for (int i = 0; i < 70; i++)
		rw[i] = 70 / (3 * count[cls[i]]);
	CHECK_OK(ctx, lt_fit(ctx, "logistic", "class_weight=balanced,tol=1e-8,max_iter=1000", &d,
			     NULL, NULL, &model));
	if (!model)
		goto out;
	files = lt_save(ctx, "logistic", model, "m");
	json_decref(files);
	CHECK(!read_weights("m/model.liblinear", w, (NF + 1) * 3));
	unpack(w, 3, 1, theta);
	cairn__softmax_eval(&p, theta, g);
	CHECK(max_abs(g, 3 * NF + 3) <= 1e-8 * 70);
	/* and not the unweighted one */
	p.row_weight = NULL;
	cairn__softmax_eval(&p, theta, g);
	CHECK(max_abs(g, 3 * NF + 3) > 1e-3);
	cairn__algo_logistic.free(model);
out:
	lt_matrix_release(&x);
	cairn_ctx_free(ctx);
}

/* Classes without training rows get probability 0; a single class gets 1. */
static void test_softmax_absent_class(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	double y[60];
	struct cairn_matrix x = overlapping(60, 3, y);
	struct cairn_train_data d = { .x = &x, .y = y, .task = CAIRN_TASK_CLASSIFICATION,
				      .nclasses = 4, .seed = 1, .threads = 1 };
	void *model = NULL;
	double *p;

	for (int i = 0; i < 60; i++)
		if (y[i] == 1)
			y[i] = 3;
	CHECK_OK(ctx, lt_fit(ctx, "logistic", NULL, &d, NULL, NULL, &model));
	p = model ? lt_predict(ctx, "logistic", model, &x) : NULL;
	CHECK(model && cairn__algo_logistic.outputs(model) == 4);
	for (size_t i = 0; p && i < x.rows; i++) {
		CHECK(p[4 * i + 1] == 0);
		CHECK(fabs(p[4 * i] + p[4 * i + 2] + p[4 * i + 3] - 1) < 1e-12);
	}
	free(p);
	if (model)
		lt_check_roundtrip(ctx, "logistic", model, "saved", &x);
	cairn__algo_logistic.free(model);
	model = NULL;
	for (int i = 0; i < 60; i++)
		y[i] = 2;
	CHECK_OK(ctx, lt_fit(ctx, "logistic", NULL, &d, NULL, NULL, &model));
	p = model ? lt_predict(ctx, "logistic", model, &x) : NULL;
	CHECK(p && p[2] == 1 && p[0] == 0 && p[5 * 4 + 2] == 1);
	free(p);
	cairn__algo_logistic.free(model);
	lt_matrix_release(&x);
	cairn_ctx_free(ctx);
}

struct steps {
	int calls, stop_at;
	double first, last;
	int64_t last_step;
};

static int on_step(void *arg, int64_t step, const char *key, double value)
{
	struct steps *s = arg;

	CHECK_STR(key, "train-logloss");
	CHECK_INT(step, ==, s->calls);
	if (!s->calls++)
		s->first = value;
	s->last = value;
	s->last_step = step;
	return s->stop_at && s->calls == s->stop_at;
}

/* The fit's log messages, one a line. */
static void append_log(void *arg, enum cairn_log_level level, const char *message)
{
	(void)level;
	cairn_buf_addf(arg, "%s\n", message);
}

struct short_fit {
	const struct cairn_train_data *d;
	const char *params;
	struct steps *steps;
	void *model;
	cairn_buf *log;
};

static void short_fit(void *arg)
{
	struct short_fit *s = arg;
	cairn_ctx *ctx = cairn_ctx_new();

	cairn_ctx_set_log(ctx, CAIRN_LOG_WARN, append_log, s->log);
	CHECK_OK(ctx, lt_fit(ctx, "logistic", s->params, s->d, on_step, s->steps, &s->model));
	cairn_ctx_free(ctx);
}

/* Each iteration reports the mean log loss, which falls; max_iter reached
 * is a warning and a model; on_iteration may stop the fit early. */
static void test_softmax_iterations(void)
{
	double y[90];
	struct cairn_matrix x = overlapping(90, 3, y);
	struct cairn_train_data d = { .x = &x, .y = y, .task = CAIRN_TASK_CLASSIFICATION,
				      .nclasses = 3, .seed = 1, .threads = 1 };
	struct steps s = { 0 };
	cairn_buf err = CAIRN_BUF_INIT;
	struct short_fit f = { &d, NULL, &s, NULL, &err };

	short_fit(&f);
	CHECK(f.model != NULL);
	CHECK_INT(s.calls, >, 3);
	CHECK(s.first < log(3) && s.last < s.first && s.last > 0);
	CHECK(!strstr(err.buf, "did not converge"));
	cairn__algo_logistic.free(f.model);

	memset(&s, 0, sizeof(s));
	f.params = "max_iter=2";
	f.model = NULL;
	cairn_buf_reset(&err);
	short_fit(&f);
	CHECK(f.model != NULL);
	CHECK_INT(s.calls, ==, 2);
	if (!strstr(err.buf, "did not converge in 2 iterations"))
		unit_fail(__FILE__, __LINE__, "no warning in \"%s\"", err.buf);
	cairn__algo_logistic.free(f.model);

	memset(&s, 0, sizeof(s));
	s.stop_at = 3;
	f.params = NULL;
	f.model = NULL;
	cairn_buf_reset(&err);
	short_fit(&f);
	CHECK(f.model != NULL);
	CHECK_INT(s.calls, ==, 3);
	CHECK(!strstr(err.buf, "did not converge"));
	cairn__algo_logistic.free(f.model);
	cairn_buf_release(&err);
	lt_matrix_release(&x);
}

const struct unit_test softmax_tests[] = {
	{ "softmax_gradient", test_softmax_gradient },
	{ "softmax_stable", test_softmax_stable },
	{ "softmax_fit_optimum", test_softmax_fit_optimum },
	{ "softmax_two_classes", test_softmax_two_classes },
	{ "softmax_predict_save", test_softmax_predict_save },
	{ "softmax_old_info", test_softmax_old_info },
	{ "softmax_multi_class_param", test_softmax_multi_class_param },
	{ "softmax_balanced", test_softmax_balanced },
	{ "softmax_absent_class", test_softmax_absent_class },
	{ "softmax_iterations", test_softmax_iterations },
	{ NULL, NULL }
};
