/*
 * The registry's data access: the only code that reads or writes
 * registered_models, model_versions, model_aliases, model_tags and
 * model_audit; see registry-db.h. The SQL is the portable subset of
 * docs/internals/store.md; JSON columns are parsed in C.
 */
#include <stdio.h>
#include <string.h>
#include "cairn/error.h"
#include "registry/registry-db.h"

#define VERSION_COLUMNS \
	"id, model_id, version, source_kind, run_id, source_path, manifest, signature, " \
	"classes, metrics, status, description, created_ms, created_by"

static int done(int row)
{
	return row < 0 ? CAIRN_EDB : 0;
}

/* A JSON column as stored by this file; text that does not parse is kept
 * as a string rather than lost. */
static json_t *json_column(cairn__stmt *st, int col)
{
	const char *text = cairn__stmt_text(st, col);
	json_t *v = json_loads(text, JSON_DECODE_ANY, NULL);

	return v ? v : json_string(text);
}

int cairn__regdb_model_id(cairn__db *db, const char *name, char id[CAIRN_ID_LEN + 1], int *found)
{
	cairn__stmt *st;
	int rc, row;

	*found = 0;
	if ((rc = cairn__db_prepare(db, "SELECT id FROM registered_models WHERE name = ?", &st)) ||
	    (rc = cairn__stmt_bind_text(st, 1, name)))
		return rc;
	if ((row = cairn__stmt_step(st)) == 1) {
		snprintf(id, CAIRN_ID_LEN + 1, "%s", cairn__stmt_text(st, 0));
		*found = 1;
	}
	cairn__stmt_reset(st);
	return done(row);
}

static json_t *model_json(cairn__stmt *st)
{
	return json_pack("{s:s, s:s, s:s, s:I, s:I}", "id", cairn__stmt_text(st, 0),
			 "name", cairn__stmt_text(st, 1), "description", cairn__stmt_text(st, 2),
			 "created_ms", (json_int_t)cairn__stmt_int64(st, 3),
			 "updated_ms", (json_int_t)cairn__stmt_int64(st, 4));
}

int cairn__regdb_model_row(cairn__db *db, const char *id, json_t **out)
{
	cairn__stmt *st;
	int rc, row;

	*out = NULL;
	if ((rc = cairn__db_prepare(db, "SELECT id, name, description, created_ms, updated_ms"
				       " FROM registered_models WHERE id = ?", &st)) ||
	    (rc = cairn__stmt_bind_text(st, 1, id)))
		return rc;
	if ((row = cairn__stmt_step(st)) == 1)
		*out = model_json(st);
	cairn__stmt_reset(st);
	return done(row);
}

int cairn__regdb_models(cairn__db *db, json_t **out)
{
	cairn__stmt *st;
	int rc, row;

	*out = json_array();
	if ((rc = cairn__db_prepare(db, "SELECT m.id, m.name, m.description, m.created_ms,"
				       " m.updated_ms, (SELECT coalesce(max(v.version), 0) FROM"
				       " model_versions v WHERE v.model_id = m.id AND v.status = 'active'),"
				       " (SELECT count(*) FROM model_versions v WHERE v.model_id = m.id)"
				       " FROM registered_models m ORDER BY m.name", &st)))
		return rc;
	while ((row = cairn__stmt_step(st)) == 1) {
		json_t *m = model_json(st);
		json_object_set_new(m, "latest_version", json_integer(cairn__stmt_int64(st, 5)));
		json_object_set_new(m, "versions", json_integer(cairn__stmt_int64(st, 6)));
		json_array_append_new(*out, m);
	}
	return done(row);
}

int cairn__regdb_model_insert(cairn__db *db, const char *id, const char *name, int64_t now_ms)
{
	cairn__stmt *st;
	int rc;

	if ((rc = cairn__db_prepare(db, "INSERT INTO registered_models(id, name, created_ms,"
				       " updated_ms) VALUES (?1, ?2, ?3, ?3)", &st)) ||
	    (rc = cairn__stmt_bind_text(st, 1, id)) ||
	    (rc = cairn__stmt_bind_text(st, 2, name)) ||
	    (rc = cairn__stmt_bind_int64(st, 3, now_ms)))
		return rc;
	return cairn__stmt_run(st);
}

int cairn__regdb_model_touch(cairn__db *db, const char *id, int64_t now_ms)
{
	cairn__stmt *st;
	int rc;

	if ((rc = cairn__db_prepare(db, "UPDATE registered_models SET updated_ms = ? WHERE id = ?",
				    &st)) ||
	    (rc = cairn__stmt_bind_int64(st, 1, now_ms)) ||
	    (rc = cairn__stmt_bind_text(st, 2, id)))
		return rc;
	return cairn__stmt_run(st);
}

