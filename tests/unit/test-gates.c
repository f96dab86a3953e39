/* Unit tests for the acceptance gates (src/registry): the fairness figures
 * against hand-computed values, the models: section of cairn.yaml and its
 * errors, the operators and the table. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "cairn/buf.h"
#include "cairn/error.h"
#include "cairn/dataset.h"
#include "cairn/expect.h"
#include "cairn/gates.h"
#include "cairn/train.h"
#include "core/fs.h"
#include "registry/gates-internal.h"
#include "tests/unit/ml-fixture.h"
#include "tests/unit/suites.h"

static int near(const json_t *v, double want)
{
	return json_is_number(v) && fabs(json_number_value(v) - want) < 1e-12;
}

/*
 * Three groups and a row without one:
 *   a: y 1 0 1 0, pred 1 1 0 0   selection 2/4, TPR 1/2, FPR 1/2
 *   b: y 1 1 0 0 0, pred 1 0 0 0 0   selection 1/5, TPR 1/2, FPR 0
 *   c: y 0 0, pred 1 0           selection 1/2, no TPR, FPR 1/2
 * demographic parity difference 0.5 - 0.2 = 0.3; equalized odds
 * difference max(TPR 0.5 - 0.5, FPR 0.5 - 0) = 0.5.
 */
static const int y_true[] = { 1, 0, 1, 0, 1, 1, 0, 0, 0, 0, 0, 1 };
static const int y_pred[] = { 1, 1, 0, 0, 1, 0, 0, 0, 0, 1, 0, 1 };
static const char *const group[] = { "a", "a", "a", "a", "b", "b", "b", "b", "b", "c", "c", NULL };

static void test_gates_fairness_hand_computed(void)
{
	json_t *dp = NULL, *eo = NULL, *g;

	cairn__fairness(CAIRN__DEMOGRAPHIC_PARITY, y_true, y_pred, group, 12, &dp);
	cairn__fairness(CAIRN__EQUALIZED_ODDS, y_true, y_pred, group, 12, &eo);
	CHECK(near(json_object_get(dp, "value"), 0.3));
	CHECK(near(json_object_get(eo, "value"), 0.5));
	CHECK_STR(json_string_value(json_object_get(dp, "metric")), "demographic_parity_difference");
	CHECK_INT(json_integer_value(json_object_get(dp, "left_out")), ==, 1);
	g = json_object_get(json_object_get(dp, "groups"), "b");
	CHECK_INT(json_integer_value(json_object_get(g, "rows")), ==, 5);
	CHECK(near(json_object_get(g, "selection_rate"), 0.2));
	CHECK(near(json_object_get(g, "tpr"), 0.5));
	CHECK(near(json_object_get(g, "fpr"), 0.0));
	g = json_object_get(json_object_get(eo, "groups"), "c");
	CHECK(json_is_null(json_object_get(g, "tpr")));
	CHECK(near(json_object_get(g, "fpr"), 0.5));
	json_decref(dp);
	json_decref(eo);
}

static void test_gates_fairness_one_group(void)
{
	static const char *const one[] = { "x", "x", "x" };
	static const int y[] = { 1, 0, 1 }, p[] = { 1, 1, 0 };
	json_t *dp = NULL;

	/* A difference needs two groups: undefined, not 0. */
	cairn__fairness(CAIRN__DEMOGRAPHIC_PARITY, y, p, one, 3, &dp);
	CHECK(json_is_null(json_object_get(dp, "value")));
	json_decref(dp);
}

static void test_gates_ops(void)
{
	CHECK(cairn__gate_op_holds(CAIRN__GATE_GE, 0.9, 0.9));
	CHECK(!cairn__gate_op_holds(CAIRN__GATE_GT, 0.9, 0.9));
	CHECK(cairn__gate_op_holds(CAIRN__GATE_LE, 12, 12));
	CHECK(!cairn__gate_op_holds(CAIRN__GATE_LT, 12, 12));
	CHECK_INT(cairn__gate_metric_lower_better("rmse"), ==, 1);
	CHECK_INT(cairn__gate_metric_lower_better("macro.f1"), ==, 0);
	CHECK_INT(cairn__gate_metric_lower_better("acuracy"), ==, -1);
}

