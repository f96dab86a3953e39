/*
 * Leveled logging to stderr, as human lines or JSON lines.
 *
 * The level and format are process-wide, set once at start-up (the CLI sets
 * them from -v/-q/--log-json and the CAIRN_LOG / CAIRN_LOG_FORMAT variables).
 * Each call writes one whole line with a single write(2), so lines from
 * threads and processes sharing stderr do not interleave.
 */
#ifndef CAIRN_LOG_H
#define CAIRN_LOG_H

enum cairn_log_level {
	CAIRN_LOG_ERROR = 0,
	CAIRN_LOG_WARN,
	CAIRN_LOG_INFO,
	CAIRN_LOG_DEBUG,
	CAIRN_LOG_TRACE
};

void cairn_log_set_level(enum cairn_log_level level);
enum cairn_log_level cairn_log_get_level(void);
void cairn_log_set_json(int json);
int cairn_log_get_json(void);
/* Parses "error", "warn", "info", "debug" or "trace"; -1 when unknown. */
int cairn_log_parse_level(const char *s);
/* Applies CAIRN_LOG and CAIRN_LOG_FORMAT=json|text when set. */
void cairn_log_from_env(void);

void cairn_log(enum cairn_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define cairn_log_error(...) cairn_log(CAIRN_LOG_ERROR, __VA_ARGS__)
#define cairn_log_warn(...) cairn_log(CAIRN_LOG_WARN, __VA_ARGS__)
#define cairn_log_info(...) cairn_log(CAIRN_LOG_INFO, __VA_ARGS__)
#define cairn_log_debug(...) cairn_log(CAIRN_LOG_DEBUG, __VA_ARGS__)

#endif
