/*
 * The inside of cairn_ctx, for library modules only (never installed).
 */
#ifndef CAIRN_CORE_CTX_INTERNAL_H
#define CAIRN_CORE_CTX_INTERNAL_H

#include "cairn/buf.h"
#include "cairn/ctx.h"

struct cairn_ctx {
	int code;
	cairn_buf msg;
	char *root;          /* directory holding .cairn (NULL before open) */
	char *dir;           /* the .cairn directory */
	/* The workspace's metadata store, opened on first use by the store
	 * (cairn__ctx_db, src/store/db.h), which sets db_close beside it: core
	 * knows neither its type nor how to close it. */
	void *db;
	void (*db_close)(void *db);
	/* The workspace's recorded umask (src/store/workspace-internal.h),
	 * read from its config on first use: umask_read is 0 until then. */
	int umask_read;
	unsigned umask;

	/* What the embedding program hears from long operations (ctx.h). */
	cairn_log_fn log_fn;
	void *log_arg;
	enum cairn_log_level log_level;
	cairn_progress_fn progress_fn;
	void *progress_arg;
	struct cairn_cancel *cancel;
	/* Dataset versions a bare name resolves to (cairn_ctx_pin_datasets):
	 * "name@N,name@N", checked, or NULL. */
	char *pins;
};

/* Gives a context made by the library for a worker thread the log sink and
 * cancel flag of the caller's context (not its progress sink, which is
 * called on the caller's thread only). */
void cairn__ctx_inherit(cairn_ctx *worker, const cairn_ctx *parent);

/* 1 when ctx pins dataset name to a version (into *version), else 0. */
int cairn__ctx_pinned(const cairn_ctx *ctx, const char *name, int64_t *version);

/* Closes the metadata store held by ctx, if any (when the context is freed
 * or opens another workspace); it is opened again on next use. */
void cairn__ctx_close_db(cairn_ctx *ctx);
/* Fails with CAIRN_ENOWORKSPACE when no workspace is open on ctx. */
int cairn__ctx_need_workspace(cairn_ctx *ctx);

#endif
