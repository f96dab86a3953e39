/*
 * The lineage table: edges "src relation dst" between entities (dataset
 * versions, runs, artifacts, models ...), in the W3C PROV vocabulary. This
 * is the only code that reads or writes the table (the graph walk of
 * src/track/lineage.c and the exports read it through the functions below); every module that
 * records an edge calls cairn__lineage_add inside its own transaction, so
 * an entity and its edges are stored together or not at all.
 */
#ifndef CAIRN_STORE_LINEAGE_DB_H
#define CAIRN_STORE_LINEAGE_DB_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include "cairn/buf.h"
#include "store/db.h"

/* Records a lineage edge (src_type src_id relation dst_type dst_id) inside
 * the caller's transaction; an existing edge is kept. */
int cairn__lineage_add(cairn__db *db, const char *src_type, const char *src_id,
		       const char *relation, const char *dst_type, const char *dst_id);

/*
 * Reading. Strings and arrays returned belong to the caller.
 */

/* An edge as stored. */
struct cairn__lineage_row {
	char *src_type, *src_id, *relation, *dst_type, *dst_id;
	int64_t created_ms;
};

/* Appends to *rows (n rows, room for *cap; grown as needed) every edge that
 * leaves (from set) or enters node (type, id), ordered by relation and the
 * other end. */
int cairn__lineage_edges(cairn__db *db, const char *type, const char *id, int from,
			 struct cairn__lineage_row **rows, size_t *n, size_t *cap);
/* Frees the strings of n rows (not the array). */
void cairn__lineage_rows_release(struct cairn__lineage_row *rows, size_t n);

/* The other ends of the edges (src_type src_id relation ...) as [[dst_type,
 * dst_id]] ordered by type and id (new reference). */
int cairn__lineage_targets(cairn__db *db, const char *src_type, const char *src_id,
			   const char *relation, json_t **out);

/* *found is 1 when node (type, id) is an end of some edge. */
int cairn__lineage_has_node(cairn__db *db, const char *type, const char *id, int *found);
/* *found is 1 when some edge has an end of type. */
int cairn__lineage_has_type(cairn__db *db, const char *type, int *found);

/* Of the edges (src_type src_id relation dst_type dst_id), the dst_id that
 * is path itself or the longest that is a directory above it ("R/out" for
 * "R/out/model.json"), into out; *found 0 when none. */
int cairn__lineage_covering(cairn__db *db, const char *src_type, const char *src_id,
			    const char *relation, const char *dst_type, const char *path,
			    cairn_buf *out, int *found);

#endif
