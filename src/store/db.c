/* The metadata store over SQLite (WAL, busy timeout, migrations, statement
 * cache); see src/store/db.h. */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include "cairn/buf.h"
#include "cairn/error.h"
#include "cairn/id.h"
#include "core/log.h"
#include "cairn/version.h"
#include "store/db.h"
#include "store/migrations.h"

/* Long enough for any realistic queue of writers; each waits its turn. */
#define BUSY_TIMEOUT_MS 60000

struct cairn__stmt {
	cairn__db *db;
	sqlite3_stmt *s;
	char *sql;
};

struct cairn__db {
	cairn_ctx *ctx;
	sqlite3 *h;
	char *path;
	int in_tx;
	int schema_version;
	/* Every statement prepared on this connection, kept until close: the
	 * program has a fixed set of SQL texts, and a statement a caller holds
	 * must never move or vanish. */
	int nstmts, alloc_stmts;
	struct cairn__stmt **stmts;
};

static int db_error(cairn__db *db, const char *what)
{
	int code = sqlite3_extended_errcode(db->h);
	int primary = code & 0xff;
	return cairn_error(db->ctx, primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB ?
			   CAIRN_ECORRUPT : CAIRN_EDB,
			   "metadata store '%s': %s: %s", db->path, what,
			   sqlite3_errmsg(db->h));
}

int cairn__db_exec(cairn__db *db, const char *sql)
{
	if (sqlite3_exec(db->h, sql, NULL, NULL, NULL) != SQLITE_OK)
		return db_error(db, "cannot run statement");
	return 0;
}

int cairn__db_begin(cairn__db *db)
{
	int rc;
	if (db->in_tx)
		return cairn_error(db->ctx, CAIRN_EINTERNAL,
				   "metadata store: a transaction is already open");
	if ((rc = cairn__db_exec(db, "BEGIN IMMEDIATE")))
		return rc;
	db->in_tx = 1;
	return 0;
}

int cairn__db_commit(cairn__db *db)
{
	int rc;
	if (!db->in_tx)
		return cairn_error(db->ctx, CAIRN_EINTERNAL,
				   "metadata store: commit without a transaction");
	rc = cairn__db_exec(db, "COMMIT");
	if (rc) {
		cairn__db_rollback(db);
		return rc;
	}
	db->in_tx = 0;
	return 0;
}

void cairn__db_rollback(cairn__db *db)
{
	if (!db || !db->in_tx)
		return;
	if (!sqlite3_get_autocommit(db->h))
		sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
	db->in_tx = 0;
}

int cairn__db_prepare(cairn__db *db, const char *sql, cairn__stmt **out)
{
	struct cairn__stmt *st;
	sqlite3_stmt *s;

	for (int i = 0; i < db->nstmts; i++) {
		st = db->stmts[i];
		if (!strcmp(st->sql, sql)) {
			sqlite3_reset(st->s);
			sqlite3_clear_bindings(st->s);
			*out = st;
			return 0;
		}
	}
	if (sqlite3_prepare_v3(db->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &s,
			       NULL) != SQLITE_OK)
		return db_error(db, "cannot prepare statement");
	if (db->nstmts == db->alloc_stmts) {
		db->alloc_stmts = db->alloc_stmts ? 2 * db->alloc_stmts : 16;
		db->stmts = cairn_xrealloc(db->stmts,
					   sizeof(*db->stmts) * (size_t)db->alloc_stmts);
	}
	st = cairn_xcalloc(1, sizeof(*st));
	st->db = db;
	st->s = s;
	st->sql = cairn_xstrdup(sql);
	db->stmts[db->nstmts++] = st;
	*out = st;
	return 0;
}

static int bind_result(cairn__stmt *st, int rc)
{
	return rc == SQLITE_OK ? 0 : db_error(st->db, "cannot bind parameter");
}

int cairn__stmt_bind_text(cairn__stmt *st, int idx, const char *s)
{
	return bind_result(st, sqlite3_bind_text(st->s, idx, s, -1, SQLITE_TRANSIENT));
}

int cairn__stmt_bind_int64(cairn__stmt *st, int idx, int64_t v)
{
	return bind_result(st, sqlite3_bind_int64(st->s, idx, v));
}

int cairn__stmt_bind_double(cairn__stmt *st, int idx, double v)
{
	return bind_result(st, sqlite3_bind_double(st->s, idx, v));
}

int cairn__stmt_bind_null(cairn__stmt *st, int idx)
{
	return bind_result(st, sqlite3_bind_null(st->s, idx));
}

int cairn__stmt_bind_blob(cairn__stmt *st, int idx, const void *p, size_t n)
{
	return bind_result(st, sqlite3_bind_blob64(st->s, idx, p, n, SQLITE_TRANSIENT));
}