int cairn__regdb_model_rename(cairn__db *db, const char *id, const char *name, int64_t now_ms)
{
	cairn__stmt *st;
	int rc;

	if ((rc = cairn__db_prepare(db, "UPDATE registered_models SET name = ?, updated_ms = ?"
				       " WHERE id = ?", &st)) ||
	    (rc = cairn__stmt_bind_text(st, 1, name)) ||
	    (rc = cairn__stmt_bind_int64(st, 2, now_ms)) ||
	    (rc = cairn__stmt_bind_text(st, 3, id)))
		return rc;
	return cairn__stmt_run(st);
}

int cairn__regdb_model_describe(cairn__db *db, const char *id, const char *text, int64_t now_ms)
{
	cairn__stmt *st;
	int rc;

	if ((rc = cairn__db_prepare(db, "UPDATE registered_models SET description = ?,"
				       " updated_ms = ? WHERE id = ?", &st)) ||
	    (rc = cairn__stmt_bind_text(st, 1, text)) ||
	    (rc = cairn__stmt_bind_int64(st, 2, now_ms)) ||
	    (rc = cairn__stmt_bind_text(st, 3, id)))
		return rc;
	return cairn__stmt_run(st);
}

int cairn__regdb_audit_model_ids(cairn__db *db, const char *name, json_t **out)
{
	cairn__stmt *st;
	int rc, row;

	*out = json_array();
	if ((rc = cairn__db_prepare(db, "SELECT DISTINCT model_id FROM model_audit WHERE"
				       " model_name = ? ORDER BY model_id", &st)) ||
	    (rc = cairn__stmt_bind_text(st, 1, name)))
		return rc;
	while ((row = cairn__stmt_step(st)) == 1)
		json_array_append_new(*out, json_string(cairn__stmt_text(st, 0)));
	return done(row);
}

int cairn__regdb_version_insert(cairn__db *db, const struct cairn__regdb_version *v)
{
	cairn__stmt *st;
	int rc;

	if ((rc = cairn__db_prepare(db, "INSERT INTO model_versions(" VERSION_COLUMNS ") VALUES"
				       " (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'active', ?, ?, ?)", &st)) ||
	    (rc = cairn__stmt_bind_text(st, 1, v->id)) ||
	    (rc = cairn__stmt_bind_text(st, 2, v->model_id)) ||
	    (rc = cairn__stmt_bind_int64(st, 3, v->version)) ||
	    (rc = cairn__stmt_bind_text(st, 4, v->source_kind)) ||
	    (rc = v->run_id ? cairn__stmt_bind_text(st, 5, v->run_id) : cairn__stmt_bind_null(st, 5)) ||
	    (rc = cairn__stmt_bind_text(st, 6, v->source_path)) ||
	    (rc = cairn__stmt_bind_text(st, 7, v->manifest)) ||
	    (rc = cairn__stmt_bind_text(st, 8, v->signature)) ||
	    (rc = cairn__stmt_bind_text(st, 9, v->classes)) ||
	    (rc = cairn__stmt_bind_text(st, 10, v->metrics)) ||
	    (rc = cairn__stmt_bind_text(st, 11, v->description ? v->description : "")) ||
	    (rc = cairn__stmt_bind_int64(st, 12, v->created_ms)) ||
	    (rc = cairn__stmt_bind_text(st, 13, v->created_by)))
		return rc;
	return cairn__stmt_run(st);
}

/* The one value a statement bound to model_id (?1) returns. */
static int one_int(cairn__stmt *st, const char *model_id, int64_t *out)
{
	int rc, row;

	*out = 0;
	if ((rc = cairn__stmt_bind_text(st, 1, model_id)))
		return rc;
	if ((row = cairn__stmt_step(st)) == 1)
		*out = cairn__stmt_int64(st, 0);
	cairn__stmt_reset(st);
	return done(row);
}

int cairn__regdb_max_version(cairn__db *db, const char *model_id, int64_t *out)
{
	cairn__stmt *st;
	int rc;

	*out = 0;
	if ((rc = cairn__db_prepare(db, "SELECT coalesce(max(version), 0) FROM model_versions"
				       " WHERE model_id = ?", &st)))
		return rc;
	return one_int(st, model_id, out);
}

int cairn__regdb_latest_active(cairn__db *db, const char *model_id, int64_t *out)
{
	cairn__stmt *st;
	int rc;

	*out = 0;
	if ((rc = cairn__db_prepare(db, "SELECT coalesce(max(version), 0) FROM model_versions"
				       " WHERE model_id = ? AND status = 'active'", &st)))
		return rc;
	return one_int(st, model_id, out);
}

