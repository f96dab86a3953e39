/* The tracking tables' data access (runs, experiments, params, metrics,
 * tags, inputs, artifacts); see src/track/run-db.h. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cairn/error.h"
#include "core/fs.h"
#include "core/json.h"
#include "store/dialect.h"
#include "track/run-db.h"

/* 0 after the last row, or the error of a failed step. */
static int done(cairn__db *db, int row)
{
	(void)db;
	return row < 0 ? CAIRN_EDB : 0;
}

int cairn__run_lookup(cairn_ctx *ctx, cairn__db *db, const char *ref,
		      char id[CAIRN_ID_LEN + 1], int64_t *seq)
{
	char lower[CAIRN_ID_LEN + 1];
	cairn__stmt *st;
	char *full = NULL;
	size_t i;
	int rc, row;

	if (!*ref || strlen(ref) > CAIRN_ID_LEN || strspn(ref, "0123456789abcdefghjkmnpqrstvwxyz"
						       "ABCDEFGHJKMNPQRSTVWXYZ") != strlen(ref))
		return cairn_error(ctx, CAIRN_ENOTFOUND, "no run '%s' (a run id or a unique prefix of one)",
				   ref);
	for (i = 0; ref[i]; i++)
		lower[i] = (char)(ref[i] >= 'A' && ref[i] <= 'Z' ? ref[i] + 32 : ref[i]);
	lower[i] = '\0';
	if ((rc = cairn__db_resolve_prefix(db, "run", "runs", "id", lower, &full)))
		return rc;
	if ((rc = cairn__db_prepare(db, "SELECT seq FROM runs WHERE id = ?", &st)) ||
	    (rc = cairn__stmt_bind_text(st, 1, full)))
		goto out;
	row = cairn__stmt_step(st);
	if (row == 1) {
		*seq = cairn__stmt_int64(st, 0);
		snprintf(id, CAIRN_ID_LEN + 1, "%s", full);
	}
	cairn__stmt_reset(st);
	rc = row == 1 ? 0 : row == 0 ? cairn_error(ctx, CAIRN_ENOTFOUND, "no run '%s'", ref) : CAIRN_EDB;
out:
	free(full);
	return rc;
}

/*
 * Writing.
 */

int cairn__rundb_experiment(cairn_ctx *ctx, cairn__db *db, const char *name,
			    char id[CAIRN_ID_LEN + 1])
{
	cairn__stmt *st;
	int rc, row;

	(void)ctx;
	if ((rc = cairn__db_prepare(db, "SELECT id FROM experiments WHERE name = ?", &st)) ||
	    (rc = cairn__stmt_bind_text(st, 1, name)))
		return rc;
	row = cairn__stmt_step(st);
	if (row == 1)
		snprintf(id, CAIRN_ID_LEN + 1, "%s", cairn__stmt_text(st, 0));
	cairn__stmt_reset(st);
	if (row != 0)
		return row == 1 ? 0 : CAIRN_EDB;
	cairn_id_new(id);
	if ((rc = cairn__db_prepare(db, "INSERT INTO experiments(id, name, created_ms) VALUES (?, ?, ?)",
				   &st)) ||
	    (rc = cairn__stmt_bind_text(st, 1, id)) ||
	    (rc = cairn__stmt_bind_text(st, 2, name)) ||
	    (rc = cairn__stmt_bind_int64(st, 3, cairn_now_ms())))
		return rc;
	return cairn__stmt_run(st);
}

int cairn__rundb_run_experiment(cairn_ctx *ctx, cairn__db *db, const char *run_id,
				char id[CAIRN_ID_LEN + 1])
{
	cairn__stmt *st;
	int rc, row;

	if ((rc = cairn__db_prepare(db, "SELECT experiment_id FROM runs WHERE id = ?", &st)) ||
	    (rc = cairn__stmt_bind_text(st, 1, run_id)))
		return rc;
	row = cairn__stmt_step(st);
	if (row == 1)
		snprintf(id, CAIRN_ID_LEN + 1, "%s", cairn__stmt_text(st, 0));
	cairn__stmt_reset(st);
	if (row == 0)
		return cairn_error(ctx, CAIRN_ENOTFOUND, "no run '%s'", run_id);
	return done(db, row);
}

