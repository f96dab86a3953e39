/*
 * Reproducing a run: running its command again from the same code, data and
 * params as a new run, and comparing what the two produced.
 *
 * cairn_reproduce() needs a run made by cairn_exec_run() (`cairn run`) from
 * inside a git repository with at least one commit. It:
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
 *   4. starts a new run in the same experiment, named after the original
 *      with "-repro", with info "reproduced_from", tag
 *      "cairn.reproduced_from" and the lineage edge (run new) reproduces
 *      (run original), and runs the recorded command with the same --param
 *      params in the same subdirectory of the worktree through
 *      cairn_exec_run(); arguments naming paths in the original repository
 *      are pointed at the worktree instead;
 *   5. compares every artifact of the original run but its logs/ and code/
 *      (cairn's own records) with the new run's artifact of the same path:
 *      identical (same content hash), different, or missing; artifacts only
 *      the new run has are listed as new;
 *   6. removes the worktree and the temporary directory, unless keep.
 *
 * The report (*out, new reference) is {original, run, status, exit_status,
 * message, commit, diff_applied, workdir (the kept directory, or null),
 * inputs [{dataset, paths}], artifacts [{path, result, original_hash, hash}],
 * metrics [{key, original, value}], identical, different, missing, new
 * (counts) and reproduced (true when the new run FINISHED and no artifact
 * is different or missing)}.
 */
#ifndef CAIRN_REPRODUCE_H
#define CAIRN_REPRODUCE_H

#include <jansson.h>
#include "cairn/common.h"
#include "cairn/ctx.h"
#include "cairn/exec.h"

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
};

/*
 * Reproduces run ref (see above). Errors: CAIRN_ENOTFOUND (no such run, its
 * repository or its recorded diff is gone), CAIRN_EINVAL (the run is still
 * RUNNING, or was not made by `cairn run` in a git repository), CAIRN_EIO
 * (the commit cannot be checked out or the diff does not apply). Once the
 * command has run, the report is returned (0) whatever it says.
 */
int cairn_reproduce(cairn_ctx *ctx, const char *ref, const struct cairn_reproduce_options *opts,
		    json_t **out);

CAIRN_END_DECLS

#endif
