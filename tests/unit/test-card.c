/* Unit tests for model cards (src/registry/card*.c). */
#include <stdlib.h>
#include <string.h>
#include "cairn/card.h"
#include "cairn/dataset.h"
#include "cairn/error.h"
#include "cairn/gates.h"
#include "cairn/objects.h"
#include "cairn/registry.h"
#include "cairn/train.h"
#include "core/fs.h"
#include "core/json.h"
#include "registry/card-internal.h"
#include "tests/unit/ml-fixture.h"
#include "tests/unit/suites.h"

/* A knn model trained on "classes" and tested on "holdout": its run id. */
static void train(cairn_ctx *ctx, char id[CAIRN_ID_LEN + 1])
{
	struct cairn_train_options o = { 0 };
	struct cairn_train_result res;
	json_t *params = json_pack("{s:s}", "n_neighbors", "3");

	fixture_add_classes(ctx, "classes", 0);
	fixture_add_classes(ctx, "holdout", 1);
	o.data = "classes";
	o.test = "holdout";
	o.target = "y";
	o.algo = "knn";
	o.params = params;
	o.task = -1;
	CHECK_OK(ctx, cairn_train(ctx, &o, &res));
	memcpy(id, res.run_id, CAIRN_ID_LEN + 1);
	json_decref(res.metrics);
	json_decref(params);
}

static void test_card_facts_from_lineage(void)
{
	cairn_ctx *ctx = fixture_workspace();
	struct cairn_card_options o = { 0 };
	struct cairn_dataset_version v;
	char id[CAIRN_ID_LEN + 1];
	cairn_card *card = NULL;
	const json_t *f, *data;

	train(ctx, id);
	CHECK_OK(ctx, cairn_card_build(ctx, id, &o, &card));
	if (!card)
		goto out;
	f = cairn_card_facts(card);
	CHECK_INT(json_integer_value(json_object_get(f, "card_version")), ==, 1);
	CHECK_STR(json_string_value(json_object_get(json_object_get(f, "model"), "algorithm")), "knn");
	CHECK_STR(json_string_value(json_object_get(json_object_get(f, "model"), "source")), "run");
	CHECK_STR(json_string_value(json_object_get(json_object_get(f, "run"), "id")), id);
	data = json_object_get(f, "data");
	CHECK_INT(json_array_size(data), ==, 2);
	CHECK_OK(ctx, cairn_dataset_resolve(ctx, "holdout", &v));
	CHECK_STR(json_string_value(json_object_get(json_array_get(data, 1), "hash")), v.hash);
	CHECK_STR(json_string_value(json_object_get(json_object_get(f, "evaluation"), "hash")), v.hash);
	cairn_dataset_version_release(&v);
	CHECK(json_array_size(json_object_get(json_object_get(f, "evaluation"), "plots")) >= 3);
	CHECK(json_is_null(json_object_get(f, "intended_use")));
	CHECK(json_is_null(json_object_get(f, "registry")));
	/* Without a code version, a note says how to record one. */
	CHECK(strstr(json_string_value(json_array_get(json_object_get(f, "notes"), 0)),
		     "no code version") != NULL);
out:
	cairn_card_free(card);
	cairn_ctx_free(ctx);
}

