/* The dataset catalog: versions, resolution of references, adding files and
 * directories, loading and checking out; see include/cairn/dataset.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cairn/dataset.h"
#include "cairn/error.h"
#include "cairn/profile.h"
#include "core/ctx-internal.h"
#include "core/fs.h"
#include "core/json.h"
#include "core/who.h"
#include "data/dataset-internal.h"
#include "store/db.h"

#define VERSION_COLUMNS \
	"id, name, version, hash, kind, format, size, files, rows, cols, schema, " \
	"profile, source, source_kind, params, description, created_ms, created_by"

void cairn_dataset_version_release(struct cairn_dataset_version *v)
{
	json_decref(v->schema);
	json_decref(v->params);
	json_decref(v->tags);
	json_decref(v->derived_from);
	free(v->source);
	free(v->description);
	free(v->created_by);
	memset(v, 0, sizeof(*v));
}

json_t *cairn_dataset_version_json(const struct cairn_dataset_version *v)
{
	char ts[32], ref[CAIRN_NAME_MAX + 32];
	json_t *o;

	cairn_format_time(v->created_ms, ts);
	snprintf(ref, sizeof(ref), "%s@%lld", v->name, (long long)v->version);
	o = json_pack("{s:s, s:s, s:s, s:I, s:s, s:s, s:I, s:I, s:s, s:s, s:s, s:s, s:s}",
		      "ref", ref, "id", v->id, "name", v->name, "version", (json_int_t)v->version,
		      "hash", v->hash, "kind", v->kind, "size", (json_int_t)v->size,
		      "files", (json_int_t)v->files, "source", v->source ? v->source : "",
		      "source_kind", v->source_kind, "description", v->description ? v->description : "",
		      "created_at", ts, "created_by", v->created_by ? v->created_by : "");
	json_object_set_new(o, "format", *v->format ? json_string(v->format) : json_null());
	json_object_set_new(o, "rows", v->rows >= 0 ? json_integer(v->rows) : json_null());
	json_object_set_new(o, "cols", v->cols >= 0 ? json_integer(v->cols) : json_null());
	json_object_set_new(o, "profile", *v->profile ? json_string(v->profile) : json_null());
	json_object_set(o, "schema", v->schema ? v->schema : json_null());
	json_object_set(o, "params", v->params ? v->params : json_null());
	json_object_set(o, "tags", v->tags ? v->tags : json_null());
	json_object_set(o, "derived_from", v->derived_from ? v->derived_from : json_null());
	return o;
}

static void copy_text(char *dst, size_t cap, const char *src)
{
	size_t n = strlen(src);
	if (n >= cap)
		n = cap - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

static json_t *parse_json_column(cairn__stmt *st, int col)
{
	const char *s = cairn__stmt_text(st, col);
	return *s ? json_loads(s, 0, NULL) : NULL;
}

/* Fills v from a row selected with VERSION_COLUMNS. */
static void read_row(cairn__stmt *st, struct cairn_dataset_version *v)
{
	memset(v, 0, sizeof(*v));
	copy_text(v->id, sizeof(v->id), cairn__stmt_text(st, 0));
	copy_text(v->name, sizeof(v->name), cairn__stmt_text(st, 1));
	v->version = cairn__stmt_int64(st, 2);
	copy_text(v->hash, sizeof(v->hash), cairn__stmt_text(st, 3));
	copy_text(v->kind, sizeof(v->kind), cairn__stmt_text(st, 4));
	copy_text(v->format, sizeof(v->format), cairn__stmt_text(st, 5));
	v->size = (uint64_t)cairn__stmt_int64(st, 6);
	v->files = cairn__stmt_int64(st, 7);
	v->rows = cairn__stmt_is_null(st, 8) ? -1 : cairn__stmt_int64(st, 8);
	v->cols = cairn__stmt_is_null(st, 9) ? -1 : cairn__stmt_int64(st, 9);
	v->schema = parse_json_column(st, 10);
	copy_text(v->profile, sizeof(v->profile), cairn__stmt_text(st, 11));
	v->source = cairn_xstrdup(cairn__stmt_text(st, 12));
	copy_text(v->source_kind, sizeof(v->source_kind), cairn__stmt_text(st, 13));
	v->params = parse_json_column(st, 14);
	if (!v->params)
		v->params = json_object();
	v->description = cairn_xstrdup(cairn__stmt_text(st, 15));
	v->created_ms = cairn__stmt_int64(st, 16);
	v->created_by = cairn_xstrdup(cairn__stmt_text(st, 17));
}