int cairn__rundb_insert(cairn_ctx *ctx, cairn__db *db, const struct cairn__rundb_new *r,
			int64_t *seq)
{
	cairn__stmt *st;
	int rc;

	if ((rc = cairn__db_prepare(db, "INSERT INTO runs(id, experiment_id, name, status, start_ms,"
				       " user, host, owner_pid, owner_identity, parent_id)"
				       " VALUES (?, ?, ?, 'RUNNING', ?, ?, ?, ?, ?, ?)", &st)) ||
	    (rc = cairn__stmt_bind_text(st, 1, r->id)) ||
	    (rc = cairn__stmt_bind_text(st, 2, r->experiment_id)) ||
	    (rc = cairn__stmt_bind_text(st, 3, r->name)) ||
	    (rc = cairn__stmt_bind_int64(st, 4, r->start_ms)) ||
	    (rc = cairn__stmt_bind_text(st, 5, r->user)) ||
	    (rc = cairn__stmt_bind_text(st, 6, r->host)) ||
	    (rc = cairn__stmt_bind_int64(st, 7, r->owner_pid)) ||
	    (rc = cairn__stmt_bind_text(st, 8, r->owner_identity)) ||
	    (rc = r->parent_id ? cairn__stmt_bind_text(st, 9, r->parent_id)
			       : cairn__stmt_bind_null(st, 9)) ||
	    (rc = cairn__stmt_run(st)))
		return rc;
	if ((rc = cairn__db_prepare(db, "SELECT seq FROM runs WHERE id = ?", &st)) ||
	    (rc = cairn__stmt_bind_text(st, 1, r->id)))
		return rc;
	if (cairn__stmt_step(st) != 1) {
		cairn__stmt_reset(st);
		return cairn_errcode(ctx) ? cairn_errcode(ctx)
			: cairn_error(ctx, CAIRN_EDB, "run %s vanished as it was stored", r->id);
	}
	*seq = cairn__stmt_int64(st, 0);
	cairn__stmt_reset(st);
	return 0;
}

int cairn__rundb_end(cairn__db *db, int64_t seq, const char *status, int64_t end_ms,
		     const char *message, int *ended)
{
	cairn__stmt *st;
	int rc;

	*ended = 0;
	if ((rc = cairn__db_prepare(db, "UPDATE runs SET status = ?, end_ms = ?, message = ?,"
				       " owner_pid = NULL, owner_identity = NULL"
				       " WHERE seq = ? AND status = 'RUNNING'", &st)) ||
	    (rc = cairn__stmt_bind_text(st, 1, status)) ||
	    (rc = cairn__stmt_bind_int64(st, 2, end_ms)) ||
	    (rc = cairn__stmt_bind_text(st, 3, message)) ||
	    (rc = cairn__stmt_bind_int64(st, 4, seq)) ||
	    (rc = cairn__stmt_run(st)))
		return rc;
	*ended = cairn__db_changes(db) == 1;
	return 0;
}

int cairn__rundb_set_note(cairn__db *db, int64_t seq, const char *text)
{
	cairn__stmt *st;
	int rc;

	if ((rc = cairn__db_prepare(db, "UPDATE runs SET note = ? WHERE seq = ?", &st)) ||
	    (rc = cairn__stmt_bind_text(st, 1, text)) ||
	    (rc = cairn__stmt_bind_int64(st, 2, seq)))
		return rc;
	return cairn__stmt_run(st);
}

int cairn__rundb_info(cairn_ctx *ctx, cairn__db *db, int64_t seq, json_t **out)
{
	cairn__stmt *st;
	int rc, row;

	*out = NULL;
	if ((rc = cairn__db_prepare(db, "SELECT info FROM runs WHERE seq = ?", &st)) ||
	    (rc = cairn__stmt_bind_int64(st, 1, seq)))
		return rc;
	if ((row = cairn__stmt_step(st)) != 1)
		return row == 0 ? cairn_error(ctx, CAIRN_ENOTFOUND, "no run with key %lld",
					      (long long)seq) : CAIRN_EDB;
	rc = cairn_json_load_text(ctx, "run info", cairn__stmt_text(st, 0),
				  strlen(cairn__stmt_text(st, 0)), out);
	cairn__stmt_reset(st);
	return rc;
}

