/*
 * The hot-path shortcut of cairn_parse_int() and cairn_parse_float() for the
 * plain numbers that fill most numeric columns: an optional sign, 1 to 18
 * digits, and optionally a point followed by digits, 19 digits in all.
 *
 * It decides nothing on its own: it accepts only text that cairn_parse_int()
 * (no point) or cairn_parse_float() (a point) accepts, computes the very same
 * value the same way (for decimals, Clinger's exact case: the digits as an
 * integer below 2^53 divided by an exact power of ten), and returns 0 for
 * everything else, which the caller hands to those functions. The type rules
 * stay in src/data/value.c; tests/unit/test-profile.c checks the agreement.
 * It is inlined into the profiler's loop, where a call to cairn_parse_float()
 * (general grammar, then strtod) costs more than the rest of the work.
 *
 * s must be NUL-terminated (s[len] == '\0', as CSV fields and interned keys
 * are): the digit loops stop there without a bounds check.
 */
#ifndef CAIRN_DATA_FASTNUM_H
#define CAIRN_DATA_FASTNUM_H

#include <stddef.h>
#include <stdint.h>

enum { CAIRN__NUM_NONE = 0, CAIRN__NUM_INT, CAIRN__NUM_FLOAT };

/* CAIRN__NUM_INT with *i and *d set (*d = (double)*i), CAIRN__NUM_FLOAT with
 * *d set, or CAIRN__NUM_NONE: ask the general parsers. */
static inline int cairn__fast_number(const char *s, size_t len, int64_t *i, double *d)
{
	static const double pow10[] = {
		1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9,
		1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19
	};
	const char *p = s, *e = s + len, *digits, *frac;
	uint64_t m = 0;
	unsigned c;
	int neg;

	if (len - 1 >= 20) /* empty, or longer than sign + 18 digits + point */
		return CAIRN__NUM_NONE;
	neg = *p == '-';
	p += *p == '-' || *p == '+';
	digits = p;
	while ((c = (unsigned)(*p - '0')) < 10) {
		m = m * 10 + c;
		p++;
	}
	if (p == digits || p - digits > 18)
		return CAIRN__NUM_NONE;
	if (p == e) {
		*i = neg ? -(int64_t)m : (int64_t)m;
		*d = (double)*i;
		return CAIRN__NUM_INT;
	}
	if (*p != '.')
		return CAIRN__NUM_NONE;
	frac = ++p;
	while ((c = (unsigned)(*p - '0')) < 10) {
		m = m * 10 + c;
		p++;
	}
	/* At most 19 digits in all (len <= 20 with the point): m did not wrap. */
	if (p != e || p == frac || m > (1ull << 53))
		return CAIRN__NUM_NONE;
	*d = (double)m / pow10[p - frac];
	if (neg)
		*d = -*d;
	return CAIRN__NUM_FLOAT;
}

#endif
