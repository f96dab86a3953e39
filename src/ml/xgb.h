/*
 * XGBoost models behind the algorithms xgboost and random_forest
 * (algo-xgboost.c), and the reading of a model file that XGBoost itself wrote
 * (Python's Booster.save_model, an MLflow xgboost flavor, another tool's
 * bindings), for importing one.
 *
 * A loaded model is the same opaque value the two algorithms' fit and load
 * return: predict with it, save it (as model.json) and free it with either
 * algorithm; both share one implementation. It is owned by the caller.
 * Predicting with one model from several threads at once is safe.
 *
 * What a model predicts follows from its objective: binary:logistic,
 * binary:logitraw and binary:hinge give two class probabilities,
 * multi:softprob and multi:softmax one probability per class (softmax
 * models through their margins), reg:* and count:* a value. Other
 * objectives (ranking, survival) are refused when the model is loaded.
 */
#ifndef CAIRN_ML_XGB_H
#define CAIRN_ML_XGB_H

#include <stddef.h>
#include "cairn/ctx.h"
#include "ml/learner.h"

struct cairn__xgb_info {
	const char *objective;    /* XGBoost's name: "binary:logistic", ... */
	enum cairn_task task;     /* classification or regression */
	int nclasses;             /* classification: outputs of predict; else 0 */
	size_t nfeatures;         /* columns the model takes */
	int rounds;               /* boosting rounds in the model */
	int native;               /* predicts natively (ml/native.h), not via libxgboost */
};

/*
 * Reads a model file in any format XGBoost 1.7 reads: JSON (model.json),
 * UBJSON (model.ubj) or its older binary format, checked before libxgboost
 * predicts with it (ml/xgb-validate.h). A malformed file is CAIRN_EPARSE
 * naming it, a damaged model (a tree that would crash libxgboost, loop or
 * predict garbage) CAIRN_ECORRUPT naming the tree and node, an unsupported
 * objective CAIRN_EINVAL. *model is set on success only.
 */
int cairn__xgb_load_file(cairn_ctx *ctx, const char *path, void **model);
/* Describes a model returned by cairn__xgb_load_file() or a fit; the strings
 * live as long as the model. */
void cairn__xgb_info(const void *model, struct cairn__xgb_info *info);

#endif
