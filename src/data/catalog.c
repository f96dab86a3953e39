/* Listing, searching, tagging and describing dataset versions; see
 * include/cairn/dataset.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cairn/dataset.h"
#include "cairn/error.h"
#include "core/ctx-internal.h"
#include "data/dataset-internal.h"
#include "store/db.h"

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
	for (size_t i = 0; i < n && !rc; i++) {
		struct cairn_dataset_version v;
		if ((rc = cairn__dataset_by_id(ctx, ids[i], &v)))
			break;
		rc = fn(&v, arg);
		cairn_dataset_version_release(&v);
	}
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
			return cairn_error(ctx, CAIRN_ENOTFOUND, "no dataset '%s' (see 'cairn data list')", name);
		if (!(rc = cairn__db_prepare(db, "SELECT id FROM dataset_versions WHERE name = ?"
						" ORDER BY version", &st)))
			rc = cairn__stmt_bind_text(st, 1, name);
	}
	if (rc)
		return rc;
	return each_id(ctx, st, fn, arg);
}

int cairn_dataset_search(cairn_ctx *ctx, const char *text, cairn_dataset_fn fn, void *arg)
{
	cairn_buf pattern = CAIRN_BUF_INIT;
	cairn__stmt *st;
	cairn__db *db;
	int rc;

	/* LIKE with an escape character, so that % and _ in text match literally. */
	cairn_buf_addch(&pattern, '%');
	for (const char *s = text; *s; s++) {
		if (*s == '%' || *s == '_' || *s == '\\')
			cairn_buf_addch(&pattern, '\\');
		cairn_buf_addch(&pattern, *s);
	}
	cairn_buf_addch(&pattern, '%');
	if (!(rc = cairn__ctx_db(ctx, &db)) &&
	    !(rc = cairn__db_prepare(db,
		"SELECT v.id FROM dataset_versions v JOIN datasets d ON d.name = v.name"
		" WHERE v.name LIKE ?1 ESCAPE '\\' OR v.description LIKE ?1 ESCAPE '\\'"
		" OR d.description LIKE ?1 ESCAPE '\\' OR v.source LIKE ?1 ESCAPE '\\'"
		" OR EXISTS (SELECT 1 FROM dataset_tags t WHERE t.version_id = v.id"
		"            AND (t.key LIKE ?1 ESCAPE '\\' OR t.value LIKE ?1 ESCAPE '\\'))"
		" OR EXISTS (SELECT 1 FROM json_each(CASE WHEN json_valid(v.schema) THEN v.schema ELSE '[]' END) c"
		"            WHERE json_extract(c.value, '$.name') LIKE ?1 ESCAPE '\\')"
		" ORDER BY v.created_ms DESC, v.id DESC", &st)) &&
	    !(rc = cairn__stmt_bind_text(st, 1, pattern.buf)))
		rc = each_id(ctx, st, fn, arg);
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
		rc = cairn__db_prepare(db, "INSERT OR REPLACE INTO dataset_tags(version_id, key, value)"
					  " VALUES (?, ?, ?)", &st);
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
