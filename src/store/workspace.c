/* Workspace creation and discovery (.cairn/ found by walking up, or named by
 * the caller); see include/cairn/workspace.h. */
#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cairn/error.h"
#include "cairn/id.h"
#include "cairn/workspace.h"
#include "core/ctx-internal.h"
#include "core/fs.h"
#include "core/json.h"
#include "store/db.h"
#include "store/workspace-internal.h"

static int file_exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0;
}

/* A workspace is complete once its config exists: init writes it last. */
static int is_workspace(const char *dotdir)
{
	cairn_buf p = CAIRN_BUF_INIT;
	int ok;

	cairn_buf_addf(&p, "%s/config", dotdir);
	ok = cairn_is_dir(dotdir) && file_exists(p.buf);
	cairn_buf_release(&p);
	return ok;
}

static void set_paths(cairn_ctx *ctx, const char *root)
{
	cairn_buf dir = CAIRN_BUF_INIT;

	free(ctx->root);
	free(ctx->dir);
	cairn__ctx_close_db(ctx);
	ctx->root = cairn_xstrdup(root);
	cairn_path_join(&dir, root, CAIRN_DIRNAME);
	ctx->dir = cairn_buf_detach(&dir, NULL);
	ctx->umask_read = 0;
}

/* Parses an umask written as octal digits ("0027", "22"). */
static int parse_umask(const char *s, unsigned *out)
{
	unsigned v = 0;

	if (!*s || strlen(s) > 4)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '7')
			return -1;
		v = v * 8 + (unsigned)(*s - '0');
	}
	*out = v & 0777;
	return 0;
}

int cairn__workspace_setting(cairn_ctx *ctx, const char *key, const char *example,
			     json_t **cfg, cairn_buf *path, const char **value)
{
	json_t *v;
	int rc;

	*cfg = NULL;
	*value = NULL;
	if ((rc = cairn__ctx_need_workspace(ctx)))
		return rc;
	cairn_buf_reset(path);
	cairn_buf_addf(path, "%s/config", ctx->dir);
	if ((rc = cairn_json_load_file(ctx, path->buf, cfg)))
		return rc;
	v = json_object_get(*cfg, key);
	if (v && !json_is_string(v))
		return cairn_error(ctx, CAIRN_EPARSE, "'%s': %s must be a string such as %s",
				   path->buf, key, example);
	*value = json_string_value(v);
	return 0;
}

int cairn__workspace_umask(cairn_ctx *ctx, unsigned *umask)
{
	cairn_buf path = CAIRN_BUF_INIT;
	const char *value;
	json_t *cfg;
	unsigned m = CAIRN__DEFAULT_UMASK;
	int rc;

	if (ctx->umask_read) {
		*umask = ctx->umask;
		return 0;
	}
	if ((rc = cairn__workspace_setting(ctx, "umask", "\"0022\"", &cfg, &path, &value)))
		goto out;
	if (value && parse_umask(value, &m)) {
		rc = cairn_error(ctx, CAIRN_EPARSE,
				 "'%s': umask must be a string of octal digits such as \"0022\"",
				 path.buf);
		goto out;
	}
	ctx->umask = m;
	ctx->umask_read = 1;
	*umask = m;
out:
	json_decref(cfg);
	cairn_buf_release(&path);
	return rc;
}

static int absolute(cairn_ctx *ctx, const char *path, cairn_buf *out)
{
	char *real = realpath(path, NULL);
	if (!real)
		return cairn_error_errno(ctx, "cannot resolve '%s'", path);
	cairn_buf_reset(out);
	cairn_buf_adds(out, real);
	free(real);
	return 0;
}

/* Splits the path of a .cairn directory, or of the directory holding one,
 * into the root (the directory holding .cairn). */