/* Loads tags and derived_from of v. */
static int read_relations(cairn__db *db, struct cairn_dataset_version *v)
{
	cairn__stmt *st;
	int rc, row;

	v->tags = json_object();
	v->derived_from = json_array();
	if ((rc = cairn__db_prepare(db, "SELECT key, value FROM dataset_tags WHERE version_id = ? ORDER BY key", &st)) ||
	    (rc = cairn__stmt_bind_text(st, 1, v->id)))
		return rc;
	while ((row = cairn__stmt_step(st)) == 1)
		json_object_set_new(v->tags, cairn__stmt_text(st, 0), json_string(cairn__stmt_text(st, 1)));
	if (row < 0)
		return CAIRN_EDB;
	if ((rc = cairn__db_prepare(db,
				   "SELECT d.name || '@' || d.version FROM lineage l"
				   " JOIN dataset_versions d ON d.id = l.dst_id"
				   " WHERE l.src_type = 'dataset_version' AND l.src_id = ?"
				   " AND l.relation = 'derived_from' AND l.dst_type = 'dataset_version'"
				   " ORDER BY d.name, d.version", &st)) ||
	    (rc = cairn__stmt_bind_text(st, 1, v->id)))
		return rc;
	while ((row = cairn__stmt_step(st)) == 1)
		json_array_append_new(v->derived_from, json_string(cairn__stmt_text(st, 0)));
	return row < 0 ? CAIRN_EDB : 0;
}

/* Runs st (bound) expecting at most one version row. */
static int fetch_one(cairn_ctx *ctx, cairn__db *db, cairn__stmt *st,
		     struct cairn_dataset_version *out, int *found)
{
	int row = cairn__stmt_step(st);

	*found = 0;
	if (row < 0)
		return cairn_errcode(ctx);
	if (row == 0)
		return 0;
	read_row(st, out);
	cairn__stmt_reset(st);
	*found = 1;
	return read_relations(db, out);
}

int cairn__dataset_latest(cairn_ctx *ctx, const char *name,
			  struct cairn_dataset_version *out, int *found)
{
	cairn__stmt *st;
	cairn__db *db;
	int rc;

	if ((rc = cairn__ctx_db(ctx, &db)) ||
	    (rc = cairn__db_prepare(db, "SELECT " VERSION_COLUMNS " FROM dataset_versions"
				       " WHERE name = ? ORDER BY version DESC LIMIT 1", &st)) ||
	    (rc = cairn__stmt_bind_text(st, 1, name)))
		return rc;
	return fetch_one(ctx, db, st, out, found);
}

int cairn__dataset_by_id(cairn_ctx *ctx, const char *id, struct cairn_dataset_version *out)
{
	cairn__stmt *st;
	cairn__db *db;
	int rc, found;

	if ((rc = cairn__ctx_db(ctx, &db)) ||
	    (rc = cairn__db_prepare(db, "SELECT " VERSION_COLUMNS " FROM dataset_versions"
				       " WHERE id = ?", &st)) ||
	    (rc = cairn__stmt_bind_text(st, 1, id)) ||
	    (rc = fetch_one(ctx, db, st, out, &found)))
		return rc;
	return found ? 0 : cairn_error(ctx, CAIRN_ENOTFOUND, "no dataset version '%s'", id);
}

