/*
 * Preprocessing for learning: turns a frame's columns into the numeric
 * matrix an algorithm needs, fitted on training rows only and saved with the
 * model so that prediction applies exactly the same steps.
 *
 * Fitting decides, per feature column: numeric (INT, FLOAT, BOOL, DATETIME)
 * or categorical (STRING); the value that imputes a missing cell (numeric:
 * the training mean; categorical: the most frequent category), unless the
 * algorithm handles missing values itself (they stay NaN); one-hot or
 * ordinal encoding of categoricals (categories in sorted order); and, for
 * distance-based and linear algorithms, standardization (z = (x - mean) /
 * std, population std, 1 when 0). The target is label-encoded for
 * classification (classes in sorted order; predictions map back to the
 * original labels).
 *
 * At prediction time a category unseen in training becomes all zeros
 * (one-hot) or missing/the imputed category (ordinal); a cell that is not a
 * number in a numeric column is an error naming the column and row.
 *
 * The fitted spec is a JSON object (cairn_prep_json); cairn_prep_from_json
 * reads it back. A cairn_prep is immutable after fitting: it may be shared
 * by threads.
 */
#ifndef CAIRN_PREPROCESS_H
#define CAIRN_PREPROCESS_H

#include <jansson.h>
#include <stddef.h>
#include "cairn/ctx.h"
#include "cairn/frame.h"
#include "ml/learner.h"

typedef struct cairn_prep cairn_prep;

struct cairn_prep_options {
	const char *target;          /* column name; NULL for clustering */
	int task;                    /* an enum cairn_task, or -1 to infer */
	int scale;                   /* standardize numeric features */
	int onehot;                  /* one-hot (1) or ordinal (0) categoricals */
	int keep_missing;            /* leave numeric NaN for the algorithm */
	const char *const *include;  /* the only feature columns, or NULL: all */
	size_t ninclude;
	const char *const *exclude;  /* columns that are not features (ids) */
	size_t nexclude;
	int threads;                 /* of fitting and of large transforms (0: the
				      * cores this process may use) */
};

/* Fits on rows[0..nrows) of f (rows NULL: every row). Errors: no such target
 * or included column (listing the columns), a constant target, an empty training set, a column
 * of numbers holding a word (naming the row), no feature columns. */
int cairn_prep_fit(cairn_ctx *ctx, const struct cairn_frame *f, const size_t *rows,
		   size_t nrows, const struct cairn_prep_options *opts, cairn_prep **out);

/*
 * Builds the feature matrix of rows[0..nrows) of f (rows NULL: all) into x
 * (x->v allocated; free it) and, when y is not NULL, the encoded target
 * (allocated; a label unseen in training is an error). Feature columns are
 * found by name; a missing one is an error. f need not be the training frame.
 */
int cairn_prep_transform(cairn_ctx *ctx, const cairn_prep *p, const struct cairn_frame *f,
			 const size_t *rows, size_t nrows, struct cairn_matrix *x, double **y);

enum cairn_task cairn_prep_task(const cairn_prep *p);
const char *cairn_prep_target(const cairn_prep *p);      /* NULL for clustering */
size_t cairn_prep_nfeatures(const cairn_prep *p);         /* matrix columns */
const char *cairn_prep_feature(const cairn_prep *p, size_t i); /* "col" or "col=cat" */
/* XGBoost's type of matrix column i: "float" (a number), "int" (an ordinal
 * category code) or "i" (a one-hot indicator). */
const char *cairn_prep_feature_type(const cairn_prep *p, size_t i);
int cairn_prep_nclasses(const cairn_prep *p);             /* 0 unless classification */
const char *cairn_prep_class(const cairn_prep *p, int i); /* the original label */
/* The input columns with their training types: [{name, type}] (new reference). */
json_t *cairn_prep_inputs(const cairn_prep *p);

/* The fitted spec (new reference) and back. */
json_t *cairn_prep_json(const cairn_prep *p);
int cairn_prep_from_json(cairn_ctx *ctx, const json_t *spec, cairn_prep **out);
void cairn_prep_free(cairn_prep *p);

#endif
