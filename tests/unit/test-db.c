/* Unit tests for the metadata store: migrations, transactions, the statement
 * cache, prefix resolution, and many processes writing at once. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "cairn/ctx.h"
#include "cairn/error.h"
#include "core/fs.h"
#include "store/db.h"
#include "store/migrations.h"
#include "tests/unit/suites.h"

/* The single integer a one-row query returns (-1 on error). */
static int64_t query_int(cairn__db *db, const char *sql)
{
	cairn__stmt *st;
	int64_t v = -1;

	if (cairn__db_prepare(db, sql, &st) == 0 && cairn__stmt_step(st) == 1)
		v = cairn__stmt_int64(st, 0);
	return v;
}

static int latest_version(int *count)
{
	int n;
	const struct cairn__migration *m = cairn__migrations(&n);
	if (count)
		*count = n;
	return m[n - 1].version;
}

static void test_db_migrations_applied_once(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	cairn__db *db = NULL;
	cairn__stmt *st;
	cairn_buf first = CAIRN_BUF_INIT, again = CAIRN_BUF_INIT;
	int n, latest = latest_version(&n);
	const struct cairn__migration *m = cairn__migrations(&n);

	/* Versions are ascending and unique. */
	for (int i = 1; i < n; i++)
		CHECK_INT(m[i].version, >, m[i - 1].version);

	CHECK_OK(ctx, cairn__db_open(ctx, "t.db", 1, &db));
	CHECK_INT(cairn__db_schema_version(db), ==, latest);
	CHECK_INT(query_int(db, "PRAGMA user_version"), ==, latest);
	CHECK_INT(query_int(db, "SELECT count(*) FROM schema_migrations"), ==, n);
	CHECK_OK(ctx, cairn__db_prepare(db, "SELECT version, name, applied_at FROM schema_migrations ORDER BY version", &st));
	for (int i = 0; i < n; i++) {
		CHECK_INT(cairn__stmt_step(st), ==, 1);
		CHECK_INT(cairn__stmt_int64(st, 0), ==, m[i].version);
		CHECK_STR(cairn__stmt_text(st, 1), m[i].name);
		CHECK_INT(strlen(cairn__stmt_text(st, 2)), ==, 24);
		cairn_buf_addf(&first, "%s|", cairn__stmt_text(st, 2));
	}
	CHECK_INT(cairn__stmt_step(st), ==, 0);
	/* The settings every connection makes. */
	CHECK_INT(query_int(db, "PRAGMA synchronous"), ==, 1); /* NORMAL */
	CHECK_INT(query_int(db, "PRAGMA foreign_keys"), ==, 1);
	CHECK_INT(query_int(db, "PRAGMA busy_timeout"), >=, 10000);
	CHECK_OK(ctx, cairn__db_prepare(db, "PRAGMA journal_mode", &st));
	CHECK_INT(cairn__stmt_step(st), ==, 1);
	CHECK_STR(cairn__stmt_text(st, 0), "wal");
	cairn__db_close(db);

	/* Reopening applies nothing again. */
	CHECK_OK(ctx, cairn__db_open(ctx, "t.db", 0, &db));
	CHECK_INT(cairn__db_schema_version(db), ==, latest);
	CHECK_INT(query_int(db, "SELECT count(*) FROM schema_migrations"), ==, n);
	CHECK_OK(ctx, cairn__db_prepare(db, "SELECT applied_at FROM schema_migrations ORDER BY version", &st));
	while (cairn__stmt_step(st) == 1)
		cairn_buf_addf(&again, "%s|", cairn__stmt_text(st, 0));
	CHECK_STR(again.buf, first.buf);
	cairn__db_close(db);
	cairn_buf_release(&first);
	cairn_buf_release(&again);
	cairn_ctx_free(ctx);
}