int cairn__stmt_step(cairn__stmt *st)
{
	int rc = sqlite3_step(st->s);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	db_error(st->db, "query failed");
	sqlite3_reset(st->s);
	return -1;
}

int cairn__stmt_run(cairn__stmt *st)
{
	int rc = cairn__stmt_step(st);
	if (rc < 0)
		return cairn_errcode(st->db->ctx);
	sqlite3_reset(st->s);
	return 0;
}

const char *cairn__stmt_text(cairn__stmt *st, int col)
{
	const unsigned char *s = sqlite3_column_text(st->s, col);
	return s ? (const char *)s : "";
}

int64_t cairn__stmt_int64(cairn__stmt *st, int col)
{
	return sqlite3_column_int64(st->s, col);
}

double cairn__stmt_double(cairn__stmt *st, int col)
{
	return sqlite3_column_double(st->s, col);
}

int cairn__stmt_is_null(cairn__stmt *st, int col)
{
	return sqlite3_column_type(st->s, col) == SQLITE_NULL;
}

void cairn__stmt_reset(cairn__stmt *st)
{
	sqlite3_reset(st->s);
	sqlite3_clear_bindings(st->s);
}

int64_t cairn__db_changes(cairn__db *db)
{
	return sqlite3_changes64(db->h);
}

int cairn__db_schema_version(cairn__db *db)
{
	return db->schema_version;
}

static int read_user_version(cairn__db *db, int *version)
{
	sqlite3_stmt *s;
	int rc;

	if (sqlite3_prepare_v2(db->h, "PRAGMA user_version", -1, &s, NULL) != SQLITE_OK)
		return db_error(db, "cannot read the schema version");
	rc = sqlite3_step(s);
	*version = rc == SQLITE_ROW ? sqlite3_column_int(s, 0) : 0;
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW)
		return db_error(db, "cannot read the schema version");
	return 0;
}

static int migrate(cairn__db *db)
{
	const struct cairn_migration *m;
	int n, current, latest, rc;
	cairn_buf sql = CAIRN_BUF_INIT;
	cairn__stmt *st;

	m = cairn__migrations(&n);
	latest = m[n - 1].version;
	if ((rc = read_user_version(db, &current)))
		return rc;
	if (current == latest)
		goto done;

	/* Take the write lock, then look again: another process may have won. */
	if ((rc = cairn__db_begin(db)))
		return rc;
	if ((rc = read_user_version(db, &current)))
		goto fail;
	if (current > latest) {
		rc = cairn_error(db->ctx, CAIRN_EDB,
				 "metadata store '%s' has schema version %d, newer than this cairn knows (%d): upgrade cairn",
				 db->path, current, latest);
		goto fail;
	}
	if ((rc = cairn__db_exec(db,
				"CREATE TABLE IF NOT EXISTS schema_migrations ("
				"  version INTEGER PRIMARY KEY,"
				"  name TEXT NOT NULL,"
				"  applied_at TEXT NOT NULL)")))
		goto fail;
	for (int i = 0; i < n; i++) {
		char ts[32];
		if (m[i].version <= current)
			continue;
		cairn__log_debug(db->ctx, "applying schema migration %d (%s)", m[i].version, m[i].name);
		if ((rc = cairn__db_exec(db, m[i].sql))) {
			cairn_error_prefix(db->ctx, "migration %d (%s)", m[i].version, m[i].name);
			goto fail;
		}
		cairn_format_time(cairn_now_ms(), ts);
		if ((rc = cairn__db_prepare(db,
					   "INSERT INTO schema_migrations(version, name, applied_at) VALUES (?, ?, ?)",
					   &st)) ||
		    (rc = cairn__stmt_bind_int64(st, 1, m[i].version)) ||
		    (rc = cairn__stmt_bind_text(st, 2, m[i].name)) ||
		    (rc = cairn__stmt_bind_text(st, 3, ts)) ||
		    (rc = cairn__stmt_run(st)))
			goto fail;
	}
	cairn_buf_addf(&sql, "PRAGMA user_version = %d", latest);
	if ((rc = cairn__db_exec(db, sql.buf)) || (rc = cairn__db_commit(db)))
		goto fail;
	cairn_buf_release(&sql);
done:
	db->schema_version = latest;
	return 0;
fail:
	cairn_buf_release(&sql);
	cairn__db_rollback(db);
	return rc;
}

