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
#include "core/cancel.h"
#include "core/ctx-internal.h"
#include "core/fs.h"
#include "core/json.h"
#include "core/log.h"
#include "core/output.h"
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
 * errno set (refused(errno) when the file system cannot do this type,
 * ECANCELED when ctx was cancelled during a copy).
 */
static int materialize(cairn_ctx *ctx, enum cairn_link_type type, int obj,
		       const char *obj_path, struct cairn__output *out)
{
	int err;

	switch (type) {
	case CAIRN_LINK_HARDLINK:
		return link(obj_path, out->tmp.buf);
	case CAIRN_LINK_SYMLINK:
		return symlink(obj_path, out->tmp.buf);
	case CAIRN_LINK_REFLINK:
	case CAIRN_LINK_COPY:
		break;
	}
	out->fd = open(out->tmp.buf, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, out->mode);
	if (out->fd < 0)
		return -1;
	if (type == CAIRN_LINK_REFLINK) {
		if (ioctl(out->fd, FICLONE, obj) < 0)
			goto fail;
	} else {
		if (lseek(obj, 0, SEEK_SET) < 0 || cairn__copy_fd(ctx, obj, out->fd) < 0)
			goto fail;
	}
	return 0;
fail:
	err = errno;
	close(out->fd);
	out->fd = -1;
	unlink(out->tmp.buf);
	errno = err;
	return -1;
}

static int checkout(cairn_ctx *ctx, const char *hash, const char *dest,
		    const enum cairn_link_type *types, int ntypes,
		    const struct cairn__output_opts *o, enum cairn_link_type *used)
{
	cairn_buf obj_path = CAIRN_BUF_INIT, tried = CAIRN_BUF_INIT;
	struct cairn__output out;
	int obj = -1, rc, last_errno = 0, begun = 0;

	if ((rc = cairn__object_open(ctx, hash, &obj_path, &obj)))
		goto out;
	if (ntypes <= 0) {
		rc = cairn_error(ctx, CAIRN_EINVAL, "cannot check out to '%s': no link type given",
				 dest);
		goto out;
	}
	if ((rc = cairn__output_begin(ctx, &out, dest, o)))
		goto out;
	begun = 1;
	for (int i = 0; i < ntypes; i++) {
		cairn_buf_addf(&tried, "%s%s", i ? "," : "", cairn_link_type_name(types[i]));
		if (i)
			cairn__output_next_tmp(&out);
		if (materialize(ctx, types[i], obj, obj_path.buf, &out) < 0) {
			last_errno = errno;
			if (errno == ECANCELED) {
				rc = cairn__interrupted(ctx);
				goto out;
			}
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
		begun = 0;
		if (!(rc = cairn__output_commit(ctx, &out)) && used)
			*used = types[i];
		goto out;
	}
	errno = last_errno;
	rc = cairn_error_errno(ctx, "cannot check out object %s to '%s': the file system refuses every link type tried (%s)",
			       hash, dest, tried.buf);
out:
	if (begun)
		cairn__output_abort(&out);
	if (obj >= 0)
		close(obj);
	cairn_buf_release(&obj_path);
	cairn_buf_release(&tried);
	return rc;
}

int cairn_object_checkout(cairn_ctx *ctx, const char *hash, const char *dest,
			  const enum cairn_link_type *types, int ntypes, unsigned flags,
			  enum cairn_link_type *used)
{
	struct cairn__output_opts o;

	cairn__output_opts_init(ctx, &o, !!(flags & CAIRN_OUTPUT_FORCE));
	return checkout(ctx, hash, dest, types, ntypes, &o, used);
}
