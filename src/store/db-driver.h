/*
 * The seam under the metadata store: what a database driver implements.
 *
 * src/store/db.c is the one implementation of store/db.h that modules call;
 * it keeps what every backend shares (the statement cache, transaction
 * state, migrations, prefix resolution, messages) and calls a driver for
 * the rest. src/store/db-sqlite.c is the SQLite driver, the only file that
 * includes sqlite3.h. A PostgreSQL driver is a new file, db-pg.c, filling
 * one more struct cairn__db_driver and one more row in db.c's driver table;
 * no module changes (docs/internals/store.md says what it must do).
 *
 * Driver functions return 0 on success and non-zero on failure, leaving the
 * backend's message for errmsg(); db.c turns it into the context's error.
 * A connection belongs to one thread.
 */
#ifndef CAIRN_STORE_DB_DRIVER_H
#define CAIRN_STORE_DB_DRIVER_H

#include <stddef.h>
#include <stdint.h>

struct cairn__db_driver {
	/* The URI scheme that selects the driver ("sqlite", "postgresql");
	 * a target with no scheme is a file path for the first driver. */
	const char *scheme;

	/* The words of the migrations' DDL (src/store/migrations.c) that
	 * differ between backends: an auto-assigned 64-bit integer key, and
	 * what follows the closing parenthesis of a CREATE TABLE whose key is
	 * its primary key. */
	const char *serial_key;
	const char *table_options;

	/* Opens target (for SQLite a path), creating it when create is set,
	 * and makes the connection's settings. On failure *conn is NULL when
	 * memory ran out, else a connection to read errmsg() from and close;
	 * *what says which step failed. */
	int (*open)(const char *target, int create, void **conn, const char **what);
	void (*close)(void *conn);
	/* The backend's message for the last failure, and whether it means the
	 * database itself is damaged (CAIRN_ECORRUPT rather than CAIRN_EDB). */
	const char *(*errmsg)(void *conn);
	int (*is_corrupt)(void *conn);

	/* Statements with no results and no parameters (one or more). */
	int (*exec)(void *conn, const char *sql);
	/* A write transaction that holds the write lock from its start, so
	 * that two writers never deadlock on a lock upgrade. */
	int (*begin)(void *conn);
	int (*commit)(void *conn);
	/* Safe when no transaction is open. */
	void (*rollback)(void *conn);

	/* Prepared statements: parameters are numbered from 1 (? or ?N in
	 * the SQL text). step returns 1 for a row, 0 when done, -1 on error. */
	int (*prepare)(void *conn, const char *sql, void **stmt);
	void (*finalize)(void *stmt);
	int (*bind_text)(void *stmt, int idx, const char *s);
	int (*bind_int64)(void *stmt, int idx, int64_t v);
	int (*bind_double)(void *stmt, int idx, double v);
	int (*bind_null)(void *stmt, int idx);
	int (*bind_blob)(void *stmt, int idx, const void *p, size_t n);
	int (*step)(void *stmt);
	/* Text is NULL for a NULL column. */
	const char *(*column_text)(void *stmt, int col);
	int64_t (*column_int64)(void *stmt, int col);
	double (*column_double)(void *stmt, int col);
	int (*column_is_null)(void *stmt, int col);
	/* Ends the statement's current execution and clears its bindings. */
	void (*reset)(void *stmt);
	/* Rows changed by the last statement on the connection. */
	int64_t (*changes)(void *conn);

	/* The schema version the migrations have reached (0 for a new
	 * database), and setting it inside the migrating transaction. */
	int (*get_schema_version)(void *conn, int *version);
	int (*set_schema_version)(void *conn, int version);
	/* The backend's own structural check: fn once per problem found. */
	int (*integrity_check)(void *conn, void (*fn)(const char *problem, void *arg),
			       void *arg);
};

extern const struct cairn__db_driver cairn__db_sqlite;

#endif
