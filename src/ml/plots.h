/*
 * The plots of an evaluation as standalone SVG documents appended to a
 * cairn_buf: ROC and precision-recall curves, the confusion matrix as a
 * heatmap and the residuals of a classification or regression
 * (struct cairn_eval_data, include/cairn/evaluate.h), and a bar chart of
 * feature importances. Writing them to files is the caller's job.
 *
 * Documents are well-formed XML (names escaped, bytes that are not UTF-8
 * replaced), deterministic (the same input gives the same bytes) and of
 * bounded size: curves have at most CAIRN_PLOT_MAX_POINTS points per class
 * and a residual plot at most CAIRN_PLOT_MAX_DOTS dots (rows taken at an
 * even stride). title may be NULL for the plot's usual title.
 *
 * Errors: the input checks of cairn_evaluate() (CAIRN_EINVAL), and a plot of
 * the wrong task; on error nothing is appended. Thread-safe on distinct
 * buffers. Numbers are written with printf, so in the C locale.
 */
#ifndef CAIRN_PLOTS_H
#define CAIRN_PLOTS_H

#include <stddef.h>
#include "cairn/buf.h"
#include "ml/evaluate.h"

#define CAIRN_PLOT_MAX_POINTS 1000
#define CAIRN_PLOT_MAX_DOTS 2000
/* The bars of an importance chart. */
#define CAIRN_PLOT_MAX_BARS 20

/* ROC curves of a classification: of class 1 for a binary problem, else one
 * per class against the rest; the legend gives each one's AUC; the diagonal
 * is chance. A class absent from y (no AUC) has no curve. */
int cairn_plot_roc(cairn_ctx *ctx, const struct cairn_eval_data *d, const char *title,
		   cairn_buf *out);

/* Precision-recall curves, chosen as for ROC, with the average precision in
 * the legend. */
int cairn_plot_pr(cairn_ctx *ctx, const struct cairn_eval_data *d, const char *title,
		  cairn_buf *out);

/* The confusion matrix: true classes down, predicted classes across, the
 * count in each cell and its colour the share of the true class's rows. */
int cairn_plot_confusion(cairn_ctx *ctx, const struct cairn_eval_data *d, const char *title,
			 cairn_buf *out);

/* A regression's residuals (y - prediction) against the prediction, with
 * the zero line. */
int cairn_plot_residuals(cairn_ctx *ctx, const struct cairn_eval_data *d, const char *title,
			 cairn_buf *out);

/* Horizontal bars of the CAIRN_PLOT_MAX_BARS largest of value[0..n) (ties
 * to the lower index; values that are not finite left out), largest at the
 * top, each with its name (names may be NULL: "f0", "f1", ...) and its
 * value. Pass magnitudes (such as |coefficient|) to rank by size. */
void cairn_plot_importance(const double *value, const char *const *names, size_t n,
			   const char *title, cairn_buf *out);

#endif
