/* Cross-validation folds, plain or stratified, from cairn's seeded generator;
 * see include/cairn/evaluate.h. */
#include <math.h>
#include <stdlib.h>
#include "cairn/buf.h"
#include "cairn/derive.h"
#include "cairn/error.h"
#include "core/rng.h"
#include "ml/evaluate.h"

int cairn_folds_assign(cairn_ctx *ctx, size_t n, size_t k, const double *y, int nclasses,
		       uint64_t seed, int *fold)
{
	size_t nc = y ? (size_t)(nclasses > 0 ? nclasses : 0) : 1;
	size_t *count = NULL, *start = NULL, *rows = NULL, *alloc = NULL;
	double *target = NULL;
	struct cairn__rng rng;

	if (k < 2 || k > n)
		return cairn_error(ctx, CAIRN_EINVAL,
				   "cannot make %zu folds of %zu rows: 2 .. rows folds needed", k, n);
	if (k > (size_t)INT32_MAX)
		return cairn_error(ctx, CAIRN_EINVAL, "cannot make %zu folds: too many", k);
	if (y && nclasses < 1)
		return cairn_error(ctx, CAIRN_EINVAL, "cannot stratify folds by %d classes",
				   nclasses);
	if (y)
		for (size_t i = 0; i < n; i++)
			if (!(y[i] >= 0 && y[i] < nclasses && y[i] == floor(y[i])))
				return cairn_error(ctx, CAIRN_EINVAL,
						   "cannot stratify row %zu: class index %g is not"
						   " one of 0 .. %d", i + 1, y[i], nclasses - 1);

	/* The rows grouped by class, each group in row order. */
	count = cairn_xcalloc(nc, sizeof(size_t));
	for (size_t i = 0; i < n; i++)
		count[y ? (size_t)y[i] : 0]++;
	start = cairn_xcalloc(nc + 1, sizeof(size_t));
	for (size_t c = 0; c < nc; c++)
		start[c + 1] = start[c] + count[c];
	rows = cairn_xmalloc(sizeof(size_t) * n);
	{
		size_t *at = cairn_xmalloc(sizeof(size_t) * nc);
		for (size_t c = 0; c < nc; c++)
			at[c] = start[c];
		for (size_t i = 0; i < n; i++)
			rows[at[y ? (size_t)y[i] : 0]++] = i;
		free(at);
	}

	/* Every fold wants n / k rows; the allocation rounds each class's
	 * share and the fold totals (the first folds get the ceilings). */
	target = cairn_xmalloc(sizeof(double) * k);
	for (size_t p = 0; p < k; p++)
		target[p] = (double)n / (double)k;
	alloc = cairn_xmalloc(sizeof(size_t) * nc * k);
	cairn_stratified_allocate(count, nc, target, k, alloc);

	cairn__rng_seed(&rng, seed);
	for (size_t c = 0; c < nc; c++) {
		size_t *r = rows + start[c], at = 0;
		cairn__rng_shuffle(&rng, r, count[c]);
		for (size_t p = 0; p < k; p++)
			for (size_t i = 0; i < alloc[c * k + p]; i++)
				fold[r[at++]] = (int)p;
	}

	free(count);
	free(start);
	free(rows);
	free(alloc);
	free(target);
	return 0;
}

json_t *cairn_folds_json(const int *fold, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_integer(fold[i]));
	return a;
}
