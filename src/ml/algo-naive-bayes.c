/*
 * The algorithm naive_bayes: Gaussian naive Bayes for classification; see
 * include/cairn/learner.h.
 *
 * Each class c has a prior (its share of the training rows) and, per
 * feature, the mean and the variance (divided by n) of its rows. As in
 * scikit-learn's GaussianNB, every variance gets var_smoothing x the largest
 * variance of any feature over all rows added, which keeps constant
 * features from dividing by zero (when every feature is constant the
 * addition is var_smoothing itself). The log-likelihood of a row is
 *   log prior_c - 1/2 sum_j (log(2 pi var_cj) + (x_j - mean_cj)^2 / var_cj)
 * and the probabilities are its softmax (through log-sum-exp, so a row far
 * from every class still gets probabilities). A class with no training row
 * has probability 0.
 *
 * Categorical features arrive one-hot encoded (wants_onehot): each 0/1
 * column gets its own Gaussian per class, a usable approximation of a
 * Bernoulli; ordinal codes would impose an order the categories lack.
 * Features are not scaled: the model does not depend on their scale.
 *
 * File: model.json with "priors", "means" and "variances" (one array per
 * class; the variances include the smoothing), "class_count" and
 * "var_smoothing".
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "cairn/buf.h"
#include "cairn/error.h"
#include "core/fs.h"
#include "core/json.h"
#include "ml/algorithms.h"

#define MODEL_FILE "model.json"
#define MAX_CLASSES 100000

struct nb {
	int nclasses;
	size_t d;
	double *prior;            /* nclasses */
	double *count;            /* nclasses: training rows */
	double *mean, *var;       /* nclasses x d */
	double var_smoothing;
};

static void nb_free(void *model)
{
	struct nb *m = model;

	if (!m)
		return;
	free(m->prior);
	free(m->count);
	free(m->mean);
	free(m->var);
	free(m);
}

static struct nb *nb_new(int nclasses, size_t d)
{
	struct nb *m = cairn_xcalloc(1, sizeof(*m));

	m->nclasses = nclasses;
	m->d = d;
	m->prior = cairn_xcalloc((size_t)nclasses, sizeof(double));
	m->count = cairn_xcalloc((size_t)nclasses, sizeof(double));
	m->mean = cairn_xcalloc((size_t)nclasses * d, sizeof(double));
	m->var = cairn_xcalloc((size_t)nclasses * d, sizeof(double));
	return m;
}

static int nb_fit(cairn_ctx *ctx, const struct cairn_train_data *dt, const json_t *params,
		  cairn_iteration_fn on_iteration, void *arg, void **model)
{
	const struct cairn_matrix *x = dt->x;
	size_t d = x ? x->cols : 0;
	double max_var = 0, eps;
	struct nb *m;
	int rc;

	*model = NULL;
	if (dt->task != CAIRN_TASK_CLASSIFICATION)
		return cairn_error(ctx, CAIRN_EINVAL, "naive_bayes does not do %s",
				   cairn_task_name(dt->task));
	if (!x || !x->rows || !x->cols)
		return cairn_error(ctx, CAIRN_EINVAL, "cannot train naive_bayes: no rows or no features");
	if (dt->nclasses < 2 || dt->nclasses > MAX_CLASSES)
		return cairn_error(ctx, CAIRN_EINVAL, "cannot train naive_bayes: %d classes "
				   "(2 to %d supported)", dt->nclasses, MAX_CLASSES);
	if ((rc = cairn__matrix_check_finite(ctx, "train naive_bayes", x)))
		return rc;
	for (size_t i = 0; i < x->rows; i++) {
		double y = dt->y[i];
		if (!(y >= 0 && y < dt->nclasses && y == floor(y)))
			return cairn_error(ctx, CAIRN_EINVAL, "cannot train naive_bayes: class %g of "
					   "row %zu is not in 0..%d", y, i, dt->nclasses - 1);
	}

	m = nb_new(dt->nclasses, d);
	m->var_smoothing = cairn_param_float(params, "var_smoothing");
	for (size_t i = 0; i < x->rows; i++) {
		size_t c = (size_t)dt->y[i];
		m->count[c]++;
		for (size_t j = 0; j < d; j++)
			m->mean[c * d + j] += x->v[i * d + j];
	}
	for (int c = 0; c < m->nclasses; c++)
		for (size_t j = 0; j < d && m->count[c]; j++)
			m->mean[c * d + j] /= m->count[c];
	for (size_t i = 0; i < x->rows; i++) {
		size_t c = (size_t)dt->y[i];
		for (size_t j = 0; j < d; j++) {
			double e = x->v[i * d + j] - m->mean[c * d + j];
			m->var[c * d + j] += e * e;
		}
	}
	/* The largest variance of a feature over all rows sets the smoothing. */
	for (size_t j = 0; j < d; j++) {
		double mean = 0, var = 0;
		for (size_t i = 0; i < x->rows; i++)
			mean += x->v[i * d + j];
		mean /= (double)x->rows;
		for (size_t i = 0; i < x->rows; i++)
			var += (x->v[i * d + j] - mean) * (x->v[i * d + j] - mean);
		var /= (double)x->rows;
		if (var > max_var)
			max_var = var;
	}
	eps = m->var_smoothing * (max_var > 0 ? max_var : 1);
	if (!(eps > 0))
		eps = 1e-300;
	for (int c = 0; c < m->nclasses; c++) {
		m->prior[c] = m->count[c] / (double)x->rows;
		for (size_t j = 0; j < d; j++)
			m->var[c * d + j] = (m->count[c] ? m->var[c * d + j] / m->count[c] : 0) + eps;
	}
	*model = m;
	return 0;
}

