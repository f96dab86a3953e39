/* The server's hooks into the prediction log, the metrics and the lineage:
 * GET /metrics, POST /feedback, the record of every request, deployments;
 * see predlog-hooks.h. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "cairn/error.h"
#include "cairn/model.h"
#include "cairn/predictions.h"
#include "cairn/registry.h"
#include "cairn/workspace.h"
#include "core/fs.h"
#include "core/json.h"
#include "core/log.h"
#include "core/oom.h"
#include "ml/learner.h"
#include "serve/predlog-hooks.h"

void cairn__deployment_free(struct cairn__deployment *d)
{
	if (!d)
		return;
	free(d->version);
	free(d);
}

int cairn__observe_open(cairn_ctx *ctx, const struct cairn_server_options *o,
			const int *in_flight, struct cairn__serve_observe **out)
{
	struct cairn__serve_observe *ob = cairn_xcalloc(1, sizeof(*ob));
	const char *ws = cairn_workspace_dir(ctx);
	cairn_buf dir = CAIRN_BUF_INIT;
	int rc = 0;

	cairn__serve_metrics_init(&ob->metrics);
	ob->in_flight = in_flight;
	ob->workspace = ws ? cairn_xstrdup(ws) : NULL;
	if (!o->no_predictions && (o->predictions_dir || ws)) {
		struct cairn__predlog_options po = { 0 };
		if (o->predictions_dir)
			cairn_buf_adds(&dir, o->predictions_dir);
		else
			cairn_path_join(&dir, ws, CAIRN__PREDLOG_DIR);
		po.dir = dir.buf;
		po.flush_interval_ms = o->predictions_flush_ms;
		po.wait_when_full = !o->predictions_drop_when_full;
		po.lineage = ws != NULL;
		rc = cairn__predlog_open(ctx, &po, &ob->log);
	}
	cairn_buf_release(&dir);
	if (rc) {
		cairn__observe_close(ob);
		ob = NULL;
	}
	*out = ob;
	return rc;
}

void cairn__observe_close(struct cairn__serve_observe *ob)
{
	if (!ob)
		return;
	if (ob->log) {
		cairn_ctx *ctx = cairn_ctx_new();
		if (ctx)
			cairn__predlog_close(ctx, ob->log);
		cairn_ctx_free(ctx);
	}
	cairn__serve_metrics_release(&ob->metrics);
	free(ob->workspace);
	free(ob);
}

/* The deployment of v: its lineage (model version, else the package's
 * run) when a workspace is open, and the version the log names. */
static struct cairn__deployment *deploy(cairn_ctx *ctx, struct cairn__model_version *v)
{
	struct cairn__deployment *d = cairn_xcalloc(1, sizeof(*d));
	const json_t *manifest = cairn_model_manifest(v->model);
	const char *run = json_string_value(json_object_get(manifest, "run_id"));
	const char *uuid = json_string_value(json_object_get(manifest, "model_uuid"));
	cairn_buf text = CAIRN_BUF_INIT;
	struct cairn_registry_ref r;
	int registered = cairn_registry_is_version_ref(v->ref);

	if (registered)
		cairn_buf_addf(&text, "%s@%s", v->name, v->version);
	else
		cairn_buf_adds(&text, uuid && *uuid ? uuid : run && *run ? run : v->ref);
	d->version = cairn_buf_detach(&text, NULL);
	if (!cairn_workspace_dir(ctx))
		return d;
	if (registered && !cairn_registry_resolve(ctx, d->version, &r)) {
		if (cairn__deployment_start(ctx, r.version_id, NULL, d->id))
			d->id[0] = '\0';
	} else if (!registered && run && *run) {
		if (cairn__deployment_start(ctx, NULL, run, d->id))
			d->id[0] = '\0';
	}
	if (!d->id[0])
		cairn__log_warn(ctx, "serving '%s' without lineage: %s", v->ref,
				*cairn_errmsg(ctx) ? cairn_errmsg(ctx) : "no model version or run");
	return d;
}

void cairn__observe_loaded(cairn_ctx *ctx, struct cairn__serve_observe *ob, const char *ref,
			   struct cairn__model_version *v, double seconds)
{
	cairn__serve_metrics_load(&ob->metrics, v ? v->name : ref, v != NULL, seconds);
	if (v && !v->deployment)
		v->deployment = deploy(ctx, v);
}

/*
 * The request path.
 */