static int load(cairn_ctx *ctx, const char *text, const char *model,
		struct cairn_gates_config **c)
{
	cairn_write_file_atomic(ctx, "cairn.yaml", text, strlen(text), 0644);
	return cairn_gates_config_load(ctx, "cairn.yaml", model, c);
}

static void test_gates_config_reads_every_gate(void)
{
	static const char text[] =
		"models:\n"
		"  churn:\n"
		"    holdout: churn-test@3\n"
		"    target: churned\n"
		"    gates:\n"
		"      metrics: { accuracy: \">= 0.9\", rmse: \"<12\" }\n"
		"      by: segment\n"
		"      max_drop: { accuracy: 0.01 }\n"
		"      expectations: suites/churn.yaml\n"
		"      training_data_checked: true\n"
		"      smoke: true\n"
		"      latency_p99_ms: 5\n"
		"      schema: compatible\n"
		"      fairness:\n"
		"        - { column: sex, metric: demographic_parity_difference, max: 0.1 }\n"
		"        - { column: sex, metric: equalized_odds_difference, max: 0.2, positive: yes }\n";
	cairn_ctx *ctx = cairn_ctx_new();
	struct cairn_gates_config *c = NULL;

	CHECK_OK(ctx, load(ctx, text, NULL, &c));
	if (c) {
		CHECK_STR(cairn_gates_config_model(c), "churn");
		CHECK_STR(c->holdout, "churn-test@3");
		CHECK_STR(c->target, "churned");
		CHECK_INT(c->nmetrics, ==, 2);
		CHECK_INT(c->metrics[1].op, ==, CAIRN__GATE_LT);
		CHECK(c->metrics[1].value == 12);
		CHECK_INT(c->metrics[0].at.line, ==, 6);
		CHECK_INT(c->ndrops, ==, 1);
		CHECK(c->drops[0].max == 0.01);
		CHECK_STR(c->expectations, "./suites/churn.yaml");
		CHECK(c->training_data_checked && c->smoke && c->schema && c->has_latency);
		CHECK_INT(c->nfairness, ==, 2);
		CHECK_INT(c->fairness[1].metric, ==, CAIRN__EQUALIZED_ODDS);
		CHECK_STR(c->fairness[1].positive, "yes");
	}
	cairn_gates_config_free(c);
	c = NULL;
	CHECK_OK(ctx, load(ctx, "models:\n  a:\n    holdout: h\n    gates:\n      metrics:\n"
			   "        - { metric: r2, op: \">=\", value: 0.5 }\n", "a", &c));
	if (c)
		CHECK(c->nmetrics == 1 && c->metrics[0].op == CAIRN__GATE_GE && c->metrics[0].value == 0.5);
	cairn_gates_config_free(c);
	cairn_ctx_free(ctx);
}

