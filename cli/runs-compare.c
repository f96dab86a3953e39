/* cairn runs compare: runs side by side, one column per run, the rows whose
 * values differ marked with '*'; and the value formatting shared by the
 * tables of runs-search.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cairn/buf.h"
#include "cairn/search.h"
#include "cli/cli.h"
#include "cli/output.h"
#include "cli/runs.h"
#include "core/json.h"

void runs_format_duration(const json_t *ms, cairn_buf *out)
{
	double s;

	if (!json_is_integer(ms)) {
		cairn_buf_adds(out, "-");
		return;
	}
	s = (double)json_integer_value(ms) / 1000.0;
	if (s < 60)
		cairn_buf_addf(out, "%.1fs", s);
	else if (s < 3600)
		cairn_buf_addf(out, "%dm%02ds", (int)s / 60, (int)s % 60);
	else
		cairn_buf_addf(out, "%dh%02dm", (int)s / 3600, (int)s % 3600 / 60);
}

void runs_format_value(const json_t *v, cairn_buf *out)
{
	if (!v)
		cairn_buf_adds(out, "-");
	else if (json_is_string(v))
		cli_esc_add(out, json_string_value(v), 0);
	else if (json_is_number(v))
		cairn_buf_addf(out, "%.10g", json_number_value(v));
	else if (json_is_null(v))
		cairn_buf_adds(out, "nan"); /* a metric's NaN */
	else
		cairn_json_append(out, v, 0);
}

/* One line of the table: a label, whether the runs differ, a cell per run. */
struct row {
	const char *heading; /* a section heading line instead of a row */
	char *label;
	int differ;
	char **cells;
};

struct table {
	struct row *rows;
	size_t n, alloc, ncols;
};

static struct row *add_row(struct table *t, const char *label, int differ)
{
	struct row *r;

	if (t->n == t->alloc) {
		t->alloc = t->alloc ? 2 * t->alloc : 32;
		t->rows = cairn_xrealloc(t->rows, t->alloc * sizeof(*t->rows));
	}
	r = &t->rows[t->n++];
	memset(r, 0, sizeof(*r));
	r->label = cairn_xstrdup(cli_esc(label));
	r->differ = differ;
	r->cells = cairn_xcalloc(t->ncols, sizeof(*r->cells));
	return r;
}

static int in_list(const json_t *list, const char *s)
{
	size_t i;
	json_t *v;

	json_array_foreach(list, i, v)
		if (!strcmp(json_string_value(v), s))
			return 1;
	return 0;
}