static size_t nb_outputs(const void *model)
{
	const struct nb *m = model;

	return (size_t)m->nclasses;
}

static int nb_predict(cairn_ctx *ctx, const void *model, const struct cairn_matrix *x,
		      double *out)
{
	const struct nb *m = model;
	size_t d = m->d, k = (size_t)m->nclasses;
	double *norm;
	int rc;

	if (x->cols != d)
		return cairn_error(ctx, CAIRN_EINVAL, "cannot predict: the model takes %zu features, "
				   "the data has %zu", d, x->cols);
	if ((rc = cairn__matrix_check_finite(ctx, "predict", x)))
		return rc;
	/* log prior - 1/2 sum log(2 pi var), per class */
	norm = cairn_xcalloc(k, sizeof(double));
	for (size_t c = 0; c < k; c++) {
		norm[c] = m->prior[c] > 0 ? log(m->prior[c]) : -INFINITY;
		for (size_t j = 0; j < d; j++)
			norm[c] -= 0.5 * log(2 * M_PI * m->var[c * d + j]);
	}
	for (size_t i = 0; i < x->rows; i++) {
		const float *row = x->v + i * d;
		double *o = out + i * k, top = -INFINITY, sum = 0;

		for (size_t c = 0; c < k; c++) {
			double s = 0;
			if (m->prior[c] > 0)
				for (size_t j = 0; j < d; j++) {
					double e = row[j] - m->mean[c * d + j];
					s += e * e / m->var[c * d + j];
				}
			o[c] = norm[c] - 0.5 * s;
			if (o[c] > top)
				top = o[c];
		}
		/* No class can produce the row (only with var_smoothing 0): the
		 * priors are all that is left. */
		if (top == -INFINITY) {
			memcpy(o, m->prior, k * sizeof(double));
			continue;
		}
		for (size_t c = 0; c < k; c++)
			sum += o[c] = exp(o[c] - top);
		for (size_t c = 0; c < k; c++)
			o[c] /= sum;
	}
	free(norm);
	return 0;
}

static json_t *array_of(const double *v, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_real(v[i]));
	return a;
}

static json_t *rows_of(const double *v, size_t rows, size_t cols)
{
	json_t *a = json_array();

	for (size_t r = 0; r < rows; r++)
		json_array_append_new(a, array_of(v + r * cols, cols));
	return a;
}

