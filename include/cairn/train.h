/*
 * Built-in training as a tracked run: dataset versions in, a model package
 * out, with params, per-iteration and final metrics, inputs and lineage
 * recorded on the run.
 *
 * cairn_train starts a run (a child of $CAIRN_RUN_ID's run when that is
 * set), and every failure after that ends the run FAILED with the message,
 * so no run is left RUNNING or half-made. The package is logged as the run's
 * artifact "model" (see include/cairn/model.h).
 */
#ifndef CAIRN_TRAIN_H
#define CAIRN_TRAIN_H

#include <jansson.h>
#include <stdint.h>
#include "cairn/ctx.h"
#include "cairn/id.h"

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
	const char *parent;        /* parent run, or NULL ($CAIRN_RUN_ID when set) */
	int threads;               /* 0: the algorithm's default */
	int quiet;                 /* no progress on stderr */
};

struct cairn_train_result {
	char run_id[CAIRN_ID_LEN + 1];  /* "" when no run could be started */
	json_t *metrics;                /* final metrics (owned by the caller) */
};

int cairn_train(cairn_ctx *ctx, const struct cairn_train_options *o, struct cairn_train_result *res);

#endif
