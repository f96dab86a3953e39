/*
 * Helpers shared by the unit tests of the learning algorithms
 * (test-linear.c, test-kmeans.c, test-knn.c, test-naive-bayes.c,
 * test-learners-cv.c): fitting by algorithm name with params given as
 * "name=value,...", predicting into a new array, save/load round trips,
 * and the example datasets of the source tree.
 */
#ifndef CAIRN_UNIT_LEARNER_TEST_H
#define CAIRN_UNIT_LEARNER_TEST_H

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cairn/buf.h"
#include "cairn/error.h"
#include "core/fs.h"
#include "ml/learner.h"
#include "tests/unit/unit.h"

/* A matrix built from doubles; release with lt_matrix_release. */
static inline struct cairn_matrix lt_matrix(const double *v, size_t rows, size_t cols)
{
	struct cairn_matrix m = { rows, cols, cairn_xcalloc(rows * cols + 1, sizeof(float)) };

	for (size_t i = 0; i < rows * cols; i++)
		m.v[i] = (float)v[i];
	return m;
}

static inline void lt_matrix_release(struct cairn_matrix *m)
{
	free(m->v);
	m->v = NULL;
}

/* Resolves params ("a=1,b=x" or NULL) for the algorithm called name. */
static inline int lt_params(cairn_ctx *ctx, const char *name, const char *params, json_t **out)
{
	const struct cairn_algorithm *a = cairn_algorithm_find(name);
	json_t *given = json_object();
	char *copy = cairn_xstrdup(params ? params : ""), *save = NULL;
	int rc;

	if (!a) {
		free(copy);
		json_decref(given);
		return cairn_error(ctx, CAIRN_ENOTFOUND, "no algorithm '%s'", name);
	}
	for (char *kv = strtok_r(copy, ",", &save); kv; kv = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(kv, '=');
		if (eq) {
			*eq = 0;
			json_object_set_new(given, kv, json_string(eq + 1));
		}
	}
	rc = cairn_params_resolve(ctx, a, given, out);
	free(copy);
	json_decref(given);
	return rc;
}

static inline int lt_fit(cairn_ctx *ctx, const char *name, const char *params,
			 const struct cairn_train_data *d, cairn_iteration_fn fn, void *arg,
			 void **model)
{
	json_t *p = NULL;
	int rc;

	*model = NULL;
	if ((rc = lt_params(ctx, name, params, &p)))
		return rc;
	rc = cairn_algorithm_find(name)->fit(ctx, d, p, fn, arg, model);
	json_decref(p);
	return rc;
}

/* Predicts x into a new array of x->rows * outputs values (NULL on error). */
static inline double *lt_predict(cairn_ctx *ctx, const char *name, const void *model,
				 const struct cairn_matrix *x)
{
	const struct cairn_algorithm *a = cairn_algorithm_find(name);
	double *out = cairn_xcalloc(x->rows * a->outputs(model) + 1, sizeof(double));
	int rc = a->predict(ctx, model, x, out);

	if (rc) {
		unit_fail(__FILE__, __LINE__, "predict with %s: %s", name, cairn_errmsg(ctx));
		free(out);
		return NULL;
	}
	return out;
}

/* Saves model into dir (created), returning the list of files (or NULL). */
static inline json_t *lt_save(cairn_ctx *ctx, const char *name, const void *model,
			      const char *dir)
{
	json_t *files = json_array();
	int rc;

	mkdir(dir, 0777);
	rc = cairn_algorithm_find(name)->save(ctx, model, dir, files);
	if (rc) {
		unit_fail(__FILE__, __LINE__, "save with %s: %s", name, cairn_errmsg(ctx));
		json_decref(files);
		return NULL;
	}
	return files;
}

/* 1 when files (a JSON array) holds the string s. */
static inline int lt_has_file(const json_t *files, const char *s)
{
	for (size_t i = 0; i < json_array_size(files); i++)
		if (!strcmp(json_string_value(json_array_get(files, i)), s))
			return 1;
	return 0;
}

/* Saves model to dir, loads it back and checks that both predict the same
 * bytes on x. */
static inline void lt_check_roundtrip(cairn_ctx *ctx, const char *name, const void *model,
				      const char *dir, const struct cairn_matrix *x)
{
	const struct cairn_algorithm *a = cairn_algorithm_find(name);
	json_t *files = lt_save(ctx, name, model, dir);
	void *back = NULL;
	double *p1, *p2;

	json_decref(files);
	CHECK_OK(ctx, a->load(ctx, dir, &back));
	if (!back)
		return;
	CHECK_INT(a->outputs(back), ==, a->outputs(model));
	p1 = lt_predict(ctx, name, model, x);
	p2 = lt_predict(ctx, name, back, x);
	if (p1 && p2)
		CHECK(!memcmp(p1, p2, x->rows * a->outputs(model) * sizeof(double)));
	free(p1);
	free(p2);
	a->free(back);
}

/* 1 when the files at a and b hold the same bytes. */
static inline int lt_same_file(const char *a, const char *b)
{
	cairn_buf x = CAIRN_BUF_INIT, y = CAIRN_BUF_INIT;
	cairn_ctx *ctx = cairn_ctx_new();
	int same = !cairn_read_file(ctx, a, &x) && !cairn_read_file(ctx, b, &y) &&
		   x.len == y.len && x.len > 0 && !memcmp(x.buf, y.buf, x.len);

	cairn_buf_release(&x);
	cairn_buf_release(&y);
	cairn_ctx_free(ctx);
	return same;
}

/* The index of the largest of n values (the first on ties). */
static inline size_t lt_argmax(const double *v, size_t n)
{
	size_t best = 0;

	for (size_t i = 1; i < n; i++)
		if (v[i] > v[best])
			best = i;
	return best;
}

/* The path of examples/data/<name> in the source tree, found from the test
 * binary (build/tests/unit-tests). */
static inline void lt_dataset_path(const char *name, cairn_buf *out)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char *p;

	cairn_buf_reset(out);
	if (n <= 0)
		return;
	exe[n] = 0;
	for (int up = 0; up < 3 && (p = strrchr(exe, '/')); up++)
		*p = 0;
	cairn_buf_addf(out, "%s/examples/data/%s", exe, name);
}

#endif
