/*
 * The data module's tables (datasets, dataset_versions, dataset_tags,
 * stat_cache): the only code that reads or writes them. Versions, the
 * resolution of references, recording new versions with their lineage
 * edges (through store/lineage-db.h), listing, searching, tags and the
 * stat cache; see include/cairn/dataset.h.
 *
 * The SQL is the subset SQLite and PostgreSQL both run: upserts are
 * ON CONFLICT clauses, and no SQLite-only function appears; JSON columns
 * are read and matched in C.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cairn/dataset.h"
#include "cairn/error.h"
#include "cairn/objects.h"
#include "cairn/profile.h"
#include "core/ctx-internal.h"
#include "core/fs.h"
#include "core/json.h"
#include "core/who.h"
#include "data/dataset-internal.h"
#include "store/db.h"
#include "store/lineage-db.h"
#include "store/lineage-read.h"

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

struct ref_name {
	char *name;
	int64_t version;
};

static int cmp_ref_names(const void *a, const void *b)
{
	const struct ref_name *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	return c ? c : (x->version > y->version) - (x->version < y->version);
}

/* Appends "name@N" of every version v is derived from to v->derived_from,
 * by name then version. */
static int read_derived_from(cairn__db *db, struct cairn_dataset_version *v)
{
	struct ref_name *refs;
	cairn__stmt *st;
	char **ids = NULL;
	size_t n = 0, nrefs = 0;
	int rc, row;

	if ((rc = cairn__lineage_dst_ids(db, "dataset_version", v->id, "derived_from",
					 "dataset_version", &ids, &n)))
		return rc;
	refs = cairn_xcalloc(n ? n : 1, sizeof(*refs));
	for (size_t i = 0; i < n && !rc; i++) {
		if ((rc = cairn__db_prepare(db, "SELECT name, version FROM dataset_versions WHERE id = ?", &st)) ||
		    (rc = cairn__stmt_bind_text(st, 1, ids[i])))
			break;
		row = cairn__stmt_step(st);
		if (row == 1) {
			refs[nrefs].name = cairn_xstrdup(cairn__stmt_text(st, 0));
			refs[nrefs++].version = cairn__stmt_int64(st, 1);
		}
		cairn__stmt_reset(st);
		if (row < 0)
			rc = CAIRN_EDB;
	}
	if (nrefs)
		qsort(refs, nrefs, sizeof(*refs), cmp_ref_names);
	for (size_t i = 0; i < nrefs; i++) {
		cairn_buf ref = CAIRN_BUF_INIT;
		cairn_buf_addf(&ref, "%s@%lld", refs[i].name, (long long)refs[i].version);
		json_array_append_new(v->derived_from, json_string(ref.buf));
		cairn_buf_release(&ref);
		free(refs[i].name);
	}
	free(refs);
	cairn__lineage_ids_free(ids, n);
	return rc;
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
	return read_derived_from(db, v);
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

static int not_found(cairn_ctx *ctx, const char *ref)
{
	return cairn_error(ctx, CAIRN_ENOTFOUND, "no dataset '%s'", ref);
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
		return not_found(ctx, ref);
	}
	/* A name the context pins is that version (see ctx.h). */
	if ((r.kind == CAIRN_REF_NAME ||
	     (r.kind == CAIRN_REF_ALIAS && !strcmp(r.selector, "latest"))) &&
	    cairn__ctx_pinned(ctx, r.name, &r.version))
		r.kind = CAIRN_REF_VERSION;
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

/* Records one new version inside the caller's transaction; id receives its id. */
static int insert_one(cairn_ctx *ctx, cairn__db *db, const struct cairn__new_version *nv,
		      const struct cairn_dataset_add *opts, const char *created_by,
		      char id[CAIRN_ID_LEN + 1])
{
	int64_t now = cairn_now_ms(), version;
	cairn_buf schema = CAIRN_BUF_INIT, params = CAIRN_BUF_INIT;
	cairn__stmt *st;
	int rc, row;

	cairn_id_new(id);
	if (nv->schema)
		cairn_json_append(&schema, nv->schema, 0);
	if (nv->read) {
		json_t *p = opts->params ? json_deep_copy(opts->params) : json_object();
		json_object_set(p, "read", nv->read);
		cairn_json_append(&params, p, 0);
		json_decref(p);
	} else if (opts->params) {
		cairn_json_append(&params, opts->params, 0);
	} else {
		cairn_buf_adds(&params, "{}");
	}
	if ((rc = cairn__db_prepare(db, "INSERT INTO datasets(name, description, created_ms)"
				       " VALUES (?, '', ?) ON CONFLICT (name) DO NOTHING", &st)) ||
	    (rc = cairn__stmt_bind_text(st, 1, opts->name)) ||
	    (rc = cairn__stmt_bind_int64(st, 2, now)) ||
	    (rc = cairn__stmt_run(st)))
		goto out;
	if ((rc = cairn__db_prepare(db, "SELECT coalesce(max(version), 0) + 1 FROM dataset_versions"
				       " WHERE name = ?", &st)) ||
	    (rc = cairn__stmt_bind_text(st, 1, opts->name)))
		goto out;
	if ((row = cairn__stmt_step(st)) != 1) {
		rc = row < 0 ? cairn_errcode(ctx) : CAIRN_EDB;
		goto out;
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
	    (rc = cairn__stmt_bind_text(st, 18, created_by)) ||
	    (rc = cairn__stmt_run(st)))
		goto out;
	if (opts->generated_by_run &&
	    (rc = cairn__lineage_add(db, "run", opts->generated_by_run, "generated",
				     "dataset_version", id)))
		goto out;
	for (size_t i = 0; i < opts->nderived && !rc; i++)
		rc = cairn__lineage_add(db, "dataset_version", id, "derived_from", "dataset_version",
					opts->derived_from[i]);
out:
	cairn_buf_release(&schema);
	cairn_buf_release(&params);
	return rc;
}

int cairn__dataset_insert(cairn_ctx *ctx, const struct cairn__new_version *nv,
			  const struct cairn_dataset_add *opts, size_t n,
			  struct cairn_dataset_version *out)
{
	char (*ids)[CAIRN_ID_LEN + 1] = cairn_xcalloc(n ? n : 1, sizeof(*ids));
	const char *user = cairn__current_user();
	cairn__db *db;
	size_t done = 0;
	int rc;

	if ((rc = cairn__ctx_db(ctx, &db)) || (rc = cairn__db_begin(db)))
		goto out;
	for (size_t i = 0; i < n && !rc; i++)
		rc = insert_one(ctx, db, &nv[i], &opts[i], user, ids[i]);
	if (rc) {
		cairn__db_rollback(db);
		goto out;
	}
	if ((rc = cairn__db_commit(db)) || !out)
		goto out;
	for (; done < n && !rc; done++)
		rc = cairn__dataset_by_id(ctx, ids[done], &out[done]);
	if (rc)
		for (size_t i = 0; i + 1 < done; i++)
			cairn_dataset_version_release(&out[i]);
out:
	free(ids);
	return rc;
}

/* Reuses the profile and schema of any version with the same content. */
int cairn__dataset_profile_by_hash(cairn_ctx *ctx, const char *hash, const json_t *read,
				   struct cairn__new_version *nv, json_t **schema, int *found)
{
	cairn__stmt *st;
	cairn__db *db;
	int rc, row;

	*found = 0;
	if ((rc = cairn__ctx_db(ctx, &db)) ||
	    (rc = cairn__db_prepare(db, "SELECT format, rows, cols, schema, profile, params"
				       " FROM dataset_versions WHERE hash = ? AND kind = 'file'"
				       " AND profile IS NOT NULL", &st)) ||
	    (rc = cairn__stmt_bind_text(st, 1, hash)))
		return rc;
	while ((row = cairn__stmt_step(st)) == 1) {
		json_t *params = json_loads(cairn__stmt_text(st, 5), 0, NULL);
		int match = cairn__read_options_match(params, read);

		json_decref(params);
		if (!match)
			continue;
		snprintf(nv->format, sizeof(nv->format), "%s", cairn__stmt_text(st, 0));
		nv->rows = cairn__stmt_int64(st, 1);
		nv->cols = cairn__stmt_int64(st, 2);
		*schema = json_loads(cairn__stmt_text(st, 3), 0, NULL);
		snprintf(nv->profile, sizeof(nv->profile), "%s", cairn__stmt_text(st, 4));
		*found = *schema != NULL;
		break;
	}
	cairn__stmt_reset(st);
	return row < 0 ? cairn_errcode(ctx) : 0;
}

/* Calls fn on the versions ids[0..n), read one by one. */
static int each_version(cairn_ctx *ctx, const char (*ids)[CAIRN_ID_LEN + 1], size_t n,
			cairn_dataset_fn fn, void *arg)
{
	int rc = 0;

	for (size_t i = 0; i < n && !rc; i++) {
		struct cairn_dataset_version v;
		if ((rc = cairn__dataset_by_id(ctx, ids[i], &v)))
			break;
		rc = fn(&v, arg);
		cairn_dataset_version_release(&v);
	}
	return rc;
}

/* Collects the ids st returns, then calls fn on each version: the
 * statement is done before fn runs, so fn may use the store freely. */
static int each_id(cairn_ctx *ctx, cairn__stmt *st, cairn_dataset_fn fn, void *arg)
{
	char (*ids)[CAIRN_ID_LEN + 1] = NULL;
	size_t n = 0, cap = 0;
	int rc = 0, row;

	while ((row = cairn__stmt_step(st)) == 1) {
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			ids = cairn_xrealloc(ids, cap * sizeof(*ids));
		}
		snprintf(ids[n++], CAIRN_ID_LEN + 1, "%s", cairn__stmt_text(st, 0));
	}
	if (row < 0)
		rc = cairn_errcode(ctx);
	if (!rc)
		rc = each_version(ctx, ids, n, fn, arg);
	free(ids);
	return rc;
}

