/*
 * Acquiring data from outside the workspace: a file or directory, an
 * HTTP(S) URL, the standard output of a shell command, or the result of a
 * SQL query against PostgreSQL (libpq) or an SQLite file.
 *
 * cairn_dataset_acquire does the whole of it: it fetches the content into a
 * temporary file under the workspace, records it as a new dataset version
 * with its source and parameters, and removes the temporary file, on
 * success, failure or cancel alike. The functions below it only write a
 * local file (dest_path, a new file the caller removes).
 *
 * Errors name the source: the URL and HTTP status, the command and its exit
 * status, the database and the SQL error. Cancelling (the context's cancel
 * flag) stops a download, a command (SIGTERM to its process group, SIGKILL
 * on a further request) or a query, and fails with CAIRN_EINTERRUPTED.
 */
#ifndef CAIRN_ACQUIRE_H
#define CAIRN_ACQUIRE_H

#include <jansson.h>
#include "cairn/common.h"
#include "cairn/csv.h"
#include "cairn/ctx.h"
#include "cairn/dataset.h"

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

/* Runs `sh -c cmd` in its own process group, with stdout written to
 * dest_path (stderr passes through, stdin is /dev/null); fails when the
 * command exits non-zero or is killed. */
int cairn_run_to_file(cairn_ctx *ctx, const char *cmd, const char *dest_path);

/* Runs query against dsn and writes the rows as CSV with a header to
 * dest_path. SQLite files are opened read-only; PostgreSQL queries run in a
 * read-only transaction and stream row by row. NULL becomes an empty field,
 * an empty string "". */
int cairn_sql_to_csv(cairn_ctx *ctx, const char *dsn, const char *query, const char *dest_path);

enum cairn_acquire_kind {
	CAIRN_ACQUIRE_PATH,     /* a file, or a directory (a manifest of its files) */
	CAIRN_ACQUIRE_URL,      /* http:// or https:// */
	CAIRN_ACQUIRE_COMMAND,  /* the standard output of `sh -c source` */
	CAIRN_ACQUIRE_SQL       /* the rows of query against the DSN source, as CSV */
};

struct cairn_acquire_options {
	enum cairn_acquire_kind kind;
	const char *source;          /* the path, URL, command or DSN */
	const char *query;           /* CAIRN_ACQUIRE_SQL: the query */
	/* The dataset name; NULL for a path or URL: its last component without
	 * the extension. Required for a command and a query. */
	const char *name;
	const char *description;     /* may be NULL */
	struct cairn_csv_options csv; /* delimiter 0 and header -1: detected */
	int tabular;                 /* 1 parse as a table, 0 never (raw), -1 by content */
	const char *format_hint;     /* "csv", "tsv", "jsonl" or NULL */
	struct cairn_fetch_options fetch;
	/* The id (or a unique prefix) of the run that makes this version, or
	 * NULL: as in struct cairn_dataset_add. */
	const char *generated_by_run;
	int follow_symlinks;         /* a directory: as in struct cairn_dataset_add */
};

struct cairn_acquire_result {
	struct cairn_dataset_version version;
	int existed;                 /* the content equals the latest version,
				      * which version is: nothing was added */
};
/* Frees what r holds (not r). */
void cairn_acquire_result_release(struct cairn_acquire_result *r);

/*
 * Acquires opts->source as a new version of a dataset. The version's
 * source is the path or URL, "cmd: COMMAND" or "sql: DSN: QUERY"; its
 * parameters are {"path"}, {"http": {url, status, content_type}},
 * {"command"} or {"dsn", "query"}. A URL's extension names its format as a
 * file's does; a query's rows are CSV. On failure or cancel nothing is
 * recorded and no temporary file remains; res is filled on success only.
 */
int cairn_dataset_acquire(cairn_ctx *ctx, const struct cairn_acquire_options *opts,
			  struct cairn_acquire_result *res);

CAIRN_END_DECLS

#endif
