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
 * are): the digit loops stop there without a bounds check. Numbers of 4 to 8
 * bytes (but for the sign) are read as one word (SWAR) instead.
 */
#ifndef CAIRN_DATA_FASTNUM_H
#define CAIRN_DATA_FASTNUM_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

enum { CAIRN__NUM_NONE = 0, CAIRN__NUM_INT, CAIRN__NUM_FLOAT };

/* The bytes of p[0..4) as a word, p[0] in its low byte. */
static inline uint32_t cairn__load4(const char *p)
{
	uint32_t x;

	memcpy(&x, p, 4);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	x = __builtin_bswap32(x);
#endif
	return x;
}

/* Four digits at once (SWAR): 1 and their value in *v when p[0..4) are all
 * digits, else 0. */
static inline int cairn__digits4(const char *p, uint32_t *v)
{
	uint32_t t = cairn__load4(p) ^ 0x30303030; /* digits become 0..9 */

	if (((t + 0x76767676) | t) & 0x80808080) /* a byte above 9 */
		return 0;
	t = t * 10 + (t >> 8); /* 10 * d0 + d1 in byte 0, 10 * d2 + d3 in byte 2 */
	*v = ((t & 0x00ff00ff) * ((100 << 16) + 1)) >> 16;
	return 1;
}

/* The value of eight digits 0..9 in the bytes of t, the first (the most
 * significant) in the low byte: Lemire's SWAR conversion, three
 * multiplications for the eight. */
static inline uint32_t cairn__eight_digits(uint64_t t)
{
	t = t * 10 + (t >> 8); /* 10 * d0 + d1, 10 * d2 + d3, ... in bytes 0, 2, 4, 6 */
	return (uint32_t)((((t & 0x000000ff000000ffULL) * (100 + (1000000ULL << 32))) +
			   (((t >> 16) & 0x000000ff000000ffULL) * (1 + (10000ULL << 32)))) >> 32);
}

/* The bytes above 9 in t (bit 7 of each set), for bytes below 0x80. */
static inline uint64_t cairn__non_digits(uint64_t t)
{
	return ((t + 0x7676767676767676ULL) | t) & 0x8080808080808080ULL;
}

/* cairn__fast_number() of an unsigned number of 4 to 8 bytes, all in one
 * word: t holds the bytes XOR '0' (digits become 0..9), the last one in the
 * top byte and zeros (leading zero digits) below the first. A plain number
 * has no byte above 9 but for one point; ".5" and "5." are numbers too
 * (cairn_parse_float() takes them, with the same value). */
static inline int cairn__fast_word(uint64_t t, int neg, int64_t *i, double *d, int *fd)
{
	static const double pow10[] = { 1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7 };
	uint64_t nd = cairn__non_digits(t), lo;
	int at;

	if (!nd) {
		*i = neg ? -(int64_t)cairn__eight_digits(t) : (int64_t)cairn__eight_digits(t);
		*d = (double)*i;
		return CAIRN__NUM_INT;
	}
	at = __builtin_ctzll(nd) - 7; /* the first non-digit's lowest bit */
	if ((nd & (nd - 1)) || ((t >> at) & 0xff) != ('.' ^ '0'))
		return CAIRN__NUM_NONE;
	/* Drop the point: the digits before it move up a byte. */
	lo = t & ((1ULL << at) - 1);
	t = ((t >> at >> 8) << at << 8) | lo << 8;
	*fd = (56 - at) >> 3;
	*d = (double)cairn__eight_digits(t) / pow10[*fd];
	if (neg)
		*d = -*d;
	return CAIRN__NUM_FLOAT;
}

/* cairn__fast_number(), telling also, for a decimal, its digits after the
 * point in *fd. */
static inline __attribute__((always_inline)) int cairn__fast_number_fd(const char *s, size_t len,
									int64_t *i, double *d,
									int *fd)
{
	static const double pow10[] = {
		1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9,
		1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19
	};
	const char *p = s, *e = s + len, *digits, *frac;
	uint64_t m = 0;
	size_t n;
	unsigned c;
	int neg;

	if (len - 1 >= 20) /* empty, or longer than sign + 18 digits + point */
		return CAIRN__NUM_NONE;
	neg = *p == '-';
	if (neg || *p == '+')
		p++;
	n = (size_t)(e - p);
	if (n - 4 <= 4) {
		/* 4 to 8 bytes: one word, the first bytes in both halves when
		 * shorter (the loads overlap, in the text). */
		uint32_t x = cairn__load4(p), y = cairn__load4(e - 4);
		if ((x | y) & 0x80808080)
			return CAIRN__NUM_NONE;
		return cairn__fast_word((uint64_t)(y ^ 0x30303030) << 32 |
					(uint64_t)(x ^ 0x30303030) << (64 - 8 * n), neg, i, d, fd);
	}
	/* Shorter or longer: a digit at a time. */
	digits = p;
	while ((c = (unsigned)(*p - '0')) < 10) {
		m = m * 10 + c;
		p++;
	}
	if (p == e && p != digits && p - digits <= 18) {
		*i = neg ? -(int64_t)m : (int64_t)m;
		*d = (double)*i;
		return CAIRN__NUM_INT;
	}
	if (*p != '.' || p == digits || p + 1 == e)
		return CAIRN__NUM_NONE;
	/* At most 19 digits in all (len <= 20 with the point): m cannot wrap. */
	frac = ++p;
	while ((c = (unsigned)(*p - '0')) < 10) {
		m = m * 10 + c;
		p++;
	}
	if (p != e || m > (1ull << 53))
		return CAIRN__NUM_NONE;
	*fd = (int)(e - frac);
	*d = (double)m / pow10[*fd];
	if (neg)
		*d = -*d;
	return CAIRN__NUM_FLOAT;
}

