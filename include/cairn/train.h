/*
 * Built-in training as a tracked run: dataset versions in, a model package
 * out, with params, per-iteration and final metrics, inputs and lineage
 * recorded on the run.
 *
 * cairn_train checks the options (cairn_train_check) and resolves every
 * dataset reference (data, test, unlabeled, shards) once to a version
 * before it starts a run: an error then leaves no run. It trains on exactly
 * those versions and records them as the run's inputs, so a version added
 * meanwhile under the same name changes nothing. Every failure after the
 * run started ends it FAILED with the message, so no run is left RUNNING or
 * half-made. The package is logged as the run's artifact "model" (see
 * include/cairn/model.h).
 *
 * A held-out test split is the two-part split of `cairn data split`
 * (cairn_split_rows with ratios 1 - F, F, stratified by the target for
 * classification): the same seed gives the same rows. They are logged as
 * the artifact split/test_rows.json, as cv/folds.json holds the folds.
 *
 * Cancelling: the context's cancel flag (cairn_ctx_set_cancel) is checked
 * between iterations, folds and rounds; once set, training stops, the run
 * ends KILLED and cairn_train returns CAIRN_EINTERRUPTED (with no run when
 * the flag was set before it started).
 */
#ifndef CAIRN_TRAIN_H
#define CAIRN_TRAIN_H

#include <jansson.h>
#include <stdint.h>
#include "cairn/buf.h"
#include "cairn/common.h"
#include "cairn/ctx.h"
#include "cairn/id.h"

CAIRN_BEGIN_DECLS

struct cairn_model;

struct cairn_train_options {
	const char *data;          /* dataset reference */
	const char *target;        /* NULL: clustering */
	const char *algo;
	const json_t *params;      /* name -> string (may be NULL) */
	const char *test;          /* a test dataset reference, or NULL */
	double test_split;         /* a held-out fraction of data, or 0 */
	uint64_t seed;
	int cv;                    /* K-fold cross-validation on data, or 0 */
	int task;                  /* an enum cairn_task, or -1 to infer */
	const char *name;          /* run name, or NULL */
	const char *experiment;    /* or NULL */
	const char *parent;        /* parent run id, or NULL (or "") */
	/* The directory the training runs from: the run records the code
	 * version of the git repository holding it (info "code": commit, branch,
	 * dirty, ...; the uncommitted changes as artifact code/diff.patch), as
	 * cairn_exec_run does (include/cairn/exec.h); null outside a
	 * repository. NULL: nothing recorded. git runs with env ("NAME=VALUE"
	 * entries, NULL terminated; a program passes its environ). */
	const char *code_dir;
	char *const *env;
	/* Threads of every fit; 0: one when the data has fewer than 100,000
	 * cells (training rows x columns), else the cores this process may use
	 * divided by jobs (at least one). The count is the run's param
	 * "threads". */
	int threads;
	int jobs;                  /* trainings sharing the cores at once (a sweep's); 0: 1 */
	/* The feature columns: only these (NULL: every column but the target),
	 * less those dropped. A name the data does not have is an error naming
	 * it, before the run starts; the target is never a feature. The model
	 * records its columns, so predicting and evaluating use the same. */
	const char *const *features;
	size_t nfeatures;
	const char *const *drop;
	size_t ndrop;

	/* Kinds of learning besides one fit on data (each NULL/0 when unused). */

	/* Warm start: a MODELREF of an xgboost model to continue boosting for
	 * n_estimators more rounds; its preprocessing is reused, not refitted,
	 * so that the features line up. The run uses the model (a param
	 * init_model, and a lineage edge to the artifact when it is a run's). */
	const char *init_model;
	/* algo "ensemble": the member MODELREFs (at least 2), combined by the
	 * param voting; nothing is fitted, data and test are evaluated. */
	const char *const *members;
	size_t nmembers;
	/* Opens the MODELREFs of init_model and members (NULL:
	 * cairn_model_open); a program with the registry passes
	 * cairn_registry_model_open, so that NAME@VERSION works there too. */
	int (*open_model)(cairn_ctx *ctx, const char *ref, struct cairn_model **out);
	/* The lineage node (type, id) of a MODELREF that open_model knows and
	 * cairn_model_open does not (*found 0 for the others), for the edge
	 * "run used TYPE ID"; NULL: none. The registry's is
	 * cairn_registry_model_node. */
	int (*model_node)(cairn_ctx *ctx, const char *ref, cairn_buf *type, cairn_buf *id,
			  int *found);
	/* Self-training (classification): after the fit, rows of this dataset
	 * version predicted with a top probability >= threshold join the
	 * training rows with their predicted labels and the model is refitted,
	 * until a round adds no row or after rounds rounds (0: 10). */
	const char *unlabeled;
	double self_training_threshold;
	int self_training_rounds;
	/* Federated averaging (logistic, linear): the shards (at least 2), each
	 * trained by a separate process that loads only its own; data is then
	 * NULL. Params rounds, local_epochs and learning_rate apply (and only
	 * here); see src/ml/federated.h. */
	const char *const *shards;
	size_t nshards;
};

struct cairn_train_result {
	char run_id[CAIRN_ID_LEN + 1];  /* "" when no run could be started */
	json_t *metrics;                /* final metrics (owned by the caller) */
};

/* Checks the options alone, with no workspace: a missing dataset or
 * algorithm, options that exclude or need each other. CAIRN_EINVAL with a
 * message naming the fields and values; cairn_train checks the same first. */
int cairn_train_check(cairn_ctx *ctx, const struct cairn_train_options *o);

/* Trains (see above). res->run_id is "" when no run was started; on
 * success the caller owns res->metrics. */
int cairn_train(cairn_ctx *ctx, const struct cairn_train_options *o, struct cairn_train_result *res);

/* What the arg of cairn_train_reproduce may point at. */
struct cairn_train_reproduce_options {
	/* As cairn_train_options.open_model and model_node. */
	int (*open_model)(cairn_ctx *ctx, const char *ref, struct cairn_model **out);
	int (*model_node)(cairn_ctx *ctx, const char *ref, cairn_buf *type, cairn_buf *id,
			  int *found);
};

/* Trains again from a training run's info "recipe" (the dataset versions,
 * algorithm, params and seed it recorded) as a new run started with run's
 * experiment, name and parent; run_id receives its id ("" when none
 * started). The retrain callback of cairn_reproduce (reproduce.h); arg is
 * NULL or a struct cairn_train_reproduce_options. */
struct cairn_run_options;
int cairn_train_reproduce(cairn_ctx *ctx, const json_t *recipe, const struct cairn_run_options *run,
			  char run_id[CAIRN_ID_LEN + 1], void *arg);

CAIRN_END_DECLS

#endif
