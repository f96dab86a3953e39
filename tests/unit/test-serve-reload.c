/* Unit tests of the server's reload and routing: the canary's share as
 * given and as parsed, the bucket of a request id, swaps racing requests
 * on the model table, and the shadow's flag in the prediction log. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cairn/error.h"
#include "serve/models.h"
#include "serve/predlog.h"
#include "serve/route.h"
#include "tests/unit/suites.h"

static void test_canary_share(void)
{
	static const struct { const char *spec, *ref; int share; } ok[] = {
		{ "iris@challenger=10%", "iris@challenger", 1000 },
		{ "iris@2=0", "iris@2", 0 },
		{ "iris@2=100%", "iris@2", 10000 },
		{ "iris@2=12.5%", "iris@2", 1250 },
		{ "iris@2=0.05", "iris@2", 5 },
		{ "a=b@2=7%", "a=b@2", 700 },
	};
	static const char *const bad[] = {
		"iris@2", "=5", "iris@2=", "iris@2=101", "iris@2=100.01", "iris@2=ten",
		"iris@2=-1", "iris@2=1.234", "iris@2=5%%", "iris@2=5 %", "iris@2=00001",
	};
	cairn_ctx *ctx = cairn_ctx_new();
	char *ref;
	int share;

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		CHECK_OK(ctx, cairn__route_parse_canary(ctx, ok[i].spec, &ref, &share));
		CHECK_STR(ref, ok[i].ref);
		CHECK_INT(share, ==, ok[i].share);
		free(ref);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CHECK_INT(cairn__route_parse_canary(ctx, bad[i], &ref, &share), ==, CAIRN_EINVAL);
		CHECK(!ref);
		CHECK(strstr(cairn_errmsg(ctx), bad[i]) != NULL);
	}
	cairn_ctx_free(ctx);
}

static void test_bucket(void)
{
	char id[32];
	int below = 0;

	/* FNV-1a 64 as documented: these values are what a client computes. */
	CHECK_INT(cairn__route_bucket(""), ==, 6037);
	CHECK_INT(cairn__route_bucket("a"), ==, 1996);
	CHECK_INT(cairn__route_bucket("req-1"), ==, 97);
	for (int i = 0; i < 10000; i++) {
		snprintf(id, sizeof(id), "req-%d", i);
		below += cairn__route_bucket(id) < 1000;
	}
	CHECK_INT(below, >, 850);
	CHECK_INT(below, <, 1150);
}

static struct cairn__model_version *version(const char *v)
{
	struct cairn__model_version *mv = cairn_xcalloc(1, sizeof(*mv));

	mv->refs = 1;
	mv->name = cairn_xstrdup("m");
	mv->version = cairn_xstrdup(v);
	mv->ref = cairn_xstrdup("m@champion");
	return mv;
}

struct racer {
	struct cairn__models *t;
	int stop;
	int bad;
};

static void *request_loop(void *arg)
{
	struct racer *r = arg;

	while (!__atomic_load_n(&r->stop, __ATOMIC_ACQUIRE)) {
		struct cairn__model_version *v = cairn__models_acquire(r->t, "m");
		if (!v || __atomic_load_n(&v->refs, __ATOMIC_ACQUIRE) < 1 ||
		    (strcmp(v->version, "1") && strcmp(v->version, "2")))
			r->bad++;
		cairn__model_version_release(v);
	}
	return NULL;
}

static void test_swaps_race_requests(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	struct cairn__model_version *v = version("1");
	struct racer r = { NULL, 0, 0 };
	pthread_t th[2];

	CHECK_OK(ctx, cairn__models_new(ctx, &v, 1, &r.t));
	for (int i = 0; i < 2; i++)
		CHECK_INT(pthread_create(&th[i], NULL, request_loop, &r), ==, 0);
	for (int i = 0; i < 2000; i++)
		CHECK_OK(ctx, cairn__models_swap(ctx, r.t, version(i % 2 ? "1" : "2")));
	__atomic_store_n(&r.stop, 1, __ATOMIC_RELEASE);
	for (int i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	CHECK_INT(r.bad, ==, 0);
	v = cairn__models_acquire(r.t, "m");
	/* The table's reference and ours: every request released its own. */
	CHECK_INT(v->refs, ==, 2);
	CHECK_STR(v->version, "1");
	cairn__model_version_release(v);
	cairn__models_free(r.t);
	cairn_ctx_free(ctx);
}

static void test_shadow_record(void)
{
	struct cairn__predlog_record r = { "r-1", 0, "iris", "iris@2", NULL, "mlflow", NULL, NULL,
					   0.001, 200, 1 };
	cairn_buf line = CAIRN_BUF_INIT;

	cairn__predlog_record_line(&r, &line);
	CHECK(strstr(line.buf, "\"shadow\":true") != NULL);
	r.shadow = 0;
	cairn_buf_reset(&line);
	cairn__predlog_record_line(&r, &line);
	CHECK(strstr(line.buf, "shadow") == NULL);
	cairn_buf_release(&line);
}

const struct unit_test serve_reload_tests[] = {
	{ "serve reload: a canary's share is 0-100%, two decimals at most", test_canary_share },
	{ "serve reload: the bucket of a request id is FNV-1a modulo 10000", test_bucket },
	{ "serve reload: swaps racing requests leave every count right", test_swaps_race_requests },
	{ "serve reload: a shadow's record is flagged in the prediction log", test_shadow_record },
	{ NULL, NULL }
};
