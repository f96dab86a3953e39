/* The request path of the server: routing, auth, the two protocols'
 * endpoints, prediction, and the record each request leaves; see
 * request.h. */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include "cairn/error.h"
#include "cairn/id.h"
#include "cairn/version.h"
#include "core/format.h"
#include "core/json.h"
#include "core/utf8.h"
#include "ml/learner.h"
#include "serve/batch.h"
#include "serve/decode.h"
#include "serve/predlog-hooks.h"
#include "serve/request.h"
#include "serve/route.h"

double cairn__serve_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * Answers.
 */

static void json_string_add(cairn_buf *b, const char *s)
{
	size_t len = s ? strlen(s) : 0, bad;

	if (!cairn_utf8_valid(s ? s : "", len, &bad))  /* said as such rather than dropped */
		cairn_json_append_string(b, "(not UTF-8)", 11);
	else
		cairn_json_append_string(b, s ? s : "", len);
}

/* The name MLflow's error codes give a status. */
static const char *mlflow_code(int status)
{
	switch (status) {
	case 401: return "UNAUTHENTICATED";
	case 404: return "RESOURCE_DOES_NOT_EXIST";
	case 500: return "INTERNAL_ERROR";
	case 503: return "TEMPORARILY_UNAVAILABLE";
	case 504: return "DEADLINE_EXCEEDED";
	default: return "BAD_REQUEST";
	}
}

static void answer_error(struct cairn__http_response *resp, struct cairn__serve_record *rec,
			 int status, const char *msg)
{
	resp->status = status;
	resp->content_type = "application/json";
	cairn_buf_reset(&resp->body);
	if (rec->protocol == CAIRN_SERVE_V2) {
		cairn_buf_adds(&resp->body, "{\"error\":");
		json_string_add(&resp->body, msg);
	} else {
		cairn_buf_addf(&resp->body, "{\"error_code\":\"%s\",\"message\":", mlflow_code(status));
		json_string_add(&resp->body, msg);
	}
	cairn_buf_addch(&resp->body, '}');
	free((char *)rec->error);
	rec->error = cairn_xstrdup(msg);
}

static int rc_status(int rc)
{
	switch (rc) {
	case CAIRN_EINVAL:
	case CAIRN_EPARSE: return 400;
	case CAIRN_ENOTFOUND: return 404;
	case CAIRN_EINTERRUPTED: return 503;
	default: return 500;
	}
}

static void answer_json(struct cairn__http_response *resp, int status, json_t *v)
{
	resp->status = status;
	resp->content_type = "application/json";
	cairn_json_append(&resp->body, v, 0);
	json_decref(v);
}

static void answer_empty(struct cairn__http_response *resp, int status)
{
	resp->status = status;
	resp->content_type = "text/plain";
}

static void add_number(cairn_buf *b, double v)
{
	char num[32];

	if (!isfinite(v)) {
		cairn_buf_adds(b, "null");
		return;
	}
	cairn_buf_add(b, num, cairn_format_double(v, num));
}

static int best_class(const double *row, int nclasses)
{
	int best = 0;

	for (int c = 1; c < nclasses; c++)
		if (row[c] > row[best])
			best = c;
	return best;
}

void cairn__serve_add_prediction(cairn_buf *b, const struct cairn__model_version *v,
				 const double *row)
{
	if (v->task == CAIRN_TASK_CLASSIFICATION && v->nclasses)
		json_string_add(b, v->classes[best_class(row, v->nclasses)]);
	else if (v->task == CAIRN_TASK_CLUSTERING && isfinite(row[0]))
		cairn_buf_addf(b, "%lld", (long long)row[0]);
	else
		add_number(b, row[0]);
}

static void add_probas(cairn_buf *b, const double *row, size_t n)
{
	for (size_t c = 0; c < n; c++) {
		if (c)
			cairn_buf_addch(b, ',');
		add_number(b, row[c]);
	}
}

/*
 * The request's id and auth.
 */

/* An X-Request-ID is kept when it is 1 to 128 characters of letters,
 * digits and - _ . : (what fits a log line and a header unescaped). */
static int id_ok(const char *s)
{
	size_t n = 0;

	for (; s[n]; n++)
		if (n == 128 || (!(s[n] >= 'a' && s[n] <= 'z') && !(s[n] >= 'A' && s[n] <= 'Z') &&
				 !(s[n] >= '0' && s[n] <= '9') && !strchr("-_.:", s[n])))
			return 0;
	return n > 0;
}

