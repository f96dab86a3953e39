/*
 * Distances and divergences of two distributions over the same bins or
 * categories (stats.h): Jensen-Shannon and Kullback-Leibler as SciPy
 * computes them, Hellinger and PSI as Evidently's drift tests do.
 */
#include <math.h>
#include "monitor/stats.h"

/* Each value finite and >= 0, the sum positive; *sum set. */
static int check_distribution(cairn_ctx *ctx, const char *what, const double *p, size_t n,
			      double *sum)
{
	double s = 0;
	if (!n)
		return cairn_error(ctx, CAIRN_EINVAL, "the %s distribution is empty", what);
	for (size_t i = 0; i < n; i++) {
		if (!isfinite(p[i]) || p[i] < 0)
			return cairn_error(ctx, CAIRN_EINVAL, "the %s distribution's share %zu is "
					   "%g, not a finite number >= 0", what, i, p[i]);
		s += p[i];
	}
	if (!(s > 0))
		return cairn_error(ctx, CAIRN_EINVAL, "the %s distribution sums to 0", what);
	*sum = s;
	return 0;
}

static int check_pair(cairn_ctx *ctx, const double *p, const double *q, size_t n,
		      double *psum, double *qsum)
{
	int rc = check_distribution(ctx, "first", p, n, psum);
	return rc ? rc : check_distribution(ctx, "second", q, n, qsum);
}

/* scipy.special.rel_entr(x, y) for x, y >= 0. */
static double rel_entr(double x, double y)
{
	if (x == 0)
		return 0;
	if (y == 0)
		return INFINITY;
	return x * log(x / y);
}

int cairn__jensenshannon(cairn_ctx *ctx, const double *p, const double *q, size_t n,
			 double base, double *distance)
{
	double ps, qs, left = 0, right = 0;
	int rc = check_pair(ctx, p, q, n, &ps, &qs);
	if (rc)
		return rc;
	if (base < 0 || base == 1 || isnan(base))
		return cairn_error(ctx, CAIRN_EINVAL, "a logarithm's base must be > 0 and not 1, "
				   "not %g", base);
	for (size_t i = 0; i < n; i++) {
		double a = p[i] / ps, b = q[i] / qs, m = (a + b) / 2.0;
		left += rel_entr(a, m);
		right += rel_entr(b, m);
	}
	double js = left + right;
	if (base > 0)
		js /= log(base);
	*distance = sqrt(js / 2.0);
	return 0;
}

int cairn__kl_divergence(cairn_ctx *ctx, const double *p, const double *q, size_t n,
			 double *divergence)
{
	double ps, qs, sum = 0;
	int rc = check_pair(ctx, p, q, n, &ps, &qs);
	if (rc)
		return rc;
	for (size_t i = 0; i < n; i++)
		sum += rel_entr(p[i] / ps, q[i] / qs);
	*divergence = sum;
	return 0;
}

int cairn__hellinger(cairn_ctx *ctx, const double *p, const double *q, size_t n,
		     double *distance)
{
	double ps, qs, sum = 0;
	int rc = check_pair(ctx, p, q, n, &ps, &qs);
	if (rc)
		return rc;
	for (size_t i = 0; i < n; i++)
		sum += sqrt(p[i] / ps * (q[i] / qs));
	*distance = sqrt(1 - fmin(fmax(sum, 0), 1));
	return 0;
}

/* Evidently's floor for a vector's zero shares. */
static double zero_floor(const double *p, size_t n)
{
	double least = INFINITY;
	for (size_t i = 0; i < n; i++)
		if (p[i] > 0 && p[i] < least)
			least = p[i];
	return least <= 0.0001 ? least / 1e6 : 0.0001;
}

int cairn__psi(cairn_ctx *ctx, const double *ref_share, const double *cur_share,
	       size_t n, double *psi)
{
	double rs, cs, sum = 0;
	int rc = check_pair(ctx, ref_share, cur_share, n, &rs, &cs);
	if (rc)
		return rc;
	double rf = zero_floor(ref_share, n), cf = zero_floor(cur_share, n);
	for (size_t i = 0; i < n; i++) {
		double r = ref_share[i] > 0 ? ref_share[i] : rf;
		double c = cur_share[i] > 0 ? cur_share[i] : cf;
		sum += (r - c) * log(r / c);
	}
	*psi = sum;
	return 0;
}
