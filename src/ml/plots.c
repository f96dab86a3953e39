/* The plots of an evaluation as SVG: curves and residuals through the line
 * plots of include/cairn/svgplot.h, the confusion heatmap and the importance
 * bars drawn here; see include/cairn/plots.h. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/svgplot.h"
#include "ml/metrics-internal.h"
#include "ml/plots.h"

#define REFERENCE_COLOR "#888888"
/* Names longer than this (in characters) are cut, with an ellipsis. */
#define NAME_CHARS 24
/* About the width of a character at font size 12. */
#define CHAR_PX 7.0

/* --- shared --- */

/* Appends s, cut to at most max characters (an ellipsis marking the cut),
 * escaped. */
static void add_name(cairn_buf *out, const char *s, size_t max)
{
	size_t chars = 0, len = 0;

	for (; s[len]; len++)
		if (((unsigned char)s[len] & 0xc0) != 0x80 && ++chars > max)
			break;
	if (!s[len]) {
		cairn_svgplot_escape(out, s);
		return;
	}
	{
		char *cut = cairn_xstrndup(s, len);
		cairn_svgplot_escape(out, cut);
		cairn_buf_adds(out, "\xe2\x80\xa6");
		free(cut);
	}
}

static size_t name_chars(const char *s, size_t max)
{
	size_t chars = 0;

	for (; *s; s++)
		chars += ((unsigned char)*s & 0xc0) != 0x80;
	return chars > max ? max + 1 : chars;
}

static void svg_open(cairn_buf *out, double w, double h, const char *title)
{
	cairn_buf_addf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		       "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\""
		       " viewBox=\"0 0 %.0f %.0f\" font-family=\"sans-serif\" font-size=\"12\">\n",
		       w, h, w, h);
	cairn_buf_adds(out, "<title>");
	cairn_svgplot_escape(out, title);
	cairn_buf_addf(out, "</title>\n<rect width=\"%.0f\" height=\"%.0f\" fill=\"white\"/>\n"
		       "<text x=\"%.2f\" y=\"26\" text-anchor=\"middle\" font-size=\"15\""
		       " font-weight=\"bold\">", w, h, w / 2);
	cairn_svgplot_escape(out, title);
	cairn_buf_adds(out, "</text>\n");
}

static int check_task(cairn_ctx *ctx, const struct cairn_eval_data *d, enum cairn_task want,
		      const char *what)
{
	if (d->task != want)
		return cairn_error(ctx, CAIRN_EINVAL, "cannot draw %s of a %s", what,
				   cairn_task_name(d->task));
	return want == CAIRN_TASK_CLASSIFICATION ? cairn__eval_check_classes(ctx, d)
						 : cairn__eval_check_regression(ctx, d);
}

/* --- ROC and precision-recall curves --- */