/* Compares in a time that depends on the lengths only, not on where the
 * first difference is. */
static int token_equal(const char *a, size_t alen, const char *b, size_t blen)
{
	volatile unsigned char d = alen != blen || !blen;

	for (size_t i = 0; blen && i < alen; i++)
		d |= (unsigned char)a[i] ^ (unsigned char)b[i % blen];
	return !d;
}

static int authorized(const struct cairn__serve_state *s, const char *auth)
{
	if (!s->token)
		return 1;
	if (!auth || strncasecmp(auth, "Bearer ", 7))
		return 0;
	auth += 7;
	while (*auth == ' ')
		auth++;
	return token_equal(auth, strlen(auth), s->token, s->token_len);
}

static int public_path(const char *path)
{
	return !strcmp(path, "/ping") || !strcmp(path, "/health") ||
	       !strncmp(path, "/v2/health/", 11);
}

/*
 * Prediction, shared by both protocols.
 */

static int past_deadline(const struct cairn__serve_state *s, const struct cairn__http_request *req)
{
	return s->timeout > 0 && cairn__serve_now() - req->start > s->timeout;
}

struct prediction {
	struct cairn_frame *frame;
	double *out;
	size_t nout;
};

/* Predicts in's rows (or, with in NULL, the CSV body) with model v: 0, or
 * an HTTP status with the answer written. */
static int predict(cairn_ctx *ctx, struct cairn__serve_state *s,
		   const struct cairn__http_request *req, struct cairn__http_response *resp,
		   struct cairn__serve_record *rec, const struct cairn__model_version *v,
		   const struct cairn__serve_input *in, struct prediction *p)
{
	struct cairn__serve_signature sig = { v->ncols, v->cols, v->types };
	/* CSV as cairn predict reads a file: delimiter detected, a header. */
	struct cairn_frame_options fo = { .csv = { .header = 1 }, .format = CAIRN_FORMAT_CSV,
					  .threads = 1 };
	int rc;

	if (in && p->frame)  /* decoded straight into the frame */
		rc = 0;
	else if (in)
		rc = cairn__serve_input_frame(ctx, in, &sig, &p->frame);
	else if (!(rc = cairn_frame_load_mem(ctx, req->body, req->body_len, "request", &fo,
					     &p->frame)))
		rc = cairn__serve_check_columns(ctx, p->frame, &sig);
	if (!rc && in && in->proba && v->task != CAIRN_TASK_CLASSIFICATION)
		rc = cairn_error(ctx, CAIRN_EINVAL, "probabilities need a classification model "
				 "(this one does %s)", cairn_task_name((enum cairn_task)v->task));
	rec->inputs = p->frame;
	if (rc) {
		answer_error(resp, rec, rc_status(rc), cairn_errmsg(ctx));
		return resp->status;
	}
	rec->nrows = p->frame->nrows;
	if (past_deadline(s, req)) {
		answer_error(resp, rec, 504, "the request took longer than the server's timeout");
		return 504;
	}
	/* Rows decoded from JSON may be batched with other requests' (a CSV
	 * frame has the types its text gave it: alone). */
	rc = cairn__batch_predict(ctx, s->batcher, v, p->frame, !in, &p->out, &p->nout,
				  &rec->batch_rows);
	rec->outputs = p->out;
	if (rc) {
		answer_error(resp, rec, rc_status(rc), cairn_errmsg(ctx));
		return resp->status;
	}
	if (past_deadline(s, req)) {
		answer_error(resp, rec, 504, "the request took longer than the server's timeout");
		return 504;
	}
	rec->noutputs = p->nout;
	rec->proba = in && in->proba;
	return 0;
}

/*
 * MLflow's scoring protocol.
 */

/* The media type of a Content-Type, lower case, without parameters. */
static void media_type(const char *ct, char out[64])
{
	size_t n = 0;

	while (ct && *ct == ' ')
		ct++;
	for (; ct && ct[n] && ct[n] != ';' && ct[n] != ' ' && n < 63; n++)
		out[n] = (char)(ct[n] >= 'A' && ct[n] <= 'Z' ? ct[n] + 32 : ct[n]);
	out[n] = '\0';
}

