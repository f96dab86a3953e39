/*
 * Small process helpers shared by the tracking modules that start programs
 * (exec.c runs the user's command; codever.c and reproduce.c run git):
 * building a child's environment and running a helper program to completion
 * with its output captured.
 * None of these touch signal dispositions of the calling process.
 */
#ifndef CAIRN_TRACK_EXEC_INTERNAL_H
#define CAIRN_TRACK_EXEC_INTERNAL_H

#include "cairn/buf.h"
#include "cairn/ctx.h"

/*
 * The "NAME=VALUE" entries of base (NULL terminated, may be NULL) with those
 * of extra (the same) added, each replacing a variable of the same name.
 * The array and its strings belong to the caller: cairn__env_free().
 */
char **cairn__env_merge(char *const *base, char *const *extra);
void cairn__env_free(char **env);
/* The value of variable name in env (NULL terminated, may be NULL), or NULL. */
const char *cairn__env_get(char *const *env, const char *name);

/*
 * Runs argv (argv[0] found on PATH) with env (NULL: an empty one) and
 * stdin from in_fd (-1: /dev/null), and waits for it. Its stdout goes to out_fd when
 * out_fd >= 0, else is appended to out (discarded when out is NULL); its
 * stderr is appended to err (discarded when NULL). Returns the exit status
 * (128 + the signal when it was killed), or -1 with errno set when it could
 * not be started (ENOENT: not found).
 */
int cairn__run_capture(char *const *argv, char *const *env, int in_fd, int out_fd,
		       cairn_buf *out, cairn_buf *err);

#endif
