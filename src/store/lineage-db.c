/* The lineage table's data access; see src/store/lineage-db.h. */
#include "cairn/id.h"
#include "store/db.h"
#include "store/lineage-db.h"

int cairn__lineage_add(cairn__db *db, const char *src_type, const char *src_id,
		       const char *relation, const char *dst_type, const char *dst_id)
{
	cairn__stmt *st;
	int rc;

	if ((rc = cairn__db_prepare(db, "INSERT OR IGNORE INTO lineage(src_type, src_id, relation,"
				       " dst_type, dst_id, created_ms) VALUES (?, ?, ?, ?, ?, ?)", &st)) ||
	    (rc = cairn__stmt_bind_text(st, 1, src_type)) ||
	    (rc = cairn__stmt_bind_text(st, 2, src_id)) ||
	    (rc = cairn__stmt_bind_text(st, 3, relation)) ||
	    (rc = cairn__stmt_bind_text(st, 4, dst_type)) ||
	    (rc = cairn__stmt_bind_text(st, 5, dst_id)) ||
	    (rc = cairn__stmt_bind_int64(st, 6, cairn_now_ms())))
		return rc;
	return cairn__stmt_run(st);
}
