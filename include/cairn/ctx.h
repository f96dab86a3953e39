/*
 * cairn_ctx: the handle every libcairn call takes.
 *
 * It carries the last error's detailed message, the workspace once one is
 * opened, and the metadata store and object store opened on demand. One
 * context belongs to one thread at a time; use one context per thread.
 */
#ifndef CAIRN_CTX_H
#define CAIRN_CTX_H

#include <stdarg.h>

typedef struct cairn_ctx cairn_ctx;

/* Creates a context with no workspace. Returns NULL only when out of memory. */
cairn_ctx *cairn_ctx_new(void);
/* Closes the stores and frees the context. NULL is a no-op. */
void cairn_ctx_free(cairn_ctx *ctx);

/* The message of the last error set on ctx ("" when none). Owned by ctx. */
const char *cairn_errmsg(const cairn_ctx *ctx);
/* The code of the last error set on ctx (CAIRN_OK when none). */
int cairn_errcode(const cairn_ctx *ctx);
/* Sets the error code and message on ctx and returns code. */
int cairn_error(cairn_ctx *ctx, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int cairn_verror(cairn_ctx *ctx, int code, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));
/* Like cairn_error() with ": <strerror(errno)>" appended and code CAIRN_EIO
 * (CAIRN_ENOTFOUND for ENOENT, CAIRN_ENOMEM for ENOMEM). */
int cairn_error_errno(cairn_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Prefixes the current message with "context: " and returns the current code. */
int cairn_error_prefix(cairn_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void cairn_error_clear(cairn_ctx *ctx);

#endif
