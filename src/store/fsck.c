/* The store's part of fsck: re-hashing every object file and checking it
 * against the objects table, and the database's integrity; see fsck.h. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cairn/error.h"
#include "cairn/id.h"
#include "cairn/objects.h"
#include "core/fs.h"
#include "core/log.h"
#include "core/progress.h"
#include "store/db.h"
#include "store/fsck.h"
#include "store/objects-internal.h"

struct fsck {
	cairn_ctx *ctx;
	struct cairn__store_check *r;
	cairn__fsck_problem_fn *problem;
	void *arg;
	struct cairn__pipeline p;
	struct cairn__progress progress;
	cairn_buf detail;
};

static void fsck_problem(struct fsck *f, const char *kind, const char *what,
			 const char *detail)
{
	if (f->problem)
		f->problem(kind, what, detail, f->arg);
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The entries of dir except . and .., sorted (so reports are stable). */
static int sorted_entries(cairn_ctx *ctx, const char *dir, char ***names, size_t *n)
{
	size_t alloc = 0;
	struct dirent *e;
	DIR *d = opendir(dir);

	*names = NULL;
	*n = 0;
	if (!d)
		return cairn_error_errno(ctx, "cannot read directory '%s'", dir);
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (*n == alloc) {
			alloc = alloc ? 2 * alloc : 64;
			*names = cairn_xrealloc(*names, alloc * sizeof(**names));
		}
		(*names)[(*n)++] = cairn_xstrdup(e->d_name);
	}
	closedir(d);
	if (*n)
		qsort(*names, *n, sizeof(**names), cmp_names);
	return 0;
}

static void free_entries(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/* Checks one object file: its content against its name, then its record. */
static int fsck_object(struct fsck *f, const char *path, const char *hex)
{
	char got[CAIRN_HEX_LEN + 1];
	uint64_t size;
	cairn__stmt *st;
	cairn__db *db;
	int fd, rc;

	cairn_buf_reset(&f->detail);
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		cairn_buf_addf(&f->detail, "cannot open: %s", strerror(errno));
		goto corrupt;
	}
	(void)posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	cairn__pipeline_reset(&f->p, fd, 0, path);
	f->p.progress_base = f->r->bytes_checked;
	rc = cairn__pipeline_run(f->ctx, &f->p, got, &size);
	close(fd);
	f->r->objects_checked++;
	f->r->bytes_checked += f->p.bytes;
	if (rc) {
		cairn_buf_adds(&f->detail, cairn_errmsg(f->ctx));
		cairn_error_clear(f->ctx);
		goto corrupt;
	}
	if (strcmp(got, hex)) {
		cairn_buf_addf(&f->detail, "content hashes to %s", got);
		goto corrupt;
	}

	if ((rc = cairn__ctx_db(f->ctx, &db)) ||
	    (rc = cairn__db_prepare(db, "SELECT size FROM objects WHERE hash = ?", &st)) ||
	    (rc = cairn__stmt_bind_text(st, 1, hex)))
		return rc;
	rc = cairn__stmt_step(st);
	if (rc == 1 && (uint64_t)cairn__stmt_int64(st, 0) != size)
		cairn_buf_addf(&f->detail, "recorded as %lld bytes, the file has %llu",
			       (long long)cairn__stmt_int64(st, 0), (unsigned long long)size);
	cairn__stmt_reset(st);
	if (rc < 0)
		return cairn_errcode(f->ctx);
	if (f->detail.len)
		goto corrupt;
	if (rc == 0) {
		/* A put that died between link and insert: the file is complete
		 * (it was verified just now), so record it. */
		if ((rc = cairn__object_record(f->ctx, hex, size, 0)))
			return rc;
		f->r->unrecorded++;
		fsck_problem(f, "unrecorded", hex, "valid object missing from the metadata store; recorded now");
	}
	return 0;
corrupt:
	f->r->corrupt++;
	fsck_problem(f, "corrupt", hex, f->detail.buf);
	return 0;
}

static void fsck_stray(struct fsck *f, const char *path, const char *detail)
{
	f->r->stray++;
	fsck_problem(f, "stray", path, detail);
}

