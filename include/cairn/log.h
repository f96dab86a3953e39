/*
 * Log levels of the messages libcairn gives a context's log sink
 * (cairn_ctx_set_log in cairn/ctx.h). The library never writes to stderr
 * itself: the cairn program's sink prints them as human or JSON lines.
 */
#ifndef CAIRN_LOG_H
#define CAIRN_LOG_H
#include "cairn/common.h"

CAIRN_BEGIN_DECLS

enum cairn_log_level {
	CAIRN_LOG_ERROR = 0,
	CAIRN_LOG_WARN,
	CAIRN_LOG_INFO,
	CAIRN_LOG_DEBUG,
	CAIRN_LOG_TRACE
};

/* Parses "error", "warn", "info", "debug" or "trace"; -1 when unknown. */
int cairn_log_parse_level(const char *s);
/* "error", "warn", ... */
const char *cairn_log_level_name(enum cairn_log_level level);

CAIRN_END_DECLS

#endif
