/* The gate report as a table for people: one row per gate (gate, value,
 * threshold, verdict, detail) and the overall verdict; see
 * include/cairn/gates.h. */
#include <string.h>
#include "cairn/buf.h"
#include "cairn/gates.h"
#include "registry/gates-internal.h"

void cairn__gate_value_text(const json_t *v, cairn_buf *out)
{
	if (json_is_integer(v))
		cairn_buf_addf(out, "%lld", (long long)json_integer_value(v));
	else if (json_is_real(v))
		cairn_buf_addf(out, "%.4g", json_real_value(v));
	else if (json_is_string(v))
		cairn_buf_adds(out, json_string_value(v));
	else
		cairn_buf_adds(out, "-");
}

/* A string field of a row ("" when it has none). */
static const char *field(const json_t *row, const char *key)
{
	const char *s = json_string_value(json_object_get(row, key));
	return s ? s : "";
}

static const char *verdict_text(const char *v)
{
	return !strcmp(v, "fail") ? "FAIL" : v;
}

void cairn_gates_table(const json_t *report, cairn_buf *out)
{
	const json_t *gates = json_object_get(report, "gates"), *row;
	size_t i, wg = 4, wv = 5, wt = 9;
	cairn_buf value = CAIRN_BUF_INIT;

	json_array_foreach(gates, i, row) {
		size_t n = strlen(field(row, "gate"));
		wg = n > wg ? n : wg;
		n = strlen(field(row, "threshold"));
		wt = n > wt ? n : wt;
		cairn_buf_reset(&value);
		cairn__gate_value_text(json_object_get(row, "value"), &value);
		wv = value.len > wv ? value.len : wv;
	}
	cairn_buf_addf(out, "%-*s  %*s  %-*s  %-7s  %s\n", (int)wg, "gate", (int)wv, "value",
		       (int)wt, "threshold", "verdict", "detail");
	json_array_foreach(gates, i, row) {
		cairn_buf_reset(&value);
		cairn__gate_value_text(json_object_get(row, "value"), &value);
		cairn_buf_addf(out, "%-*s  %*s  %-*s  %-7s  %s\n", (int)wg,
			       field(row, "gate"), (int)wv, value.buf, (int)wt,
			       field(row, "threshold"), verdict_text(field(row, "verdict")),
			       field(row, "detail"));
	}
	cairn_buf_addf(out, "%s: %lld passed, %lld failed, %lld skipped\n",
		       json_integer_value(json_object_get(report, "failed")) ? "FAIL" : "PASS",
		       (long long)json_integer_value(json_object_get(report, "passed")),
		       (long long)json_integer_value(json_object_get(report, "failed")),
		       (long long)json_integer_value(json_object_get(report, "skipped")));
	cairn_buf_release(&value);
}