static void root_of_cairn_dir(const char *value, cairn_buf *root)
{
	size_t n;
	cairn_buf_reset(root);
	cairn_buf_adds(root, value);
	while (root->len > 1 && root->buf[root->len - 1] == '/')
		cairn_buf_setlen(root, root->len - 1);
	n = root->len;
	if (n >= sizeof(CAIRN_DIRNAME) - 1 &&
	    !strcmp(root->buf + n - (sizeof(CAIRN_DIRNAME) - 1), CAIRN_DIRNAME) &&
	    (n == sizeof(CAIRN_DIRNAME) - 1 || root->buf[n - sizeof(CAIRN_DIRNAME)] == '/')) {
		cairn_buf_setlen(root, n - (sizeof(CAIRN_DIRNAME) - 1));
		if (!root->len)
			cairn_buf_addch(root, '.');
		else if (root->len > 1)
			cairn_buf_setlen(root, root->len - 1);
	}
}

/* Walks up from the absolute directory in root to the nearest one holding a
 * workspace; 1 (root set to it) when found, 0 when none. */
static int find_up(cairn_buf *root)
{
	cairn_buf dot = CAIRN_BUF_INIT;
	int found = 0;

	for (;;) {
		cairn_path_join(&dot, root->buf, CAIRN_DIRNAME);
		if (is_workspace(dot.buf)) {
			found = 1;
			break;
		}
		if (!strcmp(root->buf, "/"))
			break;
		char *slash = strrchr(root->buf, '/');
		cairn_buf_setlen(root, slash == root->buf ? 1 : (size_t)(slash - root->buf));
	}
	cairn_buf_release(&dot);
	return found;
}

int cairn_workspace_open_dir(cairn_ctx *ctx, const char *cairn_dir)
{
	cairn_buf root = CAIRN_BUF_INIT, dot = CAIRN_BUF_INIT;
	int rc;

	if (!cairn_dir || !*cairn_dir)
		return cairn_error(ctx, CAIRN_EINVAL, "no workspace directory given");
	root_of_cairn_dir(cairn_dir, &root);
	cairn_path_join(&dot, root.buf, CAIRN_DIRNAME);
	if (!is_workspace(dot.buf)) {
		rc = cairn_error(ctx, CAIRN_ENOWORKSPACE,
				 "'%s' holds no cairn workspace (create one with 'cairn init %s')",
				 cairn_dir, root.buf);
		goto out;
	}
	if ((rc = absolute(ctx, root.buf, &root)))
		goto out;
	set_paths(ctx, root.buf);
out:
	cairn_buf_release(&root);
	cairn_buf_release(&dot);
	return rc;
}

int cairn_workspace_open(cairn_ctx *ctx, const char *start_dir)
{
	cairn_buf root = CAIRN_BUF_INIT;
	int rc;

	if ((rc = absolute(ctx, start_dir ? start_dir : ".", &root)))
		goto out;
	if (find_up(&root)) {
		set_paths(ctx, root.buf);
		goto out;
	}
	rc = cairn_error(ctx, CAIRN_ENOWORKSPACE,
			 "not in a cairn workspace (or any parent directory): run 'cairn init' to create one here, or set CAIRN_DIR");
out:
	cairn_buf_release(&root);
	return rc;
}

static int write_config(cairn_ctx *ctx, const char *dotdir, unsigned umask)
{
	cairn_buf path = CAIRN_BUF_INIT, text = CAIRN_BUF_INIT;
	char id[CAIRN_ID_LEN + 1], ts[32], mask[8];
	json_t *cfg;
	int rc;

	cairn_id_new(id);
	cairn_format_time(cairn_now_ms(), ts);
	snprintf(mask, sizeof(mask), "%04o", umask);
	cfg = json_pack("{s:i, s:s, s:s, s:s, s:s}", "format", 1, "workspace_id", id,
			"created_at", ts, "link_types", "reflink,copy", "umask", mask);
	cairn_json_append(&text, cfg, 1);
	cairn_buf_addch(&text, '\n');
	cairn_buf_addf(&path, "%s/config", dotdir);
	rc = cairn_write_file_atomic(ctx, path.buf, text.buf, text.len, 0666 & ~umask);
	json_decref(cfg);
	cairn_buf_release(&path);
	cairn_buf_release(&text);
	return rc;
}

