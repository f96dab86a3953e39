/* The summary of `cairn ci` as Markdown for a CI job page (GitHub's
 * $GITHUB_STEP_SUMMARY): the outcome, the version and run, a table of the
 * data checks and one of the gates; see include/cairn/ci.h. */
#include <string.h>
#include "cairn/buf.h"
#include "cairn/ci.h"
#include "registry/gates-internal.h"

/* Text inside a table cell: '|' escaped, line breaks as spaces, and
 * characters Markdown would read as markup backslashed. */
static void cell(cairn_buf *out, const char *s)
{
	for (; s && *s; s++) {
		if (*s == '\n' || *s == '\r' || *s == '\t')
			cairn_buf_addch(out, ' ');
		else if (strchr("|\\`*_[]<>#", *s))
			cairn_buf_addf(out, "\\%c", *s);
		else
			cairn_buf_addch(out, *s);
	}
}

static const char *str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "";
}

static const char *outcome_text(const char *outcome)
{
	if (!strcmp(outcome, "promoted"))
		return "promoted";
	if (!strcmp(outcome, "check-failed"))
		return "refused: a data check failed";
	if (!strcmp(outcome, "gate-failed"))
		return "refused: a gate failed";
	return "error";
}

static void checks_table(const json_t *checks, cairn_buf *out)
{
	const json_t *c;
	size_t i;

	cairn_buf_adds(out, "\n### Data checks\n\n");
	if (!json_array_size(checks)) {
		cairn_buf_adds(out, "None declared.\n");
		return;
	}
	cairn_buf_adds(out, "| dataset | suite | expectations | failed | verdict |\n"
		       "|---|---|---:|---:|---|\n");
	json_array_foreach(checks, i, c) {
		cairn_buf_adds(out, "| ");
		cell(out, str(c, "dataset"));
		cairn_buf_adds(out, json_is_true(json_object_get(c, "added")) ? " (added)" : "");
		cairn_buf_adds(out, " | ");
		cell(out, str(c, "suite"));
		cairn_buf_addf(out, " | %lld | %lld | %s |\n",
			       (long long)json_integer_value(json_object_get(c, "expectations")),
			       (long long)json_integer_value(json_object_get(c, "failed")),
			       json_is_true(json_object_get(c, "passed")) ? "pass" : "**FAIL**");
	}
}

static void gates_table(const json_t *report, cairn_buf *out)
{
	cairn_buf value = CAIRN_BUF_INIT;
	const json_t *row;
	size_t i;

	cairn_buf_adds(out, "\n### Gates\n\n");
	if (!json_is_object(report)) {
		cairn_buf_adds(out, "Not run.\n");
		return;
	}
	cairn_buf_adds(out, "| gate | value | threshold | verdict | detail |\n"
		       "|---|---:|---|---|---|\n");
	json_array_foreach(json_object_get(report, "gates"), i, row) {
		const char *v = str(row, "verdict");
		cairn_buf_reset(&value);
		cairn__gate_value_text(json_object_get(row, "value"), &value);
		cairn_buf_adds(out, "| ");
		cell(out, str(row, "gate"));
		cairn_buf_adds(out, " | ");
		cell(out, value.buf);
		cairn_buf_adds(out, " | ");
		cell(out, str(row, "threshold"));
		cairn_buf_addf(out, " | %s | ", !strcmp(v, "fail") ? "**FAIL**" : v);
		cell(out, str(row, "detail"));
		cairn_buf_adds(out, " |\n");
	}
	cairn_buf_addf(out, "\n%lld passed, %lld failed, %lld skipped.\n",
		       (long long)json_integer_value(json_object_get(report, "passed")),
		       (long long)json_integer_value(json_object_get(report, "failed")),
		       (long long)json_integer_value(json_object_get(report, "skipped")));
	cairn_buf_release(&value);
}

void cairn_ci_markdown(const json_t *summary, cairn_buf *out)
{
	const json_t *version = json_object_get(summary, "version");
	const json_t *promotion = json_object_get(summary, "promotion");

	cairn_buf_adds(out, "## cairn ci: ");
	cell(out, str(summary, "model"));
	cairn_buf_adds(out, " to ");
	cell(out, str(summary, "alias"));
	cairn_buf_addf(out, ": %s\n\n", outcome_text(str(summary, "outcome")));
	if (json_is_integer(version)) {
		cairn_buf_adds(out, "- version: `");
		cell(out, str(summary, "model"));
		cairn_buf_addf(out, "@%lld`%s\n", (long long)json_integer_value(version),
			       json_is_true(json_object_get(promotion, "moved")) ? "" :
			       " (registered, not promoted)");
	}
	if (*str(summary, "run_id"))
		cairn_buf_addf(out, "- run: `%s`\n", str(summary, "run_id"));
	if (*str(promotion, "gate_report"))
		cairn_buf_addf(out, "- gate report: object `%s`\n", str(promotion, "gate_report"));
	if (*str(summary, "error")) {
		cairn_buf_adds(out, "- error: ");
		cell(out, str(summary, "error"));
		cairn_buf_adds(out, "\n");
	}
	checks_table(json_object_get(summary, "checks"), out);
	gates_table(json_object_get(summary, "report"), out);
}