int cairn_dataset_list(cairn_ctx *ctx, const char *name, cairn_dataset_fn fn, void *arg)
{
	cairn__stmt *st;
	cairn__db *db;
	int rc, exists = 0;

	if ((rc = cairn__ctx_db(ctx, &db)))
		return rc;
	if (!name)
		rc = cairn__db_prepare(db, "SELECT v.id FROM dataset_versions v"
					  " WHERE v.version = (SELECT max(version) FROM dataset_versions"
					  " WHERE name = v.name) ORDER BY v.name", &st);
	else if (!(rc = cairn__db_prepare(db, "SELECT count(*) FROM datasets WHERE name = ?", &st)) &&
		 !(rc = cairn__stmt_bind_text(st, 1, name))) {
		exists = cairn__stmt_step(st) == 1 && cairn__stmt_int64(st, 0) > 0;
		cairn__stmt_reset(st);
		if (!exists)
			return cairn_error(ctx, CAIRN_ENOTFOUND, "no dataset '%s'", name);
		if (!(rc = cairn__db_prepare(db, "SELECT id FROM dataset_versions WHERE name = ?"
						" ORDER BY version", &st)))
			rc = cairn__stmt_bind_text(st, 1, name);
	}
	if (rc)
		return rc;
	return each_id(ctx, st, fn, arg);
}