int cairn__rundb_set_info_text(cairn__db *db, int64_t seq, const char *json_text)
{
	cairn__stmt *st;
	int rc;

	if ((rc = cairn__db_prepare(db, "UPDATE runs SET info = ? WHERE seq = ?", &st)) ||
	    (rc = cairn__stmt_bind_text(st, 1, json_text)) ||
	    (rc = cairn__stmt_bind_int64(st, 2, seq)))
		return rc;
	return cairn__stmt_run(st);
}

int cairn__rundb_running(cairn_ctx *ctx, cairn__db *db, const char *host,
			 struct cairn__rundb_owner **out, size_t *n)
{
	struct cairn__rundb_owner *o = NULL;
	size_t cap = 0;
	cairn__stmt *st;
	int rc, row;

	*out = NULL;
	*n = 0;
	(void)ctx;
	if ((rc = cairn__db_prepare(db, "SELECT seq, owner_pid, owner_identity FROM runs"
				       " WHERE status = 'RUNNING' AND host = ?", &st)) ||
	    (rc = cairn__stmt_bind_text(st, 1, host)))
		return rc;
	while ((row = cairn__stmt_step(st)) == 1) {
		if (*n == cap)
			o = cairn_xrealloc(o, (cap = cap ? 2 * cap : 8) * sizeof(*o));
		o[*n].seq = cairn__stmt_int64(st, 0);
		o[*n].pid = (int)cairn__stmt_int64(st, 1);
		o[(*n)++].identity = cairn_xstrdup(cairn__stmt_text(st, 2));
	}
	*out = o;
	if (row < 0) {
		cairn__rundb_owners_free(o, *n);
		*out = NULL;
		*n = 0;
		return CAIRN_EDB;
	}
	return 0;
}

int cairn__rundb_owner_of(cairn_ctx *ctx, cairn__db *db, int64_t seq,
			  struct cairn__rundb_state *out)
{
	cairn__stmt *st;
	int rc, row;

	memset(out, 0, sizeof(*out));
	if ((rc = cairn__db_prepare(db, "SELECT status, host, owner_pid, owner_identity FROM runs"
				       " WHERE seq = ?", &st)) ||
	    (rc = cairn__stmt_bind_int64(st, 1, seq)))
		return rc;
	row = cairn__stmt_step(st);
	if (row == 1) {
		snprintf(out->status, sizeof(out->status), "%s", cairn__stmt_text(st, 0));
		out->host = cairn_xstrdup(cairn__stmt_text(st, 1));
		out->pid = cairn__stmt_is_null(st, 2) ? 0 : (int)cairn__stmt_int64(st, 2);
		out->identity = cairn_xstrdup(cairn__stmt_is_null(st, 3) ? "" :
					      cairn__stmt_text(st, 3));
	}
	cairn__stmt_reset(st);
	if (row == 0)
		return cairn_error(ctx, CAIRN_ENOTFOUND, "no run with key %lld", (long long)seq);
	return done(db, row);
}

void cairn__rundb_state_release(struct cairn__rundb_state *s)
{
	free(s->host);
	free(s->identity);
	memset(s, 0, sizeof(*s));
}

int cairn__rundb_last_seen(cairn__db *db, int64_t seq, int64_t *out)
{
	cairn__stmt *st;
	int rc, row;

	*out = 0;
	/* The last record the run wrote: its start, a metric, an artifact. */
	if ((rc = cairn__db_prepare(db, "SELECT max(t) FROM ("
				       " SELECT start_ms AS t FROM runs WHERE seq = ?1"
				       " UNION ALL SELECT max(timestamp_ms) FROM run_metrics WHERE run = ?1"
				       " UNION ALL SELECT max(created_ms) FROM run_artifacts WHERE run = ?1"
				       ") AS seen", &st)) ||
	    (rc = cairn__stmt_bind_int64(st, 1, seq)))
		return rc;
	if ((row = cairn__stmt_step(st)) == 1)
		*out = cairn__stmt_int64(st, 0);
	cairn__stmt_reset(st);
	return done(db, row);
}

void cairn__rundb_owners_free(struct cairn__rundb_owner *o, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(o[i].identity);
	free(o);
}

