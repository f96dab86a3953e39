/*
 * Federated averaging (FedAvg) of the linear models logistic and linear,
 * simulating separate sites with processes on one machine.
 *
 * Each shard (a dataset reference) is a site: a forked process that resolves
 * and loads only its own shard and talks to the parent through pipes. No row
 * travels. First every site sends summary statistics of its shard (per
 * numeric column count, sum and sum of squares; per text column its
 * categories with their counts; the target's classes), from which the
 * parent builds one preprocessing spec that every site then applies. Then,
 * each round, the parent sends the global weights to every site, each site
 * runs local_epochs epochs of full-batch gradient descent on its rows from
 * them and returns its weights, its row count and its training loss at the
 * global weights (a sum over its rows); the parent averages the weights
 * weighted by row counts and reports the global loss (mean per row) through
 * on_loss as step r (0 .. rounds: step rounds is the final model's).
 *
 * logistic: one-vs-rest sigmoid (one weight vector for two classes, that of
 * class 0), the layout of liblinear's logistic model file, so the result is
 * an ordinary logistic model. linear: squared loss. Both minimise, over all
 * rows, |w|^2 / 2 + C sum loss (liblinear's objectives; the intercept is not
 * penalised), divided by C and the rows: learning_rate is the step on the
 * mean loss per row.
 */
#ifndef CAIRN_ML_FEDERATED_H
#define CAIRN_ML_FEDERATED_H

#include "cairn/ctx.h"
#include "cairn/dataset.h"
#include "cairn/learner.h"
#include "cairn/preprocess.h"

struct cairn__fed_options {
	const char *const *shards;    /* dataset references, at least 2 */
	size_t nshards;
	const char *target;
	const struct cairn_algorithm *algo;  /* logistic or linear */
	double C, bias;               /* the algorithm's params */
	int rounds, local_epochs;
	double learning_rate;
	cairn_iteration_fn on_loss;   /* "federated_loss" per round (may be NULL) */
	void *arg;
};

struct cairn__fed_result {
	cairn_prep *prep;
	const struct cairn_algorithm *algo;
	void *model;                  /* of algo */
	json_t *inputs;               /* [{dataset, version_id, hash}] per shard */
	double loss;                  /* the final model's mean training loss */
	size_t rows;
};

/* Trains; on success the caller releases res with cairn__fed_result_release. */
int cairn__federated_train(cairn_ctx *ctx, const struct cairn__fed_options *o,
			   struct cairn__fed_result *res);
void cairn__fed_result_release(struct cairn__fed_result *res);

#endif