static void mlflow_invocations(cairn_ctx *ctx, struct cairn__serve_state *s,
			       const struct cairn__http_request *req,
			       struct cairn__http_response *resp, struct cairn__serve_record *rec,
			       struct cairn__model_version *v)
{
	struct cairn__serve_input in = { 0 };
	struct prediction p = { NULL, NULL, 0 };
	struct cairn__serve_signature sig = { v->ncols, v->cols, v->types };
	struct cairn__cell_spans spans = { NULL };
	char type[64];
	int csv, rc;

	media_type(req->content_type, type);
	csv = !strcmp(type, "text/csv");
	if (!csv && strcmp(type, "application/json")) {
		cairn_buf msg = CAIRN_BUF_INIT;
		cairn_buf_addf(&msg, "this server takes the content types text/csv and "
			       "application/json, not '%.64s'", req->content_type ?
			       req->content_type : "");
		answer_error(resp, rec, 415, msg.buf);
		cairn_buf_release(&msg);
		return;
	}
	if (!csv && cairn__mlflow_split_frame(req->body, req->body_len, &sig, &p.frame,
					      &in.proba, s->observe &&
					      cairn__observe_logging(s->observe) ? &spans : NULL)) {
		rec->spans = spans.at;
		rec->body = req->body;
		rec->body_len = req->body_len;
	} else if (!csv && (rc = cairn__mlflow_decode(ctx, req->body, req->body_len, &in))) {
		answer_error(resp, rec, 400, cairn_errmsg(ctx));
		goto out;
	}
	if (predict(ctx, s, req, resp, rec, v, csv ? NULL : &in, &p))
		goto out;
	resp->status = 200;
	resp->content_type = "application/json";
	cairn_buf_adds(&resp->body, "{\"predictions\":[");
	for (size_t r = 0; r < p.frame->nrows; r++) {
		const double *row = p.out + r * p.nout;
		if (r)
			cairn_buf_addch(&resp->body, ',');
		if (rec->proba) {
			cairn_buf_addch(&resp->body, '[');
			add_probas(&resp->body, row, p.nout);
			cairn_buf_addch(&resp->body, ']');
		} else
			cairn__serve_add_prediction(&resp->body, v, row);
	}
	cairn_buf_adds(&resp->body, "]}");
out:
	cairn__serve_input_release(&in);
	/* The frame and outputs stay with the record until it is finished. */
}

/*
 * The Open Inference Protocol v2.
 */

static const char *v2_predict_type(const struct cairn__model_version *v)
{
	return v->task == CAIRN_TASK_CLASSIFICATION ? "BYTES" :
	       v->task == CAIRN_TASK_CLUSTERING ? "INT64" : "FP64";
}

static const char *v2_datatype(enum cairn_type t)
{
	switch (t) {
	case CAIRN_TYPE_BOOL: return "BOOL";
	case CAIRN_TYPE_INT:
	case CAIRN_TYPE_DATETIME: return "INT64";
	case CAIRN_TYPE_FLOAT: return "FP64";
	default: return "BYTES";
	}
}

static json_t *v2_metadata(const struct cairn__model_version *v)
{
	json_t *inputs = json_array(), *outputs = json_array();

	for (size_t i = 0; i < v->ncols; i++)
		json_array_append_new(inputs, json_pack("{s:s, s:s, s:[i]}", "name", v->cols[i],
							"datatype", v2_datatype(v->types[i]),
							"shape", -1));
	json_array_append_new(outputs, json_pack("{s:s, s:s, s:[i]}", "name", "predict",
						 "datatype", v2_predict_type(v), "shape", -1));
	if (v->nclasses)
		json_array_append_new(outputs, json_pack("{s:s, s:s, s:[i, i]}", "name",
							 "predict_proba", "datatype", "FP64",
							 "shape", -1, v->nclasses));
	return json_pack("{s:s, s:[s], s:s, s:o, s:o}", "name", v->name, "versions", v->version,
			 "platform", "cairn", "inputs", inputs, "outputs", outputs);
}

static void v2_output(cairn_buf *b, const char *name, const struct cairn__model_version *v,
		      const struct prediction *p)
{
	size_t n = p->frame->nrows;

	cairn_buf_addf(b, "{\"name\":\"%s\",", name);
	if (!strcmp(name, "predict_proba")) {
		cairn_buf_addf(b, "\"datatype\":\"FP64\",\"shape\":[%zu,%zu],\"data\":[", n, p->nout);
		for (size_t r = 0; r < n; r++) {
			if (r)
				cairn_buf_addch(b, ',');
			add_probas(b, p->out + r * p->nout, p->nout);
		}
	} else {
		cairn_buf_addf(b, "\"datatype\":\"%s\",\"shape\":[%zu],\"data\":[",
			       v2_predict_type(v), n);
		for (size_t r = 0; r < n; r++) {
			if (r)
				cairn_buf_addch(b, ',');
			cairn__serve_add_prediction(b, v, p->out + r * p->nout);
		}
	}
	cairn_buf_adds(b, "]}");
}

