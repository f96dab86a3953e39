/* Unit tests for the Prometheus registry: the exposition of each type,
 * label escaping, names refused, counting from many threads, cairn's
 * families, and promtool's verdict on the exposition. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "serve/prom.h"
#include "tests/unit/suites.h"

static void test_prom_exposition(void)
{
	static const char *const labels[] = { "model", "status" };
	static const double b[] = { 0.5, 1 };
	cairn__prom *p = cairn__prom_new();
	struct cairn__prom_family *c, *g, *h;
	const char *v1[] = { "iris", "200" }, *v2[] = { "a\"b\\c\nd", "500" }, *hv[] = { "iris" };
	cairn_buf out = CAIRN_BUF_INIT;

	c = cairn__prom_family(p, CAIRN__PROM_COUNTER, "t_requests_total", "Requests\\ seen\nok",
			       2, labels, NULL, 0);
	g = cairn__prom_family(p, CAIRN__PROM_GAUGE, "t_in_flight", "In flight", 0, NULL, NULL, 0);
	h = cairn__prom_family(p, CAIRN__PROM_HISTOGRAM, "t_duration_seconds", "Latency", 1,
			       labels, b, 2);
	CHECK(c && g && h);
	cairn__prom_add(cairn__prom_series(c, v1), 1);
	cairn__prom_add(cairn__prom_series(c, v1), 2);
	cairn__prom_add(cairn__prom_series(c, v2), 1);
	cairn__prom_add(cairn__prom_series(g, NULL), 2);
	cairn__prom_add(cairn__prom_series(g, NULL), -1);
	cairn__prom_observe(cairn__prom_series(h, hv), 0.25);
	cairn__prom_observe(cairn__prom_series(h, hv), 1);
	cairn__prom_observe(cairn__prom_series(h, hv), 7);
	CHECK_INT((long)cairn__prom_value(cairn__prom_series(h, hv)), ==, 3);
	cairn__prom_expose(p, &out);
	CHECK_STR(out.buf,
		  "# HELP t_requests_total Requests\\\\ seen\\nok\n"
		  "# TYPE t_requests_total counter\n"
		  "t_requests_total{model=\"iris\",status=\"200\"} 3\n"
		  "t_requests_total{model=\"a\\\"b\\\\c\\nd\",status=\"500\"} 1\n"
		  "# HELP t_in_flight In flight\n"
		  "# TYPE t_in_flight gauge\n"
		  "t_in_flight 1\n"
		  "# HELP t_duration_seconds Latency\n"
		  "# TYPE t_duration_seconds histogram\n"
		  "t_duration_seconds_bucket{model=\"iris\",le=\"0.5\"} 1\n"
		  "t_duration_seconds_bucket{model=\"iris\",le=\"1\"} 2\n"
		  "t_duration_seconds_bucket{model=\"iris\",le=\"+Inf\"} 3\n"
		  "t_duration_seconds_sum{model=\"iris\"} 8.25\n"
		  "t_duration_seconds_count{model=\"iris\"} 3\n");
	cairn_buf_release(&out);
	cairn__prom_free(p);
}

static void test_prom_bad_names(void)
{
	static const char *const le[] = { "le" }, *const dunder[] = { "__x" },
		*const colon[] = { "a:b" };
	static const double down[] = { 1, 0.5 };
	cairn__prom *p = cairn__prom_new();

	CHECK(!cairn__prom_family(p, CAIRN__PROM_COUNTER, "9x", "", 0, NULL, NULL, 0));
	CHECK(!cairn__prom_family(p, CAIRN__PROM_COUNTER, "a-b", "", 0, NULL, NULL, 0));
	CHECK(!cairn__prom_family(p, CAIRN__PROM_HISTOGRAM, "h", "", 1, le, NULL, 0));
	CHECK(!cairn__prom_family(p, CAIRN__PROM_GAUGE, "g", "", 1, dunder, NULL, 0));
	CHECK(!cairn__prom_family(p, CAIRN__PROM_GAUGE, "g", "", 1, colon, NULL, 0));
	CHECK(!cairn__prom_family(p, CAIRN__PROM_HISTOGRAM, "h", "", 0, NULL, down, 2));
	CHECK(cairn__prom_family(p, CAIRN__PROM_GAUGE, "ns:g_1", "", 0, NULL, NULL, 0) != NULL);
	cairn__prom_free(p);
}

struct hammer {
	struct cairn__prom_family *c, *h;
	int id;
};

static void *hammer(void *arg)
{
	struct hammer *t = arg;

	for (int i = 0; i < 20000; i++) {
		char model[16];
		const char *v[] = { model };
		snprintf(model, sizeof(model), "m%d", i % 8);
		cairn__prom_add(cairn__prom_series(t->c, v), 1);
		cairn__prom_observe(cairn__prom_series(t->h, v), 0.001 * (i % 10));
	}
	return NULL;
}

static void test_prom_threads(void)
{
	static const char *const labels[] = { "model" };
	static const double b[] = { 0.005 };
	cairn__prom *p = cairn__prom_new();
	struct hammer t[4];
	pthread_t th[4];
	double total = 0, count = 0;

	t[0].c = cairn__prom_family(p, CAIRN__PROM_COUNTER, "c_total", "", 1, labels, NULL, 0);
	t[0].h = cairn__prom_family(p, CAIRN__PROM_HISTOGRAM, "h_seconds", "", 1, labels, b, 1);
	for (int i = 0; i < 4; i++) {
		t[i] = t[0];
		t[i].id = i;
		CHECK_INT(pthread_create(&th[i], NULL, hammer, &t[i]), ==, 0);
	}
	for (int i = 0; i < 4; i++)
		pthread_join(th[i], NULL);
	for (int m = 0; m < 8; m++) {
		char model[16];
		const char *v[] = { model };
		snprintf(model, sizeof(model), "m%d", m);
		total += cairn__prom_value(cairn__prom_series(t[0].c, v));
		count += cairn__prom_value(cairn__prom_series(t[0].h, v));
	}
	CHECK_INT((long)total, ==, 80000);
	CHECK_INT((long)count, ==, 80000);
	cairn__prom_free(p);
}

static void test_prom_cairn_families(void)
{
	struct cairn__serve_metrics m;
	struct cairn__predlog_stats st = { .written = 7, .dropped = 2, .queued = 3 };
	cairn_buf out = CAIRN_BUF_INIT;
	FILE *f;
	int rc;

	cairn__serve_metrics_init(&m);
	cairn__serve_metrics_request(&m, "iris", "iris@1", "mlflow", 200, 0.0012);
	cairn__serve_metrics_request(&m, "iris", "iris@1", "v2", 400, 0.0002);
	cairn__serve_metrics_batch(&m, "iris", 3);
	cairn__serve_metrics_load(&m, "iris", 1, 0.2);
	cairn__prom_add(m.in_flight, 1);
	cairn__serve_metrics_predlog(&m, &st);
	cairn__prom_expose(m.registry, &out);
	CHECK(strstr(out.buf, "\ncairn_build_info{version=\"") != NULL);
	CHECK(strstr(out.buf, "cairn_requests_total{model=\"iris\",version=\"iris@1\","
		      "protocol=\"mlflow\",status=\"200\"} 1\n") != NULL);
	CHECK(strstr(out.buf, "cairn_prediction_log_dropped_total 2\n") != NULL);
	CHECK(strstr(out.buf, "cairn_model_load_duration_seconds_count{model=\"iris\"} 1\n"));
	/* promtool's lint, where it is installed. */
	if (system("command -v promtool >/dev/null 2>&1") == 0) {
		CHECK((f = fopen("metrics.txt", "w")) != NULL);
		if (f) {
			fwrite(out.buf, 1, out.len, f);
			fclose(f);
		}
		rc = system("promtool check metrics < metrics.txt > promtool.out 2>&1");
		if (rc) {
			system("cat promtool.out >&2");
		}
		CHECK_INT(rc, ==, 0);
	}
	cairn_buf_release(&out);
	cairn__serve_metrics_release(&m);
}

const struct unit_test prom_tests[] = {
	{ "prom_exposition", test_prom_exposition },
	{ "prom_bad_names", test_prom_bad_names },
	{ "prom_threads", test_prom_threads },
	{ "prom_cairn_families", test_prom_cairn_families },
	{ NULL, NULL }
};
