/*
 * What the training, sweep, import and reproduce unit tests start from: a
 * workspace in the test's directory and a small two-class dataset; and how
 * they count runs.
 */
#ifndef CAIRN_TESTS_UNIT_ML_FIXTURE_H
#define CAIRN_TESTS_UNIT_ML_FIXTURE_H

#include <stddef.h>
#include "cairn/ctx.h"

/* A context with a new workspace in the current directory. */
cairn_ctx *fixture_workspace(void);
/* Adds 40 rows of two classes, a and b, told apart by x (with a few rows of
 * each class on the other side, so a split's stratification shows) as a
 * version of dataset name; variant shifts x, so that each variant is a
 * different version. */
void fixture_add_classes(cairn_ctx *ctx, const char *name, int variant);
/* The runs of the workspace of ctx with status (every run when NULL). */
size_t fixture_count_runs(cairn_ctx *ctx, const char *status);

#endif