static const char *protocol_name(enum cairn__serve_protocol p)
{
	return p == CAIRN_SERVE_MLFLOW ? "mlflow" : p == CAIRN_SERVE_V2 ? "v2" : "none";
}

/*
 * The record's inputs and outputs, written straight into the log's line
 * (no json_t per value): the bytes cairn_json_append would make of the
 * JSON the log used to build ({column: [values]}, sorted by column; the
 * predictions), which the unit test checks.
 */

struct key {
	const char *name;
	size_t col;
};

static int cmp_key(const void *a, const void *b)
{
	const struct key *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	return c ? c : x->col < y->col ? -1 : x->col > y->col;
}

/* The columns of an object in the order cairn_json_append writes them:
 * sorted, a repeated name once with its last column (as json_object_set
 * keeps it), a name that is not UTF-8 left out (jansson refuses it). keys
 * holds n names; returns how many are kept, at its start. */
static size_t object_order(struct key *keys, size_t n)
{
	cairn_buf probe = CAIRN_BUF_INIT;
	size_t kept = 0;

	qsort(keys, n, sizeof(*keys), cmp_key);
	for (size_t i = 0; i < n; i++) {
		if (i + 1 < n && !strcmp(keys[i].name, keys[i + 1].name))
			continue;
		cairn_buf_reset(&probe);
		if (cairn__predlog_string(&probe, keys[i].name))
			keys[kept++] = keys[i];
	}
	cairn_buf_release(&probe);
	return kept;
}

/* "name":[ of the k-th column kept (a comma before all but the first). */
static void column_start(cairn_buf *out, const struct key *keys, size_t k)
{
	if (k)
		cairn_buf_addch(out, ',');
	cairn__predlog_string(out, keys[k].name);
	cairn_buf_adds(out, ":[");
}

/* One value of a JSON string, or null when s is not UTF-8 (as the log's
 * JSON had it). */
static void string_or_null(cairn_buf *out, const char *s)
{
	if (!cairn__predlog_string(out, s))
		cairn_buf_adds(out, "null");
}

/* The frame the model predicted. */
static void frame_value(const struct cairn_frame *f, cairn_buf *out)
{
	struct key *keys = cairn_xmalloc((f->ncols ? f->ncols : 1) * sizeof(*keys));
	cairn_buf cell = CAIRN_BUF_INIT;
	size_t n;

	for (size_t c = 0; c < f->ncols; c++)
		keys[c] = (struct key){ f->cols[c].name, c };
	n = object_order(keys, f->ncols);
	cairn_buf_addch(out, '{');
	for (size_t k = 0; k < n; k++) {
		const struct cairn_column *col = &f->cols[keys[k].col];
		column_start(out, keys, k);
		for (size_t r = 0; r < f->nrows; r++) {
			if (r)
				cairn_buf_addch(out, ',');
			if (!col->valid[r]) {
				cairn_buf_adds(out, "null");
			} else if (col->type == CAIRN_TYPE_STRING) {
				string_or_null(out, col->dict[col->code[r]]);
			} else if (col->type == CAIRN_TYPE_BOOL) {
				cairn_buf_adds(out, (col->i64 ? col->i64[r] != 0 : col->num[r] != 0) ?
					       "true" : "false");
			} else if (col->type == CAIRN_TYPE_INT && col->i64) {
				cairn_buf_addf(out, "%lld", (long long)col->i64[r]);
			} else if (col->type == CAIRN_TYPE_FLOAT) {
				cairn_json_append_real(out, col->num[r]);
			} else {
				cairn_buf_reset(&cell);
				cairn_frame_cell_text(f, r, keys[k].col, &cell);
				string_or_null(out, cell.buf);
			}
		}
		cairn_buf_addch(out, ']');
	}
	cairn_buf_addch(out, '}');
	cairn_buf_release(&cell);
	free(keys);
}

/* A number's text from a request's body, as the client wrote it (it reads
 * back as the same double), made a real as cairn_json_append_real makes
 * it: "5" as "5.0", "-0" (read as the integer 0) as "0.0"; null as null.
 * Written at p, which has room for len + 2 bytes; returns the end. */
static char *number_text(const char *t, uint32_t len, char *p)
{
	int real = *t == 'n';

	if (len == 2 && t[0] == '-' && t[1] == '0') {
		memcpy(p, "0.0", 3);
		return p + 3;
	}
	for (uint32_t i = 0; i < len && !real; i++)
		real = t[i] == '.' || t[i] == 'e' || t[i] == 'E';
	memcpy(p, t, len);
	p += len;
	if (!real) {
		memcpy(p, ".0", 2);
		p += 2;
	}
	return p;
}

