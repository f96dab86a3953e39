/* The stat cache: a file unchanged since it was hashed (same path, device,
 * inode, size and nanosecond mtime) is not hashed again, as DVC and git do. */
#include <string.h>
#include "cairn/error.h"
#include "cairn/objects.h"
#include "core/ctx-internal.h"
#include "data/dataset-internal.h"
#include "store/db.h"

static int64_t mtime_ns(const struct stat *st)
{
	return (int64_t)st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec;
}

int cairn__statcache_lookup(cairn_ctx *ctx, const char *abspath, const struct stat *st,
			    char hash[CAIRN_HEX_LEN + 1], int *hit)
{
	cairn__stmt *s;
	cairn__db *db;
	int rc, row;

	*hit = 0;
	if ((rc = cairn__ctx_db(ctx, &db)) ||
	    (rc = cairn__db_prepare(db, "SELECT hash FROM stat_cache WHERE path = ? AND dev = ?"
				       " AND ino = ? AND size = ? AND mtime_ns = ?", &s)) ||
	    (rc = cairn__stmt_bind_text(s, 1, abspath)) ||
	    (rc = cairn__stmt_bind_int64(s, 2, (int64_t)st->st_dev)) ||
	    (rc = cairn__stmt_bind_int64(s, 3, (int64_t)st->st_ino)) ||
	    (rc = cairn__stmt_bind_int64(s, 4, (int64_t)st->st_size)) ||
	    (rc = cairn__stmt_bind_int64(s, 5, mtime_ns(st))))
		return rc;
	row = cairn__stmt_step(s);
	if (row < 0)
		return cairn_errcode(ctx);
	if (row == 1 && cairn_is_sha256_hex(cairn__stmt_text(s, 0))) {
		memcpy(hash, cairn__stmt_text(s, 0), CAIRN_HEX_LEN + 1);
		*hit = cairn_object_exists(ctx, hash);
	}
	cairn__stmt_reset(s);
	return 0;
}

int cairn__statcache_store(cairn_ctx *ctx, const char *abspath, const struct stat *st,
			   const char *hash)
{
	cairn__stmt *s;
	cairn__db *db;
	int rc;

	if ((rc = cairn__ctx_db(ctx, &db)) ||
	    (rc = cairn__db_prepare(db, "INSERT OR REPLACE INTO stat_cache(path, dev, ino, size,"
				       " mtime_ns, hash) VALUES (?, ?, ?, ?, ?, ?)", &s)) ||
	    (rc = cairn__stmt_bind_text(s, 1, abspath)) ||
	    (rc = cairn__stmt_bind_int64(s, 2, (int64_t)st->st_dev)) ||
	    (rc = cairn__stmt_bind_int64(s, 3, (int64_t)st->st_ino)) ||
	    (rc = cairn__stmt_bind_int64(s, 4, (int64_t)st->st_size)) ||
	    (rc = cairn__stmt_bind_int64(s, 5, mtime_ns(st))) ||
	    (rc = cairn__stmt_bind_text(s, 6, hash)))
		return rc;
	return cairn__stmt_run(s);
}
