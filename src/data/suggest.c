/* Suggesting an expectation suite from a stored profile, and writing a suite
 * as commented YAML; see include/cairn/expect.h. */
#include <math.h>
#include <string.h>
#include <strings.h>
#include "cairn/error.h"
#include "cairn/expect.h"
#include "cairn/value.h"
#include "core/format.h"

#define DEFAULT_MARGIN 0.1
#define DEFAULT_CATEGORIES 50

static void add(json_t *exps, json_t *notes, json_t *e, char *note)
{
	json_array_append_new(exps, e);
	json_array_append_new(notes, note ? json_string(note) : json_null());
}

static int is_numeric(const char *type)
{
	return !strcmp(type, "integer") || !strcmp(type, "float") || !strcmp(type, "datetime");
}

/* A one-line summary of a column for the comment above its expectations. */
static void column_note(const json_t *c, const char *name, const char *type, json_int_t rows,
			cairn_buf *out)
{
	json_int_t nulls = json_integer_value(json_object_get(c, "nulls"));
	const json_t *mean = json_object_get(c, "mean"), *std = json_object_get(c, "std");

	cairn_buf_reset(out);
	cairn_buf_addf(out, "%s: %s, %lld nulls", name, type, (long long)nulls);
	if (nulls && rows)
		cairn_buf_addf(out, " (%.2f%%)", 100.0 * (double)nulls / (double)rows);
	cairn_buf_addf(out, ", %s%lld distinct",
		       json_is_true(json_object_get(c, "distinct_approx")) ? "~" : "",
		       (long long)json_integer_value(json_object_get(c, "distinct")));
	if (json_integer_value(json_object_get(c, "infinite")))
		cairn_buf_addf(out, ", %lld infinite",
			       (long long)json_integer_value(json_object_get(c, "infinite")));
	if (json_is_number(mean) && strcmp(type, "datetime")) {
		cairn_buf_addf(out, ", mean %.6g", json_number_value(mean));
		if (json_is_number(std))
			cairn_buf_addf(out, ", std %.6g", json_number_value(std));
	}
}

/* The non-null fraction rounded down to three decimals: a little slack. */
static double mostly_of(json_int_t count, json_int_t rows)
{
	return floor((double)count / (double)rows * 1000) / 1000;
}

static void suggest_column(const json_t *c, json_int_t rows, const struct cairn_suggest_options *o,
			   json_t *exps, json_t *notes)
{
	const char *name = json_string_value(json_object_get(c, "name"));
	const char *type = json_string_value(json_object_get(c, "type"));
	json_int_t count = json_integer_value(json_object_get(c, "count"));
	json_int_t nulls = json_integer_value(json_object_get(c, "nulls"));
	json_int_t distinct = json_integer_value(json_object_get(c, "distinct"));
	int distinct_exact = !json_is_true(json_object_get(c, "distinct_approx"));
	const json_t *top = json_object_get(c, "top");
	cairn_buf note = CAIRN_BUF_INIT;
	json_t *e;

	if (!name || !type)
		return;
	column_note(c, name, type, rows, &note);
	add(exps, notes, json_pack("{s:s, s:s, s:s}", "expect", "column_type", "column", name,
				   "type", type), note.buf);
	if (count > 0) {
		double m = nulls > 0 ? mostly_of(count, rows) : 1;
		if (m > 0) {
			e = json_pack("{s:s, s:s}", "expect", "not_null", "column", name);
			if (m < 1)
				json_object_set_new(e, "mostly", json_real(m));
			add(exps, notes, e, NULL);
		}
	}
	if ((!strcmp(type, "integer") || !strcmp(type, "string")) && count >= 2 && distinct_exact &&
	    distinct == count)
		add(exps, notes, json_pack("{s:s, s:s}", "expect", "unique", "column", name), NULL);
	if (is_numeric(type)) {
		int time = !strcmp(type, "datetime");
		const json_t *min = json_object_get(c, time ? "min_time" : "min");
		const json_t *max = json_object_get(c, time ? "max_time" : "max");
		/* min and max are the finite extremes: -inf or inf in the column
		 * leave that side open, or the data would fail its own suite. */
		int has_min = (json_is_number(min) || json_is_string(min)) &&
			      !json_is_true(json_object_get(c, "min_infinite"));
		int has_max = (json_is_number(max) || json_is_string(max)) &&
			      !json_is_true(json_object_get(c, "max_infinite"));
		if (has_min || has_max) {
			e = json_pack("{s:s, s:s}", "expect", "between", "column", name);
			if (has_min)
				json_object_set(e, "min", (json_t *)min);
			if (has_max)
				json_object_set(e, "max", (json_t *)max);
			add(exps, notes, e, NULL);
		}
	}
	/* A set of values needs values: not for a column of nulls only. */
	if (!strcmp(type, "string") && distinct_exact && json_is_array(top) && distinct > 0 &&
	    (size_t)distinct <= o->max_categories && distinct * 2 <= count &&
	    !json_is_true(json_object_get(c, "top_approx")) &&
	    json_integer_value(json_object_get(c, "other_count")) == 0) {
		json_t *values = json_array(), *t;
		size_t i;
		json_array_foreach(top, i, t)
			json_array_append(values, json_object_get(t, "value"));
		add(exps, notes, json_pack("{s:s, s:s, s:o}", "expect", "in_set", "column", name,
					   "values", values), NULL);
	}
	cairn_buf_release(&note);
}

