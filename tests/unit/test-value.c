/* Unit tests for value classification and parsing. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include "cairn/value.h"
#include "core/format.h"
#include "tests/unit/suites.h"

#define S(lit) lit, sizeof(lit) - 1

static void test_value_types(void)
{
	CHECK_INT(cairn_value_type(S(""), 0), ==, CAIRN_TYPE_NULL);
	CHECK_INT(cairn_value_type(S("NA"), 0), ==, CAIRN_TYPE_NULL);
	CHECK_INT(cairn_value_type(S("NA"), 1), ==, CAIRN_TYPE_STRING);
	CHECK_INT(cairn_value_type(S("-42"), 0), ==, CAIRN_TYPE_INT);
	CHECK_INT(cairn_value_type(S("9223372036854775807"), 0), ==, CAIRN_TYPE_INT);
	CHECK_INT(cairn_value_type(S("9223372036854775808"), 0), ==, CAIRN_TYPE_FLOAT);
	CHECK_INT(cairn_value_type(S("3.25e-2"), 0), ==, CAIRN_TYPE_FLOAT);
	CHECK_INT(cairn_value_type(S("-inf"), 0), ==, CAIRN_TYPE_FLOAT);
	CHECK_INT(cairn_value_type(S("TRUE"), 0), ==, CAIRN_TYPE_BOOL);
	CHECK_INT(cairn_value_type(S("2026-11-26"), 0), ==, CAIRN_TYPE_DATETIME);
	CHECK_INT(cairn_value_type(S("2026-11-26T06:59:39.5+01:00"), 0), ==, CAIRN_TYPE_DATETIME);
	CHECK_INT(cairn_value_type(S("2026-02-30"), 0), ==, CAIRN_TYPE_STRING);
	CHECK_INT(cairn_value_type(S("1.2.3"), 0), ==, CAIRN_TYPE_STRING);
	CHECK_INT(cairn_value_type(S("Ideal"), 1), ==, CAIRN_TYPE_STRING);
	CHECK_INT(cairn_value_type(S("0x10"), 0), ==, CAIRN_TYPE_STRING);
	CHECK_INT(cairn_type_join(CAIRN_TYPE_INT, CAIRN_TYPE_FLOAT), ==, CAIRN_TYPE_FLOAT);
	CHECK_INT(cairn_type_join(CAIRN_TYPE_NULL, CAIRN_TYPE_BOOL), ==, CAIRN_TYPE_BOOL);
	CHECK_INT(cairn_type_join(CAIRN_TYPE_INT, CAIRN_TYPE_BOOL), ==, CAIRN_TYPE_STRING);
}

static void test_datetime_values(void)
{
	int64_t ms;
	CHECK(cairn_parse_datetime(S("1970-01-01"), &ms));
	CHECK_INT(ms, ==, 0);
	CHECK(cairn_parse_datetime(S("2000-02-29 12:30:15.250Z"), &ms));
	CHECK_INT(ms, ==, 951827415250LL);
	CHECK(cairn_parse_datetime(S("2000-02-29T13:30:15.250+01:00"), &ms));
	CHECK_INT(ms, ==, 951827415250LL);
	CHECK(!cairn_parse_datetime(S("1900-02-29"), &ms));
	CHECK(!cairn_parse_datetime(S("2000-13-01"), &ms));
	CHECK(!cairn_parse_datetime(S("2000-01-01T25:00"), &ms));
}

/* The fast float path must agree with strtod bit for bit. */
static void test_float_matches_strtod(void)
{
	char text[64];
	unsigned seed = 12345;
	int mismatches = 0;

	for (int i = 0; i < 200000; i++) {
		double mine, ref;
		int len;
		seed = seed * 1103515245u + 12345u;
		unsigned a = seed >> 8;
		seed = seed * 1103515245u + 12345u;
		unsigned b = seed >> 8;
		switch (i % 4) {
		case 0: len = snprintf(text, sizeof(text), "%u.%06u", a % 100000, b % 1000000); break;
		case 1: len = snprintf(text, sizeof(text), "-%u.%u", a, b); break;
		case 2: len = snprintf(text, sizeof(text), "%ue%d", a, (int)(b % 60) - 30); break;
		default: len = snprintf(text, sizeof(text), "0.%09u%09u", a, b); break;
		}
		ref = strtod(text, NULL);
		if (!cairn_parse_float(text, (size_t)len, &mine) || mine != ref) {
			if (mismatches++ < 5)
				CHECK_STR(text, "a float that parses exactly as strtod does");
		}
	}
	CHECK_INT(mismatches, ==, 0);
}

static void test_format_double_round_trips(void)
{
	char out[32];
	double vals[] = { 0.1, 1.5, -2.0, 1e300, 5e-324, 123456789.125, 1.0 / 3.0 };
	for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
		size_t n = cairn_format_double(vals[i], out);
		double back;
		CHECK(cairn_parse_float(out, n, &back));
		CHECK(back == vals[i]);
	}
	cairn_format_double(0.1, out);
	CHECK_STR(out, "0.1");
	cairn_format_double(NAN, out);
	CHECK_STR(out, "nan");
}

const struct unit_test value_tests[] = {
	{ "value_types", test_value_types },
	{ "datetime_values", test_datetime_values },
	{ "float_matches_strtod", test_float_matches_strtod },
	{ "format_double_round_trips", test_format_double_round_trips },
	{ NULL, NULL }
};
