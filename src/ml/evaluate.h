/*
 * Evaluation metrics of a model's predictions, as JSON objects: the library
 * behind `cairn evaluate`. Pure functions over arrays (no I/O); the plots
 * of the same data are in include/cairn/plots.h.
 *
 * The definitions follow scikit-learn's where it has one, so that numbers
 * compare with a Python script's:
 *
 * Classification (predicted class = argmax of the row's probabilities, ties
 * to the lowest index):
 *   accuracy, balanced_accuracy   mean recall over the classes present in y
 *   per_class.NAME                precision, recall, f1 (0 where undefined,
 *                                 like zero_division=0), support, roc_auc
 *                                 (one-vs-rest) and average_precision
 *   macro, weighted               {precision, recall, f1} averaged over the
 *                                 classes present in y or in the predictions
 *                                 (as scikit-learn does without labels=),
 *                                 weighted by support
 *   precision, recall, f1         binary only: of class 1 (average='binary')
 *   roc_auc                       binary: of class 1's probability; multiclass:
 *                                 one-vs-rest macro average, as
 *                                 roc_auc_score(multi_class='ovr')
 *   roc_auc_weighted              multiclass only: weighted by prevalence
 *   average_precision             binary: of class 1; multiclass: macro
 *   log_loss                      probabilities clipped to [eps, 1 - eps] with
 *                                 eps = DBL_EPSILON and each row renormalized,
 *                                 as log_loss does since scikit-learn 1.2
 *                                 (before 1.2 its eps was 1e-15)
 *   confusion_matrix              rows = true class, columns = predicted, in
 *                                 the order of "classes" (the names)
 *   rows, notes
 * AUC counts ties as one half (Mann-Whitney with average ranks, which is the
 * trapezoid over distinct thresholds). A class absent from y has no AUC nor
 * average precision (null, and a line in "notes"); the averages are over the
 * classes where they are defined. A metric that is undefined is null.
 *
 * Regression: rmse, mae, r2, explained_variance (1 for a perfect fit and 0
 * for any imperfect one when y is constant, as force_finite=True), max_error,
 * mape (a fraction, not a percentage, as mean_absolute_percentage_error; rows
 * where y = 0 are skipped and counted in mape_skipped_rows; null when every
 * row is skipped), rows, notes.
 *
 * Clustering: rows, clusters (distinct labels), inertia (sum of squared
 * euclidean distances to the assigned centroid), silhouette (the mean
 * silhouette coefficient, euclidean, 0 for a point alone in its cluster;
 * null with fewer than 2 or more than rows - 1 clusters). Above
 * silhouette_rows rows (default 10,000) it is computed on a sample of that
 * many distinct rows drawn with the seed, and silhouette_approx is true and
 * silhouette_sample the sample size.
 *
 * Errors: CAIRN_EINVAL for malformed input (no rows, a class index out of
 * range or not whole, a value that is not finite, duplicate class names),
 * naming the row. Results are new JSON objects owned by the caller
 * (json_decref). Every function is thread-safe on distinct outputs, and
 * deterministic: the same input gives the same JSON.
 */
#ifndef CAIRN_EVALUATE_H
#define CAIRN_EVALUATE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include "cairn/ctx.h"
#include "ml/learner.h"

/* The sample size of the silhouette when silhouette_rows is 0. */
#define CAIRN_SILHOUETTE_ROWS 10000

/* What to evaluate: n rows of one task. Arrays are only read. */
struct cairn_eval_data {
	enum cairn_task task;
	size_t n;
	/* Classification: the true class index (0 .. nclasses-1, as a double
	 * like cairn_train_data's y); regression: the target; clustering:
	 * unused (NULL). */
	const double *y;
	/* Classification: n x nclasses probabilities, row-major; regression:
	 * the n predictions; clustering: the n cluster indexes (whole, >= 0). */
	const double *pred;
	int nclasses;                    /* classification: >= 2 */
	const char *const *class_names;  /* nclasses distinct names, or NULL: "0", "1", ... */
	/* Clustering only. */
	const struct cairn_matrix *x;    /* the n rows of features (no NaN) */
	const double *centroids;         /* ncentroids x x->cols, or NULL: each cluster's mean */
	size_t ncentroids;
	uint64_t seed;                   /* of the silhouette's sample */
	size_t silhouette_rows;          /* sample above this many rows; 0: CAIRN_SILHOUETTE_ROWS */
};

/* The metrics of d's task, as described above, into *out. */
int cairn_evaluate(cairn_ctx *ctx, const struct cairn_eval_data *d, json_t **out);

/*
 * The metrics of each slice of the rows: key[r] names the slice of row r
 * (`--by COL`); a NULL key leaves the row out of every slice. *out is
 * {"VALUE": {...metrics, "rows": n}, ...}, one member per distinct key.
 */
int cairn_evaluate_slices(cairn_ctx *ctx, const struct cairn_eval_data *d,
			  const char *const *key, json_t **out);

/*
 * Summarizes k metric objects, one per cross-validation fold: every numeric
 * leaf present (as a number, not null) in all folds becomes
 * {"folds": [v1, ..., vk], "mean": m, "std": s} at the same place in the
 * tree; other members (strings, booleans, nulls, arrays such as confusion
 * matrices, which are better summed) are left out. The std is the
 * population standard deviation (ddof = 0), as numpy's np.std and so
 * cross_val_score(...).std() report it.
 */
int cairn_evaluate_cv_summary(cairn_ctx *ctx, json_t *const *folds, size_t k, json_t **out);

/*
 * Assigns each of the n rows to one of k folds (2 <= k <= n): fold[r] in
 * 0 .. k-1. With y (class indexes, 0 .. nclasses-1) the folds are
 * stratified, in the spirit of StratifiedKFold(shuffle=True): every fold
 * has floor or ceil(n / k) rows and every class's count in every fold is
 * within one of count / k (cairn_stratified_allocate); the rows of each class,
 * in row order, are shuffled and dealt in consecutive runs to folds 0, 1,
 * ... With y NULL it is KFold(shuffle=True): the rows are shuffled and
 * dealt in runs, the first n % k folds getting one row more. The generator
 * is cairn's seeded xoshiro256** (src/core/rng.h), so the folds are the same
 * on every machine; cairn_folds_json() writes them for a script to reuse.
 */
int cairn_folds_assign(cairn_ctx *ctx, size_t n, size_t k, const double *y, int nclasses,
		       uint64_t seed, int *fold);
/* The fold of every row as a JSON array [f0, f1, ...] (a new reference). A
 * script reuses them exactly: test rows of fold i = where(folds == i). */
json_t *cairn_folds_json(const int *fold, size_t n);

/* A curve as points (x[i], y[i]); both arrays are owned by the curve. */
struct cairn_curve {
	size_t n;
	double *x, *y;
};
void cairn_curve_release(struct cairn_curve *c);

/*
 * The ROC curve (x = false positive rate, y = true positive rate, from
 * (0, 0) through one point per distinct threshold) and the precision-recall
 * curve (x = recall, y = precision, as the step function whose area is the
 * average precision, from (0, 1)) of class c of a classification d, one
 * against the rest, with at most max_points points each (0: no limit; else
 * at least 4; points are dropped evenly, the ends kept). auc and ap (may be
 * NULL) receive the area under the ROC curve and the average precision,
 * NaN when c is absent from y. Either curve may be NULL.
 */
int cairn_evaluate_curves(cairn_ctx *ctx, const struct cairn_eval_data *d, int c,
			  size_t max_points, struct cairn_curve *roc, struct cairn_curve *pr,
			  double *auc, double *ap);

#endif