static int fsck_fanout(struct fsck *f, const char *dir, const char *prefix)
{
	cairn_buf path = CAIRN_BUF_INIT, hex = CAIRN_BUF_INIT;
	char **names;
	size_t n;
	struct stat st;
	int rc;

	if ((rc = sorted_entries(f->ctx, dir, &names, &n)))
		return rc;
	for (size_t i = 0; i < n && !rc; i++) {
		cairn_path_join(&path, dir, names[i]);
		if (lstat(path.buf, &st) < 0) /* removed meanwhile */
			continue;
		if (strlen(names[i]) != CAIRN_HEX_LEN - 2 || !cairn_is_hex(names[i])) {
			fsck_stray(f, path.buf, "not an object name");
			continue;
		}
		if (!S_ISREG(st.st_mode)) {
			fsck_stray(f, path.buf, "not a regular file");
			continue;
		}
		cairn_buf_reset(&hex);
		cairn_buf_addf(&hex, "%s%s", prefix, names[i]);
		rc = fsck_object(f, path.buf, hex.buf);
	}
	free_entries(names, n);
	cairn_buf_release(&path);
	cairn_buf_release(&hex);
	return rc;
}

/* Objects recorded in the metadata store whose file is gone. */
static int fsck_missing(struct fsck *f)
{
	cairn__stmt *st;
	cairn__db *db;
	int rc;

	if ((rc = cairn__ctx_db(f->ctx, &db)) ||
	    (rc = cairn__db_prepare(db, "SELECT hash FROM objects ORDER BY hash", &st)))
		return rc;
	while ((rc = cairn__stmt_step(st)) == 1) {
		const char *hex = cairn__stmt_text(st, 0);
		if (cairn_object_exists(f->ctx, hex))
			continue;
		f->r->missing++;
		fsck_problem(f, "missing", hex, "recorded, but its file is gone");
	}
	cairn__stmt_reset(st);
	return rc < 0 ? cairn_errcode(f->ctx) : 0;
}

struct db_check {
	struct cairn__store_check *r;
	cairn__fsck_problem_fn *problem;
	void *arg;
};

static void on_db_problem(const char *detail, void *arg)
{
	struct db_check *c = arg;

	c->r->database++;
	if (c->problem)
		c->problem("database", "metadata", detail, c->arg);
}

int cairn__store_check_db(cairn_ctx *ctx, struct cairn__store_check *r,
			  cairn__fsck_problem_fn *problem, void *arg)
{
	struct db_check c = { r, problem, arg };
	cairn__db *db;
	int rc;

	if ((rc = cairn__ctx_db(ctx, &db)))
		return rc;
	return cairn__db_integrity_check(db, on_db_problem, &c);
}

int cairn__store_check_objects(cairn_ctx *ctx, struct cairn__store_check *r,
			       cairn__fsck_problem_fn *problem, void *arg)
{
	cairn_buf dir = CAIRN_BUF_INIT, path = CAIRN_BUF_INIT;
	struct fsck f;
	char **names = NULL;
	size_t n = 0;
	uint64_t total = 0;
	struct stat st;
	cairn__stmt *stmt;
	cairn__db *db;
	int rc;

	memset(&f, 0, sizeof(f));
	f.ctx = ctx;
	f.r = r;
	f.problem = problem;
	f.arg = arg;
	cairn_buf_init(&f.detail);
	cairn__pipeline_init(&f.p, -1, 1, 0, "");
	f.p.progress = &f.progress;

	if ((rc = cairn__ctx_db(ctx, &db)))
		goto out;
	/* The recorded total is the progress bar's scale; unrecorded files can
	 * only make the real one larger. */
	if ((rc = cairn__db_prepare(db, "SELECT coalesce(sum(size), 0) FROM objects", &stmt)))
		goto out;
	if (cairn__stmt_step(stmt) == 1)
		total = (uint64_t)cairn__stmt_int64(stmt, 0);
	cairn__stmt_reset(stmt);
	cairn__progress_start(ctx, &f.progress, "checking objects", total, 1);

	cairn__objects_dir(ctx, &dir);
	if ((rc = sorted_entries(ctx, dir.buf, &names, &n)))
		goto out;
	for (size_t i = 0; i < n && !rc; i++) {
		cairn_path_join(&path, dir.buf, names[i]);
		if (lstat(path.buf, &st) < 0)
			continue;
		if (strlen(names[i]) == 2 && cairn_is_hex(names[i]) && S_ISDIR(st.st_mode))
			rc = fsck_fanout(&f, path.buf, names[i]);
		else if (!strncmp(names[i], "tmp-", 4) && S_ISREG(st.st_mode))
			fsck_stray(&f, path.buf,
				   "temporary file of an interrupted write (safe to delete when no cairn command is running)");
		else
			fsck_stray(&f, path.buf, "not an object fan-out directory");
	}
	if (!rc)
		rc = fsck_missing(&f);
out:
	cairn__progress_end(&f.progress);
	free_entries(names, n);
	cairn__pipeline_release(&f.p);
	cairn_buf_release(&f.detail);
	cairn_buf_release(&dir);
	cairn_buf_release(&path);
	return rc;
}
