/* Unit tests for cairn ci (src/registry): the ci: key of cairn.yaml read
 * whole, and the Markdown summary with text that would break its tables. */
#include <string.h>
#include "cairn/buf.h"
#include "cairn/ci.h"
#include "cairn/error.h"
#include "cairn/gates.h"
#include "core/fs.h"
#include "registry/ci-internal.h"
#include "registry/gates-internal.h"
#include "tests/unit/suites.h"

static void test_ci_config_reads_every_key(void)
{
	static const char text[] =
		"models:\n"
		"  churn:\n"
		"    holdout: churn-test\n"
		"    gates: { smoke: true }\n"
		"    ci:\n"
		"      to: candidate\n"
		"      datasets:\n"
		"        - { add: data/churn.csv, expectations: suites/churn.yaml }\n"
		"        - { add: /abs/x.csv, name: x, expectations: /abs/s.yaml }\n"
		"        - { dataset: churn-test@3, expectations: s.yaml }\n"
		"      train:\n"
		"        data: churn\n"
		"        test_split: 0.25\n"
		"        target: churned\n"
		"        algorithm: xgboost\n"
		"        params: { n_estimators: 200, eta: 0.1 }\n"
		"        seed: 42\n";
	cairn_ctx *ctx = cairn_ctx_new();
	struct cairn_gates_config *c = NULL;
	const struct cairn__ci_config *ci;

	cairn_write_file_atomic(ctx, "cairn.yaml", text, strlen(text), 0644);
	CHECK_OK(ctx, cairn_gates_config_load(ctx, "cairn.yaml", NULL, &c));
	ci = c->ci;
	CHECK(ci != NULL);
	CHECK_STR(ci->to, "candidate");
	CHECK_INT(ci->ndatasets, ==, 3);
	CHECK_STR(ci->datasets[0].add, "./data/churn.csv");
	CHECK_STR(ci->datasets[0].add_as_given, "data/churn.csv");
	CHECK(ci->datasets[0].name == NULL);
	CHECK_STR(ci->datasets[0].suite, "./suites/churn.yaml");
	CHECK_STR(ci->datasets[1].add, "/abs/x.csv");
	CHECK_STR(ci->datasets[1].name, "x");
	CHECK_STR(ci->datasets[1].suite, "/abs/s.yaml");
	CHECK_STR(ci->datasets[2].ref, "churn-test@3");
	CHECK(ci->datasets[2].add == NULL);
	CHECK_STR(ci->data, "churn");
	CHECK(ci->test == NULL);
	CHECK(ci->test_split == 0.25);
	CHECK_STR(ci->target, "churned");
	CHECK_STR(ci->algorithm, "xgboost");
	CHECK_STR(json_string_value(json_object_get(ci->params, "n_estimators")), "200");
	CHECK_STR(json_string_value(json_object_get(ci->params, "eta")), "0.1");
	CHECK_INT(ci->seed, ==, 42);
	CHECK_INT(ci->train_line, ==, 12);
	cairn_gates_config_free(c);

	/* Without ci: the model has none. */
	cairn_write_file_atomic(ctx, "cairn.yaml", "models:\n  m:\n    gates: {}\n", 27, 0644);
	CHECK_OK(ctx, cairn_gates_config_load(ctx, "cairn.yaml", NULL, &c));
	CHECK(c->ci == NULL);
	cairn_gates_config_free(c);
	cairn_ctx_free(ctx);
}

static void test_ci_markdown_escapes_cells(void)
{
	json_t *s = json_loads(
		"{\"model\": \"m\", \"alias\": \"staging\", \"outcome\": \"gate-failed\","
		" \"version\": 3, \"run_id\": \"01run\", \"error\": null,"
		" \"promotion\": {\"moved\": false, \"gate_report\": \"abc\"},"
		" \"checks\": [{\"dataset\": \"d@1\", \"suite\": \"a|b.yaml\", \"added\": true,"
		"   \"passed\": false, \"failed\": 1, \"expectations\": 2}],"
		" \"report\": {\"passed\": 0, \"failed\": 1, \"skipped\": 0, \"gates\": ["
		"   {\"gate\": \"metric accuracy\", \"value\": 0.5, \"threshold\": \">= 0.9\","
		"    \"verdict\": \"fail\", \"detail\": \"on h@1\\nrow | 2 *bold*\"}]}}", 0, NULL);
	cairn_buf out = CAIRN_BUF_INIT;

	CHECK(s != NULL);
	cairn_ci_markdown(s, &out);
	CHECK(strstr(out.buf, "## cairn ci: m to staging: refused: a gate failed\n") != NULL);
	CHECK(strstr(out.buf, "- version: `m@3` (registered, not promoted)\n") != NULL);
	CHECK(strstr(out.buf, "- run: `01run`\n") != NULL);
	CHECK(strstr(out.buf, "| d@1 (added) | a\\|b.yaml | 2 | 1 | **FAIL** |\n") != NULL);
	CHECK(strstr(out.buf, "| metric accuracy | 0.5 | \\>= 0.9 | **FAIL** | on h@1 row \\| 2"
			      " \\*bold\\* |\n") != NULL);
	CHECK(strstr(out.buf, "\n0 passed, 1 failed, 0 skipped.\n") != NULL);
	cairn_buf_release(&out);

	/* An error before any step: the tables say so. */
	json_object_set_new(s, "outcome", json_string("error"));
	json_object_set_new(s, "error", json_string("no | such"));
	json_object_set_new(s, "checks", json_array());
	json_object_set_new(s, "report", json_null());
	json_object_del(s, "version");
	cairn_ci_markdown(s, &out);
	CHECK(strstr(out.buf, ": error\n") != NULL);
	CHECK(strstr(out.buf, "- error: no \\| such\n") != NULL);
	CHECK(strstr(out.buf, "None declared.\n") != NULL);
	CHECK(strstr(out.buf, "Not run.\n") != NULL);
	CHECK(strstr(out.buf, "version") == NULL);
	cairn_buf_release(&out);
	json_decref(s);
}

const struct unit_test ci_tests[] = {
	{ "ci_config_reads_every_key", test_ci_config_reads_every_key },
	{ "ci_markdown_escapes_cells", test_ci_markdown_escapes_cells },
	{ NULL, NULL }
};
