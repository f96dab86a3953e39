/* Unit tests for the prediction log: records written and read back, a
 * torn last frame and a corrupt one, rotation, back-pressure, feedback
 * joined on export, time bounds and the lineage of a prediction. */
#include <fcntl.h>
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
	{
		struct cairn__predlog_record r = { "small", 0, "m", "", NULL, "", NULL, NULL, 0, 200, 0 };
		char big[2000];
		memset(big, 'x', sizeof(big) - 1);
		big[sizeof(big) - 1] = 0;
		CHECK_INT(cairn__predlog_append(log, &r), ==, 0);
		r.request_id = big;
		CHECK_INT(cairn__predlog_append(log, &r), ==, 1);
	}
	cairn__predlog_stats(log, &st);
	CHECK_INT(st.dropped, ==, 1);
	CHECK_OK(ctx, cairn__predlog_close(ctx, log));
	cairn_buf_release(&w.text);
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

const struct unit_test predlog_tests[] = {
	{ "predlog_roundtrip", test_predlog_roundtrip },
	{ "predlog_torn_and_corrupt", test_predlog_torn_and_corrupt },
	{ "predlog_rotation", test_predlog_rotation },
	{ "predlog_back_pressure", test_predlog_back_pressure },
	{ "predlog_feedback_joined", test_predlog_feedback_joined },
	{ "predlog_parse_time", test_predlog_parse_time },
	{ "predlog_lineage", test_predlog_lineage },
	{ NULL, NULL }
};
