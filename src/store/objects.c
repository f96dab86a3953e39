/*
 * The object store: content-addressed blobs under .cairn/objects/ab/<62 hex>,
 * written atomically (hashing and writing in parallel, see pipeline.c),
 * recorded in the metadata store, found by prefix, read and listed. See
 * include/cairn/objects.h and docs/internals/objects.md.
 */
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
#include "cairn/ref.h"
#include "core/ctx-internal.h"
#include "core/fs.h"
#include "core/log.h"
#include "core/progress.h"
#include "store/db.h"
#include "store/objects-internal.h"
#include "store/workspace-internal.h"

static _Thread_local enum cairn__put_path last_put_path;
static atomic_int force_mkstemp;

enum cairn__put_path cairn__object_last_put_path(void)
{
	return last_put_path;
}

void cairn__object_force_mkstemp(int on)
{
	atomic_store(&force_mkstemp, on);
}

void cairn__objects_dir(cairn_ctx *ctx, cairn_buf *out)
{
	cairn_buf_reset(out);
	cairn_buf_addf(out, "%s/objects", ctx->dir);
}

void cairn_object_path(cairn_ctx *ctx, const char *hash, cairn_buf *out)
{
	cairn_buf_reset(out);
	cairn_buf_addf(out, "%s/objects/%.2s/%s", ctx->dir, hash, hash + 2);
}

int cairn_object_exists(cairn_ctx *ctx, const char *hash)
{
	cairn_buf path = CAIRN_BUF_INIT;
	struct stat st;
	int ok;

	if (!ctx->dir || !cairn_is_sha256_hex(hash))
		return 0;
	cairn_object_path(ctx, hash, &path);
	ok = stat(path.buf, &st) == 0 && S_ISREG(st.st_mode);
	cairn_buf_release(&path);
	return ok;
}

/*
 * Marks a stored object as just used: a put that finds its content stored
 * sets the file's time to now, so that cairn_gc, which removes only
 * unreferenced objects older than its grace period, leaves it to the record
 * the writer is about to make (git freshens objects for the same reason).
 * 1 when the object is there, 0 when it is gone (gc removed it meanwhile:
 * the caller writes it again). A file we may not touch (another user's
 * store) counts as there.
 */
static int freshen(cairn_ctx *ctx, const char *hex)
{
	cairn_buf path = CAIRN_BUF_INIT;
	int there;

	if (!cairn_is_sha256_hex(hex))
		return 0;
	cairn_object_path(ctx, hex, &path);
	there = utimensat(AT_FDCWD, path.buf, NULL, 0) == 0 || errno != ENOENT;
	cairn_buf_release(&path);
	return there;
}

/* ---- writing objects: a temporary file, fsync, link, fsync the directory ---- */

struct tmpobj {
	int fd;
	cairn_buf path; /* the temporary name; empty for an O_TMPFILE file */
};

static void tmp_init(struct tmpobj *t)
{
	t->fd = -1;
	cairn_buf_init(&t->path);
}

static void tmp_discard(struct tmpobj *t)
{
	if (t->fd >= 0)
		close(t->fd);
	t->fd = -1;
	if (t->path.len)
		unlink(t->path.buf);
	cairn_buf_release(&t->path);
}

/*
 * An anonymous file in the objects directory (O_TMPFILE): if we die before it
 * is linked, the kernel frees it and nothing is left behind. Where O_TMPFILE
 * or /proc is missing, a named temporary file (objects/tmp-XXXXXX), which an
 * interrupted write leaves behind and fsck reports as a stray.
 */
static int tmp_open(cairn_ctx *ctx, struct tmpobj *t)
{
	cairn_buf dir = CAIRN_BUF_INIT, proc = CAIRN_BUF_INIT;
	int rc = 0;

	cairn__objects_dir(ctx, &dir);
	if (!atomic_load(&force_mkstemp)) {
		t->fd = open(dir.buf, O_TMPFILE | O_WRONLY | O_CLOEXEC, 0444);
		if (t->fd >= 0) {
			cairn_buf_addf(&proc, "/proc/self/fd/%d", t->fd);
			if (access(proc.buf, F_OK) == 0)
				goto out;
			close(t->fd);
			t->fd = -1;
		}
	}
	cairn_buf_addf(&t->path, "%s/tmp-XXXXXX", dir.buf);
	t->fd = mkstemp(t->path.buf);
	if (t->fd < 0) {
		rc = cairn_error_errno(ctx, "cannot create a temporary file in '%s'", dir.buf);
		cairn_buf_reset(&t->path);
	}
out:
	cairn_buf_release(&dir);
	cairn_buf_release(&proc);
	return rc;
}

