/*
 * The model package's internals for the ml module: writing a package from a
 * fitted model, and reaching the algorithm, preprocessing and learner inside
 * a loaded one. The public side is include/cairn/model.h.
 */
#ifndef CAIRN_ML_MODEL_INTERNAL_H
#define CAIRN_ML_MODEL_INTERNAL_H

#include <jansson.h>
#include "cairn/id.h"
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
	const json_t *input_example; /* {columns, data}, or NULL */
};

/* The package file of the input example (MLflow's name). */
#define CAIRN_MODEL_EXAMPLE_FILE "input_example.json"
/* Rows of the training input cairn train keeps as the example. */
#define CAIRN_MODEL_EXAMPLE_ROWS 5

/* The input example of rows[0..n) of f: the model's input columns only
 * (the target left out), as {columns, data} (new reference). */
json_t *cairn__model_example(const cairn_prep *p, const struct cairn_frame *f,
			     const size_t *rows, size_t n);
/*
 * Finds the package that the MODELREF ref names (include/cairn/model.h) and
 * makes it readable in *dir: ref itself for a directory, or the run's
 * artifact copied into a new temporary directory *tmp, which the caller
 * removes (left empty when none was made). run_id (may be NULL) gets the
 * run's full id, "" for a directory.
 */
int cairn__model_fetch(cairn_ctx *ctx, const char *ref, cairn_buf *tmp, cairn_buf *dir,
		       char run_id[CAIRN_ID_LEN + 1]);

/* Writes the package to dir, which must not exist. */
int cairn_model_save(cairn_ctx *ctx, const struct cairn_model_info *info, const char *dir);

/* Writes a package into dir (which does not exist yet); arg is the caller's. */
typedef int cairn__model_fill_fn(cairn_ctx *ctx, const char *dir, void *arg);
/* Opens a package that fill writes: into a new temporary directory, loaded,
 * and the directory removed (as cairn_model_open does with a run's
 * package). */
int cairn__model_open_filled(cairn_ctx *ctx, cairn__model_fill_fn *fill, void *arg,
			     cairn_model **out);

/* cairn_model_predict through the libraries that trained the model, where
 * it evaluates natively (ml/native.h): the reference the tests compare
 * the native evaluators with. */
int cairn__model_predict_reference(cairn_ctx *ctx, const cairn_model *m,
				   const struct cairn_frame *f, const size_t *rows, size_t nrows,
				   double **out, size_t *noutputs);

const struct cairn_algorithm *cairn_model_algorithm(const cairn_model *m);
const cairn_prep *cairn_model_prep(const cairn_model *m);
const void *cairn_model_learner(const cairn_model *m);

#endif
