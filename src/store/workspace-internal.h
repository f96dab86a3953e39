/*
 * The workspace's settings that the store itself applies (never installed).
 *
 * The umask: `cairn init` records the umask of the user who made the
 * workspace in .cairn/config ("umask": "0027"), and every process then
 * creates the workspace's files with it, whatever its own umask: objects
 * 0444 & ~umask (read-only, 0440 for 027), cairn.db and the config
 * 0666 & ~umask, directories 0777 & ~umask. A workspace whose config records
 * no umask uses 022, the modes cairn always used.
 */
#ifndef CAIRN_STORE_WORKSPACE_INTERNAL_H
#define CAIRN_STORE_WORKSPACE_INTERNAL_H

#include <jansson.h>
#include "cairn/buf.h"
#include "cairn/ctx.h"

#define CAIRN__DEFAULT_UMASK 022u

/*
 * A string setting of the open workspace's .cairn/config: *value (borrowed
 * from *cfg, which the caller frees with json_decref) is NULL when unset;
 * path receives the config's path for messages. CAIRN_EPARSE, naming the
 * file and what is expected (such as "\"reflink,copy\""), when the setting
 * is not a string.
 */
int cairn__workspace_setting(cairn_ctx *ctx, const char *key, const char *example,
			     json_t **cfg, cairn_buf *path, const char **value);
/* The open workspace's umask in *umask (read once per ctx); CAIRN_EPARSE
 * when the config holds a bad one. */
int cairn__workspace_umask(cairn_ctx *ctx, unsigned *umask);
/* The open workspace's directory of temporary files, .cairn/tmp, in out:
 * created when missing with the mode 0777 & ~umask of the workspace. */
int cairn__workspace_tmp_dir(cairn_ctx *ctx, cairn_buf *out);

#endif
