/* Unit tests for logging: the library's messages reach the context's sink
 * filtered by level (and nothing else), and the cairn program's sink
 * (cli/output.c) writes the text and JSON line formats, read back from
 * stderr redirected to a file. */
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "cairn/buf.h"
#include "cairn/ctx.h"
#include "cairn/id.h"
#include "cairn/log.h"
#include "cli/output.h"
#include "core/fs.h"
#include "core/log.h"
#include "tests/unit/suites.h"

struct capture {
	int saved_fd;
	enum cairn_log_level level;
};

/* Sends stderr to the file "stderr" until capture_end(). */
static void capture_begin(struct capture *c)
{
	int fd = open("stderr", O_WRONLY | O_CREAT | O_TRUNC, 0644);

	fflush(stderr);
	c->saved_fd = dup(STDERR_FILENO);
	c->level = cli_log_level();
	CHECK(fd >= 0 && c->saved_fd >= 0);
	CHECK_INT(dup2(fd, STDERR_FILENO), ==, STDERR_FILENO);
	close(fd);
}

/* Restores stderr and the log settings and appends what was written to out. */
static void capture_end(struct capture *c, cairn_buf *out)
{
	cairn_ctx *ctx = cairn_ctx_new();

	fflush(stderr);
	dup2(c->saved_fd, STDERR_FILENO);
	close(c->saved_fd);
	cli_log_set_level(c->level);
	cli_log_set_json(0);
	CHECK_OK(ctx, cairn_read_file(ctx, "stderr", out));
	cairn_ctx_free(ctx);
}

static int count_lines(const char *s)
{
	int n = 0;
	for (; *s; s++)
		n += *s == '\n';
	return n;
}

static void test_log_levels_filter(void)
{
	struct capture c;
	cairn_buf out = CAIRN_BUF_INIT;

	capture_begin(&c);
	cli_log_set_json(0);
	cli_log_set_level(CAIRN_LOG_WARN);
	cli_log(CAIRN_LOG_ERROR, "disk %s", "full");
	cli_log(CAIRN_LOG_WARN, "slow: %d ms", 1500);
	cli_log(CAIRN_LOG_INFO, "not shown");
	cli_log(CAIRN_LOG_DEBUG, "not shown either");
	cli_log_set_level(CAIRN_LOG_TRACE);
	cli_log(CAIRN_LOG_TRACE, "trace %d", 7);
	cli_log_set_level(CAIRN_LOG_ERROR);
	cli_log(CAIRN_LOG_WARN, "hidden at error level");
	capture_end(&c, &out);

	CHECK_STR(out.buf, "cairn: error: disk full\n"
			   "cairn: warn: slow: 1500 ms\n"
			   "cairn: trace: trace 7\n");
	cairn_buf_release(&out);
}

