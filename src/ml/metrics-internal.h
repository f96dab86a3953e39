/*
 * What the files of the evaluation metrics (src/ml/metrics*.c) share; the
 * contract is include/cairn/evaluate.h.
 */
#ifndef CAIRN_ML_METRICS_INTERNAL_H
#define CAIRN_ML_METRICS_INTERNAL_H

#include "cairn/error.h"
#include "ml/evaluate.h"

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

/*
 * Sufficient statistics: sums over rows from which the metrics derive, so
 * that the metrics of a union of disjoint sets of rows come from the sums
 * of each set (federated training's sites send them instead of rows).
 * cairn_evaluate computes its metrics through them too: one set of
 * formulas.
 *
 * Classification: the confusion matrix and the sum of the rows' log losses
 * give every metric exactly but the ranking ones (ROC AUC, average
 * precision), which need the order of all the rows' scores. With bins > 0
 * the sums also hold, per class, a histogram of that class's probability
 * over bins on the logit scale (CAIRN__SCORE_BINS of width 1/64 from -16 to
 * 16, the ends open), counting the rows of the class and the others apart:
 * the ranking metrics computed from it take each bin as one score, so
 * they are approximate (an AUC errs by at most half the share of
 * (positive, negative) pairs that fall in one bin).
 *
 * All sums are doubles (counts are exact up to 2^53) in one array v of
 * len values, so that they travel as one message and merge by adding.
 */
#define CAIRN__SCORE_BINS 2048

struct cairn__class_sums {
	int k;                 /* classes */
	size_t bins;           /* histogram bins per class, or 0: no histogram */
	size_t len;            /* values in v */
	double *v;             /* owned; the fields below point into it */
	double *rows, *loss;   /* one each: rows, sum of their log losses */
	double *cm;            /* k x k: true class t, predicted p at t * k + p */
	double *hist;          /* k x bins x 2: class c, bin b at (c * bins + b) * 2:
				* rows of class c, then rows of other classes */
};

void cairn__class_sums_init(struct cairn__class_sums *s, int k, size_t bins);
void cairn__class_sums_release(struct cairn__class_sums *s);
/* Adds the rows of d (checked, or of no rows; d->nclasses == s->k). */
void cairn__class_sums_add(struct cairn__class_sums *s, const struct cairn_eval_data *d);
/* Adds other's sums (of the same k and bins) to s's. */
void cairn__class_sums_merge(struct cairn__class_sums *s, const struct cairn__class_sums *other);
/*
 * The metrics of cairn_evaluate from sums of at least one row (names as
 * cairn_eval_data's class_names), ranking metrics from the histogram,
 * marked "roc_auc_approx": true with a note; without one, they are null.
 */
json_t *cairn__class_sums_metrics(const struct cairn__class_sums *s,
				  const char *const *names);

/*
 * Regression: per set of rows, its means of y and of the error y - pred with
 * the sums of squared deviations from them (merged as Chan et al.'s
 * parallel variance, which keeps R² accurate where sums of squares would
 * cancel), and the sums of squared, absolute and absolute relative errors,
 * the largest error and the rows with y != 0. Plain doubles: the struct
 * travels as it is between processes of one binary.
 */
struct cairn__reg_sums {
	double rows, mean_y, m2_y, mean_e, m2_e;
	double sse, sae, max_error, ape, ape_rows;
};

/* The sums of d's rows (checked, or of no rows). */
void cairn__reg_sums_of(const struct cairn_eval_data *d, struct cairn__reg_sums *s);
void cairn__reg_sums_merge(struct cairn__reg_sums *s, const struct cairn__reg_sums *other);
/* The metrics of cairn_evaluate from sums of at least one row. */
json_t *cairn__reg_sums_metrics(const struct cairn__reg_sums *s);

#endif
