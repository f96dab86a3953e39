/*
 * The ensemble algorithm's frame-level side (src/ml/algo-ensemble.c).
 *
 * An ensemble combines whole model packages: each member applies its own
 * preprocessing to the raw rows, so an ensemble predicts from a frame, not
 * from a matrix. cairn_model_predict (src/ml/package.c) and cairn train's
 * evaluation call cairn__ensemble_predict for it; the algorithm's matrix
 * predict refuses, and its fit refuses too (an ensemble is built from
 * members with cairn__ensemble_new, never fitted).
 */
#ifndef CAIRN_ML_ENSEMBLE_H
#define CAIRN_ML_ENSEMBLE_H

#include <stddef.h>
#include "cairn/ctx.h"
#include "cairn/frame.h"
#include "cairn/model.h"
#include "ml/preprocess.h"

/* 1 when algo is the ensemble algorithm. */
int cairn__is_ensemble(const struct cairn_algorithm *algo);

/*
 * Builds an ensemble of members[0..n) (n >= 2) voting "soft" (the mean of
 * the members' probabilities or values) or "hard" (each member's most
 * probable class is a vote: the outputs are the vote shares, so that a tie
 * goes to the lowest class index). Members must share the task
 * (classification or regression; hard voting: classification), the target
 * and, for classification, the class labels in the same order. On success
 * the ensemble owns the members (freed with it); on failure the caller
 * still does.
 */
int cairn__ensemble_new(cairn_ctx *ctx, cairn_model **members, size_t n, const char *voting,
			void **out);

/* The first member's preprocessing: the ensemble's task, target and class
 * labels (borrowed). */
const cairn_prep *cairn__ensemble_prep(const void *model);

/* Writes nrows * outputs values for rows[0..nrows) of f (rows NULL: all);
 * reference: the members predict with cairn__model_predict_reference. */
int cairn__ensemble_predict(cairn_ctx *ctx, const void *model, const struct cairn_frame *f,
			    const size_t *rows, size_t nrows, int reference, double *out);

#endif
