/*
 * Out-of-fold predictions of cross-validation as CSV: each training row
 * predicted by the model of the fold that held it out, so that any tool can
 * study the errors (calibration, stacking, residuals) without refitting.
 *
 * Columns: row (counted from 0 in the data), fold (from 0), true (the
 * target's cell as text; no column for clustering), prediction (the class
 * label, the value, or the cluster), and for classification one
 * proba_CLASS per class. Rows are in the data's order.
 */
#ifndef CAIRN_ML_OOF_H
#define CAIRN_ML_OOF_H

#include <stddef.h>
#include "cairn/buf.h"
#include "cairn/frame.h"
#include "ml/preprocess.h"

struct cairn__oof {
	const struct cairn_frame *f;  /* the data */
	const size_t *rows;           /* n rows of f, in order */
	size_t n;
	const int *fold;              /* the fold of each */
	const double *pred;           /* n * outputs values (see learner.h) */
	size_t outputs;
	const cairn_prep *prep;       /* target, task, classes */
};

/* Appends the CSV (header first) to out. */
void cairn__oof_csv(const struct cairn__oof *o, cairn_buf *out);

#endif
