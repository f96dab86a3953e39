/*
 * The lineage table: edges "src relation dst" between entities (dataset
 * versions, runs, artifacts, models ...), in the W3C PROV vocabulary. This
 * is the only code that reads or writes the table; every module that
 * records an edge calls cairn__lineage_add inside its own transaction, so
 * an entity and its edges are stored together or not at all.
 */
#ifndef CAIRN_STORE_LINEAGE_DB_H
#define CAIRN_STORE_LINEAGE_DB_H

#include "store/db.h"

/* Records a lineage edge (src_type src_id relation dst_type dst_id) inside
 * the caller's transaction; an existing edge is kept. */
int cairn__lineage_add(cairn__db *db, const char *src_type, const char *src_id,
		       const char *relation, const char *dst_type, const char *dst_id);

#endif
