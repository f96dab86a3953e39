/* An HTML page for a profile, with an inline SVG chart per column (a
 * histogram for numbers, bars of the top categories otherwise); see
 * include/cairn/report.h. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "cairn/report.h"

#define CHART_W 480
#define CHART_H 160

static void escape(cairn_buf *out, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '<': cairn_buf_adds(out, "&lt;"); break;
		case '>': cairn_buf_adds(out, "&gt;"); break;
		case '&': cairn_buf_adds(out, "&amp;"); break;
		case '"': cairn_buf_adds(out, "&quot;"); break;
		default: cairn_buf_addch(out, *s);
		}
	}
}

static void add_number(cairn_buf *out, const json_t *v)
{
	if (json_is_integer(v))
		cairn_buf_addf(out, "%lld", (long long)json_integer_value(v));
	else if (json_is_real(v))
		cairn_buf_addf(out, "%.6g", json_real_value(v));
	else if (json_is_string(v))
		escape(out, json_string_value(v));
	else
		cairn_buf_adds(out, "&ndash;");
}

static void stat_row(cairn_buf *out, const char *label, const json_t *v)
{
	if (!v)
		return;
	cairn_buf_addf(out, "<tr><th>%s</th><td>", label);
	add_number(out, v);
	cairn_buf_adds(out, "</td></tr>\n");
}

static void histogram_svg(cairn_buf *out, const json_t *hist)
{
	const json_t *counts = json_object_get(hist, "counts"), *edges = json_object_get(hist, "edges");
	size_t n = json_array_size(counts);
	double max = 0, bw;

	if (!n)
		return;
	for (size_t i = 0; i < n; i++) {
		double c = (double)json_integer_value(json_array_get(counts, i));
		if (c > max)
			max = c;
	}
	bw = (double)CHART_W / (double)n;
	cairn_buf_addf(out, "<svg class=\"chart\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
		       "role=\"img\" aria-label=\"histogram\">\n", CHART_W, CHART_H + 20, CHART_W, CHART_H + 20);
	for (size_t i = 0; i < n; i++) {
		double c = (double)json_integer_value(json_array_get(counts, i));
		double h = max > 0 ? c / max * CHART_H : 0;
		cairn_buf_addf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\">"
			       "<title>[%.6g, %.6g): %.0f</title></rect>\n",
			       (double)i * bw + 1, CHART_H - h, bw - 2, h,
			       json_number_value(json_array_get(edges, i)),
			       json_number_value(json_array_get(edges, i + 1)), c);
	}
	cairn_buf_addf(out, "<text x=\"0\" y=\"%d\">%.6g</text><text x=\"%d\" y=\"%d\" "
		       "text-anchor=\"end\">%.6g</text>\n</svg>\n", CHART_H + 15,
		       json_number_value(json_array_get(edges, 0)), CHART_W, CHART_H + 15,
		       json_number_value(json_array_get(edges, n)));
}

static void categories_svg(cairn_buf *out, const json_t *top)
{
	size_t n = json_array_size(top), shown = n < 20 ? n : 20;
	double max = 0;
	const int row = 16, label = 160;

	if (!n)
		return;
	for (size_t i = 0; i < shown; i++) {
		double c = (double)json_integer_value(json_object_get(json_array_get(top, i), "count"));
		if (c > max)
			max = c;
	}
	cairn_buf_addf(out, "<svg class=\"chart\" width=\"%d\" height=\"%zu\" role=\"img\" "
		       "aria-label=\"top categories\">\n", CHART_W, shown * (size_t)row + 4);
	for (size_t i = 0; i < shown; i++) {
		const json_t *t = json_array_get(top, i);
		double c = (double)json_integer_value(json_object_get(t, "count"));
		double w = max > 0 ? c / max * (CHART_W - label - 60) : 0;
		cairn_buf_addf(out, "<text x=\"%d\" y=\"%zu\" text-anchor=\"end\">", label - 6,
			       i * (size_t)row + 12);
		escape(out, json_string_value(json_object_get(t, "value")));
		cairn_buf_addf(out, "</text><rect x=\"%d\" y=\"%zu\" width=\"%.1f\" height=\"%d\"/>"
			       "<text x=\"%.1f\" y=\"%zu\">%.0f</text>\n", label, i * (size_t)row + 2, w,
			       row - 4, label + w + 4, i * (size_t)row + 12, c);
	}
	cairn_buf_adds(out, "</svg>\n");
}

void cairn_profile_html(const json_t *profile, const char *title, cairn_buf *out)
{
	static const char *const stats[] = {
		"count", "nulls", "null_rate", "distinct", "min", "max", "min_time", "max_time",
		"mean", "std", "min_length", "max_length", "mean_length", "other_count", NULL
	};
	const json_t *col;
	size_t i;

	cairn_buf_adds(out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>");
	escape(out, title);
	cairn_buf_adds(out, " &ndash; cairn profile</title>\n<style>\n"
		       "body{font-family:system-ui,sans-serif;margin:2em;color:#222}\n"
		       "section{border-top:1px solid #ddd;padding:1em 0;display:flex;gap:2em;flex-wrap:wrap}\n"
		       "table{border-collapse:collapse;font-size:90%}th{text-align:left;padding-right:1em;color:#555}\n"
		       "h2{margin:0 0 .5em;font-size:110%}.type{color:#777;font-weight:normal}\n"
		       ".chart rect{fill:#4a7fb5}.chart text{font-size:11px;fill:#333}\n"
		       "</style>\n</head>\n<body>\n<h1>");
	escape(out, title);
	cairn_buf_addf(out, "</h1>\n<p>%lld rows, %zu columns.</p>\n",
		       (long long)json_integer_value(json_object_get(profile, "rows")),
		       json_array_size(json_object_get(profile, "columns")));
	json_array_foreach(json_object_get(profile, "columns"), i, col) {
		const json_t *q = json_object_get(col, "quantiles");
		cairn_buf_adds(out, "<section>\n<div>\n<h2>");
		escape(out, json_string_value(json_object_get(col, "name")));
		cairn_buf_adds(out, " <span class=\"type\">");
		escape(out, json_string_value(json_object_get(col, "type")));
		cairn_buf_adds(out, "</span></h2>\n<table>\n");
		for (int s = 0; stats[s]; s++)
			stat_row(out, stats[s], json_object_get(col, stats[s]));
		if (q) {
			const char *key;
			const json_t *v;
			json_object_foreach((json_t *)q, key, v)
				stat_row(out, key, v);
		}
		cairn_buf_adds(out, "</table>\n</div>\n<div>\n");
		if (json_object_get(col, "histogram"))
			histogram_svg(out, json_object_get(col, "histogram"));
		else if (json_object_get(col, "top"))
			categories_svg(out, json_object_get(col, "top"));
		cairn_buf_adds(out, "</div>\n</section>\n");
	}
	cairn_buf_adds(out, "</body>\n</html>\n");
}