/* The registry's facts and gate reports, as the registry will pass them. */
static void test_card_registry_and_gates(void)
{
	cairn_ctx *ctx = fixture_workspace();
	struct cairn_card_options o = { 0 };
	char id[CAIRN_ID_LEN + 1];
	cairn_card *card = NULL;
	cairn_buf md = CAIRN_BUF_INIT, html = CAIRN_BUF_INIT;
	const json_t *f;

	o.registry = json_pack("{s:s, s:i, s:s, s:{s:s, s:s}, s:[s]}", "name", "churn", "version", 3,
			       "description", "Ranks <customers> & accounts", "tags",
			       "limitations", "Trained on 2025 data", "sensitive_columns", "x",
			       "aliases", "champion");
	o.gates = json_pack("[{s:s, s:f, s:f, s:b, s:s}, {s:s, s:f, s:f, s:s, s:s}]",
			    "gate", "accuracy", "value", 0.9, "threshold", 0.95, "passed", 0,
			    "detail", "on holdout@1", "gate", "fairness:x", "value", 0.02,
			    "threshold", 0.1, "verdict", "pass", "detail", "demographic parity");
	train(ctx, id);
	CHECK_OK(ctx, cairn_card_build(ctx, id, &o, &card));
	if (!card)
		goto out;
	f = cairn_card_facts(card);
	CHECK_STR(json_string_value(json_object_get(f, "intended_use")), "Ranks <customers> & accounts");
	CHECK_STR(json_string_value(json_object_get(json_array_get(json_object_get(f, "caveats"), 0),
						    "text")), "Trained on 2025 data");
	CHECK_STR(json_string_value(json_object_get(json_array_get(json_object_get(f, "factors"), 0),
						    "column")), "x");
	CHECK(json_object_get(json_object_get(json_object_get(f, "evaluation"), "slices"), "x") != NULL);
	CHECK_INT(json_array_size(json_object_get(f, "ethical_considerations")), ==, 1);
	cairn_card_render(card, CAIRN_CARD_MARKDOWN, &md);
	cairn_card_render(card, CAIRN_CARD_HTML, &html);
	CHECK(strstr(md.buf, "# Model card: churn version 3\n") != NULL);
	CHECK(strstr(md.buf, "Ranks &lt;customers&gt; &amp; accounts") != NULL);
	CHECK(strstr(md.buf, "| fairness:x | 0.02 | 0.1 | pass | demographic parity |") != NULL);
	CHECK(strstr(md.buf, "| accuracy | 0.9 | 0.95 | fail | on holdout@1 |") != NULL);
	CHECK(strstr(html.buf, "<td>Aliases</td><td>champion</td>") != NULL);
	CHECK(strstr(html.buf, "Ranks &lt;customers&gt; &amp; accounts") != NULL);
	CHECK(strstr(html.buf, "### Per value") == NULL);
	CHECK(strstr(html.buf, "<h3>Per value of x</h3>") != NULL);
out:
	cairn_buf_release(&md);
	cairn_buf_release(&html);
	json_decref((json_t *)o.registry);
	json_decref((json_t *)o.gates);
	cairn_card_free(card);
	cairn_ctx_free(ctx);
}

static void test_card_errors(void)
{
	cairn_ctx *ctx = fixture_workspace();
	struct cairn_card_options o = { 0 };
	const char *by[] = { "nosuch" };
	char id[CAIRN_ID_LEN + 1];
	cairn_card *card = NULL;

	CHECK_ERR(ctx, cairn_card_build(ctx, "nosuchmodel", NULL, &card), CAIRN_ENOTFOUND,
		  "no model 'nosuchmodel'");
	CHECK(card == NULL);
	train(ctx, id);
	o.by = by;
	o.nby = 1;
	CHECK_ERR(ctx, cairn_card_build(ctx, id, &o, &card), CAIRN_EINVAL,
		  "cannot slice by 'nosuch': the test data holdout@1 has no such column");
	CHECK(card == NULL);
	/* Without the evaluation there is nothing to slice, and no error. */
	o.no_evaluate = 1;
	CHECK_OK(ctx, cairn_card_build(ctx, id, &o, &card));
	CHECK(card && json_is_null(json_object_get(cairn_card_facts(card), "evaluation")));
	cairn_card_free(card);
	cairn_ctx_free(ctx);
}

/* Markdown keeps a hostile string one inline run of one table cell. */
static void test_card_doc_markdown_escapes(void)
{
	cairn_buf out = CAIRN_BUF_INIT;
	struct cairn__doc d = { .out = &out };
	static const char *const heads[] = { "a|b", "c" };

	cairn__doc_table_begin(&d, 2, heads);
	cairn__doc_cell(&d, "x|y\n# z <b>&amp;</b> *e* _u_ [l](h) `c`");
	cairn__doc_row_end(&d);
	cairn__doc_table_end(&d);
	CHECK_STR(out.buf, "| a\\|b | c |\n| --- | --- |\n"
		  "| x\\|y \\# z &lt;b&gt;&amp;amp;&lt;/b&gt; \\*e\\* \\_u\\_ \\[l\\](h) \\`c\\` |  |\n\n");
	cairn_buf_reset(&out);
	/* Bytes that are not UTF-8 become U+FFFD; control characters spaces. */
	cairn__doc_text(&d, "a\xff\x01z\xc3\xa9");
	CHECK_STR(out.buf, "a\xef\xbf\xbd z\xc3\xa9");
	cairn_buf_reset(&out);
	cairn__doc_code(&d, "ab`c");
	CHECK_STR(out.buf, "ab\\`c");
	/* A text that starts a block starts no list, and no code block. */
	cairn_buf_reset(&out);
	cairn__doc_para_begin(&d);
	cairn__doc_text(&d, "    - a - b");
	cairn__doc_para_end(&d);
	cairn__doc_item_begin(&d);
	cairn__doc_text(&d, "12. c");
	cairn__doc_item_end(&d);
	cairn__doc_para_begin(&d);
	cairn__doc_raw(&d, "x ");
	cairn__doc_text(&d, "- d");
	cairn__doc_para_end(&d);
	CHECK_STR(out.buf, "\\- a - b\n\n- 12\\. c\nx - d\n\n");
	cairn_buf_release(&out);
}

