/*
 * Federated averaging (FedAvg) of the linear models logistic and linear,
 * simulating separate sites with processes on one machine.
 *
 * Each shard (a dataset version, resolved once by the caller) is a site: a
 * forked process that loads only its own shard and talks to the parent
 * through pipes. No row travels. The parent checks its context's cancel
 * flag before every round. The protocol, every message a 64-bit length and its bytes, or raw
 * doubles in the rounds:
 *
 * 1. summary: each site sends statistics of its shard (per numeric column
 *    count, sum and sum of squares; per text column its categories with
 *    their counts; the target's classes with their counts, or its sum), or
 *    {"error", "code"}.
 * 2. setup: the parent builds one preprocessing spec from them and sends
 *    every site {"prep", "C", "multinomial", "class_weight"?}; the site
 *    applies it to its rows and answers {"ok"} or its error.
 * 3. rounds: the parent sends [local epochs, total rows, step, weights];
 *    the site runs that many epochs of full-batch gradient descent on its
 *    rows from those weights and returns [its rows, its loss sum at the
 *    weights received, its weights]; the parent averages the weights
 *    weighted by rows and reports the global loss (mean per row) through
 *    on_loss as step r (0 .. rounds: step rounds, 0 epochs, is the final
 *    model's).
 * 4. metrics: the parent sends [-1, 0, 0, final weights]; the site builds
 *    the model from them, predicts its rows, answers {"rows"} (or its
 *    error) and then its sums of the metrics (ml/metrics-internal.h:
 *    cairn__class_sums with a score histogram, or cairn__reg_sums), which
 *    the parent merges into the training metrics of cairn_evaluate on the
 *    union of the shards: exact but for the ranking ones (approximate,
 *    from the histograms, marked roc_auc_approx). Then the site exits.
 *
 * A site that dies or closes its pipes fails the training with an error
 * naming its shard, the step and how it ended (its exit status or
 * signal); the others are then sent SIGTERM. Every child is reaped before
 * cairn__federated_train returns.
 *
 * The objective over all rows is the algorithm's (liblinear's for ovr and
 * linear, softmax.h's for multinomial): |w|^2 / 2 + C sum c_i loss_i, the
 * intercept unpenalised, divided by C and the rows: learning_rate is the
 * step on the mean loss per row. logistic: one-vs-rest sigmoid (one
 * weight vector for two classes, that of class 0), the layout of
 * liblinear's logistic model file, or with multinomial the softmax (two
 * classes: the binary model of w_0 - w_1, whose penalty is half, so with 2C)
 * and "multi_class" in liblinear.json; so the result is an ordinary
 * logistic model. linear: max(0, |r| - p)^2. c_i is 1, or with
 * class_weight=balanced rows / (classes x class rows) from the global
 * counts: the row's class's for softmax and two classes, and for
 * one-vs-rest in the problem of the row's own class only (liblinear's
 * weighting).
 *
 * It forks: the caller has no statement of the metadata store in progress.
 * Each site opens the workspace afresh by its root path, logs to the
 * caller's log sink and never touches the caller's handles. A site that
 * dies gives the parent EPIPE on its pipe, never a SIGPIPE.
 */
#ifndef CAIRN_ML_FEDERATED_H
#define CAIRN_ML_FEDERATED_H

#include "cairn/ctx.h"
#include "cairn/dataset.h"
#include "ml/learner.h"
#include "ml/preprocess.h"

struct cairn__fed_options {
	const char *const *shards;    /* dataset references as given, for messages */
	const char *const *versions;  /* each resolved once ("name@N"): what a site loads */
	size_t nshards;
	const char *target;
	const struct cairn_algorithm *algo;  /* logistic or linear */
	double C, bias, p;            /* the algorithm's params (p: linear's) */
	int balanced;                 /* logistic's class_weight=balanced */
	const char *multi_class;      /* logistic's: auto, ovr, multinomial; NULL: ovr */
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
	json_t *metrics;              /* the final model's on all rows, as cairn_evaluate's */
	double loss;                  /* the final model's mean training loss */
	size_t rows;
};

/* Trains; on success what res holds (prep, model, inputs, metrics) is the
 * caller's to free; on failure res holds nothing. */
int cairn__federated_train(cairn_ctx *ctx, const struct cairn__fed_options *o,
			   struct cairn__fed_result *res);

#endif
