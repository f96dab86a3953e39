/*
 * The Z-test of two proportions (stats.h), as Evidently's z_stattest
 * computes it for binary columns.
 */
#include <math.h>
#include "monitor/stats.h"

int cairn__ztest(cairn_ctx *ctx, size_t ones1, size_t n1, size_t ones2, size_t n2,
		 double *z, double *pvalue)
{
	if (!n1 || !n2)
		return cairn_error(ctx, CAIRN_EINVAL, "the %s sample is empty",
				   n1 ? "second" : "first");
	if (ones1 > n1 || ones2 > n2)
		return cairn_error(ctx, CAIRN_EINVAL, "%zu ones out of %zu values",
				   ones1 > n1 ? ones1 : ones2, ones1 > n1 ? n1 : n2);
	/* One and the same value throughout both samples. */
	if ((ones1 == 0 && ones2 == 0) || (ones1 == n1 && ones2 == n2)) {
		*z = 0;
		*pvalue = 1;
		return 0;
	}
	double p1 = (double)ones1 / (double)n1, p2 = (double)ones2 / (double)n2;
	double pooled = (p1 * (double)n1 + p2 * (double)n2) / (double)(n1 + n2);
	double stat = (p1 - p2) /
		      sqrt(pooled * (1 - pooled) * (1.0 / (double)n1 + 1.0 / (double)n2));
	*z = stat;
	/* 2 (1 - Phi(|z|)), Phi(x) = erfc(-x / sqrt 2) / 2: Evidently's form. */
	*pvalue = 2 * (1 - 0.5 * erfc(-fabs(stat) / M_SQRT2));
	return 0;
}
