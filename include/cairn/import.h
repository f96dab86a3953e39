/*
 * Importing a model trained elsewhere as a cairn model package: an MLflow
 * model directory with the xgboost flavor, a raw XGBoost model file (JSON,
 * UBJSON or XGBoost's older binary format) or a liblinear model file.
 *
 * An imported model has no fitted preprocessing: its package's
 * preprocess.json passes the input columns (from the MLflow signature or
 * the one given) through unchanged, one numeric column per model feature,
 * in order (no scaling; XGBoost keeps missing values, liblinear reads a
 * missing value as 0). The task follows from the model (XGBoost's
 * objective, liblinear's solver); classes are the given labels or
 * "0", "1", ... (a liblinear model's own labels when they are not 0..n-1),
 * class i of the model being the i-th label, so labels must be given in
 * cairn's class order (ascending: numerically when all are numbers).
 *
 * cairn_import() records the import as a FINISHED run (experiment "imports"
 * unless another is given; params source, format, algorithm) whose
 * artifact "model" is the package: the run is then a MODELREF like any
 * trained model. Everything is checked before the run starts, so a refused
 * import leaves no run behind.
 */
#ifndef CAIRN_IMPORT_H
#define CAIRN_IMPORT_H

#include <jansson.h>
#include "cairn/common.h"
#include "cairn/ctx.h"
#include "cairn/id.h"

CAIRN_BEGIN_DECLS

struct cairn_import_options {
	const char *path;          /* the MLflow directory or the model file */
	/* "col:type,col:type,...", types double|float|long|integer|boolean|
	 * datetime (one number each); NULL: the MLflow signature's inputs. */
	const char *signature;
	const char *labels;        /* "a,b,c": class names, or NULL */
	const char *name;          /* run name; NULL: the file's base name */
	const char *experiment;    /* NULL: "imports" */
};

struct cairn_import_result {
	char run_id[CAIRN_ID_LEN + 1];
	/* {run_id, source, format, algorithm, task, features, classes}; owned
	 * by the caller (json_decref). */
	json_t *summary;
};

/* Imports as a tracked run (see above); res->run_id is "" when no run was
 * started. */
int cairn_import(cairn_ctx *ctx, const struct cairn_import_options *o,
		 struct cairn_import_result *res);

CAIRN_END_DECLS

#endif
