/*
 * What the cairn program shows of the library's work on stderr: log
 * messages as "cairn: LEVEL: message" lines or JSON lines, and a progress
 * line redrawn in place on a terminal. The library calls these through the
 * sinks that cli_new_context() sets on every context.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cairn/buf.h"
#include "cairn/id.h"
#include "cairn/log.h"
#include "cli/output.h"
#include "core/fs.h"

static enum cairn_log_level log_level = CAIRN_LOG_WARN;
static int log_json;
static int progress_allowed = 1;

void cli_log_set_level(enum cairn_log_level level) { log_level = level; }
enum cairn_log_level cli_log_level(void) { return log_level; }
void cli_log_set_json(int json) { log_json = json; }
void cli_progress_set_enabled(int enabled) { progress_allowed = enabled; }

void cli_log_from_env(void)
{
	const char *s = getenv("CAIRN_LOG");
	int level;

	if (s && (level = cairn_log_parse_level(s)) >= 0)
		log_level = (enum cairn_log_level)level;
	s = getenv("CAIRN_LOG_FORMAT");
	if (s)
		log_json = !strcmp(s, "json");
}

static int needs_escape(const unsigned char *p, int keep_lines)
{
	if (*p < 0x20)
		return !(keep_lines && (*p == '\n' || *p == '\t'));
	return *p == 0x7f || (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f);
}

void cli_esc_add(cairn_buf *out, const char *s, int keep_lines)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (!needs_escape(p, keep_lines))
			cairn_buf_addch(out, (char)*p);
		else if (*p == 0xc2)
			cairn_buf_addf(out, "\\u%04x", *++p);
		else
			cairn_buf_addf(out, "\\x%02x", *p);
	}
}

static const char *escape(const char *s, int keep_lines)
{
	static cairn_buf slots[CLI_ESC_SLOTS];
	static unsigned next;
	const unsigned char *p;
	cairn_buf *b;

	if (!s)
		return "";
	for (p = (const unsigned char *)s; *p && !needs_escape(p, keep_lines); p++)
		;
	if (!*p)
		return s;
	b = &slots[next++ % CLI_ESC_SLOTS];
	if (!b->buf)
		cairn_buf_init(b);
	cairn_buf_reset(b);
	cli_esc_add(b, s, keep_lines);
	return b->buf;
}

const char *cli_esc(const char *s)
{
	return escape(s, 0);
}

const char *cli_esc_text(const char *s)
{
	return escape(s, 1);
}

/* One whole line with a single write(2), so that lines from threads and
 * processes sharing stderr do not interleave. */
static void write_log(void *arg, enum cairn_log_level level, const char *message)
{
	cairn_buf line = CAIRN_BUF_INIT;

	(void)arg;
	if (log_json) {
		char ts[32];
		json_t *o;
		char *text;

		cairn_format_time(cairn_now_ms(), ts);
		o = json_pack("{s:s, s:s, s:s, s:I}", "ts", ts, "level", cairn_log_level_name(level),
			      "msg", message, "pid", (json_int_t)getpid());
		text = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
		if (text)
			cairn_buf_adds(&line, text);
		free(text);
		json_decref(o);
	} else {
		cairn_buf_addf(&line, "cairn: %s: ", cairn_log_level_name(level));
		cli_esc_add(&line, message, 1);
	}
	cairn_buf_addch(&line, '\n');
	(void)cairn_write_full(STDERR_FILENO, line.buf, line.len);
	cairn_buf_release(&line);
}

void cli_log(enum cairn_log_level level, const char *fmt, ...)
{
	cairn_buf msg = CAIRN_BUF_INIT;
	va_list ap;

	if (level > log_level)
		return;
	va_start(ap, fmt);
	cairn_buf_vaddf(&msg, fmt, ap);
	va_end(ap);
	write_log(NULL, level, msg.buf);
	cairn_buf_release(&msg);
}

/*
 * The progress line: nothing for the first second, so quick operations stay
 * silent, and only when stderr is a terminal. One operation at a time.
 */
static struct {
	const char *title;
	int64_t start_ms;
	int drawn;
} bar;

static void add_amount(cairn_buf *b, uint64_t n, int bytes)
{
	if (!bytes)
		cairn_buf_addf(b, "%llu", (unsigned long long)n);
	else if (n >= (1ull << 30))
		cairn_buf_addf(b, "%.2f GiB", (double)n / (1ull << 30));
	else
		cairn_buf_addf(b, "%.1f MiB", (double)n / (1ull << 20));
}

static void draw_progress(void *arg, const char *title, uint64_t done, uint64_t total,
			  int bytes, int done_flag)
{
	cairn_buf line = CAIRN_BUF_INIT;
	int64_t now = cairn_now_ms();

	(void)arg;
	if (bar.title != title) {
		bar.title = title;
		bar.start_ms = now;
		bar.drawn = 0;
	}
	if (done_flag) {
		if (bar.drawn)
			(void)cairn_write_full(STDERR_FILENO, "\r\033[K", 4);
		bar.title = NULL;
		bar.drawn = 0;
		return;
	}
	if (now - bar.start_ms < 1000)
		return;
	cairn_buf_addf(&line, "\r%s: ", title);
	if (total)
		cairn_buf_addf(&line, "%3d%% (", (int)(done * 100 / total));
	add_amount(&line, done, bytes);
	if (total) {
		cairn_buf_adds(&line, " / ");
		add_amount(&line, total, bytes);
		cairn_buf_addch(&line, ')');
	}
	cairn_buf_adds(&line, "\033[K");
	(void)cairn_write_full(STDERR_FILENO, line.buf, line.len);
	bar.drawn = 1;
	cairn_buf_release(&line);
}

void cli_output_attach(cairn_ctx *ctx)
{
	cairn_ctx_set_log(ctx, log_level, write_log, NULL);
	if (progress_allowed && isatty(STDERR_FILENO))
		cairn_ctx_set_progress(ctx, draw_progress, NULL);
	else
		cairn_ctx_set_progress(ctx, NULL, NULL);
}
