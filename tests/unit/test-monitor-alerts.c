/* Unit tests for the alert engine (src/monitor): the alerts: section of
 * cairn.yaml and its errors, conditions and durations, the pending /
 * firing / cooldown state machine, the Prometheus text parser and
 * histogram_quantile. */
#include <math.h>
#include <string.h>
#include "cairn/error.h"
#include "core/fs.h"
#include "monitor/alerts-internal.h"
#include "tests/unit/suites.h"

static int load(cairn_ctx *ctx, const char *text, struct cairn__alert_rules **out)
{
	cairn_write_file_atomic(ctx, "cairn.yaml", text, strlen(text), 0644);
	return cairn__alert_rules_load(ctx, "cairn.yaml", out);
}

static void test_alert_rules_read_every_key(void)
{
	static const char text[] =
		"models: {}\n"
		"alerts:\n"
		"  - name: serving-errors\n"
		"    model: iris\n"
		"    signal: error_rate\n"
		"    server: http://127.0.0.1:5000\n"
		"    window: 10m\n"
		"    condition: \">= 0.05\"\n"
		"    for: 2m\n"
		"    severity: critical\n"
		"    cooldown: 30m\n"
		"    actions:\n"
		"      - record\n"
		"      - webhook: {url: http://127.0.0.1:9000/hook, timeout: 2s, retries: 4, backoff: 250ms}\n"
		"      - command: [\"./notify.sh\", \"{rule}\", \"{value}\"]\n"
		"  - name: slow\n"
		"    signal: p99_latency\n"
		"    server: http://127.0.0.1:5000/\n"
		"    condition: \"> 0.5\"\n";
	cairn_ctx *ctx = cairn_ctx_new();
	struct cairn__alert_rules *r = NULL;
	const struct cairn__alert_rule *a;

	CHECK_OK(ctx, load(ctx, text, &r));
	if (!r)
		goto out;
	CHECK_INT(r->n, ==, 2);
	a = &r->rules[0];
	CHECK_STR(a->name, "serving-errors");
	CHECK_STR(a->model, "iris");
	CHECK_STR(a->signal->name, "error_rate");
	CHECK_STR(a->server, "http://127.0.0.1:5000");
	CHECK_INT(a->window_ms, ==, 600000);
	CHECK_INT(a->cond.op, ==, CAIRN__OP_GE);
	CHECK(a->cond.threshold == 0.05);
	CHECK_INT(a->for_ms, ==, 120000);
	CHECK_INT(a->severity, ==, CAIRN_ALERT_CRITICAL);
	CHECK_INT(a->cooldown_ms, ==, 1800000);
	CHECK_INT(a->nactions, ==, 3);
	CHECK_INT(a->actions[0].kind, ==, CAIRN__ACTION_RECORD);
	CHECK_INT(a->actions[1].kind, ==, CAIRN__ACTION_WEBHOOK);
	CHECK_STR(a->actions[1].url, "http://127.0.0.1:9000/hook");
	CHECK_INT(a->actions[1].timeout_ms, ==, 2000);
	CHECK_INT(a->actions[1].retries, ==, 4);
	CHECK_INT(a->actions[1].backoff_ms, ==, 250);
	CHECK_INT(a->actions[2].kind, ==, CAIRN__ACTION_COMMAND);
	CHECK_INT(a->actions[2].argc, ==, 3);
	CHECK_STR(a->actions[2].argv[1], "{rule}");
	CHECK(a->actions[2].argv[3] == NULL);
	a = &r->rules[1];
	CHECK(a->model == NULL);
	CHECK_INT(a->window_ms, ==, 300000);
	CHECK_INT(a->for_ms, ==, 0);
	CHECK_INT(a->cooldown_ms, ==, 0);
	CHECK_INT(a->severity, ==, CAIRN_ALERT_WARNING);
	CHECK_INT(a->nactions, ==, 0);
out:
	cairn__alert_rules_free(r);
	cairn_ctx_free(ctx);
}