static int curves(cairn_ctx *ctx, const struct cairn_eval_data *d, int pr, const char *title,
		  cairn_buf *out)
{
	int first, k = d->nclasses, rc;
	size_t ns = 0;
	struct cairn_curve *c = NULL;
	struct cairn_svgplot_series *s = NULL;
	unsigned *styles = NULL;
	const char **colors = NULL;
	cairn_buf *labels = NULL;
	double diag[2] = { 0, 1 }, base[2] = { 0, 1 }, prevalence[2];
	struct cairn_svgplot plot = { 0 };
	char tmp[CAIRN__CLASS_NAME_MAX];

	if ((rc = check_task(ctx, d, CAIRN_TASK_CLASSIFICATION,
			     pr ? "precision-recall curves" : "ROC curves")))
		return rc;
	/* A binary problem shows class 1 only: class 0's curve says the same. */
	first = k == 2 ? 1 : 0;
	c = cairn_xcalloc((size_t)(k - first), sizeof(*c));
	labels = cairn_xcalloc((size_t)(k - first), sizeof(*labels));
	s = cairn_xcalloc((size_t)(k - first) + 1, sizeof(*s));
	styles = cairn_xcalloc((size_t)(k - first) + 1, sizeof(*styles));
	colors = cairn_xcalloc((size_t)(k - first) + 1, sizeof(*colors));
	for (int cls = first; cls < k; cls++) {
		struct cairn_curve *cv = &c[cls - first];
		cairn_buf *label = &labels[cls - first];
		double area;

		cairn_buf_init(label);
		cairn__eval_curves(d, cls, CAIRN_PLOT_MAX_POINTS, pr ? NULL : cv, pr ? cv : NULL,
				   pr ? NULL : &area, pr ? &area : NULL);
		if (!cv->n || !isfinite(area))
			continue;
		cairn_buf_addf(label, "%s (%s = %.3f)", cairn__eval_class_name(d, cls, tmp),
			       pr ? "AP" : "AUC", area);
		s[ns].label = label->buf;
		s[ns].x = cv->x;
		s[ns].y = cv->y;
		s[ns].n = cv->n;
		ns++;
	}
	if (!pr) {
		s[ns].x = diag;
		s[ns].y = diag;
		s[ns].n = 2;
		styles[ns] = CAIRN_SVGPLOT_DASHED;
		colors[ns] = REFERENCE_COLOR;
		ns++;
	} else if (k == 2) {
		/* The precision of a classifier that ranks at random. */
		size_t pos = 0;
		for (size_t i = 0; i < d->n; i++)
			pos += d->y[i] == 1;
		prevalence[0] = prevalence[1] = (double)pos / (double)d->n;
		s[ns].x = base;
		s[ns].y = prevalence;
		s[ns].n = 2;
		styles[ns] = CAIRN_SVGPLOT_DASHED;
		colors[ns] = REFERENCE_COLOR;
		ns++;
	}

	plot.title = title ? title : pr ? "Precision-recall curve" : "ROC curve";
	plot.x_label = pr ? "recall" : "false positive rate";
	plot.y_label = pr ? "precision" : "true positive rate";
	plot.x_min = plot.y_min = 0;
	plot.x_max = plot.y_max = 1;
	plot.legend = pr ? CAIRN_SVGPLOT_LEGEND_BOTTOM_LEFT : CAIRN_SVGPLOT_LEGEND_BOTTOM_RIGHT;
	/* Room for a long legend. */
	plot.height = ns > 10 ? 420 + 18 * (int)(ns - 10) : 420;
	plot.styles = styles;
	plot.colors = colors;
	cairn_svgplot_render(&plot, s, ns, out);

	for (int i = 0; i < k - first; i++) {
		cairn_curve_release(&c[i]);
		cairn_buf_release(&labels[i]);
	}
	free(c);
	free(labels);
	free(s);
	free(styles);
	free(colors);
	return 0;
}

int cairn_plot_roc(cairn_ctx *ctx, const struct cairn_eval_data *d, const char *title,
		   cairn_buf *out)
{
	return curves(ctx, d, 0, title, out);
}

int cairn_plot_pr(cairn_ctx *ctx, const struct cairn_eval_data *d, const char *title,
		  cairn_buf *out)
{
	return curves(ctx, d, 1, title, out);
}

/* --- confusion matrix --- */

/* From white-blue (share 0) to dark blue (share 1). */
static void cell_color(cairn_buf *out, double share)
{
	static const double lo[3] = { 247, 251, 255 }, hi[3] = { 8, 48, 107 };

	cairn_buf_adds(out, "#");
	for (int i = 0; i < 3; i++)
		cairn_buf_addf(out, "%02x", (unsigned)lround(lo[i] + (hi[i] - lo[i]) * share));
}