/* Creates the fan-out directory of path (objects/ab) when missing, durably,
 * with the workspace's umask rather than the process's. */
static int make_fanout(cairn_ctx *ctx, const char *fanout, unsigned umask)
{
	cairn_buf parent = CAIRN_BUF_INIT;
	int rc = 0;

	if (mkdir(fanout, 0777 & ~umask) == 0) {
		if (chmod(fanout, 0777 & ~umask) < 0) {
			rc = cairn_error_errno(ctx, "cannot set the mode of '%s'", fanout);
			goto out;
		}
		cairn__objects_dir(ctx, &parent);
		rc = cairn_fsync_dir(ctx, parent.buf);
	} else if (errno != EEXIST) {
		rc = cairn_error_errno(ctx, "cannot create directory '%s'", fanout);
	}
out:
	cairn_buf_release(&parent);
	return rc;
}

/*
 * Gives the complete temporary file its final name. The data is made durable
 * first and the name after it, so no crash can leave a name on a partial file.
 * *existed is set when the object was there already (the file is then left
 * for tmp_discard()).
 */
static int tmp_install(cairn_ctx *ctx, struct tmpobj *t, const char *hex,
		       const char *what, int *existed)
{
	cairn_buf final = CAIRN_BUF_INIT, fanout = CAIRN_BUF_INIT, src = CAIRN_BUF_INIT;
	unsigned umask;
	int rc = 0;

	*existed = 0;
	cairn_object_path(ctx, hex, &final);
	cairn_buf_add(&fanout, final.buf, final.len - (CAIRN_HEX_LEN - 2) - 1);
	if ((rc = cairn__workspace_umask(ctx, &umask)))
		goto out;
	/* Read-only, and readable by whom the workspace's maker allowed. */
	if (fchmod(t->fd, 0444 & ~umask) < 0 || fsync(t->fd) < 0) {
		rc = cairn_error_errno(ctx, "cannot write the object for '%s'", what);
		goto out;
	}
	if ((rc = make_fanout(ctx, fanout.buf, umask)))
		goto out;
again:
	if (!t->path.len) {
		cairn_buf_reset(&src);
		cairn_buf_addf(&src, "/proc/self/fd/%d", t->fd);
		if (linkat(AT_FDCWD, src.buf, AT_FDCWD, final.buf, AT_SYMLINK_FOLLOW) < 0) {
			if (errno != EEXIST) {
				rc = cairn_error_errno(ctx, "cannot store object '%s'", final.buf);
				goto out;
			}
			if (!freshen(ctx, hex))
				goto again;
			*existed = 1;
		}
	} else if (link(t->path.buf, final.buf) < 0) {
		if (errno == EEXIST) {
			if (!freshen(ctx, hex))
				goto again;
			*existed = 1;
		} else if (rename(t->path.buf, final.buf) < 0) {
			/* A file system without hard links: rename replaces an
			 * existing object with the same content, which is harmless. */
			rc = cairn_error_errno(ctx, "cannot rename '%s' to '%s'", t->path.buf,
					       final.buf);
			goto out;
		} else {
			cairn_buf_reset(&t->path);
		}
	}
	if (!*existed)
		rc = cairn_fsync_dir(ctx, fanout.buf);
out:
	cairn_buf_release(&final);
	cairn_buf_release(&fanout);
	cairn_buf_release(&src);
	return rc;
}

/*
 * Records the object in the metadata store. When it may be recorded already,
 * look first: a read does not queue behind other writers for the write lock.
 */
