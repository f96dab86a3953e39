/* Shortest round-trip text for doubles; see format.h. For the doubles
 * whose decimal exponent is within the range of core/decimal.h (about
 * 1e-11 to 1e40) the digits are made in integer arithmetic, exactly as
 * printf's "%.*g" makes them; others go through snprintf and strtod. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/decimal.h"
#include "core/format.h"

static const uint64_t pow10[] = {
	1ull, 10ull, 100ull, 1000ull, 10000ull, 100000ull, 1000000ull, 10000000ull,
	100000000ull, 1000000000ull, 10000000000ull, 100000000000ull, 1000000000000ull,
	10000000000000ull, 100000000000000ull, 1000000000000000ull, 10000000000000000ull,
	100000000000000000ull, 1000000000000000000ull
};

static size_t format_slow(double v, char out[32])
{
	int n = 0;

	for (int prec = 15; prec <= 17; prec++) {
		n = snprintf(out, 32, "%.*g", prec, v);
		if (prec == 17 || strtod(out, NULL) == v)
			break;
	}
	return (size_t)n;
}

/* "%.*g" of the value n x 10^(x - prec + 1), n holding exactly prec
 * digits: trailing zeros dropped, an exponent below -4 or from prec up
 * written as "e-05" or "e+17". */
static size_t format_g(int neg, uint64_t n, int prec, int x, char out[32])
{
	char d[20], *p = out;
	int nd = prec;

	for (int i = prec - 1; i >= 0; i--, n /= 10)
		d[i] = (char)('0' + n % 10);
	while (nd > 1 && d[nd - 1] == '0')
		nd--;
	if (neg)
		*p++ = '-';
	if (x < -4 || x >= prec) {
		int ax = x < 0 ? -x : x;
		*p++ = d[0];
		if (nd > 1) {
			*p++ = '.';
			memcpy(p, d + 1, (size_t)nd - 1);
			p += nd - 1;
		}
		*p++ = 'e';
		*p++ = x < 0 ? '-' : '+';
		if (ax >= 100)
			*p++ = (char)('0' + ax / 100);
		*p++ = (char)('0' + ax / 10 % 10);
		*p++ = (char)('0' + ax % 10);
	} else if (x >= 0) {
		for (int i = 0; i <= x; i++)
			*p++ = i < nd ? d[i] : '0';
		if (nd > x + 1) {
			*p++ = '.';
			memcpy(p, d + x + 1, (size_t)(nd - x - 1));
			p += nd - x - 1;
		}
	} else {
		*p++ = '0';
		*p++ = '.';
		for (int i = 0; i < -x - 1; i++)
			*p++ = '0';
		memcpy(p, d, (size_t)nd);
		p += nd;
	}
	*p = '\0';
	return (size_t)(p - out);
}

/* The prec significant digits of |v| as printf rounds them, in *n, and
 * the decimal exponent of the rounded value in *x; x0 is floor(log10|v|)
 * or one less. */
static int digits(double v, int prec, int x0, uint64_t *n, int *x)
{
	*x = x0;
	if (!cairn__double_scaled_round(v, prec - 1 - *x, n))
		return 0;
	if (*n >= pow10[prec]) {
		++*x;
		if (!cairn__double_scaled_round(v, prec - 1 - *x, n))
			return 0;
	}
	if (*n == pow10[prec]) {   /* 9.99...95 rounded up to 10.0 */
		*n /= 10;
		++*x;
	}
	return 1;
}

size_t cairn_format_double(double v, char out[32])
{
	double a = fabs(v), back;
	uint64_t n, bits;
	int e2, x0, x;

	if (isnan(v))
		return (size_t)snprintf(out, 32, "nan");
	if (isinf(v))
		return (size_t)snprintf(out, 32, v < 0 ? "-inf" : "inf");
	if (a == 0)
		return (size_t)snprintf(out, 32, signbit(v) ? "-0" : "0");
	/* 2^e2 <= a < 2^(e2+1) (a subnormal goes the slow way), so
	 * floor(log10 a) is x0 = floor(e2 log10(2)) or x0 + 1; 78913 / 2^18
	 * is log10(2) closely enough for every e2 of a double. */
	memcpy(&bits, &a, sizeof(bits));
	e2 = (int)(bits >> 52) - 1023;
	if (e2 == -1023)
		return format_slow(v, out);
	x0 = (e2 * 78913) >> 18;
	for (int prec = 15; prec <= 17; prec++) {
		if (!digits(a, prec, x0, &n, &x) ||
		    !cairn__decimal_to_double(n, x - prec + 1, &back))
			break;
		if (back == a || prec == 17)
			return format_g(v < 0, n, prec, x, out);
	}
	return format_slow(v, out);
}
