/*
 * Acquiring data from outside the workspace into a local file: an HTTP(S)
 * URL, the standard output of a shell command, or the result of a SQL query
 * against PostgreSQL (libpq) or an SQLite file. Each writes dest_path (a new
 * file the caller removes) and fails with a message naming the source:
 * the URL and HTTP status, the command and its exit status, the database
 * and the SQL error.
 */
#ifndef CAIRN_ACQUIRE_H
#define CAIRN_ACQUIRE_H

#include <jansson.h>
#include "cairn/common.h"
#include "cairn/ctx.h"

CAIRN_BEGIN_DECLS

struct cairn_fetch_options {
	long timeout_s;        /* whole transfer; 0: no limit beyond the stall check */
	long connect_timeout_s; /* 0: 30 */
};

/* Fetches url (http or https; redirects followed). info (may be NULL)
 * receives {"url": final URL, "status": code, "content_type": ..., "etag": ...}
 * as a new object. */
int cairn_fetch_url(cairn_ctx *ctx, const char *url, const struct cairn_fetch_options *opts,
		    const char *dest_path, json_t **info);

/* Runs `sh -c cmd` with stdout written to dest_path (stderr passes through);
 * fails when the command exits non-zero or is killed. */
int cairn_run_to_file(cairn_ctx *ctx, const char *cmd, const char *dest_path);

/* 1 when dsn names a PostgreSQL database (postgres:// or postgresql:// URI,
 * or a libpq "key=value" string); else it is taken as an SQLite file path
 * (optionally written sqlite:///path). */
int cairn_sql_is_postgres(const char *dsn);

/* Runs query against dsn and writes the rows as CSV with a header to
 * dest_path. SQLite files are opened read-only; PostgreSQL queries run in a
 * read-only transaction and stream row by row. NULL becomes an empty field,
 * an empty string "". */
int cairn_sql_to_csv(cairn_ctx *ctx, const char *dsn, const char *query, const char *dest_path);

CAIRN_END_DECLS

#endif