static int set_wal(cairn__db *db)
{
	sqlite3_stmt *s;
	int is_wal;

	/* Changing the journal mode needs an exclusive lock: only do it once.
	 * SQLite does not wait for that lock (the busy timeout does not apply),
	 * so when several processes open a new database at once, the losers
	 * retry until one of them has switched it. */
	for (int waited_ms = 0; ; waited_ms += 10) {
		is_wal = 0;
		if (sqlite3_prepare_v2(db->h, "PRAGMA journal_mode", -1, &s, NULL) != SQLITE_OK)
			return db_error(db, "cannot read the journal mode");
		if (sqlite3_step(s) == SQLITE_ROW)
			is_wal = !strcmp((const char *)sqlite3_column_text(s, 0), "wal");
		sqlite3_finalize(s);
		if (is_wal ||
		    sqlite3_exec(db->h, "PRAGMA journal_mode = WAL", NULL, NULL, NULL) == SQLITE_OK)
			return 0;
		if ((sqlite3_errcode(db->h) & 0xff) != SQLITE_BUSY || waited_ms >= BUSY_TIMEOUT_MS)
			return db_error(db, "cannot switch to WAL mode");
		sqlite3_sleep(10);
	}
}

int cairn__db_open(cairn_ctx *ctx, const char *path, int create, cairn__db **out)
{
	cairn__db *db = cairn_xcalloc(1, sizeof(*db));
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX |
		    (create ? SQLITE_OPEN_CREATE : 0);
	int rc;

	db->ctx = ctx;
	db->path = cairn_xstrdup(path);
	if (sqlite3_open_v2(path, &db->h, flags, NULL) != SQLITE_OK) {
		if (!db->h) {
			rc = cairn_error(ctx, CAIRN_ENOMEM, "cannot open metadata store '%s'", path);
			goto fail;
		}
		rc = db_error(db, "cannot open");
		goto fail;
	}
	sqlite3_extended_result_codes(db->h, 1);
	sqlite3_busy_timeout(db->h, BUSY_TIMEOUT_MS);
	/* Most cairn processes are short (`cairn log metric` in a loop): the last
	 * one to close would checkpoint and delete the WAL each time, two fsyncs
	 * and a file re-created by the next. Writers checkpoint as the WAL grows
	 * (every 1000 pages) instead. */
	sqlite3_db_config(db->h, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);
	/* In WAL mode NORMAL keeps the database consistent across crashes; a
	 * power loss may forget the last commits, never half of one. */
	if ((rc = set_wal(db)) ||
	    (rc = cairn__db_exec(db, "PRAGMA synchronous = NORMAL;"
				    "PRAGMA foreign_keys = ON;")) ||
	    (rc = migrate(db)))
		goto fail;
	*out = db;
	return 0;
fail:
	cairn__db_close(db);
	return rc;
}

void cairn__db_close(cairn__db *db)
{
	if (!db)
		return;
	cairn__db_rollback(db);
	for (int i = 0; i < db->nstmts; i++) {
		sqlite3_finalize(db->stmts[i]->s);
		free(db->stmts[i]->sql);
		free(db->stmts[i]);
	}
	free(db->stmts);
	sqlite3_close_v2(db->h);
	free(db->path);
	free(db);
}

int cairn__db_resolve_prefix(cairn__db *db, const char *what, const char *table,
			    const char *column, const char *prefix, char **full)
{
	cairn_buf sql = CAIRN_BUF_INIT, hi = CAIRN_BUF_INIT, seen = CAIRN_BUF_INIT;
	cairn__stmt *st;
	int rc, n = 0;

	/* A range scan on the key: prefix <= key < prefix followed by 0xff. */
	cairn_buf_addf(&sql, "SELECT %s FROM %s WHERE %s >= ?1 AND %s < ?2 ORDER BY %s LIMIT 6",
		       column, table, column, column, column);
	cairn_buf_adds(&hi, prefix);
	cairn_buf_addch(&hi, 0xff);
	if ((rc = cairn__db_prepare(db, sql.buf, &st)) ||
	    (rc = cairn__stmt_bind_text(st, 1, prefix)) ||
	    (rc = cairn__stmt_bind_text(st, 2, hi.buf)))
		goto out;
	*full = NULL;
	while ((rc = cairn__stmt_step(st)) == 1) {
		if (n++ == 0)
			*full = cairn_xstrdup(cairn__stmt_text(st, 0));
		if (n <= 5)
			cairn_buf_addf(&seen, "%s%s", n > 1 ? ", " : "", cairn__stmt_text(st, 0));
	}
	cairn__stmt_reset(st);
	if (rc < 0) {
		rc = cairn_errcode(db->ctx);
		goto out;
	}
	if (n == 0)
		rc = cairn_error(db->ctx, CAIRN_ENOTFOUND, "no %s matches '%s'", what, prefix);
	else if (n > 1)
		rc = cairn_error(db->ctx, CAIRN_EAMBIGUOUS,
				 "%s prefix '%s' is ambiguous: it matches %s%s", what, prefix,
				 seen.buf, n > 5 ? ", ..." : "");
	else
		rc = 0;
	if (rc) {
		free(*full);
		*full = NULL;
	}
out:
	cairn_buf_release(&sql);
	cairn_buf_release(&hi);
	cairn_buf_release(&seen);
	return rc;
}

const char *cairn_sqlite_version(void)
{
	return sqlite3_libversion();
}