int cairn__object_record(cairn_ctx *ctx, const char *hex, uint64_t size, int look_first)
{
	cairn__db *db;
	cairn__stmt *st;
	int rc;

	if ((rc = cairn__ctx_db(ctx, &db)))
		return rc;
	if (look_first) {
		if ((rc = cairn__db_prepare(db, "SELECT 1 FROM objects WHERE hash = ?", &st)) ||
		    (rc = cairn__stmt_bind_text(st, 1, hex)))
			return rc;
		rc = cairn__stmt_step(st);
		/* Reset at once: a statement left open would hold a read
		 * transaction that the insert below would have to upgrade. */
		cairn__stmt_reset(st);
		if (rc < 0)
			return cairn_errcode(ctx);
		if (rc == 1)
			return 0;
	}
	if ((rc = cairn__db_prepare(db,
				   "INSERT INTO objects(hash, size, created_ms) VALUES (?, ?, ?)"
				   " ON CONFLICT (hash) DO NOTHING",
				   &st)) ||
	    (rc = cairn__stmt_bind_text(st, 1, hex)) ||
	    (rc = cairn__stmt_bind_int64(st, 2, (int64_t)size)) ||
	    (rc = cairn__stmt_bind_int64(st, 3, cairn_now_ms())) ||
	    (rc = cairn__stmt_run(st)))
		return cairn_error_prefix(ctx, "cannot record object %s", hex);
	return 0;
}

/* 1 in *found when some recorded object has exactly this size. */
static int size_recorded(cairn_ctx *ctx, uint64_t size, int *found)
{
	cairn__db *db;
	cairn__stmt *st;
	int rc;

	if ((rc = cairn__ctx_db(ctx, &db)) ||
	    (rc = cairn__db_prepare(db, "SELECT 1 FROM objects WHERE size = ? LIMIT 1", &st)) ||
	    (rc = cairn__stmt_bind_int64(st, 1, (int64_t)size)))
		return rc;
	rc = cairn__stmt_step(st);
	cairn__stmt_reset(st);
	if (rc < 0)
		return cairn_errcode(ctx);
	*found = rc;
	return 0;
}

/* Stores content already hashed and held in memory, unless it is there. */
static int store_memory(cairn_ctx *ctx, const void *data, size_t len, const char *hex,
			const char *what, int *existed)
{
	struct tmpobj t;
	int rc;

	if (cairn_object_exists(ctx, hex) && freshen(ctx, hex)) {
		*existed = 1;
		return cairn__object_record(ctx, hex, len, 1);
	}
	tmp_init(&t);
	if ((rc = tmp_open(ctx, &t)))
		goto out;
	if (cairn_write_full(t.fd, data, len) < 0) {
		rc = cairn_error_errno(ctx, "cannot write the object for '%s'", what);
		goto out;
	}
	if ((rc = tmp_install(ctx, &t, hex, what, existed)))
		goto out;
	rc = cairn__object_record(ctx, hex, len, *existed);
out:
	tmp_discard(&t);
	return rc;
}

static void fill_result(struct cairn_object_put_result *res, const char *hex,
			uint64_t size, int existed)
{
	memcpy(res->hash, hex, CAIRN_HEX_LEN + 1);
	res->size = size;
	res->existed = existed;
}

/*
 * The two ways to store a stream (see docs/internals/objects.md):
 * - No recorded object has this size (or the size is unknown): the content is
 *   almost certainly new, so it is hashed and written to a temporary file in
 *   the same pass, and the temporary file is dropped in the rare case that
 *   the object turns out to exist.
 * - Some object has this size: hash first, reading only; the usual outcome is
 *   that the content is stored already and nothing is written. Otherwise the
 *   file is read again, hashing and writing, and the object is named by that
 *   second hash: what was written is exactly what was hashed, even if the file
 *   changed in between.
 * Content that fits in one chunk is hashed in memory and written only if new.
 */
