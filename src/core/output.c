/* Writing a file at a caller's path under one policy; see output.h. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cairn/error.h"
#include "cairn/id.h"
#include "core/cancel.h"
#include "core/ctx-internal.h"
#include "core/fs.h"
#include "core/output.h"

void cairn__output_opts_init(cairn_ctx *ctx, struct cairn__output_opts *o, int force)
{
	memset(o, 0, sizeof(*o));
	o->protect = ctx ? ctx->dir : NULL;
	o->force = force;
}

int cairn__output_is_tmp_name(const char *name)
{
	const char *mark = strstr(name, CAIRN__OUTPUT_TMP_MARK);
	const char *id = mark ? mark + strlen(CAIRN__OUTPUT_TMP_MARK) : NULL;

	return name[0] == '.' && mark && mark > name + 1 && strlen(id) == CAIRN_ID_LEN &&
	       !strchr(id, '/');
}

/* The directory part of path ("." when it has none). */
static void dir_part(const char *path, cairn_buf *out)
{
	const char *slash = strrchr(path, '/');

	cairn_buf_reset(out);
	if (!slash)
		cairn_buf_addch(out, '.');
	else if (slash == path)
		cairn_buf_addch(out, '/');
	else
		cairn_buf_add(out, path, (size_t)(slash - path));
}

/*
 * 1 when the directory dir (resolved: absolute, no links) is protect or below
 * it, compared by device and inode so that no spelling of a path escapes.
 */
static int within(const char *dir, const struct stat *protect)
{
	cairn_buf b = CAIRN_BUF_INIT;
	struct stat st;
	int found = 0;

	cairn_buf_adds(&b, dir);
	for (;;) {
		if (stat(b.buf, &st) == 0 && st.st_dev == protect->st_dev &&
		    st.st_ino == protect->st_ino) {
			found = 1;
			break;
		}
		char *slash = strrchr(b.buf, '/');
		if (!slash || b.len == 1)
			break;
		cairn_buf_setlen(&b, slash == b.buf ? 1 : (size_t)(slash - b.buf));
	}
	cairn_buf_release(&b);
	return found;
}

/* 1 when path (which need not exist, nor its directory) would be inside
 * protect; -1 with errno when no ancestor of it can be resolved. */
static int inside_protected(const char *path, const struct stat *protect)
{
	cairn_buf dir = CAIRN_BUF_INIT;
	char *real;
	int in;

	dir_part(path, &dir);
	/* A directory still to be made is inside whatever its nearest existing
	 * ancestor is inside. */
	while (!(real = realpath(dir.buf, NULL)) && errno == ENOENT && strcmp(dir.buf, ".") &&
	       strcmp(dir.buf, "/")) {
		cairn_buf tmp = CAIRN_BUF_INIT;
		dir_part(dir.buf, &tmp);
		cairn_buf_reset(&dir);
		cairn_buf_adds(&dir, tmp.buf);
		cairn_buf_release(&tmp);
	}
	cairn_buf_release(&dir);
	if (!real)
		return -1;
	in = within(real, protect);
	free(real);
	return in;
}

void cairn__output_next_tmp(struct cairn__output *out)
{
	const char *slash = strrchr(out->target.buf, '/');
	char id[CAIRN_ID_LEN + 1];

	cairn_id_new(id);
	cairn_buf_reset(&out->tmp);
	if (slash)
		cairn_buf_add(&out->tmp, out->target.buf, (size_t)(slash - out->target.buf) + 1);
	cairn_buf_addf(&out->tmp, ".%s" CAIRN__OUTPUT_TMP_MARK "%s",
		       slash ? slash + 1 : out->target.buf, id);
}

/*
 * A symbolic link at dest: never written through (a link can lead anywhere,
 * /proc/self/fd/1 included), and replaced only when it leads into the
 * protected directory, which is what a checkout with link type symlink
 * leaves: the link is cairn's own, and its target is never touched.
 */
static int check_link(cairn_ctx *ctx, const char *dest, const struct stat *protect)
{
	char *real = protect ? realpath(dest, NULL) : NULL;
	int ours = real && inside_protected(real, protect) == 1;

	free(real);
	if (!ours)
		return cairn_error(ctx, CAIRN_EINVAL,
				   "cannot write '%s': it is a symbolic link, which cairn neither follows nor replaces",
				   dest);
	return 0;
}

