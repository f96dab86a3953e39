/*
 * Learning algorithms behind one interface: each algorithm (XGBoost, random
 * forest, liblinear's logistic regression, linear SVM and linear regression,
 * k-means, k-nearest neighbours, naive Bayes) is a struct cairn_algorithm of
 * functions that fit a model on a numeric matrix, predict with it, and save
 * it to or load it from a directory.
 *
 * Algorithms see numbers only: the preprocessing (src/ml/preprocess.c) has
 * already imputed, encoded and, where the algorithm asks for it, scaled the
 * features, and encoded string targets as class indexes. Missing values may
 * still reach an algorithm that handles them itself (XGBoost) as NaN.
 *
 * Outputs of predict, per row: for classification the probability of each
 * class (nclasses values, summing to 1; two for a binary problem), for
 * regression the predicted value, for clustering the cluster index.
 *
 * Models are owned by the caller and released with the algorithm's free.
 * Fitting is deterministic for a given seed, data and thread count 1; the
 * saved model file of a deterministic fit is byte-identical.
 */
#ifndef CAIRN_LEARNER_H
#define CAIRN_LEARNER_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include "cairn/ctx.h"

enum cairn_task {
	CAIRN_TASK_CLASSIFICATION,
	CAIRN_TASK_REGRESSION,
	CAIRN_TASK_CLUSTERING
};
#define CAIRN_TASK_BIT(t) (1u << (t))

/* "classification", "regression", "clustering"; parse returns -1 if unknown. */
const char *cairn_task_name(enum cairn_task t);
int cairn_task_parse(const char *s);

/* A dense row-major matrix of features; NaN marks a missing value. */
struct cairn_matrix {
	size_t rows, cols;
	float *v;
};

/* What a fit gets. y is NULL for clustering. */
struct cairn_train_data {
	const struct cairn_matrix *x;
	const double *y;              /* class index 0..nclasses-1, or the target */
	enum cairn_task task;
	int nclasses;                 /* classification: >= 2 */
	const struct cairn_matrix *x_valid; /* an evaluation set, or NULL */
	const double *y_valid;
	uint64_t seed;
	int threads;                  /* 0: the algorithm's default */
	const char *init_model_dir;   /* continue training this saved model (XGBoost), or NULL */
	/* The matrix columns' names and XGBoost feature types ("float", "int",
	 * "i"), saved in the model where its format has room (XGBoost's
	 * feature_names and feature_types), or NULL. */
	const char *const *feature_names;
	const char *const *feature_types;
	/* Where an iterative solver that can stop short (liblinear, L-BFGS)
	 * says whether it converged (1) or hit its iteration limit (0), having
	 * warned with cairn__log_warn; untouched by others. May be NULL. */
	int *converged;
};

/* Called after each iteration of an iterative fit (a boosting round, an
 * epoch) with a metric such as "train-logloss"; non-zero stops the fit. */
typedef int (*cairn_iteration_fn)(void *arg, int64_t step, const char *key, double value);

enum cairn_param_type { CAIRN_PARAM_INT, CAIRN_PARAM_FLOAT, CAIRN_PARAM_STRING, CAIRN_PARAM_BOOL };

/* One parameter an algorithm accepts. */
struct cairn_param_spec {
	const char *name;
	enum cairn_param_type type;
	const char *default_value;    /* as text */
	double min, max;              /* numeric bounds (inclusive) */
	const char *choices;          /* STRING: "a|b|c", or NULL for free text */
	const char *help;
};

struct cairn_algorithm {
	const char *name;
	unsigned tasks;               /* CAIRN_TASK_BIT()s it supports */
	int wants_scaling;            /* standardize numeric features first */
	int wants_onehot;             /* one-hot (1) or ordinal (0) categoricals */
	int handles_missing;          /* NaN may reach it (else imputed before) */
	/* The training metrics of a run are computed on at most this many
	 * training rows, evenly strided (0: 100,000); smaller for an algorithm
	 * whose prediction cost grows with the training set. */
	size_t train_eval_rows;
	const struct cairn_param_spec *params;
	size_t nparams;
	/* params: an object of name -> string value, already checked against
	 * the specs and completed with the defaults. */
	int (*fit)(cairn_ctx *ctx, const struct cairn_train_data *d, const json_t *params,
		   cairn_iteration_fn on_iteration, void *arg, void **model);
	/* Writes x->rows * outputs values to out. */
	int (*predict)(cairn_ctx *ctx, const void *model, const struct cairn_matrix *x, double *out);
	/* Optional (NULL: predict is the reference): the same through the
	 * library that trained the model, when predict evaluates natively
	 * (ml/native.h); the tests check that both write the same bytes. */
	int (*predict_reference)(cairn_ctx *ctx, const void *model, const struct cairn_matrix *x,
				 double *out);
	size_t (*outputs)(const void *model);
	/* Writes the model file(s) into the existing directory dir and appends
	 * their names to files (an array). */
	int (*save)(cairn_ctx *ctx, const void *model, const char *dir, json_t *files);
	int (*load)(cairn_ctx *ctx, const char *dir, void **model);
	void (*free)(void *model);
	/* Optional (NULL): one importance value per feature into out. */
	int (*importance)(cairn_ctx *ctx, const void *model, size_t nfeatures, double *out);
};

/* The algorithm called name, or NULL. */
const struct cairn_algorithm *cairn_algorithm_find(const char *name);
/* The algorithms, NULL-terminated. */
const struct cairn_algorithm *const *cairn_algorithms(void);

/*
 * Checks user params (an object name -> string, may be NULL) against algo's
 * specs and returns in *out a new object with every param (defaults filled
 * in). An unknown name, a value of the wrong type or out of bounds is
 * CAIRN_EINVAL naming the param and listing the valid ones.
 */
int cairn_params_resolve(cairn_ctx *ctx, const struct cairn_algorithm *algo,
			 const json_t *given, json_t **out);
/* CAIRN_EINVAL, as cairn_params_resolve says it, when algo has no param
 * called name. */
int cairn_params_check_name(cairn_ctx *ctx, const struct cairn_algorithm *algo, const char *name);
/* Typed access to a resolved param. */
int64_t cairn_param_int(const json_t *params, const char *name);
double cairn_param_float(const json_t *params, const char *name);
const char *cairn_param_str(const json_t *params, const char *name);

#endif