/* CAIRN__NUM_INT with *i and *d set (*d = (double)*i), CAIRN__NUM_FLOAT with
 * *d set, or CAIRN__NUM_NONE: ask the general parsers. */
static inline __attribute__((always_inline)) int cairn__fast_number(const char *s, size_t len,
								     int64_t *i, double *d)
{
	int fd;

	return cairn__fast_number_fd(s, len, i, d, &fd);
}

/*
 * The shortcut of the shortcut, for columns of decimals printed with a
 * fixed number of digits after the point: 1 and *d when s is a number of at
 * most 16 bytes with exactly fd (1 to 8) digits after its point, the same
 * value as cairn__fast_number() (and cairn_parse_float()) give but +0 for -0;
 * 0 for anything else, which may still be a number. The point is looked for
 * where it must be, and the digits after it are read in one go. *m is the
 * number without its point: *d is (double)*m / 10^fd.
 */
static inline __attribute__((always_inline)) int cairn__fast_decimal(const char *s, size_t len,
								      int fd, double *d, int64_t *sm)
{
	static const double pow10[] = { 1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8 };
	static const uint32_t upow10[] = { 1, 10, 100, 1000, 10000, 100000, 1000000, 10000000,
					   100000000 };
	const char *p, *e = s + len, *point = e - fd - 1;
	uint64_t m = 0;
	uint32_t f;
	unsigned c;
	int neg;

	/* fd + 1 <= len <= 16: at most 15 digits, so m stays below 2^53. */
	if (len - fd - 1 > (size_t)(15 - fd) || *point != '.')
		return 0;
	neg = *s == '-';
	p = s + (neg || *s == '+');
	if (point - p == 1) { /* the usual integer part */
		if ((m = (unsigned)(*p - '0')) >= 10)
			return 0;
	} else {
		for (; p < point; p++) {
			if ((c = (unsigned)(*p - '0')) >= 10)
				return 0;
			m = m * 10 + c;
		}
	}
	if (fd == 4) {
		if (!cairn__digits4(point + 1, &f))
			return 0;
	} else if (fd > 4) {
		uint32_t x = cairn__load4(point + 1), y = cairn__load4(e - 4);
		uint64_t t = (uint64_t)(y ^ 0x30303030) << 32 |
			     (uint64_t)(x ^ 0x30303030) << (64 - 8 * fd);
		if (((x | y) & 0x80808080) || cairn__non_digits(t))
			return 0;
		f = cairn__eight_digits(t);
	} else {
		for (f = 0, p = point + 1; p < e; p++) {
			if ((c = (unsigned)(*p - '0')) >= 10)
				return 0;
			f = f * 10 + c;
		}
	}
	m = m * upow10[fd] + f;
	/* The sign on the integer, without a branch (signs come in any order):
	 * -m / 10^fd is -(m / 10^fd), and -0 is 0. */
	*sm = ((int64_t)m ^ -(int64_t)neg) + neg;
	*d = (double)*sm / pow10[fd];
	return 1;
}

/* cairn__fast_decimal() for fd 1 to 8 (else 0), compiled once for each, so
 * that the offsets and powers of ten are constants. */
static inline __attribute__((always_inline)) int cairn__fast_decimal_fd(const char *s, size_t len,
									 int fd, double *d,
									 int64_t *m)
{
	switch (fd) {
	case 1: return cairn__fast_decimal(s, len, 1, d, m);
	case 2: return cairn__fast_decimal(s, len, 2, d, m);
	case 3: return cairn__fast_decimal(s, len, 3, d, m);
	case 4: return cairn__fast_decimal(s, len, 4, d, m);
	case 5: return cairn__fast_decimal(s, len, 5, d, m);
	case 6: return cairn__fast_decimal(s, len, 6, d, m);
	case 7: return cairn__fast_decimal(s, len, 7, d, m);
	case 8: return cairn__fast_decimal(s, len, 8, d, m);
	}
	return 0;
}

#endif
