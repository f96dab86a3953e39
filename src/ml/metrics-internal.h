/*
 * What the files of the evaluation metrics (src/ml/metrics*.c) share; the
 * contract is include/cairn/evaluate.h.
 */
#ifndef CAIRN_ML_METRICS_INTERNAL_H
#define CAIRN_ML_METRICS_INTERNAL_H

#include "cairn/error.h"
#include "cairn/evaluate.h"

/* Check the input of one task (d->task is known to match), with errors
 * that name the row. */
int cairn__eval_check_classes(cairn_ctx *ctx, const struct cairn_eval_data *d);
int cairn__eval_check_regression(cairn_ctx *ctx, const struct cairn_eval_data *d);
int cairn__eval_check_clustering(cairn_ctx *ctx, const struct cairn_eval_data *d);

/* The metrics of one task's checked input, as a new object. */
json_t *cairn__eval_classification(const struct cairn_eval_data *d);
json_t *cairn__eval_regression(const struct cairn_eval_data *d);
json_t *cairn__eval_clustering(const struct cairn_eval_data *d);

/* cairn_evaluate_curves() on checked input. */
void cairn__eval_curves(const struct cairn_eval_data *d, int c, size_t max_points,
			struct cairn_curve *roc, struct cairn_curve *pr, double *auc, double *ap);

/* The name of class c: class_names[c], or its index written into
 * tmp[CAIRN__CLASS_NAME_MAX]. */
#define CAIRN__CLASS_NAME_MAX 24
const char *cairn__eval_class_name(const struct cairn_eval_data *d, int c, char *tmp);

/* The predicted class of row i: the argmax, ties to the lowest index. */
int cairn__eval_argmax(const struct cairn_eval_data *d, size_t i);

/* v as a JSON real, or null when v is not finite (jansson has no NaN). */
json_t *cairn__eval_real(double v);

#endif
