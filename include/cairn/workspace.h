/*
 * The workspace: a `.cairn/` directory beside the user's code, found by walking
 * up from a start directory as git finds `.git`, or named by the caller (the
 * cairn program names it with the CAIRN_DIR environment variable; the library
 * reads no environment).
 *
 * Layout:
 *   .cairn/cairn.db       metadata store (SQLite, WAL)
 *   .cairn/objects/ab/..  content-addressed objects
 *   .cairn/config         workspace settings (JSON)
 */
#ifndef CAIRN_WORKSPACE_H
#define CAIRN_WORKSPACE_H

#include "cairn/common.h"
#include "cairn/ctx.h"

CAIRN_BEGIN_DECLS

#define CAIRN_DIRNAME ".cairn"

enum cairn_init_result {
	CAIRN_INIT_CREATED,  /* a new workspace */
	CAIRN_INIT_EXISTED,  /* dir already held one */
	CAIRN_INIT_ENCLOSED  /* dir lies inside another workspace */
};

/*
 * Creates a workspace in dir (which may also name the .cairn directory itself)
 * and opens it on ctx. When dir already holds a workspace or, unless nested
 * is set, lies inside one, that workspace is left unchanged and opened
 * instead. A half-made workspace (from a crash during init) is completed.
 * *result (result may be NULL) says which of these happened.
 */
int cairn_workspace_init(cairn_ctx *ctx, const char *dir, int nested,
			 enum cairn_init_result *result);
/*
 * cairn_workspace_init() recording umask (such as 027) in the new
 * workspace's config: every process then creates the workspace's files with
 * it, whatever its own umask (objects 0444 & ~umask, cairn.db and the config
 * 0666 & ~umask, directories 0777 & ~umask). cairn_workspace_init() records
 * 022. A program passes its process's umask (umask(2)); an existing
 * workspace keeps the umask it recorded.
 */
int cairn_workspace_init_umask(cairn_ctx *ctx, const char *dir, int nested, unsigned umask,
			       enum cairn_init_result *result);

/*
 * Opens the workspace of start_dir (NULL: the current directory): the nearest
 * of it and its ancestors holding `.cairn/`. Fails with CAIRN_ENOWORKSPACE
 * and a message saying how to create one.
 */
int cairn_workspace_open(cairn_ctx *ctx, const char *start_dir);

/*
 * Opens the workspace named by cairn_dir, the path (absolute or relative to
 * the current directory) of a `.cairn` directory or of the directory holding
 * it; no walking up. Fails with CAIRN_ENOWORKSPACE when it holds no complete
 * workspace (the message names cairn_dir and the 'cairn init' that would
 * create it), CAIRN_EINVAL when cairn_dir is NULL or empty.
 */
int cairn_workspace_open_dir(cairn_ctx *ctx, const char *cairn_dir);

/* The directory holding `.cairn/`, and `.cairn/` itself; NULL before open. */
const char *cairn_workspace_root(const cairn_ctx *ctx);
const char *cairn_workspace_dir(const cairn_ctx *ctx);

CAIRN_END_DECLS

#endif