int cairn__rundb_param(cairn__db *db, int64_t seq, const char *key, cairn_buf *value,
		       int *found)
{
	cairn__stmt *st;
	int rc, row;

	*found = 0;
	if ((rc = cairn__db_prepare(db, "SELECT value FROM run_params WHERE run = ? AND key = ?", &st)) ||
	    (rc = cairn__stmt_bind_int64(st, 1, seq)) ||
	    (rc = cairn__stmt_bind_text(st, 2, key)))
		return rc;
	row = cairn__stmt_step(st);
	if (row == 1) {
		cairn_buf_reset(value);
		cairn_buf_adds(value, cairn__stmt_text(st, 0));
		*found = 1;
	}
	cairn__stmt_reset(st);
	return done(db, row);
}

int cairn__rundb_param_add(cairn__db *db, int64_t seq, const char *key, const char *value)
{
	cairn__stmt *st;
	int rc;

	if ((rc = cairn__db_prepare(db, "INSERT INTO run_params(run, key, value) VALUES (?, ?, ?)", &st)) ||
	    (rc = cairn__stmt_bind_int64(st, 1, seq)) ||
	    (rc = cairn__stmt_bind_text(st, 2, key)) ||
	    (rc = cairn__stmt_bind_text(st, 3, value)))
		return rc;
	return cairn__stmt_run(st);
}

static int bind_value(cairn__stmt *st, int idx, double v)
{
	return isnan(v) ? cairn__stmt_bind_null(st, idx) : cairn__stmt_bind_double(st, idx, v);
}

int cairn__rundb_metric_add(cairn__db *db, int64_t seq, const char *key, int64_t step,
			    int64_t timestamp_ms, double value)
{
	cairn__stmt *st;
	int rc;

	if ((rc = cairn__db_prepare(db, "INSERT INTO run_metrics(run, key, step, timestamp_ms, value)"
				       " VALUES (?, ?, ?, ?, ?)", &st)) ||
	    (rc = cairn__stmt_bind_int64(st, 1, seq)) ||
	    (rc = cairn__stmt_bind_text(st, 2, key)) ||
	    (rc = cairn__stmt_bind_int64(st, 3, step)) ||
	    (rc = cairn__stmt_bind_int64(st, 4, timestamp_ms)) ||
	    (rc = bind_value(st, 5, value)))
		return rc;
	return cairn__stmt_run(st);
}

int cairn__rundb_latest_update(cairn__db *db, int64_t seq, const char *key, int64_t step,
			       int64_t timestamp_ms, double value)
{
	cairn__stmt *st;
	int rc;

	/* MLflow's rule: the highest step, then the latest timestamp. */
	if ((rc = cairn__db_prepare(db,
				   "INSERT INTO run_latest_metrics(run, key, value, step, timestamp_ms)"
				   " VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT(run, key) DO UPDATE SET"
				   " value = excluded.value, step = excluded.step,"
				   " timestamp_ms = excluded.timestamp_ms"
				   " WHERE excluded.step > run_latest_metrics.step OR"
				   " (excluded.step = run_latest_metrics.step AND"
				   " excluded.timestamp_ms >= run_latest_metrics.timestamp_ms)", &st)) ||
	    (rc = cairn__stmt_bind_int64(st, 1, seq)) ||
	    (rc = cairn__stmt_bind_text(st, 2, key)) ||
	    (rc = bind_value(st, 3, value)) ||
	    (rc = cairn__stmt_bind_int64(st, 4, step)) ||
	    (rc = cairn__stmt_bind_int64(st, 5, timestamp_ms)))
		return rc;
	return cairn__stmt_run(st);
}

int cairn__rundb_tag_set(cairn__db *db, int64_t seq, const char *key, const char *value)
{
	cairn__stmt *st;
	int rc;

	if (!value) {
		if ((rc = cairn__db_prepare(db, "DELETE FROM run_tags WHERE run = ? AND key = ?", &st)) ||
		    (rc = cairn__stmt_bind_int64(st, 1, seq)) ||
		    (rc = cairn__stmt_bind_text(st, 2, key)))
			return rc;
		return cairn__stmt_run(st);
	}
	if ((rc = cairn__db_prepare(db, "INSERT INTO run_tags(run, key, value) VALUES (?, ?, ?)"
				       " ON CONFLICT(run, key) DO UPDATE SET value = excluded.value", &st)) ||
	    (rc = cairn__stmt_bind_int64(st, 1, seq)) ||
	    (rc = cairn__stmt_bind_text(st, 2, key)) ||
	    (rc = cairn__stmt_bind_text(st, 3, value)))
		return rc;
	return cairn__stmt_run(st);
}

