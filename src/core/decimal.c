/* Exact decimal <-> double conversions in 128-bit integers; see decimal.h. */
#include <math.h>
#include <string.h>
#include "core/decimal.h"

typedef unsigned __int128 u128;

static const uint64_t pow5[CAIRN__DECIMAL_MAX_EXP + 1] = {
	1ull, 5ull, 25ull, 125ull, 625ull, 3125ull, 15625ull, 78125ull, 390625ull,
	1953125ull, 9765625ull, 48828125ull, 244140625ull, 1220703125ull, 6103515625ull,
	30517578125ull, 152587890625ull, 762939453125ull, 3814697265625ull,
	19073486328125ull, 95367431640625ull, 476837158203125ull, 2384185791015625ull,
	11920928955078125ull, 59604644775390625ull, 298023223876953125ull,
	1490116119384765625ull, 7450580596923828125ull
};

static int bits128(u128 x)
{
	uint64_t hi = (uint64_t)(x >> 64);

	if (hi)
		return 128 - __builtin_clzll(hi);
	return x ? 64 - __builtin_clzll((uint64_t)x) : 0;
}

/* n / d and its remainder, d below 2^64: two 64-bit divisions (what the
 * compiler's 128-bit division does in general, at several times the cost). */
static u128 divmod64(u128 n, uint64_t d, uint64_t *rem)
{
#if defined(__x86_64__)
	uint64_t hi = (uint64_t)(n >> 64), lo = (uint64_t)n, qhi = hi / d, r = hi % d, qlo;

	__asm__("divq %4" : "=a"(qlo), "=d"(r) : "a"(lo), "d"(r), "rm"(d));
	*rem = r;
	return (u128)qhi << 64 | qlo;
#else
	*rem = (uint64_t)(n % d);
	return n / d;
#endif
}

/* Whether q/den's remainder r rounds the quotient q up: above one half,
 * or exactly one half and q odd. */
static int rounds_up(u128 q, u128 r, u128 den)
{
	u128 twice = r << 1;  /* r < den <= 2^127 */

	return twice > den || (twice == den && (q & 1));
}

/* (q + a fraction that is nonzero when sticky) x 2^b2, rounded to a
 * double; q != 0, and q holds more than 53 bits whenever sticky is set. */
static double to_double(u128 q, int sticky, int b2)
{
	int n = bits128(q);

	if (n > 53) {
		int sh = n - 53;
		u128 low = q & (((u128)1 << sh) - 1), half = (u128)1 << (sh - 1);
		q >>= sh;
		b2 += sh;
		if (low > half || (low == half && (sticky || (q & 1))))
			q++;
		if (q >> 53) {
			q >>= 1;
			b2++;
		}
	}
	/* q < 2^53 now: a normal double's bits unless b2 is extreme. */
	n = bits128(q);
	if (n == 53 && b2 + 52 + 1023 >= 1 && b2 + 52 + 1023 <= 2046) {
		uint64_t bits = (uint64_t)(b2 + 52 + 1023) << 52 | ((uint64_t)q & ((1ull << 52) - 1));
		double d;
		memcpy(&d, &bits, sizeof(d));
		return d;
	}
	return ldexp((double)(uint64_t)q, b2);
}

int cairn__decimal_to_double(uint64_t m, int e10, double *out)
{
	u128 num;
	uint64_t rem;
	int shift;

	if (e10 < -CAIRN__DECIMAL_MAX_EXP || e10 > CAIRN__DECIMAL_MAX_EXP)
		return 0;
	if (!m) {
		*out = 0.0;
		return 1;
	}
	if (e10 >= 0) {
		*out = to_double((u128)m * pow5[e10], 0, e10);
		return 1;
	}
	/* m / 10^j = (m << shift) / 5^j x 2^(-shift - j): a quotient of at
	 * least 65 bits, its remainder the sticky bit. */
	shift = 128 - bits128(m);
	num = divmod64((u128)m << shift, pow5[-e10], &rem);
	*out = to_double(num, rem != 0, -shift + e10);
	return 1;
}

int cairn__double_scaled_round(double v, int k, uint64_t *out)
{
	uint64_t bits, m;
	int e, s;
	u128 q, r, den;

	if (!isfinite(v) || k < -CAIRN__DECIMAL_MAX_EXP || k > CAIRN__DECIMAL_MAX_EXP)
		return 0;
	memcpy(&bits, &v, sizeof(bits));
	m = bits & ((1ull << 52) - 1);
	e = (int)((bits >> 52) & 0x7ff);
	if (e) {
		m |= 1ull << 52;
		e -= 1075;
	} else {
		e = -1074;
	}
	if (!m) {
		*out = 0;
		return 1;
	}
	/* |v| x 10^k = m x 2^e x 10^k: a numerator over a denominator of a
	 * power of two (k >= 0) or five (k < 0) times one of two. */
	if (k >= 0) {
		q = (u128)m * pow5[k];
		s = e + k;
		if (s >= 0) {
			if (bits128(q) + s > 64)
				return 0;
			*out = (uint64_t)(q << s);
			return 1;
		}
		if (-s > 120) {   /* q < 2^116: less than one half */
			*out = 0;
			return 1;
		}
		den = (u128)1 << -s;
		r = q & (den - 1);
		q >>= -s;
	} else {
		s = e + k;
		if (s >= 0) {
			if (bits128(m) + s > 127)
				return 0;   /* above 2^127 / 5^27 > 2^64 */
			uint64_t rem;
			den = pow5[-k];
			q = divmod64((u128)m << s, pow5[-k], &rem);
			r = rem;
		} else {
			if (-s > 64) {    /* den > 2^64 > 2m */
				*out = 0;
				return 1;
			}
			den = (u128)pow5[-k] << -s;
			q = m / den;
			r = m % den;
		}
	}
	q += rounds_up(q, r, den);
	if (q >> 64)
		return 0;
	*out = (uint64_t)q;
	return 1;
}
