/*
 * Line plots of (x, y) series as standalone SVG documents: linear axes with
 * grid lines and tick labels at round numbers, a title, axis labels and a
 * legend. Metric histories use it; ROC and precision-recall curves will.
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
 *     cairn_write_file_atomic(ctx, "loss.svg", svg.buf, svg.len, 0666);
 */
#ifndef CAIRN_SVGPLOT_H
#define CAIRN_SVGPLOT_H

#include <stddef.h>
#include "cairn/buf.h"

struct cairn_svgplot_series {
	const char *label; /* its legend entry, or NULL for none */
	const double *x, *y;
	size_t n;
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
};

/* Appends the SVG document for the n series to out. */
void cairn_svgplot_render(const struct cairn_svgplot *plot,
			  const struct cairn_svgplot_series *series, size_t n, cairn_buf *out);

#endif