/* Display width: UTF-8 characters, each counted as one column. */
static size_t width(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

static void pad(const char *s, size_t w)
{
	fputs(s, stdout);
	for (size_t n = width(s); n < w; n++)
		putchar(' ');
}

static void print_compare(const json_t *c)
{
	static const struct { const char *name, *label; } attrs[] = {
		{ "name", "name" }, { "experiment", "experiment" }, { "status", "status" },
		{ "start_time", "started" }, { "duration_ms", "duration" },
	};
	static const char *const parts[] = { "params", "metrics", "tags" };
	const json_t *ids = json_object_get(c, "runs"), *differs = json_object_get(c, "differs");
	struct table t = { NULL, 0, 0, json_array_size(ids) };
	size_t *w = cairn_xcalloc(t.ncols + 1, sizeof(*w)), i, k;
	cairn_buf b = CAIRN_BUF_INIT;
	json_t *id;

	for (k = 0; k < sizeof(attrs) / sizeof(attrs[0]); k++) {
		const json_t *vals = json_object_get(json_object_get(c, "attributes"), attrs[k].name);
		struct row *r = add_row(&t, attrs[k].label,
					in_list(json_object_get(differs, "attributes"), attrs[k].name));
		json_array_foreach(ids, i, id) {
			const json_t *v = json_object_get(vals, json_string_value(id));
			cairn_buf_reset(&b);
			if (!strcmp(attrs[k].name, "duration_ms"))
				runs_format_duration(v, &b);
			else if (!strcmp(attrs[k].name, "start_time") && json_is_string(v)) {
				/* 2026-11-26T06:49:39.123Z as 2026-11-26 06:49:39 */
				cairn_buf_addf(&b, "%.19s", json_string_value(v));
				if (b.len > 10)
					b.buf[10] = ' ';
			} else
				runs_format_value(v, &b);
			r->cells[i] = cairn_xstrdup(b.buf);
		}
	}
	for (k = 0; k < sizeof(parts) / sizeof(parts[0]); k++) {
		const json_t *part = json_object_get(c, parts[k]), *vals;
		const char *key;
		if (!json_object_size(part))
			continue;
		add_row(&t, "", 0)->heading = parts[k];
		/* The library gives the keys in order; the JSON object keeps it. */
		json_object_foreach((json_t *)part, key, vals) {
			struct row *r = add_row(&t, key, in_list(json_object_get(differs, parts[k]), key));
			json_array_foreach(ids, i, id) {
				cairn_buf_reset(&b);
				runs_format_value(json_object_get(vals, json_string_value(id)), &b);
				r->cells[i] = cairn_xstrdup(b.buf);
			}
		}
	}

	w[0] = 10;
	json_array_foreach(ids, i, id)
		w[i + 1] = width(json_string_value(id));
	for (k = 0; k < t.n; k++) {
		if (t.rows[k].heading)
			continue;
		if (width(t.rows[k].label) > w[0])
			w[0] = width(t.rows[k].label);
		for (i = 0; i < t.ncols; i++)
			if (width(t.rows[k].cells[i]) > w[i + 1])
				w[i + 1] = width(t.rows[k].cells[i]);
	}

	printf("  ");
	pad("RUN", w[0]);
	json_array_foreach(ids, i, id) {
		printf("  ");
		if (i + 1 < t.ncols)
			pad(json_string_value(id), w[i + 1]);
		else
			fputs(json_string_value(id), stdout);
	}
	putchar('\n');
	for (k = 0; k < t.n; k++) {
		struct row *r = &t.rows[k];
		if (r->heading) {
			printf("%s\n", r->heading);
		} else {
			printf("%s ", r->differ ? "*" : " ");
			pad(r->label, w[0]);
			for (i = 0; i < t.ncols; i++) {
				printf("  ");
				if (i + 1 < t.ncols)
					pad(r->cells[i], w[i + 1]);
				else
					fputs(r->cells[i], stdout);
			}
			putchar('\n');
		}
		for (i = 0; i < t.ncols; i++)
			free(r->cells[i]);
		free(r->cells);
		free(r->label);
	}
	free(t.rows);
	free(w);
	cairn_buf_release(&b);
}

int runs_compare(int argc, char **argv)
{
	static const char usage[] =
		"usage: cairn runs compare RUN RUN... [--json]\n"
		"\n"
		"Shows runs side by side: one column per run, one row per attribute\n"
		"(name, experiment, status, start, duration), param, metric (its latest\n"
		"value) and tag, over the keys of every run ('-': the run lacks the key).\n"
		"Rows whose values differ between the runs start with '*'.\n"
		"\n"
		"Options:\n"
		"  --json      print as JSON ({runs, attributes, params, metrics, tags,\n"
		"              differs}; see docs/commands/runs-compare.md)\n"
		"  -h, --help  this help\n";
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	int c, json = 0, rc, status = 0;
	json_t *out = NULL;
	cairn_ctx *ctx;

	while ((c = cli_getopt(argc, argv, "h", opts)) != -1) {
		switch (c) {
		case 'j': json = 1; break;
		case 'h': return cli_help(usage);
		default: return cli_bad_option(usage);
		}
	}
	if (argc - optind < 2)
		return cli_usage_error(usage, "expected at least two runs to compare");
	if (!(ctx = cli_open_workspace(&status)))
		return status;
	if ((rc = cairn_runs_compare(ctx, (const char *const *)argv + optind,
				     (size_t)(argc - optind), &out)))
		status = cli_fail(ctx, rc);
	else if (json)
		cairn_json_print(stdout, out, 1);
	else
		print_compare(out);
	json_decref(out);
	cairn_ctx_free(ctx);
	return status;
}
