/* The metadata store: what every backend shares (statement cache,
 * transactions, migrations, prefix resolution, messages) over the driver
 * chosen by the database's target; see src/store/db.h and db-driver.h. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "cairn/buf.h"
#include "cairn/error.h"
#include "cairn/id.h"
#include "core/ctx-internal.h"
#include "core/log.h"
#include "store/db-driver.h"
#include "store/db.h"
#include "store/migrations.h"

/* The drivers this cairn has; a target with no scheme is for the first. */
static const struct cairn__db_driver *const drivers[] = {
	&cairn__db_sqlite,
};

struct cairn__stmt {
	cairn__db *db;
	void *s;
	char *sql;
};

struct cairn__db {
	cairn_ctx *ctx;
	const struct cairn__db_driver *drv;
	void *conn;
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
	return cairn_error(db->ctx, db->drv->is_corrupt(db->conn) ? CAIRN_ECORRUPT : CAIRN_EDB,
			   "metadata store '%s': %s: %s", db->path, what,
			   db->drv->errmsg(db->conn));
}

int cairn__db_exec(cairn__db *db, const char *sql)
{
	if (db->drv->exec(db->conn, sql))
		return db_error(db, "cannot run statement");
	return 0;
}

int cairn__db_begin(cairn__db *db)
{
	if (db->in_tx)
		return cairn_error(db->ctx, CAIRN_EINTERNAL,
				   "metadata store: a transaction is already open");
	if (db->drv->begin(db->conn))
		return db_error(db, "cannot run statement");
	db->in_tx = 1;
	return 0;
}

