/*
 * The inside of a cairn_run handle, for the tracking modules only, and the
 * one function modules above track use to record an edge from a run.
 */
#ifndef CAIRN_TRACK_RUN_INTERNAL_H
#define CAIRN_TRACK_RUN_INTERNAL_H

#include <stdint.h>
#include "cairn/run.h"
#include "store/db.h"
#include "store/lineage-db.h"
#include "track/run-db.h"

struct cairn_run {
	cairn_ctx *ctx;
	cairn__db *db;
	int64_t seq;                 /* runs.seq: the key of every per-run row */
	char id[CAIRN_ID_LEN + 1];
};

/* Checks a metric, param or tag key: 1 to 250 characters, no control
 * characters (MLflow's limit; keys appear in filters and file names). */
int cairn__run_check_key(cairn_ctx *ctx, const char *what, const char *key);
/* Checks an artifact path as logging does (relative, no '.' or '..' or
 * empty parts, no control characters): a path read back from the store
 * must pass it before it names a file (log.c). */
int cairn__run_artifact_path_check(cairn_ctx *ctx, const char *path);

/* Records the lineage edge (run RUN relation dst_type dst_id), in a
 * transaction of its own: how a trainer says its run used an artifact
 * (relation "used", type "artifact"). */
int cairn__run_add_edge(cairn_run *run, const char *relation, const char *dst_type,
			const char *dst_id);

/* When RUNNING run seq, whose process is gone, died: the last time it was
 * seen alive (cairn__rundb_last_seen), never later than now. */
int cairn__run_death_time(cairn__db *db, int64_t seq, int64_t *out);

/* Ends the RUNNING descendants of run whose process on this host is gone
 * with status and message, at their death times: once a command was
 * stopped, the runs it left behind were stopped with it, not lost. */
int cairn__run_end_dead_children(cairn_run *run, enum cairn_run_status status,
				 const char *message);

#endif
