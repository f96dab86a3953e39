/* Unit tests for the prediction log: records written and read back, a
 * torn last frame and a corrupt one, rotation, back-pressure, feedback
 * joined on export, time bounds, the lineage of a prediction, and the
 * record's line written directly as jansson made it. */
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cairn/error.h"
#include "cairn/id.h"
#include "cairn/predictions.h"
#include "cairn/run.h"
#include "cairn/workspace.h"
#include "core/fs.h"
#include "core/json.h"
#include "core/oom.h"
#include "ml/learner.h"
#include "serve/predlog-hooks.h"
#include "serve/predlog.h"
#include "tests/unit/suites.h"

struct warnings {
	cairn_buf text;
};

static void collect(void *arg, enum cairn_log_level level, const char *message)
{
	struct warnings *w = arg;

	if (level >= CAIRN_LOG_WARN) {
		cairn_buf_adds(&w->text, message);
		cairn_buf_addch(&w->text, '\n');
	}
}

static cairn_ctx *workspace(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	enum cairn_init_result r;

	CHECK_OK(ctx, cairn_workspace_init(ctx, ".", 1, &r));
	return ctx;
}

static void log_dir(cairn_ctx *ctx, cairn_buf *dir)
{
	cairn_path_join(dir, cairn_workspace_dir(ctx), CAIRN__PREDLOG_DIR);
}

/* Appends n records "PREFIX-i" of model. */
static void append(cairn__predlog *log, const char *prefix, const char *model, int n,
		   const char *deployment)
{
	for (int i = 0; i < n; i++) {
		char id[64];
		json_t *in = json_pack("{s:[f], s:[s]}", "x", 1.5 * i, "c", "a,\"b\"");
		json_t *out = json_pack("[i]", i % 3);
		struct cairn__predlog_record r = { id, cairn_now_ms(), model, "m@1", deployment,
						   "mlflow", in, out, 0.001, 200, 0 };
		snprintf(id, sizeof(id), "%s-%d", prefix, i);
		CHECK_INT(cairn__predlog_append(log, &r), ==, 0);
		json_decref(in);
		json_decref(out);
	}
}

static int to_buf(void *arg, const char *data, size_t len)
{
	cairn_buf_add(arg, data, len);
	return 0;
}

