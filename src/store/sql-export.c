/* Running a user's SQL query against PostgreSQL (libpq) or an SQLite file
 * and writing the rows as CSV; see include/cairn/acquire.h. */
#include <fcntl.h>
#include <sqlite3.h>
#include <string.h>
#include <unistd.h>
#include "cairn/acquire.h"
#include "cairn/buf.h"
#include "cairn/csv.h"
#include "cairn/error.h"
#include "core/fs.h"
#include "store/pq-loader.h"

int cairn_sql_is_postgres(const char *dsn)
{
	return !strncmp(dsn, "postgres://", 11) || !strncmp(dsn, "postgresql://", 13) ||
	       (strchr(dsn, '=') && !strchr(dsn, '/'));
}

/* Buffers CSV output and writes it out in large pieces. */
struct csv_out {
	cairn_ctx *ctx;
	const char *path;
	int fd;
	cairn_buf b;
};

static int flush(struct csv_out *o, int force)
{
	if (!force && o->b.len < (1u << 20))
		return 0;
	if (cairn_write_full(o->fd, o->b.buf, o->b.len) < 0)
		return cairn_error_errno(o->ctx, "cannot write '%s'", o->path);
	cairn_buf_reset(&o->b);
	return 0;
}

static void add_field(struct csv_out *o, int i, const char *s, size_t len, int is_null)
{
	if (i)
		cairn_buf_addch(&o->b, ',');
	if (!is_null)
		cairn_csv_append_field(&o->b, s, len, ',', 1);
}

static int sqlite_export(cairn_ctx *ctx, const char *path, const char *query, struct csv_out *o)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int rc = 0, step, ncols;

	if (!strncmp(path, "sqlite://", 9))
		path += 9;
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
	for (int i = 0; i < ncols; i++) {
		const char *name = sqlite3_column_name(st, i);
		add_field(o, i, name, strlen(name), 0);
	}
	cairn_buf_addch(&o->b, '\n');
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		for (int i = 0; i < ncols; i++) {
			const unsigned char *t = sqlite3_column_text(st, i);
			add_field(o, i, (const char *)t, (size_t)sqlite3_column_bytes(st, i),
				  sqlite3_column_type(st, i) == SQLITE_NULL);
		}
		cairn_buf_addch(&o->b, '\n');
		if ((rc = flush(o, 0)))
			goto out;
	}
	if (step != SQLITE_DONE)
		rc = cairn_error(ctx, CAIRN_EIO, "SQL error in '%s': %s", path, sqlite3_errmsg(db));
out:
	sqlite3_finalize(st);
	sqlite3_close(db);
	return rc;
}

static int pg_error(cairn_ctx *ctx, const struct cairn__pq_api *pq, PGconn *c, const char *what)
{
	cairn_buf msg = CAIRN_BUF_INIT;
	int rc;

	cairn_buf_adds(&msg, pq->error_message(c));
	cairn_buf_rtrim(&msg);
	rc = cairn_error(ctx, CAIRN_EIO, "PostgreSQL %s: %s", what, msg.buf);
	cairn_buf_release(&msg);
	return rc;
}

static int pg_export(cairn_ctx *ctx, const char *dsn, const char *query, struct csv_out *o)
{
	const struct cairn__pq_api *pq;
	PGresult *res = NULL;
	int rc, header = 0;
	PGconn *c;

	if ((rc = cairn__pq(ctx, "a PostgreSQL query", &pq)))
		return rc;
	c = pq->connectdb(dsn);

	if (pq->status(c) != CONNECTION_OK) {
		rc = pg_error(ctx, pq, c, "connection failed");
		goto out;
	}
	/* Read-only: an acquisition query must never change the source. */
	res = pq->exec(c, "BEGIN TRANSACTION READ ONLY");
	if (pq->result_status(res) != PGRES_COMMAND_OK) {
		rc = pg_error(ctx, pq, c, "cannot begin a read-only transaction");
		goto out;
	}
	pq->clear(res);
	res = NULL;
	if (!pq->send_query(c, query) || !pq->set_single_row_mode(c)) {
		rc = pg_error(ctx, pq, c, "query failed");
		goto out;
	}
	while ((res = pq->get_result(c))) {
		ExecStatusType s = pq->result_status(res);
		if (s == PGRES_SINGLE_TUPLE || (s == PGRES_TUPLES_OK && !header)) {
			int ncols = pq->nfields(res);
			if (!header) {
				for (int i = 0; i < ncols; i++)
					add_field(o, i, pq->fname(res, i), strlen(pq->fname(res, i)), 0);
				cairn_buf_addch(&o->b, '\n');
				header = 1;
			}
			for (int r = 0; r < pq->ntuples(res); r++) {
				for (int i = 0; i < ncols; i++)
					add_field(o, i, pq->getvalue(res, r, i), (size_t)pq->getlength(res, r, i),
						  pq->getisnull(res, r, i));
				cairn_buf_addch(&o->b, '\n');
			}
			if ((rc = flush(o, 0)))
				break;
		} else if (s != PGRES_TUPLES_OK) {
			if (!rc) {
				cairn_buf msg = CAIRN_BUF_INIT;
				cairn_buf_adds(&msg, pq->result_error_message(res));
				cairn_buf_rtrim(&msg);
				if (s == PGRES_COMMAND_OK)
					rc = cairn_error(ctx, CAIRN_EINVAL,
							 "the PostgreSQL query returns no rows: %s", query);
				else
					rc = cairn_error(ctx, CAIRN_EINVAL, "PostgreSQL SQL error: %s",
							 msg.buf);
				cairn_buf_release(&msg);
			}
		}
		pq->clear(res);
	}
	res = NULL;
out:
	pq->clear(res);
	pq->finish(c);
	return rc;
}

int cairn_sql_to_csv(cairn_ctx *ctx, const char *dsn, const char *query, const char *dest_path)
{
	struct csv_out o = { ctx, dest_path, -1, CAIRN_BUF_INIT };
	int rc;

	o.fd = open(dest_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (o.fd < 0)
		return cairn_error_errno(ctx, "cannot create '%s'", dest_path);
	rc = cairn_sql_is_postgres(dsn) ? pg_export(ctx, dsn, query, &o) :
	     sqlite_export(ctx, dsn, query, &o);
	if (!rc)
		rc = flush(&o, 1);
	if (!rc && fsync(o.fd) < 0)
		rc = cairn_error_errno(ctx, "cannot write '%s'", dest_path);
	close(o.fd);
	cairn_buf_release(&o.b);
	return rc;
}