static void test_gates_config_errors_name_line_and_key(void)
{
	static const struct { const char *text, *model, *msg; int code; } cases[] = {
		{ "models:\n  m:\n    holdout: h\n    gates:\n      metrics: { accuracy: \"=> 0.9\" }\n",
		  NULL, "'cairn.yaml' line 5 column 28: models.m.gates.metrics.accuracy: the threshold"
		  " must be an operator", CAIRN_EPARSE },
		{ "models:\n  m:\n    holdout: h\n    gates:\n      smoke: 1\n      smoke: 2\n",
		  NULL, "line 6 column 7: models.m.gates: 'smoke' is given twice", CAIRN_EPARSE },
		{ "models:\n  m:\n    holdout: h\n    gates:\n      latency_p99_ms: 0\n",
		  NULL, "line 5 column 23: models.m.gates.latency_p99_ms: must be a number of"
		  " milliseconds above 0", CAIRN_EPARSE },
		{ "models:\n  m:\n    gates:\n      metrics: { accuracy: \">= 1\" }\n",
		  NULL, "line 3 column 5: models.m: missing 'holdout'", CAIRN_EPARSE },
		{ "models:\n  m:\n    holdout: h\n    gates:\n      max_drop: { f1: -1 }\n",
		  NULL, "line 5 column 23: models.m.gates.max_drop.f1: must be 0 or more", CAIRN_EPARSE },
		{ "models:\n  m:\n    holdout: h\n    gates:\n      schema: strict\n",
		  NULL, "models.m.gates.schema: must be 'compatible'", CAIRN_EPARSE },
		{ "models:\n  m:\n    holdout: h\n    gates:\n      fairness: { column: s, max: 0.1 }\n",
		  NULL, "models.m.gates.fairness: missing 'metric'", CAIRN_EPARSE },
		{ "models:\n  m:\n    holdout: h\n    color: red\n    gates: {}\n",
		  NULL, "line 4 column 5: models.m: unknown key 'color' (a model takes holdout,"
		  " target, gates, ci)", CAIRN_EPARSE },
		{ "pipelines2: {}\n", NULL, "line 1 column 1: unknown key 'pipelines2'", CAIRN_EPARSE },
		{ "models:\n  a:\n    gates: {}\n  b:\n    gates: {}\n", NULL,
		  "declares 2 models: name the one", CAIRN_EINVAL },
		{ "models:\n  a:\n    gates: {}\n", "b", "declares no model 'b'", CAIRN_ENOTFOUND },
		{ "models: [\n", NULL, "'cairn.yaml' line 2 column 1:", CAIRN_EPARSE },
	};
	cairn_ctx *ctx = cairn_ctx_new();

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct cairn_gates_config *c = NULL;
		CHECK_ERR(ctx, load(ctx, cases[i].text, cases[i].model, &c), cases[i].code,
			  cases[i].msg);
		CHECK(c == NULL);
	}
	cairn_ctx_free(ctx);
}

static void test_gates_table(void)
{
	json_t *report = json_pack("{s:I, s:I, s:I, s:[{s:s, s:f, s:s, s:s, s:s},"
				   " {s:s, s:n, s:s, s:s, s:s}]}",
				   "passed", (json_int_t)1, "failed", (json_int_t)0,
				   "skipped", (json_int_t)1, "gates",
				   "gate", "metric accuracy", "value", 0.9375, "threshold", ">= 0.9",
				   "verdict", "pass", "detail", "on t@1 (10 rows)",
				   "gate", "schema", "value", "threshold", "no column removed",
				   "verdict", "skip", "detail", "no holder");
	cairn_buf out = CAIRN_BUF_INIT;

	cairn_gates_table(report, &out);
	CHECK(strstr(out.buf, "gate              value  threshold          verdict  detail\n") != NULL);
	CHECK(strstr(out.buf, "metric accuracy  0.9375  >= 0.9             pass     on t@1 (10 rows)\n") != NULL);
	CHECK(strstr(out.buf, "schema                -  no column removed  skip     no holder\n") != NULL);
	CHECK(strstr(out.buf, "PASS: 1 passed, 0 failed, 1 skipped\n") != NULL);
	cairn_buf_release(&out);
	json_decref(report);
}

/* The verdict of the row of gate in report ("" when there is none). */
static const char *verdict_of(const json_t *report, const char *gate)
{
	const json_t *row;
	size_t i;

	json_array_foreach(json_object_get(report, "gates"), i, row)
		if (!strcmp(json_string_value(json_object_get(row, "gate")), gate))
			return json_string_value(json_object_get(row, "verdict"));
	return "";
}

/* Records a check of classes@1 against a suite of one expectation. */
static void record_check(cairn_ctx *ctx, const char *max_rows)
{
	struct cairn_dataset_version v;
	struct cairn_suite *suite = NULL;
	struct cairn_frame *f = NULL;
	json_t *report = NULL;
	cairn_buf text = CAIRN_BUF_INIT;
	int passed;

	cairn_buf_addf(&text, "suite: rows\nexpectations:\n  - expect: row_count_between\n"
		       "    max: %s\n", max_rows);
	cairn_write_file_atomic(ctx, "rows.yaml", text.buf, text.len, 0644);
	CHECK_OK(ctx, cairn_suite_load(ctx, "rows.yaml", &suite));
	CHECK_OK(ctx, cairn_dataset_resolve(ctx, "classes@1", &v));
	CHECK_OK(ctx, cairn_dataset_load_frame(ctx, &v, &f));
	CHECK_OK(ctx, cairn_expect_check(ctx, f, suite, NULL, &report, &passed));
	CHECK_OK(ctx, cairn_expect_record(ctx, &v, "rows.yaml", suite, report));
	cairn_dataset_version_release(&v);
	json_decref(report);
	cairn_frame_free(f);
	cairn_suite_free(suite);
	cairn_buf_release(&text);
}