/* ASCII lower case, as SQLite's lower() and LIKE fold. */
static void lower_ascii(char *s)
{
	for (; *s; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s = (char)(*s - 'A' + 'a');
}

/* 1 when the name of a column in the schema JSON text contains text
 * (already in lower case). */
static int schema_matches(const char *schema_text, const char *text)
{
	json_t *schema = *schema_text ? json_loads(schema_text, 0, NULL) : NULL, *c;
	size_t i;
	int hit = 0;

	json_array_foreach(schema, i, c) {
		const char *name = json_string_value(json_object_get(c, "name"));
		char *lower;
		if (!name)
			continue;
		lower = cairn_xstrdup(name);
		lower_ascii(lower);
		hit = strstr(lower, text) != NULL;
		free(lower);
		if (hit)
			break;
	}
	json_decref(schema);
	return hit;
}

int cairn_dataset_search(cairn_ctx *ctx, const char *text, cairn_dataset_fn fn, void *arg)
{
	cairn_buf pattern = CAIRN_BUF_INIT;
	char (*ids)[CAIRN_ID_LEN + 1] = NULL;
	char *lower = cairn_xstrdup(text);
	size_t n = 0, cap = 0;
	cairn__stmt *st;
	cairn__db *db;
	int rc, row;

	/* LIKE with an escape character, so that % and _ in text match
	 * literally; both sides in lower case, so that the match ignores case
	 * on SQLite and PostgreSQL alike. Column names are inside the schema
	 * JSON, matched here rather than with a database's JSON functions. */
	lower_ascii(lower);
	cairn_buf_addch(&pattern, '%');
	for (const char *s = lower; *s; s++) {
		if (*s == '%' || *s == '_' || *s == '\\')
			cairn_buf_addch(&pattern, '\\');
		cairn_buf_addch(&pattern, *s);
	}
	cairn_buf_addch(&pattern, '%');
	if ((rc = cairn__ctx_db(ctx, &db)) ||
	    (rc = cairn__db_prepare(db,
		"SELECT v.id, CASE WHEN lower(v.name) LIKE ? ESCAPE '\\'"
		" OR lower(v.description) LIKE ? ESCAPE '\\'"
		" OR lower(d.description) LIKE ? ESCAPE '\\' OR lower(v.source) LIKE ? ESCAPE '\\'"
		" OR EXISTS (SELECT 1 FROM dataset_tags t WHERE t.version_id = v.id"
		"            AND (lower(t.key) LIKE ? ESCAPE '\\' OR lower(t.value) LIKE ? ESCAPE '\\'))"
		" THEN 1 ELSE 0 END, v.schema"
		" FROM dataset_versions v JOIN datasets d ON d.name = v.name"
		" ORDER BY v.created_ms DESC, v.id DESC", &st)))
		goto out;
	for (int i = 1; i <= 6 && !rc; i++)
		rc = cairn__stmt_bind_text(st, i, pattern.buf);
	if (rc)
		goto out;
	while ((row = cairn__stmt_step(st)) == 1) {
		if (!cairn__stmt_int64(st, 1) && !schema_matches(cairn__stmt_text(st, 2), lower))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			ids = cairn_xrealloc(ids, cap * sizeof(*ids));
		}
		snprintf(ids[n++], CAIRN_ID_LEN + 1, "%s", cairn__stmt_text(st, 0));
	}
	if (row < 0) {
		rc = cairn_errcode(ctx);
		goto out;
	}
	rc = each_version(ctx, ids, n, fn, arg);
out:
	free(ids);
	free(lower);
	cairn_buf_release(&pattern);
	return rc;
}

