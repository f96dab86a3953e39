/*
 * The k-sample Anderson-Darling test for two samples (stats.h), as
 * scipy.stats.anderson_ksamp([x, y]) in SciPy 1.10: Scholz and Stephens'
 * (1987) midrank statistic for ties, standardized, and the p-value
 * interpolated from the table of critical values, capped at 0.25 and
 * floored at 0.001.
 */
#include <math.h>
#include <stdlib.h>
#include "monitor/stats.h"

#define NLEVELS 7

/* Scholz and Stephens' A2akN (midranks) over sorted x and y. */
static double midrank_statistic(const double *x, size_t n1, const double *y, size_t n2)
{
	double n = (double)(n1 + n2), sum1 = 0, sum2 = 0;
	size_t i = 0, j = 0;
	while (i < n1 || j < n2) {
		double v = j == n2 || (i < n1 && x[i] <= y[j]) ? x[i] : y[j];
		size_t i0 = i, j0 = j;
		while (i < n1 && x[i] == v)
			i++;
		while (j < n2 && y[j] == v)
			j++;
		/* l: the ties at v in both samples; b: the midrank before v. */
		double l = (double)(i - i0 + j - j0), b = (double)(i0 + j0) + l / 2;
		double m1 = (double)i - (double)(i - i0) / 2;
		double m2 = (double)j - (double)(j - j0) / 2;
		double den = b * (n - b) - n * l / 4;
		double d1 = n * m1 - b * (double)n1, d2 = n * m2 - b * (double)n2;
		sum1 += l / n * d1 * d1 / den;
		sum2 += l / n * d2 * d2 / den;
	}
	return (sum1 / (double)n1 + sum2 / (double)n2) * (n - 1.) / n;
}

/* The coefficients (c[0] x^2 + c[1] x + c[2]) of the least-squares
 * quadratic through the points (x[i], y[i]), as np.polyfit(x, y, 2). */
static void quadratic_fit(const double *x, const double *y, int n, double c[3])
{
	long double s[5] = {0}, t[3] = {0}, a[3][4];
	for (int i = 0; i < n; i++) {
		long double p = 1;
		for (int k = 0; k < 5; k++) {
			s[k] += p;
			if (k < 3)
				t[k] += p * y[i];
			p *= x[i];
		}
	}
	/* Normal equations for (c2, c1, c0) in powers 0..2, by Gauss-Jordan. */
	for (int r = 0; r < 3; r++) {
		for (int k = 0; k < 3; k++)
			a[r][k] = s[r + k];
		a[r][3] = t[r];
	}
	for (int p = 0; p < 3; p++) {
		int best = p;
		for (int r = p + 1; r < 3; r++)
			if (fabsl(a[r][p]) > fabsl(a[best][p]))
				best = r;
		for (int k = 0; k < 4; k++) {
			long double tmp = a[p][k];
			a[p][k] = a[best][k];
			a[best][k] = tmp;
		}
		for (int r = 0; r < 3; r++) {
			if (r == p)
				continue;
			long double f = a[r][p] / a[p][p];
			for (int k = p; k < 4; k++)
				a[r][k] -= f * a[p][k];
		}
	}
	/* a[k][3] / a[k][k] is the coefficient of x^k. */
	for (int k = 0; k < 3; k++)
		c[2 - k] = (double)(a[k][3] / a[k][k]);
}

int cairn__anderson_ksamp_sorted(cairn_ctx *ctx, const double *x, size_t n1,
				 const double *y, size_t n2, double *statistic,
				 double *pvalue)
{
	static const double b0[NLEVELS] = {0.675, 1.281, 1.645, 1.96, 2.326, 2.573, 3.085};
	static const double b1[NLEVELS] = {-0.245, 0.25, 0.678, 1.149, 1.822, 2.364, 3.615};
	static const double b2[NLEVELS] = {-0.105, -0.305, -0.362, -0.391, -0.396, -0.345,
					-0.154};
	static const double sig[NLEVELS] = {0.25, 0.1, 0.05, 0.025, 0.01, 0.005, 0.001};
	int rc;
	if ((rc = cairn__stats_check_sample(ctx, "first", x, n1)) ||
	    (rc = cairn__stats_check_sample(ctx, "second", y, n2)))
		return rc;
	size_t total = n1 + n2;
	if (total < 4)
		return cairn_error(ctx, CAIRN_EINVAL, "anderson_ksamp needs at least 4 values "
				   "in all, not %zu", total);
	double lo = x[0] < y[0] ? x[0] : y[0], hi = x[n1 - 1] > y[n2 - 1] ? x[n1 - 1] : y[n2 - 1];
	if (lo == hi)
		return cairn_error(ctx, CAIRN_EINVAL, "anderson_ksamp needs more than one "
				   "distinct value");
	double a2kn = midrank_statistic(x, n1, y, n2);
	double n = (double)total, k = 2, bigh = 1.0 / (double)n1 + 1.0 / (double)n2;
	/* h = sum 1/i, i < N; g = sum over i < j < N of 1 / ((N - i) j). */
	double hs = 0, g = 0;
	for (size_t t = 0; t + 2 < total; t++) {
		hs += 1.0 / (double)(total - 1 - t);
		g += hs / (double)(t + 2);
	}
	double h = hs + 1;
	double a = (4 * g - 6) * (k - 1) + (10 - 6 * g) * bigh;
	double b = (2 * g - 4) * k * k + 8 * h * k + (2 * g - 14 * h - 4) * bigh - 8 * h +
		   4 * g - 6;
	double c = (6 * h + 2 * g - 2) * k * k + (4 * h - 4 * g + 6) * k + (2 * h - 6) * bigh +
		   4 * h;
	double d = (2 * h + 6) * k * k - 4 * h * k;
	double sigmasq = (a * n * n * n + b * n * n + c * n + d) /
			 ((n - 1.) * (n - 2.) * (n - 3.));
	double m = k - 1, a2 = (a2kn - m) / sqrt(sigmasq);
	double crit[NLEVELS], logsig[NLEVELS], cmin = INFINITY, cmax = -INFINITY;
	for (int i = 0; i < NLEVELS; i++) {
		crit[i] = b0[i] + b1[i] / sqrt(m) + b2[i] / m;
		logsig[i] = log(sig[i]);
		cmin = fmin(cmin, crit[i]);
		cmax = fmax(cmax, crit[i]);
	}
	if (a2 < cmin) {
		*pvalue = sig[0];
	} else if (a2 > cmax) {
		*pvalue = sig[NLEVELS - 1];
	} else {
		double q[3];
		quadratic_fit(crit, logsig, NLEVELS, q);
		*pvalue = exp((q[0] * a2 + q[1]) * a2 + q[2]);
	}
	*statistic = a2;
	return 0;
}

int cairn__anderson_ksamp(cairn_ctx *ctx, const double *x, size_t n1, const double *y,
			  size_t n2, double *statistic, double *pvalue)
{
	double *xs, *ys;
	int rc = cairn__stats_sorted_copies(ctx, x, n1, y, n2, &xs, &ys);
	if (!rc)
		rc = cairn__anderson_ksamp_sorted(ctx, xs, n1, ys, n2, statistic, pvalue);
	free(xs);
	free(ys);
	return rc;
}