static int nb_save(cairn_ctx *ctx, const void *model, const char *dir, json_t *files)
{
	const struct nb *m = model;
	size_t k = (size_t)m->nclasses;
	json_t *doc = json_object();
	int rc;

	json_object_set_new(doc, "algorithm", json_string("naive_bayes"));
	json_object_set_new(doc, "class_count", array_of(m->count, k));
	json_object_set_new(doc, "priors", array_of(m->prior, k));
	json_object_set_new(doc, "means", rows_of(m->mean, k, m->d));
	json_object_set_new(doc, "variances", rows_of(m->var, k, m->d));
	json_object_set_new(doc, "var_smoothing", json_real(m->var_smoothing));
	rc = cairn__model_write_json(ctx, dir, MODEL_FILE, doc, files);
	json_decref(doc);
	return rc;
}

/* Reads n numbers of the array a into out; min is the least value allowed
 * (exclusive when open). */
static int read_numbers(const json_t *a, size_t n, double *out, double min, int open)
{
	if (!json_is_array(a) || json_array_size(a) != n)
		return -1;
	for (size_t i = 0; i < n; i++) {
		json_t *v = json_array_get(a, i);
		double x = json_number_value(v);
		if (!json_is_number(v) || !isfinite(x) || x < min || (open && x == min))
			return -1;
		out[i] = x;
	}
	return 0;
}

static int read_rows(const json_t *a, size_t rows, size_t cols, double *out, double min,
		     int open)
{
	if (!json_is_array(a) || json_array_size(a) != rows)
		return -1;
	for (size_t r = 0; r < rows; r++)
		if (read_numbers(json_array_get(a, r), cols, out + r * cols, min, open))
			return -1;
	return 0;
}

static int nb_load(cairn_ctx *ctx, const char *dir, void **model)
{
	cairn_buf path = CAIRN_BUF_INIT;
	struct nb *m = NULL;
	json_t *doc = NULL, *priors, *means, *first;
	const char *bad = NULL;
	size_t k, d;
	int rc;

	*model = NULL;
	cairn_path_join(&path, dir, MODEL_FILE);
	if ((rc = cairn_json_load_file(ctx, path.buf, &doc)))
		goto out;
	priors = json_object_get(doc, "priors");
	means = json_object_get(doc, "means");
	first = json_array_get(means, 0);
	k = json_array_size(priors);
	d = json_array_size(first);
	if (k < 2 || k > MAX_CLASSES || !d) {
		rc = cairn_error(ctx, CAIRN_EPARSE, "'%s' is not a naive_bayes model", path.buf);
		goto out;
	}
	m = nb_new((int)k, d);
	if (read_numbers(priors, k, m->prior, 0, 0))
		bad = "priors";
	else if (read_numbers(json_object_get(doc, "class_count"), k, m->count, 0, 0))
		bad = "class_count";
	else if (read_rows(means, k, d, m->mean, -INFINITY, 0))
		bad = "means";
	else if (read_rows(json_object_get(doc, "variances"), k, d, m->var, 0, 1))
		bad = "variances";
	if (!bad) {
		double sum = 0;
		for (size_t c = 0; c < k; c++)
			sum += m->prior[c];
		if (!(sum > 0))
			bad = "priors";
	}
	if (bad) {
		rc = cairn_error(ctx, CAIRN_EPARSE, "'%s' has invalid %s", path.buf, bad);
		goto out;
	}
	m->var_smoothing = json_number_value(json_object_get(doc, "var_smoothing"));
	*model = m;
	m = NULL;
out:
	nb_free(m);
	json_decref(doc);
	cairn_buf_release(&path);
	return rc;
}

static const struct cairn_param_spec nb_params[] = {
	{ "var_smoothing", CAIRN_PARAM_FLOAT, "1e-9", 0, 1, NULL,
	  "share of the largest feature variance added to every variance" },
};

const struct cairn_algorithm cairn__algo_naive_bayes = {
	.name = "naive_bayes",
	.tasks = CAIRN_TASK_BIT(CAIRN_TASK_CLASSIFICATION),
	.wants_scaling = 0,
	.wants_onehot = 1,
	.handles_missing = 0,
	.params = nb_params,
	.nparams = sizeof(nb_params) / sizeof(nb_params[0]),
	.fit = nb_fit,
	.predict = nb_predict,
	.outputs = nb_outputs,
	.save = nb_save,
	.load = nb_load,
	.free = nb_free,
	.importance = NULL,
};
