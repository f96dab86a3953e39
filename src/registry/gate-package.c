/*
 * The gates on a package itself: smoke (it loads and predicts its input
 * example), latency (single-row predictions in-process, timed) and schema
 * compatibility with the holder (its MLmodel signature, task and classes).
 * See include/cairn/gates.h.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "cairn/buf.h"
#include "cairn/error.h"
#include "core/json.h"
#include "registry/gates-internal.h"

int cairn__gate_example_frame(cairn_ctx *ctx, const cairn_model *m, struct cairn_frame **out)
{
	const json_t *ex = cairn_model_input_example(m), *columns, *data, *row;
	struct cairn_frame_options fo = { .format = CAIRN_FORMAT_JSONL };
	cairn_buf text = CAIRN_BUF_INIT;
	size_t i;
	int rc;

	*out = NULL;
	if (!ex)
		return 0;
	columns = json_object_get(ex, "columns");
	data = json_object_get(ex, "data");
	if (!json_is_array(columns) || !json_is_array(data) || !json_array_size(data))
		return cairn_error(ctx, CAIRN_EPARSE, "the input example is not {columns, data}"
				   " with at least one row");
	/* One JSON object per row: the frame reader types the columns. */
	json_array_foreach(data, i, row) {
		json_t *obj = json_object();
		size_t j;
		if (!json_is_array(row) || json_array_size(row) != json_array_size(columns)) {
			json_decref(obj);
			cairn_buf_release(&text);
			return cairn_error(ctx, CAIRN_EPARSE, "row %zu of the input example has %zu"
					   " values for %zu columns", i + 1,
					   json_array_size(row), json_array_size(columns));
		}
		for (j = 0; j < json_array_size(row); j++)
			json_object_set(obj, json_string_value(json_array_get(columns, j)) ?
					json_string_value(json_array_get(columns, j)) : "",
					json_array_get(row, j));
		cairn_json_append(&text, obj, 0);
		cairn_buf_addch(&text, '\n');
		json_decref(obj);
	}
	rc = cairn_frame_load_mem(ctx, text.buf, text.len, "the input example", &fo, out);
	cairn_buf_release(&text);
	return rc;
}