static void test_gates_run_on_a_trained_model(void)
{
	static const char yaml[] =
		"models:\n"
		"  classes:\n"
		"    holdout: classes\n"
		"    gates:\n"
		"      metrics: { accuracy: \">= 0.5\" }\n"
		"      max_drop: { log_loss: 0 }\n"
		"      training_data_checked: true\n"
		"      smoke: true\n"
		"      latency_p99_ms: 10000\n"
		"      schema: compatible\n";
	cairn_ctx *ctx = fixture_workspace();
	struct cairn_train_options o = { 0 };
	struct cairn_train_result res;
	struct cairn_gates_options go = { 0 };
	struct cairn_gates_config *c = NULL;
	struct cairn_dataset_version v;
	json_t *report = NULL, *checks;
	int passed = 1;

	fixture_add_classes(ctx, "classes", 0);
	o.data = "classes";
	o.target = "y";
	o.algo = "naive_bayes";
	o.task = -1;
	CHECK_OK(ctx, cairn_train(ctx, &o, &res));
	json_decref(res.metrics);
	CHECK_OK(ctx, load(ctx, yaml, NULL, &c));
	go.candidate = go.holder = res.run_id;
	go.config = c;
	go.latency_rows = 20;
	CHECK_OK(ctx, cairn_gates_run(ctx, &go, &report, &passed));
	CHECK_INT(passed, ==, 0);
	CHECK_STR(json_string_value(json_object_get(report, "verdict")), "fail");
	CHECK_STR(verdict_of(report, "metric accuracy"), "pass");
	CHECK_STR(verdict_of(report, "max_drop log_loss"), "pass");
	CHECK_STR(verdict_of(report, "training_data_checked"), "fail");
	CHECK_STR(verdict_of(report, "smoke"), "pass");
	CHECK_STR(verdict_of(report, "latency p99"), "pass");
	CHECK_STR(verdict_of(report, "schema"), "pass");
	CHECK_INT(json_integer_value(json_object_get(report, "failed")), ==, 1);
	json_decref(report);

	/* A failed check recorded, then a passing one with the same suite. */
	record_check(ctx, "3");
	CHECK_OK(ctx, cairn_gates_run(ctx, &go, &report, &passed));
	CHECK_STR(verdict_of(report, "training_data_checked"), "fail");
	json_decref(report);
	record_check(ctx, "1000");
	CHECK_OK(ctx, cairn_dataset_resolve(ctx, "classes@1", &v));
	checks = cairn_expect_recorded(&v);
	CHECK_INT(json_object_size(checks), ==, 1);
	CHECK(json_is_true(json_object_get(json_object_get(checks, "rows"), "passed")));
	json_decref(checks);
	cairn_dataset_version_release(&v);
	CHECK_OK(ctx, cairn_gates_run(ctx, &go, &report, &passed));
	CHECK_INT(passed, ==, 1);
	CHECK_STR(json_string_value(json_object_get(report, "verdict")), "pass");
	json_decref(report);

	/* A config without a candidate is refused. */
	go.candidate = NULL;
	CHECK_ERR(ctx, cairn_gates_run(ctx, &go, &report, &passed), CAIRN_EINVAL, "candidate");
	cairn_gates_config_free(c);
	cairn_ctx_free(ctx);
}

const struct unit_test gates_tests[] = {
	{ "gates_fairness_hand_computed", test_gates_fairness_hand_computed },
	{ "gates_fairness_one_group", test_gates_fairness_one_group },
	{ "gates_ops", test_gates_ops },
	{ "gates_config_reads_every_gate", test_gates_config_reads_every_gate },
	{ "gates_config_errors_name_line_and_key", test_gates_config_errors_name_line_and_key },
	{ "gates_table", test_gates_table },
	{ "gates_run_on_a_trained_model", test_gates_run_on_a_trained_model },
	{ NULL, NULL }
};
