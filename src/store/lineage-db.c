/* The lineage table's data access; see src/store/lineage-db.h. */
#include <stdlib.h>
#include "cairn/buf.h"
#include "cairn/error.h"
#include "cairn/id.h"
#include "store/db.h"
#include "store/lineage-db.h"

int cairn__lineage_add(cairn__db *db, const char *src_type, const char *src_id,
		       const char *relation, const char *dst_type, const char *dst_id)
{
	cairn__stmt *st;
	int rc;

	if ((rc = cairn__db_prepare(db, "INSERT INTO lineage(src_type, src_id, relation,"
				       " dst_type, dst_id, created_ms) VALUES (?, ?, ?, ?, ?, ?)"
				       " ON CONFLICT DO NOTHING", &st)) ||
	    (rc = cairn__stmt_bind_text(st, 1, src_type)) ||
	    (rc = cairn__stmt_bind_text(st, 2, src_id)) ||
	    (rc = cairn__stmt_bind_text(st, 3, relation)) ||
	    (rc = cairn__stmt_bind_text(st, 4, dst_type)) ||
	    (rc = cairn__stmt_bind_text(st, 5, dst_id)) ||
	    (rc = cairn__stmt_bind_int64(st, 6, cairn_now_ms())))
		return rc;
	return cairn__stmt_run(st);
}

int cairn__lineage_edges(cairn__db *db, const char *type, const char *id, int from,
			 struct cairn__lineage_row **rows, size_t *n, size_t *cap)
{
	cairn__stmt *st;
	int rc, row;

	if ((rc = from
	     ? cairn__db_prepare(db, "SELECT src_type, src_id, relation, dst_type, dst_id, created_ms"
				     " FROM lineage WHERE src_type = ? AND src_id = ?"
				     " ORDER BY relation, dst_type, dst_id", &st)
	     : cairn__db_prepare(db, "SELECT src_type, src_id, relation, dst_type, dst_id, created_ms"
				     " FROM lineage WHERE dst_type = ? AND dst_id = ?"
				     " ORDER BY relation, src_type, src_id", &st)) ||
	    (rc = cairn__stmt_bind_text(st, 1, type)) ||
	    (rc = cairn__stmt_bind_text(st, 2, id)))
		return rc;
	while ((row = cairn__stmt_step(st)) == 1) {
		struct cairn__lineage_row *r;
		if (*n == *cap) {
			*cap = *cap ? 2 * *cap : 16;
			*rows = cairn_xrealloc(*rows, *cap * sizeof(**rows));
		}
		r = &(*rows)[(*n)++];
		r->src_type = cairn_xstrdup(cairn__stmt_text(st, 0));
		r->src_id = cairn_xstrdup(cairn__stmt_text(st, 1));
		r->relation = cairn_xstrdup(cairn__stmt_text(st, 2));
		r->dst_type = cairn_xstrdup(cairn__stmt_text(st, 3));
		r->dst_id = cairn_xstrdup(cairn__stmt_text(st, 4));
		r->created_ms = cairn__stmt_int64(st, 5);
	}
	return row < 0 ? CAIRN_EDB : 0;
}

void cairn__lineage_rows_release(struct cairn__lineage_row *rows, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(rows[i].src_type);
		free(rows[i].src_id);
		free(rows[i].relation);
		free(rows[i].dst_type);
		free(rows[i].dst_id);
	}
}

int cairn__lineage_targets(cairn__db *db, const char *src_type, const char *src_id,
			   const char *relation, json_t **out)
{
	cairn__stmt *st;
	int rc, row;

	*out = json_array();
	if ((rc = cairn__db_prepare(db, "SELECT dst_type, dst_id FROM lineage WHERE src_type = ?"
				       " AND src_id = ? AND relation = ? ORDER BY dst_type, dst_id", &st)) ||
	    (rc = cairn__stmt_bind_text(st, 1, src_type)) ||
	    (rc = cairn__stmt_bind_text(st, 2, src_id)) ||
	    (rc = cairn__stmt_bind_text(st, 3, relation)))
		return rc;
	while ((row = cairn__stmt_step(st)) == 1)
		json_array_append_new(*out, json_pack("[s, s]", cairn__stmt_text(st, 0),
						      cairn__stmt_text(st, 1)));
	return row < 0 ? CAIRN_EDB : 0;
}

/* Steps a statement that answers with a row or none into *found. */
static int exists(cairn__stmt *st, int *found)
{
	int row = cairn__stmt_step(st);

	cairn__stmt_reset(st);
	*found = row == 1;
	return row < 0 ? CAIRN_EDB : 0;
}

int cairn__lineage_has_node(cairn__db *db, const char *type, const char *id, int *found)
{
	cairn__stmt *st;
	int rc;

	*found = 0;
	if ((rc = cairn__db_prepare(db, "SELECT 1 FROM lineage WHERE (src_type = ?1 AND src_id = ?2)"
				       " OR (dst_type = ?1 AND dst_id = ?2) LIMIT 1", &st)) ||
	    (rc = cairn__stmt_bind_text(st, 1, type)) ||
	    (rc = cairn__stmt_bind_text(st, 2, id)))
		return rc;
	return exists(st, found);
}

int cairn__lineage_has_type(cairn__db *db, const char *type, int *found)
{
	cairn__stmt *st;
	int rc;

	*found = 0;
	if ((rc = cairn__db_prepare(db, "SELECT 1 FROM lineage WHERE src_type = ?1 UNION ALL"
				       " SELECT 1 FROM lineage WHERE dst_type = ?1 LIMIT 1", &st)) ||
	    (rc = cairn__stmt_bind_text(st, 1, type)))
		return rc;
	return exists(st, found);
}

int cairn__lineage_covering(cairn__db *db, const char *src_type, const char *src_id,
			    const char *relation, const char *dst_type, const char *path,
			    cairn_buf *out, int *found)
{
	cairn__stmt *st;
	int rc, row;

	*found = 0;
	if ((rc = cairn__db_prepare(db, "SELECT dst_id FROM lineage WHERE src_type = ?1 AND"
				       " src_id = ?2 AND relation = ?3 AND dst_type = ?4 AND (dst_id = ?5"
				       " OR substr(?5, 1, length(dst_id) + 1) = dst_id || '/')"
				       " ORDER BY length(dst_id) DESC LIMIT 1", &st)) ||
	    (rc = cairn__stmt_bind_text(st, 1, src_type)) ||
	    (rc = cairn__stmt_bind_text(st, 2, src_id)) ||
	    (rc = cairn__stmt_bind_text(st, 3, relation)) ||
	    (rc = cairn__stmt_bind_text(st, 4, dst_type)) ||
	    (rc = cairn__stmt_bind_text(st, 5, path)))
		return rc;
	if ((row = cairn__stmt_step(st)) == 1) {
		cairn_buf_reset(out);
		cairn_buf_adds(out, cairn__stmt_text(st, 0));
		*found = 1;
	}
	cairn__stmt_reset(st);
	return row < 0 ? CAIRN_EDB : 0;
}
