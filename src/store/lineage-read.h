/*
 * Reading the lineage table (see store/lineage-db.h for its one writer):
 * the edges that leave one entity, for modules that show where their
 * entities came from without reading the table themselves.
 */
#ifndef CAIRN_STORE_LINEAGE_READ_H
#define CAIRN_STORE_LINEAGE_READ_H

#include <stddef.h>
#include "store/db.h"

/*
 * The dst ids of the edges (src_type src_id relation dst_type *), in no
 * particular order: *ids is a new array of *n new strings, freed with
 * cairn__lineage_ids_free (also on error, when it is NULL and *n is 0).
 */
int cairn__lineage_dst_ids(cairn__db *db, const char *src_type, const char *src_id,
			   const char *relation, const char *dst_type, char ***ids, size_t *n);
void cairn__lineage_ids_free(char **ids, size_t n);

#endif