static void v2_infer(cairn_ctx *ctx, struct cairn__serve_state *s,
		     const struct cairn__http_request *req, struct cairn__http_response *resp,
		     struct cairn__serve_record *rec, struct cairn__model_version *v)
{
	struct cairn__serve_input in = { 0 };
	struct prediction p = { NULL, NULL, 0 };
	cairn_buf *b = &resp->body;

	/* The body is JSON whatever its Content-Type says (curl -d sends
	 * application/x-www-form-urlencoded): the protocol has no other. */
	if (cairn__v2_decode(ctx, req->body, req->body_len, &in)) {
		answer_error(resp, rec, 400, cairn_errmsg(ctx));
		goto out;
	}
	if (predict(ctx, s, req, resp, rec, v, &in, &p))
		goto out;
	resp->status = 200;
	resp->content_type = "application/json";
	cairn_buf_adds(b, "{\"model_name\":");
	json_string_add(b, v->name);
	cairn_buf_adds(b, ",\"model_version\":");
	json_string_add(b, v->version);
	cairn_buf_adds(b, ",\"id\":");
	json_string_add(b, in.id ? in.id : rec->id);
	cairn_buf_adds(b, ",\"outputs\":[");
	if (in.outputs && json_array_size(in.outputs)) {
		size_t i;
		json_t *o;
		json_array_foreach(in.outputs, i, o) {
			if (i)
				cairn_buf_addch(b, ',');
			v2_output(b, json_string_value(json_object_get(o, "name")), v, &p);
		}
	} else {
		v2_output(b, "predict", v, &p);
		if (in.proba) {
			cairn_buf_addch(b, ',');
			v2_output(b, "predict_proba", v, &p);
		}
	}
	cairn_buf_adds(b, "]}");
out:
	cairn__serve_input_release(&in);
}

/* /v2/models/NAME[/versions/V][/ready|/infer] */
static void v2_models(cairn_ctx *ctx, struct cairn__serve_state *s,
		      const struct cairn__http_request *req, struct cairn__http_response *resp,
		      struct cairn__serve_record *rec)
{
	const char *p = req->path + strlen("/v2/models/");
	const char *slash = strchr(p, '/'), *rest = slash ? slash : "";
	char name[129], version[64] = "";
	struct cairn__model_version *v;
	cairn_buf msg = CAIRN_BUF_INIT;
	size_t n = slash ? (size_t)(slash - p) : strlen(p);

	if (!n || n >= sizeof(name)) {
		answer_error(resp, rec, 404, "no such model");
		return;
	}
	memcpy(name, p, n);
	name[n] = '\0';
	if (!strncmp(rest, "/versions/", 10)) {
		const char *vs = rest + 10, *end = strchr(vs, '/');
		size_t vn = end ? (size_t)(end - vs) : strlen(vs);
		if (!vn || vn >= sizeof(version)) {
			answer_error(resp, rec, 404, "no such model version");
			return;
		}
		memcpy(version, vs, vn);
		version[vn] = '\0';
		rest = end ? end : "";
	}
	if (!(v = cairn__models_acquire(s->models, name))) {
		cairn_buf_addf(&msg, "no model named '%s' is served", name);
		answer_error(resp, rec, 404, msg.buf);
		goto out;
	}
	/* Metadata and readiness of a model name describe its champion; only
	 * inference is shared with a canary. */
	v = cairn__route_pick(s->routes, v, strcmp(rest, "/infer") ? NULL : rec->id,
			      *version ? version : NULL);
	rec->model = v;
	if (*version && strcmp(version, v->version)) {
		cairn_buf_addf(&msg, "model '%s' has no version '%s' here (it serves version %s)",
			       name, version, v->version);
		answer_error(resp, rec, 404, msg.buf);
		goto out;
	}
	if (!strcmp(rest, "/infer")) {
		if (strcmp(req->method, "POST"))
			answer_error(resp, rec, 405, "infer takes POST");
		else
			v2_infer(ctx, s, req, resp, rec, v);
	} else if (strcmp(req->method, "GET"))
		answer_error(resp, rec, 405, "model metadata and readiness take GET");
	else if (!strcmp(rest, "/ready"))
		answer_empty(resp, 200);
	else if (!*rest)
		answer_json(resp, 200, v2_metadata(v));
	else
		answer_error(resp, rec, 404, "no such endpoint");
out:
	cairn_buf_release(&msg);
}