static int dataset_exists(cairn_ctx *ctx, cairn__db *db, const char *name, int *exists)
{
	cairn__stmt *st;
	int rc, row;

	if ((rc = cairn__db_prepare(db, "SELECT 1 FROM datasets WHERE name = ?", &st)) ||
	    (rc = cairn__stmt_bind_text(st, 1, name)))
		return rc;
	row = cairn__stmt_step(st);
	cairn__stmt_reset(st);
	if (row < 0)
		return cairn_errcode(ctx);
	*exists = row;
	return 0;
}

static int not_found(cairn_ctx *ctx, const char *ref, const char *name)
{
	return cairn_error(ctx, CAIRN_ENOTFOUND,
			   "no dataset '%s' (see 'cairn data list'; add one with 'cairn data add SOURCE --name %s')",
			   ref, name);
}

static int by_hash_prefix(cairn_ctx *ctx, cairn__db *db, const struct cairn_ref *r,
			  const char *ref, struct cairn_dataset_version *out, int *found)
{
	cairn_buf hi = CAIRN_BUF_INIT;
	cairn__stmt *st;
	int rc, n = 0, row;

	*found = 0;
	cairn_buf_adds(&hi, r->selector);
	cairn_buf_addch(&hi, 0x7f);
	if ((rc = cairn__db_prepare(db, "SELECT " VERSION_COLUMNS " FROM dataset_versions"
				       " WHERE name = ? AND hash >= ? AND hash < ? ORDER BY version", &st)) ||
	    (rc = cairn__stmt_bind_text(st, 1, r->name)) ||
	    (rc = cairn__stmt_bind_text(st, 2, r->selector)) ||
	    (rc = cairn__stmt_bind_text(st, 3, hi.buf)))
		goto out;
	while ((row = cairn__stmt_step(st)) == 1) {
		if (n++ == 0)
			read_row(st, out);
	}
	if (row < 0) {
		rc = cairn_errcode(ctx);
		goto out;
	}
	/* Several versions may share content (a revert): the hash still names
	 * one content; only different contents make the prefix ambiguous. */
	if (n) {
		*found = 1;
		rc = read_relations(db, out);
	}
out:
	(void)ref;
	cairn_buf_release(&hi);
	return rc;
}

int cairn_dataset_resolve(cairn_ctx *ctx, const char *ref, struct cairn_dataset_version *out)
{
	struct cairn_ref r;
	cairn__stmt *st;
	cairn__db *db;
	int rc, found = 0, exists = 0;

	memset(out, 0, sizeof(*out));
	if ((rc = cairn__ctx_db(ctx, &db)))
		return rc;
	if ((rc = cairn_ref_parse(ctx, ref, &r)))
		return rc;
	if ((rc = dataset_exists(ctx, db, r.name, &exists)))
		return rc;
	if (!exists) {
		char *id = NULL;
		/* A bare id prefix of a version. */
		if (r.kind == CAIRN_REF_NAME && strlen(ref) >= 4 &&
		    cairn__db_resolve_prefix(db, "dataset version", "dataset_versions", "id",
					    ref, &id) == 0) {
			rc = cairn__dataset_by_id(ctx, id, out);
			free(id);
			return rc;
		}
		if (cairn_errcode(ctx) == CAIRN_EAMBIGUOUS)
			return CAIRN_EAMBIGUOUS;
		return not_found(ctx, ref, r.name);
	}
	switch (r.kind) {
	case CAIRN_REF_NAME:
		if ((rc = cairn__dataset_latest(ctx, r.name, out, &found)))
			return rc;
		break;
	case CAIRN_REF_VERSION:
		if ((rc = cairn__db_prepare(db, "SELECT " VERSION_COLUMNS " FROM dataset_versions"
					       " WHERE name = ? AND version = ?", &st)) ||
		    (rc = cairn__stmt_bind_text(st, 1, r.name)) ||
		    (rc = cairn__stmt_bind_int64(st, 2, r.version)) ||
		    (rc = fetch_one(ctx, db, st, out, &found)))
			return rc;
		break;
	case CAIRN_REF_ALIAS:
		if (!strcmp(r.selector, "latest")) {
			if ((rc = cairn__dataset_latest(ctx, r.name, out, &found)))
				return rc;
			break;
		}
		if (!r.maybe_hash)
			return cairn_error(ctx, CAIRN_ENOTFOUND,
					   "dataset '%s' has no alias '%s' (use %s@N for version N, %s@latest, or %s@<hash prefix>)",
					   r.name, r.selector, r.name, r.name, r.name);
		/* An alias-shaped hex selector is a hash prefix after all. */
		__attribute__((fallthrough));
	case CAIRN_REF_HASH:
		if ((rc = by_hash_prefix(ctx, db, &r, ref, out, &found)))
			return rc;
		break;
	}
	if (found)
		return 0;
	cairn_dataset_version_release(out);
	if (r.kind == CAIRN_REF_VERSION) {
		struct cairn_dataset_version latest;
		int have;
		if (!cairn__dataset_latest(ctx, r.name, &latest, &have) && have) {
			rc = cairn_error(ctx, CAIRN_ENOTFOUND,
					 "dataset '%s' has no version %lld (the latest is %s@%lld)",
					 r.name, (long long)r.version, r.name, (long long)latest.version);
			cairn_dataset_version_release(&latest);
			return rc;
		}
	}
	return cairn_error(ctx, CAIRN_ENOTFOUND, "no version of dataset '%s' matches '%s'",
			   r.name, ref);
}