/* Column c's nrows values from the spans' text, each followed by a comma
 * but the last: room for all of them made once. */
static void column_text(const char *text, const uint32_t *spans, size_t nrows, cairn_buf *out)
{
	size_t room = 0;
	char *p;

	for (size_t r = 0; r < nrows; r++)
		room += spans[2 * r + 1] + 3;
	cairn_buf_grow(out, room);
	p = out->buf + out->len;
	for (size_t r = 0; r < nrows; r++) {
		if (r)
			*p++ = ',';
		p = number_text(text + spans[2 * r], spans[2 * r + 1], p);
	}
	out->len = (size_t)(p - out->buf);
	out->buf[out->len] = '\0';
}

/* A frame of v's columns, all numbers: column c's row r is at
 * i = c * nrows + r of cells, or, with spans, the text of the request's
 * body at spans[2i] for spans[2i + 1] bytes (number_text). */
static void numbers_value(const struct cairn__model_version *v, size_t nrows,
			  const double *cells, const char *text, const uint32_t *spans,
			  cairn_buf *out)
{
	struct key *keys = cairn_xmalloc((v->ncols ? v->ncols : 1) * sizeof(*keys));
	size_t n;

	for (size_t c = 0; c < v->ncols; c++)
		keys[c] = (struct key){ v->cols[c], c };
	n = object_order(keys, v->ncols);
	cairn_buf_addch(out, '{');
	for (size_t k = 0; k < n; k++) {
		size_t i = keys[k].col * nrows;
		column_start(out, keys, k);
		if (spans)
			column_text(text, spans + 2 * i, nrows, out);
		for (size_t r = 0; r < nrows && !spans; r++, i++) {
			if (r)
				cairn_buf_addch(out, ',');
			cairn_json_append_real(out, cells[i]);
		}
		cairn_buf_addch(out, ']');
	}
	cairn_buf_addch(out, '}');
	free(keys);
}

/* The predictions as answered: a label, a cluster or a value per row, and
 * {"predictions", "probabilities"} (the per-class probabilities of each
 * classified row) when they were asked for. */
static void outputs_value(const struct cairn__serve_record *rec, cairn_buf *out)
{
	const struct cairn__model_version *v = rec->model;
	int classes = v->task == CAIRN_TASK_CLASSIFICATION && v->nclasses;
	size_t written = 0;

	cairn_buf_adds(out, rec->proba ? "{\"predictions\":[" : "[");
	for (size_t r = 0; r < rec->nrows; r++) {
		const double *row = rec->outputs + r * rec->noutputs;
		size_t at = out->len;
		if (written)
			cairn_buf_addch(out, ',');
		written++;
		if (classes) {
			int best = 0;
			for (int k = 1; k < v->nclasses && (size_t)k < rec->noutputs; k++)
				if (row[k] > row[best])
					best = k;
			/* A label jansson refused was left out of the array. */
			if (!cairn__predlog_string(out, v->classes[best])) {
				cairn_buf_setlen(out, at);
				written--;
			}
		} else if (!isfinite(row[0])) {
			cairn_buf_adds(out, "null");
		} else if (v->task == CAIRN_TASK_CLUSTERING) {
			cairn_buf_addf(out, "%lld", (long long)(json_int_t)row[0]);
		} else {
			cairn_json_append_real(out, row[0]);
		}
	}
	cairn_buf_addch(out, ']');
	if (!rec->proba)
		return;
	cairn_buf_adds(out, ",\"probabilities\":[");
	for (size_t r = 0; classes && r < rec->nrows; r++) {
		const double *row = rec->outputs + r * rec->noutputs;
		cairn_buf_adds(out, r ? ",[" : "[");
		for (size_t k = 0; k < rec->noutputs; k++) {
			if (k)
				cairn_buf_addch(out, ',');
			cairn_json_append_real(out, row[k]);
		}
		cairn_buf_addch(out, ']');
	}
	cairn_buf_adds(out, "]}");
}

/* What the line of a record is made from. */
struct line_args {
	const struct cairn__serve_record *rec;
	const double *cells;
	size_t nrows;
	const char *in;
	size_t in_len;
	const char *text;          /* with spans: the inputs' text (numbers_value) */
	const uint32_t *spans;
};