static void test_db_open_errors(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	cairn__db *db = NULL;

	/* Without create, a missing database is an error naming it. */
	CHECK_ERR(ctx, cairn__db_open(ctx, "missing.db", 0, &db), CAIRN_EDB, "'missing.db'");
	CHECK(access("missing.db", F_OK) != 0);

	/* A file that is not a database is corrupt data. */
	CHECK_OK(ctx, cairn_write_file_atomic(ctx, "junk.db",
					      "this is not an SQLite database, not at all\n",
					      44, 0644));
	CHECK_ERR(ctx, cairn__db_open(ctx, "junk.db", 0, &db), CAIRN_ECORRUPT, "'junk.db'");

	/* A database from a newer cairn is refused, and left as it was. */
	CHECK_OK(ctx, cairn__db_open(ctx, "new.db", 1, &db));
	CHECK_OK(ctx, cairn__db_exec(db, "PRAGMA user_version = 999"));
	cairn__db_close(db);
	CHECK_ERR(ctx, cairn__db_open(ctx, "new.db", 0, &db), CAIRN_EDB,
		  "schema version 999, newer than this cairn knows");
	CHECK(strstr(cairn_errmsg(ctx), "upgrade cairn") != NULL);
	cairn_ctx_free(ctx);
}

static void test_db_transactions(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	cairn__db *db = NULL;
	cairn__stmt *st;

	CHECK_OK(ctx, cairn__db_open(ctx, "t.db", 1, &db));

	/* Rollback leaves nothing behind. */
	CHECK_OK(ctx, cairn__db_begin(db));
	CHECK_OK(ctx, cairn__db_exec(db, "INSERT INTO meta(key, value) VALUES ('a', '1'), ('b', '2')"));
	CHECK_INT(query_int(db, "SELECT count(*) FROM meta"), ==, 2);
	cairn__db_rollback(db);
	CHECK_INT(query_int(db, "SELECT count(*) FROM meta"), ==, 0);
	cairn__db_rollback(db); /* no transaction: a no-op */
	cairn__db_rollback(NULL);

	/* Nested begin and commit without begin are bugs, reported as such. */
	CHECK_OK(ctx, cairn__db_begin(db));
	CHECK_ERR(ctx, cairn__db_begin(db), CAIRN_EINTERNAL, "already open");
	CHECK_OK(ctx, cairn__db_prepare(db, "INSERT INTO meta(key, value) VALUES (?, ?)", &st));
	CHECK_OK(ctx, cairn__stmt_bind_text(st, 1, "kept"));
	CHECK_OK(ctx, cairn__stmt_bind_text(st, 2, "yes"));
	CHECK_OK(ctx, cairn__stmt_run(st));
	CHECK_INT(cairn__db_changes(db), ==, 1);
	CHECK_OK(ctx, cairn__db_commit(db));
	CHECK_ERR(ctx, cairn__db_commit(db), CAIRN_EINTERNAL, "without a transaction");

	/* A failing statement inside a transaction, then rollback: the earlier
	 * insert of the same transaction goes too. */
	CHECK_OK(ctx, cairn__db_begin(db));
	CHECK_OK(ctx, cairn__db_exec(db, "INSERT INTO meta(key, value) VALUES ('c', '3')"));
	CHECK_ERR(ctx, cairn__db_exec(db, "INSERT INTO meta(key, value) VALUES ('kept', 'dup')"),
		  CAIRN_EDB, "UNIQUE constraint failed");
	cairn__db_rollback(db);
	CHECK_INT(query_int(db, "SELECT count(*) FROM meta"), ==, 1);

	/* Closing with a transaction open rolls it back. */
	CHECK_OK(ctx, cairn__db_begin(db));
	CHECK_OK(ctx, cairn__db_exec(db, "INSERT INTO meta(key, value) VALUES ('lost', '1')"));
	cairn__db_close(db);
	CHECK_OK(ctx, cairn__db_open(ctx, "t.db", 0, &db));
	CHECK_INT(query_int(db, "SELECT count(*) FROM meta"), ==, 1);
	CHECK_INT(query_int(db, "SELECT count(*) FROM meta WHERE key = 'kept'"), ==, 1);
	cairn__db_close(db);
	cairn_ctx_free(ctx);
}