int cairn__gate_smoke(cairn_ctx *ctx, const cairn_model *m, json_t *gates)
{
	struct cairn_frame *f = NULL;
	double *pred = NULL;
	size_t nout = 0, bad = 0;
	cairn_buf detail = CAIRN_BUF_INIT;
	int rc;

	if (!cairn_model_input_example(m)) {
		json_array_append_new(gates, cairn__gate_row("smoke", json_null(),
			"predicts its input example", "skip",
			"the package has no input example (input_example.json)"));
		return 0;
	}
	rc = cairn__gate_example_frame(ctx, m, &f);
	if (!rc)
		rc = cairn_model_predict(ctx, m, f, NULL, 0, &pred, &nout);
	if (rc) {
		cairn_buf_addf(&detail, "%s", cairn_errmsg(ctx));
		cairn_error_clear(ctx);
		json_array_append_new(gates, cairn__gate_row("smoke", json_integer(0),
			"predicts its input example", "fail", detail.buf));
		goto out;
	}
	for (size_t i = 0; i < f->nrows * nout; i++)
		bad += !isfinite(pred[i]);
	if (bad)
		cairn_buf_addf(&detail, "%zu of %zu predicted values are not finite", bad,
			       f->nrows * nout);
	else
		cairn_buf_addf(&detail, "%zu rows predicted", f->nrows);
	json_array_append_new(gates, cairn__gate_row("smoke", json_integer((json_int_t)f->nrows),
		"predicts its input example", bad ? "fail" : "pass", detail.buf));
out:
	cairn_buf_release(&detail);
	free(pred);
	cairn_frame_free(f);
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* The nearest-rank percentile q (0 < q <= 1) of sorted v[0..n). */
static double percentile(const double *v, size_t n, double q)
{
	size_t k = (size_t)ceil(q * (double)n);
	return v[k ? k - 1 : 0];
}

int cairn__gate_latency(cairn_ctx *ctx, const struct cairn_gates_config *c, const cairn_model *m,
			const struct cairn_frame *holdout, size_t rows, json_t *gates)
{
	struct cairn_frame *example = NULL;
	const struct cairn_frame *f = holdout;
	cairn_buf threshold = CAIRN_BUF_INIT, detail = CAIRN_BUF_INIT;
	double *ms = NULL, p50, p99;
	json_t *row;
	int rc = 0;

	cairn_buf_addf(&threshold, "<= %g ms", c->latency_p99_ms);
	if (!f && (rc = cairn__gate_example_frame(ctx, m, &example)))
		goto out;
	if (!f && !(f = example)) {
		json_array_append_new(gates, cairn__gate_row("latency p99", json_null(), threshold.buf,
			"skip", "no rows to predict: no holdout and no input example"));
		goto out;
	}
	ms = cairn_xmalloc(rows * sizeof(double));
	for (size_t i = 0; i < rows && !rc; i++) {
		size_t r = i % f->nrows, nout;
		struct timespec t0, t1;
		double *pred = NULL;
		if (cairn_ctx_cancelled(ctx)) {
			rc = cairn_error(ctx, CAIRN_EINTERRUPTED, "interrupted");
			break;
		}
		clock_gettime(CLOCK_MONOTONIC, &t0);
		rc = cairn_model_predict(ctx, m, f, &r, 1, &pred, &nout);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		free(pred);
		ms[i] = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
	}
	if (rc)
		goto out;
	qsort(ms, rows, sizeof(double), cmp_double);
	p50 = percentile(ms, rows, 0.5);
	p99 = percentile(ms, rows, 0.99);
	cairn_buf_addf(&detail, "p50 %.4g ms, p99 %.4g ms over %zu single-row predictions of %s",
		       p50, p99, rows, f == holdout ? "holdout rows" : "the input example");
	row = cairn__gate_row("latency p99", json_real(p99), threshold.buf,
			      p99 <= c->latency_p99_ms ? "pass" : "fail", detail.buf);
	json_object_set_new(row, "p50_ms", json_real(p50));
	json_object_set_new(row, "p99_ms", json_real(p99));
	json_object_set_new(row, "predictions", json_integer((json_int_t)rows));
	json_array_append_new(gates, row);
out:
	free(ms);
	cairn_frame_free(example);
	cairn_buf_release(&threshold);
	cairn_buf_release(&detail);
	return rc;
}

/* The signature's input columns as an object name -> type (new reference). */
static json_t *signature_inputs(const cairn_model *m)
{
	const json_t *sig = json_object_get(cairn_model_manifest(m), "signature");
	const json_t *in = json_object_get(sig, "inputs"), *c;
	json_t *parsed = json_is_string(in) ? json_loads(json_string_value(in), 0, NULL) : NULL;
	json_t *out = json_object();
	size_t i;

	json_array_foreach(json_is_array(parsed) ? parsed : in, i, c) {
		const char *name = json_string_value(json_object_get(c, "name"));
		const char *type = json_string_value(json_object_get(c, "type"));
		if (name)
			json_object_set_new(out, name, json_string(type ? type : "?"));
	}
	json_decref(parsed);
	return out;
}

static const char *task_of(const cairn_model *m)
{
	const json_t *f = json_object_get(cairn_model_manifest(m), "flavors");
	const char *t = json_string_value(json_object_get(json_object_get(f, "cairn"), "task"));
	return t ? t : "?";
}

static void classes_text(const cairn_model *m, cairn_buf *out)
{
	for (int i = 0; i < cairn_model_nclasses(m); i++)
		cairn_buf_addf(out, "%s%s", i ? ", " : "", cairn_model_class(m, i));
}

void cairn__gate_schema(const cairn_model *cand, const cairn_model *holder, json_t *gates)
{
	static const char threshold[] = "no column removed or retyped, same classes";
	cairn_buf removed = CAIRN_BUF_INIT, retyped = CAIRN_BUF_INIT, added = CAIRN_BUF_INIT;
	cairn_buf detail = CAIRN_BUF_INIT, a = CAIRN_BUF_INIT, b = CAIRN_BUF_INIT;
	json_t *hin, *cin, *row, *type;
	const char *name;
	size_t problems = 0;

	if (!holder) {
		json_array_append_new(gates, cairn__gate_row("schema", json_null(), threshold, "skip",
			"no holder to compare with"));
		return;
	}
	hin = signature_inputs(holder);
	cin = signature_inputs(cand);
	json_object_foreach(hin, name, type) {
		const json_t *now = json_object_get(cin, name);
		if (!now) {
			cairn_buf_addf(&removed, "%s%s", removed.len ? ", " : "", name);
			problems++;
		} else if (!json_equal(now, type)) {
			cairn_buf_addf(&retyped, "%s%s (%s -> %s)", retyped.len ? ", " : "", name,
				       json_string_value(type), json_string_value(now));
			problems++;
		}
	}
	json_object_foreach(cin, name, type)
		if (!json_object_get(hin, name))
			cairn_buf_addf(&added, "%s%s", added.len ? ", " : "", name);
	if (strcmp(task_of(cand), task_of(holder))) {
		cairn_buf_addf(&detail, "task %s, the holder's %s; ", task_of(cand), task_of(holder));
		problems++;
	}
	classes_text(cand, &a);
	classes_text(holder, &b);
	if (strcmp(a.buf, b.buf)) {
		cairn_buf_addf(&detail, "classes [%s], the holder's [%s]; ", a.buf, b.buf);
		problems++;
	}
	if (removed.len)
		cairn_buf_addf(&detail, "removed: %s; ", removed.buf);
	if (retyped.len)
		cairn_buf_addf(&detail, "retyped: %s; ", retyped.buf);
	if (added.len)
		cairn_buf_addf(&detail, "added (allowed): %s; ", added.buf);
	if (detail.len)
		cairn_buf_setlen(&detail, detail.len - 2);
	else
		cairn_buf_addf(&detail, "the same %zu input columns", json_object_size(cin));
	row = cairn__gate_row("schema", json_integer((json_int_t)problems), threshold,
			      problems ? "fail" : "pass", detail.buf);
	json_array_append_new(gates, row);
	json_decref(hin);
	json_decref(cin);
	cairn_buf_release(&removed);
	cairn_buf_release(&retyped);
	cairn_buf_release(&added);
	cairn_buf_release(&detail);
	cairn_buf_release(&a);
	cairn_buf_release(&b);
}
