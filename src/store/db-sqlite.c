/* The SQLite driver of the metadata store (WAL, busy timeout, foreign
 * keys); see db-driver.h. The only file that includes sqlite3.h. */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include "cairn/buf.h"
#include "cairn/version.h"
#include "store/db-driver.h"

/* Long enough for any realistic queue of writers; each waits its turn. */
#define BUSY_TIMEOUT_MS 60000

static int ok(int rc)
{
	return rc == SQLITE_OK ? 0 : -1;
}

static int set_wal(sqlite3 *h)
{
	sqlite3_stmt *s;
	int is_wal;

	/* Changing the journal mode needs an exclusive lock: only do it once.
	 * SQLite does not wait for that lock (the busy timeout does not apply),
	 * so when several processes open a new database at once, the losers
	 * retry until one of them has switched it. */
	for (int waited_ms = 0; ; waited_ms += 10) {
		is_wal = 0;
		if (sqlite3_prepare_v2(h, "PRAGMA journal_mode", -1, &s, NULL) != SQLITE_OK)
			return -1;
		if (sqlite3_step(s) == SQLITE_ROW)
			is_wal = !strcmp((const char *)sqlite3_column_text(s, 0), "wal");
		sqlite3_finalize(s);
		if (is_wal || sqlite3_exec(h, "PRAGMA journal_mode = WAL", NULL, NULL, NULL) == SQLITE_OK)
			return 0;
		if ((sqlite3_errcode(h) & 0xff) != SQLITE_BUSY || waited_ms >= BUSY_TIMEOUT_MS)
			return -1;
		sqlite3_sleep(10);
	}
}

static int sq_open(const char *target, int create, void **conn, const char **what)
{
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
	sqlite3 *h = NULL;

	*what = "cannot open";
	if (sqlite3_open_v2(target, &h, flags, NULL) != SQLITE_OK) {
		*conn = h;
		return -1;
	}
	*conn = h;
	sqlite3_extended_result_codes(h, 1);
	sqlite3_busy_timeout(h, BUSY_TIMEOUT_MS);
	/* Most cairn processes are short (`cairn log metric` in a loop): the last
	 * one to close would checkpoint and delete the WAL each time, two fsyncs
	 * and a file re-created by the next. Writers checkpoint as the WAL grows
	 * (every 1000 pages) instead. */
	sqlite3_db_config(h, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);
	*what = "cannot switch to WAL mode";
	if (set_wal(h))
		return -1;
	/* In WAL mode NORMAL keeps the database consistent across crashes; a
	 * power loss may forget the last commits, never half of one. */
	*what = "cannot run statement";
	return ok(sqlite3_exec(h, "PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;",
			       NULL, NULL, NULL));
}

static void sq_close(void *conn)
{
	sqlite3_close_v2(conn);
}

static const char *sq_errmsg(void *conn)
{
	return sqlite3_errmsg(conn);
}

static int sq_is_corrupt(void *conn)
{
	int primary = sqlite3_extended_errcode(conn) & 0xff;
	return primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB;
}

static int sq_exec(void *conn, const char *sql)
{
	return ok(sqlite3_exec(conn, sql, NULL, NULL, NULL));
}

static int sq_begin(void *conn)
{
	return sq_exec(conn, "BEGIN IMMEDIATE");
}

static int sq_commit(void *conn)
{
	return sq_exec(conn, "COMMIT");
}

static void sq_rollback(void *conn)
{
	if (!sqlite3_get_autocommit(conn))
		sqlite3_exec(conn, "ROLLBACK", NULL, NULL, NULL);
}

static int sq_prepare(void *conn, const char *sql, void **stmt)
{
	sqlite3_stmt *s;

	if (sqlite3_prepare_v3(conn, sql, -1, SQLITE_PREPARE_PERSISTENT, &s, NULL) != SQLITE_OK)
		return -1;
	*stmt = s;
	return 0;
}

static void sq_finalize(void *stmt)
{
	sqlite3_finalize(stmt);
}

static int sq_bind_text(void *stmt, int idx, const char *s)
{
	return ok(sqlite3_bind_text(stmt, idx, s, -1, SQLITE_TRANSIENT));
}