int cairn_dataset_tag(cairn_ctx *ctx, const struct cairn_dataset_version *v, const char *key,
		      const char *value)
{
	cairn__stmt *st;
	cairn__db *db;
	int rc;

	if (!*key)
		return cairn_error(ctx, CAIRN_EINVAL, "a tag needs a key");
	if ((rc = cairn__ctx_db(ctx, &db)))
		return rc;
	if (value)
		rc = cairn__db_prepare(db, "INSERT INTO dataset_tags(version_id, key, value) VALUES (?, ?, ?)"
					  " ON CONFLICT (version_id, key) DO UPDATE SET value = excluded.value", &st);
	else
		rc = cairn__db_prepare(db, "DELETE FROM dataset_tags WHERE version_id = ? AND key = ?", &st);
	if (rc || (rc = cairn__stmt_bind_text(st, 1, v->id)) || (rc = cairn__stmt_bind_text(st, 2, key)) ||
	    (value && (rc = cairn__stmt_bind_text(st, 3, value))) || (rc = cairn__stmt_run(st)))
		return rc;
	if (!value && !cairn__db_changes(db))
		return cairn_error(ctx, CAIRN_ENOTFOUND, "%s@%lld has no tag '%s'", v->name,
				   (long long)v->version, key);
	return 0;
}

