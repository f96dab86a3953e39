/* Unit tests for time-sortable ids. */
#include <stdlib.h>
#include "cairn/id.h"
#include "tests/unit/suites.h"

static void test_id_shape_and_time(void)
{
	char id[CAIRN_ID_LEN + 1];
	int64_t before = cairn_now_ms(), after;

	cairn_id_new(id);
	after = cairn_now_ms();
	CHECK_INT(strlen(id), ==, CAIRN_ID_LEN);
	CHECK(cairn_id_valid(id));
	CHECK_INT(cairn_id_time_ms(id), >=, before);
	CHECK_INT(cairn_id_time_ms(id), <=, after);
}

static void test_id_sorts_in_creation_order(void)
{
	char prev[CAIRN_ID_LEN + 1], next[CAIRN_ID_LEN + 1];

	cairn_id_new(prev);
	for (int i = 0; i < 100000; i++) {
		cairn_id_new(next);
		if (strcmp(prev, next) >= 0) {
			CHECK_STR(prev, "an id smaller than the next");
			break;
		}
		memcpy(prev, next, sizeof(prev));
	}
}

static void test_id_rejects_malformed(void)
{
	CHECK(!cairn_id_valid(""));
	CHECK(!cairn_id_valid("01m8ba7bfx2c55w7pkf3psjmq"));   /* 25 chars */
	CHECK(!cairn_id_valid("01m8ba7bfx2c55w7pkf3psjmqu")); /* 'u' not base32 */
	CHECK(!cairn_id_valid("81m8ba7bfx2c55w7pkf3psjmqn")); /* overflows 128 bits */
	CHECK(cairn_id_valid("01m8ba7bfx2c55w7pkf3psjmqn"));
}

static void test_time_format(void)
{
	char ts[32];
	cairn_format_time(1795676379123LL, ts);
	CHECK_STR(ts, "2026-11-26T06:59:39.123Z");
	cairn_format_time(0, ts);
	CHECK_STR(ts, "1970-01-01T00:00:00.000Z");
}

const struct unit_test id_tests[] = {
	{ "id_shape_and_time", test_id_shape_and_time },
	{ "id_sorts_in_creation_order", test_id_sorts_in_creation_order },
	{ "id_rejects_malformed", test_id_rejects_malformed },
	{ "time_format", test_time_format },
	{ NULL, NULL }
};