int cairn_workspace_init(cairn_ctx *ctx, const char *dir, int nested,
			 enum cairn_init_result *result)
{
	return cairn_workspace_init_umask(ctx, dir, nested, CAIRN__DEFAULT_UMASK, result);
}

/* Gives path the mode mode exactly (the process's umask may differ from the
 * workspace's). */
static int set_mode(cairn_ctx *ctx, const char *path, unsigned mode)
{
	if (chmod(path, mode) < 0)
		return cairn_error_errno(ctx, "cannot set the mode of '%s'", path);
	return 0;
}

int cairn__workspace_tmp_dir(cairn_ctx *ctx, cairn_buf *out)
{
	unsigned umask;
	int rc;

	cairn_buf_reset(out);
	cairn_buf_addf(out, "%s/tmp", cairn_workspace_dir(ctx));
	if ((rc = cairn__workspace_umask(ctx, &umask)))
		return rc;
	if (!mkdir(out->buf, 0700))
		return set_mode(ctx, out->buf, 0777 & ~umask);
	if (errno != EEXIST)
		return cairn_error_errno(ctx, "cannot create '%s'", out->buf);
	return 0;
}

int cairn_workspace_init_umask(cairn_ctx *ctx, const char *dir, int nested, unsigned umask,
			       enum cairn_init_result *result)
{
	enum cairn_init_result ignored;
	cairn_buf root = CAIRN_BUF_INIT, p = CAIRN_BUF_INIT;
	cairn__db *db = NULL;
	int rc;

	if (!result)
		result = &ignored;

	*result = CAIRN_INIT_EXISTED;
	root_of_cairn_dir(dir, &root);
	if ((rc = cairn_mkdir_p(ctx, root.buf, 0777)) || (rc = absolute(ctx, root.buf, &root)))
		goto out;
	cairn_buf_add(&p, root.buf, root.len);
	if (find_up(&p) && (!nested || !strcmp(p.buf, root.buf))) {
		if (strcmp(p.buf, root.buf))
			*result = CAIRN_INIT_ENCLOSED;
		set_paths(ctx, p.buf);
		goto out;
	}
	cairn_buf_reset(&p);
	set_paths(ctx, root.buf);
	umask &= 0777;

	/* Everything before the config is idempotent; the config, written
	 * last and atomically, is what marks the workspace as complete. */
	cairn_buf_addf(&p, "%s/objects", ctx->dir);
	if ((rc = cairn_mkdir_p(ctx, p.buf, 0777)) || (rc = set_mode(ctx, ctx->dir, 0777 & ~umask)) ||
	    (rc = set_mode(ctx, p.buf, 0777 & ~umask)))
		goto out;
	cairn_buf_reset(&p);
	cairn_buf_addf(&p, "%s/cairn.db", ctx->dir);
	if ((rc = cairn__db_open(ctx, p.buf, 1, &db)))
		goto out;
	cairn__db_close(db);
	/* SQLite creates its files 0644 (less the process's umask); later it
	 * gives new -wal and -shm files the database's mode. */
	for (size_t i = 0; i < 3; i++) {
		static const char *const suffix[] = { "", "-wal", "-shm" };
		cairn_buf_reset(&p);
		cairn_buf_addf(&p, "%s/cairn.db%s", ctx->dir, suffix[i]);
		if ((i == 0 || access(p.buf, F_OK) == 0) &&
		    (rc = set_mode(ctx, p.buf, 0666 & ~umask)))
			goto out;
	}
	if ((rc = write_config(ctx, ctx->dir, umask)) || (rc = cairn_fsync_dir(ctx, ctx->dir)) ||
	    (rc = cairn_fsync_dir(ctx, root.buf)))
		goto out;
	*result = CAIRN_INIT_CREATED;
out:
	cairn_buf_release(&root);
	cairn_buf_release(&p);
	return rc;
}

const char *cairn_workspace_root(const cairn_ctx *ctx)
{
	return ctx->root;
}

const char *cairn_workspace_dir(const cairn_ctx *ctx)
{
	return ctx->dir;
}
