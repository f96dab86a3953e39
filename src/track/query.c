/* Reading runs back: show, list, artifacts, metric history, experiments; see
 * include/cairn/run.h. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "cairn/buf.h"
#include "cairn/error.h"
#include "cairn/objects.h"
#include "core/ctx-internal.h"
#include "core/fs.h"
#include "core/json.h"
#include "track/run-internal.h"

static json_t *time_or_null(int64_t ms, int is_null)
{
	char t[32];

	if (is_null)
		return json_null();
	cairn_format_time(ms, t);
	return json_string(t);
}

json_t *cairn__metric_json(cairn__stmt *st, int col)
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

int cairn__run_add_data(cairn__db *db, int64_t seq, json_t *run)
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
					    ? cairn__metric_json(st, 1) : json_string(cairn__stmt_text(st, 1)));
		if (row < 0)
			return CAIRN_EDB;
	}
	return 0;
}

static int artifacts_of(cairn__db *db, int64_t seq, json_t **out)
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
	return row < 0 ? CAIRN_EDB : 0;
}

int cairn_run_show(cairn_ctx *ctx, const char *ref, json_t **out)
{
	char id[CAIRN_ID_LEN + 1];
	json_t *o = NULL, *x, *info = NULL;
	cairn__stmt *st;
	cairn__db *db;
	int64_t seq;
	int rc, row;

	*out = NULL;
	if ((rc = cairn__ctx_db(ctx, &db)) || (rc = cairn_run_reap_dead(ctx)) ||
	    (rc = cairn__run_lookup(ctx, db, ref, id, &seq)))
		return rc;
	if ((rc = cairn__db_prepare(db, "SELECT " CAIRN__RUN_SUMMARY_COLUMNS ", r.host, r.note, r.message, r.info"
				       " FROM runs r JOIN experiments e ON e.id = r.experiment_id"
				       " WHERE r.seq = ?", &st)) ||
	    (rc = cairn__stmt_bind_int64(st, 1, seq)))
		return rc;
	if ((row = cairn__stmt_step(st)) != 1)
		return row == 0 ? cairn_error(ctx, CAIRN_ENOTFOUND, "no run '%s'", ref) : CAIRN_EDB;
	o = cairn__run_summary_json(st);
	json_object_set_new(o, "host", json_string(cairn__stmt_text(st, 8)));
	json_object_set_new(o, "note", json_string(cairn__stmt_text(st, 9)));
	json_object_set_new(o, "message", json_string(cairn__stmt_text(st, 10)));
	rc = cairn_json_load_text(ctx, "run info", cairn__stmt_text(st, 11),
				  strlen(cairn__stmt_text(st, 11)), &info);
	cairn__stmt_reset(st);
	if (rc)
		goto fail;
	json_object_set_new(o, "info", info);
	if ((rc = cairn__run_add_data(db, seq, o)))
		goto fail;
	json_object_set_new(o, "inputs", x = json_array());
	if ((rc = cairn__db_prepare(db, "SELECT d.name || '@' || d.version, d.id, i.context"
				       " FROM run_inputs i JOIN dataset_versions d ON d.id = i.version_id"
				       " WHERE i.run = ? ORDER BY i.context, d.name, d.version", &st)) ||
	    (rc = cairn__stmt_bind_int64(st, 1, seq)))
		goto fail;
	while ((row = cairn__stmt_step(st)) == 1)
		json_array_append_new(x, json_pack("{s:s, s:s, s:s}", "dataset", cairn__stmt_text(st, 0),
						   "version_id", cairn__stmt_text(st, 1),
						   "context", cairn__stmt_text(st, 2)));
	if (row < 0 && (rc = CAIRN_EDB))
		goto fail;
	if ((rc = artifacts_of(db, seq, &x)))
		goto fail_x;
	json_object_set_new(o, "artifacts", x);
	json_object_set_new(o, "children", x = json_array());
	if ((rc = cairn__db_prepare(db, "SELECT id FROM runs WHERE parent_id = ? ORDER BY id", &st)) ||
	    (rc = cairn__stmt_bind_text(st, 1, id)))
		goto fail;
	while ((row = cairn__stmt_step(st)) == 1)
		json_array_append_new(x, json_string(cairn__stmt_text(st, 0)));
	if (row < 0 && (rc = CAIRN_EDB))
		goto fail;
	*out = o;
	return 0;
fail_x:
	json_decref(x);
fail:
	json_decref(o);
	return rc;
}

int cairn_run_list(cairn_ctx *ctx, const struct cairn_run_list_options *opts, json_t **out)
{
	static const struct cairn_run_list_options all;
	cairn__stmt *st;
	cairn__db *db;
	int rc, row;

	*out = NULL;
	if (!opts)
		opts = &all;
	if ((rc = cairn__ctx_db(ctx, &db)) || (rc = cairn_run_reap_dead(ctx)))
		return rc;
	if ((rc = cairn__db_prepare(db, "SELECT " CAIRN__RUN_SUMMARY_COLUMNS
				       " FROM runs r JOIN experiments e ON e.id = r.experiment_id"
				       " WHERE (?1 IS NULL OR e.name = ?1) AND (?2 IS NULL OR r.status = ?2)"
				       " ORDER BY r.id DESC LIMIT ?3", &st)) ||
	    (rc = opts->experiment ? cairn__stmt_bind_text(st, 1, opts->experiment)
				   : cairn__stmt_bind_null(st, 1)) ||
	    (rc = opts->status ? cairn__stmt_bind_text(st, 2, opts->status) : cairn__stmt_bind_null(st, 2)) ||
	    (rc = cairn__stmt_bind_int64(st, 3, opts->max ? (int64_t)opts->max : -1)))
		return rc;
	*out = json_array();
	while ((row = cairn__stmt_step(st)) == 1)
		json_array_append_new(*out, cairn__run_summary_json(st));
	if (row < 0) {
		json_decref(*out);
		*out = NULL;
		return CAIRN_EDB;
	}
	return 0;
}

int cairn_run_artifacts(cairn_ctx *ctx, const char *ref, json_t **out)
{
	char id[CAIRN_ID_LEN + 1];
	cairn__db *db;
	int64_t seq;
	int rc;

	*out = NULL;
	if ((rc = cairn__ctx_db(ctx, &db)) || (rc = cairn__run_lookup(ctx, db, ref, id, &seq)))
		return rc;
	if ((rc = artifacts_of(db, seq, out))) {
		json_decref(*out);
		*out = NULL;
	}
	return rc;
}

/* Writes the object hash to dest (creating its directory), as a copy. */
static int write_artifact(cairn_ctx *ctx, const char *hash, const char *dest)
{
	enum cairn_link_type copy = CAIRN_LINK_COPY;
	cairn_buf dir = CAIRN_BUF_INIT;
	const char *slash = strrchr(dest, '/');
	int rc = 0;

	if (slash && slash != dest) {
		cairn_buf_add(&dir, dest, (size_t)(slash - dest));
		rc = cairn_mkdir_p(ctx, dir.buf, 0777);
	}
	if (!rc)
		rc = cairn_object_checkout(ctx, hash, dest, &copy, 1, NULL);
	cairn_buf_release(&dir);
	return rc;
}