static json_t *version_json(cairn__stmt *st)
{
	json_t *v = json_pack("{s:s, s:s, s:I, s:s, s:s, s:s, s:o, s:o, s:o, s:s, s:s, s:I, s:s}",
			      "id", cairn__stmt_text(st, 0), "model_id", cairn__stmt_text(st, 1),
			      "version", (json_int_t)cairn__stmt_int64(st, 2),
			      "source_kind", cairn__stmt_text(st, 3),
			      "source_path", cairn__stmt_text(st, 5),
			      "manifest", cairn__stmt_text(st, 6),
			      "signature", json_column(st, 7), "classes", json_column(st, 8),
			      "metrics", json_column(st, 9), "status", cairn__stmt_text(st, 10),
			      "description", cairn__stmt_text(st, 11),
			      "created_ms", (json_int_t)cairn__stmt_int64(st, 12),
			      "created_by", cairn__stmt_text(st, 13));

	json_object_set_new(v, "run_id", cairn__stmt_is_null(st, 4) ? json_null()
				: json_string(cairn__stmt_text(st, 4)));
	return v;
}

int cairn__regdb_version_row(cairn__db *db, const char *model_id, int64_t v, json_t **out)
{
	cairn__stmt *st;
	int rc, row;

	*out = NULL;
	if ((rc = cairn__db_prepare(db, "SELECT " VERSION_COLUMNS " FROM model_versions"
				       " WHERE model_id = ? AND version = ?", &st)) ||
	    (rc = cairn__stmt_bind_text(st, 1, model_id)) ||
	    (rc = cairn__stmt_bind_int64(st, 2, v)))
		return rc;
	if ((row = cairn__stmt_step(st)) == 1)
		*out = version_json(st);
	cairn__stmt_reset(st);
	return done(row);
}

int cairn__regdb_version_by_id(cairn__db *db, const char *id, json_t **out)
{
	cairn__stmt *st;
	int rc, row;

	*out = NULL;
	if ((rc = cairn__db_prepare(db, "SELECT " VERSION_COLUMNS " FROM model_versions"
				       " WHERE id = ?", &st)) ||
	    (rc = cairn__stmt_bind_text(st, 1, id)))
		return rc;
	if ((row = cairn__stmt_step(st)) == 1)
		*out = version_json(st);
	cairn__stmt_reset(st);
	return done(row);
}

int cairn__regdb_versions(cairn__db *db, const char *model_id, json_t **out)
{
	cairn__stmt *st;
	int rc, row;

	*out = json_array();
	if ((rc = cairn__db_prepare(db, "SELECT " VERSION_COLUMNS " FROM model_versions"
				       " WHERE model_id = ? ORDER BY version", &st)) ||
	    (rc = cairn__stmt_bind_text(st, 1, model_id)))
		return rc;
	while ((row = cairn__stmt_step(st)) == 1)
		json_array_append_new(*out, version_json(st));
	return done(row);
}

int cairn__regdb_version_status(cairn__db *db, const char *model_id, int64_t v,
				const char *status)
{
	cairn__stmt *st;
	int rc;

	if ((rc = cairn__db_prepare(db, "UPDATE model_versions SET status = ? WHERE model_id = ?"
				       " AND version = ?", &st)) ||
	    (rc = cairn__stmt_bind_text(st, 1, status)) ||
	    (rc = cairn__stmt_bind_text(st, 2, model_id)) ||
	    (rc = cairn__stmt_bind_int64(st, 3, v)))
		return rc;
	return cairn__stmt_run(st);
}

int cairn__regdb_version_describe(cairn__db *db, const char *model_id, int64_t v,
				  const char *text)
{
	cairn__stmt *st;
	int rc;

	if ((rc = cairn__db_prepare(db, "UPDATE model_versions SET description = ? WHERE"
				       " model_id = ? AND version = ?", &st)) ||
	    (rc = cairn__stmt_bind_text(st, 1, text)) ||
	    (rc = cairn__stmt_bind_text(st, 2, model_id)) ||
	    (rc = cairn__stmt_bind_int64(st, 3, v)))
		return rc;
	return cairn__stmt_run(st);
}