static void inputs_fn(const void *arg, cairn_buf *out)
{
	const struct line_args *a = arg;

	if (a->spans || a->cells)
		numbers_value(a->rec->model, a->nrows, a->cells, a->text, a->spans, out);
	else if (a->in)
		cairn_buf_add(out, a->in, a->in_len);
	else if (a->rec->inputs)
		frame_value(a->rec->inputs, out);
	else
		cairn_buf_adds(out, "null");
}

static void outputs_fn(const void *arg, cairn_buf *out)
{
	const struct line_args *a = arg;

	if (a->rec->outputs && a->rec->noutputs)
		outputs_value(a->rec, out);
	else
		cairn_buf_adds(out, "null");
}

void cairn__observe_record_line(const struct cairn__serve_record *rec, const double *cells,
				size_t nrows, const char *in, size_t in_len, cairn_buf *out)
{
	const struct cairn__model_version *v = rec->model;
	const struct cairn__deployment *d = v->deployment;
	struct line_args a = { rec, cells, nrows, in, in_len, rec->body, rec->spans };
	struct cairn__predlog_values values = { inputs_fn, outputs_fn, &a };
	struct cairn__predlog_record r = { 0 };

	r.request_id = rec->id;
	r.time_ms = rec->ts_ms;
	r.model = v->name;
	r.version = d ? d->version : v->version;
	r.deployment = d && d->id[0] ? d->id : NULL;
	r.protocol = protocol_name(rec->protocol);
	r.latency_s = rec->latency;
	r.status = rec->status;
	r.shadow = rec->shadow;
	cairn__predlog_record_write(&r, &values, out);
}

/* Requests of at least this many rows have their record's line made on
 * the request thread (cairn__observe_request). */
#define LINE_ON_REQUEST_ROWS 64

/* A request's record on its way to the log: its line is made on the log's
 * thread (a large request's on its own thread, LINE_ON_REQUEST_ROWS),
 * from the frame, outputs and model version the request handed over (the
 * version kept by a reference of its own). What the queue holds
 * under load, so kept to the fields the line needs, in one allocation
 * with the cells and the id. */
struct pending {
	const struct cairn__model_version *model;
	const struct cairn_frame *inputs;  /* a frame the log took over, or NULL */
	const double *outputs;     /* nrows x noutputs, taken over */
	size_t nrows, noutputs;
	int64_t ts_ms;
	double latency;
	int status, proba, shadow;
	enum cairn__serve_protocol protocol;
	char *in;                  /* or the inputs already written (in_len
				      bytes), when the frame of other columns
				      stays the caller's */
	size_t in_len;
	/* Or a frame of the model's columns, all numbers (as the server
	 * decodes JSON), kept as one array: column c's row r at
	 * c * cell_rows + r, NaN for missing (cell_rows is the frame's: the
	 * record's nrows are 0 when it was refused before its prediction). */
	double *cells;
	size_t cell_rows;
	/* Or, for a body decoded straight (split.c), where each of those
	 * numbers is in the body's text (a copy, after the id): the numbers
	 * are copied, not formatted (number_text). */
	uint32_t *spans;
	char *text;
	char *id;                  /* after the cells or the spans */
	double data[];
};

static int numbers_only(const struct cairn_frame *f, const struct cairn__model_version *v)
{
	if (f->ncols != v->ncols)
		return 0;
	for (size_t c = 0; c < f->ncols; c++)
		if (f->cols[c].type != CAIRN_TYPE_FLOAT || strcmp(f->cols[c].name, v->cols[c]))
			return 0;
	return 1;
}

/* The line of the record p holds, appended to out. */
static void make_line(const struct pending *p, cairn_buf *out)
{
	struct cairn__serve_record rec = { 0 };

	memcpy(rec.id, p->id, strlen(p->id) + 1);
	rec.ts_ms = p->ts_ms;
	rec.protocol = p->protocol;
	rec.model = p->model;
	rec.status = p->status;
	rec.latency = p->latency;
	rec.inputs = p->inputs;
	rec.outputs = p->outputs;
	rec.nrows = p->nrows;
	rec.noutputs = p->noutputs;
	rec.proba = p->proba;
	rec.shadow = p->shadow;
	rec.spans = p->spans;
	rec.body = p->text;
	cairn__observe_record_line(&rec, p->cells, p->cell_rows, p->in, p->in_len, out);
}

static void free_pending(struct pending *p)
{
	cairn_frame_free((struct cairn_frame *)p->inputs);
	free((double *)p->outputs);
	free(p->in);
	cairn__model_version_release((struct cairn__model_version *)p->model);
	free(p);
}

