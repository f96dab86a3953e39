/* A read-only query on a user's SQLite file, row by row; see
 * src/store/sqlite-query.h. */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include "cairn/buf.h"
#include "cairn/error.h"
#include "store/sqlite-query.h"

int cairn__sqlite_query_file(cairn_ctx *ctx, const char *path, const char *query,
			     cairn__sqlite_row_fn fn, void *arg)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	const char **text = NULL;
	size_t *len = NULL;
	int rc = 0, step, ncols;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		rc = cairn_error(ctx, CAIRN_EIO, "cannot open SQLite database '%s': %s", path,
				 db ? sqlite3_errmsg(db) : "out of memory");
		goto out;
	}
	sqlite3_busy_timeout(db, 10000);
	if (sqlite3_prepare_v2(db, query, -1, &st, NULL) != SQLITE_OK) {
		rc = cairn_error(ctx, CAIRN_EINVAL, "SQL error in '%s': %s", path, sqlite3_errmsg(db));
		goto out;
	}
	ncols = sqlite3_column_count(st);
	if (!ncols) {
		rc = cairn_error(ctx, CAIRN_EINVAL, "the query on '%s' returns no columns", path);
		goto out;
	}
	text = cairn_xcalloc((size_t)ncols, sizeof(*text));
	len = cairn_xcalloc((size_t)ncols, sizeof(*len));
	for (int i = 0; i < ncols; i++) {
		text[i] = sqlite3_column_name(st, i);
		len[i] = strlen(text[i]);
	}
	if ((rc = fn(arg, ncols, text, len)))
		goto out;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		for (int i = 0; i < ncols; i++) {
			/* Text first, then its length, as SQLite's documentation asks. */
			text[i] = (const char *)sqlite3_column_text(st, i);
			len[i] = (size_t)sqlite3_column_bytes(st, i);
			if (sqlite3_column_type(st, i) == SQLITE_NULL)
				text[i] = NULL;
			else if (!text[i])
				text[i] = "";
		}
		if ((rc = fn(arg, ncols, text, len)))
			goto out;
	}
	if (step != SQLITE_DONE)
		rc = cairn_error(ctx, CAIRN_EIO, "SQL error in '%s': %s", path, sqlite3_errmsg(db));
out:
	free(text);
	free(len);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return rc;
}
