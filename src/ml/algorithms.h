/*
 * The algorithms of the table in src/ml/algorithms.c, one file each.
 */
#ifndef CAIRN_ML_ALGORITHMS_H
#define CAIRN_ML_ALGORITHMS_H

#include "cairn/learner.h"

extern const struct cairn_algorithm cairn__algo_xgboost;
extern const struct cairn_algorithm cairn__algo_random_forest;
extern const struct cairn_algorithm cairn__algo_logistic;
extern const struct cairn_algorithm cairn__algo_linear_svm;
extern const struct cairn_algorithm cairn__algo_linear;
extern const struct cairn_algorithm cairn__algo_kmeans;
extern const struct cairn_algorithm cairn__algo_knn;
extern const struct cairn_algorithm cairn__algo_naive_bayes;
extern const struct cairn_algorithm cairn__algo_ensemble;

#endif