int cairn_plot_confusion(cairn_ctx *ctx, const struct cairn_eval_data *d, const char *title,
			 cairn_buf *out)
{
	int k = d->nclasses, rc;
	size_t *cm, *support, longest = 1, digits = 1;
	double cell, namew, left, top = 50, grid, w, h, below, font;
	int rotate;
	char tmp[CAIRN__CLASS_NAME_MAX];

	if ((rc = check_task(ctx, d, CAIRN_TASK_CLASSIFICATION, "a confusion matrix")))
		return rc;
	cm = cairn_xcalloc((size_t)k * k, sizeof(size_t));
	support = cairn_xcalloc((size_t)k, sizeof(size_t));
	for (size_t i = 0; i < d->n; i++) {
		size_t t = (size_t)d->y[i];
		cm[t * k + (size_t)cairn__eval_argmax(d, i)]++;
		support[t]++;
	}
	{
		size_t max = 0;
		for (size_t i = 0; i < (size_t)k * k; i++)
			if (cm[i] > max)
				max = cm[i];
		for (; max >= 10; max /= 10)
			digits++;
	}
	for (int c = 0; c < k; c++) {
		size_t l = name_chars(cairn__eval_class_name(d, c, tmp), NAME_CHARS);
		if (l > longest)
			longest = l;
	}

	cell = fmin(96, fmax(16, floor(512.0 / k)));
	namew = (double)longest * CHAR_PX;
	rotate = namew > cell - 6;
	left = 40 + namew + 8;
	grid = cell * k;
	below = (rotate ? namew * 0.72 + 16 : 22) + 30;
	w = fmax(left + grid + 30, 360);
	left += (w - (left + grid + 30)) / 2; /* a small matrix in the middle */
	h = top + grid + below;
	/* The count's font, fitted to the cell; counts that would not fit in
	 * a readable size are left to the colour. */
	font = fmin(13, (cell - 6) / (0.62 * (double)digits));

	svg_open(out, w, h, title ? title : "Confusion matrix");
	for (int t = 0; t < k; t++)
		for (int p = 0; p < k; p++) {
			size_t v = cm[(size_t)t * k + p];
			double share = support[t] ? (double)v / (double)support[t] : 0;
			double x = left + cell * p, y = top + cell * t;

			cairn_buf_addf(out, "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\""
				       " fill=\"", x, y, cell, cell);
			cell_color(out, share);
			cairn_buf_adds(out, "\" stroke=\"white\"/>\n");
			if (font >= 6)
				cairn_buf_addf(out, "<text x=\"%.2f\" y=\"%.2f\" text-anchor=\"middle\""
					       " font-size=\"%.1f\" fill=\"%s\">%zu</text>\n",
					       x + cell / 2, y + cell / 2 + font * 0.35, font,
					       share > 0.5 ? "white" : "#222", v);
		}
	/* The class names: true classes left of the rows, predicted classes
	 * under the columns (slanted when they do not fit). */
	for (int c = 0; c < k; c++) {
		const char *name = cairn__eval_class_name(d, c, tmp);
		double y = top + cell * c + cell / 2 + 4, x = left + cell * c + cell / 2;

		cairn_buf_addf(out, "<text x=\"%.2f\" y=\"%.2f\" text-anchor=\"end\">", left - 6, y);
		add_name(out, name, NAME_CHARS);
		cairn_buf_adds(out, "</text>\n");
		if (rotate)
			cairn_buf_addf(out, "<text transform=\"translate(%.2f %.2f) rotate(-45)\""
				       " text-anchor=\"end\">", x + 4, top + grid + 12);
		else
			cairn_buf_addf(out, "<text x=\"%.2f\" y=\"%.2f\" text-anchor=\"middle\">", x,
				       top + grid + 18);
		add_name(out, name, NAME_CHARS);
		cairn_buf_adds(out, "</text>\n");
	}
	cairn_buf_addf(out, "<text x=\"%.2f\" y=\"%.2f\" text-anchor=\"middle\">predicted class</text>\n"
		       "<text transform=\"translate(%.2f %.2f) rotate(-90)\" text-anchor=\"middle\">"
		       "true class</text>\n</svg>\n", left + grid / 2, h - 12,
		       fmax(16, left - namew - 26), top + grid / 2);
	free(cm);
	free(support);
	return 0;
}

/* --- residuals --- */

int cairn_plot_residuals(cairn_ctx *ctx, const struct cairn_eval_data *d, const char *title,
			 cairn_buf *out)
{
	size_t m, n = d->n;
	double *x, *y, xs[2] = { INFINITY, -INFINITY }, zero[2] = { 0, 0 };
	struct cairn_svgplot plot = { 0 };
	struct cairn_svgplot_series s[2];
	static const unsigned styles[2] = { CAIRN_SVGPLOT_DOTS, CAIRN_SVGPLOT_DASHED };
	static const char *const colors[2] = { NULL, REFERENCE_COLOR };
	int rc;

	if ((rc = check_task(ctx, d, CAIRN_TASK_REGRESSION, "residuals")))
		return rc;
	m = n > CAIRN_PLOT_MAX_DOTS ? CAIRN_PLOT_MAX_DOTS : n;
	x = cairn_xmalloc(sizeof(double) * m);
	y = cairn_xmalloc(sizeof(double) * m);
	for (size_t j = 0; j < m; j++) {
		/* Rows at an even stride, the first and the last included. */
		size_t i = m == n ? j : (j * (n - 1) + (m - 1) / 2) / (m - 1);
		x[j] = d->pred[i];
		y[j] = d->y[i] - d->pred[i];
		xs[0] = fmin(xs[0], x[j]);
		xs[1] = fmax(xs[1], x[j]);
	}
	memset(s, 0, sizeof(s));
	s[0].x = x;
	s[0].y = y;
	s[0].n = m;
	s[1].x = xs;
	s[1].y = zero;
	s[1].n = 2;
	plot.styles = styles;
	plot.colors = colors;
	plot.title = title ? title : "Residuals";
	plot.x_label = "predicted";
	plot.y_label = "residual (y - predicted)";
	cairn_svgplot_render(&plot, s, 2, out);
	free(x);
	free(y);
	return 0;
}