static void test_db_statement_cache(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	cairn__db *db = NULL;
	cairn__stmt *st, *again;

	CHECK_OK(ctx, cairn__db_open(ctx, "t.db", 1, &db));
	CHECK_OK(ctx, cairn__db_exec(db, "INSERT INTO meta(key, value) VALUES ('k1', 'v1'), ('k2', 'v2'), ('k3', 'v3')"));

	/* The same SQL gives the same statement, reset to its first row. */
	CHECK_OK(ctx, cairn__db_prepare(db, "SELECT key, value FROM meta ORDER BY key", &st));
	CHECK_INT(cairn__stmt_step(st), ==, 1);
	CHECK_INT(cairn__stmt_step(st), ==, 1);
	CHECK_STR(cairn__stmt_text(st, 0), "k2");
	CHECK_OK(ctx, cairn__db_prepare(db, "SELECT key, value FROM meta ORDER BY key", &again));
	CHECK(again == st);
	CHECK_INT(cairn__stmt_step(again), ==, 1);
	CHECK_STR(cairn__stmt_text(again, 0), "k1");
	CHECK_STR(cairn__stmt_text(again, 1), "v1");

	/* Bindings are cleared: an unbound parameter is NULL. */
	CHECK_OK(ctx, cairn__db_prepare(db, "SELECT ?1, ?2", &st));
	CHECK_OK(ctx, cairn__stmt_bind_int64(st, 1, 42));
	CHECK_OK(ctx, cairn__stmt_bind_double(st, 2, 2.5));
	CHECK_INT(cairn__stmt_step(st), ==, 1);
	CHECK_INT(cairn__stmt_int64(st, 0), ==, 42);
	CHECK(cairn__stmt_double(st, 1) == 2.5);
	CHECK_OK(ctx, cairn__db_prepare(db, "SELECT ?1, ?2", &again));
	CHECK(again == st);
	CHECK_INT(cairn__stmt_step(again), ==, 1);
	CHECK(cairn__stmt_is_null(again, 0));
	CHECK(cairn__stmt_is_null(again, 1));
	CHECK_STR(cairn__stmt_text(again, 0), ""); /* NULL reads as "" */

	/* Different SQL gives a different statement; blobs and NULLs bind. */
	CHECK_OK(ctx, cairn__db_prepare(db, "SELECT length(?1), ?2 IS NULL", &again));
	CHECK(again != st);
	CHECK_OK(ctx, cairn__stmt_bind_blob(again, 1, "\0\1\2", 3));
	CHECK_OK(ctx, cairn__stmt_bind_null(again, 2));
	CHECK_INT(cairn__stmt_step(again), ==, 1);
	CHECK_INT(cairn__stmt_int64(again, 0), ==, 3);
	CHECK_INT(cairn__stmt_int64(again, 1), ==, 1);

	/* Binding out of range and bad SQL are errors with a message. */
	CHECK_OK(ctx, cairn__db_prepare(db, "SELECT ?1", &st));
	CHECK_ERR(ctx, cairn__stmt_bind_int64(st, 5, 1), CAIRN_EDB, "cannot bind parameter");
	CHECK_ERR(ctx, cairn__db_prepare(db, "SELEKT 1", &st), CAIRN_EDB,
		  "cannot prepare statement");

	/* A statement left in the middle of its rows does not keep a later
	 * write transaction from committing. */
	CHECK_OK(ctx, cairn__db_prepare(db, "SELECT key FROM meta ORDER BY key", &st));
	CHECK_INT(cairn__stmt_step(st), ==, 1);
	cairn__stmt_reset(st);
	CHECK_OK(ctx, cairn__db_begin(db));
	CHECK_OK(ctx, cairn__db_exec(db, "DELETE FROM meta WHERE key = 'k3'"));
	CHECK_OK(ctx, cairn__db_commit(db));
	CHECK_INT(query_int(db, "SELECT count(*) FROM meta"), ==, 2);
	cairn__db_close(db);
	cairn_ctx_free(ctx);
}