static void test_alert_rules_errors_name_line_and_key(void)
{
	static const struct { const char *text, *msg; } cases[] = {
		{ "alerts:\n  - name: a\n    signal: error_rate\n    server: http://x\n"
		  "    condition: \"~ 1\"\n",
		  "'cairn.yaml' line 5 column 16: alerts[0].condition: '~ 1' is no condition" },
		{ "alerts:\n  - name: a\n    signal: drift_share\n",
		  "line 3 column 13: alerts[0].signal: unknown signal 'drift_share' (one of"
		  " error_rate, p99_latency)" },
		{ "alerts:\n  - name: a\n    signal: error_rate\n    condition: \"> 1\"\n",
		  "line 2 column 5: alerts[0]: missing 'server'" },
		{ "alerts:\n  - {name: a, signal: error_rate, server: http://x, condition: \"> 1\"}\n"
		  "  - {name: a, signal: error_rate, server: http://x, condition: \"> 1\"}\n",
		  "line 3 column 12: alerts[1].name: a rule named 'a' is already given" },
		{ "alerts:\n  - {name: a, signal: error_rate, server: http://x, condition: \"> 1\","
		  " for: 5 minutes}\n",
		  "alerts[0].for: '5 minutes' is no duration" },
		{ "alerts:\n  - {name: a, signal: error_rate, server: http://x, condition: \"> 1\","
		  " severity: page}\n",
		  "alerts[0].severity: 'page' is no severity (info, warning, critical)" },
		{ "alerts:\n  - {name: a, signal: error_rate, server: http://x, condition: \"> 1\","
		  " windw: 5m}\n",
		  "alerts[0]: unknown key 'windw'" },
		{ "alerts:\n  - name: a\n    signal: error_rate\n    server: http://x\n"
		  "    condition: \"> 1\"\n    actions:\n      - page\n",
		  "line 7 column 9: alerts[0].actions[]: unknown action 'page'" },
		{ "alerts:\n  - name: a\n    signal: error_rate\n    server: http://x\n"
		  "    condition: \"> 1\"\n    actions:\n      - webhook: {url: ftp://x}\n",
		  "line 7 column 24: alerts[0].actions[].webhook.url: 'ftp://x' is no http://" },
		{ "alerts:\n  - name: a\n    signal: error_rate\n    server: http://x\n"
		  "    condition: \"> 1\"\n    actions:\n      - webhook: {url: http://x, retries: -1}\n",
		  "alerts[0].actions[].webhook.retries: must be a whole number from 0 to 10" },
		{ "alerts:\n  - name: a\n    signal: error_rate\n    server: http://x\n"
		  "    condition: \"> 1\"\n    actions:\n      - command: \"notify.sh {rule}\"\n",
		  "line 7 column 18: alerts[0].actions[].command: must be a non-empty list" },
		{ "alerts: {a: 1}\n", "line 1 column 9: alerts: must be a list of rules" },
		{ "alert:\n  - name: a\n", "line 1 column 1: unknown key 'alert'" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cairn_ctx *ctx = cairn_ctx_new();
		struct cairn__alert_rules *r = NULL;

		CHECK_ERR(ctx, load(ctx, cases[i].text, &r), CAIRN_EPARSE, cases[i].msg);
		CHECK(r == NULL);
		cairn_ctx_free(ctx);
	}
}

static void test_alert_rules_none(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	struct cairn__alert_rules *r = NULL;

	CHECK_OK(ctx, load(ctx, "models: {}\n", &r));
	CHECK(r && r->n == 0);
	cairn__alert_rules_free(r);
	r = NULL;
	CHECK_OK(ctx, load(ctx, "alerts:\n", &r));
	CHECK(r && r->n == 0);
	cairn__alert_rules_free(r);
	cairn_ctx_free(ctx);
}

static void test_alert_conditions_and_durations(void)
{
	struct cairn__alert_condition c;
	char text[64];

	CHECK_INT(cairn__alert_condition_parse("> 0.05", &c), ==, 0);
	CHECK_INT(c.op, ==, CAIRN__OP_GT);
	CHECK(c.threshold == 0.05);
	CHECK(cairn__alert_condition_holds(&c, 0.06));
	CHECK(!cairn__alert_condition_holds(&c, 0.05));
	cairn__alert_condition_format(&c, text);
	CHECK_STR(text, "> 0.05");
	CHECK_INT(cairn__alert_condition_parse("<=1e3", &c), ==, 0);
	CHECK_INT(c.op, ==, CAIRN__OP_LE);
	CHECK(cairn__alert_condition_holds(&c, 1000));
	CHECK(!cairn__alert_condition_holds(&c, 1000.5));
	cairn__alert_condition_format(&c, text);
	CHECK_STR(text, "<= 1000");
	CHECK_INT(cairn__alert_condition_parse(" >= -2 ", &c), ==, 0);
	CHECK(cairn__alert_condition_holds(&c, -2));
	CHECK_INT(cairn__alert_condition_parse("< 0", &c), ==, 0);
	CHECK(cairn__alert_condition_holds(&c, -0.1));
	CHECK(!cairn__alert_condition_holds(&c, 0));
	CHECK_INT(cairn__alert_condition_parse("= 1", &c), ==, -1);
	CHECK_INT(cairn__alert_condition_parse(">", &c), ==, -1);
	CHECK_INT(cairn__alert_condition_parse("> x", &c), ==, -1);
	CHECK_INT(cairn__alert_condition_parse("> inf", &c), ==, -1);
	CHECK_INT(cairn__alert_condition_parse("> 1 2", &c), ==, -1);
	CHECK_INT(cairn__alert_condition_parse("0.5", &c), ==, -1);

	CHECK_INT(cairn__alert_parse_duration("0"), ==, 0);
	CHECK_INT(cairn__alert_parse_duration("0s"), ==, 0);
	CHECK_INT(cairn__alert_parse_duration("250ms"), ==, 250);
	CHECK_INT(cairn__alert_parse_duration("30s"), ==, 30000);
	CHECK_INT(cairn__alert_parse_duration("5m"), ==, 300000);
	CHECK_INT(cairn__alert_parse_duration("2h"), ==, 7200000);
	CHECK_INT(cairn__alert_parse_duration("1d"), ==, 86400000);
	CHECK_INT(cairn__alert_parse_duration("5"), ==, -1);
	CHECK_INT(cairn__alert_parse_duration("5 m"), ==, -1);
	CHECK_INT(cairn__alert_parse_duration("-5m"), ==, -1);
	CHECK_INT(cairn__alert_parse_duration("1.5h"), ==, -1);
	CHECK_INT(cairn__alert_parse_duration(""), ==, -1);
	CHECK_INT(cairn__alert_parse_duration("99999999999999999999d"), ==, -1);
}

/* The state machine on given values: for 2 (ms), cooldown 10. */
static void test_alert_state_machine(void)
{
	struct cairn__alert_state st = { 0 };

	/* No data, then a value that does not hold. */
	CHECK_INT(cairn__alert_step(&st, 2, 10, 0, 0, 100), ==, CAIRN__STEP_NODATA);
	CHECK_INT(cairn__alert_step(&st, 2, 10, 1, 0, 101), ==, CAIRN__STEP_OK);
	CHECK(!st.pending);
	/* Holds at 102: pending; 103 still less than for; 104 fires. */
	CHECK_INT(cairn__alert_step(&st, 2, 10, 1, 1, 102), ==, CAIRN__STEP_PENDING);
	CHECK(st.pending && st.pending_since_ms == 102);
	CHECK_INT(cairn__alert_step(&st, 2, 10, 1, 1, 103), ==, CAIRN__STEP_PENDING);
	CHECK_INT(cairn__alert_step(&st, 2, 10, 1, 1, 104), ==, CAIRN__STEP_FIRE);
	CHECK(st.fired && st.last_fired_ms == 104);
	/* Within the cooldown: no new firing, however long it holds. */
	CHECK_INT(cairn__alert_step(&st, 2, 10, 1, 1, 110), ==, CAIRN__STEP_COOLDOWN);
	CHECK_INT(cairn__alert_step(&st, 2, 10, 1, 1, 113), ==, CAIRN__STEP_COOLDOWN);
	CHECK_INT(cairn__alert_step(&st, 2, 10, 1, 1, 114), ==, CAIRN__STEP_FIRE);
	CHECK_INT(st.last_fired_ms, ==, 114);
	/* A gap (no data) restarts `for`. */
	CHECK_INT(cairn__alert_step(&st, 2, 10, 0, 0, 115), ==, CAIRN__STEP_NODATA);
	CHECK(!st.pending);
	CHECK_INT(cairn__alert_step(&st, 2, 10, 1, 1, 130), ==, CAIRN__STEP_PENDING);
	CHECK_INT(cairn__alert_step(&st, 2, 10, 1, 0, 131), ==, CAIRN__STEP_OK);
	CHECK_INT(cairn__alert_step(&st, 2, 10, 1, 1, 132), ==, CAIRN__STEP_PENDING);
	CHECK_INT(cairn__alert_step(&st, 2, 10, 1, 1, 134), ==, CAIRN__STEP_FIRE);
	/* for 0 and cooldown 0: fires at once, at every pass. */
	memset(&st, 0, sizeof(st));
	CHECK_INT(cairn__alert_step(&st, 0, 0, 1, 1, 5), ==, CAIRN__STEP_FIRE);
	CHECK_INT(cairn__alert_step(&st, 0, 0, 1, 1, 5), ==, CAIRN__STEP_FIRE);
	CHECK_STR(cairn__alert_step_name(CAIRN__STEP_COOLDOWN), "cooldown");
}

static void test_alert_histogram_quantile(void)
{
	/* 100 observations: 50 at most 0.1, 40 in (0.1, 0.5], 10 in (0.5, 1]. */
	static const struct cairn__prom_bucket b[] = {
		{ 0.1, 50 }, { 0.5, 90 }, { 1, 100 }, { INFINITY, 100 }
	};
	static const struct cairn__prom_bucket over[] = { { 0.1, 1 }, { 1, 2 }, { INFINITY, 10 } };
	static const struct cairn__prom_bucket none[] = { { 0.1, 0 }, { INFINITY, 0 } };
	static const struct cairn__prom_bucket no_inf[] = { { 0.1, 5 }, { 1, 10 } };
	static const struct cairn__prom_bucket neg[] = { { -1, 5 }, { INFINITY, 10 } };

	/* rank 99: bucket (0.5, 1], 9 of its 10 -> 0.5 + 0.5 * 0.9. */
	CHECK(fabs(cairn__histogram_quantile(0.99, b, 4) - 0.95) < 1e-12);
	/* rank 50: the first bucket, interpolated from 0. */
	CHECK(fabs(cairn__histogram_quantile(0.5, b, 4) - 0.1) < 1e-12);
	CHECK(fabs(cairn__histogram_quantile(0.25, b, 4) - 0.05) < 1e-12);
	/* rank 70: (0.1, 0.5], 20 of 40 -> 0.3. */
	CHECK(fabs(cairn__histogram_quantile(0.7, b, 4) - 0.3) < 1e-12);
	/* In the +Inf bucket: the highest finite bound. */
	CHECK(cairn__histogram_quantile(0.99, over, 3) == 1);
	CHECK(isnan(cairn__histogram_quantile(0.99, none, 2)));
	CHECK(isnan(cairn__histogram_quantile(0.99, no_inf, 2)));
	CHECK(isnan(cairn__histogram_quantile(0.99, b, 1)));
	CHECK(cairn__histogram_quantile(0.1, neg, 2) == -1);
	CHECK(cairn__histogram_quantile(1.5, b, 4) == INFINITY);
}

struct seen {
	int n;
	double sum;
	char last_labels[256];
};

static int on_sample(void *arg, const char *name, const struct cairn__prom_label *l,
		     size_t nl, double value)
{
	struct seen *s = arg;

	s->n++;
	if (!isinf(value))
		s->sum += value;
	snprintf(s->last_labels, sizeof(s->last_labels), "%s", name);
	for (size_t i = 0; i < nl; i++) {
		size_t len = strlen(s->last_labels);
		snprintf(s->last_labels + len, sizeof(s->last_labels) - len, " %s=[%s]", l[i].name,
			 l[i].value);
	}
	return 0;
}

static void test_alert_prom_text(void)
{
	static const char text[] =
		"# HELP cairn_requests_total Requests\n"
		"# TYPE cairn_requests_total counter\n"
		"cairn_requests_total{model=\"iris\",status=\"200\"} 3\n"
		"\n"
		"cairn_requests_in_flight 1\n"
		"x_bucket{le=\"+Inf\"} +Inf 1700000000000\n"
		"esc { a = \"q\\\"b\\\\c\\nd\" , } 2.5e-1\r\n";
	static const char *const bad[] = {
		"ok 1\n{a=\"b\"} 1\n", "m{a=\"b} 1\n", "m{a=b} 1\n", "m{a=\"b\" c=\"d\"} 1\n",
		"m{a=\"\\x\"} 1\n", "m 1 2 3\n", "m one\n", "m\n", "m{a=\"b\"}1\n",
	};
	cairn_ctx *ctx = cairn_ctx_new();
	struct seen s = { 0 };

	CHECK_OK(ctx, cairn__prom_parse(ctx, "metrics", text, strlen(text), on_sample, &s));
	CHECK_INT(s.n, ==, 4);
	CHECK(fabs(s.sum - 4.25) < 1e-12);
	CHECK_STR(s.last_labels, "esc a=[q\"b\\c\nd]");
	CHECK_ERR(ctx, cairn__prom_parse(ctx, "metrics", bad[0], strlen(bad[0]), on_sample, &s),
		  CAIRN_EPARSE, "metrics line 2: a metric name must start the line");
	for (size_t i = 1; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK_ERR(ctx, cairn__prom_parse(ctx, "metrics", bad[i], strlen(bad[i]), on_sample,
						 &s), CAIRN_EPARSE, "metrics line 1: ");
	cairn_ctx_free(ctx);
}

const struct unit_test monitor_alerts_tests[] = {
	{ "alert_rules_read_every_key", test_alert_rules_read_every_key },
	{ "alert_rules_errors_name_line_and_key", test_alert_rules_errors_name_line_and_key },
	{ "alert_rules_none", test_alert_rules_none },
	{ "alert_conditions_and_durations", test_alert_conditions_and_durations },
	{ "alert_state_machine", test_alert_state_machine },
	{ "alert_histogram_quantile", test_alert_histogram_quantile },
	{ "alert_prom_text", test_alert_prom_text },
	{ NULL, NULL }
};