int cairn__regdb_manifests(cairn__db *db, json_t **out)
{
	cairn__stmt *st;
	int rc, row;

	*out = json_array();
	if ((rc = cairn__db_prepare(db, "SELECT m.name, v.version, v.manifest FROM model_versions v"
				       " JOIN registered_models m ON m.id = v.model_id"
				       " ORDER BY m.name, v.version", &st)))
		return rc;
	while ((row = cairn__stmt_step(st)) == 1)
		json_array_append_new(*out, json_pack("{s:s, s:I, s:s}", "name",
						      cairn__stmt_text(st, 0), "version",
						      (json_int_t)cairn__stmt_int64(st, 1),
						      "manifest", cairn__stmt_text(st, 2)));
	return done(row);
}

int cairn__regdb_alias_get(cairn__db *db, const char *model_id, const char *alias, int64_t *v)
{
	cairn__stmt *st;
	int rc;

	*v = 0;
	if ((rc = cairn__db_prepare(db, "SELECT version FROM model_aliases WHERE model_id = ?1"
				       " AND alias = ?2", &st)) ||
	    (rc = cairn__stmt_bind_text(st, 2, alias)))
		return rc;
	return one_int(st, model_id, v);
}

int cairn__regdb_alias_put(cairn__db *db, const char *model_id, const char *alias, int64_t v,
			   int64_t now_ms)
{
	cairn__stmt *st;
	int rc;

	if ((rc = cairn__db_prepare(db, "INSERT INTO model_aliases(model_id, alias, version,"
				       " updated_ms) VALUES (?, ?, ?, ?) ON CONFLICT (model_id, alias)"
				       " DO UPDATE SET version = excluded.version,"
				       " updated_ms = excluded.updated_ms", &st)) ||
	    (rc = cairn__stmt_bind_text(st, 1, model_id)) ||
	    (rc = cairn__stmt_bind_text(st, 2, alias)) ||
	    (rc = cairn__stmt_bind_int64(st, 3, v)) ||
	    (rc = cairn__stmt_bind_int64(st, 4, now_ms)))
		return rc;
	return cairn__stmt_run(st);
}

int cairn__regdb_alias_delete(cairn__db *db, const char *model_id, const char *alias)
{
	cairn__stmt *st;
	int rc;

	if ((rc = cairn__db_prepare(db, "DELETE FROM model_aliases WHERE model_id = ? AND alias = ?",
				    &st)) ||
	    (rc = cairn__stmt_bind_text(st, 1, model_id)) ||
	    (rc = cairn__stmt_bind_text(st, 2, alias)))
		return rc;
	return cairn__stmt_run(st);
}

int cairn__regdb_aliases(cairn__db *db, const char *model_id, int64_t v, json_t **out)
{
	cairn__stmt *st;
	int rc, row;

	*out = v > 0 ? json_array() : json_object();
	if ((rc = cairn__db_prepare(db, "SELECT alias, version FROM model_aliases WHERE"
				       " model_id = ?1 AND (?2 = 0 OR version = ?2) ORDER BY alias", &st)) ||
	    (rc = cairn__stmt_bind_text(st, 1, model_id)) ||
	    (rc = cairn__stmt_bind_int64(st, 2, v)))
		return rc;
	while ((row = cairn__stmt_step(st)) == 1) {
		if (v > 0)
			json_array_append_new(*out, json_string(cairn__stmt_text(st, 0)));
		else
			json_object_set_new(*out, cairn__stmt_text(st, 0),
					    json_integer(cairn__stmt_int64(st, 1)));
	}
	return done(row);
}

int cairn__regdb_tags(cairn__db *db, const char *model_id, int64_t v, json_t **out)
{
	cairn__stmt *st;
	int rc, row;

	*out = json_object();
	if ((rc = cairn__db_prepare(db, "SELECT key, value FROM model_tags WHERE model_id = ?"
				       " AND version = ? ORDER BY key", &st)) ||
	    (rc = cairn__stmt_bind_text(st, 1, model_id)) ||
	    (rc = cairn__stmt_bind_int64(st, 2, v)))
		return rc;
	while ((row = cairn__stmt_step(st)) == 1)
		json_object_set_new(*out, cairn__stmt_text(st, 0), json_string(cairn__stmt_text(st, 1)));
	return done(row);
}

int cairn__regdb_tag_put(cairn__db *db, const char *model_id, int64_t v, const char *key,
			 const char *value)
{
	cairn__stmt *st;
	int rc;

	if ((rc = cairn__db_prepare(db, "INSERT INTO model_tags(model_id, version, key, value)"
				       " VALUES (?, ?, ?, ?) ON CONFLICT (model_id, version, key)"
				       " DO UPDATE SET value = excluded.value", &st)) ||
	    (rc = cairn__stmt_bind_text(st, 1, model_id)) ||
	    (rc = cairn__stmt_bind_int64(st, 2, v)) ||
	    (rc = cairn__stmt_bind_text(st, 3, key)) ||
	    (rc = cairn__stmt_bind_text(st, 4, value)))
		return rc;
	return cairn__stmt_run(st);
}