static void test_db_resolve_prefix(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	cairn__db *db = NULL;
	char *full = (char *)"untouched";

	CHECK_OK(ctx, cairn__db_open(ctx, "t.db", 1, &db));
	CHECK_OK(ctx, cairn__db_exec(db,
		"INSERT INTO meta(key, value) VALUES"
		" ('abc1', ''), ('abc2', ''), ('abd', ''), ('b', ''),"
		" ('ff01', ''), ('ff02', ''), ('ff03', ''), ('ff04', ''), ('ff05', ''), ('ff06', ''),"
		" ('x\xc3\xa9t\xc3\xa9', ''), ('xa', '')"));

	CHECK_OK(ctx, cairn__db_resolve_prefix(db, "key", "meta", "key", "abd", &full));
	CHECK_STR(full, "abd");
	free(full);
	CHECK_OK(ctx, cairn__db_resolve_prefix(db, "key", "meta", "key", "abc2", &full));
	CHECK_STR(full, "abc2");
	free(full);
	/* The whole key is a prefix of itself; a longer text matches nothing. */
	CHECK_OK(ctx, cairn__db_resolve_prefix(db, "key", "meta", "key", "b", &full));
	CHECK_STR(full, "b");
	free(full);
	/* Multi-byte UTF-8 after the prefix still falls inside the range. */
	CHECK_OK(ctx, cairn__db_resolve_prefix(db, "key", "meta", "key", "x\xc3", &full));
	CHECK_STR(full, "x\xc3\xa9t\xc3\xa9");
	free(full);

	CHECK_ERR(ctx, cairn__db_resolve_prefix(db, "key", "meta", "key", "ab", &full),
		  CAIRN_EAMBIGUOUS, "key prefix 'ab' is ambiguous: it matches abc1, abc2, abd");
	CHECK(full == NULL);
	CHECK(strstr(cairn_errmsg(ctx), "...") == NULL);
	CHECK_ERR(ctx, cairn__db_resolve_prefix(db, "key", "meta", "key", "abc", &full),
		  CAIRN_EAMBIGUOUS, "matches abc1, abc2");
	/* More than five candidates: five are named, then "...". */
	CHECK_ERR(ctx, cairn__db_resolve_prefix(db, "object", "meta", "key", "ff", &full),
		  CAIRN_EAMBIGUOUS, "ff01, ff02, ff03, ff04, ff05, ...");
	CHECK(strstr(cairn_errmsg(ctx), "ff06") == NULL);
	CHECK_ERR(ctx, cairn__db_resolve_prefix(db, "key", "meta", "key", "x", &full),
		  CAIRN_EAMBIGUOUS, NULL);

	CHECK_ERR(ctx, cairn__db_resolve_prefix(db, "object", "meta", "key", "zz", &full),
		  CAIRN_ENOTFOUND, "no object matches 'zz'");
	CHECK(full == NULL);
	CHECK_ERR(ctx, cairn__db_resolve_prefix(db, "key", "meta", "key", "abd0", &full),
		  CAIRN_ENOTFOUND, "no key matches 'abd0'");
	/* LIKE wildcards in a prefix are plain characters. */
	CHECK_ERR(ctx, cairn__db_resolve_prefix(db, "key", "meta", "key", "a%", &full),
		  CAIRN_ENOTFOUND, NULL);
	CHECK_ERR(ctx, cairn__db_resolve_prefix(db, "key", "meta", "key", "_b", &full),
		  CAIRN_ENOTFOUND, NULL);
	cairn__db_close(db);
	cairn_ctx_free(ctx);
}

/* Keys beyond ASCII resolve too: the range's upper bound is valid text. */
static void test_db_resolve_prefix_utf8(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	cairn__db *db = NULL;
	char *full = NULL;

	CHECK_OK(ctx, cairn__db_open(ctx, "t.db", 1, &db));
	CHECK_OK(ctx, cairn__db_exec(db, "INSERT INTO meta(key, value) VALUES"
				     " ('caf\xc3\xa9-1', ''), ('caf\xc3\xa9-2', ''),"
				     " ('cafe', ''), ('caf\xc3\xa9\xf4\x8f\xbf\xbe', '')"));
	CHECK_ERR(ctx, cairn__db_resolve_prefix(db, "key", "meta", "key", "caf\xc3\xa9-", &full),
		  CAIRN_EAMBIGUOUS, "caf\xc3\xa9-1, caf\xc3\xa9-2");
	CHECK_OK(ctx, cairn__db_resolve_prefix(db, "key", "meta", "key", "caf\xc3\xa9-2", &full));
	CHECK_STR(full, "caf\xc3\xa9-2");
	free(full);
	CHECK_ERR(ctx, cairn__db_resolve_prefix(db, "key", "meta", "key", "caf\xc3\xa9", &full),
		  CAIRN_EAMBIGUOUS, "caf\xc3\xa9-1, caf\xc3\xa9-2, caf\xc3\xa9\xf4\x8f\xbf\xbe");
	CHECK_ERR(ctx, cairn__db_resolve_prefix(db, "key", "meta", "key", "cafe", &full), 0, NULL);
	free(full);
	cairn__db_close(db);
	cairn_ctx_free(ctx);
}

/* The migrations are written for every backend; the driver fills in the
 * words that differ, and the SQLite schema keeps its shape. */
