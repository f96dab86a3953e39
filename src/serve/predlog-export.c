/* `cairn predictions`: the log's segments summarised, its records exported
 * as JSON lines or CSV with their feedback joined, feedback recorded, and
 * the time bounds users give; see include/cairn/predictions.h. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "cairn/error.h"
#include "cairn/id.h"
#include "cairn/predictions.h"
#include "cairn/workspace.h"
#include "core/fs.h"
#include "core/json.h"
#include "core/oom.h"
#include "core/output.h"
#include "serve/predlog.h"

int cairn_predictions_parse_time(cairn_ctx *ctx, const char *what, const char *text,
				 int64_t now_ms, int64_t *out_ms)
{
	static const struct { char unit; int64_t ms; } units[] = {
		{ 's', 1000 }, { 'm', 60000 }, { 'h', 3600000 }, { 'd', 86400000 },
		{ 'w', 7 * 86400000LL }
	};
	struct tm tm = { 0 };
	const char *p = text;
	char *end;
	int ms = 0;

	if (isdigit((unsigned char)*p)) {
		unsigned long long n = strtoull(p, &end, 10);
		if (end[0] && !end[1] && end - p <= 9)
			for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
				if (units[i].unit == *end) {
					*out_ms = now_ms - (int64_t)n * units[i].ms;
					return 0;
				}
	}
	end = strptime(p, "%Y-%m-%d", &tm);
	if (end && *end == 'T') {
		end = strptime(end + 1, "%H:%M:%S", &tm);
		if (end && *end == '.' && isdigit((unsigned char)end[1])) {
			int digits = 0;
			for (end++; isdigit((unsigned char)*end); end++, digits++)
				if (digits < 3)
					ms = ms * 10 + (*end - '0');
			for (; digits < 3; digits++)
				ms *= 10;
		}
		if (end && *end == 'Z')
			end++;
		else
			end = NULL; /* a time without its zone would mean the reader's */
	}
	if (!end || *end)
		return cairn_error(ctx, CAIRN_EINVAL, "%s: '%s' is neither a UTC time such as"
				   " 2026-12-07T20:00:00Z or 2026-12-07 nor a duration such as 90s,"
				   " 15m, 1h, 2d or 1w", what, text);
	*out_ms = (int64_t)timegm(&tm) * 1000 + ms;
	return 0;
}

static int passes(const struct cairn_predictions_filter *f, json_t *rec)
{
	int64_t t = json_integer_value(json_object_get(rec, "time_ms"));

	if (f->model && strcmp(f->model, json_string_value(json_object_get(rec, "model")) ?: ""))
		return 0;
	if (f->since_ms && t < f->since_ms)
		return 0;
	if (f->until_ms && t >= f->until_ms)
		return 0;
	return 1;
}

/* The log directory of the workspace open on ctx, into dir. */
static int log_dir(cairn_ctx *ctx, cairn_buf *dir)
{
	const char *w = cairn_workspace_dir(ctx);

	if (!w)
		return cairn_error(ctx, CAIRN_ENOWORKSPACE, "no workspace is open");
	cairn_path_join(dir, w, CAIRN__PREDLOG_DIR);
	return 0;
}

/* Calls fn on every record that passes f, oldest segment first. */
static int each_record(cairn_ctx *ctx, const struct cairn_predictions_filter *f,
		       int (*fn)(void *arg, json_t *rec, const char *segment, uint64_t offset),
		       int (*segment_done)(void *arg, const char *dir, const char *segment),
		       void *arg)
{
	cairn_buf dir = CAIRN_BUF_INIT;
	json_t *names = NULL;
	int rc;
	size_t i;
	json_t *v;

	if ((rc = log_dir(ctx, &dir)) || (rc = cairn__predlog_segment_names(ctx, dir.buf, &names)))
		goto out;
	json_array_foreach(names, i, v) {
		const char *name = json_string_value(v);
		/* A segment made after the upper bound holds no earlier record. */
		if (f->until_ms && cairn_id_time_ms(name) > f->until_ms + 60000)
			break;
		if ((rc = cairn__predlog_read_segment(ctx, dir.buf, name, fn, arg)))
			goto out;
		if (segment_done && (rc = segment_done(arg, dir.buf, name)))
			goto out;
		if (cairn_ctx_cancelled(ctx)) {
			rc = cairn_error(ctx, CAIRN_EINTERRUPTED, "interrupted");
			goto out;
		}
	}
out:
	json_decref(names);
	cairn_buf_release(&dir);
	return rc;
}