int cairn__rundb_input_add(cairn__db *db, int64_t seq, const char *version_id,
			   const char *context)
{
	cairn__stmt *st;
	int rc;

	if ((rc = cairn__db_prepare(db, "INSERT INTO run_inputs(run, version_id, context)"
				       " VALUES (?, ?, ?) ON CONFLICT DO NOTHING", &st)) ||
	    (rc = cairn__stmt_bind_int64(st, 1, seq)) ||
	    (rc = cairn__stmt_bind_text(st, 2, version_id)) ||
	    (rc = cairn__stmt_bind_text(st, 3, context)))
		return rc;
	return cairn__stmt_run(st);
}

int cairn__rundb_artifacts_clear(cairn__db *db, int64_t seq, const char *path)
{
	cairn__stmt *st;
	int rc;

	if ((rc = cairn__db_prepare(db, "DELETE FROM run_artifacts WHERE run = ?1 AND"
				       " (path = ?2 OR substr(path, 1, length(?2) + 1) = ?2 || '/')", &st)) ||
	    (rc = cairn__stmt_bind_int64(st, 1, seq)) ||
	    (rc = cairn__stmt_bind_text(st, 2, path)))
		return rc;
	return cairn__stmt_run(st);
}

int cairn__rundb_artifact_put(cairn__db *db, int64_t seq, const char *path, const char *hash,
			      int64_t size, int64_t created_ms)
{
	cairn__stmt *st;
	int rc;

	if ((rc = cairn__db_prepare(db, "INSERT INTO run_artifacts(run, path, hash, size, created_ms)"
				       " VALUES (?, ?, ?, ?, ?) ON CONFLICT(run, path) DO UPDATE SET"
				       " hash = excluded.hash, size = excluded.size,"
				       " created_ms = excluded.created_ms", &st)) ||
	    (rc = cairn__stmt_bind_int64(st, 1, seq)) ||
	    (rc = cairn__stmt_bind_text(st, 2, path)) ||
	    (rc = cairn__stmt_bind_text(st, 3, hash)) ||
	    (rc = cairn__stmt_bind_int64(st, 4, size)) ||
	    (rc = cairn__stmt_bind_int64(st, 5, created_ms)))
		return rc;
	return cairn__stmt_run(st);
}

/*
 * Reading.
 */

static json_t *time_or_null(int64_t ms, int is_null)
{
	char t[32];

	if (is_null)
		return json_null();
	cairn_format_time(ms, t);
	return json_string(t);
}

/* A metric value column as JSON: NaN (stored as NULL) has no JSON form and
 * is null; infinities are the strings "Infinity" and "-Infinity". */
static json_t *metric_json(cairn__stmt *st, int col)
{
	double v;

	if (cairn__stmt_is_null(st, col))
		return json_null();
	v = cairn__stmt_double(st, col);
	return isfinite(v) ? json_real(v) : json_string(v > 0 ? "Infinity" : "-Infinity");
}

json_t *cairn__run_summary_json(cairn__stmt *st)
{
	json_t *o = json_object();
	int ended = !cairn__stmt_is_null(st, 5);
	int64_t start = cairn__stmt_int64(st, 4), end = cairn__stmt_int64(st, 5);

	json_object_set_new(o, "id", json_string(cairn__stmt_text(st, 0)));
	json_object_set_new(o, "name", json_string(cairn__stmt_text(st, 1)));
	json_object_set_new(o, "experiment", json_string(cairn__stmt_text(st, 2)));
	json_object_set_new(o, "status", json_string(cairn__stmt_text(st, 3)));
	json_object_set_new(o, "start_ms", json_integer(start));
	json_object_set_new(o, "start_time", time_or_null(start, 0));
	json_object_set_new(o, "end_ms", ended ? json_integer(end) : json_null());
	json_object_set_new(o, "end_time", time_or_null(end, !ended));
	json_object_set_new(o, "duration_ms", ended ? json_integer(end - start) : json_null());
	json_object_set_new(o, "user", json_string(cairn__stmt_text(st, 6)));
	json_object_set_new(o, "parent", cairn__stmt_is_null(st, 7) ? json_null()
				: json_string(cairn__stmt_text(st, 7)));
	return o;
}

