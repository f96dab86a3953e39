/* Leveled logging to stderr as text or JSON lines; see include/cairn/log.h. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cairn/buf.h"
#include "cairn/fs.h"
#include "cairn/id.h"
#include "cairn/log.h"

static enum cairn_log_level current_level = CAIRN_LOG_WARN;
static int json_lines;

static const char *const level_names[] = { "error", "warn", "info", "debug", "trace" };

void cairn_log_set_level(enum cairn_log_level level) { current_level = level; }
enum cairn_log_level cairn_log_get_level(void) { return current_level; }
void cairn_log_set_json(int json) { json_lines = json; }
int cairn_log_get_json(void) { return json_lines; }

int cairn_log_parse_level(const char *s)
{
	for (int i = 0; i <= CAIRN_LOG_TRACE; i++)
		if (!strcmp(s, level_names[i]))
			return i;
	if (!strcmp(s, "warning"))
		return CAIRN_LOG_WARN;
	return -1;
}

void cairn_log_from_env(void)
{
	const char *s = getenv("CAIRN_LOG");
	int level;

	if (s && (level = cairn_log_parse_level(s)) >= 0)
		current_level = (enum cairn_log_level)level;
	s = getenv("CAIRN_LOG_FORMAT");
	if (s)
		json_lines = !strcmp(s, "json");
}

void cairn_log(enum cairn_log_level level, const char *fmt, ...)
{
	cairn_buf msg = CAIRN_BUF_INIT, line = CAIRN_BUF_INIT;
	va_list ap;

	if (level > current_level)
		return;
	va_start(ap, fmt);
	cairn_buf_vaddf(&msg, fmt, ap);
	va_end(ap);

	if (json_lines) {
		char ts[32];
		json_t *o;
		char *text;

		cairn_format_time(cairn_now_ms(), ts);
		o = json_pack("{s:s, s:s, s:s, s:I}", "ts", ts, "level",
			      level_names[level], "msg", msg.buf, "pid",
			      (json_int_t)getpid());
		text = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
		if (text)
			cairn_buf_adds(&line, text);
		free(text);
		json_decref(o);
	} else {
		cairn_buf_addf(&line, "cairn: %s: %s", level_names[level], msg.buf);
	}
	cairn_buf_addch(&line, '\n');
	(void)cairn_write_full(STDERR_FILENO, line.buf, line.len);
	cairn_buf_release(&line);
	cairn_buf_release(&msg);
}