/*
 * list
 */

struct list_state {
	const struct cairn_predictions_filter *f;
	json_t *out, *models;
	int64_t records, first, last;
};

static int list_record(void *arg, json_t *rec, const char *segment, uint64_t offset)
{
	struct list_state *s = arg;
	const char *model = json_string_value(json_object_get(rec, "model")) ?: "";
	int64_t t = json_integer_value(json_object_get(rec, "time_ms"));

	if (!passes(s->f, rec))
		return 0;
	if (!s->records || t < s->first)
		s->first = t;
	if (!s->records || t > s->last)
		s->last = t;
	s->records++;
	json_object_set_new(s->models, model,
			    json_integer(json_integer_value(json_object_get(s->models, model)) + 1));
	return 0;
}

static json_t *time_json(int64_t ms)
{
	char t[32];

	cairn_format_time(ms, t);
	return json_string(t);
}

static int list_segment(void *arg, const char *dir, const char *segment)
{
	struct list_state *s = arg;
	cairn_buf path = CAIRN_BUF_INIT;
	struct stat st;

	if (s->records) {
		cairn_path_join(&path, dir, segment);
		json_array_append_new(s->out, json_pack("{s:s, s:I, s:o, s:I, s:o, s:o, s:o}",
			"segment", segment, "bytes", (json_int_t)(stat(path.buf, &st) ? 0 : st.st_size),
			"created_at", time_json(cairn_id_time_ms(segment)),
			"records", (json_int_t)s->records, "first", time_json(s->first),
			"last", time_json(s->last), "models", s->models));
		if (!(s->models = json_object()))
			cairn__oom(0);
	}
	s->records = 0;
	cairn_buf_release(&path);
	return 0;
}

int cairn_predictions_list(cairn_ctx *ctx, const struct cairn_predictions_filter *f,
			   json_t **out)
{
	struct list_state s = { f, json_array(), json_object(), 0, 0, 0 };

	int rc;

	if (!s.out || !s.models)
		cairn__oom(0);
	rc = each_record(ctx, f, list_record, list_segment, &s);
	json_decref(s.models);
	if (rc) {
		json_decref(s.out);
		s.out = NULL;
	}
	*out = s.out;
	return rc;
}

/*
 * export
 */

struct export_state {
	cairn_ctx *ctx;
	const struct cairn_predictions_export_options *o;
	json_t *feedback;
	cairn_buf buf;
	int fd;                     /* the output file, or -1 */
	uint64_t count;
};

static int flush_out(struct export_state *s)
{
	int rc = 0;

	if (!s->buf.len)
		return 0;
	if (s->fd >= 0) {
		if (cairn_write_full(s->fd, s->buf.buf, s->buf.len))
			rc = cairn_error_errno(s->ctx, "cannot write '%s'", s->o->out);
	} else {
		rc = s->o->write_fn(s->o->write_arg, s->buf.buf, s->buf.len);
	}
	cairn_buf_reset(&s->buf);
	return rc;
}

/* A CSV field: quoted when it holds a comma, quote or line break. */
static void csv_field(cairn_buf *b, const char *s, int last)
{
	if (strpbrk(s, ",\"\r\n")) {
		cairn_buf_addch(b, '"');
		for (; *s; s++) {
			if (*s == '"')
				cairn_buf_addch(b, '"');
			cairn_buf_addch(b, *s);
		}
		cairn_buf_addch(b, '"');
	} else {
		cairn_buf_adds(b, s);
	}
	cairn_buf_addch(b, last ? '\n' : ',');
}

static void csv_json_field(cairn_buf *b, json_t *v, int last)
{
	cairn_buf t = CAIRN_BUF_INIT;

	if (json_is_string(v))
		cairn_buf_adds(&t, json_string_value(v));
	else if (v && !json_is_null(v))
		cairn_json_append(&t, v, 0);
	csv_field(b, t.buf, last);
	cairn_buf_release(&t);
}

static const char *const csv_columns[] = {
	"id", "time", "model", "version", "protocol", "status", "latency_s", "label",
	"label_time", "inputs", "outputs"
};

