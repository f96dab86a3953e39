/* The store's part of gc: unreferenced objects, their safe removal, and
 * stale temporary files; see gc.h. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cairn/error.h"
#include "cairn/hash.h"
#include "cairn/id.h"
#include "cairn/objects.h"
#include "core/ctx-internal.h"
#include "core/fs.h"
#include "core/output.h"
#include "store/db.h"
#include "store/gc.h"
#include "store/objects-internal.h"

/* Directories deeper than this below the workspace root are not searched
 * for temporary files (a loop of bind mounts cannot trap the walk). */
#define MAX_DEPTH 64

int cairn__store_unreferenced(cairn_ctx *ctx, const struct cairn_strmap *refs,
			      cairn__gc_object_fn *fn, void *arg)
{
	cairn_buf dir = CAIRN_BUF_INIT, sub = CAIRN_BUF_INIT, path = CAIRN_BUF_INIT;
	char hash[CAIRN_HEX_LEN + 1];
	struct dirent *e, *o;
	DIR *d = NULL, *s;
	struct stat st;
	int rc = 0;

	if ((rc = cairn__ctx_need_workspace(ctx)))
		return rc;
	cairn__objects_dir(ctx, &dir);
	if (!(d = opendir(dir.buf))) {
		rc = cairn_error_errno(ctx, "cannot read directory '%s'", dir.buf);
		goto out;
	}
	while (!rc && (e = readdir(d))) {
		if (strlen(e->d_name) != 2 || !cairn_is_hex(e->d_name))
			continue;
		cairn_path_join(&sub, dir.buf, e->d_name);
		if (!(s = opendir(sub.buf)))
			continue;
		while (!rc && (o = readdir(s))) {
			if (strlen(o->d_name) != CAIRN_HEX_LEN - 2 || !cairn_is_hex(o->d_name))
				continue;
			snprintf(hash, sizeof(hash), "%s%s", e->d_name, o->d_name);
			if (cairn_strmap_find(refs, hash, CAIRN_HEX_LEN) >= 0)
				continue;
			cairn_path_join(&path, sub.buf, o->d_name);
			if (lstat(path.buf, &st) == 0 && S_ISREG(st.st_mode))
				rc = fn(hash, &st, arg);
		}
		closedir(s);
	}
out:
	if (d)
		closedir(d);
	cairn_buf_release(&dir);
	cairn_buf_release(&sub);
	cairn_buf_release(&path);
	return rc;
}

static int forget(cairn_ctx *ctx, const char *hash)
{
	cairn__db *db;
	cairn__stmt *st;
	int rc;

	if ((rc = cairn__ctx_db(ctx, &db)) ||
	    (rc = cairn__db_prepare(db, "DELETE FROM objects WHERE hash = ?", &st)) ||
	    (rc = cairn__stmt_bind_text(st, 1, hash)) || (rc = cairn__stmt_run(st)))
		return cairn_error_prefix(ctx, "cannot forget object %s", hash);
	return 0;
}

int cairn__object_remove_stale(cairn_ctx *ctx, const char *hash, int64_t cutoff,
			       int *removed)
{
	cairn_buf path = CAIRN_BUF_INIT, aside = CAIRN_BUF_INIT;
	char id[CAIRN_ID_LEN + 1];
	struct stat st;
	int rc = 0;

	*removed = 0;
	cairn_object_path(ctx, hash, &path);
	if (lstat(path.buf, &st) < 0 || st.st_mtime >= cutoff)
		goto out;
	/* Aside under a temporary name, then look at the time again: a put
	 * that freshened the object before the rename shows there. */
	cairn_id_new(id);
	cairn__objects_dir(ctx, &aside);
	cairn_buf_addf(&aside, "/tmp-gc-%s", id);
	if (rename(path.buf, aside.buf) < 0) {
		if (errno != ENOENT)
			rc = cairn_error_errno(ctx, "cannot remove object '%s'", path.buf);
		goto out;
	}
	if (lstat(aside.buf, &st) == 0 && st.st_mtime >= cutoff) {
		/* In use again: put it back, unless a writer stored it anew. */
		if (link(aside.buf, path.buf) < 0 && errno != EEXIST)
			rc = cairn_error_errno(ctx, "cannot put object '%s' back", path.buf);
		unlink(aside.buf);
		goto out;
	}
	if ((rc = forget(ctx, hash))) {
		if (link(aside.buf, path.buf) == 0)
			unlink(aside.buf);
		goto out;
	}
	if (unlink(aside.buf) < 0)
		rc = cairn_error_errno(ctx, "cannot remove '%s'", aside.buf);
	else
		*removed = 1;
out:
	cairn_buf_release(&path);
	cairn_buf_release(&aside);
	return rc;
}

