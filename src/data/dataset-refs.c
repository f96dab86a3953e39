/* The objects dataset versions name, listed for fsck; see dataset-refs.h. */
#include "cairn/error.h"
#include "data/dataset-refs.h"
#include "store/db.h"

int cairn__dataset_object_refs(cairn_ctx *ctx, cairn__object_ref_fn *fn, void *arg)
{
	cairn__stmt *st;
	cairn__db *db;
	int rc, row;

	if ((rc = cairn__ctx_db(ctx, &db)) ||
	    (rc = cairn__db_prepare(db,
				   "SELECT 'dataset ' || name || '@' || version, 'content', hash"
				   " FROM dataset_versions"
				   " UNION ALL SELECT 'dataset ' || name || '@' || version, 'profile', profile"
				   " FROM dataset_versions WHERE profile IS NOT NULL"
				   " ORDER BY 1, 2", &st)))
		return rc;
	while ((row = cairn__stmt_step(st)) == 1) {
		if ((rc = fn(cairn__stmt_text(st, 0), cairn__stmt_text(st, 1),
			     cairn__stmt_text(st, 2), arg)))
			break;
	}
	cairn__stmt_reset(st);
	if (row < 0)
		return cairn_errcode(ctx);
	return rc;
}
