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
 * the unsorted two-sample forms (cairn__ks_2samp, cairn__wasserstein,
 * cairn__anderson_ksamp) copy and sort their samples (the copies, and the
 * radix sort's keys: cairn__sort_doubles, which ends the process when
 * memory is exhausted); the _sorted forms take sorted samples, so that a
 * reference sorted once serves every comparison. cairn__ks_2samp_sorted
 * allocates only the exact p-value's work row (at most n + 1 doubles) or
 * the asymptotic one's small matrices; the others allocate nothing. Out of
 * memory is CAIRN_ENOMEM.
 */
#ifndef CAIRN_MONITOR_STATS_H
#define CAIRN_MONITOR_STATS_H

#include <stddef.h>
#include "cairn/ctx.h"
#include "cairn/error.h"

/* 0, or CAIRN_EINVAL naming the sample ("first", "second"...) when x is
 * empty or holds a value that is not finite. */
int cairn__stats_check_sample(cairn_ctx *ctx, const char *what, const double *x,
			      size_t n);
/* Checks x and y (as above, "first" and "second"), then sets *xs and *ys
 * to sorted copies (the caller frees both, also on error). */
int cairn__stats_sorted_copies(cairn_ctx *ctx, const double *x, size_t n1,
			       const double *y, size_t n2, double **xs, double **ys);

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

/* scipy.stats.wasserstein_distance(u, v) for unweighted samples: the area
 * between the two ECDFs, sum over consecutive values w < w' of either
 * sample of |F_u(w) - F_v(w)| (w' - w). cairn__wasserstein sorts copies;
 * the _sorted form takes sorted samples and allocates nothing. */
int cairn__wasserstein(cairn_ctx *ctx, const double *u, size_t nu, const double *v,
		       size_t nv, double *distance);
int cairn__wasserstein_sorted(cairn_ctx *ctx, const double *u, size_t nu,
			      const double *v, size_t nv, double *distance);

/* Functions of two distributions p and q over the same n bins or
 * categories, given as shares or counts (each must be finite and >= 0,
 * with a positive sum; each vector is normalized to sum 1 first, as
 * SciPy does):
 * - cairn__jensenshannon: scipy.spatial.distance.jensenshannon(p, q, base),
 *   the square root of the Jensen-Shannon divergence, in logarithms of
 *   base (0: natural logarithms; Evidently's drift test passes 2).
 * - cairn__kl_divergence: scipy.stats.entropy(p, q), sum p ln(p / q)
 *   (infinite when some q is 0 where p is not).
 * - cairn__hellinger: sqrt(1 - min(1, sum sqrt(p q))), Evidently's.
 * - cairn__psi: sum (p - q) ln(p / q), p the reference's shares and q the
 *   current ones, NOT normalized (they are shares already), each vector's
 *   zero shares floored first as Evidently floors them: to 0.0001, or to
 *   the vector's smallest nonzero share / 10^6 when that is <= 0.0001. */
int cairn__jensenshannon(cairn_ctx *ctx, const double *p, const double *q, size_t n,
			 double base, double *distance);
int cairn__kl_divergence(cairn_ctx *ctx, const double *p, const double *q, size_t n,
			 double *divergence);
int cairn__hellinger(cairn_ctx *ctx, const double *p, const double *q, size_t n,
		     double *distance);
int cairn__psi(cairn_ctx *ctx, const double *ref_share, const double *cur_share,
	       size_t n, double *psi);

/* The shares of sorted reference and current samples in nbins quantile
 * bins of the reference (PSI's bins, nbins >= 1, 10 by default): the
 * edges are the reference's quantiles at i / nbins, i = 1 .. nbins - 1,
 * interpolated linearly between the closest ranks (numpy's default
 * method); bin i holds the values in (edge[i-1], edge[i]], the first bin
 * everything <= edge[0] and the last everything above edge[nbins-2].
 * Tied edges leave empty bins in both samples (PSI then adds 0 for them).
 * ref_share and cur_share hold nbins each. */
#define CAIRN__PSI_BINS 10
int cairn__quantile_bin_shares(cairn_ctx *ctx, const double *ref, size_t nref,
			       const double *cur, size_t ncur, size_t nbins,
			       double *ref_share, double *cur_share);

/* Evidently's Z-test for a binary column: ones1 of n1 reference values and
 * ones2 of n2 current ones (a "one" is any value but the smallest of the
 * two that occur), z = (p1 - p2) / sqrt(P (1 - P) (1 / n1 + 1 / n2)) with
 * P the pooled share, and the two-sided p-value 2 (1 - Phi(|z|)). When
 * both samples hold only one and the same value, z = 0 and p = 1. */
int cairn__ztest(cairn_ctx *ctx, size_t ones1, size_t n1, size_t ones2, size_t n2,
		 double *z, double *pvalue);

/* scipy.stats.anderson_ksamp([x, y]) (midrank=True): Scholz and
 * Stephens' standardized k-sample Anderson-Darling statistic for two
 * samples and SciPy 1.10's p-value, exp of the quadratic fitted (least
 * squares) to log(significance) against the critical values of its table,
 * capped at 0.25 below the table and floored at 0.001 above it. At least 4
 * values in all, of at least 2 distinct values. */
int cairn__anderson_ksamp(cairn_ctx *ctx, const double *x, size_t n1, const double *y,
			  size_t n2, double *statistic, double *pvalue);
int cairn__anderson_ksamp_sorted(cairn_ctx *ctx, const double *x, size_t n1,
				 const double *y, size_t n2, double *statistic,
				 double *pvalue);

#endif
