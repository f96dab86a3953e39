/*
 * The workspace: a `.cairn/` directory beside the user's code, found by walking
 * up from a start directory as git finds `.git`, or named by CAIRN_DIR.
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
 */
int cairn_workspace_init(cairn_ctx *ctx, const char *dir, int nested,
			 enum cairn_init_result *result);

/*
 * Finds the workspace for start_dir (NULL: the current directory): CAIRN_DIR
 * when set (the path of a `.cairn` directory or of the directory holding it),
 * else the nearest ancestor holding `.cairn/`. Fails with CAIRN_ENOWORKSPACE
 * and a message saying how to create one.
 */
int cairn_workspace_open(cairn_ctx *ctx, const char *start_dir);

/* The directory holding `.cairn/`, and `.cairn/` itself; NULL before open. */
const char *cairn_workspace_root(const cairn_ctx *ctx);
const char *cairn_workspace_dir(const cairn_ctx *ctx);

CAIRN_END_DECLS

#endif
