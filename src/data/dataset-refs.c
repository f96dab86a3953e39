/* The objects dataset versions name, listed for fsck and gc; see
 * dataset-refs.h. */
#include <stdlib.h>
#include <string.h>
#include "cairn/error.h"
#include "cairn/hash.h"
#include "cairn/objects.h"
#include "core/json.h"
#include "data/dataset-refs.h"
#include "store/db.h"

/* The files of a directory version, listed by its manifest object. */
static int manifest_refs(cairn_ctx *ctx, const char *what, const char *hash,
			 cairn__object_ref_fn *fn, void *arg)
{
	cairn_buf path = CAIRN_BUF_INIT;
	json_t *manifest = NULL, *e;
	size_t i;
	int rc = 0;

	/* A missing manifest is the version's own dangling content. */
	if (!cairn_object_exists(ctx, hash))
		return 0;
	cairn_object_path(ctx, hash, &path);
	if ((rc = cairn_json_load_file(ctx, path.buf, &manifest)))
		goto out;
	json_array_foreach(json_object_get(manifest, "files"), i, e) {
		const char *h = json_string_value(json_object_get(e, "hash"));
		if (h && cairn_is_sha256_hex(h) && (rc = fn(what, "file", h, arg)))
			break;
	}
out:
	json_decref(manifest);
	cairn_buf_release(&path);
	return rc;
}

int cairn__dataset_object_refs(cairn_ctx *ctx, cairn__object_ref_fn *fn, void *arg)
{
	char **dirs = NULL;
	size_t ndirs = 0, cap = 0;
	cairn__stmt *st;
	cairn__db *db;
	int rc, row;

	if ((rc = cairn__ctx_db(ctx, &db)) ||
	    (rc = cairn__db_prepare(db,
				   "SELECT 'dataset ' || name || '@' || version, 'content', hash, kind"
				   " FROM dataset_versions"
				   " UNION ALL SELECT 'dataset ' || name || '@' || version, 'profile', profile,"
				   " '' FROM dataset_versions WHERE profile IS NOT NULL"
				   " ORDER BY 1, 2", &st)))
		return rc;
	while ((row = cairn__stmt_step(st)) == 1) {
		if ((rc = fn(cairn__stmt_text(st, 0), cairn__stmt_text(st, 1),
			     cairn__stmt_text(st, 2), arg)))
			break;
		if (!strcmp(cairn__stmt_text(st, 3), "dir")) {
			if (ndirs + 2 > cap) {
				cap = cap ? 2 * cap : 16;
				dirs = cairn_xrealloc(dirs, cap * sizeof(*dirs));
			}
			dirs[ndirs++] = cairn_xstrdup(cairn__stmt_text(st, 0));
			dirs[ndirs++] = cairn_xstrdup(cairn__stmt_text(st, 2));
		}
	}
	cairn__stmt_reset(st);
	if (row < 0)
		rc = cairn_errcode(ctx);
	/* The statement is done: reading the manifests may use the store. */
	for (size_t i = 0; i < ndirs; i += 2)
		if (!rc)
			rc = manifest_refs(ctx, dirs[i], dirs[i + 1], fn, arg);
	for (size_t i = 0; i < ndirs; i++)
		free(dirs[i]);
	free(dirs);
	return rc;
}