static int export_record(void *arg, json_t *rec, const char *segment, uint64_t offset)
{
	struct export_state *s = arg;
	json_t *fb;

	if (!passes(&s->o->filter, rec))
		return 0;
	fb = json_object_get(s->feedback, json_string_value(json_object_get(rec, "id")) ?: "");
	s->count++;
	if (s->o->format == CAIRN_PREDICTIONS_JSONL) {
		json_t *copy = json_copy(rec);
		if (!copy)
			cairn__oom(0);
		json_object_set(copy, "feedback", fb ? fb : json_null());
		cairn_json_append(&s->buf, copy, 0);
		cairn_buf_addch(&s->buf, '\n');
		json_decref(copy);
	} else {
		for (size_t i = 0; i < 7; i++)
			csv_json_field(&s->buf, json_object_get(rec, csv_columns[i]), 0);
		csv_json_field(&s->buf, fb ? json_object_get(fb, "label") : NULL, 0);
		csv_json_field(&s->buf, fb ? json_object_get(fb, "time") : NULL, 0);
		csv_json_field(&s->buf, json_object_get(rec, "inputs"), 0);
		csv_json_field(&s->buf, json_object_get(rec, "outputs"), 1);
	}
	return s->buf.len >= 1 << 20 ? flush_out(s) : 0;
}

int cairn_predictions_export(cairn_ctx *ctx, const struct cairn_predictions_export_options *o,
			     uint64_t *count)
{
	struct export_state s = { ctx, o, NULL, CAIRN_BUF_INIT, -1, 0 };
	struct cairn__output_opts oo;
	struct cairn__output file = { CAIRN_BUF_INIT, CAIRN_BUF_INIT, -1, 0, 0, 0 };
	int rc;

	*count = 0;
	if (!o->out && !o->write_fn)
		return cairn_error(ctx, CAIRN_EINVAL, "an export needs a file or a writer");
	if ((rc = cairn__feedback_latest(ctx, &s.feedback)))
		return rc;
	if (o->out) {
		cairn__output_opts_init(ctx, &oo, o->force);
		if ((rc = cairn__output_begin(ctx, &file, o->out, &oo)) ||
		    (rc = cairn__output_create(ctx, &file)))
			goto out;
		s.fd = file.fd;
	}
	if (o->format == CAIRN_PREDICTIONS_CSV)
		for (size_t i = 0; i < sizeof(csv_columns) / sizeof(csv_columns[0]); i++)
			csv_field(&s.buf, csv_columns[i], i + 1 == sizeof(csv_columns) /
				  sizeof(csv_columns[0]));
	if ((rc = each_record(ctx, &o->filter, export_record, NULL, &s)) || (rc = flush_out(&s)))
		goto out;
	if (o->out)
		rc = cairn__output_commit(ctx, &file);
	*count = s.count;
out:
	if (rc && o->out)
		cairn__output_abort(&file);
	json_decref(s.feedback);
	cairn_buf_release(&s.buf);
	cairn_buf_release(&file.target);
	cairn_buf_release(&file.tmp);
	return rc;
}

/*
 * feedback
 */

int cairn_predictions_feedback(cairn_ctx *ctx, const char *request_id, json_t *label,
			       const char *source, json_t **out)
{
	cairn_buf text = CAIRN_BUF_INIT;
	int64_t now = cairn_now_ms();
	int rc;

	if (out)
		*out = NULL;
	if (!request_id || !*request_id)
		return cairn_error(ctx, CAIRN_EINVAL, "feedback needs a request_id");
	if (strlen(request_id) > 256)
		return cairn_error(ctx, CAIRN_EINVAL, "request_id is longer than 256 characters");
	if (!label || json_is_null(label))
		return cairn_error(ctx, CAIRN_EINVAL, "feedback for '%s' needs a label", request_id);
	cairn_json_append(&text, label, 0);
	rc = cairn__feedback_insert(ctx, request_id, text.buf, source ? source : "", now);
	cairn_buf_release(&text);
	if (!rc && out)
		*out = json_pack("{s:s, s:O, s:o, s:s}", "request_id", request_id, "label", label,
				 "time", time_json(now), "source", source ? source : "");
	return rc;
}