int cairn_run_get_artifact(cairn_ctx *ctx, const char *ref, const char *path, const char *dest)
{
	char id[CAIRN_ID_LEN + 1];
	cairn_buf target = CAIRN_BUF_INIT, p = CAIRN_BUF_INIT;
	cairn__stmt *st;
	cairn__db *db;
	int64_t seq;
	json_t *files = json_array();
	size_t i, plen;
	int rc, row;

	if ((rc = cairn__ctx_db(ctx, &db)) || (rc = cairn__run_lookup(ctx, db, ref, id, &seq)))
		goto out;
	/* Normalize the trailing slashes of a directory path. */
	cairn_buf_adds(&p, path);
	while (p.len > 1 && p.buf[p.len - 1] == '/')
		p.buf[--p.len] = '\0';
	plen = p.len;
	if ((rc = cairn__db_prepare(db, "SELECT path, hash FROM run_artifacts WHERE run = ?1 AND"
				       " (path = ?2 OR substr(path, 1, length(?2) + 1) = ?2 || '/')"
				       " ORDER BY path", &st)) ||
	    (rc = cairn__stmt_bind_int64(st, 1, seq)) ||
	    (rc = cairn__stmt_bind_text(st, 2, p.buf)))
		goto out;
	while ((row = cairn__stmt_step(st)) == 1)
		json_array_append_new(files, json_pack("[s, s]", cairn__stmt_text(st, 0), cairn__stmt_text(st, 1)));
	if (row < 0) {
		rc = CAIRN_EDB;
		goto out;
	}
	if (!json_array_size(files)) {
		rc = cairn_error(ctx, CAIRN_ENOTFOUND, "run %s has no artifact '%s' (see 'cairn runs"
				 " artifacts %s')", id, path, id);
		goto out;
	}
	if (!dest) {
		const char *base = strrchr(p.buf, '/');
		dest = base ? base + 1 : p.buf;
	}
	for (i = 0; i < json_array_size(files) && !rc; i++) {
		const char *apath = json_string_value(json_array_get(json_array_get(files, i), 0));
		const char *hash = json_string_value(json_array_get(json_array_get(files, i), 1));
		cairn_buf_reset(&target);
		if (strlen(apath) == plen)      /* the path is a file */
			cairn_buf_adds(&target, dest);
		else
			cairn_path_join(&target, dest, apath + plen + 1);
		rc = write_artifact(ctx, hash, target.buf);
	}
out:
	json_decref(files);
	cairn_buf_release(&target);
	cairn_buf_release(&p);
	return rc;
}