/* --- feature importance --- */

struct bar {
	double v;
	size_t i;
};

static int cmp_bar(const void *a, const void *b)
{
	const struct bar *x = a, *y = b;

	if (x->v != y->v)
		return x->v > y->v ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

void cairn_plot_importance(const double *value, const char *const *names, size_t n,
			   const char *title, cairn_buf *out)
{
	struct bar *bars = cairn_xmalloc(sizeof(*bars) * (n ? n : 1));
	size_t m = 0, longest = 1;
	double lo = 0, hi = 0, left, pw, zero, top = 50, row = 24, w = 720, h;
	char tmp[32];

	for (size_t i = 0; i < n; i++)
		if (isfinite(value[i])) {
			bars[m].v = value[i];
			bars[m].i = i;
			m++;
		}
	qsort(bars, m, sizeof(*bars), cmp_bar);
	if (m > CAIRN_PLOT_MAX_BARS)
		m = CAIRN_PLOT_MAX_BARS;
	for (size_t b = 0; b < m; b++) {
		const char *name = names ? names[bars[b].i] : NULL;
		size_t l;
		if (!name) {
			snprintf(tmp, sizeof(tmp), "f%zu", bars[b].i);
			name = tmp;
		}
		l = name_chars(name, 2 * NAME_CHARS);
		if (l > longest)
			longest = l;
		lo = fmin(lo, bars[b].v);
		hi = fmax(hi, bars[b].v);
	}
	if (!(hi > lo))
		hi = lo + 1;
	left = 16 + (double)longest * CHAR_PX + 8;
	pw = fmax(200, w - left - 90);
	w = left + pw + 90;
	/* Negative values (coefficients) need room for their labels too. */
	if (lo < 0) {
		left += 60;
		w += 60;
	}
	zero = left + (0 - lo) / (hi - lo) * pw;
	h = top + row * (double)(m ? m : 1) + 24;

	svg_open(out, w, h, title ? title : "Feature importance");
	if (!m)
		cairn_buf_addf(out, "<text x=\"%.2f\" y=\"%.2f\" text-anchor=\"middle\""
			       " fill=\"#555\">no values</text>\n", w / 2, top + 16);
	for (size_t b = 0; b < m; b++) {
		const char *name = names ? names[bars[b].i] : NULL;
		double v = bars[b].v, end = left + (v - lo) / (hi - lo) * pw, y = top + row * b;

		if (!name) {
			snprintf(tmp, sizeof(tmp), "f%zu", bars[b].i);
			name = tmp;
		}
		cairn_buf_addf(out, "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\""
			       " fill=\"#1f77b4\"/>\n", fmin(zero, end), y + 3, fabs(end - zero),
			       row - 6);
		cairn_buf_addf(out, "<text x=\"%.2f\" y=\"%.2f\" text-anchor=\"end\">",
			       (lo < 0 ? left - 60 : left) - 8, y + row / 2 + 4);
		add_name(out, name, 2 * NAME_CHARS);
		cairn_buf_addf(out, "</text>\n<text x=\"%.2f\" y=\"%.2f\" text-anchor=\"%s\""
			       " fill=\"#333\">%.4g</text>\n", v < 0 ? end - 4 : end + 4,
			       y + row / 2 + 4, v < 0 ? "end" : "start", v);
	}
	cairn_buf_addf(out, "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\" stroke=\"#333\"/>\n"
		       "</svg>\n", zero, top, zero, top + row * (double)(m ? m : 1));
	free(bars);
}