int cairn__db_commit(cairn__db *db)
{
	if (!db->in_tx)
		return cairn_error(db->ctx, CAIRN_EINTERNAL,
				   "metadata store: commit without a transaction");
	if (db->drv->commit(db->conn)) {
		int rc = db_error(db, "cannot run statement");
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
	db->drv->rollback(db->conn);
	db->in_tx = 0;
}

int cairn__db_prepare(cairn__db *db, const char *sql, cairn__stmt **out)
{
	struct cairn__stmt *st;
	void *s;

	for (int i = 0; i < db->nstmts; i++) {
		st = db->stmts[i];
		if (!strcmp(st->sql, sql)) {
			db->drv->reset(st->s);
			*out = st;
			return 0;
		}
	}
	if (db->drv->prepare(db->conn, sql, &s))
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
	return rc ? db_error(st->db, "cannot bind parameter") : 0;
}

int cairn__stmt_bind_text(cairn__stmt *st, int idx, const char *s)
{
	return bind_result(st, st->db->drv->bind_text(st->s, idx, s));
}

int cairn__stmt_bind_int64(cairn__stmt *st, int idx, int64_t v)
{
	return bind_result(st, st->db->drv->bind_int64(st->s, idx, v));
}

int cairn__stmt_bind_double(cairn__stmt *st, int idx, double v)
{
	return bind_result(st, st->db->drv->bind_double(st->s, idx, v));
}

int cairn__stmt_bind_null(cairn__stmt *st, int idx)
{
	return bind_result(st, st->db->drv->bind_null(st->s, idx));
}

int cairn__stmt_bind_blob(cairn__stmt *st, int idx, const void *p, size_t n)
{
	return bind_result(st, st->db->drv->bind_blob(st->s, idx, p, n));
}

int cairn__stmt_step(cairn__stmt *st)
{
	int rc = st->db->drv->step(st->s);
	if (rc >= 0)
		return rc;
	db_error(st->db, "query failed");
	st->db->drv->reset(st->s);
	return -1;
}

int cairn__stmt_run(cairn__stmt *st)
{
	int rc = cairn__stmt_step(st);
	if (rc < 0)
		return cairn_errcode(st->db->ctx);
	st->db->drv->reset(st->s);
	return 0;
}

const char *cairn__stmt_text(cairn__stmt *st, int col)
{
	const char *s = st->db->drv->column_text(st->s, col);
	return s ? s : "";
}

int64_t cairn__stmt_int64(cairn__stmt *st, int col)
{
	return st->db->drv->column_int64(st->s, col);
}

double cairn__stmt_double(cairn__stmt *st, int col)
{
	return st->db->drv->column_double(st->s, col);
}

int cairn__stmt_is_null(cairn__stmt *st, int col)
{
	return st->db->drv->column_is_null(st->s, col);
}

void cairn__stmt_reset(cairn__stmt *st)
{
	st->db->drv->reset(st->s);
}

int64_t cairn__db_changes(cairn__db *db)
{
	return db->drv->changes(db->conn);
}

int cairn__db_schema_version(cairn__db *db)
{
	return db->schema_version;
}

static int read_schema_version(cairn__db *db, int *version)
{
	if (db->drv->get_schema_version(db->conn, version))
		return db_error(db, "cannot read the schema version");
	return 0;
}

/* A migration's DDL with the driver's words for the backend-specific
 * parts ({serial_key}, {table_options}; see migrations.c). */
static void expand_ddl(const struct cairn__db_driver *drv, const char *sql, cairn_buf *out)
{
	static const char serial[] = "{serial_key}", options[] = "{table_options}";

	cairn_buf_reset(out);
	while (*sql) {
		if (!strncmp(sql, serial, sizeof(serial) - 1)) {
			cairn_buf_adds(out, drv->serial_key);
			sql += sizeof(serial) - 1;
		} else if (!strncmp(sql, options, sizeof(options) - 1)) {
			cairn_buf_adds(out, drv->table_options);
			sql += sizeof(options) - 1;
		} else {
			cairn_buf_addch(out, *sql++);
		}
	}
}

static int migrate(cairn__db *db)
{
	const struct cairn__migration *m;
	int n, current, latest, rc;
	cairn_buf sql = CAIRN_BUF_INIT;
	cairn__stmt *st;

	m = cairn__migrations(&n);
	latest = m[n - 1].version;
	if ((rc = read_schema_version(db, &current)))
		return rc;
	if (current == latest)
		goto done;

	/* Take the write lock, then look again: another process may have won. */
	if ((rc = cairn__db_begin(db)))
		return rc;
	if ((rc = read_schema_version(db, &current)))
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
		expand_ddl(db->drv, m[i].sql, &sql);
		if ((rc = cairn__db_exec(db, sql.buf))) {
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
	if (db->drv->set_schema_version(db->conn, latest)) {
		rc = db_error(db, "cannot record the schema version");
		goto fail;
	}
	if ((rc = cairn__db_commit(db)))
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

/* The driver for target: by its scheme ("sqlite://path"), else the first. */
static const struct cairn__db_driver *driver_for(const char *target, const char **rest)
{
	const char *sep = strstr(target, "://");

	*rest = target;
	if (!sep)
		return drivers[0];
	for (size_t i = 0; i < sizeof(drivers) / sizeof(drivers[0]); i++) {
		size_t n = strlen(drivers[i]->scheme);
		if ((size_t)(sep - target) == n && !strncmp(target, drivers[i]->scheme, n)) {
			*rest = sep + 3;
			return drivers[i];
		}
	}
	return NULL;
}

int cairn__db_open(cairn_ctx *ctx, const char *path, int create, cairn__db **out)
{
	cairn__db *db;
	const char *target, *what = "cannot open";
	int rc;

	const struct cairn__db_driver *drv = driver_for(path, &target);
	if (!drv)
		return cairn_error(ctx, CAIRN_EINVAL,
				   "metadata store '%s': no driver for this kind of database (this cairn has: sqlite)",
				   path);
	db = cairn_xcalloc(1, sizeof(*db));
	db->ctx = ctx;
	db->drv = drv;
	db->path = cairn_xstrdup(path);
	if (drv->open(target, create, &db->conn, &what)) {
		if (!db->conn) {
			rc = cairn_error(ctx, CAIRN_ENOMEM, "cannot open metadata store '%s'", path);
			goto fail;
		}
		rc = db_error(db, what);
		goto fail;
	}
	if ((rc = migrate(db)))
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
		db->drv->finalize(db->stmts[i]->s);
		free(db->stmts[i]->sql);
		free(db->stmts[i]);
	}
	free(db->stmts);
	if (db->conn)
		db->drv->close(db->conn);
	free(db->path);
	free(db);
}

int cairn__db_integrity_check(cairn__db *db, void (*fn)(const char *problem, void *arg),
			      void *arg)
{
	if (db->drv->integrity_check(db->conn, fn, arg))
		return db_error(db, "cannot check the database");
	return 0;
}

static void close_ctx_db(void *db)
{
	cairn__db_close(db);
}

/*
 * init writes the config only after the store holds its schema, so in a
 * configured workspace a 0-byte cairn.db has lost its records (truncated,
 * or a copy that went wrong). SQLite would take it for a new database and
 * quietly start an empty workspace over the objects.
 */
static int check_not_empty(cairn_ctx *ctx, const char *path)
{
	struct stat st;

	if (stat(path, &st) || !S_ISREG(st.st_mode) || st.st_size)
		return 0;
	return cairn_error(ctx, CAIRN_ECORRUPT, "metadata store '%s' is empty (0 bytes): its "
			   "records are lost; restore it from a backup (the objects in '%s/objects'"
			   " are intact), or move it and '%s/config' aside and run 'cairn init' to"
			   " start an empty workspace", path, ctx->dir, ctx->dir);
}

int cairn__ctx_db(cairn_ctx *ctx, cairn__db **db)
{
	int rc;

	if (!ctx->db) {
		cairn_buf path = CAIRN_BUF_INIT;
		cairn__db *opened;
		if ((rc = cairn__ctx_need_workspace(ctx)))
			return rc;
		cairn_buf_addf(&path, "%s/cairn.db", ctx->dir);
		rc = check_not_empty(ctx, path.buf);
		if (!rc)
			rc = cairn__db_open(ctx, path.buf, 0, &opened);
		cairn_buf_release(&path);
		if (rc)
			return rc;
		ctx->db = opened;
		ctx->db_close = close_ctx_db;
	}
	*db = ctx->db;
	return 0;
}

/* The largest code point (U+10FFFF) in UTF-8: appended to a prefix, it
 * bounds every key that starts with the prefix, and is valid text for
 * every backend (a lone 0xff byte is not). */
#define TEXT_MAX "\xf4\x8f\xbf\xbf"

int cairn__db_resolve_prefix(cairn__db *db, const char *what, const char *table,
			    const char *column, const char *prefix, char **full)
{
	cairn_buf sql = CAIRN_BUF_INIT, hi = CAIRN_BUF_INIT, seen = CAIRN_BUF_INIT;
	cairn__stmt *st;
	int rc, n = 0;

	/* A range scan on the key: prefix <= key < prefix followed by the
	 * largest character. */
	cairn_buf_addf(&sql, "SELECT %s FROM %s WHERE %s >= ?1 AND %s < ?2 ORDER BY %s LIMIT 6",
		       column, table, column, column, column);
	cairn_buf_adds(&hi, prefix);
	cairn_buf_adds(&hi, TEXT_MAX);
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