static int put_stream(cairn_ctx *ctx, int fd, int seekable, off_t start, uint64_t size_now,
		      const char *what, struct cairn_object_put_result *res)
{
	struct cairn__pipeline p;
	struct tmpobj t;
	struct cairn__progress progress;
	cairn_buf title = CAIRN_BUF_INIT;
	char hex[CAIRN_HEX_LEN + 1];
	uint64_t size = 0;
	int rc, existed = 0, hashed_first = 0;
	cairn__db *db;

	if ((rc = cairn__ctx_db(ctx, &db)))
		return rc;
	cairn__pipeline_init(&p, fd, seekable, start, what);
	tmp_init(&t);
	cairn_buf_addf(&title, "storing %s", what);
	cairn__progress_start(ctx, &progress, title.buf, seekable ? size_now : 0, 1);
	p.progress = &progress;

	if (seekable && size_now > CHUNK) {
		int found = 0;
		if ((rc = size_recorded(ctx, size_now, &found)))
			goto out;
		if (found) {
			cairn__log_debug(ctx, "object put: an object of %llu bytes exists; hashing '%s' first",
					(unsigned long long)size_now, what);
			if ((rc = cairn__pipeline_run(ctx, &p, hex, &size)))
				goto out;
			if (cairn_object_exists(ctx, hex) && freshen(ctx, hex)) {
				existed = 1;
				if ((rc = cairn__object_record(ctx, hex, size, 1)))
					goto out;
				last_put_path = CAIRN__PUT_HASH_FIRST_FOUND;
				goto done;
			}
			hashed_first = 1;
			cairn__pipeline_reset(&p, fd, start, what);
		}
	}

	cairn__pipeline_read_first(&p);
	if (p.read_errno) {
		rc = cairn__pipeline_error(ctx, &p);
		goto out;
	}
	if (p.eof) {
		size = p.filled ? p.len[0] : 0;
		cairn_sha256_buf(p.filled ? p.buf[0] : "", size, hex);
		if ((rc = store_memory(ctx, p.filled ? p.buf[0] : "", size, hex, what,
				       &existed)))
			goto out;
		last_put_path = CAIRN__PUT_SMALL;
		goto done;
	}

	if ((rc = tmp_open(ctx, &t)))
		goto out;
	p.out_fd = t.fd;
	if ((rc = cairn__pipeline_run(ctx, &p, hex, &size)) ||
	    (rc = tmp_install(ctx, &t, hex, what, &existed)) ||
	    (rc = cairn__object_record(ctx, hex, size, existed)))
		goto out;
	last_put_path = hashed_first ? CAIRN__PUT_HASH_FIRST_NEW : CAIRN__PUT_NEW;
done:
	fill_result(res, hex, size, existed);
out:
	cairn__progress_end(&progress);
	tmp_discard(&t);
	cairn__pipeline_release(&p);
	cairn_buf_release(&title);
	return rc;
}

int cairn_object_put_fd(cairn_ctx *ctx, int fd, const char *what,
			struct cairn_object_put_result *res)
{
	struct stat st;
	off_t start = 0;
	uint64_t size = 0;
	int seekable;

	last_put_path = CAIRN__PUT_NONE;
	if (fstat(fd, &st) < 0)
		return cairn_error_errno(ctx, "cannot read '%s'", what);
	if (S_ISDIR(st.st_mode))
		return cairn_error(ctx, CAIRN_EINVAL, "cannot store '%s': it is a directory",
				   what);
	seekable = S_ISREG(st.st_mode);
	if (seekable) {
		start = lseek(fd, 0, SEEK_CUR);
		if (start < 0)
			start = 0;
		size = st.st_size > start ? (uint64_t)(st.st_size - start) : 0;
		(void)posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	}
	return put_stream(ctx, fd, seekable, start, size, what, res);
}

int cairn_object_put_file(cairn_ctx *ctx, const char *path,
			  struct cairn_object_put_result *res)
{
	int fd, rc;

	if ((rc = cairn__ctx_need_workspace(ctx)))
		return rc;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return cairn_error_errno(ctx, "cannot open '%s'", path);
	rc = cairn_object_put_fd(ctx, fd, path, res);
	close(fd);
	return rc;
}

int cairn_object_put_buf(cairn_ctx *ctx, const void *data, size_t len,
			 struct cairn_object_put_result *res)
{
	char hex[CAIRN_HEX_LEN + 1];
	int rc, existed = 0;