int cairn_run_metric_history(cairn_ctx *ctx, const char *ref, const char *key, json_t **out)
{
	char id[CAIRN_ID_LEN + 1];
	cairn__stmt *st;
	cairn__db *db;
	int64_t seq;
	int rc, row;

	*out = NULL;
	if ((rc = cairn__ctx_db(ctx, &db)) || (rc = cairn__run_lookup(ctx, db, ref, id, &seq)))
		return rc;
	if ((rc = cairn__db_prepare(db, "SELECT step, value, timestamp_ms FROM run_metrics"
				       " WHERE run = ? AND key = ? ORDER BY step, timestamp_ms, rowid", &st)) ||
	    (rc = cairn__stmt_bind_int64(st, 1, seq)) ||
	    (rc = cairn__stmt_bind_text(st, 2, key)))
		return rc;
	*out = json_array();
	while ((row = cairn__stmt_step(st)) == 1) {
		json_t *v = cairn__metric_json(st, 1);
		json_array_append_new(*out, json_pack("{s:I, s:o, s:I}",
						      "step", (json_int_t)cairn__stmt_int64(st, 0),
						      "value", v,
						      "timestamp_ms", (json_int_t)cairn__stmt_int64(st, 2)));
	}
	if (row < 0 || !json_array_size(*out)) {
		json_decref(*out);
		*out = NULL;
		return row < 0 ? CAIRN_EDB : cairn_error(ctx, CAIRN_ENOTFOUND, "run %s has no metric '%s'",
							 id, key);
	}
	return 0;
}

int cairn_experiment_list(cairn_ctx *ctx, json_t **out)
{
	cairn__stmt *st;
	cairn__db *db;
	int rc, row;

	*out = NULL;
	if ((rc = cairn__ctx_db(ctx, &db)))
		return rc;
	if ((rc = cairn__db_prepare(db, "SELECT e.id, e.name, e.created_ms,"
				       " (SELECT count(*) FROM runs r WHERE r.experiment_id = e.id)"
				       " FROM experiments e ORDER BY e.name", &st)))
		return rc;
	*out = json_array();
	while ((row = cairn__stmt_step(st)) == 1)
		json_array_append_new(*out, json_pack("{s:s, s:s, s:I, s:I}",
						      "id", cairn__stmt_text(st, 0),
						      "name", cairn__stmt_text(st, 1),
						      "created_ms", (json_int_t)cairn__stmt_int64(st, 2),
						      "runs", (json_int_t)cairn__stmt_int64(st, 3)));
	if (row < 0) {
		json_decref(*out);
		*out = NULL;
		return CAIRN_EDB;
	}
	return 0;
}