int cairn__rundb_show(cairn_ctx *ctx, cairn__db *db, int64_t seq, json_t **out)
{
	json_t *o, *info = NULL;
	cairn__stmt *st;
	int rc, row;

	*out = NULL;
	if ((rc = cairn__db_prepare(db, "SELECT " CAIRN__RUN_SUMMARY_COLUMNS ", r.host, r.note,"
				       " r.message, r.info FROM runs r JOIN experiments e"
				       " ON e.id = r.experiment_id WHERE r.seq = ?", &st)) ||
	    (rc = cairn__stmt_bind_int64(st, 1, seq)))
		return rc;
	if ((row = cairn__stmt_step(st)) != 1)
		return row == 0 ? cairn_error(ctx, CAIRN_ENOTFOUND, "no run with key %lld",
					      (long long)seq) : CAIRN_EDB;
	o = cairn__run_summary_json(st);
	json_object_set_new(o, "host", json_string(cairn__stmt_text(st, 8)));
	json_object_set_new(o, "note", json_string(cairn__stmt_text(st, 9)));
	json_object_set_new(o, "message", json_string(cairn__stmt_text(st, 10)));
	rc = cairn_json_load_text(ctx, "run info", cairn__stmt_text(st, 11),
				  strlen(cairn__stmt_text(st, 11)), &info);
	cairn__stmt_reset(st);
	if (rc) {
		json_decref(o);
		return rc;
	}
	json_object_set_new(o, "info", info);
	*out = o;
	return 0;
}

int cairn__rundb_summary(cairn_ctx *ctx, cairn__db *db, int64_t seq, json_t **out)
{
	cairn__stmt *st;
	int rc, row;

	*out = NULL;
	if ((rc = cairn__db_prepare(db, "SELECT " CAIRN__RUN_SUMMARY_COLUMNS " FROM runs r"
				       " JOIN experiments e ON e.id = r.experiment_id WHERE r.seq = ?",
				   &st)) ||
	    (rc = cairn__stmt_bind_int64(st, 1, seq)))
		return rc;
	if ((row = cairn__stmt_step(st)) != 1)
		return row == 0 ? cairn_error(ctx, CAIRN_ENOTFOUND, "no run with key %lld",
					      (long long)seq) : CAIRN_EDB;
	*out = cairn__run_summary_json(st);
	cairn__stmt_reset(st);
	return 0;
}

int cairn__rundb_add_data(cairn__db *db, int64_t seq, json_t *run)
{
	static const struct { const char *name, *sql; int metric; } parts[] = {
		{ "params", "SELECT key, value FROM run_params WHERE run = ? ORDER BY key", 0 },
		{ "metrics", "SELECT key, value FROM run_latest_metrics WHERE run = ? ORDER BY key", 1 },
		{ "tags", "SELECT key, value FROM run_tags WHERE run = ? ORDER BY key", 0 },
	};
	cairn__stmt *st;
	int rc, row;

	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
		json_t *obj = json_object();
		json_object_set_new(run, parts[i].name, obj);
		if ((rc = cairn__db_prepare(db, parts[i].sql, &st)) ||
		    (rc = cairn__stmt_bind_int64(st, 1, seq)))
			return rc;
		while ((row = cairn__stmt_step(st)) == 1)
			json_object_set_new(obj, cairn__stmt_text(st, 0), parts[i].metric
					    ? metric_json(st, 1) : json_string(cairn__stmt_text(st, 1)));
		if (row < 0)
			return CAIRN_EDB;
	}
	return 0;
}

int cairn__rundb_inputs(cairn__db *db, int64_t seq, json_t **out)
{
	cairn__stmt *st;
	int rc, row;

	*out = json_array();
	if ((rc = cairn__db_prepare(db, "SELECT version_id, context FROM run_inputs WHERE run = ?"
				       " ORDER BY context, version_id", &st)) ||
	    (rc = cairn__stmt_bind_int64(st, 1, seq)))
		return rc;
	while ((row = cairn__stmt_step(st)) == 1)
		json_array_append_new(*out, json_pack("{s:s, s:s}",
						      "version_id", cairn__stmt_text(st, 0),
						      "context", cairn__stmt_text(st, 1)));
	return done(db, row);
}

