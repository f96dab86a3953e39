/* Acquiring the result of a user's SQL query as CSV: PostgreSQL through
 * libpq (loaded by store/pq-loader.h) or an SQLite file (read through
 * store/sqlite-query.h); see include/cairn/acquire.h. */
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include "cairn/acquire.h"
#include "cairn/buf.h"
#include "cairn/csv.h"
#include "cairn/error.h"
#include "core/fs.h"
#include "store/pq-loader.h"
#include "store/sqlite-query.h"

/* 1 when dsn names a PostgreSQL database (postgres:// or postgresql:// URI,
 * or a libpq "key=value" string); else it is taken as an SQLite file path
 * (optionally written sqlite:///path). */
static int sql_is_postgres(const char *dsn)
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

/* Writes the buffer out once it is large (or when force is set), and stops
 * the query when cancelling was requested. */
static int flush(struct csv_out *o, int force)
{
	if (cairn_ctx_cancelled(o->ctx))
		return cairn_error(o->ctx, CAIRN_EINTERRUPTED, "the query was cancelled");
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

static int sqlite_row(void *arg, int ncols, const char *const *text, const size_t *len)
{
	struct csv_out *o = arg;

	for (int i = 0; i < ncols; i++)
		add_field(o, i, text[i], len[i], !text[i]);
	cairn_buf_addch(&o->b, '\n');
	return flush(o, 0);
}

static int sqlite_export(cairn_ctx *ctx, const char *path, const char *query, struct csv_out *o)
{
	if (!strncmp(path, "sqlite://", 9))
		path += 9;
	return cairn__sqlite_query_file(ctx, path, query, sqlite_row, o);
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
			if ((rc = flush(o, 0))) {
				pq->clear(res);
				break;
			}
		} else if (s != PGRES_TUPLES_OK && !rc) {
			cairn_buf msg = CAIRN_BUF_INIT;
			cairn_buf_adds(&msg, pq->result_error_message(res));
			cairn_buf_rtrim(&msg);
			if (s == PGRES_COMMAND_OK)
				rc = cairn_error(ctx, CAIRN_EINVAL,
						 "the PostgreSQL query returns no rows: %s", query);
			else
				rc = cairn_error(ctx, CAIRN_EINVAL, "PostgreSQL SQL error: %s", msg.buf);
			cairn_buf_release(&msg);
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
	rc = sql_is_postgres(dsn) ? pg_export(ctx, dsn, query, &o) :
	     sqlite_export(ctx, dsn, query, &o);
	if (!rc)
		rc = flush(&o, 1);
	if (!rc && fsync(o.fd) < 0)
		rc = cairn_error_errno(ctx, "cannot write '%s'", dest_path);
	close(o.fd);
	cairn_buf_release(&o.b);
	return rc;
}