int cairn_suite_suggest(cairn_ctx *ctx, const json_t *profile,
			const struct cairn_suggest_options *opts, json_t **suite, json_t **notes)
{
	struct cairn_suggest_options o = { NULL, DEFAULT_MARGIN, DEFAULT_CATEGORIES };
	const json_t *cols = json_object_get(profile, "columns"), *c;
	json_int_t rows = json_integer_value(json_object_get(profile, "rows"));
	json_t *exps, *nts, *names;
	cairn_buf note = CAIRN_BUF_INIT;
	size_t i;

	if (opts)
		o = *opts;
	*suite = NULL;
	if (notes)
		*notes = NULL;
	if (!json_is_array(cols) || !json_is_integer(json_object_get(profile, "rows")))
		return cairn_error(ctx, CAIRN_ECORRUPT, "the profile has no rows or columns");
	exps = json_array();
	nts = json_array();
	cairn_buf_addf(&note, "%lld rows; %g%% either way allowed", (long long)rows,
		       o.row_margin * 100);
	add(exps, nts, json_pack("{s:s, s:I, s:I}", "expect", "row_count_between",
				 "min", (json_int_t)floor((double)rows * (1 - o.row_margin)),
				 "max", (json_int_t)ceil((double)rows * (1 + o.row_margin))), note.buf);
	names = json_array();
	json_array_foreach(cols, i, c)
		json_array_append(names, json_object_get(c, "name"));
	add(exps, nts, json_pack("{s:s, s:o, s:b}", "expect", "columns_present", "columns", names,
				 "strict", 1), NULL);
	json_array_foreach(cols, i, c)
		suggest_column(c, rows, &o, exps, nts);
	cairn_buf_release(&note);
	*suite = json_pack("{s:s, s:o}", "suite", o.name ? o.name : "", "expectations", exps);
	if (notes)
		*notes = nts;
	else
		json_decref(nts);
	return 0;
}

/* YAML 1.1 reads these plain words as booleans or null. */
static int reserved_word(const char *s)
{
	static const char *const words[] = { "y", "n", "yes", "no", "on", "off", "true",
					     "false", "null", NULL };
	for (size_t i = 0; words[i]; i++)
		if (!strcasecmp(s, words[i]))
			return 1;
	return 0;
}