int cairn__rundb_artifacts(cairn__db *db, int64_t seq, json_t **out)
{
	cairn__stmt *st;
	int rc, row;

	*out = json_array();
	if ((rc = cairn__db_prepare(db, "SELECT path, hash, size, created_ms FROM run_artifacts"
				       " WHERE run = ? ORDER BY path", &st)) ||
	    (rc = cairn__stmt_bind_int64(st, 1, seq)))
		return rc;
	while ((row = cairn__stmt_step(st)) == 1)
		json_array_append_new(*out, json_pack("{s:s, s:s, s:I, s:I}",
						      "path", cairn__stmt_text(st, 0),
						      "hash", cairn__stmt_text(st, 1),
						      "size", (json_int_t)cairn__stmt_int64(st, 2),
						      "created_ms", (json_int_t)cairn__stmt_int64(st, 3)));
	return done(db, row);
}

int cairn__rundb_artifact_files(cairn__db *db, int64_t seq, const char *path, json_t **out)
{
	cairn__stmt *st;
	int rc, row;

	*out = json_array();
	if ((rc = cairn__db_prepare(db, "SELECT path, hash FROM run_artifacts WHERE run = ?1 AND"
				       " (path = ?2 OR substr(path, 1, length(?2) + 1) = ?2 || '/')"
				       " ORDER BY path", &st)) ||
	    (rc = cairn__stmt_bind_int64(st, 1, seq)) ||
	    (rc = cairn__stmt_bind_text(st, 2, path)))
		return rc;
	while ((row = cairn__stmt_step(st)) == 1)
		json_array_append_new(*out, json_pack("[s, s]", cairn__stmt_text(st, 0),
						      cairn__stmt_text(st, 1)));
	return done(db, row);
}

int cairn__rundb_artifact_hash(cairn__db *db, const char *run_id, const char *path,
			       char hash[CAIRN_HEX_LEN + 1], int *found)
{
	cairn__stmt *st;
	int rc, row;

	*found = 0;
	if ((rc = cairn__db_prepare(db, "SELECT a.hash FROM run_artifacts a JOIN runs r"
				       " ON r.seq = a.run WHERE r.id = ? AND a.path = ?", &st)) ||
	    (rc = cairn__stmt_bind_text(st, 1, run_id)) ||
	    (rc = cairn__stmt_bind_text(st, 2, path)))
		return rc;
	if ((row = cairn__stmt_step(st)) == 1) {
		snprintf(hash, CAIRN_HEX_LEN + 1, "%s", cairn__stmt_text(st, 0));
		*found = 1;
	}
	cairn__stmt_reset(st);
	return done(db, row);
}

int cairn__rundb_children(cairn__db *db, const char *id, json_t **out)
{
	cairn__stmt *st;
	int rc, row;

	*out = json_array();
	if ((rc = cairn__db_prepare(db, "SELECT id FROM runs WHERE parent_id = ? ORDER BY id", &st)) ||
	    (rc = cairn__stmt_bind_text(st, 1, id)))
		return rc;
	while ((row = cairn__stmt_step(st)) == 1)
		json_array_append_new(*out, json_string(cairn__stmt_text(st, 0)));
	return done(db, row);
}

int cairn__rundb_list(cairn__db *db, const char *experiment, const char *status, size_t max,
		      json_t **out)
{
#define LIST_SQL "SELECT " CAIRN__RUN_SUMMARY_COLUMNS \
	" FROM runs r JOIN experiments e ON e.id = r.experiment_id" \
	" WHERE (?1 IS NULL OR e.name = ?1) AND (?2 IS NULL OR r.status = ?2)" \
	" ORDER BY r.id DESC"
	cairn__stmt *st;
	int rc, row;

	*out = json_array();
	if ((rc = cairn__db_prepare(db, max ? LIST_SQL " LIMIT ?3" : LIST_SQL, &st)) ||
	    (rc = experiment ? cairn__stmt_bind_text(st, 1, experiment) : cairn__stmt_bind_null(st, 1)) ||
	    (rc = status ? cairn__stmt_bind_text(st, 2, status) : cairn__stmt_bind_null(st, 2)) ||
	    (max && (rc = cairn__stmt_bind_int64(st, 3, (int64_t)max))))
		return rc;
#undef LIST_SQL
	while ((row = cairn__stmt_step(st)) == 1)
		json_array_append_new(*out, cairn__run_summary_json(st));
	return done(db, row);
}

