/*
 * Hyperparameter sweeps: one parent run, and one cairn_train child run per
 * combination of param values, each in a forked process, a few at a time.
 *
 * A grid is given as specs "KEY=V1,V2,..." (one per param); the trials are
 * their cartesian product in the order given (the last key varies fastest),
 * or a seeded sample of distinct combinations from it. The dataset
 * references are resolved once, before the parent run starts, and every
 * trial trains on those versions ("name@N"). Each trial is a child process
 * that opens the workspace afresh by its root path (it never touches the
 * caller's metadata connection), calls cairn_train with the parent run as
 * its parent, and sends its result (run id, status, metrics, error code and
 * message, its log messages) back as one message over a pipe; a trial that
 * crashes harms no other. A failed trial does not fail the sweep; the
 * parent ends FAILED only when every trial failed.
 *
 * The objective is one metric of the trials, resolved from the name given
 * (or accuracy, r2 or silhouette by task) to the key of the part evaluated:
 * test_NAME with test data, else cv_NAME_mean with cross-validation, else
 * train_NAME. rmse, mae, log_loss, mape and inertia are minimized, others
 * maximized.
 *
 * The parent records params (algorithm, target, grid, metric, mode, ...),
 * and at the end tags best_run, best_<key> and best_params (JSON) and the
 * metric best_<key>.
 *
 * Cancelling: the context's cancel flag (cairn_ctx_set_cancel) is checked
 * at least five times a second while trials run. Once set, no trial starts,
 * the running ones are sent SIGTERM (SIGKILL on a second request, or after
 * 5 seconds), every trial's run and the parent end KILLED, and cairn_sweep
 * returns 0 with res->status KILLED. A trial inherits the context's log
 * level and cancel flag: where the program's handler sets that flag in the
 * child too, a trial stops by itself and ends its own run.
 *
 * cairn_sweep forks and waits for its own child processes only; the caller
 * has no statement of the metadata store in progress and no other thread
 * using ctx. It installs no signal handler and prints nothing. The trials
 * are forked without exec, so they inherit the process's state: a program
 * that has already run OpenMP code itself (xgboost uses GNU libgomp, which
 * does not survive fork()) must not sweep an algorithm that uses it, or the
 * trials hang; the cairn program never trains in the sweeping process.
 */
#ifndef CAIRN_SWEEP_H
#define CAIRN_SWEEP_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include "cairn/common.h"
#include "cairn/ctx.h"
#include "cairn/id.h"
#include "cairn/run.h"

CAIRN_BEGIN_DECLS

struct cairn_sweep_options {
	const char *data;           /* dataset reference */
	const char *target;         /* NULL: clustering */
	const char *algo;
	const char *const *grid;    /* ngrid specs "KEY=V1,V2,..." */
	size_t ngrid;
	const json_t *params;       /* fixed params name -> string, or NULL */
	const char *const *features; /* the feature columns, as in cairn_train */
	size_t nfeatures;
	const char *const *drop;
	size_t ndrop;
	size_t random;              /* sample this many combinations; 0: all */
	uint64_t seed;              /* of the sample, and of every trial */
	const char *metric;         /* NULL: accuracy, r2 or silhouette */
	int minimize;               /* minimize whatever the metric */
	const char *test;           /* test dataset reference, or NULL */
	double test_split;          /* or a held-out fraction, or 0 */
	int cv;                     /* K-fold cross-validation, or 0 */
	int jobs;                   /* trials at once; 0: 1 */
	/* Threads of each trial's fits; 0: cairn_train's default with the
	 * trials at once as its jobs (the cores shared among them). */
	int threads;
	const char *experiment;     /* or NULL */
	const char *name;           /* the parent's name, or NULL */
	const char *parent;         /* the parent run's own parent run id, or NULL */
	/* The directory whose code version the parent run records, and git's
	 * environment, as cairn_train_options.code_dir and env (NULL: none). */
	const char *code_dir;
	char *const *env;
	/* Called on the caller's thread as each trial ends (also when it was
	 * killed), with {trial, trials (their number), params, status, value,
	 * metric (the objective's key, or null), run_id, message, log: [[level,
	 * message], ...] (what the trial logged)}; trial is borrowed for the
	 * call. NULL: not called. */
	void (*on_trial)(void *arg, const json_t *trial);
	void *arg;
};

struct cairn_sweep_result {
	char parent[CAIRN_ID_LEN + 1]; /* "" when no run was started */
	enum cairn_run_status status;  /* how the parent ended */
	char *message;                 /* why it FAILED or was KILLED, or NULL */
	char *metric;                  /* the resolved metric key, or NULL */
	int minimize;
	/* [{trial, run_id, params, value, status, message}], best first; the
	 * trial number counts from 1, run_id and value may be null; status is
	 * FINISHED, FAILED, KILLED or SKIPPED (not started: interrupted). */
	json_t *trials;
	const json_t *best;            /* an element of trials, or NULL */
	size_t ncombinations;          /* the size of the whole grid */
};

/* Frees what a result holds (not the struct). */
void cairn_sweep_result_release(struct cairn_sweep_result *r);

/* Parses grid specs into [{key, values: [...]}] in the order given (new
 * reference): CAIRN_EINVAL for a spec without '=', an empty key or value,
 * a key given twice, or more than a million combinations. */
int cairn_sweep_parse_grid(cairn_ctx *ctx, const char *const *specs, size_t n, json_t **out);

/* The combinations of grid as [{key: value}] (new reference): all of them,
 * or random of them, distinct, sampled with seed (all when random is 0 or
 * not smaller than the grid). */
int cairn_sweep_combinations(cairn_ctx *ctx, const json_t *grid, size_t random, uint64_t seed,
			     json_t **out);

/* Checks the options alone, with no workspace: data and a known algorithm,
 * the grid, and what every trial's cairn_train_check would refuse.
 * CAIRN_EINVAL with a message naming the fields; cairn_sweep checks the
 * same first. */
int cairn_sweep_check(cairn_ctx *ctx, const struct cairn_sweep_options *o);

/* 1 when the metric key (with or without a train_/test_/cv_ prefix and a
 * _mean suffix) is one that is minimized. */
int cairn_sweep_minimizes(const char *key);

/*
 * Runs the sweep. Checks the options, the grid and the datasets before any
 * run starts (an error then leaves no run; CAIRN_EINTERRUPTED when already
 * cancelled); after that, returns 0 once the parent has ended, with
 * res->status telling how, or an error of the metadata store or of fork
 * (the parent then ends FAILED). The caller releases res.
 */
int cairn_sweep(cairn_ctx *ctx, const struct cairn_sweep_options *o, struct cairn_sweep_result *res);

CAIRN_END_DECLS

#endif
