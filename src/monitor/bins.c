/*
 * The quantile bins of a reference sample and the shares of two samples in
 * them (stats.h): PSI's bins for numeric columns.
 */
#include <math.h>
#include "monitor/stats.h"

/* The p-quantile of sorted x by numpy's default (linear) method, with
 * numpy's interpolation (from the upper neighbour past the midpoint). */
static double quantile(const double *x, size_t n, double p)
{
	double pos = p * (double)(n - 1);
	size_t lo = (size_t)floor(pos);
	if (lo >= n - 1)
		return x[n - 1];
	double t = pos - (double)lo, a = x[lo], b = x[lo + 1], d = b - a;
	return t >= 0.5 ? b - d * (1 - t) : a + d * t;
}

/* The number of values of sorted x that are <= v. */
static size_t count_le(const double *x, size_t n, double v)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (x[mid] <= v)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int cairn__quantile_bin_shares(cairn_ctx *ctx, const double *ref, size_t nref,
			       const double *cur, size_t ncur, size_t nbins,
			       double *ref_share, double *cur_share)
{
	int rc;
	if ((rc = cairn__stats_check_sample(ctx, "reference", ref, nref)) ||
	    (rc = cairn__stats_check_sample(ctx, "current", cur, ncur)))
		return rc;
	if (!nbins)
		return cairn_error(ctx, CAIRN_EINVAL, "quantile bins: at least 1 bin is needed");
	size_t rprev = 0, cprev = 0;
	for (size_t i = 0; i < nbins; i++) {
		size_t r = nref, c = ncur;
		if (i + 1 < nbins) {
			double edge = quantile(ref, nref, (double)(i + 1) / (double)nbins);
			r = count_le(ref, nref, edge);
			c = count_le(cur, ncur, edge);
		}
		ref_share[i] = (double)(r - rprev) / (double)nref;
		cur_share[i] = (double)(c - cprev) / (double)ncur;
		rprev = r;
		cprev = c;
	}
	return 0;
}