static int sq_bind_int64(void *stmt, int idx, int64_t v)
{
	return ok(sqlite3_bind_int64(stmt, idx, v));
}

static int sq_bind_double(void *stmt, int idx, double v)
{
	return ok(sqlite3_bind_double(stmt, idx, v));
}

static int sq_bind_null(void *stmt, int idx)
{
	return ok(sqlite3_bind_null(stmt, idx));
}

static int sq_bind_blob(void *stmt, int idx, const void *p, size_t n)
{
	return ok(sqlite3_bind_blob64(stmt, idx, p, n, SQLITE_TRANSIENT));
}

static int sq_step(void *stmt)
{
	int rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	return -1;
}

static const char *sq_column_text(void *stmt, int col)
{
	return (const char *)sqlite3_column_text(stmt, col);
}

static int64_t sq_column_int64(void *stmt, int col)
{
	return sqlite3_column_int64(stmt, col);
}

static double sq_column_double(void *stmt, int col)
{
	return sqlite3_column_double(stmt, col);
}

static int sq_column_is_null(void *stmt, int col)
{
	return sqlite3_column_type(stmt, col) == SQLITE_NULL;
}

static void sq_reset(void *stmt)
{
	sqlite3_reset(stmt);
	sqlite3_clear_bindings(stmt);
}

static int64_t sq_changes(void *conn)
{
	return sqlite3_changes64(conn);
}

/* The schema version lives in the database header (PRAGMA user_version). */
static int sq_get_schema_version(void *conn, int *version)
{
	sqlite3_stmt *s;
	int rc;

	if (sqlite3_prepare_v2(conn, "PRAGMA user_version", -1, &s, NULL) != SQLITE_OK)
		return -1;
	rc = sqlite3_step(s);
	*version = rc == SQLITE_ROW ? sqlite3_column_int(s, 0) : 0;
	sqlite3_finalize(s);
	return rc == SQLITE_ROW ? 0 : -1;
}

static int sq_set_schema_version(void *conn, int version)
{
	cairn_buf sql = CAIRN_BUF_INIT;
	int rc;

	cairn_buf_addf(&sql, "PRAGMA user_version = %d", version);
	rc = sq_exec(conn, sql.buf);
	cairn_buf_release(&sql);
	return rc;
}

/* quick_check: structure, not index contents, which would take long on a
 * large store. */
static int sq_integrity_check(void *conn, void (*fn)(const char *problem, void *arg), void *arg)
{
	sqlite3_stmt *s;
	int rc;

	if (sqlite3_prepare_v2(conn, "PRAGMA quick_check", -1, &s, NULL) != SQLITE_OK)
		return -1;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const char *text = (const char *)sqlite3_column_text(s, 0);
		if (text && strcmp(text, "ok"))
			fn(text, arg);
	}
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : -1;
}

const struct cairn__db_driver cairn__db_sqlite = {
	.scheme = "sqlite",
	/* A column "INTEGER PRIMARY KEY" is the table's rowid: assigned when
	 * the insert leaves it out. A table keyed by its primary key is stored
	 * in that key's order, with no separate rowid. */
	.serial_key = "INTEGER PRIMARY KEY",
	.table_options = " WITHOUT ROWID",
	.open = sq_open,
	.close = sq_close,
	.errmsg = sq_errmsg,
	.is_corrupt = sq_is_corrupt,
	.exec = sq_exec,
	.begin = sq_begin,
	.commit = sq_commit,
	.rollback = sq_rollback,
	.prepare = sq_prepare,
	.finalize = sq_finalize,
	.bind_text = sq_bind_text,
	.bind_int64 = sq_bind_int64,
	.bind_double = sq_bind_double,
	.bind_null = sq_bind_null,
	.bind_blob = sq_bind_blob,
	.step = sq_step,
	.column_text = sq_column_text,
	.column_int64 = sq_column_int64,
	.column_double = sq_column_double,
	.column_is_null = sq_column_is_null,
	.reset = sq_reset,
	.changes = sq_changes,
	.get_schema_version = sq_get_schema_version,
	.set_schema_version = sq_set_schema_version,
	.integrity_check = sq_integrity_check,
};

const char *cairn_sqlite_version(void)
{
	return sqlite3_libversion();
}
