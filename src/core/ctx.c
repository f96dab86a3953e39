/* cairn_ctx: the per-thread handle with the last error, the sinks and the
 * workspace it has open. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "cairn/error.h"
#include "cairn/ref.h"
#include "core/ctx-internal.h"

cairn_ctx *cairn_ctx_new(void)
{
	cairn_ctx *ctx = calloc(1, sizeof(*ctx));
	if (!ctx)
		return NULL;
	cairn_buf_init(&ctx->msg);
	return ctx;
}

void cairn_ctx_free(cairn_ctx *ctx)
{
	if (!ctx)
		return;
	cairn__ctx_close_db(ctx);
	cairn_buf_release(&ctx->msg);
	free(ctx->root);
	free(ctx->dir);
	free(ctx->pins);
	free(ctx);
}

void cairn_ctx_set_log(cairn_ctx *ctx, enum cairn_log_level level, cairn_log_fn fn, void *arg)
{
	ctx->log_fn = fn;
	ctx->log_arg = arg;
	ctx->log_level = level;
}

void cairn_ctx_set_progress(cairn_ctx *ctx, cairn_progress_fn fn, void *arg)
{
	ctx->progress_fn = fn;
	ctx->progress_arg = arg;
}

void cairn_ctx_set_cancel(cairn_ctx *ctx, struct cairn_cancel *cancel)
{
	ctx->cancel = cancel;
}

int cairn_ctx_cancelled(const cairn_ctx *ctx)
{
	if (!ctx->cancel || !ctx->cancel->requested)
		return 0;
	return ctx->cancel->sig ? ctx->cancel->sig : 1;
}

void cairn__ctx_inherit(cairn_ctx *worker, const cairn_ctx *parent)
{
	if (!worker || !parent)
		return;
	cairn_ctx_set_log(worker, parent->log_level, parent->log_fn, parent->log_arg);
	worker->cancel = parent->cancel;
	free(worker->pins);
	worker->pins = parent->pins ? cairn_xstrdup(parent->pins) : NULL;
}

int cairn_ctx_pin_datasets(cairn_ctx *ctx, const char *pins)
{
	char *copy = pins && *pins ? cairn_xstrdup(pins) : NULL, *save = NULL;
	int rc = 0;

	for (char *p = copy ? strtok_r(copy, ",", &save) : NULL; p && !rc;
	     p = strtok_r(NULL, ",", &save)) {
		struct cairn_ref r;
		if ((rc = cairn_ref_parse(ctx, p, &r)))
			cairn_error_prefix(ctx, "dataset pin '%s'", p);
		else if (r.kind != CAIRN_REF_VERSION)
			rc = cairn_error(ctx, CAIRN_EINVAL, "dataset pin '%s' is not NAME@N", p);
	}
	free(copy);
	if (rc)
		return rc;
	free(ctx->pins);
	ctx->pins = pins && *pins ? cairn_xstrdup(pins) : NULL;
	return 0;
}

int cairn__ctx_pinned(const cairn_ctx *ctx, const char *name, int64_t *version)
{
	size_t len = strlen(name);

	for (const char *p = ctx->pins; p && *p; p = strchr(p, ',') ? strchr(p, ',') + 1 : "") {
		if (!strncmp(p, name, len) && p[len] == '@') {
			*version = strtoll(p + len + 1, NULL, 10);
			return 1;
		}
	}
	return 0;
}

const char *cairn_errmsg(const cairn_ctx *ctx)
{
	return ctx->msg.buf;
}

int cairn_errcode(const cairn_ctx *ctx)
{
	return ctx->code;
}

void cairn_error_clear(cairn_ctx *ctx)
{
	ctx->code = CAIRN_OK;
	cairn_buf_reset(&ctx->msg);
}

int cairn_verror(cairn_ctx *ctx, int code, const char *fmt, va_list ap)
{
	cairn_buf msg = CAIRN_BUF_INIT;

	/* Formatted aside first: the arguments may point into the old message. */
	cairn_buf_vaddf(&msg, fmt, ap);
	cairn_buf_release(&ctx->msg);
	ctx->msg = msg;
	ctx->code = code;
	return code;
}

int cairn_error(cairn_ctx *ctx, int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	cairn_verror(ctx, code, fmt, ap);
	va_end(ap);
	return code;
}

int cairn_error_errno(cairn_ctx *ctx, const char *fmt, ...)
{
	int saved = errno;
	int code = saved == ENOENT ? CAIRN_ENOTFOUND :
		   saved == ENOMEM ? CAIRN_ENOMEM : CAIRN_EIO;
	va_list ap;

	va_start(ap, fmt);
	cairn_verror(ctx, code, fmt, ap);
	va_end(ap);
	cairn_buf_addf(&ctx->msg, ": %s", strerror(saved));
	errno = saved;
	return code;
}

int cairn_error_prefix(cairn_ctx *ctx, const char *fmt, ...)
{
	cairn_buf b = CAIRN_BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	cairn_buf_vaddf(&b, fmt, ap);
	va_end(ap);
	cairn_buf_adds(&b, ": ");
	cairn_buf_add(&b, ctx->msg.buf, ctx->msg.len);
	cairn_buf_release(&ctx->msg);
	ctx->msg = b;
	return ctx->code;
}

int cairn__ctx_need_workspace(cairn_ctx *ctx)
{
	if (ctx->dir)
		return 0;
	return cairn_error(ctx, CAIRN_ENOWORKSPACE,
			   "no workspace is open (run 'cairn init' first)");
}

void cairn__ctx_close_db(cairn_ctx *ctx)
{
	if (ctx->db && ctx->db_close)
		ctx->db_close(ctx->db);
	ctx->db = NULL;
	ctx->db_close = NULL;
}