static void test_db_driver_words(void)
{
	static const char *const forbidden[] = {
		"WITHOUT ROWID", "AUTOINCREMENT", "INSERT OR", "REPLACE INTO", "PRAGMA",
		" INTEGER", " REAL", "datetime(", "strftime(", "ifnull(", "IFNULL(",
		"glob ", "GLOB ", "json_", NULL
	};
	cairn_ctx *ctx = cairn_ctx_new();
	cairn__db *db = NULL;
	cairn__stmt *st;
	int n;
	const struct cairn__migration *m = cairn__migrations(&n);

	for (int i = 0; i < n; i++)
		for (int k = 0; forbidden[k]; k++)
			if (strstr(m[i].sql, forbidden[k]))
				unit_fail(__FILE__, __LINE__, "migration %d uses '%s'",
					  m[i].version, forbidden[k]);

	CHECK_OK(ctx, cairn__db_open(ctx, "sqlite://t.db", 1, &db));
	CHECK(access("t.db", F_OK) == 0);
	CHECK_OK(ctx, cairn__db_prepare(db, "SELECT sql FROM sqlite_master WHERE name = ?", &st));
	CHECK_OK(ctx, cairn__stmt_bind_text(st, 1, "objects"));
	CHECK_INT(cairn__stmt_step(st), ==, 1);
	CHECK(strstr(cairn__stmt_text(st, 0), ") WITHOUT ROWID") != NULL);
	CHECK(strstr(cairn__stmt_text(st, 0), "{") == NULL);
	cairn__stmt_reset(st);
	/* runs.seq is the rowid: assigned when an insert leaves it out. */
	CHECK_OK(ctx, cairn__db_exec(db, "INSERT INTO experiments(id, name, created_ms) VALUES ('e', 'e', 0);"
				     "INSERT INTO runs(id, experiment_id, name, status, start_ms, \"user\", host)"
				     " VALUES ('r1', 'e', 'n', 'RUNNING', 0, 'u', 'h'), ('r2', 'e', 'n', 'RUNNING', 0, 'u', 'h')"));
	CHECK_INT(query_int(db, "SELECT max(seq) FROM runs"), ==, 2);
	cairn__db_close(db);

	/* A plain path is SQLite's too; an unknown scheme names what there is. */
	CHECK_OK(ctx, cairn__db_open(ctx, "t.db", 0, &db));
	CHECK_INT(query_int(db, "SELECT count(*) FROM runs"), ==, 2);
	cairn__db_close(db);
	CHECK_ERR(ctx, cairn__db_open(ctx, "mysql://host/db", 1, &db), CAIRN_EINVAL,
		  "'mysql://host/db': no driver for this kind of database (this cairn has: sqlite)");
	cairn_ctx_free(ctx);
}

/*
 * Many processes writing one database at once: each child opens its own
 * connection and inserts its rows one transaction each. The busy timeout and
 * BEGIN IMMEDIATE must make every writer wait its turn: no child fails, no
 * row is lost, and nobody sees "database is locked".
 */
#define WRITERS 8
#define ROWS_PER_WRITER 1000

static int child_write(const char *path, int id, int create, int rows)
{
	cairn_ctx *ctx = cairn_ctx_new();
	cairn__db *db = NULL;
	cairn_buf key = CAIRN_BUF_INIT, errfile = CAIRN_BUF_INIT;
	cairn__stmt *st;
	int rc;

	if ((rc = cairn__db_open(ctx, path, create, &db)))
		goto out;
	for (int i = 0; i < rows; i++) {
		cairn_buf_reset(&key);
		cairn_buf_addf(&key, "writer%d-row%04d", id, i);
		if ((rc = cairn__db_begin(db)))
			goto out;
		if ((rc = cairn__db_prepare(db, "INSERT INTO meta(key, value) VALUES (?, ?)", &st)) ||
		    (rc = cairn__stmt_bind_text(st, 1, key.buf)) ||
		    (rc = cairn__stmt_bind_int64(st, 2, i)) ||
		    (rc = cairn__stmt_run(st)) ||
		    (rc = cairn__db_commit(db)))
			goto out;
	}
out:
	if (rc) {
		/* Tell the parent what went wrong. */
		cairn_buf_addf(&errfile, "writer%d.err", id);
		cairn_ctx *c2 = cairn_ctx_new();
		cairn_write_file_atomic(c2, errfile.buf, cairn_errmsg(ctx),
					strlen(cairn_errmsg(ctx)), 0644);
		cairn_ctx_free(c2);
	}
	cairn__db_close(db);
	cairn_buf_release(&key);
	cairn_buf_release(&errfile);
	cairn_ctx_free(ctx);
	return rc ? 1 : 0;
}

