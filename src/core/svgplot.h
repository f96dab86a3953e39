/*
 * Line plots of (x, y) series as standalone SVG documents: linear axes with
 * grid lines and tick labels at round numbers, a title, axis labels and a
 * legend. Metric histories use it, and the ROC, precision-recall and
 * residual plots of an evaluation (include/cairn/plots.h).
 *
 * A series may instead be drawn as dots only (a scatter plot) or as a
 * dashed line (a reference such as a ROC plot's diagonal), in a colour of
 * its own; the legend may sit in a bottom corner, on a white box, where
 * curves that rise to the top would hide it.
 *
 * Points whose x or y is not finite (NaN, infinities) are skipped and the
 * line breaks there; a point with no neighbour is drawn as a dot, so one
 * point still shows. A constant series gets a range around its value. Text
 * is escaped. Rendering is a pure function of its arguments (thread-safe);
 * numbers are written with printf, so the program runs in the C locale (as
 * the cairn CLI does).
 *
 *     struct cairn_svgplot p = { .title = "loss", .x_label = "step" };
 *     struct cairn_svgplot_series s = { NULL, steps, values, n };
 *     cairn_buf svg = CAIRN_BUF_INIT;
 *     cairn_svgplot_render(&p, &s, 1, &svg);
 *     cairn__output_write(ctx, "loss.svg", svg.buf, svg.len, &opts); (core/output.h)
 */
#ifndef CAIRN_SVGPLOT_H
#define CAIRN_SVGPLOT_H

#include <stddef.h>
#include "cairn/buf.h"

/* Styles of a series (bits). */
#define CAIRN_SVGPLOT_DOTS 1u   /* each point a small dot, no line */
#define CAIRN_SVGPLOT_DASHED 2u /* a dashed line */

struct cairn_svgplot_series {
	const char *label; /* its legend entry, or NULL for none */
	const double *x, *y;
	size_t n;
};

enum cairn_svgplot_legend {
	CAIRN_SVGPLOT_LEGEND_TOP_RIGHT,
	CAIRN_SVGPLOT_LEGEND_BOTTOM_RIGHT,
	CAIRN_SVGPLOT_LEGEND_BOTTOM_LEFT
};

struct cairn_svgplot {
	const char *title;   /* or NULL */
	const char *x_label; /* or NULL */
	const char *y_label; /* or NULL */
	int width, height;   /* in pixels; 0: 720 x 420 */
	/* Fixed axis ranges, used when min < max; else fitted to the data and
	 * widened to round numbers. Points outside a fixed range are clipped. */
	double x_min, x_max, y_min, y_max;
	int x_integer;       /* x holds whole numbers (steps): no ticks between */
	enum cairn_svgplot_legend legend;
	/* Per series (NULL: lines in the palette's colours): styles[k] holds
	 * CAIRN_SVGPLOT_* bits (0: a line), colors[k] an SVG colour or NULL
	 * for the palette's. */
	const unsigned *styles;
	const char *const *colors;
};

/* Appends the SVG document for the n series to out. */
void cairn_svgplot_render(const struct cairn_svgplot *plot,
			  const struct cairn_svgplot_series *series, size_t n, cairn_buf *out);

/* Appends s to out as XML text or attribute content: markup characters
 * escaped, control characters (but tab and newline) as spaces, bytes that
 * are not UTF-8 as U+FFFD, so that the document stays well-formed. */
void cairn_svgplot_escape(cairn_buf *out, const char *s);

#endif
