/* Evaluation: the entry point over the three tasks, metrics per slice of
 * the rows and the summary of cross-validation folds; see
 * include/cairn/evaluate.h. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "cairn/buf.h"
#include "core/utf8.h"
#include "ml/metrics-internal.h"

json_t *cairn__eval_real(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

static int check(cairn_ctx *ctx, const struct cairn_eval_data *d)
{
	switch (d->task) {
	case CAIRN_TASK_CLASSIFICATION:
		return cairn__eval_check_classes(ctx, d);
	case CAIRN_TASK_REGRESSION:
		return cairn__eval_check_regression(ctx, d);
	case CAIRN_TASK_CLUSTERING:
		return cairn__eval_check_clustering(ctx, d);
	}
	return cairn_error(ctx, CAIRN_EINVAL, "cannot evaluate task %d", (int)d->task);
}

static json_t *compute(const struct cairn_eval_data *d)
{
	switch (d->task) {
	case CAIRN_TASK_CLASSIFICATION:
		return cairn__eval_classification(d);
	case CAIRN_TASK_REGRESSION:
		return cairn__eval_regression(d);
	case CAIRN_TASK_CLUSTERING:
		break;
	}
	return cairn__eval_clustering(d);
}

int cairn_evaluate(cairn_ctx *ctx, const struct cairn_eval_data *d, json_t **out)
{
	int rc;

	*out = NULL;
	if ((rc = check(ctx, d)))
		return rc;
	*out = compute(d);
	return 0;
}

/* --- slices --- */

struct keyed {
	const char *key;
	size_t row;
};

static int cmp_keyed(const void *a, const void *b)
{
	const struct keyed *x = a, *y = b;
	int c = strcmp(x->key, y->key);

	return c ? c : x->row < y->row ? -1 : x->row > y->row;
}

/* The rows rows[0..g) of d into sub, with its own copies of the arrays. */
static void gather(const struct cairn_eval_data *d, const struct keyed *rows, size_t g,
		   struct cairn_eval_data *sub, struct cairn_matrix *x)
{
	size_t width = d->task == CAIRN_TASK_CLASSIFICATION ? (size_t)d->nclasses : 1;
	double *y = NULL, *pred = cairn_xmalloc(sizeof(double) * g * width);

	*sub = *d;
	sub->n = g;
	if (d->y)
		y = cairn_xmalloc(sizeof(double) * g);
	for (size_t i = 0; i < g; i++) {
		if (y)
			y[i] = d->y[rows[i].row];
		memcpy(pred + i * width, d->pred + rows[i].row * width, sizeof(double) * width);
	}
	sub->y = y;
	sub->pred = pred;
	if (d->task == CAIRN_TASK_CLUSTERING) {
		size_t cols = d->x->cols;
		x->rows = g;
		x->cols = cols;
		x->v = cairn_xmalloc(sizeof(float) * (g * cols + 1));
		for (size_t i = 0; i < g; i++)
			memcpy(x->v + i * cols, d->x->v + rows[i].row * cols, sizeof(float) * cols);
		sub->x = x;
	}
}

int cairn_evaluate_slices(cairn_ctx *ctx, const struct cairn_eval_data *d,
			  const char *const *key, json_t **out)
{
	struct keyed *rows = NULL;
	json_t *o = NULL;
	size_t n = 0, bad;
	int rc;

	*out = NULL;
	if ((rc = check(ctx, d)))
		return rc;
	rows = cairn_xmalloc(sizeof(*rows) * d->n);
	for (size_t i = 0; i < d->n; i++) {
		if (!key[i])
			continue;
		if (!cairn_utf8_valid(key[i], strlen(key[i]), &bad)) {
			rc = cairn_error(ctx, CAIRN_EINVAL,
					 "cannot slice row %zu: its key is not valid UTF-8 (byte %zu)",
					 i + 1, bad + 1);
			goto out;
		}
		rows[n].key = key[i];
		rows[n].row = i;
		n++;
	}
	qsort(rows, n, sizeof(*rows), cmp_keyed);
	o = json_object();
	for (size_t i = 0, j; i < n; i = j) {
		struct cairn_eval_data sub;
		struct cairn_matrix x = { 0 };

		for (j = i + 1; j < n && !strcmp(rows[j].key, rows[i].key); j++)
			;
		gather(d, rows + i, j - i, &sub, &x);
		json_object_set_new(o, rows[i].key, compute(&sub));
		free((double *)sub.y);
		free((double *)sub.pred);
		free(x.v);
	}
	*out = o;
	o = NULL;
out:
	json_decref(o);
	free(rows);
	return rc;
}

/* --- cross-validation --- */

/* The summary of vals[0..k), all objects: see cairn_evaluate_cv_summary. */
static json_t *summarize(json_t **vals, size_t k)
{
	json_t *o = json_object(), *v0, **sub = cairn_xmalloc(sizeof(json_t *) * k);
	const char *key;

	json_object_foreach(vals[0], key, v0) {
		size_t numbers = 0, objects = 0;

		for (size_t i = 0; i < k; i++) {
			sub[i] = json_object_get(vals[i], key);
			numbers += json_is_number(sub[i]);
			objects += json_is_object(sub[i]);
		}
		if (numbers == k) {
			json_t *leaf = json_object(), *folds = json_array();
			double mean = 0, var = 0;
			for (size_t i = 0; i < k; i++) {
				mean += json_number_value(sub[i]);
				json_array_append(folds, sub[i]);
			}
			mean /= (double)k;
			for (size_t i = 0; i < k; i++) {
				double e = json_number_value(sub[i]) - mean;
				var += e * e;
			}
			json_object_set_new(leaf, "folds", folds);
			json_object_set_new(leaf, "mean", cairn__eval_real(mean));
			json_object_set_new(leaf, "std", cairn__eval_real(sqrt(var / (double)k)));
			json_object_set_new(o, key, leaf);
		} else if (objects == k) {
			json_t *s = summarize(sub, k);
			if (json_object_size(s))
				json_object_set_new(o, key, s);
			else
				json_decref(s);
		}
	}
	free(sub);
	return o;
}

int cairn_evaluate_cv_summary(cairn_ctx *ctx, json_t *const *folds, size_t k, json_t **out)
{
	json_t **vals;

	*out = NULL;
	if (!k)
		return cairn_error(ctx, CAIRN_EINVAL, "cannot summarize no folds");
	for (size_t i = 0; i < k; i++)
		if (!json_is_object(folds[i]))
			return cairn_error(ctx, CAIRN_EINVAL,
					   "cannot summarize fold %zu: its metrics are not an object",
					   i + 1);
	vals = cairn_xmalloc(sizeof(json_t *) * k);
	memcpy(vals, folds, sizeof(json_t *) * k);
	*out = summarize(vals, k);
	free(vals);
	return 0;
}
