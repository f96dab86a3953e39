/*
 * The tracking tables' data access: experiments, runs, run_params,
 * run_tags, run_metrics, run_latest_metrics, run_inputs and run_artifacts
 * (migrations 3 and 4). src/track owns these tables: run-db.c is the only
 * code that reads or writes them, but for the search compiler (search.c),
 * whose queries are built over them from a filter. Every other file of the
 * module, and any module above, calls these functions.
 *
 * The functions run their statements on db inside whatever transaction the
 * caller holds (the callers make each public call one transaction); none
 * begins one itself. Per-run rows are keyed by runs.seq. Strings and JSON
 * returned belong to the caller. The SQL is in the subset SQLite and
 * PostgreSQL both run; what is not goes through store/dialect.h.
 */
#ifndef CAIRN_TRACK_RUN_DB_H
#define CAIRN_TRACK_RUN_DB_H

#include <jansson.h>
#include <stdint.h>
#include "cairn/buf.h"
#include "cairn/hash.h"
#include "cairn/id.h"
#include "cairn/run.h"
#include "store/db.h"

/* Finds the run for ref (an id or a unique prefix): its full id and seq. */
int cairn__run_lookup(cairn_ctx *ctx, cairn__db *db, const char *ref,
		      char id[CAIRN_ID_LEN + 1], int64_t *seq);

/*
 * Writing.
 */

/* The id of experiment name, created when missing (in the caller's
 * transaction). */
int cairn__rundb_experiment(cairn_ctx *ctx, cairn__db *db, const char *name,
			    char id[CAIRN_ID_LEN + 1]);

/* The experiment id of run run_id (a full id). */
int cairn__rundb_run_experiment(cairn_ctx *ctx, cairn__db *db, const char *run_id,
				char id[CAIRN_ID_LEN + 1]);

struct cairn__rundb_new {
	const char *id, *experiment_id, *name, *user, *host;
	int64_t start_ms;
	int owner_pid;
	const char *owner_identity;
	const char *parent_id;  /* NULL: none */
};
/* Inserts a RUNNING run; *seq receives its key. */
int cairn__rundb_insert(cairn_ctx *ctx, cairn__db *db, const struct cairn__rundb_new *r,
			int64_t *seq);
/* Ends run seq if it is RUNNING (status, end time, message; no owner any
 * more); *ended is 0 when it was not RUNNING. */
int cairn__rundb_end(cairn__db *db, int64_t seq, const char *status, int64_t end_ms,
		     const char *message, int *ended);
int cairn__rundb_set_note(cairn__db *db, int64_t seq, const char *text);
/* The run's info object (new reference). */
int cairn__rundb_info(cairn_ctx *ctx, cairn__db *db, int64_t seq, json_t **out);
int cairn__rundb_set_info_text(cairn__db *db, int64_t seq, const char *json_text);

/* The RUNNING runs of host with their owner (seq, pid, identity). */
struct cairn__rundb_owner {
	int64_t seq;
	int pid;
	char *identity;
};
int cairn__rundb_running(cairn_ctx *ctx, cairn__db *db, const char *host,
			 struct cairn__rundb_owner **out, size_t *n);
void cairn__rundb_owners_free(struct cairn__rundb_owner *o, size_t n);

/* Run seq's status, host and owner (pid 0 and identity "" when none). */
struct cairn__rundb_state {
	char status[16];
	char *host;
	int pid;
	char *identity;
};
int cairn__rundb_owner_of(cairn_ctx *ctx, cairn__db *db, int64_t seq,
			  struct cairn__rundb_state *out);
void cairn__rundb_state_release(struct cairn__rundb_state *s);
/* The last time run seq was seen alive: the latest of its start, its metric
 * points and its artifacts. */
int cairn__rundb_last_seen(cairn__db *db, int64_t seq, int64_t *out);

/* The value of param key of run seq into value; *found 0 when none. */
int cairn__rundb_param(cairn__db *db, int64_t seq, const char *key, cairn_buf *value,
		       int *found);