/* A deferred record: its line made on the log's thread. */
static void record_line(void *arg, cairn_buf *out)
{
	if (out)
		make_line(arg, out);
	free_pending(arg);
}

/* A record whose line the request thread made. */
struct ready_line {
	char *line;
	size_t len;
};

static void ready_line(void *arg, cairn_buf *out)
{
	struct ready_line *r = arg;

	if (out)
		cairn_buf_add(out, r->line, r->len);
	free(r->line);
	free(r);
}

int cairn__observe_logging(const struct cairn__serve_observe *ob)
{
	return ob->log != NULL;
}

void cairn__observe_request(struct cairn__serve_observe *ob, struct cairn__serve_record *rec,
			    int keep_inputs)
{
	struct cairn__model_version *v = (struct cairn__model_version *)rec->model;
	const struct cairn__deployment *d = v ? v->deployment : NULL;
	struct pending *p;
	size_t bytes, cells, idlen, text;
	int numbers;

	/* A shadow's answer is logged, not counted as a request. The batch
	 * size is observed per evaluation (serve/batch.c). */
	if (!rec->shadow)
		cairn__serve_metrics_request(&ob->metrics, v ? v->name : "", v ? v->version : "",
					     protocol_name(rec->protocol), rec->status, rec->latency);
	/* The log keeps predictions asked of a model (answered or refused,
	 * with their inputs when they decoded), not health checks, metadata
	 * or scrapes. */
	if (!ob->log || !v || !rec->method || strcmp(rec->method, "POST"))
		return;
	/* The inputs and outputs pass to the log: the request path neither
	 * copies nor serializes them (but a frame of numbers, copied as one
	 * array, and a frame the caller keeps for a shadow, made into JSON). */
	numbers = rec->inputs && numbers_only(rec->inputs, v);
	cells = numbers ? rec->inputs->nrows * rec->inputs->ncols : 0;
	/* The text of the numbers rather than their values: 8 bytes of spans
	 * a cell (as a double would take) and the body. */
	text = numbers && rec->spans ? rec->body_len + 1 : 0;
	idlen = strlen(rec->id) + 1;
	p = cairn_xmalloc(sizeof(*p) + cells * sizeof(double) + idlen + text);
	p->model = v;
	p->inputs = NULL;
	p->outputs = rec->outputs;
	p->nrows = rec->nrows;
	p->noutputs = rec->noutputs;
	p->ts_ms = rec->ts_ms;
	p->latency = rec->latency;
	p->status = rec->status;
	p->proba = rec->proba;
	p->shadow = rec->shadow;
	p->protocol = rec->protocol;
	p->in = NULL;
	p->in_len = 0;
	p->cells = NULL;
	p->cell_rows = 0;
	p->spans = NULL;
	p->text = NULL;
	p->id = (char *)(p->data + cells);
	memcpy(p->id, rec->id, idlen);
	__atomic_add_fetch(&v->refs, 1, __ATOMIC_ACQ_REL);
	/* What the queue holds: the estimate its bound counts. */
	bytes = sizeof(*p) + idlen + 64 + rec->nrows * rec->noutputs * sizeof(double);
	if (numbers && text) {
		p->spans = (uint32_t *)(void *)p->data;
		memcpy(p->spans, rec->spans, cells * 2 * sizeof(*p->spans));
		p->text = p->id + idlen;
		memcpy(p->text, rec->body, rec->body_len);
		p->text[rec->body_len] = '\0';
		p->cell_rows = rec->inputs->nrows;
		bytes += cells * sizeof(double) + text;
	} else if (numbers) {
		const struct cairn_frame *f = rec->inputs;
		p->cells = p->data;
		for (size_t c = 0; c < f->ncols; c++)
			memcpy(p->cells + c * f->nrows, f->cols[c].num, f->nrows * sizeof(double));
		p->cell_rows = f->nrows;
		bytes += cells * sizeof(double);
	} else if (rec->inputs && keep_inputs) {
		cairn_buf in = CAIRN_BUF_INIT;
		frame_value(rec->inputs, &in);
		p->in = cairn_buf_detach(&in, &p->in_len);
		bytes += p->in_len;
	} else if (rec->inputs) {
		p->inputs = rec->inputs;   /* the frame itself passes to the log */
		rec->inputs = NULL;
		bytes += p->inputs->ncols * (96 + 16 * p->inputs->nrows);
	}
	rec->outputs = NULL;
	/* A large record's line is made here, on the request threads, which
	 * run side by side: made on the log's one thread, 1,000-row records
	 * kept it busy at about 800 a second while the cores had room. A
	 * small record's is made there, off the request's latency. */
	if (p->nrows >= LINE_ON_REQUEST_ROWS) {
		struct ready_line *r = cairn_xmalloc(sizeof(*r));
		cairn_buf line = CAIRN_BUF_INIT;
		make_line(p, &line);
		r->line = cairn_buf_detach(&line, &r->len);
		cairn__predlog_append_deferred(ob->log, ready_line, r, sizeof(*r) + r->len,
					       d && d->id[0] ? d->id : NULL);
		free_pending(p);
		return;
	}
	cairn__predlog_append_deferred(ob->log, record_line, p, bytes,
				       d && d->id[0] ? d->id : NULL);
}

