/* Line plots as standalone SVG documents; see include/cairn/svgplot.h. */
#include <math.h>
#include <string.h>
#include "core/svgplot.h"
#include "core/utf8.h"

#define MARGIN_LEFT 76
#define MARGIN_RIGHT 24
#define MARGIN_TOP 44
#define MARGIN_BOTTOM 54
#define TICKS 6
/* Beyond this the width of a range overflows; such points are clipped. */
#define LIMIT 1e300
/* A (solid) series with at most this many points also shows each point as a dot. */
#define DOTS_UP_TO 40

static const char *const palette[] = {
	"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
};

struct axis {
	double lo, hi, step;
	int decimals; /* of the tick labels; -1: %g */
};

/* A round number (1, 2 or 5 times a power of ten) near v > 0, rounded to
 * the nearest when round_ is set, else the next one up. */
static double nice(double v, int round_)
{
	double e = floor(log10(v)), f = v / pow(10, e), nf;

	if (round_)
		nf = f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10;
	else
		nf = f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10;
	return nf * pow(10, e);
}

/* Fits the axis to [lo, hi] (finite, lo <= hi): fixed keeps the bounds,
 * else a flat range is widened and the bounds rounded out to ticks. */
static void axis_fit(struct axis *a, double lo, double hi, int fixed, int integer)
{
	double span;

	lo = fmax(-LIMIT, fmin(LIMIT, lo));
	hi = fmax(-LIMIT, fmin(LIMIT, hi));
	if (!fixed && lo == hi) {
		double pad = lo == 0 ? 1 : fabs(lo) * 0.1;
		lo -= pad;
		hi += pad;
	}
	span = hi - lo;
	if (!(span > 0)) /* the padding vanished next to a huge value */
		span = fabs(lo) > 0 ? fabs(lo) : 1;
	a->step = nice(nice(span, 0) / (TICKS - 1), 1);
	if (integer && a->step < 1)
		a->step = 1;
	if (!fixed) {
		lo = floor(lo / a->step) * a->step;
		hi = ceil(hi / a->step) * a->step;
		if (hi <= lo)
			hi = lo + a->step;
	}
	a->lo = lo;
	a->hi = hi;
	a->decimals = a->step >= 1 ? 0 : (int)-floor(log10(a->step) + 1e-9);
	if (fmax(fabs(lo), fabs(hi)) >= 1e12 || a->step < 1e-9)
		a->decimals = -1;
}

static void add_number(cairn_buf *out, const struct axis *a, double v)
{
	if (fabs(v) < a->step * 1e-9)
		v = 0; /* no "-0" */
	if (a->decimals >= 0)
		cairn_buf_addf(out, "%.*f", a->decimals, v);
	else
		cairn_buf_addf(out, "%.6g", v);
}

void cairn_svgplot_escape(cairn_buf *out, const char *s)
{
	while (*s) {
		unsigned char c = (unsigned char)*s;

		if (c >= 0x80) {
			s += cairn_utf8_add_char(out, s);
			continue;
		}
		switch (c) {
		case '&': cairn_buf_adds(out, "&amp;"); break;
		case '<': cairn_buf_adds(out, "&lt;"); break;
		case '>': cairn_buf_adds(out, "&gt;"); break;
		case '"': cairn_buf_adds(out, "&quot;"); break;
		case '\'': cairn_buf_adds(out, "&apos;"); break;
		default:
			/* XML 1.0 has no control characters but tab and newline. */
			if (c < 0x20 && c != '\t' && c != '\n')
				cairn_buf_addch(out, ' ');
			else
				cairn_buf_addch(out, c);
		}
		s++;
	}
}

