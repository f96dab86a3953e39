/*
 * Column profiles: per column count, nulls, distinct count, min, max, mean,
 * standard deviation, quantiles, histogram and top categories, computed in
 * one streaming pass. A profiler's state is mergeable, so ranges of a file
 * can be profiled by separate threads and merged in file order.
 *
 * The profile of a dataset version is the reference that drift monitoring
 * compares live data against, so it keeps enough to compute KS, PSI,
 * chi-square, Jensen-Shannon and Wasserstein distances later: 101
 * percentiles and a histogram for numeric columns, category counts for
 * categorical ones. The JSON layout is documented in docs/internals/profile.md.
 *
 * Exact for columns up to CAIRN_PROFILE_EXACT_ROWS values and
 * CAIRN_PROFILE_MAX_CATEGORIES distinct values; beyond, quantiles and
 * histograms come from a mergeable quantile sketch, distinct counts from
 * HyperLogLog and top categories from a heavy-hitters sketch, and the profile
 * says so ("approx", "distinct_approx", "top_approx"). Means and standard
 * deviations are always exact sums rounded once. Where a profile is exact it
 * is the same, byte for byte, however the input was split and merged; where
 * it is approximate it is a deterministic function of the input and of the
 * split (the same file and thread count give the same profile).
 *
 * A profiler belongs to one thread.
 */
#ifndef CAIRN_PROFILE_H
#define CAIRN_PROFILE_H

#include <jansson.h>
#include <stddef.h>
#include "cairn/common.h"
#include "cairn/csv.h"
#include "cairn/ctx.h"
#include "cairn/frame.h"

CAIRN_BEGIN_DECLS

#define CAIRN_PROFILE_EXACT_ROWS 100000
#define CAIRN_PROFILE_MAX_CATEGORIES 10000

struct cairn_profiler;

/* A profiler for ncols columns with the given names (copied). */
struct cairn_profiler *cairn_profiler_new(size_t ncols, const char *const *names);
void cairn_profiler_free(struct cairn_profiler *p);

/* Adds one record of text fields, as the CSV reader returns them. Missing
 * fields (a short record) count as nulls; extra ones are ignored. */
void cairn_profiler_add_record(struct cairn_profiler *p, const struct cairn_csv_field *fields,
			       size_t n);
/* Merges from (a profile of rows that come after into's, with the same
 * columns) into into, and frees from. */
void cairn_profiler_merge(struct cairn_profiler *into, struct cairn_profiler *from);
/* The profile as JSON (new reference). Afterwards p may only be freed. */
json_t *cairn_profiler_finish(struct cairn_profiler *p);

/* The profile of a frame (used for JSON lines and in-memory data): the same
 * as the profile of the delimited text the frame was read from. */
json_t *cairn_profile_frame(const struct cairn_frame *f);

/*
 * Profiles a delimited-text file with up to nthreads threads (<= 0: one per
 * processor), each reading its own byte range of at least 1 MiB (boundaries
 * checked and re-read when a range started inside a quoted field). Errors
 * name the file and line, as a single reader would. name (NULL: path) is what
 * errors call the file.
 */
int cairn_profile_csv_file(cairn_ctx *ctx, const char *path, const char *name,
			   const struct cairn_csv_options *opts, int nthreads, json_t **out);

/* The schema part of a profile: [{name, type, nulls}] (new reference). */
json_t *cairn_profile_schema(const json_t *profile);

CAIRN_END_DECLS

#endif
