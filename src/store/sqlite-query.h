/*
 * A read-only query on a user's SQLite database file (not the metadata
 * store): the narrow door through which data acquisition reads SQLite
 * without including sqlite3.h outside src/store.
 */
#ifndef CAIRN_STORE_SQLITE_QUERY_H
#define CAIRN_STORE_SQLITE_QUERY_H

#include <stddef.h>
#include "cairn/ctx.h"

/*
 * Called first with the column names, then once per row: text[i] is the
 * value of column i as text (NULL for SQL NULL), len[i] its length. A
 * non-zero return stops the query and is returned (the callback sets the
 * message on the context).
 */
typedef int (*cairn__sqlite_row_fn)(void *arg, int ncols, const char *const *text,
				    const size_t *len);

/*
 * Opens the SQLite file at path read-only, runs query and calls fn as
 * above. Errors name the file: "cannot open SQLite database 'x.db': ...",
 * "SQL error in 'x.db': ..." (CAIRN_EINVAL for a query that does not
 * prepare or returns no columns, CAIRN_EIO otherwise).
 */
int cairn__sqlite_query_file(cairn_ctx *ctx, const char *path, const char *query,
			     cairn__sqlite_row_fn fn, void *arg);

#endif
