/* Writing an object into the work tree with DVC's link types (reflink,
 * hardlink, symlink, copy), atomically; see include/cairn/objects.h. */
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
#include "core/json.h"
#include "core/log.h"
#include "core/progress.h"
#include "store/db.h"
#include "store/objects-internal.h"
#include "store/workspace-internal.h"

static const char *const link_names[] = { "reflink", "hardlink", "symlink", "copy" };

int cairn_link_type_parse(const char *s)
{
	for (int i = 0; i < 4; i++)
		if (!strcmp(s, link_names[i]))
			return i;
	return -1;
}

const char *cairn_link_type_name(enum cairn_link_type t)
{
	return (unsigned)t < 4 ? link_names[t] : "unknown";
}

int cairn_link_types_parse(cairn_ctx *ctx, const char *list,
			   enum cairn_link_type types[CAIRN_LINK_MAX], int *n)
{
	const char *s = list;

	*n = 0;
	while (*s) {
		size_t len = strcspn(s, ",");
		char *name = cairn_xstrndup(s, len);
		int t = cairn_link_type_parse(name);

		if (t < 0 || *n == CAIRN_LINK_MAX) {
			int rc = cairn_error(ctx, CAIRN_EINVAL,
					     t < 0 ? "unknown link type '%s' in \"%s\" (expected reflink, hardlink, symlink or copy)" :
					     "too many link types at '%s' in \"%s\"", name, list);
			free(name);
			return rc;
		}
		free(name);
		types[(*n)++] = (enum cairn_link_type)t;
		s += len;
		if (*s == ',')
			s++;
	}
	if (!*n)
		return cairn_error(ctx, CAIRN_EINVAL,
				   "no link type given (expected a list such as \"reflink,copy\")");
	return 0;
}

int cairn_workspace_link_types(cairn_ctx *ctx, enum cairn_link_type types[CAIRN_LINK_MAX],
			       int *n)
{
	cairn_buf path = CAIRN_BUF_INIT;
	const char *value;
	json_t *cfg;
	int rc;

	if ((rc = cairn__workspace_setting(ctx, "link_types", "\"reflink,copy\"", &cfg, &path,
					   &value)))
		goto out;
	if (cairn_link_types_parse(ctx, value ? value : "reflink,copy", types, n)) {
		/* A bad setting in a file is bad input, not a bad argument. */
		cairn_error_prefix(ctx, "'%s': link_types", path.buf);
		rc = cairn_error(ctx, CAIRN_EPARSE, "%s", cairn_errmsg(ctx));
	}
out:
	json_decref(cfg);
	cairn_buf_release(&path);
	return rc;
}

/* errno values by which a file system says it cannot do this kind of link,
 * as opposed to a real failure (no space, no permission on the directory). */
static int refused(int err)
{
	return err == EOPNOTSUPP || err == ENOTTY || err == EXDEV || err == EINVAL ||
	       err == EPERM || err == EMLINK || err == ENOSYS || err == ETXTBSY;
}

/*
 * Makes tmp a materialization of the object by one link type: 0, or -1 with
 * errno set (refused(errno) when the file system cannot do this type).
 */
static int materialize(enum cairn_link_type type, int obj, const char *obj_path,
		       const char *tmp)
{
	int fd, err;

	switch (type) {
	case CAIRN_LINK_HARDLINK:
		return link(obj_path, tmp);
	case CAIRN_LINK_SYMLINK:
		return symlink(obj_path, tmp);
	case CAIRN_LINK_REFLINK:
	case CAIRN_LINK_COPY:
		break;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
	if (fd < 0)
		return -1;
	if (type == CAIRN_LINK_REFLINK) {
		if (ioctl(fd, FICLONE, obj) < 0)
			goto fail;
	} else {
		if (lseek(obj, 0, SEEK_SET) < 0 || cairn__copy_fd(obj, fd) < 0)
			goto fail;
	}
	if (fsync(fd) < 0)
		goto fail;
	if (close(fd) < 0) {
		fd = -1;
		goto fail;
	}
	return 0;
fail:
	err = errno;
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	errno = err;
	return -1;
}

int cairn_object_checkout(cairn_ctx *ctx, const char *hash, const char *dest,
			  const enum cairn_link_type *types, int ntypes,
			  enum cairn_link_type *used)
{
	cairn_buf obj_path = CAIRN_BUF_INIT, tmp = CAIRN_BUF_INIT, tried = CAIRN_BUF_INIT;
	const char *slash = strrchr(dest, '/');
	const char *base = slash ? slash + 1 : dest;
	char id[CAIRN_ID_LEN + 1];
	struct stat st;
	int obj = -1, rc, last_errno = 0;

	if ((rc = cairn__object_open(ctx, hash, &obj_path, &obj)))
		goto out;
	if (!*base || (lstat(dest, &st) == 0 && S_ISDIR(st.st_mode))) {
		rc = cairn_error(ctx, CAIRN_EINVAL, "cannot check out to '%s': it is a directory",
				 dest);
		goto out;
	}
	if (ntypes <= 0) {
		rc = cairn_error(ctx, CAIRN_EINVAL, "cannot check out to '%s': no link type given",
				 dest);
		goto out;
	}
	for (int i = 0; i < ntypes; i++) {
		cairn_buf_addf(&tried, "%s%s", i ? "," : "", cairn_link_type_name(types[i]));
		cairn_id_new(id);
		cairn_buf_reset(&tmp);
		if (slash)
			cairn_buf_add(&tmp, dest, (size_t)(slash - dest) + 1);
		cairn_buf_addf(&tmp, ".%s.cairn-tmp-%s", base, id);
		if (materialize(types[i], obj, obj_path.buf, tmp.buf) < 0) {
			last_errno = errno;
			/* A copy failing is a real failure, never a refusal. */
			if (types[i] != CAIRN_LINK_COPY && refused(errno)) {
				cairn__log_debug(ctx, "link type %s refused for '%s': %s",
						cairn_link_type_name(types[i]), dest,
						strerror(errno));
				continue;
			}
			rc = cairn_error_errno(ctx, "cannot check out object %s to '%s' (%s)",
					       hash, dest, cairn_link_type_name(types[i]));
			goto out;
		}
		if (rename(tmp.buf, dest) < 0) {
			rc = cairn_error_errno(ctx, "cannot rename '%s' to '%s'", tmp.buf, dest);
			unlink(tmp.buf);
			goto out;
		}
		/* rename() does nothing when both names are links to one file
		 * (dest was already hard-linked to the object): drop the spare. */
		unlink(tmp.buf);
		if (used)
			*used = types[i];
		goto out;
	}
	errno = last_errno;
	rc = cairn_error_errno(ctx, "cannot check out object %s to '%s': the file system refuses every link type tried (%s)",
			       hash, dest, tried.buf);
out:
	if (obj >= 0)
		close(obj);
	cairn_buf_release(&obj_path);
	cairn_buf_release(&tmp);
	cairn_buf_release(&tried);
	return rc;
}