static void test_log_json_lines(void)
{
	struct capture c;
	cairn_buf out = CAIRN_BUF_INIT;
	const char *tricky = "quote \" backslash \\ tab \t newline \n caf\xc3\xa9";
	const char *want_levels[] = { "error", "info", "debug" };
	int64_t before = cairn_now_ms(), after;
	char *line, *save = NULL;
	int n = 0;

	capture_begin(&c);
	cli_log_set_json(1);
	cli_log_set_level(CAIRN_LOG_DEBUG);
	{
		/* Through a context, as the library logs. */
		cairn_ctx *ctx = cairn_ctx_new();
		cli_output_attach(ctx);
		cairn__log_error(ctx, "cannot open '%s'", "train.csv");
		cairn__log_info(ctx, "%s", tricky);
		cairn__log_debug(ctx, "applying schema migration %d", 1);
		cairn__log(ctx, CAIRN_LOG_TRACE, "below the level");
		cairn_ctx_free(ctx);
	}
	capture_end(&c, &out);
	after = cairn_now_ms();

	/* One line per message, even for a message holding a newline. */
	CHECK_INT(count_lines(out.buf), ==, 3);
	for (line = strtok_r(out.buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		json_error_t err;
		json_t *o = json_loads(line, 0, &err);
		const char *ts;

		if (!o) {
			unit_fail(__FILE__, __LINE__, "not JSON: %s (%s)", line, err.text);
			n++;
			continue;
		}
		CHECK(n < 3);
		if (n < 3)
			CHECK_STR(json_string_value(json_object_get(o, "level")), want_levels[n]);
		CHECK_INT(json_integer_value(json_object_get(o, "pid")), ==, getpid());
		CHECK_INT(json_object_size(o), ==, 4);
		/* ts is RFC 3339 UTC with milliseconds, taken while logging. */
		ts = json_string_value(json_object_get(o, "ts"));
		CHECK(ts && strlen(ts) == 24 && ts[10] == 'T' && ts[23] == 'Z');
		if (ts) {
			char lo[32], hi[32];
			cairn_format_time(before, lo);
			cairn_format_time(after, hi);
			CHECK(strcmp(ts, lo) >= 0 && strcmp(ts, hi) <= 0);
		}
		/* Keys come in a fixed order: ts, level, msg, pid. */
		CHECK(!strncmp(line, "{\"ts\":", 6));
		if (n == 0)
			CHECK_STR(json_string_value(json_object_get(o, "msg")),
				  "cannot open 'train.csv'");
		if (n == 1)
			CHECK_STR(json_string_value(json_object_get(o, "msg")), tricky);
		if (n == 2)
			CHECK_STR(json_string_value(json_object_get(o, "msg")),
				  "applying schema migration 1");
		json_decref(o);
		n++;
	}
	CHECK_INT(n, ==, 3);
	cairn_buf_release(&out);
}

static void test_log_parse_level(void)
{
	CHECK_INT(cairn_log_parse_level("error"), ==, CAIRN_LOG_ERROR);
	CHECK_INT(cairn_log_parse_level("warn"), ==, CAIRN_LOG_WARN);
	CHECK_INT(cairn_log_parse_level("warning"), ==, CAIRN_LOG_WARN);
	CHECK_INT(cairn_log_parse_level("info"), ==, CAIRN_LOG_INFO);
	CHECK_INT(cairn_log_parse_level("debug"), ==, CAIRN_LOG_DEBUG);
	CHECK_INT(cairn_log_parse_level("trace"), ==, CAIRN_LOG_TRACE);
	CHECK_INT(cairn_log_parse_level("DEBUG"), ==, -1);
	CHECK_INT(cairn_log_parse_level(""), ==, -1);
	CHECK_INT(cairn_log_parse_level("verbose"), ==, -1);
}

static void test_log_from_env(void)
{
	enum cairn_log_level level = cli_log_level();

	setenv("CAIRN_LOG", "debug", 1);
	setenv("CAIRN_LOG_FORMAT", "json", 1);
	cli_log_set_level(CAIRN_LOG_WARN);
	cli_log_set_json(0);
	cli_log_from_env();
	CHECK_INT(cli_log_level(), ==, CAIRN_LOG_DEBUG);

	/* An unknown level leaves the level alone; any format but json is text. */
	setenv("CAIRN_LOG", "loud", 1);
	setenv("CAIRN_LOG_FORMAT", "text", 1);
	cli_log_from_env();
	CHECK_INT(cli_log_level(), ==, CAIRN_LOG_DEBUG);

	unsetenv("CAIRN_LOG");
	unsetenv("CAIRN_LOG_FORMAT");
	cli_log_set_level(CAIRN_LOG_INFO);
	cli_log_from_env();
	CHECK_INT(cli_log_level(), ==, CAIRN_LOG_INFO);
	cli_log_set_level(level);
	cli_log_set_json(0);
}

struct sink {
	int n;
	enum cairn_log_level last_level;
	cairn_buf text;
};

static void collect(void *arg, enum cairn_log_level level, const char *message)
{
	struct sink *s = arg;
	s->n++;
	s->last_level = level;
	cairn_buf_addf(&s->text, "%s|", message);
}

/* The library writes nothing to stderr: without a sink messages are
 * dropped, with one they arrive whole, filtered by the sink's level. */
static void test_log_reaches_sink_only(void)
{
	struct capture c;
	cairn_buf out = CAIRN_BUF_INIT;
	struct sink s = { 0, CAIRN_LOG_ERROR, CAIRN_BUF_INIT };
	cairn_ctx *ctx = cairn_ctx_new();

	capture_begin(&c);
	cairn__log_warn(ctx, "nobody listens");
	cairn_ctx_set_log(ctx, CAIRN_LOG_INFO, collect, &s);
	cairn__log_warn(ctx, "w %d", 1);
	cairn__log_info(ctx, "i %s", "two");
	cairn__log_debug(ctx, "not wanted");
	CHECK(cairn__log_wants(ctx, CAIRN_LOG_INFO));
	CHECK(!cairn__log_wants(ctx, CAIRN_LOG_DEBUG));
	cairn_ctx_set_log(ctx, CAIRN_LOG_TRACE, NULL, NULL);
	cairn__log_error(ctx, "dropped again");
	capture_end(&c, &out);

	CHECK_STR(out.buf, "");
	CHECK_INT(s.n, ==, 2);
	CHECK_INT(s.last_level, ==, CAIRN_LOG_INFO);
	CHECK_STR(s.text.buf, "w 1|i two|");
	cairn_buf_release(&s.text);
	cairn_buf_release(&out);
	cairn_ctx_free(ctx);
}

const struct unit_test log_tests[] = {
	{ "log_reaches_sink_only", test_log_reaches_sink_only },
	{ "log_levels_filter", test_log_levels_filter },
	{ "log_json_lines", test_log_json_lines },
	{ "log_parse_level", test_log_parse_level },
	{ "log_from_env", test_log_from_env },
	{ NULL, NULL }
};
