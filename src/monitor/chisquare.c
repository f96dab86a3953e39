/*
 * Pearson's chi-squared test of observed against expected counts
 * (stats.h), as scipy.stats.chisquare(f_obs, f_exp) in SciPy 1.10.
 */
#include <math.h>
#include "monitor/stats.h"

int cairn__chisquare(cairn_ctx *ctx, const double *observed, const double *expected,
		     size_t n, double *statistic, double *pvalue)
{
	if (n < 2)
		return cairn_error(ctx, CAIRN_EINVAL, "chi-squared needs at least 2 categories, "
				   "not %zu", n);
	double osum = 0, esum = 0, stat = 0;
	for (size_t i = 0; i < n; i++) {
		if (!isfinite(observed[i]) || observed[i] < 0)
			return cairn_error(ctx, CAIRN_EINVAL, "observed count %zu is %g, not a "
					   "finite count >= 0", i, observed[i]);
		if (!isfinite(expected[i]) || expected[i] <= 0)
			return cairn_error(ctx, CAIRN_EINVAL, "expected count %zu is %g, not a "
					   "finite count > 0", i, expected[i]);
		osum += observed[i];
		esum += expected[i];
	}
	/* SciPy's check: both totals agree within 1e-8 relative. */
	if (fabs(osum - esum) / fmin(osum, esum) > 1e-8)
		return cairn_error(ctx, CAIRN_EINVAL, "the observed counts sum to %g and the "
				   "expected ones to %g: they must agree", osum, esum);
	for (size_t i = 0; i < n; i++) {
		double d = observed[i] - expected[i];
		stat += d * d / expected[i];
	}
	*statistic = stat;
	*pvalue = cairn__chi2_sf(stat, (double)(n - 1));
	return 0;
}
