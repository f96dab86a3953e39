/*
 * Checks of training options against the data, shared by cairn_train and
 * cairn_sweep (src/ml/train.c), made before any run starts.
 */
#ifndef CAIRN_ML_TRAIN_CHECK_H
#define CAIRN_ML_TRAIN_CHECK_H

#include "cairn/ctx.h"
#include "cairn/dataset.h"
#include "cairn/train.h"

/* The target, --features and --drop names of o that are not columns of the
 * schema of data: CAIRN_ENOTFOUND naming every unknown one and the columns
 * there are; 0 when all are (or data records no schema). */
int cairn__train_check_columns(cairn_ctx *ctx, const struct cairn_train_options *o,
			       const struct cairn_dataset_version *data);

#endif