int cairn_dataset_describe(cairn_ctx *ctx, const struct cairn_dataset_version *v,
			   const char *text)
{
	cairn__stmt *st;
	cairn__db *db;
	int rc;

	if ((rc = cairn__ctx_db(ctx, &db)) ||
	    (rc = cairn__db_prepare(db, "UPDATE dataset_versions SET description = ? WHERE id = ?", &st)) ||
	    (rc = cairn__stmt_bind_text(st, 1, text)) || (rc = cairn__stmt_bind_text(st, 2, v->id)))
		return rc;
	return cairn__stmt_run(st);
}

/* The stat cache: a file unchanged since it was hashed (same path, device,
 * inode, size, nanosecond mtime and ctime) is not hashed again, as DVC and
 * git do. The ctime catches a file rewritten in place whose mtime was set
 * back (touch -d, rsync -t, tar x): only the kernel sets it. */
static int64_t mtime_ns(const struct stat *st)
{
	return (int64_t)st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec;
}

static int64_t ctime_ns(const struct stat *st)
{
	return (int64_t)st->st_ctim.tv_sec * 1000000000 + st->st_ctim.tv_nsec;
}

int cairn__statcache_lookup(cairn_ctx *ctx, const char *abspath, const struct stat *st,
			    char hash[CAIRN_HEX_LEN + 1], int *hit)
{
	cairn__stmt *s;
	cairn__db *db;
	int rc, row;

	*hit = 0;
	if ((rc = cairn__ctx_db(ctx, &db)) ||
	    (rc = cairn__db_prepare(db, "SELECT hash FROM stat_cache WHERE path = ? AND dev = ?"
				       " AND ino = ? AND size = ? AND mtime_ns = ? AND ctime_ns = ?", &s)) ||
	    (rc = cairn__stmt_bind_text(s, 1, abspath)) ||
	    (rc = cairn__stmt_bind_int64(s, 2, (int64_t)st->st_dev)) ||
	    (rc = cairn__stmt_bind_int64(s, 3, (int64_t)st->st_ino)) ||
	    (rc = cairn__stmt_bind_int64(s, 4, (int64_t)st->st_size)) ||
	    (rc = cairn__stmt_bind_int64(s, 5, mtime_ns(st))) ||
	    (rc = cairn__stmt_bind_int64(s, 6, ctime_ns(st))))
		return rc;
	row = cairn__stmt_step(s);
	if (row < 0)
		return cairn_errcode(ctx);
	if (row == 1 && cairn_is_sha256_hex(cairn__stmt_text(s, 0))) {
		memcpy(hash, cairn__stmt_text(s, 0), CAIRN_HEX_LEN + 1);
		*hit = cairn_object_exists(ctx, hash);
	}
	cairn__stmt_reset(s);
	return 0;
}

int cairn__statcache_store(cairn_ctx *ctx, const char *abspath, const struct stat *st,
			   const char *hash)
{
	cairn__stmt *s;
	cairn__db *db;
	int rc;

	if ((rc = cairn__ctx_db(ctx, &db)) ||
	    (rc = cairn__db_prepare(db, "INSERT INTO stat_cache(path, dev, ino, size, mtime_ns, hash, ctime_ns)"
				       " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (path) DO UPDATE SET"
				       " dev = excluded.dev, ino = excluded.ino, size = excluded.size,"
				       " mtime_ns = excluded.mtime_ns, hash = excluded.hash,"
				       " ctime_ns = excluded.ctime_ns", &s)) ||
	    (rc = cairn__stmt_bind_text(s, 1, abspath)) ||
	    (rc = cairn__stmt_bind_int64(s, 2, (int64_t)st->st_dev)) ||
	    (rc = cairn__stmt_bind_int64(s, 3, (int64_t)st->st_ino)) ||
	    (rc = cairn__stmt_bind_int64(s, 4, (int64_t)st->st_size)) ||
	    (rc = cairn__stmt_bind_int64(s, 5, mtime_ns(st))) ||
	    (rc = cairn__stmt_bind_text(s, 6, hash)) ||
	    (rc = cairn__stmt_bind_int64(s, 7, ctime_ns(st))))
		return rc;
	return cairn__stmt_run(s);
}
