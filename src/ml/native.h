/*
 * Native evaluators: models that cairn trains through a library (XGBoost's
 * tree ensembles, liblinear's linear models) evaluated in cairn's own code,
 * with outputs bit-identical to the library's for every row, and without
 * the library's per-call cost (libxgboost spends some 30 us building a
 * DMatrix and configuring its predictor for a single row).
 *
 * Built once, when a model is loaded; read-only afterwards, so any number
 * of threads may predict with one at once. The library stays the reference:
 * each algorithm's predict_reference (ml/learner.h) calls it, and the tests
 * compare the two byte for byte (tests/native-identity.c).
 *
 * Tree ensembles (native-trees.c) follow XGBoost 1.7's CPU predictor: a
 * split sends a row left when `value < threshold` on float32 (a
 * categorical split: when the value is not one of its categories), a
 * missing value (NaN) goes the node's default way, each output group's margin
 * starts at the base score (turned into a margin as the objective does) and
 * adds the trees' leaf values in float32 in tree order, and the objective's
 * link (sigmoid, softmax, exp, hinge) is computed in float32 with XGBoost's
 * formulas. Models that evaluator does not cover (dart and gblinear
 * boosters, ranking and survival objectives, trees
 * whose right child is not next to the left one) get none, and predict
 * through libxgboost. On a processor with AVX-512, chosen once when the
 * evaluator is built, blocks of rows walk the shallow trees sixteen rows
 * to a register (native-trees-wide.c), with the same sums.
 *
 * Linear models (native-linear.c) follow liblinear 2.x's predict_values and
 * predict_probability: the decision values sum w * x over the non-zero
 * features in index order, then the bias feature, in double.
 */
#ifndef CAIRN_ML_NATIVE_H
#define CAIRN_ML_NATIVE_H

#include <jansson.h>
#include <stddef.h>
#include "cairn/ctx.h"

struct cairn__native_trees;

/*
 * Builds the evaluator of the XGBoost model document doc (as libxgboost
 * saves it, JSON or UBJSON read into jansson, floats exact) for nfeatures
 * columns. *out is NULL, and 0 returned, when the model is one the
 * evaluator does not cover (or holds values it cannot read); node arrays of
 * different lengths are CAIRN_ECORRUPT naming what and the tree.
 */
int cairn__native_trees_build(cairn_ctx *ctx, const char *what, const json_t *doc,
			      size_t nfeatures, struct cairn__native_trees **out);
void cairn__native_trees_free(struct cairn__native_trees *t);

/* Values per row: the output groups (classes of a multi:* model, else 1). */
size_t cairn__native_trees_groups(const struct cairn__native_trees *t);

/*
 * Writes rows * groups float32 values for the row-major matrix x (rows of
 * nfeatures values, NaN missing) to out: the margins when margin is set,
 * else the objective's transformed outputs, as libxgboost's predict with
 * output_margin does (multi:softmax's are one class index per row, at the
 * start of out). Allocates nothing.
 */
void cairn__native_trees_predict(const struct cairn__native_trees *t, const float *x,
				 size_t rows, int margin, float *out);

struct model;

/*
 * liblinear's predict_values for a model loaded by liblinear and a dense
 * row of the model's nr_feature values: the decision values into dec (one
 * per weight vector), summed as liblinear sums them.
 */
void cairn__native_linear_values(const struct model *m, const float *row, double *dec);
/* liblinear's predict_probability for a logistic model: class
 * probabilities in the order of the model's labels. */
void cairn__native_linear_probability(const struct model *m, const float *row, double *p);

#endif
