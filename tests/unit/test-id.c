/* Unit tests for time-sortable ids. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
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

#define THREAD_IDS 20000

struct id_maker {
	char (*ids)[CAIRN_ID_LEN + 1];
	int in_order;
};

static void *make_ids(void *arg)
{
	struct id_maker *m = arg;

	m->in_order = 1;
	for (int i = 0; i < THREAD_IDS; i++) {
		cairn_id_new(m->ids[i]);
		if (i && strcmp(m->ids[i - 1], m->ids[i]) >= 0)
			m->in_order = 0;
	}
	return NULL;
}

static int compare_ids(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* Threads making ids at once: each thread's ids in order, none twice. */
static void test_id_threads_unique_and_ordered(void)
{
	enum { THREADS = 4 };
	char (*ids)[CAIRN_ID_LEN + 1] = calloc(THREADS * THREAD_IDS, sizeof(*ids));
	struct id_maker m[THREADS];
	pthread_t t[THREADS];
	int unique = 1;

	for (int i = 0; i < THREADS; i++) {
		m[i].ids = ids + i * THREAD_IDS;
		CHECK_INT(pthread_create(&t[i], NULL, make_ids, &m[i]), ==, 0);
	}
	for (int i = 0; i < THREADS; i++) {
		pthread_join(t[i], NULL);
		CHECK(m[i].in_order);
	}
	qsort(ids, THREADS * THREAD_IDS, sizeof(*ids), compare_ids);
	for (int i = 1; i < THREADS * THREAD_IDS; i++)
		unique &= strcmp(ids[i - 1], ids[i]) != 0;
	CHECK(unique);
	free(ids);
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
	{ "id_threads_unique_and_ordered", test_id_threads_unique_and_ordered },
	{ "id_rejects_malformed", test_id_rejects_malformed },
	{ "time_format", test_time_format },
	{ NULL, NULL }
};
