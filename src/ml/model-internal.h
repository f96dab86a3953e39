/*
 * The model package's internals for the ml module: writing a package from a
 * fitted model, and reaching the algorithm, preprocessing and learner inside
 * a loaded one. The public side is include/cairn/model.h.
 */
#ifndef CAIRN_ML_MODEL_INTERNAL_H
#define CAIRN_ML_MODEL_INTERNAL_H

#include <jansson.h>
#include "cairn/model.h"
#include "ml/learner.h"
#include "ml/model-internal.h"
#include "ml/preprocess.h"

struct cairn_model_info {
	const struct cairn_algorithm *algo;
	const void *model;
	const cairn_prep *prep;
	const char *run_id;     /* may be NULL */
	const json_t *params;   /* the resolved params (may be NULL) */
	const json_t *metrics;  /* may be NULL */
	const json_t *profile;  /* may be NULL */
	const json_t *lineage;  /* may be NULL */
};

/* Writes the package to dir, which must not exist. */
int cairn_model_save(cairn_ctx *ctx, const struct cairn_model_info *info, const char *dir);

/* Writes a package into dir (which does not exist yet); arg is the caller's. */
typedef int cairn__model_fill_fn(cairn_ctx *ctx, const char *dir, void *arg);
/* Opens a package that fill writes: into a new temporary directory, loaded,
 * and the directory removed (as cairn_model_open does with a run's
 * package). */
int cairn__model_open_filled(cairn_ctx *ctx, cairn__model_fill_fn *fill, void *arg,
			     cairn_model **out);

const struct cairn_algorithm *cairn_model_algorithm(const cairn_model *m);
const cairn_prep *cairn_model_prep(const cairn_model *m);
const void *cairn_model_learner(const cairn_model *m);

#endif
