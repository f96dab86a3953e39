/* The objects run artifacts name, listed for fsck; see run-refs.h. */
#include "cairn/error.h"
#include "store/db.h"
#include "track/run-refs.h"

int cairn__run_object_refs(cairn_ctx *ctx, cairn__object_ref_fn *fn, void *arg)
{
	cairn__stmt *st;
	cairn__db *db;
	int rc, row;

	if ((rc = cairn__ctx_db(ctx, &db)) ||
	    (rc = cairn__db_prepare(db,
				   "SELECT 'run ' || r.id || ' artifact ' || a.path, a.hash"
				   " FROM run_artifacts a JOIN runs r ON r.seq = a.run"
				   " ORDER BY 1", &st)))
		return rc;
	while ((row = cairn__stmt_step(st)) == 1) {
		if ((rc = fn(cairn__stmt_text(st, 0), "content", cairn__stmt_text(st, 1), arg)))
			break;
	}
	cairn__stmt_reset(st);
	if (row < 0)
		return cairn_errcode(ctx);
	return rc;
}