static void route_v2(cairn_ctx *ctx, struct cairn__serve_state *s,
		     const struct cairn__http_request *req, struct cairn__http_response *resp,
		     struct cairn__serve_record *rec)
{
	const char *path = req->path;

	rec->protocol = CAIRN_SERVE_V2;
	if (!strncmp(path, "/v2/models/", 11)) {
		v2_models(ctx, s, req, resp, rec);
		return;
	}
	if (strcmp(req->method, "GET"))
		answer_error(resp, rec, 405, "this endpoint takes GET");
	else if (!strcmp(path, "/v2") || !strcmp(path, "/v2/"))
		answer_json(resp, 200, json_pack("{s:s, s:s, s:[]}", "name", "cairn", "version",
						 cairn_version(), "extensions"));
	else if (!strcmp(path, "/v2/health/live") || !strcmp(path, "/v2/health/ready"))
		answer_empty(resp, 200);
	else
		answer_error(resp, rec, 404, "no such endpoint");
}

static void route_mlflow(cairn_ctx *ctx, struct cairn__serve_state *s,
			 const struct cairn__http_request *req,
			 struct cairn__http_response *resp, struct cairn__serve_record *rec)
{
	const char *path = req->path;
	struct cairn__model_version *v = NULL;
	cairn_buf msg = CAIRN_BUF_INIT;

	if (!strcmp(path, "/ping") || !strcmp(path, "/health")) {
		resp->status = 200;
		resp->content_type = "application/json";
		cairn_buf_addch(&resp->body, '\n');
		return;
	}
	if (!strcmp(path, "/version")) {
		resp->status = 200;
		resp->content_type = "text/plain";
		cairn_buf_adds(&resp->body, cairn_version());
		return;
	}
	rec->protocol = CAIRN_SERVE_MLFLOW;
	if (!strcmp(path, "/invocations")) {
		if (cairn__models_count(s->models) != 1) {
			answer_error(resp, rec, 404, "several models are served: POST to "
				     "/models/NAME/invocations");
			return;
		}
		v = cairn__models_acquire_at(s->models, 0);
	} else if (!strncmp(path, "/models/", 8)) {
		const char *name = path + 8, *end = strchr(name, '/');
		if (end && !strcmp(end, "/invocations")) {
			char buf[129];
			size_t n = (size_t)(end - name);
			if (n && n < sizeof(buf)) {
				memcpy(buf, name, n);
				buf[n] = '\0';
				if (!(v = cairn__models_acquire(s->models, buf))) {
					cairn_buf_addf(&msg, "no model named '%s' is served", buf);
					answer_error(resp, rec, 404, msg.buf);
					cairn_buf_release(&msg);
					return;
				}
			}
		}
	}
	if (!v) {
		rec->protocol = CAIRN_SERVE_NONE;
		answer_error(resp, rec, 404, "no such endpoint");
		return;
	}
	rec->model = v = cairn__route_pick(s->routes, v, rec->id, NULL);
	if (strcmp(req->method, "POST"))
		answer_error(resp, rec, 405, "invocations take POST");
	else
		mlflow_invocations(ctx, s, req, resp, rec, v);
}

void cairn__serve_handle(struct cairn__serve_state *s, const struct cairn__http_request *req,
			 struct cairn__http_response *resp, struct cairn__serve_record *rec)
{
	int v2 = !strncmp(req->path, "/v2/", 4) || !strcmp(req->path, "/v2");
	cairn_ctx *ctx;

