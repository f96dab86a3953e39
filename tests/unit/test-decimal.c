/* Unit tests for the exact decimal conversions (core/decimal.c) and the
 * number formatting built on them (core/format.c): each result equals the
 * C library's, bit for bit and byte for byte, on values of every kind. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/decimal.h"
#include "core/format.h"
#include "tests/unit/suites.h"

static uint64_t next(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* What cairn_format_double promises, by the C library alone. */
static void reference(double v, char out[32])
{
	if (isnan(v)) {
		snprintf(out, 32, "nan");
		return;
	}
	for (int prec = 15; prec <= 17; prec++) {
		snprintf(out, 32, "%.*g", prec, v);
		if (prec == 17 || strtod(out, NULL) == v)
			return;
	}
}

/* A double of kind i % 9: any bits, a float32's value, a short decimal,
 * a scaled integer, a fraction, a power of ten and its neighbours, a
 * decimal of 8 digits, an integer near 2^53, a subnormal. */
static double sample(uint64_t *s, int i)
{
	uint64_t r = next(s);
	double v;
	float f;
	uint32_t u;

	switch (i % 9) {
	case 0: memcpy(&v, &r, sizeof(v)); break;
	case 1: v = (double)(float)((double)(r >> 11) / 9007199254740992.0); break;
	case 2: v = (double)((int64_t)(r % 2000000) - 1000000) / 10000.0; break;
	case 3: v = ldexp((double)(r >> 11), (int)(next(s) % 200) - 150); break;
	case 4: u = (uint32_t)r; memcpy(&f, &u, sizeof(f)); v = f; break;
	case 5: v = nextafter(pow(10, (int)(r % 90) - 40), (next(s) & 1) ? INFINITY : 0); break;
	case 6: v = (double)(r % 100000000) * pow(10, (int)(next(s) % 40) - 25); break;
	case 7: v = (double)((1ull << 53) - r % 1000); break;
	default: v = ldexp((double)(r >> 12), -1074); break;
	}
	return (r >> 63) ? -v : v;
}

static void test_format_matches_printf(void)
{
	uint64_t s = 88172645463325252ull;
	char mine[32], ref[32];
	int mismatches = 0;
	double edge[] = { 0.0, -0.0, 1.0, -1.0, 0.1, 1e15, 1e16, 1e17, 9.9999999999999995e-5,
			  1e-5, 0.0001, 123456789012345678.0, 5e-324, 1.7976931348623157e308,
			  9.999999999999999e22, 0.30000000000000004, 2.5, 1e21, INFINITY,
			  -INFINITY, NAN };

	for (size_t i = 0; i < sizeof(edge) / sizeof(edge[0]); i++) {
		size_t n = cairn_format_double(edge[i], mine);
		reference(edge[i], ref);
		CHECK_STR(mine, ref);
		CHECK_INT(n, ==, strlen(ref));
	}
	for (int i = 0; i < 300000; i++) {
		double v = sample(&s, i);
		size_t n = cairn_format_double(v, mine);
		reference(v, ref);
		if ((strcmp(mine, ref) || n != strlen(ref)) && mismatches++ < 5)
			CHECK_STR(mine, ref);
	}
	CHECK_INT(mismatches, ==, 0);
}

static void test_decimal_to_double_matches_strtod(void)
{
	uint64_t s = 1234567891011ull;
	int mismatches = 0, refused = 0;
	char text[48];
	double d;

	for (int i = 0; i < 300000; i++) {
		uint64_t m = next(&s) >> (next(&s) % 64);
		int e = (int)(next(&s) % 55) - 27;
		if (!cairn__decimal_to_double(m, e, &d)) {
			refused++;
			continue;
		}
		snprintf(text, sizeof(text), "%llue%d", (unsigned long long)m, e);
		if (strtod(text, NULL) != d && mismatches++ < 5)
			CHECK_STR(text, "parsed as strtod parses it");
	}
	CHECK_INT(mismatches, ==, 0);
	CHECK_INT(refused, ==, 0);
	/* Halfway between two doubles: ties to even, either way. */
	CHECK(cairn__decimal_to_double(9007199254740993ull, 0, &d) && d == 9007199254740992.0);
	CHECK(cairn__decimal_to_double(9007199254740995ull, 0, &d) && d == 9007199254740996.0);
	CHECK(!cairn__decimal_to_double(1, 28, &d));
	CHECK(!cairn__decimal_to_double(1, -28, &d));
}

static void test_scaled_round(void)
{
	uint64_t n;

	CHECK(cairn__double_scaled_round(0.5, 0, &n) && n == 0);   /* a tie to even */
	CHECK(cairn__double_scaled_round(1.5, 0, &n) && n == 2);
	CHECK(cairn__double_scaled_round(-2.5, 0, &n) && n == 2);
	CHECK(cairn__double_scaled_round(0.1, 17, &n) && n == 10000000000000001ull);
	CHECK(cairn__double_scaled_round(1e20, -5, &n) && n == 1000000000000000ull);
	CHECK(!cairn__double_scaled_round(1e30, 0, &n));           /* beyond 2^64 */
	CHECK(!cairn__double_scaled_round(1.0, 28, &n));
	CHECK(!cairn__double_scaled_round(NAN, 0, &n));
}

const struct unit_test decimal_tests[] = {
	{ "format_matches_printf", test_format_matches_printf },
	{ "decimal_to_double_matches_strtod", test_decimal_to_double_matches_strtod },
	{ "scaled_round", test_scaled_round },
	{ NULL, NULL }
};
