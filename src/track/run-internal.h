/*
 * The inside of a cairn_run handle, for the tracking modules only.
 */
#ifndef CAIRN_TRACK_RUN_INTERNAL_H
#define CAIRN_TRACK_RUN_INTERNAL_H

#include <stdint.h>
#include "cairn/run.h"
#include "store/db.h"
#include "store/lineage-db.h"

struct cairn_run {
	cairn_ctx *ctx;
	cairn__db *db;
	int64_t seq;                 /* runs.seq: the key of every per-run row */
	char id[CAIRN_ID_LEN + 1];
};

/* Finds the run for ref: its full id and its seq. */
int cairn__run_lookup(cairn_ctx *ctx, cairn__db *db, const char *ref,
		      char id[CAIRN_ID_LEN + 1], int64_t *seq);

/* Checks a metric, param or tag key: 1 to 250 characters, no control
 * characters (MLflow's limit; keys appear in filters and file names). */
int cairn__run_check_key(cairn_ctx *ctx, const char *what, const char *key);

/* The columns of a run summary, selected from runs r joined with
 * experiments e, in the order cairn__run_summary_json() reads them. */
#define CAIRN__RUN_SUMMARY_COLUMNS \
	"r.id, r.name, e.name, r.status, r.start_ms, r.end_ms, r.user, r.parent_id"
/* The summary object of cairn_run_list() from a row of those columns. */
json_t *cairn__run_summary_json(cairn__stmt *st);
/* A metric value column as JSON: NaN (stored as NULL) has no JSON form and
 * is null; infinities are the strings "Infinity" and "-Infinity". */
json_t *cairn__metric_json(cairn__stmt *st, int col);
/* Sets run["params"], run["metrics"] (latest values) and run["tags"] of the
 * run seq. */
int cairn__run_add_data(cairn__db *db, int64_t seq, json_t *run);

#endif
