/*
 * The regularized incomplete gamma functions P(a, x) and Q(a, x) = 1 - P
 * (stats.h), as scipy.special.gammainc and gammaincc, and chi2.sf on them:
 * the power series of P below x = a + 1, Legendre's continued fraction of
 * Q (modified Lentz) above it, each computing the small side directly so
 * that a tail probability keeps its relative accuracy.
 */
#include <float.h>
#include <math.h>
#include "monitor/stats.h"

#define MAX_TERMS 100000
#define EPS (DBL_EPSILON / 2)

/* log(x^a e^-x / Gamma(a)): the factor both expansions share. */
static double log_prefix(double a, double x)
{
	return a * log(x) - x - lgamma(a);
}

/* P(a, x) by its series, for x < a + 1. */
static double lower_series(double a, double x)
{
	double term = 1.0 / a, sum = term, ap = a;
	for (int n = 0; n < MAX_TERMS; n++) {
		ap += 1;
		term *= x / ap;
		sum += term;
		if (fabs(term) < fabs(sum) * EPS)
			break;
	}
	return sum * exp(log_prefix(a, x));
}

/* Q(a, x) by its continued fraction, for x >= a + 1. */
static double upper_fraction(double a, double x)
{
	const double tiny = DBL_MIN / EPS;
	double b = x + 1 - a, c = 1 / tiny, d = 1 / b, h = d;
	for (int i = 1; i < MAX_TERMS; i++) {
		double an = -i * (i - a);
		b += 2;
		d = an * d + b;
		if (fabs(d) < tiny)
			d = tiny;
		c = b + an / c;
		if (fabs(c) < tiny)
			c = tiny;
		d = 1 / d;
		double delta = d * c;
		h *= delta;
		if (fabs(delta - 1) < EPS)
			break;
	}
	return exp(log_prefix(a, x)) * h;
}

double cairn__gammainc(double a, double x)
{
	if (isnan(a) || isnan(x) || a <= 0 || x < 0)
		return NAN;
	if (x == 0)
		return 0;
	if (isinf(x))
		return 1;
	if (x < a + 1)
		return lower_series(a, x);
	return 1 - upper_fraction(a, x);
}

double cairn__gammaincc(double a, double x)
{
	if (isnan(a) || isnan(x) || a <= 0 || x < 0)
		return NAN;
	if (x == 0)
		return 1;
	if (isinf(x))
		return 0;
	if (x < a + 1)
		return 1 - lower_series(a, x);
	return upper_fraction(a, x);
}

double cairn__chi2_sf(double x, double df)
{
	if (isnan(x) || !(df > 0))
		return NAN;
	if (x <= 0)
		return 1;
	return cairn__gammaincc(df / 2, x / 2);
}
