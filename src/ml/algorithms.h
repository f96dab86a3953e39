/*
 * The algorithms of the table in src/ml/algorithms.c, one file each.
 */
#ifndef CAIRN_ML_ALGORITHMS_H
#define CAIRN_ML_ALGORITHMS_H

#include "ml/learner.h"

extern const struct cairn_algorithm cairn__algo_xgboost;
extern const struct cairn_algorithm cairn__algo_random_forest;
extern const struct cairn_algorithm cairn__algo_logistic;
extern const struct cairn_algorithm cairn__algo_linear_svm;
extern const struct cairn_algorithm cairn__algo_linear;
extern const struct cairn_algorithm cairn__algo_kmeans;
extern const struct cairn_algorithm cairn__algo_knn;
extern const struct cairn_algorithm cairn__algo_naive_bayes;
extern const struct cairn_algorithm cairn__algo_ensemble;

/* Fails (CAIRN_EINVAL) naming the first missing or infinite value of x,
 * for algorithms that need every value imputed first; what says what could
 * not be done ("train knn"). */
int cairn__matrix_check_finite(cairn_ctx *ctx, const char *what, const struct cairn_matrix *x);

/* Writes v as indented JSON and a newline to dir/name, atomically, and on
 * success appends name to files (an array, or NULL). */
int cairn__model_write_json(cairn_ctx *ctx, const char *dir, const char *name, const json_t *v,
			    json_t *files);

#endif
