/*
 * The two-sample statistics of drift: pure functions on arrays of doubles,
 * each equal to the SciPy 1.10 function it is named after (the comparison
 * is tests/e2e/t7001-monitor-stats-scipy.sh; definitions, method choices
 * and thresholds are in docs/internals/monitor.md, "Statistics").
 *
 * Inputs are finite values only: SciPy keeps NaN and answers NaN, while
 * cairn's callers drop missing values before a test, so a NaN or an
 * infinity here is refused with CAIRN_EINVAL, as is an empty sample. The
 * functions never print and keep no state; they are thread-safe. Memory:
 * cairn__ks_2samp copies and sorts its samples (2 blocks of n1 + n2
 * doubles in all); cairn__ks_2samp_sorted takes sorted samples and
 * allocates only the exact p-value's work row (at most n + 1 doubles) or
 * the asymptotic one's small matrices; the others allocate nothing but
 * cairn__wasserstein (a sorted copy of each sample). Out of memory is
 * CAIRN_ENOMEM.
 */
#ifndef CAIRN_MONITOR_STATS_H
#define CAIRN_MONITOR_STATS_H

#include <stddef.h>
#include "cairn/ctx.h"
#include "cairn/error.h"

/* The two-sided two-sample Kolmogorov-Smirnov test, SciPy's ks_2samp with
 * method='auto': the exact p-value when max(n1, n2) <= 10000 (and it is a
 * probability), else kstwo.sf(d, round(n1 n2 / (n1 + n2))). */
#define CAIRN__KS_MAX_EXACT_N 10000

struct cairn__ks_result {
	double statistic;   /* D: the largest distance between the ECDFs */
	double pvalue;
	int exact;          /* 1: the exact distribution, 0: the asymptotic */
};

/* Sorts copies of x and y, then as cairn__ks_2samp_sorted. */
int cairn__ks_2samp(cairn_ctx *ctx, const double *x, size_t n1, const double *y,
		    size_t n2, struct cairn__ks_result *out);
/* x and y sorted ascending (not checked beyond finiteness): O(n1 + n2)
 * for the statistic, plus the p-value's cost (the exact one is at most
 * O(n1 n2 / gcd) steps, only when max(n1, n2) <= 10000). */
int cairn__ks_2samp_sorted(cairn_ctx *ctx, const double *x, size_t n1, const double *y,
			   size_t n2, struct cairn__ks_result *out);

/* The exact two-sided p-value of D = h / lcm(n1, n2) for samples of n1
 * and n2 (h > 0): SciPy's _compute_prob_outside_square when n1 == n2,
 * else _compute_outer_prob_inside_method. May be outside [0, 1] when
 * rounding defeats it (the caller then uses the asymptotic one); NaN when
 * out of memory. */
double cairn__ks_exact_pvalue(size_t n1, size_t n2, unsigned long long h);

/* kstwo.sf(d, n) and kstwo.cdf(d, n): the distribution of the one-sample
 * two-sided statistic D_n (SciPy's _kolmogn, Simard and L'Ecuyer's choice
 * among Ruben-Gambino, Durbin-Marsaglia-Tsang-Wang, Pomeranz, Pelz-Good
 * and twice Smirnov's one-sided distribution). NaN when out of memory. */
double cairn__kolmogorov_sf(long long n, double d);
double cairn__kolmogorov_cdf(long long n, double d);
/* scipy.special.smirnov(n, d): P(D+_n >= d), Birnbaum and Tingey's sum. */
double cairn__smirnov(long long n, double d);

/* scipy.special.gammaincc(a, x) and gammainc(a, x): the regularized upper
 * and lower incomplete gamma functions (a > 0, x >= 0). */
double cairn__gammaincc(double a, double x);
double cairn__gammainc(double a, double x);
/* chi2.sf(x, df). */
double cairn__chi2_sf(double x, double df);

/* scipy.stats.chisquare(observed, expected): sum (o - e)^2 / e and its
 * chi2.sf with n - 1 degrees of freedom. Every expected count must be
 * positive; SciPy 1.10 also requires both sums to agree within 1e-8
 * relative, and so does this. */
int cairn__chisquare(cairn_ctx *ctx, const double *observed, const double *expected,
		     size_t n, double *statistic, double *pvalue);

#endif
