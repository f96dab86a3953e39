/*
 * The model package: a directory that holds everything needed to use a
 * trained model and to trace it back.
 *
 *     MLmodel           YAML manifest (MLflow's layout): flavors (cairn
 *                       always; MLflow's xgboost flavor for XGBoost models),
 *                       signature (input columns and types, the output),
 *                       run_id, model_uuid, utc_time_created
 *     model.*           the algorithm's own model file(s)
 *     preprocess.json   the fitted preprocessing (include/cairn/preprocess.h)
 *     profile.json      the training data's profile (the drift reference)
 *     metrics.json      the evaluation metrics at training time
 *     lineage.json      data versions, code version, params, run
 *     input_example.json  a few rows of the training input without the
 *                       target, in MLflow's file and "split" layout
 *                       ({"columns": [...], "data": [[...], ...]}); the
 *                       smoke gate predicts it (include/cairn/gates.h).
 *                       cairn train writes the first rows it trained on;
 *                       an import keeps the MLflow model's, if it has one
 *
 * A package is written to a new directory in one step (a temporary sibling
 * renamed into place), so a reader never sees half of one.
 *
 * An ensemble's package holds its members' packages (members/N/) and
 * ensemble.json; cairn_model_predict runs each member on the rows with its
 * own preprocessing and combines them (src/ml/ensemble.h).
 *
 * A model reference (MODELREF) names a package: a directory holding an
 * MLmodel, or a run (id or prefix) whose artifact "model" is one, or
 * RUN/PATH for a package logged elsewhere in the run.
 */
#ifndef CAIRN_MODEL_H
#define CAIRN_MODEL_H

#include <jansson.h>
#include "cairn/common.h"
#include "cairn/ctx.h"
#include "cairn/frame.h"

CAIRN_BEGIN_DECLS

typedef struct cairn_model cairn_model;

/* Loads the package in directory dir. */
int cairn_model_load(cairn_ctx *ctx, const char *dir, cairn_model **out);
/* Resolves a MODELREF and loads it (a run's package is copied out of the
 * object store into a temporary directory first, removed afterwards). */
int cairn_model_open(cairn_ctx *ctx, const char *ref, cairn_model **out);
void cairn_model_free(cairn_model *m);

/* The MLmodel manifest as JSON (borrowed). */
const json_t *cairn_model_manifest(const cairn_model *m);
/* The package's input example and its lineage.json (borrowed), or NULL
 * when it has none. */
const json_t *cairn_model_input_example(const cairn_model *m);
const json_t *cairn_model_lineage(const cairn_model *m);

/* A classifier's number of classes (0 for other models), and class i's
 * label as it was in the training data (NULL when i is out of range;
 * owned by m). */
int cairn_model_nclasses(const cairn_model *m);
const char *cairn_model_class(const cairn_model *m, int i);

/*
 * Predicts rows[0..nrows) of f (rows NULL: all): *out (allocated) holds
 * nrows * *noutputs values, row by row: a classifier's probability of each
 * class in the order of cairn_model_class(), a regressor's prediction, or
 * a clustering's cluster index.
 */
int cairn_model_predict(cairn_ctx *ctx, const cairn_model *m, const struct cairn_frame *f,
			const size_t *rows, size_t nrows, double **out, size_t *noutputs);

/*
 * Checks that the columns of f the model takes come in the model's order
 * (other columns may stand anywhere), as XGBoost checks a DataFrame against
 * a model's feature_names: a frame whose columns were reordered is
 * CAIRN_EPARSE naming the first column out of place. Columns missing from
 * f are left to cairn_model_predict; JSON lines (objects) have no order.
 */
int cairn_model_check_order(cairn_ctx *ctx, const cairn_model *m, const struct cairn_frame *f);

CAIRN_END_DECLS

#endif
