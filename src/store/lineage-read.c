/* Reading the edges that leave an entity; see src/store/lineage-read.h. */
#include <stdlib.h>
#include "cairn/buf.h"
#include "cairn/error.h"
#include "store/lineage-read.h"

int cairn__lineage_dst_ids(cairn__db *db, const char *src_type, const char *src_id,
			   const char *relation, const char *dst_type, char ***ids, size_t *n)
{
	cairn__stmt *st;
	size_t cap = 0;
	int rc, row;

	*ids = NULL;
	*n = 0;
	if ((rc = cairn__db_prepare(db, "SELECT dst_id FROM lineage WHERE src_type = ? AND src_id = ?"
				       " AND relation = ? AND dst_type = ?", &st)) ||
	    (rc = cairn__stmt_bind_text(st, 1, src_type)) ||
	    (rc = cairn__stmt_bind_text(st, 2, src_id)) ||
	    (rc = cairn__stmt_bind_text(st, 3, relation)) ||
	    (rc = cairn__stmt_bind_text(st, 4, dst_type)))
		return rc;
	while ((row = cairn__stmt_step(st)) == 1) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 4;
			*ids = cairn_xrealloc(*ids, cap * sizeof(**ids));
		}
		(*ids)[(*n)++] = cairn_xstrdup(cairn__stmt_text(st, 0));
	}
	if (row < 0) {
		cairn__lineage_ids_free(*ids, *n);
		*ids = NULL;
		*n = 0;
		return CAIRN_EDB;
	}
	return 0;
}

void cairn__lineage_ids_free(char **ids, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(ids[i]);
	free(ids);
}