static void test_card_doc_html_escapes(void)
{
	cairn_buf out = CAIRN_BUF_INIT, svg = CAIRN_BUF_INIT;
	struct cairn__doc d = { .out = &out, .html = 1 };

	cairn__doc_text(&d, "<script>\"a\" & 'b'</script>");
	CHECK_STR(out.buf, "&lt;script&gt;&quot;a&quot; &amp; &apos;b&apos;&lt;/script&gt;");
	cairn_buf_reset(&out);
	/* Two plots in one page keep apart the ids they refer to. */
	cairn_buf_adds(&svg, "<?xml version=\"1.0\"?>\n<svg><clipPath id=\"c\"/>"
		       "<g clip-path=\"url(#c)\"/></svg>\n");
	cairn__doc_svg(&d, "roc.svg", 4, &svg);
	CHECK_STR(out.buf, "<figure>\n<svg><clipPath id=\"c-p4\"/><g clip-path=\"url(#c-p4)\"/></svg>\n"
		  "</figure>\n");
	cairn_buf_release(&svg);
	cairn_buf_release(&out);
}

/* Appends a promotion event of version v of "m" naming the report hash. */
static void promotion(cairn_ctx *ctx, const char *action, int v, const char *hash,
		      const char *verdict, int forced)
{
	struct cairn_registry_event_options e = { 0 };
	json_t *details = json_pack("{s:s, s:i, s:s, s:s, s:b, s:n}", "alias", "champion",
				    "version", v, "gate_report", hash, "verdict", verdict,
				    "forced", forced, "holder");

	e.name = "m";
	e.action = action;
	e.details = details;
	e.forced = forced;
	CHECK_OK(ctx, cairn_registry_event_append(ctx, &e, NULL));
	json_decref(details);
}

/* Collects the objects of role "gate report" into arg (a JSON array). */
static int collect_report(const char *what, const char *role, const char *hash, void *arg)
{
	if (!strcmp(role, "gate report"))
		json_array_append_new(arg, json_pack("{s:s, s:s}", "what", what, "hash", hash));
	return 0;
}

/* A card of NAME@V: the package from the object store, the registry's
 * facts, and the gate reports the audit log names (a real report of the
 * gates, stored as the promotion stores it). */