static int lines(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

static void test_predlog_roundtrip(void)
{
	cairn_ctx *ctx = workspace();
	cairn_buf dir = CAIRN_BUF_INIT, out = CAIRN_BUF_INIT;
	struct cairn__predlog_options o = { 0 };
	struct cairn__predlog_stats st;
	struct cairn_predictions_export_options e = { 0 };
	cairn__predlog *log;
	json_t *list = NULL;
	uint64_t count;

	log_dir(ctx, &dir);
	o.dir = dir.buf;
	CHECK_OK(ctx, cairn__predlog_open(ctx, &o, &log));
	append(log, "a", "iris", 100, NULL);
	CHECK_OK(ctx, cairn__predlog_flush(log));
	append(log, "b", "wine", 5, NULL);
	cairn__predlog_stats(log, &st);
	CHECK_INT(st.appended, ==, 105);
	CHECK_OK(ctx, cairn__predlog_close(ctx, log));

	e.write_fn = to_buf;
	e.write_arg = &out;
	CHECK_OK(ctx, cairn_predictions_export(ctx, &e, &count));
	CHECK_INT(count, ==, 105);
	CHECK_INT(lines(out.buf), ==, 105);
	CHECK(strstr(out.buf, "\"id\":\"a-0\"") != NULL);
	CHECK(strstr(out.buf, "\"feedback\":null") != NULL);
	cairn_buf_reset(&out);
	e.filter.model = "wine";
	e.format = CAIRN_PREDICTIONS_CSV;
	CHECK_OK(ctx, cairn_predictions_export(ctx, &e, &count));
	CHECK_INT(count, ==, 5);
	CHECK_INT(lines(out.buf), ==, 6);
	CHECK(!strncmp(out.buf, "id,time,model,version,protocol,status,latency_s,label,", 54));
	/* Inputs as JSON text, its quotes doubled inside a quoted field. */
	CHECK(strstr(out.buf, "\"{\"\"c\"\": [\"\"a,\\\"\"b\\\"\"\"\"]") ||
	      strstr(out.buf, "\"{\"\"c\"\":[\"\"a,\\\"\"b\\\"\"\"\"]"));

	CHECK_OK(ctx, cairn_predictions_list(ctx, &(struct cairn_predictions_filter){ 0 }, &list));
	CHECK_INT(json_array_size(list), ==, 1);
	CHECK_INT(json_integer_value(json_object_get(json_array_get(list, 0), "records")), ==, 105);
	CHECK_INT(json_integer_value(json_object_get(json_object_get(json_array_get(list, 0),
								     "models"), "iris")), ==, 100);
	json_decref(list);
	cairn_buf_release(&dir);
	cairn_buf_release(&out);
	cairn_ctx_free(ctx);
}

/* The only segment of dir, into name. */
static void only_segment(cairn_ctx *ctx, const char *dir, cairn_buf *path)
{
	json_t *names = NULL;

	CHECK_OK(ctx, cairn__predlog_segment_names(ctx, dir, &names));
	CHECK_INT(json_array_size(names), ==, 1);
	cairn_path_join(path, dir, json_string_value(json_array_get(names, 0)) ?: "none");
	json_decref(names);
}

static int count_record(void *arg, json_t *rec, const char *segment, uint64_t offset)
{
	(*(int *)arg)++;
	return 0;
}

static void test_predlog_torn_and_corrupt(void)
{
	cairn_ctx *ctx = workspace();
	cairn_buf dir = CAIRN_BUF_INIT, path = CAIRN_BUF_INIT, data = CAIRN_BUF_INIT;
	struct cairn__predlog_options o = { 0 };
	struct warnings w = { CAIRN_BUF_INIT };
	cairn__predlog *log;
	int n = 0, torn;
	size_t first;
	struct stat st;

	log_dir(ctx, &dir);
	o.dir = dir.buf;
	CHECK_OK(ctx, cairn__predlog_open(ctx, &o, &log));
	append(log, "a", "iris", 10, NULL);
	CHECK_OK(ctx, cairn__predlog_flush(log));
	only_segment(ctx, dir.buf, &path);
	CHECK_INT(stat(path.buf, &st), ==, 0);
	first = (size_t)st.st_size;
	append(log, "b", "iris", 10, NULL);
	CHECK_OK(ctx, cairn__predlog_close(ctx, log));
	CHECK_OK(ctx, cairn_read_file(ctx, path.buf, &data));
	CHECK(data.len > first + 8);

	/* The second frame cut short: the first one's records, quietly. */
	CHECK_OK(ctx, cairn__predlog_read_buf(ctx, "s", data.buf, data.len - 5, count_record, &n,
					      &torn));
	CHECK_INT(n, ==, 10);
	CHECK_INT(torn, ==, 1);
	n = 0;
	CHECK_OK(ctx, cairn__predlog_read_buf(ctx, "s", data.buf, first + 3, count_record, &n,
					      &torn));
	CHECK_INT(n, ==, 10);
	CHECK_INT(torn, ==, 1);

	/* A byte of the first frame's content changed: that frame is skipped
	 * with a warning naming the segment and offset, the second is read. */
	cairn_ctx_set_log(ctx, CAIRN_LOG_WARN, collect, &w);
	data.buf[first / 2] ^= 0x55;
	n = 0;
	CHECK_OK(ctx, cairn__predlog_read_buf(ctx, "seg.jsonl.zst", data.buf, data.len,
					      count_record, &n, &torn));
	CHECK_INT(n, ==, 10);
	CHECK_INT(torn, ==, 0);
	CHECK(strstr(w.text.buf, "'seg.jsonl.zst'") && strstr(w.text.buf, "at byte 0"));

	/* Garbage after the frames: warned about, what came before is kept. */
	cairn_buf_reset(&w.text);
	data.buf[first / 2] ^= 0x55;
	cairn_buf_add(&data, "garbage!", 8);
	n = 0;
	CHECK_OK(ctx, cairn__predlog_read_buf(ctx, "seg", data.buf, data.len, count_record, &n,
					      &torn));
	CHECK_INT(n, ==, 20);
	CHECK(strstr(w.text.buf, "no valid frame at byte") != NULL);
	cairn_buf_release(&w.text);
	cairn_buf_release(&dir);
	cairn_buf_release(&path);
	cairn_buf_release(&data);
	cairn_ctx_free(ctx);
}

static void test_predlog_rotation(void)
{
	cairn_ctx *ctx = workspace();
	cairn_buf dir = CAIRN_BUF_INIT;
	struct cairn__predlog_options o = { 0 };
	struct cairn__predlog_stats st;
	cairn__predlog *log;
	json_t *names = NULL;

	log_dir(ctx, &dir);
	o.dir = dir.buf;
	o.max_segment_bytes = 1;
	CHECK_OK(ctx, cairn__predlog_open(ctx, &o, &log));
	for (int i = 0; i < 3; i++) {
		append(log, "r", "iris", 2, NULL);
		CHECK_OK(ctx, cairn__predlog_flush(log));
	}
	cairn__predlog_stats(log, &st);
	CHECK_INT(st.segments, ==, 3);
	CHECK_INT(st.written, ==, 6);
	CHECK_OK(ctx, cairn__predlog_close(ctx, log));
	CHECK_OK(ctx, cairn__predlog_segment_names(ctx, dir.buf, &names));
	CHECK_INT(json_array_size(names), ==, 3);
	/* Named by time: sorted by name is sorted by creation. */
	CHECK(strcmp(json_string_value(json_array_get(names, 0)),
		     json_string_value(json_array_get(names, 2))) < 0);
	json_decref(names);
	cairn_buf_release(&dir);
	cairn_ctx_free(ctx);
}

/* Appends a small record, then one larger than a 1,000-byte bound, which
 * append refuses (big_refused) or takes. */
static void append_small_then_big(cairn__predlog *log, int big_refused)
{
	struct cairn__predlog_record r = { "small", 0, "m", "", NULL, "", NULL, NULL, 0, 200, 0 };
	char big[2000];

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	CHECK_INT(cairn__predlog_append(log, &r), ==, 0);
	r.request_id = big;
	CHECK_INT(cairn__predlog_append(log, &r), ==, big_refused);
}

static void test_predlog_back_pressure(void)
{
	cairn_ctx *ctx = workspace();
	cairn_buf dir = CAIRN_BUF_INIT;
	struct cairn__predlog_options o = { 0 };
	struct cairn__predlog_stats st;
	struct warnings w = { CAIRN_BUF_INIT };
	cairn__predlog *log;

	cairn_ctx_set_log(ctx, CAIRN_LOG_WARN, collect, &w);
	log_dir(ctx, &dir);
	o.dir = dir.buf;
	o.max_queue = 1;               /* one waiting record; the next are dropped */
	o.flush_interval_ms = 600000;  /* and the thread sleeps until asked */
	CHECK_OK(ctx, cairn__predlog_open(ctx, &o, &log));
	append(log, "q", "iris", 1, NULL);
	for (int i = 0; i < 5; i++) {
		struct cairn__predlog_record r = { "x", 0, "iris", "", NULL, "", NULL, NULL, 0, 200, 0 };
		CHECK_INT(cairn__predlog_append(log, &r), ==, 1);
	}
	cairn__predlog_stats(log, &st);
	CHECK_INT(st.dropped, ==, 5);
	CHECK_INT(st.queued, ==, 1);
	CHECK_OK(ctx, cairn__predlog_flush(log));
	cairn__predlog_stats(log, &st);
	CHECK_INT(st.written, ==, 1);
	CHECK(strstr(w.text.buf, "5 records dropped") != NULL);
	CHECK_OK(ctx, cairn__predlog_close(ctx, log));

	/* A byte bound too: a record larger than it is dropped. */
	o.max_queue = 0;
	o.max_queue_bytes = 1000;
	CHECK_OK(ctx, cairn__predlog_open(ctx, &o, &log));
	append_small_then_big(log, 1);
	cairn__predlog_stats(log, &st);
	CHECK_INT(st.dropped, ==, 1);
	CHECK_OK(ctx, cairn__predlog_close(ctx, log));
	cairn_buf_release(&w.text);
	cairn_buf_release(&dir);
	cairn_ctx_free(ctx);
}

struct appender {
	cairn__predlog *log;
	int refused;
};

static void *append_many(void *arg)
{
	struct appender *a = arg;

	for (int i = 0; i < 200; i++) {
		struct cairn__predlog_record r = { "w", 0, "iris", "", NULL, "", NULL, NULL, 0, 200, 0 };
		a->refused += cairn__predlog_append(a->log, &r);
	}
	return NULL;
}

/* wait_when_full: a full queue makes appenders wait for the thread, never
 * drop; a record larger than the byte bound goes onto an empty queue. */
static void test_predlog_wait_when_full(void)
{
	cairn_ctx *ctx = workspace();
	cairn_buf dir = CAIRN_BUF_INIT;
	struct cairn__predlog_options o = { 0 };
	struct cairn__predlog_stats st;
	struct appender a[4];
	pthread_t t[4];
	cairn__predlog *log;

	log_dir(ctx, &dir);
	o.dir = dir.buf;
	o.max_queue = 1;               /* the second record waits... */
	o.flush_interval_ms = 600000;  /* ...for the thread, which only a waiter wakes */
	o.wait_when_full = 1;
	CHECK_OK(ctx, cairn__predlog_open(ctx, &o, &log));
	for (int i = 0; i < 4; i++) {
		a[i] = (struct appender){ log, 0 };
		CHECK_INT(pthread_create(&t[i], NULL, append_many, &a[i]), ==, 0);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		CHECK_INT(a[i].refused, ==, 0);
	}
	CHECK_OK(ctx, cairn__predlog_flush(log));
	cairn__predlog_stats(log, &st);
	CHECK_INT(st.written, ==, 800);
	CHECK_INT(st.dropped, ==, 0);
	CHECK(st.waited >= 1);
	CHECK_OK(ctx, cairn__predlog_close(ctx, log));

	o.max_queue = 0;
	o.max_queue_bytes = 1000;
	CHECK_OK(ctx, cairn__predlog_open(ctx, &o, &log));
	append_small_then_big(log, 0);
	CHECK_OK(ctx, cairn__predlog_flush(log));
	cairn__predlog_stats(log, &st);
	CHECK_INT(st.written, ==, 2);
	CHECK_INT(st.dropped, ==, 0);
	CHECK_OK(ctx, cairn__predlog_close(ctx, log));
	cairn_buf_release(&dir);
	cairn_ctx_free(ctx);
}

static void test_predlog_feedback_joined(void)
{
	cairn_ctx *ctx = workspace();
	cairn_buf dir = CAIRN_BUF_INIT, out = CAIRN_BUF_INIT;
	struct cairn__predlog_options o = { 0 };
	struct cairn_predictions_export_options e = { 0 };
	cairn__predlog *log;
	json_t *fb = NULL, *label = json_integer(1);
	uint64_t count;

	/* Before the request is logged: accepted, and joined later. */
	CHECK_OK(ctx, cairn_predictions_feedback(ctx, "f-1", label, "test", &fb));
	CHECK_STR(json_string_value(json_object_get(fb, "source")), "test");
	json_decref(fb);
	json_decref(label);
	label = json_string("late");
	CHECK_OK(ctx, cairn_predictions_feedback(ctx, "f-1", label, "test", NULL));
	CHECK_ERR(ctx, cairn_predictions_feedback(ctx, "", label, "test", NULL), CAIRN_EINVAL,
		  "request_id");
	CHECK_ERR(ctx, cairn_predictions_feedback(ctx, "f-2", json_null(), "test", NULL),
		  CAIRN_EINVAL, "needs a label");
	json_decref(label);
	log_dir(ctx, &dir);
	o.dir = dir.buf;
	CHECK_OK(ctx, cairn__predlog_open(ctx, &o, &log));
	append(log, "f", "iris", 3, NULL);
	CHECK_OK(ctx, cairn__predlog_close(ctx, log));
	e.write_fn = to_buf;
	e.write_arg = &out;
	CHECK_OK(ctx, cairn_predictions_export(ctx, &e, &count));
	CHECK_INT(count, ==, 3);
	CHECK(strstr(out.buf, "\"id\":\"f-1\"") && strstr(out.buf, "\"label\":\"late\""));
	CHECK_INT(strstr(out.buf, "\"feedback\":{") != NULL, ==, 1);
	cairn_buf_release(&dir);
	cairn_buf_release(&out);
	cairn_ctx_free(ctx);
}

static void test_predlog_parse_time(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	int64_t t;

	CHECK_OK(ctx, cairn_predictions_parse_time(ctx, "since", "1h", 10000000, &t));
	CHECK_INT(t, ==, 10000000 - 3600000);
	CHECK_OK(ctx, cairn_predictions_parse_time(ctx, "since", "90s", 100000, &t));
	CHECK_INT(t, ==, 10000);
	CHECK_OK(ctx, cairn_predictions_parse_time(ctx, "since", "1970-01-02", 0, &t));
	CHECK_INT(t, ==, 86400000);
	CHECK_OK(ctx, cairn_predictions_parse_time(ctx, "since", "1970-01-01T00:00:01.25Z", 0, &t));
	CHECK_INT(t, ==, 1250);
	CHECK_ERR(ctx, cairn_predictions_parse_time(ctx, "--since", "1970-01-01T00:00:01", 0, &t),
		  CAIRN_EINVAL, "--since: '1970-01-01T00:00:01'");
	CHECK_ERR(ctx, cairn_predictions_parse_time(ctx, "--until", "5y", 0, &t), CAIRN_EINVAL,
		  "'5y'");
	CHECK_ERR(ctx, cairn_predictions_parse_time(ctx, "--until", "", 0, &t), CAIRN_EINVAL, NULL);
	cairn_ctx_free(ctx);
}

static void test_predlog_lineage(void)
{
	cairn_ctx *ctx = workspace();
	cairn_buf dir = CAIRN_BUF_INIT;
	struct cairn__predlog_options o = { 0 };
	struct cairn_lineage_options lo = { CAIRN_LINEAGE_UP, -1 };
	struct cairn_lineage_graph g = { 0 };
	char dep[CAIRN_ID_LEN + 1];
	cairn__predlog *log;
	cairn_run *run;
	int found = 0;

	CHECK_OK(ctx, cairn_run_start(ctx, NULL, &run));
	CHECK_OK(ctx, cairn__deployment_start(ctx, NULL, cairn_run_id(run), dep));
	log_dir(ctx, &dir);
	o.dir = dir.buf;
	o.lineage = 1;
	CHECK_OK(ctx, cairn__predlog_open(ctx, &o, &log));
	append(log, "l", "iris", 2, dep);
	CHECK_OK(ctx, cairn__predlog_close(ctx, log));
	CHECK_OK(ctx, cairn_predictions_lineage_walk(ctx, "prediction:l-1", &lo, &g));
	CHECK(g.nnodes >= 3);
	CHECK_STR(g.nodes[0].type, "prediction");
	CHECK_STR(g.nodes[0].id, "l-1");
	for (size_t i = 0; i < g.nnodes; i++)
		found |= !strcmp(g.nodes[i].type, "run") && !strcmp(g.nodes[i].id, cairn_run_id(run));
	CHECK(found);
	cairn_lineage_graph_release(&g);
	/* Down from the run: the deployment and the segment it generated. */
	lo.dir = CAIRN_LINEAGE_DOWN;
	CHECK_OK(ctx, cairn_predictions_lineage_walk(ctx, cairn_run_id(run), &lo, &g));
	found = 0;
	for (size_t i = 0; i < g.nnodes; i++)
		found |= !strcmp(g.nodes[i].type, "prediction_batch");
	CHECK(found);
	cairn_lineage_graph_release(&g);
	CHECK_ERR(ctx, cairn_predictions_lineage_walk(ctx, "prediction:nope", &lo, &g),
		  CAIRN_ENOTFOUND, "no prediction 'nope'");
	cairn_lineage_graph_release(&g);
	CHECK_OK(ctx, cairn_run_end(run, CAIRN_RUN_FINISHED, NULL));
	cairn_run_free(run);
	cairn_buf_release(&dir);
	cairn_ctx_free(ctx);
}

/*
 * The direct writer of a record's line against the oracle: the line as the
 * log made it with jansson (a json_t per value, then cairn_json_append),
 * the code kept here as it was.
 */

static json_t *oracle_inputs(const struct cairn_frame *f)
{
	json_t *o = json_object();
	cairn_buf cell = CAIRN_BUF_INIT;

	for (size_t c = 0; c < f->ncols; c++) {
		const struct cairn_column *col = &f->cols[c];
		json_t *a = json_array();
		for (size_t r = 0; r < f->nrows; r++) {
			json_t *v;
			if (!col->valid[r])
				v = json_null();
			else if (col->type == CAIRN_TYPE_STRING)
				v = json_string(col->dict[col->code[r]]);
			else if (col->type == CAIRN_TYPE_BOOL)
				v = json_boolean(col->i64 ? col->i64[r] : col->num[r] != 0);
			else if (col->type == CAIRN_TYPE_INT && col->i64)
				v = json_integer(col->i64[r]);
			else if (col->type == CAIRN_TYPE_FLOAT)
				v = isfinite(col->num[r]) ? json_real(col->num[r]) : json_null();
			else {
				cairn_buf_reset(&cell);
				cairn_frame_cell_text(f, r, c, &cell);
				v = json_string(cell.buf);
			}
			json_array_append_new(a, v ? v : json_null());
		}
		json_object_set_new(o, col->name, a);
	}
	cairn_buf_release(&cell);
	return o;
}

static json_t *oracle_cells(const double *cells, size_t nrows,
			    const struct cairn__model_version *v)
{
	json_t *o = json_object();

	for (size_t c = 0; c < v->ncols; c++) {
		json_t *a = json_array();
		for (size_t r = 0; r < nrows; r++) {
			double d = cells[c * nrows + r];
			json_array_append_new(a, isfinite(d) ? json_real(d) : json_null());
		}
		json_object_set_new(o, v->cols[c], a);
	}
	return o;
}

static json_t *oracle_outputs(const struct cairn__serve_record *rec, json_t **proba)
{
	const struct cairn__model_version *v = rec->model;
	json_t *a = json_array();

	*proba = rec->proba ? json_array() : NULL;
	for (size_t r = 0; r < rec->nrows; r++) {
		const double *row = rec->outputs + r * rec->noutputs;
		if (v->task == CAIRN_TASK_CLASSIFICATION && v->nclasses) {
			int best = 0;
			json_t *p = *proba ? json_array() : NULL;
			for (int k = 1; k < v->nclasses && (size_t)k < rec->noutputs; k++)
				if (row[k] > row[best])
					best = k;
			json_array_append_new(a, json_string(v->classes[best]));
			for (size_t k = 0; p && k < rec->noutputs; k++)
				json_array_append_new(p, isfinite(row[k]) ? json_real(row[k])
								    : json_null());
			if (p)
				json_array_append_new(*proba, p);
		} else if (!isfinite(row[0])) {
			json_array_append_new(a, json_null());
		} else if (v->task == CAIRN_TASK_CLUSTERING) {
			json_array_append_new(a, json_integer((json_int_t)row[0]));
		} else {
			json_array_append_new(a, json_real(row[0]));
		}
	}
	return a;
}

static void oracle_record_line(const struct cairn__predlog_record *r, cairn_buf *out)
{
	json_t *o = json_object();
	char when[32];

	cairn_format_time(r->time_ms, when);
	json_object_set_new(o, "id", json_string(r->request_id ? r->request_id : ""));
	json_object_set_new(o, "time", json_string(when));
	json_object_set_new(o, "time_ms", json_integer(r->time_ms));
	json_object_set_new(o, "model", json_string(r->model ? r->model : ""));
	json_object_set_new(o, "version", json_string(r->version ? r->version : ""));
	if (r->deployment)
		json_object_set_new(o, "deployment", json_string(r->deployment));
	json_object_set_new(o, "protocol", json_string(r->protocol ? r->protocol : ""));
	json_object_set(o, "inputs", r->inputs ? r->inputs : json_null());
	json_object_set(o, "outputs", r->outputs ? r->outputs : json_null());
	json_object_set_new(o, "latency_s", json_real(r->latency_s));
	json_object_set_new(o, "status", json_integer(r->status));
	if (r->shadow)
		json_object_set_new(o, "shadow", json_true());
	cairn_json_append(out, o, 0);
	cairn_buf_addch(out, '\n');
	json_decref(o);
}

/* The line the log made of rec with jansson (predlog-hooks.c's record_line
 * before the direct writer). */
static void oracle_line(const struct cairn__serve_record *rec, const double *cells,
			size_t nrows, json_t *in_json, cairn_buf *out)
{
	const struct cairn__model_version *v = rec->model;
	const struct cairn__deployment *d = v->deployment;
	struct cairn__predlog_record r;
	json_t *in, *o = NULL, *proba = NULL;

	in = in_json ? json_incref(in_json) : cells ? oracle_cells(cells, nrows, v) :
	     rec->inputs ? oracle_inputs(rec->inputs) : NULL;
	if (rec->outputs && rec->noutputs)
		o = oracle_outputs(rec, &proba);
	if (proba)
		o = json_pack("{s:o, s:o}", "predictions", o, "probabilities", proba);
	r.request_id = rec->id;
	r.time_ms = rec->ts_ms;
	r.model = v->name;
	r.version = d ? d->version : v->version;
	r.deployment = d && d->id[0] ? d->id : NULL;
	r.protocol = rec->protocol == CAIRN_SERVE_MLFLOW ? "mlflow" :
		     rec->protocol == CAIRN_SERVE_V2 ? "v2" : "none";
	r.inputs = in;
	r.outputs = o;
	r.latency_s = rec->latency;
	r.status = rec->status;
	r.shadow = rec->shadow;
	oracle_record_line(&r, out);
	json_decref(in);
	json_decref(o);
}

/* The direct line of rec (its inputs from cells, else from its frame,
 * also as the text a shadow's request keeps) equals the oracle's. */
static void check_line(const struct cairn__serve_record *rec, const double *cells, size_t nrows)
{
	cairn_buf want = CAIRN_BUF_INIT, got = CAIRN_BUF_INIT;

	oracle_line(rec, cells, nrows, NULL, &want);
	cairn__observe_record_line(rec, cells, nrows, NULL, 0, &got);
	CHECK_STR(got.buf, want.buf);
	if (!cells && rec->inputs) {
		json_t *in = oracle_inputs(rec->inputs);
		cairn_buf text = CAIRN_BUF_INIT;
		cairn_json_append(&text, in, 0);
		cairn_buf_reset(&got);
		cairn__observe_record_line(rec, NULL, 0, text.buf, text.len, &got);
		CHECK_STR(got.buf, want.buf);
		cairn_buf_release(&text);
		json_decref(in);
	}
	cairn_buf_release(&want);
	cairn_buf_release(&got);
}

static void test_predlog_line_as_jansson(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	/* Column names out of order (sorted in the line), one repeated (its
	 * last column kept), one not UTF-8 (left out, as jansson does). */
	char *cols[] = { "b", "a10", "a", "a2", "\xc3\xa9t\xc3\xa9", "a", "\xff" };
	const char *classes[] = { "setosa", "versi\"color\"\n", "\xe2\x82\xac", "\xc0\xaf" };
	struct cairn__deployment d = { "01KBZ3M4Q8X2Y7", "iris@3" };
	struct cairn__model_version v = { 0 };
	struct cairn__serve_record rec = { 0 };
	double cells[7 * 4];
	/* The labels: the escaped one, the first of a tie, one not UTF-8 (left
	 * out of the array), the euro. */
	double out[4 * 4] = { 0.1, 10, NAN, -0.0, 0.25, 0.25, 0, -1.5e-7,
			      0.1, 1e300, 0.1, INFINITY, 5e-324, -0.0, 1.0 / 3, NAN };
	const double specials[] = { 0.1, -0.0, 2, 1e300, 5e-324, NAN, INFINITY, -1.5e-7,
				    123456789012345680.0, 1.0 / 3 };
	struct cairn_frame *f;
	static const char csv[] =
		"when,name,n,ok,x\n"
		"2026-12-07T10:00:00Z,\"a \"\"q\"\" \\\\ \t b\",3,true,1.5\n"
		",\xc3\xa9t\xc3\xa9,-9007199254740993,false,\n"
		"2026-01-01T00:00:00.5Z,,0,,nan\n";

	for (size_t i = 0; i < 7 * 4; i++)
		cells[i] = specials[i % 10] * (i % 3 ? 1 : -1);
	v.name = "iris";
	v.version = "3";
	v.ncols = 7;
	v.cols = cols;
	v.task = CAIRN_TASK_CLASSIFICATION;
	v.nclasses = 4;
	v.classes = classes;
	v.deployment = &d;
	snprintf(rec.id, sizeof(rec.id), "req-\"1\"");
	rec.ts_ms = 1796000000123;
	rec.protocol = CAIRN_SERVE_MLFLOW;
	rec.model = &v;
	rec.status = 200;
	rec.latency = 0.000123;
	rec.outputs = out;
	rec.nrows = 4;
	rec.noutputs = 4;

	/* Numbers, NaN and infinities (null), labels, with and without
	 * probabilities. */
	check_line(&rec, cells, 4);
	rec.proba = 1;
	check_line(&rec, cells, 4);
	rec.shadow = 1;
	rec.status = 503;
	check_line(&rec, cells, 0);
	/* Regression (a NaN prediction is null), clustering, no deployment,
	 * no outputs, a latency that is not a number (left out). */
	v.task = CAIRN_TASK_REGRESSION;
	v.deployment = NULL;
	rec.noutputs = 1;
	check_line(&rec, cells, 4);
	v.task = CAIRN_TASK_CLUSTERING;
	rec.proba = 0;
	rec.protocol = CAIRN_SERVE_V2;
	check_line(&rec, cells, 4);
	rec.outputs = NULL;
	rec.latency = NAN;
	v.ncols = 0;
	check_line(&rec, cells, 4);
	check_line(&rec, NULL, 0);

	/* A frame of strings (escaped, UTF-8), integers, booleans, numbers,
	 * times (as text) and nulls. */
	CHECK_OK(ctx, cairn_frame_load_mem(ctx, csv, sizeof(csv) - 1, "t.csv", NULL, &f));
	rec.inputs = f;
	rec.latency = 0.5;
	v.task = CAIRN_TASK_CLASSIFICATION;
	v.deployment = &d;
	rec.outputs = out;
	rec.noutputs = 4;
	rec.nrows = 3;
	rec.proba = 1;
	check_line(&rec, NULL, 0);
	free(f->cols[1].name);
	f->cols[1].name = cairn_xstrdup("\xed\xa0\x80");   /* a surrogate: not UTF-8 */
	check_line(&rec, NULL, 0);
	cairn_frame_free(f);
	cairn_ctx_free(ctx);
}

const struct unit_test predlog_tests[] = {
	{ "predlog_roundtrip", test_predlog_roundtrip },
	{ "predlog_torn_and_corrupt", test_predlog_torn_and_corrupt },
	{ "predlog_rotation", test_predlog_rotation },
	{ "predlog_back_pressure", test_predlog_back_pressure },
	{ "predlog_wait_when_full", test_predlog_wait_when_full },
	{ "predlog_feedback_joined", test_predlog_feedback_joined },
	{ "predlog_parse_time", test_predlog_parse_time },
	{ "predlog_lineage", test_predlog_lineage },
	{ "predlog_line_as_jansson", test_predlog_line_as_jansson },
	{ NULL, NULL }
};
