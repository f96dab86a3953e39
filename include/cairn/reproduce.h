/*
 * Reproducing a run: running its command again from the same code, data and
 * params as a new run, and comparing what the two produced.
 *
 * cairn_reproduce() reproduces two kinds of runs.
 *
 * A run made by cairn_exec_run() (`cairn run`) from inside a git repository
 * with at least one commit ("kind": "command"). It:
 *   1. makes a temporary directory $TMPDIR/cairn-reproduce-XXXXXX (/tmp when
 *      TMPDIR is unset) and checks the recorded commit out in it as a git
 *      worktree of the original repository (`git worktree add --detach`,
 *      at src/);
 *   2. applies the recorded changes (artifact code/diff.patch) when the tree
 *      was dirty; it refuses when they do not apply, since that would run
 *      other code;
 *   3. writes each input dataset version of the run to inputs/NAME@N/ of the
 *      temporary directory (a file version under its original base name, a
 *      directory version as its tree), exported to the command as
 *      CAIRN_INPUTS_DIR; and where the original run recorded the path the
 *      input had in the repository (info "input_paths"), to that path in the
 *      worktree as well, so that the command finds its data where it
 *      looked for it before;
 *   4. pins every dataset the original or any of its descendant runs used
 *      in one version: the command gets CAIRN_DATASET_PINS ("name@N,..."),
 *      which the cairn program passes to cairn_ctx_pin_datasets, so that a
 *      command naming a dataset without a version (`cairn train --data
 *      iris`) reads the version the original read, however many versions
 *      were added since (a name used in several versions is not pinned,
 *      with a warning);
 *   5. starts a new run in the same experiment, named after the original
 *      with "-repro", with info "reproduced_from", tag
 *      "cairn.reproduced_from" and the lineage edge (run new) reproduces
 *      (run original), and runs the recorded command with the same --param
 *      params in the same subdirectory of the worktree through
 *      cairn_exec_run(); arguments naming paths in the original repository
 *      are pointed at the worktree instead;
 *   6. compares (below), then removes the worktree and the temporary
 *      directory, unless keep.
 *
 * A run of built-in training (`cairn train`, a sweep trial), which records
 * its recipe as info "recipe" ("kind": "train"): the caller's retrain
 * trains again from the recipe, on the dataset versions it names, as a new
 * run of the same experiment named after the original with "-repro" (track
 * cannot train: ml is above it; the cairn program passes
 * cairn_train_reproduce of train.h). The new run is linked as above; no
 * directory is made.
 *
 * The comparison covers the run and its descendants (the child runs a
 * command started, such as `cairn run -- cairn train`), paired by their
 * place: the first child of the original with the first child of the new
 * run, in the order they started. For each pair, every artifact of the
 * original but cairn's records of the run (logs/, code/, and the MLmodel
 * and lineage.json of a model package, which name the run and the time)
 * is compared by content hash with the new run's artifact of the same
 * path: identical, different or missing; artifacts only the new run has
 * are new; the latest value of each metric is identical (exactly equal),
 * different or missing. A child run only one side has, or with another
 * status, is a difference too. The outcome:
 *   "failed"              the new run did not FINISH;
 *   "nothing to compare"  the original and its descendants recorded no
 *                         artifact (but records) and no metric;
 *   "different"           an artifact or metric differs or is missing, or
 *                         the child runs differ;
 *   "identical"           everything compared is identical.
 *
 * The report (*out, new reference) is {original, kind, run, status,
 * exit_status (null for training), message, commit and diff_applied (null
 * and false for training), recipe (training only), pins (the command's
 * CAIRN_DATASET_PINS as an array of "name@N"; command only), workdir (the kept
 * directory, or null), inputs [{dataset, paths}], children [{child,
 * original, original_status, run, status}], artifacts [{child (null for
 * the run itself, else its place, "1", "1.2"), path, result, original_hash,
 * hash}], metrics [{child, key, original, value, result}], identical,
 * different, missing, new (artifact counts), metrics_identical,
 * metrics_different, metrics_missing, outcome and reproduced (outcome is
 * "identical")}.
 */
#ifndef CAIRN_REPRODUCE_H
#define CAIRN_REPRODUCE_H

#include <jansson.h>
#include "cairn/common.h"
#include "cairn/ctx.h"
#include "cairn/exec.h"
#include "cairn/id.h"
#include "cairn/run.h"

CAIRN_BEGIN_DECLS

struct cairn_reproduce_options {
	int keep;   /* keep the worktree and the temporary directory */
	/* How the command runs: its environment (also git's), where its
	 * output is copied, the signals it starts with at their default (see
	 * exec.h); argv, cwd, params and extra_env are the reproduction's own.
	 * NULL: cairn_exec_options_init()'s (an empty environment, no copy). */
	const struct cairn_exec_options *exec;
	/* Called once the new run has started, before the command runs
	 * (NULL: not called). */
	void (*started)(const char *original, const char *run_id, const char *workdir,
			void *arg);
	void *arg;
	/* Trains again from recipe (the original's info "recipe") as a new run
	 * started with run (experiment and name); fills run_id ("" when no run
	 * started). A run that failed is not an error: the report says so.
	 * NULL: runs of built-in training cannot be reproduced (CAIRN_EINVAL). */
	int (*retrain)(cairn_ctx *ctx, const json_t *recipe, const struct cairn_run_options *run,
		       char run_id[CAIRN_ID_LEN + 1], void *arg);
	void *retrain_arg;
};

/*
 * Reproduces run ref (see above). Errors: CAIRN_ENOTFOUND (no such run, its
 * repository or its recorded diff is gone), CAIRN_EINVAL (the run is still
 * RUNNING, or has neither a command run in a git repository nor a training
 * recipe), CAIRN_EINTERRUPTED (cancelled while training again), CAIRN_EIO
 * (the commit cannot be checked out or the diff does not apply). Once the
 * command has run, the report is returned (0) whatever it says.
 */
int cairn_reproduce(cairn_ctx *ctx, const char *ref, const struct cairn_reproduce_options *opts,
		    json_t **out);

CAIRN_END_DECLS

#endif
