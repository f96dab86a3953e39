/*
 * `cairn monitor performance`: the prediction log joined with feedback, cut
 * into windows by prediction time (a length, or a count of labelled
 * predictions), each window's labelled rows measured with ml's metrics
 * (include/cairn/evaluate.h), beside the metrics stored with the version.
 * The contract is include/cairn/monitor.h.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "cairn/error.h"
#include "cairn/id.h"
#include "cairn/monitor.h"
#include "cairn/registry.h"
#include "core/oom.h"
#include "ml/evaluate.h"
#include "ml/model-internal.h"
#include "ml/preprocess.h"
#include "monitor/rows.h"

struct perf {
	cairn_ctx *ctx;
	const cairn_model *m;
	enum cairn_task task;
	int k;
	const struct cairn__mon_rows *rows;
	json_t *windows;
};

static int class_index(const cairn_model *m, const char *name)
{
	for (int i = 0; name && i < cairn_model_nclasses(m); i++)
		if (!strcmp(cairn_model_class(m, i), name))
			return i;
	return -1;
}

static int parse_number(const char *s, double *out)
{
	char *end;

	if (!s || !*s)
		return -1;
	errno = 0;
	*out = strtod(s, &end);
	return *end || errno || !isfinite(*out) ? -1 : 0;
}

/* The metrics a window reports, picked from cairn_evaluate's. */
static json_t *pick(const json_t *all, enum cairn_task task, int k, int with_auc)
{
	json_t *out;

	if (task == CAIRN_TASK_REGRESSION)
		return json_pack("{s:O?, s:O?, s:O?}", "rmse", json_object_get(all, "rmse"),
				 "mae", json_object_get(all, "mae"), "r2", json_object_get(all, "r2"));
	out = json_pack("{s:O?, s:O?}", "accuracy", json_object_get(all, "accuracy"), "f1",
			k == 2 ? json_object_get(all, "f1") :
			json_object_get(json_object_get(all, "macro"), "f1"));
	if (out && with_auc)
		json_object_set(out, "roc_auc", json_object_get(all, "roc_auc") ?: json_null());
	return out;
}

/* The metrics of rows [from, to) that have a label, into w. */
static int measure(struct perf *p, size_t from, size_t to, json_t *w)
{
	const struct cairn__mon_rows *r = p->rows;
	size_t n = 0, unknown = 0, labelled = 0, k = p->k > 0 ? (size_t)p->k : 1;
	double *y = cairn_xmalloc((to - from + 1) * sizeof(double));
	double *pred = cairn_xcalloc((to - from + 1) * k, sizeof(double));
	const char **names = cairn_xcalloc(k, sizeof(*names));
	int with_auc = 1, rc = 0;
	json_t *all = NULL, *metrics = NULL;

	for (size_t i = from; i < to; i++) {
		if (!r->label[i])
			continue;
		labelled++;
		if (p->task == CAIRN_TASK_REGRESSION) {
			if (parse_number(r->label[i], &y[n]) || parse_number(r->pred[i], &pred[n])) {
				unknown++;
				continue;
			}
		} else {
			int t = class_index(p->m, r->label[i]), c = class_index(p->m, r->pred[i]);
			if (t < 0 || c < 0) {
				unknown++;
				continue;
			}
			y[n] = t;
			if (isnan(r->proba[i * k])) {
				pred[n * k + (size_t)c] = 1;
				with_auc = 0;
			} else {
				memcpy(pred + n * k, r->proba + i * k, k * sizeof(double));
			}
		}
		n++;
	}
	json_object_set_new(w, "labelled", json_integer((json_int_t)labelled));
	if (unknown)
		json_object_set_new(w, "unknown_labels", json_integer((json_int_t)unknown));
	if (n) {
		struct cairn_eval_data d = { 0 };
		for (int c = 0; c < p->k; c++)
			names[c] = cairn_model_class(p->m, c);
		d.task = p->task;
		d.n = n;
		d.y = y;
		d.pred = pred;
		d.nclasses = p->k;
		d.class_names = p->k ? names : NULL;
		if ((rc = cairn_evaluate(p->ctx, &d, &all)))
			goto out;
		if (!(metrics = pick(all, p->task, p->k, with_auc)))
			cairn__oom(0);
	}
	json_object_set_new(w, "metrics", metrics ? metrics : json_null());
	json_object_set_new(w, "status", json_string(n ? "ok" : labelled ? "no known labels" :
						     "no labels"));
out:
	json_decref(all);
	free(y);
	free(pred);
	free(names);
	return rc;
}

static json_t *time_json(int64_t ms)
{
	char t[32];

	cairn_format_time(ms, t);
	return json_string(t);
}

/* Adds the window of rows [from, to), from start to end (ms). */
static int add_window(struct perf *p, size_t from, size_t to, int64_t start, int64_t end)
{
	json_t *w = json_pack("{s:o, s:o, s:I}", "start", time_json(start), "end", time_json(end),
			      "predictions", (json_int_t)(to - from));
	int rc;

	if (!w)
		cairn__oom(0);
	rc = measure(p, from, to, w);
	json_array_append_new(p->windows, w);
	return rc;
}

/* Windows of n labelled predictions: a window runs from its first labelled
 * prediction to the next window's; predictions before the first labelled
 * one belong to the first window, those after the last to the last. */
