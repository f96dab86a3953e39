/*
 * Monitoring a model: the bias of its predictions across the groups of a
 * sensitive column, and its performance over windows of served
 * predictions joined with the ground truth given for them (POST /feedback,
 * `cairn predictions feedback`).
 *
 * Rows come from labelled data (a frame: the model predicts it, as `cairn
 * evaluate` does) or from the prediction log of `cairn serve` (the records
 * of the model's version, answered with status 200, shadows left out),
 * each joined with the latest label of its request id. A request of n rows
 * takes a label that is an array of n values, or a single value when n is
 * 1; a record whose label fits neither is counted in "unjoined" and left
 * out.
 *
 * Bias follows Fairlearn's definitions (fairlearn.metrics, method
 * "between_groups"); docs/commands/monitor.md has them. Performance uses the
 * metrics of include/cairn/evaluate.h; a label that arrives late counts in
 * the window of its prediction, since windows are cut by prediction time.
 *
 * Every function takes a context with a workspace open (for the log, the
 * feedback and the registry); what it returns (*out, a new JSON object)
 * belongs to the caller. Errors name the column, class or window at fault.
 */
#ifndef CAIRN_MONITOR_H
#define CAIRN_MONITOR_H

#include <jansson.h>
#include <stdint.h>
#include "cairn/common.h"
#include "cairn/ctx.h"
#include "cairn/frame.h"
#include "cairn/model.h"

CAIRN_BEGIN_DECLS

struct cairn_monitor_bias_options {
	const char *model_ref;          /* the MODELREF m was opened from: selects
					   the log's records */
	const char *sensitive;          /* the column of the groups */
	const struct cairn_frame *data; /* labelled rows, or NULL: the log */
	int64_t since_ms;               /* the log's records at or after (0: all) */
	const char *label;              /* data's label column; NULL: the model's target */
	const char *positive;           /* the positive class; NULL: the model's
					   second class (binary only) */
};

/*
 * The bias of m's predictions: {model, source, sensitive, positive, rows,
 * unjoined, left_out, groups: {VALUE: {count, selection_rate, tpr, fpr, accuracy}},
 * demographic_parity_difference, demographic_parity_ratio,
 * equalized_odds_difference, disparate_impact, four_fifths: "pass"|"fail"}
 * (a rate that is undefined is null). CAIRN_EINVAL for a model that is not
 * a classifier, a multiclass one without a positive class, an unknown
 * positive class, a sensitive or label column missing, no labelled rows.
 */
int cairn_monitor_bias(cairn_ctx *ctx, const cairn_model *m,
		       const struct cairn_monitor_bias_options *o, json_t **out);

struct cairn_monitor_performance_options {
	const char *model_ref;   /* the MODELREF m was opened from */
	int64_t since_ms;        /* the log's records at or after (0: all) */
	int64_t window_ms;       /* windows of this length (aligned on the
				    epoch), or */
	uint64_t window_rows;    /* windows of this many labelled predictions;
				    both 0: one window */
};

/*
 * m's performance on the log: {model, task, window: {ms} | {rows} | null,
 * baseline: the metrics stored with the version (null when the reference
 * is not a registered version or it has none), predictions, labelled,
 * unjoined, windows: [{start, end, predictions, labelled, metrics,
 * status}]} where metrics is null for a window without labels ("status":
 * "no labels", or "no known labels" when none is a class of the model or
 * a number, counted in unknown_labels). Classification: accuracy, f1 (binary: of the second class;
 * else macro), roc_auc when every labelled row of the window logged its
 * probabilities; regression: rmse, mae, r2.
 */
int cairn_monitor_performance(cairn_ctx *ctx, const cairn_model *m,
			      const struct cairn_monitor_performance_options *o, json_t **out);

CAIRN_END_DECLS

#endif
