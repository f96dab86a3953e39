/*
 * The inside of cairn_ctx, for library modules only (never installed).
 */
#ifndef CAIRN_CORE_CTX_INTERNAL_H
#define CAIRN_CORE_CTX_INTERNAL_H

#include "cairn/buf.h"
#include "cairn/ctx.h"

struct cairn_db;

struct cairn_ctx {
	int code;
	cairn_buf msg;
	char *root;          /* directory holding .cairn (NULL before open) */
	char *dir;           /* the .cairn directory */
	struct cairn_db *db; /* opened on first use */
};

/* The workspace's metadata store, opened (and migrated) on first use. */
int cairn__ctx_db(cairn_ctx *ctx, struct cairn_db **db);
/* Fails with CAIRN_ENOWORKSPACE when no workspace is open on ctx. */
int cairn__ctx_need_workspace(cairn_ctx *ctx);

#endif