int cairn__dataset_insert(cairn_ctx *ctx, const struct cairn__new_version *nv,
			  const struct cairn_dataset_add *opts,
			  struct cairn_dataset_version *out)
{
	char id[CAIRN_ID_LEN + 1];
	int64_t now = cairn_now_ms(), version = 1;
	cairn_buf schema = CAIRN_BUF_INIT, params = CAIRN_BUF_INIT;
	cairn__stmt *st;
	cairn__db *db;
	int rc, row;

	if ((rc = cairn__ctx_db(ctx, &db)))
		return rc;
	cairn_id_new(id);
	if (nv->schema)
		cairn_json_append(&schema, nv->schema, 0);
	if (opts->params)
		cairn_json_append(&params, opts->params, 0);
	else
		cairn_buf_adds(&params, "{}");
	if ((rc = cairn__db_begin(db)))
		goto out;
	if ((rc = cairn__db_prepare(db, "INSERT OR IGNORE INTO datasets(name, description, created_ms)"
				       " VALUES (?, '', ?)", &st)) ||
	    (rc = cairn__stmt_bind_text(st, 1, opts->name)) ||
	    (rc = cairn__stmt_bind_int64(st, 2, now)) ||
	    (rc = cairn__stmt_run(st)))
		goto fail;
	if ((rc = cairn__db_prepare(db, "SELECT coalesce(max(version), 0) + 1 FROM dataset_versions"
				       " WHERE name = ?", &st)) ||
	    (rc = cairn__stmt_bind_text(st, 1, opts->name)))
		goto fail;
	if ((row = cairn__stmt_step(st)) != 1) {
		rc = row < 0 ? cairn_errcode(ctx) : CAIRN_EDB;
		goto fail;
	}
	version = cairn__stmt_int64(st, 0);
	cairn__stmt_reset(st);
	if ((rc = cairn__db_prepare(db, "INSERT INTO dataset_versions(" VERSION_COLUMNS ")"
				       " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", &st)) ||
	    (rc = cairn__stmt_bind_text(st, 1, id)) ||
	    (rc = cairn__stmt_bind_text(st, 2, opts->name)) ||
	    (rc = cairn__stmt_bind_int64(st, 3, version)) ||
	    (rc = cairn__stmt_bind_text(st, 4, nv->hash)) ||
	    (rc = cairn__stmt_bind_text(st, 5, nv->kind)) ||
	    (rc = *nv->format ? cairn__stmt_bind_text(st, 6, nv->format) : cairn__stmt_bind_null(st, 6)) ||
	    (rc = cairn__stmt_bind_int64(st, 7, (int64_t)nv->size)) ||
	    (rc = cairn__stmt_bind_int64(st, 8, nv->files)) ||
	    (rc = nv->rows >= 0 ? cairn__stmt_bind_int64(st, 9, nv->rows) : cairn__stmt_bind_null(st, 9)) ||
	    (rc = nv->cols >= 0 ? cairn__stmt_bind_int64(st, 10, nv->cols) : cairn__stmt_bind_null(st, 10)) ||
	    (rc = schema.len ? cairn__stmt_bind_text(st, 11, schema.buf) : cairn__stmt_bind_null(st, 11)) ||
	    (rc = *nv->profile ? cairn__stmt_bind_text(st, 12, nv->profile) : cairn__stmt_bind_null(st, 12)) ||
	    (rc = cairn__stmt_bind_text(st, 13, opts->source)) ||
	    (rc = cairn__stmt_bind_text(st, 14, opts->source_kind)) ||
	    (rc = cairn__stmt_bind_text(st, 15, params.buf)) ||
	    (rc = cairn__stmt_bind_text(st, 16, opts->description ? opts->description : "")) ||
	    (rc = cairn__stmt_bind_int64(st, 17, now)) ||
	    (rc = cairn__stmt_bind_text(st, 18, cairn__current_user())) ||
	    (rc = cairn__stmt_run(st)))
		goto fail;
	if (opts->generated_by_run) {
		if ((rc = cairn__db_prepare(db, "SELECT 1 FROM runs WHERE id = ?", &st)) ||
		    (rc = cairn__stmt_bind_text(st, 1, opts->generated_by_run)))
			goto fail;
		row = cairn__stmt_step(st);
		cairn__stmt_reset(st);
		if (row != 1) {
			rc = row < 0 ? cairn_errcode(ctx) : cairn_error(ctx, CAIRN_ENOTFOUND,
				"no run '%s' to record as the maker of %s", opts->generated_by_run,
				opts->name);
			goto fail;
		}
		if ((rc = cairn__db_prepare(db, "INSERT OR IGNORE INTO lineage(src_type, src_id, relation,"
					       " dst_type, dst_id, created_ms) VALUES ('run', ?,"
					       " 'generated', 'dataset_version', ?, ?)", &st)) ||
		    (rc = cairn__stmt_bind_text(st, 1, opts->generated_by_run)) ||
		    (rc = cairn__stmt_bind_text(st, 2, id)) ||
		    (rc = cairn__stmt_bind_int64(st, 3, now)) ||
		    (rc = cairn__stmt_run(st)))
			goto fail;
	}
	for (size_t i = 0; i < opts->nderived; i++) {
		if ((rc = cairn__db_prepare(db, "INSERT OR IGNORE INTO lineage(src_type, src_id, relation,"
					       " dst_type, dst_id, created_ms) VALUES ('dataset_version', ?,"
					       " 'derived_from', 'dataset_version', ?, ?)", &st)) ||
		    (rc = cairn__stmt_bind_text(st, 1, id)) ||
		    (rc = cairn__stmt_bind_text(st, 2, opts->derived_from[i])) ||
		    (rc = cairn__stmt_bind_int64(st, 3, now)) ||
		    (rc = cairn__stmt_run(st)))
			goto fail;
	}
	if ((rc = cairn__db_commit(db)))
		goto out;
	if (out)
		rc = cairn__dataset_by_id(ctx, id, out);
	goto out;
fail:
	cairn__db_rollback(db);
out:
	cairn_buf_release(&schema);
	cairn_buf_release(&params);
	return rc;
}
