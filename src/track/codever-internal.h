/*
 * The code version of a run: which git commit the command ran from, and the
 * changes on top of it, taken with the git command-line program (the
 * reference implementation, so every repository feature git understands
 * works: worktrees, split indexes, filters, LFS).
 *
 * Never fatal: a directory outside any repository, or git missing, gives
 * no code version (a warning says why when it is not simply "not a
 * repository"). The user's repository is never modified: the untracked files
 * are added to a copy of the index, not to the index itself.
 */
#ifndef CAIRN_TRACK_CODEVER_INTERNAL_H
#define CAIRN_TRACK_CODEVER_INTERNAL_H

#include <jansson.h>
#include "cairn/buf.h"
#include "cairn/ctx.h"
#include "cairn/run.h"

/* Untracked files larger than this are left out of the recorded diff (and
 * listed in "untracked_skipped"): they are usually outputs or data. */
#define CAIRN_CODEVER_UNTRACKED_MAX (1024 * 1024)

/*
 * Captures the code version of the repository holding dir. *out is set to
 * NULL (no repository) or to a new object {repository, path, commit, branch,
 * remote, dirty[, untracked_skipped]}: the work tree's top directory, dir
 * relative to it ("" at the top), the HEAD commit (null before the first
 * commit), the branch (null when detached), the origin URL without any
 * credentials (or null) and whether the tree differs from HEAD. When it does,
 * the difference (`git diff HEAD --binary`, untracked files that are not
 * ignored included) is written to diff_fd. Paths under exclude (the
 * workspace directory; may be NULL) are never part of it. git runs with the
 * environment env (see cairn__git).
 * Returns 0: what goes wrong is logged as a warning and left out.
 */
int cairn__codever_capture(cairn_ctx *ctx, const char *dir, const char *exclude,
			   char *const *env, int diff_fd, json_t **out);

/*
 * Records the code version of the repository holding dir in the run, as
 * cairn_exec_run does for its command (and cairn train, a sweep, for the
 * directory they run in): captures it (above, the workspace excluded), logs
 * the difference from HEAD as the artifact code/diff.patch when the tree is
 * dirty, and sets the run's info "code" to the object (with "diff":
 * "code/diff.patch" then) or to null outside a repository. *code gets the
 * object (a new reference, or NULL). In exec.c, beside the temporary files
 * it shares.
 */
int cairn__codever_record(cairn_run *run, const char *dir, char *const *env, json_t **code);

/* Runs git with args (NULL terminated) in dir, as cairn__run_capture() does
 * (stdin from /dev/null), with hooks disabled, no prompts and messages in
 * English, in the environment env (the caller's "NAME=VALUE" entries, NULL
 * terminated; NULL: none) with env_extra (the same, may be NULL) added. */
int cairn__git(const char *dir, const char *const *args, char *const *env,
	       char *const *env_extra, int out_fd, cairn_buf *out, cairn_buf *err);
/* The first line of git's error output, for messages. */
const char *cairn__git_first_line(cairn_buf *err);

#endif