int cairn__output_begin(cairn_ctx *ctx, struct cairn__output *out, const char *dest,
			const struct cairn__output_opts *o)
{
	struct stat st, prot, *protect = NULL;
	size_t len = strlen(dest);
	int rc = 0, in;

	memset(out, 0, sizeof(*out));
	out->fd = -1;
	cairn_buf_init(&out->target);
	cairn_buf_init(&out->tmp);
	out->force = o->force;
	out->mode = o->mode ? o->mode : 0666;
	if (o->protect && stat(o->protect, &prot) == 0)
		protect = &prot;
	if (!len || dest[len - 1] == '/') {
		rc = cairn_error(ctx, CAIRN_EINVAL, "cannot write '%s': it names a directory", dest);
		goto out;
	}
	cairn_buf_adds(&out->target, dest);
	if (lstat(dest, &st) == 0) {
		out->exists = 1;
		if (S_ISLNK(st.st_mode))
			rc = check_link(ctx, dest, protect);
		else if (S_ISDIR(st.st_mode))
			rc = cairn_error(ctx, CAIRN_EINVAL, "cannot write '%s': it is a directory",
					 dest);
		else if (!S_ISREG(st.st_mode))
			rc = cairn_error(ctx, CAIRN_EINVAL,
					 "cannot write '%s': it exists and is not a regular file", dest);
		if (rc)
			goto out;
	} else if (errno != ENOENT) {
		rc = cairn_error_errno(ctx, "cannot write '%s'", dest);
		goto out;
	}
	if (protect) {
		if ((in = inside_protected(out->target.buf, protect)) < 0) {
			rc = cairn_error_errno(ctx, "cannot write '%s'", dest);
			goto out;
		}
		if (in) {
			rc = cairn_error(ctx, CAIRN_EINVAL,
					 "cannot write '%s': it is inside the workspace's '%s' directory",
					 dest, o->protect);
			goto out;
		}
	}
	if (out->exists && !out->force) {
		rc = cairn_error(ctx, CAIRN_EEXIST, "'%s' already exists", dest);
		goto out;
	}
	cairn__output_next_tmp(out);
out:
	if (rc) {
		cairn_buf_release(&out->target);
		cairn_buf_release(&out->tmp);
	}
	return rc;
}

int cairn__output_create(cairn_ctx *ctx, struct cairn__output *out)
{
	/* open() applies the umask, which fchmod() would not. */
	out->fd = open(out->tmp.buf, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, out->mode);
	if (out->fd < 0)
		return cairn_error_errno(ctx, "cannot create a temporary file for '%s'",
					 out->target.buf);
	return 0;
}

void cairn__output_abort(struct cairn__output *out)
{
	if (out->fd >= 0)
		close(out->fd);
	out->fd = -1;
	if (out->tmp.len)
		unlink(out->tmp.buf);
	cairn_buf_release(&out->tmp);
	cairn_buf_release(&out->target);
}

/* Renames tmp to target without replacing anything that is there now. */
static int rename_noreplace(const char *tmp, const char *target)
{
	if (renameat2(AT_FDCWD, tmp, AT_FDCWD, target, RENAME_NOREPLACE) == 0)
		return 0;
	if (errno != EINVAL && errno != ENOSYS)
		return -1;
	/* A file system without RENAME_NOREPLACE: link() does not replace. */
	if (link(tmp, target) < 0)
		return -1;
	unlink(tmp);
	return 0;
}

int cairn__output_commit(cairn_ctx *ctx, struct cairn__output *out)
{
	cairn_buf dir = CAIRN_BUF_INIT;
	struct stat st;
	int rc = 0;

	if (cairn_ctx_cancelled(ctx)) {
		rc = cairn__interrupted(ctx);
		goto out;
	}
	if (out->fd >= 0) {
		int fd = out->fd;
		out->fd = -1;
		if (fsync(fd) < 0 || close(fd) < 0) {
			rc = cairn_error_errno(ctx, "cannot write '%s'", out->tmp.buf);
			goto out;
		}
	}
	if (!out->force) {
		if (rename_noreplace(out->tmp.buf, out->target.buf) < 0) {
			rc = errno == EEXIST ?
			     cairn_error(ctx, CAIRN_EEXIST, "'%s' already exists", out->target.buf) :
			     cairn_error_errno(ctx, "cannot rename '%s' to '%s'", out->tmp.buf,
					       out->target.buf);
			goto out;
		}
	} else {
		/* What was checked may have been swapped since: look again. */
		if (lstat(out->target.buf, &st) == 0 && !S_ISREG(st.st_mode) &&
		    !S_ISLNK(st.st_mode)) {
			rc = cairn_error(ctx, CAIRN_EINVAL,
					 "cannot write '%s': it exists and is not a regular file",
					 out->target.buf);
			goto out;
		}
		if (rename(out->tmp.buf, out->target.buf) < 0) {
			rc = cairn_error_errno(ctx, "cannot rename '%s' to '%s'", out->tmp.buf,
					       out->target.buf);
			goto out;
		}
	}
	/* rename() does nothing when both names are links to one file (the
	 * target was already a hard link to the same object): drop the spare. */
	unlink(out->tmp.buf);
	cairn_buf_reset(&out->tmp);
	dir_part(out->target.buf, &dir);
	rc = cairn_fsync_dir(ctx, dir.buf);
out:
	cairn_buf_release(&dir);
	cairn__output_abort(out);
	return rc;
}

int cairn__output_check(cairn_ctx *ctx, const char *dest, const struct cairn__output_opts *o)
{
	struct cairn__output out;
	int rc;

	if (!(rc = cairn__output_begin(ctx, &out, dest, o)))
		cairn__output_abort(&out);
	return rc;
}

int cairn__output_write(cairn_ctx *ctx, const char *dest, const void *data, size_t len,
			const struct cairn__output_opts *o)
{
	struct cairn__output out;
	int rc;

	if ((rc = cairn__output_begin(ctx, &out, dest, o)))
		return rc;
	if ((rc = cairn__output_create(ctx, &out)))
		goto fail;
	if (cairn_write_full(out.fd, data, len) < 0) {
		rc = cairn_error_errno(ctx, "cannot write '%s'", out.tmp.buf);
		goto fail;
	}
	return cairn__output_commit(ctx, &out);
fail:
	cairn__output_abort(&out);
	return rc;
}