	last_put_path = CAIRN__PUT_NONE;
	if ((rc = cairn__ctx_need_workspace(ctx)))
		return rc;
	cairn_sha256_buf(data, len, hex);
	if ((rc = store_memory(ctx, data, len, hex, "memory", &existed)))
		return rc;
	last_put_path = CAIRN__PUT_SMALL;
	fill_result(res, hex, len, existed);
	return 0;
}

/* ---- finding and reading objects ---- */

/* Looks for objects whose names start with prefix (4+ hex) in its fan-out
 * directory: objects written by a process that died before recording them. */
static int resolve_in_dir(cairn_ctx *ctx, const char *prefix, char hash[CAIRN_HEX_LEN + 1])
{
	cairn_buf dir = CAIRN_BUF_INIT, seen = CAIRN_BUF_INIT;
	size_t rest = strlen(prefix) - 2;
	struct dirent *e;
	DIR *d;
	int n = 0, rc;

	cairn_buf_addf(&dir, "%s/objects/%.2s", ctx->dir, prefix);
	d = opendir(dir.buf);
	while (d && (e = readdir(d))) {
		if (strlen(e->d_name) != CAIRN_HEX_LEN - 2 || !cairn_is_hex(e->d_name) ||
		    strncmp(e->d_name, prefix + 2, rest))
			continue;
		if (n++ == 0) {
			memcpy(hash, prefix, 2);
			memcpy(hash + 2, e->d_name, CAIRN_HEX_LEN - 2 + 1);
		}
		if (n <= 5)
			cairn_buf_addf(&seen, "%s%.2s%s", n > 1 ? ", " : "", prefix, e->d_name);
	}
	if (d)
		closedir(d);
	if (n == 0)
		rc = cairn_error(ctx, CAIRN_ENOTFOUND, "no object matches '%s'", prefix);
	else if (n > 1)
		rc = cairn_error(ctx, CAIRN_EAMBIGUOUS,
				 "object prefix '%s' is ambiguous: it matches %s%s", prefix,
				 seen.buf, n > 5 ? ", ..." : "");
	else
		rc = 0;
	cairn_buf_release(&dir);
	cairn_buf_release(&seen);
	return rc;
}

int cairn_object_resolve(cairn_ctx *ctx, const char *prefix, char hash[CAIRN_HEX_LEN + 1])
{
	cairn_buf low = CAIRN_BUF_INIT;
	char *full = NULL;
	cairn__db *db;
	int rc;

	for (const char *s = prefix; *s; s++)
		cairn_buf_addch(&low, *s >= 'A' && *s <= 'F' ? *s - 'A' + 'a' : *s);
	if (low.len < CAIRN_HASH_PREFIX_MIN || low.len > CAIRN_HEX_LEN || !cairn_is_hex(low.buf)) {
		rc = cairn_error(ctx, CAIRN_EINVAL,
				 "'%s' is not an object name: expected %d to %d hex digits", prefix,
				 CAIRN_HASH_PREFIX_MIN, CAIRN_HEX_LEN);
		goto out;
	}
	if ((rc = cairn__ctx_db(ctx, &db)))
		goto out;
	if (low.len == CAIRN_HEX_LEN) {
		if (!cairn_object_exists(ctx, low.buf)) {
			rc = cairn_error(ctx, CAIRN_ENOTFOUND, "object %s is not in the store",
					 low.buf);
			goto out;
		}
		memcpy(hash, low.buf, CAIRN_HEX_LEN + 1);
		goto out;
	}
	rc = cairn__db_resolve_prefix(db, "object", "objects", "hash", low.buf, &full);
	if (rc == CAIRN_ENOTFOUND)
		rc = resolve_in_dir(ctx, low.buf, hash);
	else if (!rc)
		memcpy(hash, full, CAIRN_HEX_LEN + 1);
out:
	free(full);
	cairn_buf_release(&low);
	return rc;
}

