/*
 * The metadata store: one SQLite database (.cairn/cairn.db) in WAL mode.
 *
 * This is the only module that includes sqlite3.h. Opening applies the
 * numbered schema migrations (src/store/migrations.c) that are missing, in one
 * transaction, and records each in schema_migrations. Many processes may use
 * the database at once: every connection waits (busy timeout) instead of
 * failing with "database is locked", and write transactions take the write
 * lock when they begin (BEGIN IMMEDIATE) so that two writers never deadlock
 * on a lock upgrade.
 *
 * Prepared statements are cached per connection by their SQL text: callers
 * pass SQL as string literals, get back a reset statement with no bindings,
 * and never finalize it. One cairn_db belongs to one thread.
 */
#ifndef CAIRN_STORE_DB_H
#define CAIRN_STORE_DB_H

#include <stdint.h>
#include "cairn/ctx.h"

typedef struct cairn_db cairn_db;
typedef struct cairn_stmt cairn_stmt;

/* Opens (creating when create is set) the database at path and migrates it. */
int cairn_db_open(cairn_ctx *ctx, const char *path, int create, cairn_db **out);
void cairn_db_close(cairn_db *db);

/* The schema version after migration. */
int cairn_db_schema_version(cairn_db *db);

/* Runs one or more statements with no results (no parameters). */
int cairn_db_exec(cairn_db *db, const char *sql);

/* Transactions. begin takes the write lock at once; nested begin is an error.
 * rollback is safe to call when no transaction is open. */
int cairn_db_begin(cairn_db *db);
int cairn_db_commit(cairn_db *db);
void cairn_db_rollback(cairn_db *db);

/* A cached prepared statement for sql (a string literal), reset and unbound. */
int cairn_db_prepare(cairn_db *db, const char *sql, cairn_stmt **out);

int cairn_stmt_bind_text(cairn_stmt *st, int idx, const char *s);
int cairn_stmt_bind_int64(cairn_stmt *st, int idx, int64_t v);
int cairn_stmt_bind_double(cairn_stmt *st, int idx, double v);
int cairn_stmt_bind_null(cairn_stmt *st, int idx);
int cairn_stmt_bind_blob(cairn_stmt *st, int idx, const void *p, size_t n);

/* 1 when a row is ready, 0 when done, -1 on error (message on the ctx).
 * A SELECT that returned a row keeps its read transaction open until it is
 * stepped to the end or reset: reset it before writing on the same
 * connection, or SQLite cannot upgrade the lock and fails at once. */
int cairn_stmt_step(cairn_stmt *st);
/* Steps a statement that returns no rows; 0 or an error code. */
int cairn_stmt_run(cairn_stmt *st);
/* Column accessors for the current row; text is "" for NULL and stays valid
 * until the next step or reset. */
const char *cairn_stmt_text(cairn_stmt *st, int col);
int64_t cairn_stmt_int64(cairn_stmt *st, int col);
double cairn_stmt_double(cairn_stmt *st, int col);
int cairn_stmt_is_null(cairn_stmt *st, int col);
/* Resets the statement and clears its bindings (done by prepare as well). */
void cairn_stmt_reset(cairn_stmt *st);

/* Rows changed by the last statement on db. */
int64_t cairn_db_changes(cairn_db *db);

/*
 * Expands a prefix of a text key to the one full key that starts with it:
 * table and column are identifiers from the code, never user input.
 * CAIRN_ENOTFOUND or CAIRN_EAMBIGUOUS (listing up to five candidates).
 */
int cairn_db_resolve_prefix(cairn_db *db, const char *what, const char *table,
			    const char *column, const char *prefix, char **full);

#endif
