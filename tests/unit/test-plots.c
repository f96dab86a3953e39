/* Unit tests for the plots of an evaluation (src/ml/plots.c) and the styles
 * they add to the line plots: well-formed documents (checked by a small
 * scan of the tags), escaped names, bounded sizes, identical bytes for
 * identical input. */
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cairn/buf.h"
#include "cairn/error.h"
#include "core/svgplot.h"
#include "ml/plots.h"
#include "tests/unit/suites.h"

static int count(const char *s, const char *what)
{
	int n = 0;

	for (const char *p = s; (p = strstr(p, what)); p++)
		n++;
	return n;
}

/*
 * 1 when doc is a well-formed enough XML document for these tests: one
 * <svg> root after the declaration, every tag closed in order, attribute
 * values quoted, no '<' or bare '&' in text or values, no control
 * characters. Prints the reason to stderr otherwise.
 */
static int quiet;

static int complain(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int complain(const char *fmt, ...)
{
	va_list ap;

	if (!quiet) {
		va_start(ap, fmt);
		vfprintf(stderr, fmt, ap);
		va_end(ap);
	}
	return 0;
}

static int well_formed(const char *doc)
{
	const char *stack[64], *p = doc;
	size_t lens[64];
	int depth = 0, roots = 0;

	if (strncmp(p, "<?xml ", 6) || !(p = strstr(p, "?>")))
		return complain("no XML declaration\n");
	for (p += 2; *p; p++) {
		if ((unsigned char)*p < 0x20 && *p != '\n' && *p != '\t')
			return complain("control character at %td\n", p - doc);
		if (*p == '&') {
			static const char *const ent[] = { "amp;", "lt;", "gt;", "quot;", "apos;" };
			int ok = 0;
			for (int i = 0; i < 5; i++)
				ok |= !strncmp(p + 1, ent[i], strlen(ent[i]));
			if (!ok)
				return complain("bare & at %td\n", p - doc);
			continue;
		}
		if (*p == '>')
			return complain("stray > at %td\n", p - doc);
		if (*p != '<')
			continue;
		if (p[1] == '/') {
			const char *name = p + 2;
			size_t len = strcspn(name, ">");
			if (!depth || len != lens[depth - 1] || strncmp(name, stack[depth - 1], len))
				return complain("unbalanced </%.*s> at %td\n", (int)len, name,
					       p - doc);
			depth--;
			p = name + len;
			continue;
		}
		{
			const char *name = ++p;
			size_t len = 0;
			while (isalnum((unsigned char)name[len]) || name[len] == '-')
				len++;
			if (!len)
				return complain("bad tag at %td\n", p - doc);
			p += len;
			/* Attributes: name="value" with no < or bare & inside. */
			for (;;) {
				while (*p == ' ' || *p == '\n')
					p++;
				if (*p == '>' || (p[0] == '/' && p[1] == '>'))
					break;
				while (isalnum((unsigned char)*p) || *p == '-' || *p == ':')
					p++;
				if (p[0] != '=' || p[1] != '"')
					return complain("bad attribute at %td\n", p - doc);
				for (p += 2; *p && *p != '"'; p++)
					if (*p == '<' || (*p == '&' && !strchr("alqg", p[1])))
						return complain("bad value at %td\n", p - doc);
				if (!*p++)
					return complain("unterminated value\n");
			}
			if (!depth)
				roots++;
			if (*p == '/') {
				p++;
			} else {
				if (depth == 64)
					return complain("too deep\n");
				stack[depth] = name;
				lens[depth++] = len;
			}
		}
	}
	if (depth)
		return complain("%d tags left open\n", depth);
	if (roots != 1 || !strstr(doc, "<svg ") || !strstr(doc, "</svg>"))
		return complain("not one <svg> root\n");
	return 1;
}

static const double mc_y[] = { 0, 1, 2, 2, 1, 0, 2, 1, 0, 2, 2, 1 };
static const double mc_p[] = {
	.7, .2, .1,  .2, .5, .3,  .1, .3, .6,  .3, .3, .4,
	.5, .4, .1,  .4, .4, .2,  .2, .2, .6,  .1, .8, .1,
	.3, .5, .2,  .25, .25, .5, .6, .2, .2,  .2, .3, .5,
};
static const char *const mc_names[] = { "a<b", "c & d", "\"e\" \xc3\xa9" };

static void test_plots_well_formed_check(void)
{
	/* The checker itself rejects what it must. */
	quiet = 1;
	CHECK(well_formed("<?xml version=\"1.0\"?>\n<svg a=\"1\"><g><x/></g></svg>\n"));
	CHECK(!well_formed("<?xml version=\"1.0\"?>\n<svg><g></svg>\n"));
	CHECK(!well_formed("<?xml version=\"1.0\"?>\n<svg><text>a<b</text></svg>\n"));
	CHECK(!well_formed("<?xml version=\"1.0\"?>\n<svg><text>a & b</text></svg>\n"));
	CHECK(!well_formed("<?xml version=\"1.0\"?>\n<svg a=1></svg>\n"));
	CHECK(!well_formed("<?xml version=\"1.0\"?>\n<svg></svg><svg></svg>\n"));
	quiet = 0;
}

static void test_plots_roc_pr(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	double y[] = { 0, 1, 0, 1, 1, 0 }, p[] = { .5, .5, .5, .5, .8, .2, .1, .9, .8, .2, .9, .1 };
	struct cairn_eval_data d = { .task = CAIRN_TASK_CLASSIFICATION, .n = 6, .y = y,
				     .pred = p, .nclasses = 2 };
	const char *bad_names[] = { "a", "b", "\xff" };
	cairn_buf b = CAIRN_BUF_INIT, again = CAIRN_BUF_INIT;

	/* Binary: class 1's curve (scores .5 .5 .2 .9 .2 .1: AUC 7/9) and the
	 * dashed diagonal. */
	CHECK_OK(ctx, cairn_plot_roc(ctx, &d, NULL, &b));
	CHECK(well_formed(b.buf));
	CHECK(strstr(b.buf, ">1 (AUC = 0.778)</text>"));
	CHECK(strstr(b.buf, "<title>ROC curve</title>"));
	CHECK_INT(count(b.buf, "stroke-dasharray"), ==, 1);
	CHECK_INT(count(b.buf, "<polyline"), ==, 2);
	CHECK_OK(ctx, cairn_plot_roc(ctx, &d, NULL, &again));
	CHECK(b.len == again.len && !memcmp(b.buf, again.buf, b.len));

	cairn_buf_reset(&b);
	CHECK_OK(ctx, cairn_plot_pr(ctx, &d, "PR of m@2", &b));
	CHECK(well_formed(b.buf));
	CHECK(strstr(b.buf, ">1 (AP = 0.756)</text>"));
	CHECK(strstr(b.buf, "<title>PR of m@2</title>"));
	/* The prevalence line. */
	CHECK_INT(count(b.buf, "stroke-dasharray"), ==, 1);

	/* Multiclass: one curve per class, names escaped. */
	d = (struct cairn_eval_data){ .task = CAIRN_TASK_CLASSIFICATION, .n = 12, .y = mc_y,
				      .pred = mc_p, .nclasses = 3, .class_names = mc_names };
	cairn_buf_reset(&b);
	CHECK_OK(ctx, cairn_plot_roc(ctx, &d, NULL, &b));
	CHECK(well_formed(b.buf));
	CHECK_INT(count(b.buf, "<polyline"), ==, 4);
	/* roc_auc_score per class: 0.8333, 0.84375, 0.8714. */
	CHECK(strstr(b.buf, ">a&lt;b (AUC = 0.833)</text>"));
	CHECK(strstr(b.buf, ">c &amp; d (AUC = 0.844)</text>"));
	CHECK(strstr(b.buf, ">&quot;e&quot; \xc3\xa9 (AUC = 0.871)</text>"));
	cairn_buf_reset(&b);
	CHECK_OK(ctx, cairn_plot_pr(ctx, &d, NULL, &b));
	CHECK(well_formed(b.buf));
	CHECK(strstr(b.buf, ">a&lt;b (AP = 0.667)</text>"));

	/* Class names must be UTF-8 (as in the metrics); nothing is drawn. */
	cairn_buf_reset(&b);
	d.class_names = bad_names;
	CHECK_ERR(ctx, cairn_plot_pr(ctx, &d, NULL, &b), CAIRN_EINVAL, "not valid UTF-8");
	d.task = CAIRN_TASK_REGRESSION;
	CHECK_ERR(ctx, cairn_plot_roc(ctx, &d, NULL, &b), CAIRN_EINVAL, "of a regression");
	CHECK_INT(b.len, ==, 0);
	cairn_buf_release(&b);
	cairn_buf_release(&again);
	cairn_ctx_free(ctx);
}

static void test_plots_curve_size(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	enum { N = 20000 };
	double *y = malloc(sizeof(double) * N), *p = malloc(sizeof(double) * 2 * N);
	struct cairn_eval_data d = { .task = CAIRN_TASK_CLASSIFICATION, .n = N, .y = y,
				     .pred = p, .nclasses = 2 };
	cairn_buf b = CAIRN_BUF_INIT;
	const char *line;

	for (int i = 0; i < N; i++) {
		y[i] = i % 3 == 0;
		p[2 * i + 1] = fmod(i * 0.6180339887 + (y[i] ? 0.3 : 0), 1.0);
		p[2 * i] = 1 - p[2 * i + 1];
	}
	CHECK_OK(ctx, cairn_plot_roc(ctx, &d, NULL, &b));
	CHECK(well_formed(b.buf));
	line = strstr(b.buf, "<polyline");
	CHECK(line && count(line, ",") - count(strchr(line, '\n'), ",") <= CAIRN_PLOT_MAX_POINTS);
	CHECK_INT(b.len, <, 60000);
	cairn_buf_reset(&b);
	CHECK_OK(ctx, cairn_plot_pr(ctx, &d, NULL, &b));
	CHECK(well_formed(b.buf));
	CHECK_INT(b.len, <, 60000);
	cairn_buf_release(&b);
	free(y);
	free(p);
	cairn_ctx_free(ctx);
}

static void test_plots_confusion(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	struct cairn_eval_data d = { .task = CAIRN_TASK_CLASSIFICATION, .n = 12, .y = mc_y,
				     .pred = mc_p, .nclasses = 3, .class_names = mc_names };
	const char *longer[] = { "short", "a class name far too long to show in full", "x" };
	cairn_buf b = CAIRN_BUF_INIT, again = CAIRN_BUF_INIT;

	CHECK_OK(ctx, cairn_plot_confusion(ctx, &d, NULL, &b));
	CHECK(well_formed(b.buf));
	/* Nine cells, the counts of [[2 1 0] [1 2 1] [1 0 4]]. */
	CHECK_INT(count(b.buf, "<rect x="), ==, 9);
	CHECK(strstr(b.buf, ">4</text>") && strstr(b.buf, ">0</text>"));
	CHECK_INT(count(b.buf, ">1</text>"), ==, 4);
	CHECK_INT(count(b.buf, ">a&lt;b</text>"), ==, 2);
	CHECK(strstr(b.buf, "true class") && strstr(b.buf, "predicted class"));
	CHECK_OK(ctx, cairn_plot_confusion(ctx, &d, NULL, &again));
	CHECK(b.len == again.len && !memcmp(b.buf, again.buf, b.len));

	/* A long name is cut with an ellipsis and the column labels slant. */
	d.class_names = longer;
	cairn_buf_reset(&b);
	CHECK_OK(ctx, cairn_plot_confusion(ctx, &d, "cm", &b));
	CHECK(well_formed(b.buf));
	CHECK(strstr(b.buf, ">a class name far too lon\xe2\x80\xa6</text>"));
	CHECK(strstr(b.buf, "rotate(-45)"));
	cairn_buf_release(&b);
	cairn_buf_release(&again);
	cairn_ctx_free(ctx);
}

static void test_plots_residuals(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	enum { N = 5000 };
	double *y = malloc(sizeof(double) * N), *p = malloc(sizeof(double) * N);
	struct cairn_eval_data d = { .task = CAIRN_TASK_REGRESSION, .n = 5, .y = y, .pred = p };
	cairn_buf b = CAIRN_BUF_INIT;

	for (int i = 0; i < N; i++) {
		p[i] = i * 0.01;
		y[i] = p[i] + sin(i);
	}
	CHECK_OK(ctx, cairn_plot_residuals(ctx, &d, NULL, &b));
	CHECK(well_formed(b.buf));
	CHECK_INT(count(b.buf, "<circle"), ==, 5);
	CHECK_INT(count(b.buf, "<polyline"), ==, 1); /* the zero line */
	CHECK(strstr(b.buf, "<title>Residuals</title>"));
	d.n = N;
	cairn_buf_reset(&b);
	CHECK_OK(ctx, cairn_plot_residuals(ctx, &d, NULL, &b));
	CHECK(well_formed(b.buf));
	CHECK_INT(count(b.buf, "<circle"), ==, CAIRN_PLOT_MAX_DOTS);
	d.task = CAIRN_TASK_CLASSIFICATION;
	CHECK_ERR(ctx, cairn_plot_residuals(ctx, &d, NULL, &b), CAIRN_EINVAL,
		  "residuals of a classification");
	cairn_buf_release(&b);
	free(y);
	free(p);
	cairn_ctx_free(ctx);
}

static void test_plots_importance(void)
{
	enum { N = 30 };
	double v[N];
	const char *names[N];
	char store[N][16];
	cairn_buf b = CAIRN_BUF_INIT;
	const char *first, *second;

	for (int i = 0; i < N; i++) {
		v[i] = (i * 7) % N;
		snprintf(store[i], sizeof(store[i]), "feat%d", i);
		names[i] = store[i];
	}
	v[3] = NAN;
	names[13] = "x<y&z"; /* value (13 x 7) % 30 = 1: not in the top 20 */
	names[17] = "a<b";   /* value 29: the top bar */
	names[2] = "bad \xff byte"; /* value 14 */
	cairn_plot_importance(v, names, N, NULL, &b);
	CHECK(well_formed(b.buf));
	CHECK_INT(count(b.buf, "fill=\"#1f77b4\""), ==, CAIRN_PLOT_MAX_BARS);
	first = strstr(b.buf, ">a&lt;b</text>");
	second = strstr(b.buf, ">feat4</text>"); /* value 28 */
	CHECK(first && second && first < second);
	CHECK(!strstr(b.buf, "x&lt;y"));
	CHECK(!strstr(b.buf, ">feat3<"));
	CHECK(strstr(b.buf, ">bad \xef\xbf\xbd byte</text>"));
	CHECK(!strstr(b.buf, "\xff"));
	CHECK(strstr(b.buf, ">29</text>"));

	/* No names, negative values, nothing finite. */
	cairn_buf_reset(&b);
	v[0] = -5;
	cairn_plot_importance(v, NULL, 3, "coefficients", &b);
	CHECK(well_formed(b.buf));
	CHECK(strstr(b.buf, ">f0</text>") && strstr(b.buf, ">-5</text>"));
	CHECK(strstr(b.buf, "<title>coefficients</title>"));
	cairn_buf_reset(&b);
	cairn_plot_importance(v + 3, NULL, 1, NULL, &b);
	CHECK(well_formed(b.buf));
	CHECK(strstr(b.buf, "no values"));
	cairn_buf_release(&b);
}

static void test_plots_svgplot_styles(void)
{
	double x[] = { 0, 1, 2 }, y[] = { 1, 3, 2 };
	struct cairn_svgplot_series s[] = { { "dots", x, y, 3 }, { "ref", x, x, 3 } };
	unsigned styles[] = { CAIRN_SVGPLOT_DOTS, CAIRN_SVGPLOT_DASHED };
	const char *colors[] = { NULL, "#888888" };
	struct cairn_svgplot p = { .title = "t", .legend = CAIRN_SVGPLOT_LEGEND_BOTTOM_LEFT,
				   .styles = styles, .colors = colors };
	cairn_buf b = CAIRN_BUF_INIT;

	cairn_svgplot_render(&p, s, 2, &b);
	CHECK(well_formed(b.buf));
	/* Dots without a line; a dashed grey line without dots. */
	CHECK_INT(count(b.buf, "<circle"), ==, 3);
	CHECK_INT(count(b.buf, "<polyline"), ==, 1);
	CHECK(strstr(b.buf, "<polyline stroke=\"#888888\" stroke-dasharray"));
	/* The legend in a box. */
	CHECK(strstr(b.buf, "fill-opacity=\"0.85\""));
	CHECK(strstr(b.buf, ">ref</text>"));
	cairn_buf_reset(&b);
	cairn_svgplot_escape(&b, "a\xe2\x82\xac\xe2\x82\x01<");
	CHECK_STR(b.buf, "a\xe2\x82\xac\xef\xbf\xbd\xef\xbf\xbd &lt;");
	cairn_buf_release(&b);
}

const struct unit_test plots_tests[] = {
	{ "plots_well_formed_check", test_plots_well_formed_check },
	{ "plots_roc_pr", test_plots_roc_pr },
	{ "plots_curve_size", test_plots_curve_size },
	{ "plots_confusion", test_plots_confusion },
	{ "plots_residuals", test_plots_residuals },
	{ "plots_importance", test_plots_importance },
	{ "plots_svgplot_styles", test_plots_svgplot_styles },
	{ NULL, NULL }
};