/* Opens the object's file for reading, with a clear error when it is absent. */
int cairn__object_open(cairn_ctx *ctx, const char *hash, cairn_buf *path, int *fd)
{
	int rc;

	if ((rc = cairn__ctx_need_workspace(ctx)))
		return rc;
	if (!cairn_is_sha256_hex(hash))
		return cairn_error(ctx, CAIRN_EINVAL, "'%s' is not a full object hash", hash);
	cairn_object_path(ctx, hash, path);
	*fd = open(path->buf, O_RDONLY | O_CLOEXEC);
	if (*fd < 0) {
		if (errno == ENOENT)
			return cairn_error(ctx, CAIRN_ENOTFOUND, "object %s is not in the store",
					   hash);
		return cairn_error_errno(ctx, "cannot open object '%s'", path->buf);
	}
	return 0;
}

/* Copies in to out from the start to the end: copy_file_range() where the
 * kernel can (no trip through user space), else read and write. */
/* Copies of 64 MiB at most, so that a cancel is noticed between two. */
#define COPY_STEP ((size_t)64 << 20)

int cairn__copy_fd(cairn_ctx *ctx, int in, int out)
{
	char *chunk = NULL;
	off_t off = 0;
	ssize_t n;
	int rc = 0;

	for (;;) {
		if (cairn_ctx_cancelled(ctx)) {
			errno = ECANCELED;
			return -1;
		}
		n = copy_file_range(in, &off, out, NULL, COPY_STEP, 0);
		if (n == 0)
			return 0;
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (off == 0 && (errno == EXDEV || errno == EINVAL || errno == ENOSYS ||
					 errno == EOPNOTSUPP || errno == EBADF))
				break;
			return -1;
		}
	}
	chunk = cairn_xmalloc(CHUNK);
	while ((n = cairn_read_full(in, chunk, CHUNK)) > 0) {
		if (cairn_ctx_cancelled(ctx)) {
			errno = ECANCELED;
			rc = -1;
			break;
		}
		if (cairn_write_full(out, chunk, (size_t)n) < 0) {
			rc = -1;
			break;
		}
	}
	if (n < 0)
		rc = -1;
	free(chunk);
	return rc;
}

int cairn_object_write_to_fd(cairn_ctx *ctx, const char *hash, int fd)
{
	cairn_buf path = CAIRN_BUF_INIT;
	char *chunk = NULL;
	ssize_t n;
	int in = -1, rc;

	if ((rc = cairn__object_open(ctx, hash, &path, &in)))
		goto out;
	(void)posix_fadvise(in, 0, 0, POSIX_FADV_SEQUENTIAL);
	chunk = cairn_xmalloc(CHUNK);
	while ((n = cairn_read_full(in, chunk, CHUNK)) > 0) {
		if (cairn_write_full(fd, chunk, (size_t)n) < 0) {
			rc = cairn_error_errno(ctx, "cannot write object %s", hash);
			goto out;
		}
	}
	if (n < 0)
		rc = cairn_error_errno(ctx, "cannot read object '%s'", path.buf);
out:
	if (in >= 0)
		close(in);
	free(chunk);
	cairn_buf_release(&path);
	return rc;
}

/* ---- listing ---- */

int cairn_object_list(cairn_ctx *ctx,
		      int (*fn)(const struct cairn_object_info *info, void *arg),
		      void *arg)
{
	struct cairn_object_info info;
	cairn__stmt *st;
	cairn__db *db;
	int rc;

	if ((rc = cairn__ctx_db(ctx, &db)) ||
	    (rc = cairn__db_prepare(db, "SELECT hash, size, created_ms FROM objects ORDER BY hash",
				   &st)))
		return rc;
	while ((rc = cairn__stmt_step(st)) == 1) {
		const char *h = cairn__stmt_text(st, 0);
		size_t len = strlen(h);

		if (len > CAIRN_HEX_LEN)
			len = CAIRN_HEX_LEN;
		memcpy(info.hash, h, len);
		info.hash[len] = '\0';
		info.size = (uint64_t)cairn__stmt_int64(st, 1);
		info.created_ms = cairn__stmt_int64(st, 2);
		if ((rc = fn(&info, arg))) {
			cairn__stmt_reset(st);
			return rc;
		}
	}
	cairn__stmt_reset(st);
	return rc < 0 ? cairn_errcode(ctx) : 0;
}