int cairn__rundb_metric_history(cairn__db *db, int64_t seq, const char *key, json_t **out)
{
	cairn_buf sql = CAIRN_BUF_INIT;
	cairn__stmt *st;
	int rc, row;

	*out = json_array();
	cairn_buf_addf(&sql, "SELECT step, value, timestamp_ms FROM run_metrics WHERE run = ? AND"
		       " key = ? ORDER BY step, timestamp_ms, %s", cairn__dialect_insertion_order());
	rc = cairn__db_prepare(db, sql.buf, &st);
	cairn_buf_release(&sql);
	if (rc || (rc = cairn__stmt_bind_int64(st, 1, seq)) ||
	    (rc = cairn__stmt_bind_text(st, 2, key)))
		return rc;
	while ((row = cairn__stmt_step(st)) == 1)
		json_array_append_new(*out, json_pack("{s:I, s:o, s:I}",
						      "step", (json_int_t)cairn__stmt_int64(st, 0),
						      "value", metric_json(st, 1),
						      "timestamp_ms", (json_int_t)cairn__stmt_int64(st, 2)));
	return done(db, row);
}

int cairn__rundb_experiments(cairn__db *db, json_t **out)
{
	cairn__stmt *st;
	int rc, row;

	*out = json_array();
	if ((rc = cairn__db_prepare(db, "SELECT e.id, e.name, e.created_ms,"
				       " (SELECT count(*) FROM runs r WHERE r.experiment_id = e.id)"
				       " FROM experiments e ORDER BY e.name", &st)))
		return rc;
	while ((row = cairn__stmt_step(st)) == 1)
		json_array_append_new(*out, json_pack("{s:s, s:s, s:I, s:I}",
						      "id", cairn__stmt_text(st, 0),
						      "name", cairn__stmt_text(st, 1),
						      "created_ms", (json_int_t)cairn__stmt_int64(st, 2),
						      "runs", (json_int_t)cairn__stmt_int64(st, 3)));
	return done(db, row);
}

int cairn__rundb_max_seq(cairn__db *db, int64_t *out)
{
	cairn__stmt *st;
	int rc, row;

	*out = 0;
	if ((rc = cairn__db_prepare(db, "SELECT coalesce(max(seq), 0) FROM runs", &st)))
		return rc;
	if ((row = cairn__stmt_step(st)) == 1)
		*out = cairn__stmt_int64(st, 0);
	cairn__stmt_reset(st);
	return done(db, row);
}

int cairn__rundb_row(cairn_ctx *ctx, cairn__db *db, const char *id, struct cairn__run_row *r,
		     int *found)
{
	cairn__stmt *st;
	int rc, row;

	(void)ctx;
	memset(r, 0, sizeof(*r));
	*found = 0;
	if ((rc = cairn__db_prepare(db, "SELECT r.name, e.name, r.status, r.start_ms, r.end_ms,"
				       " r.parent_id FROM runs r JOIN experiments e"
				       " ON e.id = r.experiment_id WHERE r.id = ?", &st)) ||
	    (rc = cairn__stmt_bind_text(st, 1, id)))
		return rc;
	row = cairn__stmt_step(st);
	if (row == 1) {
		snprintf(r->id, sizeof(r->id), "%s", id);
		r->name = cairn_xstrdup(cairn__stmt_text(st, 0));
		r->experiment = cairn_xstrdup(cairn__stmt_text(st, 1));
		r->status = cairn_xstrdup(cairn__stmt_text(st, 2));
		r->start_ms = cairn__stmt_int64(st, 3);
		r->ended = !cairn__stmt_is_null(st, 4);
		r->end_ms = cairn__stmt_int64(st, 4);
		if (!cairn__stmt_is_null(st, 5))
			r->parent = cairn_xstrdup(cairn__stmt_text(st, 5));
		*found = 1;
	}
	cairn__stmt_reset(st);
	return done(db, row);
}

void cairn__run_row_release(struct cairn__run_row *r)
{
	free(r->name);
	free(r->experiment);
	free(r->status);
	free(r->parent);
	memset(r, 0, sizeof(*r));
}