static void run_writers(const char *path, int create, int rows)
{
	pid_t pids[WRITERS];
	int go[2], status;
	char c;

	/* The children start together, when the pipe closes. */
	CHECK_INT(pipe(go), ==, 0);
	fflush(NULL);
	for (int i = 0; i < WRITERS; i++) {
		pids[i] = fork();
		if (pids[i] == 0) {
			close(go[1]);
			if (read(go[0], &c, 1) < 0)
				_exit(2);
			_exit(child_write(path, i, create, rows));
		}
		CHECK(pids[i] > 0);
	}
	close(go[0]);
	close(go[1]);
	for (int i = 0; i < WRITERS; i++) {
		CHECK_INT(waitpid(pids[i], &status, 0), ==, pids[i]);
		CHECK(WIFEXITED(status));
		CHECK_INT(WEXITSTATUS(status), ==, 0);
	}
	for (int i = 0; i < WRITERS; i++) {
		cairn_ctx *ctx = cairn_ctx_new();
		cairn_buf name = CAIRN_BUF_INIT, msg = CAIRN_BUF_INIT;

		cairn_buf_addf(&name, "writer%d.err", i);
		if (cairn_read_file(ctx, name.buf, &msg) == 0) {
			unit_fail(__FILE__, __LINE__, "writer %d failed: %s", i, msg.buf);
			CHECK(strstr(msg.buf, "database is locked") == NULL);
		}
		cairn_buf_release(&name);
		cairn_buf_release(&msg);
		cairn_ctx_free(ctx);
	}
}

static void check_rows(const char *path, int rows)
{
	cairn_ctx *ctx = cairn_ctx_new();
	cairn__db *db = NULL;
	cairn__stmt *st;
	int migrations;

	CHECK_OK(ctx, cairn__db_open(ctx, path, 0, &db));
	if (!db) {
		cairn_ctx_free(ctx);
		return;
	}
	CHECK_INT(query_int(db, "SELECT count(*) FROM meta"), ==, WRITERS * rows);
	CHECK_INT(query_int(db, "SELECT count(DISTINCT substr(key, 1, 7)) FROM meta"), ==, WRITERS);
	/* Each writer's rows are all there: values 0..rows-1 sum up. */
	CHECK_INT(query_int(db, "SELECT sum(CAST(value AS INTEGER)) FROM meta"), ==,
		  (long long)WRITERS * rows * (rows - 1) / 2);
	latest_version(&migrations);
	CHECK_INT(query_int(db, "SELECT count(*) FROM schema_migrations"), ==, migrations);
	CHECK_OK(ctx, cairn__db_prepare(db, "PRAGMA integrity_check", &st));
	CHECK_INT(cairn__stmt_step(st), ==, 1);
	CHECK_STR(cairn__stmt_text(st, 0), "ok");
	cairn__db_close(db);
	cairn_ctx_free(ctx);
}

static void test_db_concurrent_writers(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	cairn__db *db = NULL;

	CHECK_OK(ctx, cairn__db_open(ctx, "shared.db", 1, &db));
	cairn__db_close(db); /* children must not inherit a live connection */
	cairn_ctx_free(ctx);
	run_writers("shared.db", 0, ROWS_PER_WRITER);
	check_rows("shared.db", ROWS_PER_WRITER);
}

static void test_db_concurrent_first_open(void)
{
	/* All writers create and migrate a database that does not exist yet;
	 * a race there is a matter of timing, so give it several chances. */
	for (int round = 0; round < 10; round++) {
		char path[32];
		snprintf(path, sizeof(path), "fresh%d.db", round);
		run_writers(path, 1, 20);
		check_rows(path, 20);
	}
}

const struct unit_test db_tests[] = {
	{ "db_migrations_applied_once", test_db_migrations_applied_once },
	{ "db_open_errors", test_db_open_errors },
	{ "db_transactions", test_db_transactions },
	{ "db_statement_cache", test_db_statement_cache },
	{ "db_resolve_prefix", test_db_resolve_prefix },
	{ "db_resolve_prefix_utf8", test_db_resolve_prefix_utf8 },
	{ "db_driver_words", test_db_driver_words },
	{ "db_concurrent_writers", test_db_concurrent_writers },
	{ "db_concurrent_first_open", test_db_concurrent_first_open },
	{ NULL, NULL }
};