	memset(rec, 0, sizeof(*rec));
	if (req->request_id && id_ok(req->request_id))
		memcpy(rec->id, req->request_id, strlen(req->request_id) + 1);
	else
		cairn_id_new(rec->id);
	rec->ts_ms = cairn_now_ms();
	rec->method = req->method;
	rec->path = req->path;
	rec->bytes_in = req->body_len;
	rec->protocol = v2 ? CAIRN_SERVE_V2 : CAIRN_SERVE_NONE;
	if (!public_path(req->path) && !authorized(s, req->authorization)) {
		answer_error(resp, rec, 401, "a bearer token is required (Authorization: Bearer "
			     "TOKEN)");
		resp->www_authenticate = 1;
		return;
	}
	if (req->body_too_large) {
		cairn_buf msg = CAIRN_BUF_INIT;
		cairn_buf_addf(&msg, "the body is larger than the server's limit of %zu bytes",
			       s->max_body);
		answer_error(resp, rec, 413, msg.buf);
		cairn_buf_release(&msg);
		return;
	}
	if (!(ctx = cairn_ctx_new())) {
		answer_error(resp, rec, 503, "out of memory");
		return;
	}
	if (s->observe && cairn__observe_route(s->observe, ctx, req, resp, rec))
		;
	else if (v2)
		route_v2(ctx, s, req, resp, rec);
	else
		route_mlflow(ctx, s, req, resp, rec);
	cairn_ctx_free(ctx);
}

static const char *protocol_name(enum cairn__serve_protocol p)
{
	return p == CAIRN_SERVE_MLFLOW ? "mlflow" : p == CAIRN_SERVE_V2 ? "v2" : "none";
}

void cairn__serve_log(struct cairn__serve_state *s, const cairn_buf *line)
{
	if (!s || !s->access_log)
		return;
	s->access_log(line->buf, line->len, s->access_log_arg);
}

/* A member "key": of a JSON object written key by key: a comma before
 * every one but the first. */
static void member(cairn_buf *b, const char *key)
{
	cairn_buf_adds(b, b->len > 1 ? ",\"" : "\"");
	cairn_buf_adds(b, key);
	cairn_buf_adds(b, "\":");
}

/* The access log's line for rec: one JSON object, its keys sorted as
 * cairn_json_append sorts them, written straight (it is made for every
 * request). */
static void access_line(cairn_buf *b, const struct cairn__serve_state *s,
			const struct cairn__serve_record *rec)
{
	char ts[32];

	cairn_format_time(rec->ts_ms, ts);
	cairn_buf_addch(b, '{');
	if (rec->outputs && cairn__batching(s->batcher)) {
		member(b, "batch_rows");
		cairn_buf_addf(b, "%zu", rec->batch_rows);
	}
	member(b, "bytes_in");
	cairn_buf_addf(b, "%llu", (unsigned long long)rec->bytes_in);
	member(b, "bytes_out");
	cairn_buf_addf(b, "%llu", (unsigned long long)rec->bytes_out);
	if (rec->error) {
		member(b, "error");
		json_string_add(b, rec->error);
	}
	member(b, "id");
	json_string_add(b, rec->id);
	member(b, "latency_ms");
	cairn_json_append_real(b, rec->latency * 1000);
	member(b, "method");
	json_string_add(b, rec->method);
	if (rec->model) {
		member(b, "model");
		json_string_add(b, rec->model->name);
	}
	member(b, "path");
	json_string_add(b, rec->path);
	member(b, "protocol");
	json_string_add(b, protocol_name(rec->protocol));
	if (rec->inputs) {
		member(b, "rows");
		cairn_buf_addf(b, "%zu", rec->nrows);
	}
	member(b, "status");
	cairn_buf_addf(b, "%d", rec->status);
	member(b, "ts");
	json_string_add(b, ts);
	if (rec->model) {
		member(b, "version");
		json_string_add(b, rec->model->version);
	}
	cairn_buf_addch(b, '}');
}

void cairn__serve_finish(struct cairn__serve_state *s, struct cairn__serve_record *rec)
{
	if (s->access_log) {
		cairn_buf line = CAIRN_BUF_INIT;

		access_line(&line, s, rec);
		cairn__serve_log(s, &line);
		cairn_buf_release(&line);
	}
	/* The prediction log takes the input frame, unless the shadow runs on
	 * it after the answer. */
	if (s->observe)
		cairn__observe_request(s->observe, rec, cairn__route_shadowed(s->routes, rec));
	cairn__route_shadow(s->routes, rec);
	cairn_frame_free((struct cairn_frame *)rec->inputs);
	free((double *)rec->outputs);
	free((char *)rec->error);
	free(rec->spans);
	cairn__model_version_release((struct cairn__model_version *)rec->model);
	rec->spans = NULL;
	rec->body = NULL;
	rec->inputs = NULL;
	rec->outputs = NULL;
	rec->error = NULL;
	rec->model = NULL;
}
