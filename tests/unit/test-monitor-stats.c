/* Unit tests for the drift statistics (src/monitor/stats.h): cases whose
 * answers can be checked by hand; t7001 compares them with SciPy at large. */
#include <math.h>
#include <stdlib.h>
#include "cairn/ctx.h"
#include "monitor/stats.h"
#include "tests/unit/suites.h"

#define CHECK_NEAR(a, b, tol) \
	do { double a_ = (a), b_ = (b); \
	     if (!(fabs(a_ - b_) <= (tol))) unit_fail(__FILE__, __LINE__, \
			"%s ~ %s: %.17g vs %.17g", #a, #b, a_, b_); } while (0)

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void test_ks_identical(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	double x[] = {3, 1, 2, 5, 4};
	struct cairn__ks_result r;
	CHECK_OK(ctx, cairn__ks_2samp(ctx, x, N(x), x, N(x), &r));
	CHECK(r.statistic == 0);
	CHECK(r.pvalue == 1);
	CHECK_INT(r.exact, ==, 1);
	cairn_ctx_free(ctx);
}

/* Fully separated samples of n and n: D = 1, p = 2 / C(2n, n). */
static void test_ks_separated(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	double x[] = {1, 2, 3}, y[] = {6, 5, 4};
	struct cairn__ks_result r;
	CHECK_OK(ctx, cairn__ks_2samp(ctx, x, N(x), y, N(y), &r));
	CHECK(r.statistic == 1);
	CHECK_NEAR(r.pvalue, 2.0 / 20, 1e-15);
	CHECK_OK(ctx, cairn__ks_2samp(ctx, y, N(y), x, N(x), &r));
	CHECK(r.statistic == 1);
	/* n1 != n2: 2 / C(5, 2) = 0.2. */
	double a[] = {1, 2}, b[] = {10, 11, 12};
	CHECK_OK(ctx, cairn__ks_2samp(ctx, a, N(a), b, N(b), &r));
	CHECK(r.statistic == 1);
	CHECK_NEAR(r.pvalue, 0.2, 1e-15);
	cairn_ctx_free(ctx);
}

/* Ties move both ECDFs at once: equal multisets in any order give D = 0;
 * {0,0,1} against {0,1,1}: at 0, 2/3 - 1/3. */
static void test_ks_ties(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	double x[] = {1, 0, 1, 0, 0}, y[] = {0, 0, 0, 1, 1};
	struct cairn__ks_result r;
	CHECK_OK(ctx, cairn__ks_2samp(ctx, x, N(x), y, N(y), &r));
	CHECK(r.statistic == 0);
	CHECK(r.pvalue == 1);
	double a[] = {0, 0, 1}, b[] = {0, 1, 1};
	CHECK_OK(ctx, cairn__ks_2samp(ctx, a, N(a), b, N(b), &r));
	CHECK_NEAR(r.statistic, 1.0 / 3, 1e-15);
	cairn_ctx_free(ctx);
}

/* n1 != n2, and the asymptotic regime above 10000 values. */
static void test_ks_sizes(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	double x[] = {0.1, 0.4, 0.7}, y[] = {0.2, 0.3, 0.5, 0.6, 0.8, 0.9, 1.0};
	struct cairn__ks_result r;
	CHECK_OK(ctx, cairn__ks_2samp(ctx, x, N(x), y, N(y), &r));
	CHECK(r.statistic > 0 && r.statistic < 1);
	CHECK(r.pvalue > 0.5 && r.pvalue <= 1);
	size_t n = 10001;
	double *u = malloc(n * sizeof(*u)), *v = malloc(n * sizeof(*v));
	for (size_t i = 0; i < n; i++) {
		u[i] = (double)i;
		v[i] = (double)i + 0.5;
	}
	CHECK_OK(ctx, cairn__ks_2samp(ctx, u, n, v, n, &r));
	CHECK_INT(r.exact, ==, 0);
	CHECK_NEAR(r.statistic, 1.0 / (double)n, 1e-15);
	CHECK(r.pvalue == 1);
	free(u);
	free(v);
	cairn_ctx_free(ctx);
}

/* Empty samples and values that are not finite are refused: callers drop
 * missing values first. */
static void test_ks_refused(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	double x[] = {1, 2}, y[] = {1, NAN}, z[] = {INFINITY, 2};
	struct cairn__ks_result r;
	CHECK_ERR(ctx, cairn__ks_2samp(ctx, x, 0, x, 2, &r), CAIRN_EINVAL, "first sample is empty");
	CHECK_ERR(ctx, cairn__ks_2samp(ctx, x, 2, x, 0, &r), CAIRN_EINVAL, "second sample is empty");
	CHECK_ERR(ctx, cairn__ks_2samp(ctx, x, 2, y, 2, &r), CAIRN_EINVAL, "not finite (at 1)");
	CHECK_ERR(ctx, cairn__ks_2samp_sorted(ctx, z, 2, x, 2, &r), CAIRN_EINVAL, "not finite");
	cairn_ctx_free(ctx);
}

static void test_kolmogorov(void)
{
	/* Ruben-Gambino: P(D_n > d) = 2 (1 - d)^n for d >= 1 - 1/n. */
	CHECK_NEAR(cairn__kolmogorov_sf(10, 0.95), 2 * pow(0.05, 10), 1e-25);
	CHECK(cairn__kolmogorov_sf(10, 0.01) == 1);
	CHECK(cairn__kolmogorov_sf(10, 1.0) == 0);
	for (long long n = 1; n < 300000; n = n * 3 + 1)
		for (double d = 0.001; d < 1; d *= 1.7) {
			double sf = cairn__kolmogorov_sf(n, d), cdf = cairn__kolmogorov_cdf(n, d);
			CHECK(sf >= 0 && sf <= 1);
			/* Above n = 140 the tail and the body use different
			 * methods (as SciPy's do): they agree to 1e-7. */
			CHECK_NEAR(sf + cdf, 1, 1e-7);
		}
}

static void test_gamma(void)
{
	/* Q(1, x) = e^-x; Q(2, x) = (1 + x) e^-x; P + Q = 1. */
	for (double x = 0.01; x < 50; x *= 1.5) {
		CHECK_NEAR(cairn__gammaincc(1, x) / exp(-x), 1, 1e-13);
		CHECK_NEAR(cairn__gammaincc(2, x) / ((1 + x) * exp(-x)), 1, 1e-13);
		CHECK_NEAR(cairn__gammainc(3.5, x) + cairn__gammaincc(3.5, x), 1, 1e-14);
	}
	CHECK(cairn__gammaincc(2, 0) == 1);
	CHECK(isnan(cairn__gammaincc(0, 1)));
	/* chi2 with 2 degrees of freedom: sf(x) = e^(-x/2). */
	CHECK_NEAR(cairn__chi2_sf(3, 2), exp(-1.5), 1e-15);
}

static void test_chisquare(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	double o[] = {10, 20, 30}, e[] = {20, 20, 20}, s, p;
	CHECK_OK(ctx, cairn__chisquare(ctx, o, e, 3, &s, &p));
	CHECK_NEAR(s, 10, 1e-15);
	CHECK_NEAR(p, exp(-5), 1e-15);
	CHECK_OK(ctx, cairn__chisquare(ctx, e, e, 3, &s, &p));
	CHECK(s == 0 && p == 1);
	double z[] = {0, 30, 30}, bad[] = {10, 10, 10};
	CHECK_ERR(ctx, cairn__chisquare(ctx, o, z, 3, &s, &p), CAIRN_EINVAL, "expected count 0");
	CHECK_ERR(ctx, cairn__chisquare(ctx, o, bad, 3, &s, &p), CAIRN_EINVAL, "must agree");
	CHECK_ERR(ctx, cairn__chisquare(ctx, o, e, 1, &s, &p), CAIRN_EINVAL, "at least 2");
	cairn_ctx_free(ctx);
}

/* The area between the ECDFs: {0, 1} against {1, 2} is 1; a shift by c of
 * the same sample is c; identical samples 0. */
static void test_wasserstein(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	double a[] = {1, 0}, b[] = {2, 1}, c[] = {3, 1, 2, 2}, d, e[] = {5, 3, 4, 4};
	CHECK_OK(ctx, cairn__wasserstein(ctx, a, 2, b, 2, &d));
	CHECK_NEAR(d, 1, 1e-15);
	CHECK_OK(ctx, cairn__wasserstein(ctx, c, 4, c, 4, &d));
	CHECK(d == 0);
	CHECK_OK(ctx, cairn__wasserstein(ctx, c, 4, e, 4, &d));
	CHECK_NEAR(d, 2, 1e-15);
	/* {0} against {0, 0, 3}: a third of the mass moves 3. */
	double z[] = {0}, w[] = {0, 0, 3};
	CHECK_OK(ctx, cairn__wasserstein(ctx, z, 1, w, 3, &d));
	CHECK_NEAR(d, 1, 1e-15);
	double bad[] = {NAN};
	CHECK_ERR(ctx, cairn__wasserstein(ctx, a, 2, bad, 1, &d), CAIRN_EINVAL, "not finite");
	CHECK_ERR(ctx, cairn__wasserstein(ctx, a, 0, b, 2, &d), CAIRN_EINVAL, "empty");
	cairn_ctx_free(ctx);
}

static void test_divergences(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	double p[] = {1, 0}, q[] = {0, 1}, h[] = {0.5, 0.5}, c[] = {5, 5}, d;
	/* Disjoint supports: JS divergence ln 2, distance sqrt(ln 2) (1 in
	 * base 2); Hellinger 1; KL infinite. */
	CHECK_OK(ctx, cairn__jensenshannon(ctx, p, q, 2, 0, &d));
	CHECK_NEAR(d, sqrt(log(2)), 1e-15);
	CHECK_OK(ctx, cairn__jensenshannon(ctx, p, q, 2, 2, &d));
	CHECK_NEAR(d, 1, 1e-15);
	CHECK_OK(ctx, cairn__hellinger(ctx, p, q, 2, &d));
	CHECK_NEAR(d, 1, 1e-15);
	CHECK_OK(ctx, cairn__kl_divergence(ctx, p, q, 2, &d));
	CHECK(isinf(d));
	/* Counts are normalized: {5, 5} is {0.5, 0.5}. */
	CHECK_OK(ctx, cairn__jensenshannon(ctx, h, c, 2, 0, &d));
	CHECK(d == 0);
	CHECK_OK(ctx, cairn__kl_divergence(ctx, h, c, 2, &d));
	CHECK(d == 0);
	CHECK_OK(ctx, cairn__hellinger(ctx, h, c, 2, &d));
	CHECK(d == 0);
	double neg[] = {-1, 2}, zero[] = {0, 0};
	CHECK_ERR(ctx, cairn__jensenshannon(ctx, neg, h, 2, 0, &d), CAIRN_EINVAL, "share 0");
	CHECK_ERR(ctx, cairn__hellinger(ctx, h, zero, 2, &d), CAIRN_EINVAL, "sums to 0");
	CHECK_ERR(ctx, cairn__jensenshannon(ctx, h, h, 2, 1, &d), CAIRN_EINVAL, "base");
	cairn_ctx_free(ctx);
}

/* PSI: (r - c) ln(r / c) summed; a zero share is floored at 0.0001, or at
 * the vector's least nonzero share / 10^6 when that is <= 0.0001. */
static void test_psi(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	double r[] = {0.5, 0.5}, c[] = {0.25, 0.75}, d;
	CHECK_OK(ctx, cairn__psi(ctx, r, c, 2, &d));
	CHECK_NEAR(d, 0.25 * log(2) + -0.25 * log(0.5 / 0.75), 1e-15);
	CHECK_OK(ctx, cairn__psi(ctx, r, r, 2, &d));
	CHECK(d == 0);
	double z[] = {1, 0};
	CHECK_OK(ctx, cairn__psi(ctx, r, z, 2, &d));
	CHECK_NEAR(d, (0.5 - 1) * log(0.5) + (0.5 - 0.0001) * log(0.5 / 0.0001), 1e-12);
	double tiny[] = {1 - 0.00005, 0.00005, 0};
	double even[] = {0.5, 0.25, 0.25};
	CHECK_OK(ctx, cairn__psi(ctx, even, tiny, 3, &d));
	double f = 0.00005 / 1e6;
	CHECK_NEAR(d, (0.5 - tiny[0]) * log(0.5 / tiny[0]) +
		   (0.25 - 0.00005) * log(0.25 / 0.00005) + (0.25 - f) * log(0.25 / f), 1e-12);
	cairn_ctx_free(ctx);
}

/* Ten quantile bins of 0..99: ten values each; the current sample's
 * values beyond the reference's range go to the first and last bins. */
static void test_quantile_bins(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	double ref[100], cur[4] = {-50, 4.5, 50, 500}, rs[10], cs[10];
	for (int i = 0; i < 100; i++)
		ref[i] = i;
	CHECK_OK(ctx, cairn__quantile_bin_shares(ctx, ref, 100, cur, 4, 10, rs, cs));
	for (int i = 0; i < 10; i++)
		CHECK_NEAR(rs[i], 0.1, 1e-15);
	CHECK_NEAR(cs[0], 0.5, 1e-15);
	CHECK_NEAR(cs[5], 0.25, 1e-15);
	CHECK_NEAR(cs[9], 0.25, 1e-15);
	/* A constant reference: every edge the same, one full bin each. */
	double k[5] = {7, 7, 7, 7, 7};
	CHECK_OK(ctx, cairn__quantile_bin_shares(ctx, k, 5, k, 5, 10, rs, cs));
	CHECK(rs[0] == 1 && cs[0] == 1 && rs[9] == 0 && cs[9] == 0);
	CHECK_ERR(ctx, cairn__quantile_bin_shares(ctx, k, 5, k, 0, 10, rs, cs), CAIRN_EINVAL,
		  "current sample is empty");
	cairn_ctx_free(ctx);
}

static void test_ztest(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	double z, p;
	CHECK_OK(ctx, cairn__ztest(ctx, 0, 10, 0, 20, &z, &p));
	CHECK(z == 0 && p == 1);
	CHECK_OK(ctx, cairn__ztest(ctx, 5, 10, 10, 20, &z, &p));
	CHECK(z == 0);
	CHECK_NEAR(p, 1, 1e-15);
	/* 50 of 100 against 30 of 100: P = 0.4, z = 0.2 / sqrt(0.24 * 0.02). */
	CHECK_OK(ctx, cairn__ztest(ctx, 50, 100, 30, 100, &z, &p));
	CHECK_NEAR(z, 0.2 / sqrt(0.24 * 0.02), 1e-12);
	CHECK_NEAR(p, erfc(z / sqrt(2)), 1e-12);
	CHECK_ERR(ctx, cairn__ztest(ctx, 11, 10, 0, 20, &z, &p), CAIRN_EINVAL, "11 ones");
	CHECK_ERR(ctx, cairn__ztest(ctx, 0, 0, 0, 20, &z, &p), CAIRN_EINVAL, "first sample");
	cairn_ctx_free(ctx);
}

/* anderson_ksamp: the p-value is capped at 0.25 and floored at 0.001. */
static void test_anderson(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	double x[40], y[40], a2, p;
	for (int i = 0; i < 40; i++) {
		x[i] = i;
		y[i] = i + 0.5;
	}
	CHECK_OK(ctx, cairn__anderson_ksamp(ctx, x, 40, y, 40, &a2, &p));
	CHECK(a2 < 0);
	CHECK(p == 0.25);
	for (int i = 0; i < 40; i++)
		y[i] = i + 100;
	CHECK_OK(ctx, cairn__anderson_ksamp(ctx, x, 40, y, 40, &a2, &p));
	CHECK(a2 > 10);
	CHECK(p == 0.001);
	double k[2] = {1, 1};
	CHECK_ERR(ctx, cairn__anderson_ksamp(ctx, k, 2, k, 2, &a2, &p), CAIRN_EINVAL,
		  "more than one distinct value");
	CHECK_ERR(ctx, cairn__anderson_ksamp(ctx, x, 1, y, 2, &a2, &p), CAIRN_EINVAL,
		  "at least 4 values");
	cairn_ctx_free(ctx);
}

const struct unit_test monitor_stats_tests[] = {
	{"ks_identical", test_ks_identical},
	{"ks_separated", test_ks_separated},
	{"ks_ties", test_ks_ties},
	{"ks_sizes", test_ks_sizes},
	{"ks_refused", test_ks_refused},
	{"kolmogorov", test_kolmogorov},
	{"gamma", test_gamma},
	{"chisquare", test_chisquare},
	{"wasserstein", test_wasserstein},
	{"divergences", test_divergences},
	{"psi", test_psi},
	{"quantile_bins", test_quantile_bins},
	{"ztest", test_ztest},
	{"anderson", test_anderson},
	{NULL, NULL},
};