static void answer(struct cairn__http_response *resp, int status, const char *content_type,
		   const char *msg)
{
	json_t *e;

	resp->status = status;
	resp->content_type = content_type;
	if (!msg)
		return;
	e = json_pack("{s:s, s:s}", "error_code", status == 503 ? "TEMPORARILY_UNAVAILABLE" :
		      status == 500 ? "INTERNAL_ERROR" : "BAD_REQUEST", "message", msg);
	if (!e)
		e = json_pack("{s:s}", "error_code", "BAD_REQUEST");
	cairn_buf_reset(&resp->body);
	cairn_json_append(&resp->body, e, 0);
	json_decref(e);
}

static void feedback(struct cairn__serve_observe *ob, cairn_ctx *ctx,
		     const struct cairn__http_request *req, struct cairn__http_response *resp,
		     struct cairn__serve_record *rec)
{
	json_t *body = NULL, *stored = NULL, *id, *label;
	int rc;

	if (!ob->workspace) {
		answer(resp, 503, "application/json", "this server has no workspace to keep"
		       " feedback in");
		return;
	}
	if ((rc = cairn_json_load_text(ctx, "the request body", req->body ? req->body : "",
				       req->body_len, &body)) ||
	    !json_is_object(body)) {
		answer(resp, 400, "application/json", rc ? cairn_errmsg(ctx) :
		       "feedback is a JSON object {\"request_id\": ..., \"label\": ...}");
		goto out;
	}
	id = json_object_get(body, "request_id");
	label = json_object_get(body, "label");
	if (!json_is_string(id) || !label) {
		answer(resp, 400, "application/json", !json_is_string(id) ?
		       "feedback needs \"request_id\", a string" : "feedback needs \"label\"");
		goto out;
	}
	if ((rc = cairn_workspace_open_dir(ctx, ob->workspace)) ||
	    (rc = cairn_predictions_feedback(ctx, json_string_value(id), label, "http", &stored))) {
		answer(resp, rc == CAIRN_EINVAL ? 400 : 500, "application/json", cairn_errmsg(ctx));
		goto out;
	}
	resp->status = 201;
	resp->content_type = "application/json";
	cairn_json_append(&resp->body, stored, 0);
out:
	json_decref(body);
	json_decref(stored);
}

int cairn__observe_route(struct cairn__serve_observe *ob, cairn_ctx *ctx,
			 const struct cairn__http_request *req, struct cairn__http_response *resp,
			 struct cairn__serve_record *rec)
{
	if (!strcmp(req->path, "/metrics")) {
		struct cairn__predlog_stats st = { 0 };
		if (strcmp(req->method, "GET")) {
			answer(resp, 405, "application/json", "/metrics takes GET");
			return 1;
		}
		if (ob->log)
			cairn__predlog_stats(ob->log, &st);
		cairn__serve_metrics_predlog(&ob->metrics, &st);
		if (ob->in_flight)
			cairn__prom_set(ob->metrics.in_flight,
					__atomic_load_n(ob->in_flight, __ATOMIC_RELAXED));
		resp->status = 200;
		resp->content_type = "text/plain; version=0.0.4; charset=utf-8";
		cairn__prom_expose(ob->metrics.registry, &resp->body);
		return 1;
	}
	if (!strcmp(req->path, "/feedback")) {
		if (strcmp(req->method, "POST"))
			answer(resp, 405, "application/json", "/feedback takes POST");
		else
			feedback(ob, ctx, req, resp, rec);
		return 1;
	}
	return 0;
}
