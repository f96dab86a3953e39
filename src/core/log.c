/* Log messages handed to the context's sink; see src/core/log.h. */
#include <stdlib.h>
#include <string.h>
#include "cairn/buf.h"
#include "core/ctx-internal.h"
#include "core/log.h"

static const char *const level_names[] = { "error", "warn", "info", "debug", "trace" };

const char *cairn_log_level_name(enum cairn_log_level level)
{
	return (unsigned)level <= CAIRN_LOG_TRACE ? level_names[level] : "?";
}

int cairn_log_parse_level(const char *s)
{
	for (int i = 0; i <= CAIRN_LOG_TRACE; i++)
		if (!strcmp(s, level_names[i]))
			return i;
	if (!strcmp(s, "warning"))
		return CAIRN_LOG_WARN;
	return -1;
}

int cairn__log_wants(const cairn_ctx *ctx, enum cairn_log_level level)
{
	return ctx && ctx->log_fn && level <= ctx->log_level;
}

void cairn__log(cairn_ctx *ctx, enum cairn_log_level level, const char *fmt, ...)
{
	cairn_buf msg = CAIRN_BUF_INIT;
	va_list ap;

	if (!cairn__log_wants(ctx, level))
		return;
	va_start(ap, fmt);
	cairn_buf_vaddf(&msg, fmt, ap);
	va_end(ap);
	ctx->log_fn(ctx->log_arg, level, msg.buf);
	cairn_buf_release(&msg);
}
