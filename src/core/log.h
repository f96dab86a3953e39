/*
 * Logging inside libcairn: a message goes to the log sink of the context it
 * concerns (cairn_ctx_set_log), formatted only when the sink wants its
 * level, and is dropped when the context has no sink. Never to stderr.
 */
#ifndef CAIRN_CORE_LOG_H
#define CAIRN_CORE_LOG_H

#include "cairn/ctx.h"
#include "core/log.h"

/* 1 when ctx's sink takes messages of level (to skip costly formatting). */
int cairn__log_wants(const cairn_ctx *ctx, enum cairn_log_level level);
void cairn__log(cairn_ctx *ctx, enum cairn_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#define cairn__log_error(ctx, ...) cairn__log(ctx, CAIRN_LOG_ERROR, __VA_ARGS__)
#define cairn__log_warn(ctx, ...) cairn__log(ctx, CAIRN_LOG_WARN, __VA_ARGS__)
#define cairn__log_info(ctx, ...) cairn__log(ctx, CAIRN_LOG_INFO, __VA_ARGS__)
#define cairn__log_debug(ctx, ...) cairn__log(ctx, CAIRN_LOG_DEBUG, __VA_ARGS__)

#endif