static void test_card_of_a_registered_version(void)
{
	static const char yaml[] =
		"models:\n"
		"  m:\n"
		"    holdout: holdout\n"
		"    gates:\n"
		"      metrics: { accuracy: \">= 0.5\" }\n"
		"      smoke: true\n";
	static const char missing[] =
		"00000000000000000000000000000000000000000000000000000000000000aa";
	cairn_ctx *ctx = fixture_workspace();
	struct cairn_registry_register_options ro = { 0 };
	struct cairn_registry_register_result rr;
	struct cairn_card_options o = { 0 };
	struct cairn_gates_options go = { 0 };
	struct cairn_gates_config *c = NULL;
	struct cairn_object_put_result put;
	char id[CAIRN_ID_LEN + 1];
	json_t *report = NULL, *reports = NULL, *r;
	const json_t *f, *reg;
	cairn_buf text = CAIRN_BUF_INIT, md = CAIRN_BUF_INIT;
	cairn_card *card = NULL;
	int passed = 0;

	train(ctx, id);
	ro.name = "m";
	ro.run = id;
	ro.description = "sorts classes";
	CHECK_OK(ctx, cairn_registry_register(ctx, &ro, &rr));
	CHECK_OK(ctx, cairn_registry_register(ctx, &ro, &rr));
	CHECK_INT(rr.version, ==, 2);
	cairn_write_file_atomic(ctx, "cairn.yaml", yaml, strlen(yaml), 0644);
	CHECK_OK(ctx, cairn_gates_config_load(ctx, "cairn.yaml", "m", &c));
	go.candidate = id;
	go.config = c;
	go.latency_rows = 5;
	CHECK_OK(ctx, cairn_gates_run(ctx, &go, &report, &passed));
	CHECK_INT(passed, ==, 1);
	cairn_json_append(&text, report, 0);
	CHECK_OK(ctx, cairn_object_put_buf(ctx, text.buf, text.len, &put));

	/* None yet: an empty list, and the card says none was recorded. */
	CHECK_OK(ctx, cairn_registry_gate_reports(ctx, "m@2", &reports));
	CHECK_INT(json_array_size(reports), ==, 0);
	json_decref(reports);

	promotion(ctx, "promote", 2, put.hash, "pass", 0);
	promotion(ctx, "promote", 1, put.hash, "pass", 0);
	promotion(ctx, "promote-refused", 2, missing, "fail", 0);
	CHECK_OK(ctx, cairn_registry_gate_reports(ctx, "models:/m/2", &reports));
	CHECK_INT(json_array_size(reports), ==, 2);
	/* Latest first; a report whose object is gone says why. */
	r = json_array_get(reports, 0);
	CHECK_STR(json_string_value(json_object_get(r, "action")), "promote-refused");
	CHECK(json_is_null(json_object_get(r, "report")));
	CHECK(strstr(json_string_value(json_object_get(r, "problem")), "not in the object store"));
	r = json_array_get(reports, 1);
	CHECK_STR(json_string_value(json_object_get(r, "action")), "promote");
	CHECK_STR(json_string_value(json_object_get(r, "alias")), "champion");
	CHECK_STR(json_string_value(json_object_get(r, "verdict")), "pass");
	CHECK(json_is_false(json_object_get(r, "forced")));
	CHECK_STR(json_string_value(json_object_get(r, "report_hash")), put.hash);
	CHECK(json_equal(json_object_get(r, "report"), report));
	CHECK(json_integer_value(json_object_get(json_array_get(reports, 0), "seq")) >
	      json_integer_value(json_object_get(r, "seq")));
	json_decref(reports);
	CHECK_ERR(ctx, cairn_registry_gate_reports(ctx, "m@7", &reports), CAIRN_ENOTFOUND,
		  "no version 7");
	/* gc keeps the reports (and fsck checks them): the registry names them. */
	reports = json_array();
	CHECK_OK(ctx, cairn_registry_object_refs(ctx, collect_report, reports));
	CHECK_INT(json_array_size(reports), ==, 3);
	CHECK_STR(json_string_value(json_object_get(json_array_get(reports, 0), "what")),
		  "model m@2 promote (audit event 3)");
	CHECK_STR(json_string_value(json_object_get(json_array_get(reports, 0), "hash")), put.hash);
	json_decref(reports);

	o.no_evaluate = 1;
	CHECK_OK(ctx, cairn_card_build(ctx, "m@2", &o, &card));
	if (!card)
		goto out;
	f = cairn_card_facts(card);
	reg = json_object_get(f, "registry");
	CHECK_STR(json_string_value(json_object_get(reg, "name")), "m");
	CHECK_INT(json_integer_value(json_object_get(reg, "version")), ==, 2);
	CHECK_STR(json_string_value(json_object_get(reg, "status")), "active");
	CHECK_STR(json_string_value(json_object_get(json_object_get(reg, "source"), "run_id")), id);
	CHECK_INT(json_array_size(json_object_get(reg, "gate_reports")), ==, 2);
	CHECK(!json_object_get(json_array_get(json_object_get(reg, "gate_reports"), 1), "report"));
	CHECK_STR(json_string_value(json_object_get(f, "intended_use")), "sorts classes");
	CHECK_STR(json_string_value(json_object_get(json_object_get(f, "model"), "source")),
		  "registry");
	CHECK_STR(json_string_value(json_object_get(json_object_get(f, "model"), "run_id")), id);
	CHECK_STR(json_string_value(json_object_get(json_object_get(f, "run"), "id")), id);
	/* The gates of the latest report that can be read. */
	CHECK(json_equal(json_object_get(f, "gates"), json_object_get(report, "gates")));
	cairn_card_render(card, CAIRN_CARD_MARKDOWN, &md);
	CHECK(strstr(md.buf, "# Model card: m version 2\n") != NULL);
	CHECK(strstr(md.buf, "### Gate reports\n") != NULL);
	CHECK(strstr(md.buf, put.hash) != NULL);
	CHECK(strstr(md.buf, "| metric accuracy |") != NULL);
	CHECK_STR(json_string_value(json_object_get(json_object_get(reg, "gates_from"), "report_hash")),
		  put.hash);
	CHECK(strstr(md.buf, ", promote to champion, verdict pass), object `") != NULL);
out:
	cairn_card_free(card);
	json_decref(report);
	cairn_gates_config_free(c);
	cairn_buf_release(&text);
	cairn_buf_release(&md);
	cairn_ctx_free(ctx);
}

const struct unit_test card_tests[] = {
	{ "card_facts_from_lineage", test_card_facts_from_lineage },
	{ "card_registry_and_gates", test_card_registry_and_gates },
	{ "card_of_a_registered_version", test_card_of_a_registered_version },
	{ "card_errors", test_card_errors },
	{ "card_doc_markdown_escapes", test_card_doc_markdown_escapes },
	{ "card_doc_html_escapes", test_card_doc_html_escapes },
	{ NULL, NULL }
};
