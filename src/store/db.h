/*
 * The metadata store: the records of every module, in one database (the
 * workspace's .cairn/cairn.db, SQLite in WAL mode).
 *
 * This is the interface modules call; what a backend must do is the driver
 * seam in db-driver.h, and the SQLite driver (db-sqlite.c) is the only file
 * of the store that includes sqlite3.h. Modules write their SQL in the
 * subset every backend runs (docs/internals/store.md lists the rules);
 * text that must differ between backends comes from src/store/dialect.c.
 *
 * Opening applies the numbered schema migrations (src/store/migrations.c)
 * that are missing, in one transaction, and records each in
 * schema_migrations. Many processes may use the database at once: every
 * connection waits (busy timeout) instead of failing with "database is
 * locked", and write transactions take the write lock when they begin so
 * that two writers never deadlock on a lock upgrade.
 *
 * Prepared statements are cached per connection by their SQL text: callers
 * pass SQL as string literals, get back a reset statement with no bindings,
 * and never finalize it. One cairn__db belongs to one thread.
 */
#ifndef CAIRN_STORE_DB_H
#define CAIRN_STORE_DB_H

#include <stdint.h>
#include "cairn/ctx.h"

typedef struct cairn__db cairn__db;
typedef struct cairn__stmt cairn__stmt;

/* Opens (creating when create is set) the database at path and migrates it.
 * path is a file (SQLite) or a URI whose scheme picks the driver
 * ("sqlite://path"); CAIRN_EINVAL for a scheme with no driver. */
int cairn__db_open(cairn_ctx *ctx, const char *path, int create, cairn__db **out);
void cairn__db_close(cairn__db *db);

/* The workspace's metadata store (.cairn/cairn.db), opened and migrated on
 * the first call for ctx and kept on it: the context owns it and closes it
 * when it is freed or opens another workspace. CAIRN_ENOWORKSPACE when no
 * workspace is open on ctx. */
int cairn__ctx_db(cairn_ctx *ctx, cairn__db **db);

/* The schema version after migration. */
int cairn__db_schema_version(cairn__db *db);

/* Runs one or more statements with no results (no parameters). */
int cairn__db_exec(cairn__db *db, const char *sql);

/* Transactions. begin takes the write lock at once; nested begin is an error.
 * rollback is safe to call when no transaction is open. */
int cairn__db_begin(cairn__db *db);
int cairn__db_commit(cairn__db *db);
void cairn__db_rollback(cairn__db *db);

/* A cached prepared statement for sql (a string literal), reset and unbound. */
int cairn__db_prepare(cairn__db *db, const char *sql, cairn__stmt **out);

int cairn__stmt_bind_text(cairn__stmt *st, int idx, const char *s);
int cairn__stmt_bind_int64(cairn__stmt *st, int idx, int64_t v);
int cairn__stmt_bind_double(cairn__stmt *st, int idx, double v);
int cairn__stmt_bind_null(cairn__stmt *st, int idx);
int cairn__stmt_bind_blob(cairn__stmt *st, int idx, const void *p, size_t n);

/* 1 when a row is ready, 0 when done, -1 on error (message on the ctx).
 * A SELECT that returned a row keeps its read transaction open until it is
 * stepped to the end or reset: reset it before writing on the same
 * connection, or SQLite cannot upgrade the lock and fails at once. */
int cairn__stmt_step(cairn__stmt *st);
/* Steps a statement that returns no rows; 0 or an error code. */
int cairn__stmt_run(cairn__stmt *st);
/* Column accessors for the current row; text is "" for NULL and stays valid
 * until the next step or reset. */
const char *cairn__stmt_text(cairn__stmt *st, int col);
int64_t cairn__stmt_int64(cairn__stmt *st, int col);
double cairn__stmt_double(cairn__stmt *st, int col);
int cairn__stmt_is_null(cairn__stmt *st, int col);
/* Resets the statement and clears its bindings (done by prepare as well). */
void cairn__stmt_reset(cairn__stmt *st);

/* Rows changed by the last statement on db. */
int64_t cairn__db_changes(cairn__db *db);

/* The database's own integrity check (structure, quickly: not the contents
 * of every index); calls fn once per problem found. 0 unless the check
 * itself could not run. */
int cairn__db_integrity_check(cairn__db *db, void (*fn)(const char *problem, void *arg),
			      void *arg);

/*
 * Expands a prefix of a text key to the one full key that starts with it:
 * table and column are identifiers from the code, never user input.
 * CAIRN_ENOTFOUND or CAIRN_EAMBIGUOUS (listing up to five candidates).
 */
int cairn__db_resolve_prefix(cairn__db *db, const char *what, const char *table,
			    const char *column, const char *prefix, char **full);

#endif
