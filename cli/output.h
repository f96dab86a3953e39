/*
 * The cairn program's log and progress output on stderr (cli/output.c):
 * settings from -v/-q/--log-json and CAIRN_LOG / CAIRN_LOG_FORMAT, and the
 * sinks given to every library context.
 */
#ifndef CAIRN_CLI_OUTPUT_H
#define CAIRN_CLI_OUTPUT_H

#include "cairn/buf.h"
#include "cairn/ctx.h"
#include "cairn/log.h"

void cli_log_set_level(enum cairn_log_level level);
enum cairn_log_level cli_log_level(void);
void cli_log_set_json(int json);
/* Applies CAIRN_LOG and CAIRN_LOG_FORMAT=json|text when set. */
void cli_log_from_env(void);
/* Turns the progress line off (--quiet, --json). Call before contexts are
 * made, or attach again. */
void cli_progress_set_enabled(int enabled);

/* A message of the program itself, through the same sink. */
void cli_log(enum cairn_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * A stored string (a name, value, param, tag, message) made safe to print
 * on a terminal: control characters, which could move the cursor, set the
 * window title (ESC ] 0 ; ... BEL) or hide what follows, are written as
 * escapes: C0 controls and DEL as \xHH (\x1b), and the C1 controls
 * U+0080..U+009F as \u0080..\u009f; everything else (UTF-8 text
 * included) is unchanged. cli_esc() escapes newlines and tabs too, for a
 * value shown inside a line or a table; cli_esc_text() keeps them, for
 * text of several lines. The result is s itself when nothing needs
 * escaping, else a buffer valid until CLI_ESC_SLOTS later calls (so that
 * several may be passed to one printf()); NULL gives "". For the main
 * thread: other threads (the log sink) use cli_esc_add(), which appends to
 * their own buffer. Human output only: JSON output is escaped by jansson.
 */
#define CLI_ESC_SLOTS 16
const char *cli_esc(const char *s);
const char *cli_esc_text(const char *s);
void cli_esc_add(cairn_buf *out, const char *s, int keep_lines);

/* Sets the log and progress sinks on ctx from the current settings. */
void cli_output_attach(cairn_ctx *ctx);

#endif