int cairn__rundb_param_add(cairn__db *db, int64_t seq, const char *key, const char *value);
/* Appends a metric point (value NaN is stored as NULL). */
int cairn__rundb_metric_add(cairn__db *db, int64_t seq, const char *key, int64_t step,
			    int64_t timestamp_ms, double value);
/* Makes the point the key's latest unless a later one (higher step, then
 * later timestamp) is there already. */
int cairn__rundb_latest_update(cairn__db *db, int64_t seq, const char *key, int64_t step,
			       int64_t timestamp_ms, double value);
/* Sets (value not NULL) or deletes a tag. */
int cairn__rundb_tag_set(cairn__db *db, int64_t seq, const char *key, const char *value);
/* Records an input (an existing one is kept). */
int cairn__rundb_input_add(cairn__db *db, int64_t seq, const char *version_id,
			   const char *context);
/* Removes the artifacts at path or below path/. */
int cairn__rundb_artifacts_clear(cairn__db *db, int64_t seq, const char *path);
/* Records (or replaces) the artifact at path. */
int cairn__rundb_artifact_put(cairn__db *db, int64_t seq, const char *path, const char *hash,
			      int64_t size, int64_t created_ms);

/*
 * Reading.
 */

/* The columns of a run summary, selected from runs r joined with
 * experiments e, in the order cairn__run_summary_json() reads them. */
#define CAIRN__RUN_SUMMARY_COLUMNS \
	"r.id, r.name, e.name, r.status, r.start_ms, r.end_ms, r.user, r.parent_id"
/* The summary object of cairn_run_list() from a row of those columns. */
json_t *cairn__run_summary_json(cairn__stmt *st);

/* The summary of run seq with host, note, message and info (parsed). */
int cairn__rundb_show(cairn_ctx *ctx, cairn__db *db, int64_t seq, json_t **out);
/* The summary of run seq. */
int cairn__rundb_summary(cairn_ctx *ctx, cairn__db *db, int64_t seq, json_t **out);
/* Sets run["params"], run["metrics"] (latest values) and run["tags"]. */
int cairn__rundb_add_data(cairn__db *db, int64_t seq, json_t *run);
/* The inputs: [{version_id, context}]. */
int cairn__rundb_inputs(cairn__db *db, int64_t seq, json_t **out);
/* The artifacts: [{path, hash, size, created_ms}] by path. */
int cairn__rundb_artifacts(cairn__db *db, int64_t seq, json_t **out);
/* The artifact files at path or below path/: [[path, hash]] by path. */
int cairn__rundb_artifact_files(cairn__db *db, int64_t seq, const char *path, json_t **out);
/* The hash of the artifact file at path of run id; *found 0 when none. */
int cairn__rundb_artifact_hash(cairn__db *db, const char *run_id, const char *path,
			       char hash[CAIRN_HEX_LEN + 1], int *found);
/* The ids of the runs whose parent is id, in order. */
int cairn__rundb_children(cairn__db *db, const char *id, json_t **out);
/* Summaries, newest first; NULL filters nothing, max 0 is no limit. */
int cairn__rundb_list(cairn__db *db, const char *experiment, const char *status, size_t max,
		      json_t **out);
/* The points of metric key: [{step, value, timestamp_ms}] in order. */
int cairn__rundb_metric_history(cairn__db *db, int64_t seq, const char *key, json_t **out);
/* [{id, name, created_ms, runs}] by name. */
int cairn__rundb_experiments(cairn__db *db, json_t **out);
/* The highest run seq (0: no run). */
int cairn__rundb_max_seq(cairn__db *db, int64_t *out);

/* A run as the lineage graph and its exports describe it. */
struct cairn__run_row {
	char id[CAIRN_ID_LEN + 1];
	char *name, *experiment, *status;
	char *parent;      /* NULL: none */
	int64_t start_ms, end_ms;
	int ended;
};
/* Reads run id into r; *found is 0 when there is no such run. */
int cairn__rundb_row(cairn_ctx *ctx, cairn__db *db, const char *id, struct cairn__run_row *r,
		     int *found);
void cairn__run_row_release(struct cairn__run_row *r);

#endif
