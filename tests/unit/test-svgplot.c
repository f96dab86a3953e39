/* Unit tests for SVG line plots: lines, dots, gaps at NaN, flat and single
 * points, round tick labels, escaping, and values too large to scale. */
#include <math.h>
#include <string.h>
#include "cairn/buf.h"
#include "core/svgplot.h"
#include "tests/unit/suites.h"

static int count(const char *s, const char *what)
{
	int n = 0;

	for (const char *p = s; (p = strstr(p, what)); p++)
		n++;
	return n;
}

/* Renders one series of n points with the given title. */
static void render(const char *title, const double *x, const double *y, size_t n, cairn_buf *out)
{
	struct cairn_svgplot p = { .title = title, .x_label = "step", .y_label = "loss",
				   .x_integer = 1 };
	struct cairn_svgplot_series s = { NULL, x, y, n };

	cairn_buf_reset(out);
	cairn_svgplot_render(&p, &s, 1, out);
}

static void test_svgplot_lines_and_ticks(void)
{
	double x[] = { 0, 1, 2, 3, 4 }, y[] = { 1.0, 0.5, 0.25, 0.125, 0.0625 };
	cairn_buf b = CAIRN_BUF_INIT;

	render("run/loss", x, y, 5, &b);
	CHECK(!strncmp(b.buf, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=", 49));
	CHECK(strstr(b.buf, "</svg>\n") == b.buf + b.len - 7);
	CHECK_INT(count(b.buf, "<polyline"), ==, 1);
	CHECK_INT(count(b.buf, "<circle"), ==, 5);
	CHECK(strstr(b.buf, "<title>run/loss</title>"));
	/* y from 0 to 1 in steps of 0.2, x in whole steps. */
	CHECK(strstr(b.buf, ">0.0</text>") && strstr(b.buf, ">0.2</text>") &&
	      strstr(b.buf, ">1.0</text>"));
	CHECK(strstr(b.buf, ">4</text>"));
	CHECK(!strstr(b.buf, ">0.5</text>"));
	CHECK(!strstr(b.buf, "nan") && !strstr(b.buf, "inf"));
	cairn_buf_release(&b);
}

static void test_svgplot_gaps_and_edges(void)
{
	double x[] = { 0, 1, 2, 3, 4, 5 }, gaps[] = { 1, NAN, 3, 4, INFINITY, 6 };
	double flat[] = { 7, 7, 7 }, huge[] = { 1e308, -1e308, 0 };
	struct cairn_svgplot fixed = { .x_min = 0, .x_max = 1, .y_min = 0, .y_max = 1 };
	struct cairn_svgplot_series two[] = { { "train", x, flat, 3 }, { "a<b", x, gaps, 6 } };
	cairn_buf b = CAIRN_BUF_INIT;

	/* NaN and infinity break the line: 3-4 is a line, 1 and 6 are dots. */
	render(NULL, x, gaps, 6, &b);
	CHECK_INT(count(b.buf, "<polyline"), ==, 1);
	CHECK_INT(count(b.buf, "<circle"), ==, 4);
	CHECK(!strstr(b.buf, "<title>"));

	/* One point: a dot and axes around it. */
	render("one", x + 2, flat, 1, &b);
	CHECK_INT(count(b.buf, "<polyline"), ==, 0);
	CHECK_INT(count(b.buf, "<circle"), ==, 1);
	CHECK(strstr(b.buf, ">7.0</text>") || strstr(b.buf, ">7</text>"));

	/* A flat line gets a range around its value. */
	render("flat", x, flat, 3, &b);
	CHECK_INT(count(b.buf, "<polyline"), ==, 1);
	CHECK(strstr(b.buf, ">6.0</text>") && strstr(b.buf, ">7.0</text>") &&
	      strstr(b.buf, ">8.0</text>"));

	/* No point at all still makes a document. */
	render("none", x, gaps + 1, 1, &b);
	CHECK_INT(count(b.buf, "<polyline"), ==, 0);
	CHECK(strstr(b.buf, "</svg>"));

	/* Values at the ends of the doubles scale without overflow. */
	render("huge", x, huge, 3, &b);
	CHECK_INT(count(b.buf, "<polyline"), ==, 1);
	CHECK(!strstr(b.buf, "nan") && !strstr(b.buf, "inf"));

	/* Escaped text, a legend, fixed ranges with clipping. */
	fixed.title = "a & b <c> \"d\"";
	cairn_buf_reset(&b);
	cairn_svgplot_render(&fixed, two, 2, &b);
	CHECK(strstr(b.buf, "<title>a &amp; b &lt;c&gt; &quot;d&quot;</title>"));
	CHECK(strstr(b.buf, ">train</text>") && strstr(b.buf, ">a&lt;b</text>"));
	CHECK(strstr(b.buf, "clip-path=\"url(#plot-area)\""));
	CHECK(strstr(b.buf, ">0.0</text>") && strstr(b.buf, ">1.0</text>"));
	CHECK(!strstr(b.buf, ">1.2</text>"));
	CHECK(!strstr(b.buf, "a & b"));
	cairn_buf_release(&b);
}

const struct unit_test svgplot_tests[] = {
	{ "svgplot_lines_and_ticks", test_svgplot_lines_and_ticks },
	{ "svgplot_gaps_and_edges", test_svgplot_gaps_and_edges },
	{ NULL, NULL }
};