struct temps {
	cairn_ctx *ctx;
	int64_t cutoff;
	cairn__gc_temp_fn *fn;
	void *arg;
	struct stat skip; /* the .cairn directory */
};

static int is_stale(const struct temps *t, const struct stat *st)
{
	return S_ISREG(st->st_mode) && st->st_mtime < t->cutoff;
}

/*
 * The stale temporary files under dir: with all, every regular file
 * (.cairn/tmp holds nothing but temporaries); else the ".NAME.cairn-tmp-ID"
 * files, past .cairn and .git.
 */
static int walk_temps(struct temps *t, cairn_buf *dir, int all, int depth)
{
	size_t len = dir->len;
	struct dirent *e;
	struct stat st;
	int rc = 0;
	DIR *d;

	if (depth > MAX_DEPTH || !(d = opendir(dir->buf)))
		return 0;
	while (!rc && (e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") ||
		    (!all && !strcmp(e->d_name, ".git")))
			continue;
		cairn_buf_addf(dir, "/%s", e->d_name);
		if (lstat(dir->buf, &st) == 0) {
			if (S_ISDIR(st.st_mode)) {
				if (all || st.st_dev != t->skip.st_dev || st.st_ino != t->skip.st_ino)
					rc = walk_temps(t, dir, all, depth + 1);
			} else if ((all || cairn__output_is_tmp_name(e->d_name)) && is_stale(t, &st)) {
				rc = t->fn(dir->buf, &st, t->arg);
			}
		}
		cairn_buf_setlen(dir, len);
	}
	closedir(d);
	return rc;
}

int cairn__store_stale_temps(cairn_ctx *ctx, int64_t cutoff, cairn__gc_temp_fn *fn,
			     void *arg)
{
	struct temps t = { ctx, cutoff, fn, arg, { 0 } };
	cairn_buf dir = CAIRN_BUF_INIT;
	struct dirent *e;
	struct stat st;
	DIR *d;
	int rc;

	if ((rc = cairn__ctx_need_workspace(ctx)))
		return rc;
	if (stat(ctx->dir, &t.skip) < 0)
		return cairn_error_errno(ctx, "cannot read directory '%s'", ctx->dir);
	cairn_buf_addf(&dir, "%s/tmp", ctx->dir);
	rc = walk_temps(&t, &dir, 1, 0);
	cairn__objects_dir(ctx, &dir);
	if (!rc && (d = opendir(dir.buf))) {
		size_t len = dir.len;
		while (!rc && (e = readdir(d))) {
			if (strncmp(e->d_name, "tmp-", 4))
				continue;
			cairn_buf_addf(&dir, "/%s", e->d_name);
			if (lstat(dir.buf, &st) == 0 && is_stale(&t, &st))
				rc = fn(dir.buf, &st, arg);
			cairn_buf_setlen(&dir, len);
		}
		closedir(d);
	}
	cairn_buf_reset(&dir);
	cairn_buf_adds(&dir, ctx->root);
	if (!rc)
		rc = walk_temps(&t, &dir, 0, 0);
	cairn_buf_release(&dir);
	return rc;
}
