/* File-system helpers with their error handling done once; see fs.h. */
#include <errno.h>
#include <ftw.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cairn/error.h"
#include "core/fs.h"
#include "core/output.h"

ssize_t cairn_read_full(int fd, void *buf, size_t len)
{
	size_t done = 0;
	while (done < len) {
		ssize_t n = read(fd, (char *)buf + done, len - done);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0)
			break;
		done += (size_t)n;
	}
	return (ssize_t)done;
}

int cairn_write_full(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int cairn_is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int cairn_mkdir_p(cairn_ctx *ctx, const char *dir, mode_t mode)
{
	char *p = cairn_xstrdup(dir);
	int rc = 0;

	/* Start past a leading "/", but not past the end of an empty path. */
	for (char *s = *p ? p + 1 : p; ; s++) {
		if (*s == '/' || *s == '\0') {
			char saved = *s;
			*s = '\0';
			if (mkdir(p, mode) < 0 && errno != EEXIST) {
				rc = cairn_error_errno(ctx, "cannot create directory '%s'", p);
				break;
			}
			*s = saved;
			if (!saved)
				break;
		}
	}
	if (!rc && !cairn_is_dir(dir))
		rc = cairn_error(ctx, CAIRN_EIO, "'%s' exists and is not a directory", dir);
	free(p);
	return rc;
}

int cairn_fsync_dir(cairn_ctx *ctx, const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return cairn_error_errno(ctx, "cannot open directory '%s'", path);
	if (fsync(fd) < 0 && errno != EINVAL) {
		int rc = cairn_error_errno(ctx, "cannot sync directory '%s'", path);
		close(fd);
		return rc;
	}
	close(fd);
	return 0;
}

int cairn_read_file(cairn_ctx *ctx, const char *path, cairn_buf *b)
{
	struct stat st;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return cairn_error_errno(ctx, "cannot open '%s'", path);
	/* A regular file is read into room made once for its size (growing
	 * the buffer as it fills would copy a large file several times); a
	 * pipe, or a file that grows meanwhile, in steps. */
	if (!fstat(fd, &st) && S_ISREG(st.st_mode) && st.st_size > 0)
		cairn_buf_grow(b, (size_t)st.st_size + 65536 + 1);
	do {
		if (b->alloc - b->len < 65536 + 1)
			cairn_buf_grow(b, 65536 + 1);
		n = cairn_read_full(fd, b->buf + b->len, b->alloc - b->len - 1);
		if (n > 0)
			cairn_buf_setlen(b, b->len + (size_t)n);
	} while (n > 0);
	if (n < 0) {
		int rc = cairn_error_errno(ctx, "cannot read '%s'", path);
		close(fd);
		return rc;
	}
	close(fd);
	return 0;
}

int cairn_write_file_atomic(cairn_ctx *ctx, const char *path, const void *data,
			    size_t len, mode_t mode)
{
	struct cairn__output_opts o = { NULL, 1, mode };

	return cairn__output_write(ctx, path, data, len, &o);
}

void cairn_path_join(cairn_buf *out, const char *a, const char *b)
{
	cairn_buf_reset(out);
	if (*b == '/' || !*a) {
		cairn_buf_adds(out, b);
		return;
	}
	cairn_buf_adds(out, a);
	if (*b) {
		if (out->len && out->buf[out->len - 1] != '/')
			cairn_buf_addch(out, '/');
		cairn_buf_adds(out, b);
	}
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path) && errno != ENOENT ? -1 : 0;
}

int cairn_remove_tree(const char *path)
{
	return nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS) && errno != ENOENT ? -1 : 0;
}

int cairn_make_temp_dir(cairn_ctx *ctx, const char *prefix, cairn_buf *out)
{
	const char *dir = getenv("TMPDIR");

	if (!dir || !*dir)
		dir = "/tmp";
	cairn_buf_reset(out);
	cairn_buf_addf(out, "%s/%s-XXXXXX", dir, prefix);
	if (!mkdtemp(out->buf))
		return cairn_error_errno(ctx, "cannot create a temporary directory in '%s'", dir);
	return 0;
}