/* Characters of s (UTF-8), to size a legend box. */
static size_t text_chars(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

static int finite_point(const struct cairn_svgplot_series *s, size_t i)
{
	return isfinite(s->x[i]) && isfinite(s->y[i]);
}

struct frame {
	struct axis x, y;
	double left, top, width, height;
};

static double px(const struct frame *f, double x)
{
	return f->left + (x - f->x.lo) / (f->x.hi - f->x.lo) * f->width;
}

static double py(const struct frame *f, double y)
{
	return f->top + f->height - (y - f->y.lo) / (f->y.hi - f->y.lo) * f->height;
}

/* Keeps a coordinate far outside the picture within what a viewer draws. */
static double clamp(double v)
{
	return fmax(-1e6, fmin(1e6, v));
}

static void draw_series(cairn_buf *out, const struct frame *f,
			const struct cairn_svgplot_series *s, unsigned style, const char *color)
{
	size_t i = 0, j;

	if (style & CAIRN_SVGPLOT_DOTS) {
		cairn_buf_addf(out, "<g fill=\"%s\" fill-opacity=\"0.55\" stroke=\"none\">\n", color);
		for (i = 0; i < s->n; i++)
			if (finite_point(s, i))
				cairn_buf_addf(out, "<circle cx=\"%.2f\" cy=\"%.2f\" r=\"2\"/>\n",
					       clamp(px(f, s->x[i])), clamp(py(f, s->y[i])));
		cairn_buf_adds(out, "</g>\n");
		return;
	}
	while (i < s->n) {
		if (!finite_point(s, i)) {
			i++;
			continue;
		}
		for (j = i; j < s->n && finite_point(s, j); j++)
			;
		if (j - i > 1) {
			cairn_buf_addf(out, "<polyline stroke=\"%s\"%s points=\"", color,
				       style & CAIRN_SVGPLOT_DASHED ? " stroke-dasharray=\"6 4\"" : "");
			for (size_t k = i; k < j; k++)
				cairn_buf_addf(out, "%s%.2f,%.2f", k > i ? " " : "",
					       clamp(px(f, s->x[k])), clamp(py(f, s->y[k])));
			cairn_buf_adds(out, "\"/>\n");
		}
		if (j - i == 1 || (s->n <= DOTS_UP_TO && !(style & CAIRN_SVGPLOT_DASHED)))
			for (size_t k = i; k < j; k++)
				cairn_buf_addf(out, "<circle cx=\"%.2f\" cy=\"%.2f\" r=\"2.5\" fill=\"%s\""
					       " stroke=\"none\"/>\n", clamp(px(f, s->x[k])),
					       clamp(py(f, s->y[k])), color);
		i = j;
	}
}

static unsigned series_style(const struct cairn_svgplot *plot, size_t k)
{
	return plot->styles ? plot->styles[k] : 0;
}

static const char *series_color(const struct cairn_svgplot *plot, size_t k)
{
	if (plot->colors && plot->colors[k])
		return plot->colors[k];
	return palette[k % (sizeof(palette) / sizeof(palette[0]))];
}

/* The legend entries: at the top right as they always were, or in a box in
 * a bottom corner sized for the longest label (about 7 pixels a
 * character at this font size). */
static void draw_legend(cairn_buf *out, const struct cairn_svgplot *plot, const struct frame *f,
			const struct cairn_svgplot_series *series, size_t n)
{
	size_t k, labels = 0, longest = 0;
	double x0 = f->left + f->width - 150, y0 = f->top;

	for (k = 0; k < n; k++)
		if (series[k].label) {
			labels++;
			if (text_chars(series[k].label) > longest)
				longest = text_chars(series[k].label);
		}
	if (!labels)
		return;
	if (plot->legend != CAIRN_SVGPLOT_LEGEND_TOP_RIGHT) {
		double w = 44 + 7 * (double)longest, h = 18 * (double)labels + 8;
		x0 = plot->legend == CAIRN_SVGPLOT_LEGEND_BOTTOM_LEFT ? f->left + 8
								      : f->left + f->width - 8 - w;
		y0 = f->top + f->height - 8 - h;
		cairn_buf_addf(out, "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\""
			       " fill=\"white\" fill-opacity=\"0.85\" stroke=\"#bbb\"/>\n",
			       x0, y0, w, h);
		x0 += 8;
		y0 += 2;
	}
	labels = 0;
	for (k = 0; k < n; k++) {
		double y;
		if (!series[k].label)
			continue;
		y = y0 + 16 + 18 * (double)labels++;
		cairn_buf_addf(out, "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\" stroke=\"%s\""
			       " stroke-width=\"2\"%s/>\n<text x=\"%.2f\" y=\"%.2f\">",
			       x0, y - 4, x0 + 20, y - 4, series_color(plot, k),
			       series_style(plot, k) & CAIRN_SVGPLOT_DASHED ? " stroke-dasharray=\"6 4\"" : "",
			       x0 + 26, y);
		cairn_svgplot_escape(out, series[k].label);
		cairn_buf_adds(out, "</text>\n");
	}
}

void cairn_svgplot_render(const struct cairn_svgplot *plot,
			  const struct cairn_svgplot_series *series, size_t n, cairn_buf *out)
{
	int w = plot->width > 0 ? plot->width : 720, h = plot->height > 0 ? plot->height : 420;
	double xlo = INFINITY, xhi = -INFINITY, ylo = INFINITY, yhi = -INFINITY;
	int fixed_x = plot->x_min < plot->x_max, fixed_y = plot->y_min < plot->y_max;
	size_t i, k;
	struct frame f;

	for (k = 0; k < n; k++)
		for (i = 0; i < series[k].n; i++) {
			if (!finite_point(&series[k], i))
				continue;
			xlo = fmin(xlo, series[k].x[i]);
			xhi = fmax(xhi, series[k].x[i]);
			ylo = fmin(ylo, series[k].y[i]);
			yhi = fmax(yhi, series[k].y[i]);
		}
	if (xlo > xhi)
		xlo = 0, xhi = 1;
	if (ylo > yhi)
		ylo = 0, yhi = 1;
	axis_fit(&f.x, fixed_x ? plot->x_min : xlo, fixed_x ? plot->x_max : xhi, fixed_x,
		 plot->x_integer);
	axis_fit(&f.y, fixed_y ? plot->y_min : ylo, fixed_y ? plot->y_max : yhi, fixed_y, 0);
	f.left = MARGIN_LEFT;
	f.top = MARGIN_TOP;
	f.width = w - MARGIN_LEFT - MARGIN_RIGHT > 10 ? w - MARGIN_LEFT - MARGIN_RIGHT : 10;
	f.height = h - MARGIN_TOP - MARGIN_BOTTOM > 10 ? h - MARGIN_TOP - MARGIN_BOTTOM : 10;

	cairn_buf_addf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		       "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
		       " viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">\n",
		       w, h, w, h);
	if (plot->title) {
		cairn_buf_adds(out, "<title>");
		cairn_svgplot_escape(out, plot->title);
		cairn_buf_adds(out, "</title>\n");
	}
	cairn_buf_addf(out, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>\n"
		       "<defs><clipPath id=\"plot-area\"><rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\""
		       " height=\"%.2f\"/></clipPath></defs>\n",
		       w, h, f.left, f.top, f.width, f.height);

	/* Grid lines and tick labels. */
	cairn_buf_adds(out, "<g stroke=\"#e4e4e4\" stroke-width=\"1\">\n");
	for (int axis = 0; axis < 2; axis++) {
		const struct axis *a = axis ? &f.y : &f.x;
		for (int t = 0; t <= 100; t++) {
			double v = a->lo + t * a->step;
			if (v > a->hi + a->step * 1e-6)
				break;
			if (axis)
				cairn_buf_addf(out, "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\"/>\n",
					       f.left, py(&f, v), f.left + f.width, py(&f, v));
			else
				cairn_buf_addf(out, "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\"/>\n",
					       px(&f, v), f.top, px(&f, v), f.top + f.height);
		}
	}
	cairn_buf_adds(out, "</g>\n<g fill=\"#333\">\n");
	for (int axis = 0; axis < 2; axis++) {
		const struct axis *a = axis ? &f.y : &f.x;
		for (int t = 0; t <= 100; t++) {
			double v = a->lo + t * a->step;
			if (v > a->hi + a->step * 1e-6)
				break;
			if (axis)
				cairn_buf_addf(out, "<text x=\"%.2f\" y=\"%.2f\" text-anchor=\"end\">",
					       f.left - 6, py(&f, v) + 4);
			else
				cairn_buf_addf(out, "<text x=\"%.2f\" y=\"%.2f\" text-anchor=\"middle\">",
					       px(&f, v), f.top + f.height + 17);
			add_number(out, a, v);
			cairn_buf_adds(out, "</text>\n");
		}
	}
	cairn_buf_adds(out, "</g>\n");
	cairn_buf_addf(out, "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" fill=\"none\""
		       " stroke=\"#333\"/>\n", f.left, f.top, f.width, f.height);

	cairn_buf_adds(out, "<g clip-path=\"url(#plot-area)\" fill=\"none\" stroke-width=\"1.5\""
		       " stroke-linejoin=\"round\">\n");
	for (k = 0; k < n; k++)
		draw_series(out, &f, &series[k], series_style(plot, k), series_color(plot, k));
	cairn_buf_adds(out, "</g>\n");

	if (plot->title) {
		cairn_buf_addf(out, "<text x=\"%.2f\" y=\"26\" text-anchor=\"middle\" font-size=\"15\""
			       " font-weight=\"bold\">", f.left + f.width / 2);
		cairn_svgplot_escape(out, plot->title);
		cairn_buf_adds(out, "</text>\n");
	}
	if (plot->x_label) {
		cairn_buf_addf(out, "<text x=\"%.2f\" y=\"%d\" text-anchor=\"middle\">",
			       f.left + f.width / 2, h - 12);
		cairn_svgplot_escape(out, plot->x_label);
		cairn_buf_adds(out, "</text>\n");
	}
	if (plot->y_label) {
		cairn_buf_addf(out, "<text transform=\"translate(16 %.2f) rotate(-90)\""
			       " text-anchor=\"middle\">", f.top + f.height / 2);
		cairn_svgplot_escape(out, plot->y_label);
		cairn_buf_adds(out, "</text>\n");
	}
	draw_legend(out, plot, &f, series, n);
	cairn_buf_adds(out, "</svg>\n");
}
