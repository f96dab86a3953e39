/*
 * The checks and sorted copies every two-sample statistic of stats.h
 * starts with: finite values only, no empty sample.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "core/alloc.h"
#include "data/sketch.h"
#include "monitor/stats.h"

int cairn__stats_check_sample(cairn_ctx *ctx, const char *what, const double *x, size_t n)
{
	if (!n)
		return cairn_error(ctx, CAIRN_EINVAL, "the %s sample is empty", what);
	for (size_t i = 0; i < n; i++)
		if (!isfinite(x[i]))
			return cairn_error(ctx, CAIRN_EINVAL,
					   "the %s sample has a value that is not finite "
					   "(at %zu)", what, i);
	return 0;
}

int cairn__stats_sorted_copies(cairn_ctx *ctx, const double *x, size_t n1,
			       const double *y, size_t n2, double **xs, double **ys)
{
	int rc;
	*xs = *ys = NULL;
	if ((rc = cairn__stats_check_sample(ctx, "first", x, n1)) ||
	    (rc = cairn__stats_check_sample(ctx, "second", y, n2)))
		return rc;
	*xs = cairn__alloc_data(n1 * sizeof(**xs));
	*ys = cairn__alloc_data(n2 * sizeof(**ys));
	if (!*xs || !*ys)
		return cairn_error(ctx, CAIRN_ENOMEM, "out of memory sorting %zu and %zu values",
				   n1, n2);
	memcpy(*xs, x, n1 * sizeof(**xs));
	memcpy(*ys, y, n2 * sizeof(**ys));
	cairn__sort_doubles(*xs, n1);
	cairn__sort_doubles(*ys, n2);
	return 0;
}