int cairn__regdb_tag_delete(cairn__db *db, const char *model_id, int64_t v, const char *key)
{
	cairn__stmt *st;
	int rc;

	if ((rc = cairn__db_prepare(db, "DELETE FROM model_tags WHERE model_id = ? AND version = ?"
				       " AND key = ?", &st)) ||
	    (rc = cairn__stmt_bind_text(st, 1, model_id)) ||
	    (rc = cairn__stmt_bind_int64(st, 2, v)) ||
	    (rc = cairn__stmt_bind_text(st, 3, key)))
		return rc;
	return cairn__stmt_run(st);
}

int cairn__regdb_audit_head(cairn__db *db, int64_t *seq, char hash[CAIRN_HEX_LEN + 1])
{
	cairn__stmt *st;
	int rc, row;

	*seq = 0;
	*hash = '\0';
	if ((rc = cairn__db_prepare(db, "SELECT seq, hash FROM model_audit ORDER BY seq DESC"
				       " LIMIT 1", &st)))
		return rc;
	if ((row = cairn__stmt_step(st)) == 1) {
		*seq = cairn__stmt_int64(st, 0);
		snprintf(hash, CAIRN_HEX_LEN + 1, "%s", cairn__stmt_text(st, 1));
	}
	cairn__stmt_reset(st);
	return done(row);
}

int cairn__regdb_audit_insert(cairn__db *db, const struct cairn__audit_event *e)
{
	cairn__stmt *st;
	int rc;

	if ((rc = cairn__db_prepare(db, "INSERT INTO model_audit(seq, time_ms, \"user\", host,"
				       " model_id, model_name, action, before_json, after_json, message,"
				       " details, forced, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?,"
				       " ?, ?, ?, ?, ?, ?, ?)", &st)) ||
	    (rc = cairn__stmt_bind_int64(st, 1, e->seq)) ||
	    (rc = cairn__stmt_bind_int64(st, 2, e->time_ms)) ||
	    (rc = cairn__stmt_bind_text(st, 3, e->user)) ||
	    (rc = cairn__stmt_bind_text(st, 4, e->host)) ||
	    (rc = cairn__stmt_bind_text(st, 5, e->model_id)) ||
	    (rc = cairn__stmt_bind_text(st, 6, e->model_name)) ||
	    (rc = cairn__stmt_bind_text(st, 7, e->action)) ||
	    (rc = cairn__stmt_bind_text(st, 8, e->before)) ||
	    (rc = cairn__stmt_bind_text(st, 9, e->after)) ||
	    (rc = cairn__stmt_bind_text(st, 10, e->message)) ||
	    (rc = cairn__stmt_bind_text(st, 11, e->details)) ||
	    (rc = cairn__stmt_bind_int64(st, 12, e->forced)) ||
	    (rc = cairn__stmt_bind_text(st, 13, e->prev_hash)) ||
	    (rc = cairn__stmt_bind_text(st, 14, e->hash)))
		return rc;
	return cairn__stmt_run(st);
}

int cairn__regdb_audit_each(cairn__db *db, const char *model_id,
			    int (*fn)(const struct cairn__audit_event *e, void *arg), void *arg)
{
	cairn__stmt *st;
	int rc, row;

	if ((rc = cairn__db_prepare(db, "SELECT seq, time_ms, \"user\", host, model_id, model_name,"
				       " action, before_json, after_json, message, details, forced,"
				       " prev_hash, hash FROM model_audit WHERE ?1 = '' OR model_id = ?1"
				       " ORDER BY seq", &st)) ||
	    (rc = cairn__stmt_bind_text(st, 1, model_id ? model_id : "")))
		return rc;
	while ((row = cairn__stmt_step(st)) == 1) {
		struct cairn__audit_event e = {
			cairn__stmt_int64(st, 0), cairn__stmt_int64(st, 1),
			cairn__stmt_text(st, 2), cairn__stmt_text(st, 3), cairn__stmt_text(st, 4),
			cairn__stmt_text(st, 5), cairn__stmt_text(st, 6), cairn__stmt_text(st, 7),
			cairn__stmt_text(st, 8), cairn__stmt_text(st, 9), cairn__stmt_text(st, 10),
			cairn__stmt_int64(st, 11), cairn__stmt_text(st, 12), cairn__stmt_text(st, 13)
		};
		if ((rc = fn(&e, arg))) {
			cairn__stmt_reset(st);
			return rc;
		}
	}
	return done(row);
}
