/*
 * The two-sample Kolmogorov-Smirnov test (stats.h): the statistic by one
 * merge of the sorted samples, the exact p-value by Hodges' lattice-path
 * recursions, the asymptotic one from kolmogorov.c, chosen as SciPy 1.10's
 * ks_2samp(method='auto') chooses.
 */
#include <math.h>
#include <stdlib.h>
#include "monitor/stats.h"

static unsigned long long gcd(unsigned long long a, unsigned long long b)
{
	while (b) {
		unsigned long long t = a % b;
		a = b;
		b = t;
	}
	return a;
}

/* The proportion of paths of n + n steps that leave the band |x - y| < h
 * (n1 == n2): Hodges' alternating sum, accumulated from the far end. */
static double prob_outside_square(long long n, long long h)
{
	double p = 0.0;
	for (long long k = n / h; k >= 0; k--) {
		double p1 = 1.0;
		for (long long j = 0; j < h; j++)
			p1 = (double)(n - k * h - j) * p1 / (double)(n + k * h + j + 1);
		p = p1 * (1.0 - p);
	}
	return 2 * p;
}

/* floor(a / b) and ceil(a / b) for b > 0, a of either sign. */
static long long floor_div(long long a, long long b)
{
	long long q = a / b;
	return (a % b && a < 0) ? q - 1 : q;
}

static long long ceil_div(long long a, long long b)
{
	long long q = a / b;
	return (a % b && a > 0) ? q + 1 : q;
}

/* 1 - the proportion of paths from (0, 0) to (m, n) that stay strictly
 * inside |x / m - y / n| < h / lcm, by Viehmann's recursion for 1 - p over
 * one sliding column of the lattice (each entry the probability of the
 * paths through it that have left the band, so nothing overflows). */
static double outer_prob_inside(long long m, long long n, long long g, long long h)
{
	if (m < n) {
		long long t = m;
		m = n;
		n = t;
	}
	long long mg = m / g, ng = n / g;
	long long minj = 0, maxj = ceil_div(h, mg);
	if (maxj > n + 1)
		maxj = n + 1;
	long long curlen = maxj - minj;
	long long len = 2 * maxj + 2 < n + 1 ? 2 * maxj + 2 : n + 1;
	double *a = malloc((size_t)len * sizeof(*a));
	if (!a)
		return NAN;
	for (long long j = 0; j < len; j++)
		a[j] = j < maxj ? 0.0 : 1.0;
	double result = 1.0;
	for (long long i = 1; i <= m; i++) {
		long long lastminj = minj, lastlen = curlen;
		minj = floor_div(ng * i - h, mg) + 1;
		if (minj < 0)
			minj = 0;
		if (minj > n)
			minj = n;
		maxj = ceil_div(ng * i + h, mg);
		if (maxj > n + 1)
			maxj = n + 1;
		if (maxj <= minj)
			goto out;
		double val = minj == 0 ? 0.0 : 1.0;
		for (long long jj = 0; jj < maxj - minj; jj++) {
			long long j = jj + minj;
			val = (a[jj + minj - lastminj] * (double)i + val * (double)j) /
			      (double)(i + j);
			a[jj] = val;
		}
		curlen = maxj - minj;
		for (long long j = curlen; j < lastlen; j++)
			a[j] = 1.0;
	}
	result = a[maxj - minj - 1];
out:
	free(a);
	return result;
}

double cairn__ks_exact_pvalue(size_t n1, size_t n2, unsigned long long h)
{
	if (n1 == n2)
		return prob_outside_square((long long)n1, (long long)h);
	return outer_prob_inside((long long)n1, (long long)n2,
				 (long long)gcd(n1, n2), (long long)h);
}

/* max(cdf1 - cdf2) and max(cdf2 - cdf1) over every value of either
 * sample, each ECDF counting the values <= that value (SciPy's
 * searchsorted(side='right') on the concatenation, so ties move both
 * ECDFs at once), computed with the same divisions. */
static double ks_statistic(const double *x, size_t n1, const double *y, size_t n2)
{
	double maxs = -INFINITY, mins = INFINITY;
	size_t i = 0, j = 0;
	while (i < n1 || j < n2) {
		double v = j == n2 || (i < n1 && x[i] <= y[j]) ? x[i] : y[j];
		while (i < n1 && x[i] == v)
			i++;
		while (j < n2 && y[j] == v)
			j++;
		double diff = (double)i / (double)n1 - (double)j / (double)n2;
		if (diff > maxs)
			maxs = diff;
		if (diff < mins)
			mins = diff;
	}
	mins = -mins;
	if (mins < 0)
		mins = 0;
	if (mins > 1)
		mins = 1;
	return mins > maxs ? mins : maxs;
}

int cairn__ks_2samp_sorted(cairn_ctx *ctx, const double *x, size_t n1, const double *y,
			   size_t n2, struct cairn__ks_result *out)
{
	int rc;
	if ((rc = cairn__stats_check_sample(ctx, "first", x, n1)) ||
	    (rc = cairn__stats_check_sample(ctx, "second", y, n2)))
		return rc;
	double d = ks_statistic(x, n1, y, n2);
	double p = NAN;
	int exact = (n1 > n2 ? n1 : n2) <= CAIRN__KS_MAX_EXACT_N;
	if (exact) {
		unsigned long long lcm = (n1 / gcd(n1, n2)) * n2;
		unsigned long long h = (unsigned long long)nearbyint(d * (double)lcm);
		d = (double)h / (double)lcm;
		p = h ? cairn__ks_exact_pvalue(n1, n2, h) : 1.0;
		if (isnan(p))
			return cairn_error(ctx, CAIRN_ENOMEM, "out of memory for the exact "
					   "KS p-value of %zu and %zu values", n1, n2);
		if (!(p >= 0 && p <= 1))
			exact = 0;
	}
	if (!exact) {
		double big = (double)(n1 > n2 ? n1 : n2), small = (double)(n1 > n2 ? n2 : n1);
		double en = big * small / (big + small);
		p = cairn__kolmogorov_sf((long long)nearbyint(en), d);
		if (isnan(p))
			return cairn_error(ctx, CAIRN_ENOMEM, "out of memory for the KS "
					   "p-value of %zu and %zu values", n1, n2);
	}
	out->statistic = d;
	out->pvalue = p < 0 ? 0 : p > 1 ? 1 : p;
	out->exact = exact;
	return 0;
}

int cairn__ks_2samp(cairn_ctx *ctx, const double *x, size_t n1, const double *y,
		    size_t n2, struct cairn__ks_result *out)
{
	double *xs, *ys;
	int rc = cairn__stats_sorted_copies(ctx, x, n1, y, n2, &xs, &ys);
	if (!rc)
		rc = cairn__ks_2samp_sorted(ctx, xs, n1, ys, n2, out);
	free(xs);
	free(ys);
	return rc;
}
