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

/* The prec digits of n (10^(prec-1) <= n < 10^prec) into d, two at a
 * time, in 32-bit arithmetic below 10^8. */
static void put_digits(uint64_t n, int prec, char d[20])
{
	static const char pairs[] =
		"0001020304050607080910111213141516171819202122232425262728293031323334353637383940414243444546474849"
		"5051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899";
	uint32_t m;
	int i = prec;

	while (n >= 100000000) {
		m = (uint32_t)(n % 100000000);
		n /= 100000000;
		for (int k = 0; k < 4; k++, m /= 100) {
			i -= 2;
			memcpy(d + i, pairs + 2 * (m % 100), 2);
		}
	}
	for (m = (uint32_t)n; i >= 2; m /= 100) {
		i -= 2;
		memcpy(d + i, pairs + 2 * (m % 100), 2);
	}
	if (i)
		d[0] = (char)('0' + m);
}

/* "%.*g" of the value n x 10^(x - prec + 1), n holding exactly prec
 * digits: trailing zeros dropped, an exponent below -4 or from prec up
 * written as "e-05" or "e+17". */
static size_t format_g(int neg, uint64_t n, int prec, int x, char out[32])
{
	char d[20], *p = out;
	int nd = prec;

	put_digits(n, prec, d);
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

/* 10^k for k from -27 to 27 (those below 1 rounded: they serve as bounds
 * with a margin). */
static const double approx_pow10[] = {
	1e-27, 1e-26, 1e-25, 1e-24, 1e-23, 1e-22, 1e-21, 1e-20, 1e-19, 1e-18, 1e-17, 1e-16,
	1e-15, 1e-14, 1e-13, 1e-12, 1e-11, 1e-10, 1e-9, 1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3,
	1e-2, 1e-1, 1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13,
	1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22, 1e23, 1e24, 1e25, 1e26, 1e27
};

/*
 * The prec (15 or 16) digits of |v| = a, 2^e2 <= a < 2^(e2+1), from its 17
 * digits n17 (a x 10^(16 - x17) rounded, so within 1/2 of it): n17
 * rounded to the place dropped, as a's own would be unless n17 ends in
 * exactly one half of it (then a may round either way) or they carry into
 * an 18th digit. Then 1 with them in *n, or 0 when they are D units of
 * 10^(x17 - 16) from n17, so at least D - 1/2 from a, clearly more than
 * half of a's ulp (2^(e2 - 53) x 10^(16 - x17) units): they cannot read
 * back as a. -1 when unsure: the exact way decides.
 */
static int shorter_digits(uint64_t n17, int x17, int e2, int prec, uint64_t *n)
{
	uint64_t unit = prec == 16 ? 10 : 100, r = n17 % unit, near = n17 - r, d;
	uint64_t bits = (uint64_t)(e2 - 53 + 1023) << 52;
	double half_ulp;

	if (2 * r == unit || 16 - x17 < -27 || 16 - x17 > 27 || e2 - 53 < -1022)
		return -1;
	if (2 * r > unit)
		near += unit;
	if (near >= pow10[17])
		return -1;
	memcpy(&half_ulp, &bits, sizeof(half_ulp));   /* 2^(e2 - 53) */
	half_ulp *= approx_pow10[16 - x17 + 27];
	d = near > n17 ? near - n17 : n17 - near;
	if ((double)d - 0.5 > 1.01 * half_ulp)
		return 0;
	*n = near / unit;
	return 1;
}

size_t cairn_format_double(double v, char out[32])
{
	double a = fabs(v), back;
	uint64_t n, n17, bits;
	int e2, x0, x, x17 = 0, shorter;

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
	/* The 17 digits first: 15 and 16 are most often theirs rounded, and
	 * most doubles need all 17 (any float32 value made a double does). */
	if (!digits(a, 17, x0, &n17, &x17))
		n17 = 0;
	for (int prec = 15; prec <= 17; prec++) {
		shorter = prec < 17 && n17 ? shorter_digits(n17, x17, e2, prec, &n) : -1;
		if (!shorter)
			continue;
		x = x17;
		if (prec == 17 && n17)
			n = n17;
		else if (shorter < 0 && !digits(a, prec, x0, &n, &x))
			break;
		if (prec == 17)
			return format_g(v < 0, n, prec, x, out);
		if (!cairn__decimal_to_double(n, x - prec + 1, &back))
			break;
		if (back == a)
			return format_g(v < 0, n, prec, x, out);
	}
	return format_slow(v, out);
}