static int count_windows(struct perf *p, uint64_t n)
{
	const struct cairn__mon_rows *r = p->rows;
	size_t from = 0, seen = 0;
	int rc;

	for (size_t i = 0; i < r->n; i++) {
		if (!r->label[i])
			continue;
		if (seen && seen % n == 0) {
			if ((rc = add_window(p, from, i, r->time_ms[from], r->time_ms[i - 1])))
				return rc;
			from = i;
		}
		seen++;
	}
	return r->n ? add_window(p, from, r->n, r->time_ms[from], r->time_ms[r->n - 1]) : 0;
}

/* Windows of ms milliseconds aligned on the epoch, those with predictions. */
static int time_windows(struct perf *p, int64_t ms)
{
	const struct cairn__mon_rows *r = p->rows;
	size_t from = 0;
	int rc;

	for (size_t i = 1; i <= r->n; i++) {
		int64_t b = r->time_ms[from] - r->time_ms[from] % ms;
		if (i < r->n && r->time_ms[i] < b + ms)
			continue;
		if ((rc = add_window(p, from, i, b, b + ms)))
			return rc;
		from = i;
	}
	return 0;
}

/* A stored metric: cross-validation's leaves are {folds, mean, std}. */
static json_t *leaf(json_t *x)
{
	json_t *mean = json_object_get(x, "mean");

	return mean ? mean : x;
}

/* The metrics stored with a registered version: its evaluation on test
 * rows, else cross-validation's means, else on the training rows. */
static int baseline(cairn_ctx *ctx, const cairn_model *m, const char *ref, enum cairn_task task,
		    json_t **out)
{
	static const char *const sets[] = { "test", "validation", "cv", "train" };
	static const char *const keys[] = { "accuracy", "f1", "roc_auc", "rmse", "mae", "r2" };
	json_t *v = NULL, *set = NULL, *flat;
	size_t i;
	int rc;

	*out = json_null();
	if (!cairn_registry_is_version_ref(ref))
		return 0;
	if ((rc = cairn_registry_show(ctx, ref, &v)))
		return rc;
	for (i = 0; i < sizeof(sets) / sizeof(sets[0]) && !set; i++)
		if (!json_is_object(set = json_object_get(json_object_get(v, "metrics"), sets[i])))
			set = NULL;
	if (set) {
		if (!(flat = json_pack("{s:{s:O?}}", "macro", "f1", leaf(json_object_get(
				json_object_get(set, "macro"), "f1")))))
			cairn__oom(0);
		for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
			json_object_set(flat, keys[k], leaf(json_object_get(set, keys[k])) ?: json_null());
		json_decref(*out);
		if (!(*out = pick(flat, task, cairn_model_nclasses(m), 1)))
			cairn__oom(0);
		json_object_set_new(*out, "from", json_string(sets[i - 1]));
		json_decref(flat);
	}
	json_decref(v);
	return 0;
}

int cairn_monitor_performance(cairn_ctx *ctx, const cairn_model *m,
			      const struct cairn_monitor_performance_options *o, json_t **out)
{
	struct cairn__mon_rows rows = { 0 };
	struct perf p = { ctx, m, cairn_prep_task(cairn_model_prep(m)), cairn_model_nclasses(m),
			  &rows, NULL };
	struct cairn__mon_log_options lo = { o->model_ref, m, o->since_ms, NULL, p.k };
	json_t *base = NULL;
	size_t labelled = 0;
	int rc;

	*out = NULL;
	if (p.task != CAIRN_TASK_CLASSIFICATION && p.task != CAIRN_TASK_REGRESSION)
		return cairn_error(ctx, CAIRN_EINVAL, "performance needs a classifier or a regressor;"
				   " '%s' is a %s model", o->model_ref, cairn_task_name(p.task));
	if (o->window_ms < 0)
		return cairn_error(ctx, CAIRN_EINVAL, "a window of %lld ms", (long long)o->window_ms);
	if ((rc = baseline(ctx, m, o->model_ref, p.task, &base)) ||
	    (rc = cairn__mon_log_rows(ctx, &lo, &rows)))
		goto out;
	if (!(p.windows = json_array()))
		cairn__oom(0);
	if (o->window_rows)
		rc = count_windows(&p, o->window_rows);
	else if (o->window_ms)
		rc = time_windows(&p, o->window_ms);
	else if (rows.n)
		rc = add_window(&p, 0, rows.n, rows.time_ms[0], rows.time_ms[rows.n - 1]);
	if (rc)
		goto out;
	for (size_t i = 0; i < rows.n; i++)
		labelled += rows.label[i] != NULL;
	*out = json_pack("{s:s, s:s, s:o, s:O, s:I, s:I, s:I, s:O}", "model", o->model_ref,
			 "task", cairn_task_name(p.task), "window", o->window_rows ?
			 json_pack("{s:I}", "rows", (json_int_t)o->window_rows) : o->window_ms ?
			 json_pack("{s:I}", "ms", (json_int_t)o->window_ms) : json_null(),
			 "baseline", base, "predictions", (json_int_t)rows.n,
			 "labelled", (json_int_t)labelled, "unjoined", (json_int_t)rows.unjoined,
			 "windows", p.windows);
	if (!*out)
		cairn__oom(0);
out:
	json_decref(base);
	json_decref(p.windows);
	cairn__mon_rows_release(&rows);
	return rc;
}
