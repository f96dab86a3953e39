/*
 * liblinear models behind the algorithms logistic, linear_svm and linear
 * (algo-liblinear.c), and the reading of a model file that liblinear itself
 * wrote (its `train` program, another tool's bindings), for importing one.
 *
 * A loaded model is the same opaque value the three algorithms' fit and load
 * return: predict, save and free it with the algorithm that
 * cairn__linear_info() names. It is owned by the caller.
 *
 * Class indexes: a liblinear classifier keeps integer labels. When every
 * label is in [0, 65536) the label is the class index (cairn trains with
 * labels 0..nclasses-1); otherwise labels map to 0..nr_class-1 in ascending
 * order, and the importer names the classes from info.labels.
 */
#ifndef CAIRN_ML_LINEAR_H
#define CAIRN_ML_LINEAR_H

#include "cairn/ctx.h"
#include "ml/learner.h"

struct cairn__linear_info {
	int solver_type;          /* liblinear's enum: L2R_LR, L2R_L2LOSS_SVC_DUAL, ... */
	const char *solver;       /* its name in the file: "L2R_LR", ... */
	const char *algorithm;    /* "logistic", "linear_svm" or "linear" */
	enum cairn_task task;
	int nr_class;             /* liblinear's count (2 for a regression model) */
	const int *labels;        /* nr_class labels in liblinear's order; NULL for regression */
	int nclasses;             /* classification: outputs of predict */
	int nr_feature;           /* features the model takes, without the bias */
	double bias;              /* the constant feature's value; < 0: no intercept */
};

/*
 * Reads a liblinear model file (its text format, any solver of liblinear
 * 2.3). The file is checked before liblinear parses it: a truncated or
 * malformed file is CAIRN_EPARSE naming it, never a crash. *model is set on
 * success only.
 */
int cairn__linear_load_file(cairn_ctx *ctx, const char *path, void **model);
/* Describes a model returned by cairn__linear_load_file() or a fit; the
 * strings and labels live as long as the model. */
void cairn__linear_info(const void *model, struct cairn__linear_info *info);

#endif