/* A string that reads back as the same string when written plain. */
static int plain_safe(const char *s)
{
	double d;
	size_t len = strlen(s);

	if (!len || !(s[0] == '_' || (s[0] >= 'A' && s[0] <= 'Z') || (s[0] >= 'a' && s[0] <= 'z')))
		return 0;
	for (const char *p = s; *p; p++)
		if (!(*p == '_' || *p == '-' || *p == '.' || *p == '/' || (*p >= '0' && *p <= '9') ||
		      (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z')))
			return 0;
	return !reserved_word(s) && !cairn_parse_float(s, len, &d);
}

static void yaml_string(const char *s, cairn_buf *out)
{
	if (plain_safe(s)) {
		cairn_buf_adds(out, s);
		return;
	}
	cairn_buf_addch(out, '"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			cairn_buf_addf(out, "\\%c", *p);
		else if (*p == '\n')
			cairn_buf_adds(out, "\\n");
		else if (*p == '\t')
			cairn_buf_adds(out, "\\t");
		else if (*p < 0x20 || *p == 0x7f)
			cairn_buf_addf(out, "\\x%02x", *p);
		else
			cairn_buf_addch(out, *p);
	}
	cairn_buf_addch(out, '"');
}

static void yaml_scalar(const json_t *v, cairn_buf *out)
{
	char tmp[32];

	if (json_is_string(v))
		yaml_string(json_string_value(v), out);
	else if (json_is_integer(v))
		cairn_buf_addf(out, "%lld", (long long)json_integer_value(v));
	else if (json_is_real(v))
		cairn_buf_add(out, tmp, cairn_format_double(json_real_value(v), tmp));
	else if (json_is_boolean(v))
		cairn_buf_adds(out, json_is_true(v) ? "true" : "false");
	else
		cairn_buf_adds(out, "null");
}

/* A scalar, or a list of scalars in flow style ([a, b]). */
static void yaml_value(const json_t *v, cairn_buf *out)
{
	const json_t *x;
	size_t i;

	if (!json_is_array(v)) {
		yaml_scalar(v, out);
		return;
	}
	cairn_buf_addch(out, '[');
	json_array_foreach(v, i, x) {
		if (i)
			cairn_buf_adds(out, ", ");
		yaml_scalar(x, out);
	}
	cairn_buf_addch(out, ']');
}

static void comment(const char *text, const char *indent, cairn_buf *out)
{
	while (*text) {
		const char *nl = strchr(text, '\n');
		size_t n = nl ? (size_t)(nl - text) : strlen(text);
		cairn_buf_addf(out, "%s#%s%.*s\n", indent, n ? " " : "", (int)n, text);
		text += n + (nl ? 1 : 0);
	}
}

void cairn_suite_yaml(const json_t *suite, const json_t *notes, const char *header,
		      cairn_buf *out)
{
	const json_t *exps = json_object_get(suite, "expectations"), *e, *v;
	const char *key;
	size_t i;

	if (header)
		comment(header, "", out);
	if (json_is_string(json_object_get(suite, "suite"))) {
		cairn_buf_adds(out, "suite: ");
		yaml_scalar(json_object_get(suite, "suite"), out);
		cairn_buf_addch(out, '\n');
	}
	if (json_is_string(json_object_get(suite, "description"))) {
		cairn_buf_adds(out, "description: ");
		yaml_scalar(json_object_get(suite, "description"), out);
		cairn_buf_addch(out, '\n');
	}
	cairn_buf_adds(out, json_array_size(exps) ? "expectations:\n" : "expectations: []\n");
	json_array_foreach(exps, i, e) {
		const json_t *note = json_array_get(notes, i);
		if (json_is_string(note)) {
			cairn_buf_addch(out, '\n');
			comment(json_string_value(note), "  ", out);
		}
		cairn_buf_adds(out, "  - expect: ");
		yaml_scalar(json_object_get(e, "expect"), out);
		cairn_buf_addch(out, '\n');
		json_object_foreach((json_t *)e, key, v) {
			if (!strcmp(key, "expect"))
				continue;
			cairn_buf_addf(out, "    %s: ", key);
			yaml_value(v, out);
			cairn_buf_addch(out, '\n');
		}
	}
}
