/*
 * The data operations that record new dataset versions, below the run
 * check: each takes its options' generated_by_run as the full id of a run
 * that exists, and records the edge (run generated dataset_version) without
 * reading the runs table, which belongs to src/track. The public functions
 * of the same names without the double underscore (include/cairn/dataset.h,
 * derive.h, acquire.h) live in src/track/data-tracked.c: they check the run,
 * then call these.
 */
#ifndef CAIRN_DATA_RECORD_H
#define CAIRN_DATA_RECORD_H

#include "cairn/acquire.h"
#include "cairn/dataset.h"
#include "cairn/derive.h"

int cairn__dataset_add_file(cairn_ctx *ctx, const char *path, const struct cairn_dataset_add *opts,
			    struct cairn_dataset_version *out, int *existed);
int cairn__dataset_add_dir(cairn_ctx *ctx, const char *path, const struct cairn_dataset_add *opts,
			   struct cairn_dataset_version *out, int *existed);
int cairn__dataset_derive(cairn_ctx *ctx, const struct cairn_derive_options *opts,
			  struct cairn_derive_result *res);
int cairn__dataset_acquire(cairn_ctx *ctx, const struct cairn_acquire_options *opts,
			   struct cairn_acquire_result *res);

#endif
