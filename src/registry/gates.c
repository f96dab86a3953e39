/*
 * The gate engine: loads the candidate (and the holder), evaluates them now
 * on the holdout dataset version, runs every gate the config declares and
 * assembles the report; see include/cairn/gates.h. The package gates are in
 * gate-package.c, the fairness figures in gate-fairness.c, the table for
 * people in gate-table.c.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "cairn/buf.h"
#include "cairn/dataset.h"
#include "cairn/error.h"
#include "cairn/expect.h"
#include "cairn/model-eval.h"
#include "cairn/registry.h"
#include "ml/model-internal.h"
#include "registry/gates-internal.h"

struct run {
	cairn_ctx *ctx;
	const struct cairn_gates_options *o;
	const struct cairn_gates_config *c;
	cairn_model *cand, *holder;
	struct cairn_dataset_version holdout;
	int have_holdout;
	char holdout_ref[CAIRN_NAME_MAX + 32];
	struct cairn_frame *f;
	json_t *cand_eval, *holder_eval;  /* metrics on the holdout */
	char *holder_error;               /* why the holder could not be evaluated */
	json_t *gates;
};

json_t *cairn__gate_row(const char *gate, json_t *value, const char *threshold,
			const char *verdict, const char *detail)
{
	return json_pack("{s:s, s:o, s:s, s:s, s:s}", "gate", gate, "value",
			 value ? value : json_null(), "threshold", threshold, "verdict", verdict,
			 "detail", detail);
}

static void add_row(struct run *r, const char *gate, json_t *value, const char *threshold,
		    const char *verdict, const char *detail)
{
	json_array_append_new(r->gates, cairn__gate_row(gate, value, threshold, verdict, detail));
}

/* A metric of an evaluation by name ("macro.f1" looks inside "macro"). */
static const json_t *metric_of(const json_t *eval, const char *name)
{
	const char *dot = strchr(name, '.');
	char head[64];

	if (!dot)
		return json_object_get(eval, name);
	if ((size_t)(dot - name) >= sizeof(head))
		return NULL;
	memcpy(head, name, (size_t)(dot - name));
	head[dot - name] = '\0';
	return json_object_get(json_object_get(eval, head), dot + 1);
}

/* The error for a gate naming a metric the candidate's task does not have. */
static int no_such_metric(struct run *r, const char *section, const char *metric,
			  const struct cairn__gate_at *at)
{
	cairn_buf has = CAIRN_BUF_INIT;
	const char *task = cairn_task_name(cairn_prep_task(cairn_model_prep(r->cand))), *name;
	int rc;

	for (size_t i = 0; (name = cairn__gate_metric_name(i)); i++)
		if (metric_of(r->cand_eval, name))
			cairn_buf_addf(&has, "%s%s", has.len ? ", " : "", name);
	rc = cairn_error(r->ctx, CAIRN_EINVAL, "'%s' line %zu column %zu: models.%s.gates.%s.%s:"
			 " the candidate is a %s model, which has no metric '%s' (it has %s)",
			 r->c->path, at->line, at->col, r->c->model, section, metric, task,
			 metric, has.buf);
	cairn_buf_release(&has);
	return rc;
}

/* Every metric a gate names must be one of the candidate's task. */
static int check_metrics(struct run *r)
{
	const struct cairn_gates_config *c = r->c;

	for (size_t i = 0; i < c->nmetrics; i++)
		if (!metric_of(r->cand_eval, c->metrics[i].metric))
			return no_such_metric(r, "metrics", c->metrics[i].metric, &c->metrics[i].at);
	for (size_t i = 0; i < c->ndrops; i++)
		if (!metric_of(r->cand_eval, c->drops[i].metric))
			return no_such_metric(r, "max_drop", c->drops[i].metric, &c->drops[i].at);
	return 0;
}

static void threshold_text(const struct cairn__metric_gate *g, cairn_buf *out)
{
	cairn_buf_addf(out, "%s %g", cairn__gate_op_text(g->op), g->value);
}

static void metric_gates(struct run *r)
{
	cairn_buf name = CAIRN_BUF_INIT, thr = CAIRN_BUF_INIT, detail = CAIRN_BUF_INIT;

	for (size_t i = 0; i < r->c->nmetrics; i++) {
		const struct cairn__metric_gate *g = &r->c->metrics[i];
		const json_t *v = metric_of(r->cand_eval, g->metric);
		cairn_buf_reset(&name);
		cairn_buf_reset(&thr);
		cairn_buf_reset(&detail);
		cairn_buf_addf(&name, "metric %s", g->metric);
		threshold_text(g, &thr);
		cairn_buf_addf(&detail, "on %s (%lld rows)", r->holdout_ref,
			       (long long)json_integer_value(json_object_get(r->cand_eval, "rows")));
		if (!json_is_number(v)) {
			cairn_buf_adds(&detail, ": undefined on this holdout");
			add_row(r, name.buf, NULL, thr.buf, "fail", detail.buf);
			continue;
		}
		add_row(r, name.buf, json_real(json_number_value(v)), thr.buf,
			cairn__gate_op_holds(g->op, json_number_value(v), g->value) ? "pass" : "fail",
			detail.buf);
	}
	cairn_buf_release(&name);
	cairn_buf_release(&thr);
	cairn_buf_release(&detail);
}

/* Per slice: the worst slice for the operator (the minimum for >=, the
 * maximum for <=) must pass. */
static void slice_gates(struct run *r)
{
	const json_t *slices = json_object_get(r->cand_eval, "slices"), *s;
	cairn_buf name = CAIRN_BUF_INIT, thr = CAIRN_BUF_INIT, detail = CAIRN_BUF_INIT;
	const char *key;

	for (size_t i = 0; i < r->c->nmetrics; i++) {
		const struct cairn__metric_gate *g = &r->c->metrics[i];
		int low = g->op == CAIRN__GATE_GE || g->op == CAIRN__GATE_GT;
		const char *worst = NULL;
		double wv = NAN;
		size_t undefined = 0, n = 0;
		json_t *row;
		cairn_buf_reset(&name);
		cairn_buf_reset(&thr);
		cairn_buf_reset(&detail);
		cairn_buf_addf(&name, "metric %s by %s", g->metric, r->c->by);
		threshold_text(g, &thr);
		json_object_foreach((json_t *)slices, key, s) {
			const json_t *v = metric_of(s, g->metric);
			n++;
			if (!json_is_number(v)) {
				undefined++;
				continue;
			}
			if (!worst || (low ? json_number_value(v) < wv : json_number_value(v) > wv)) {
				worst = key;
				wv = json_number_value(v);
			}
		}
		if (!worst) {
			cairn_buf_addf(&detail, "undefined on every one of %zu slices", n);
			add_row(r, name.buf, NULL, thr.buf, "fail", detail.buf);
			continue;
		}
		cairn_buf_addf(&detail, "worst of %zu slices: %s = '%s' (%lld rows)", n, r->c->by,
			       worst, (long long)json_integer_value(json_object_get(
				       json_object_get(slices, worst), "rows")));
		if (undefined)
			cairn_buf_addf(&detail, "; undefined on %zu slices, left out", undefined);
		row = cairn__gate_row(name.buf, json_real(wv), thr.buf,
				      cairn__gate_op_holds(g->op, wv, g->value) ? "pass" : "fail",
				      detail.buf);
		json_object_set_new(row, "slice", json_string(worst));
		json_array_append_new(r->gates, row);
	}
	cairn_buf_release(&name);
	cairn_buf_release(&thr);
	cairn_buf_release(&detail);
}

/* No regression against the holder: the drop (higher is better: holder -
 * candidate; lower is better: candidate - holder) is at most max. */
static void drop_gates(struct run *r)
{
	cairn_buf name = CAIRN_BUF_INIT, thr = CAIRN_BUF_INIT, detail = CAIRN_BUF_INIT;

	for (size_t i = 0; i < r->c->ndrops; i++) {
		const struct cairn__drop_gate *g = &r->c->drops[i];
		const json_t *cv = metric_of(r->cand_eval, g->metric), *hv;
		double drop;
		json_t *row;
		cairn_buf_reset(&name);
		cairn_buf_reset(&thr);
		cairn_buf_reset(&detail);
		cairn_buf_addf(&name, "max_drop %s", g->metric);
		cairn_buf_addf(&thr, "<= %g", g->max);
		if (!r->holder) {
			add_row(r, name.buf, NULL, thr.buf, "skip", "no holder to compare with");
			continue;
		}
		if (!r->holder_eval) {
			cairn_buf_addf(&detail, "the holder cannot be evaluated on %s: %s",
				       r->holdout_ref, r->holder_error);
			add_row(r, name.buf, NULL, thr.buf, "fail", detail.buf);
			continue;
		}
		hv = metric_of(r->holder_eval, g->metric);
		if (!json_is_number(cv) || !json_is_number(hv)) {
			cairn_buf_addf(&detail, "%s is undefined on %s for the %s", g->metric,
				       r->holdout_ref, json_is_number(cv) ? "holder" : "candidate");
			add_row(r, name.buf, NULL, thr.buf, "fail", detail.buf);
			continue;
		}
		drop = cairn__gate_metric_lower_better(g->metric) ?
		       json_number_value(cv) - json_number_value(hv) :
		       json_number_value(hv) - json_number_value(cv);
		cairn_buf_addf(&detail, "candidate %.6g, holder %.6g on %s", json_number_value(cv),
			       json_number_value(hv), r->holdout_ref);
		row = cairn__gate_row(name.buf, json_real(drop), thr.buf,
				      drop <= g->max ? "pass" : "fail", detail.buf);
		json_object_set_new(row, "candidate", json_real(json_number_value(cv)));
		json_object_set_new(row, "holder", json_real(json_number_value(hv)));
		json_array_append_new(r->gates, row);
	}
	cairn_buf_release(&name);
	cairn_buf_release(&thr);
	cairn_buf_release(&detail);
}

static int expectation_gate(struct run *r)
{
	struct cairn_suite *suite = NULL;
	json_t *report = NULL, *row;
	cairn_buf thr = CAIRN_BUF_INIT, detail = CAIRN_BUF_INIT;
	const json_t *summary;
	int passed = 0, rc;

	if ((rc = cairn_suite_load(r->ctx, r->c->expectations, &suite))) {
		cairn_error_prefix(r->ctx, "'%s' line %zu column %zu: models.%s.gates.expectations",
				   r->c->path, r->c->expectations_at.line, r->c->expectations_at.col,
				   r->c->model);
		goto out;
	}
	if ((rc = cairn_expect_check(r->ctx, r->f, suite, NULL, &report, &passed)))
		goto out;
	summary = json_object_get(report, "summary");
	cairn_buf_addf(&thr, "all of %s pass", r->c->expectations_as_given);
	cairn_buf_addf(&detail, "%lld of %lld expectations failed on %s",
		       (long long)json_integer_value(json_object_get(summary, "failed")),
		       (long long)json_integer_value(json_object_get(summary, "expectations")),
		       r->holdout_ref);
	row = cairn__gate_row("expectations", json_integer(json_integer_value(
				json_object_get(summary, "failed"))), thr.buf,
			      passed ? "pass" : "fail", detail.buf);
	json_array_append_new(r->gates, row);
out:
	cairn_suite_free(suite);
	json_decref(report);
	cairn_buf_release(&thr);
	cairn_buf_release(&detail);
	return rc;
}

/* One training dataset version of the lineage: its recorded checks. */
static void check_version(struct run *r, const json_t *in, cairn_buf *problems, size_t *ok)
{
	const char *ref = json_string_value(json_object_get(in, "dataset"));
	const char *id = json_string_value(json_object_get(in, "version_id"));
	struct cairn_dataset_version v;
	json_t *checks, *rec;
	const char *label;
	size_t failed = 0;

	if (!ref)
		ref = "?";
	if (!id || cairn_dataset_resolve(r->ctx, id, &v)) {
		cairn_error_clear(r->ctx);
		cairn_buf_addf(problems, "%s%s is not in this workspace", problems->len ? "; " : "",
			       ref);
		return;
	}
	checks = cairn_expect_recorded(&v);
	json_object_foreach(checks, label, rec)
		if (!json_is_true(json_object_get(rec, "passed"))) {
			cairn_buf_addf(problems, "%s%s failed suite '%s' (%lld of %lld expectations)",
				       problems->len ? "; " : "", ref, label,
				       (long long)json_integer_value(json_object_get(rec, "failed")),
				       (long long)json_integer_value(json_object_get(rec, "expectations")));
			failed++;
		}
	if (!json_object_size(checks))
		cairn_buf_addf(problems, "%s%s has no recorded data check",
			       problems->len ? "; " : "", ref);
	else if (!failed)
		(*ok)++;
	json_decref(checks);
	cairn_dataset_version_release(&v);
}

static void training_data_gate(struct run *r)
{
	const json_t *lineage = cairn_model_lineage(r->cand), *in;
	cairn_buf problems = CAIRN_BUF_INIT, thr = CAIRN_BUF_INIT;
	size_t i, n = 0, ok = 0;

	json_array_foreach(json_object_get(lineage, "data"), i, in) {
		if (strcmp(json_string_value(json_object_get(in, "context")) ?
			   json_string_value(json_object_get(in, "context")) : "", "train"))
			continue;
		n++;
		check_version(r, in, &problems, &ok);
	}
	cairn_buf_addf(&thr, "all %zu training versions", n);
	if (!n)
		add_row(r, "training_data_checked", NULL, "a recorded check of each training version",
			"fail", "the package's lineage names no training dataset version");
	else
		add_row(r, "training_data_checked", json_integer((json_int_t)ok), thr.buf,
			ok == n ? "pass" : "fail",
			problems.len ? problems.buf : "every training version passed its recorded checks");
	cairn_buf_release(&problems);
	cairn_buf_release(&thr);
}

/* The class index of the positive class: g->positive, else the second. */
static int positive_class(struct run *r, const struct cairn__fairness_gate *g, int *out)
{
	*out = 1;
	if (!g->positive)
		return 0;
	for (int i = 0; i < cairn_model_nclasses(r->cand); i++)
		if (!strcmp(cairn_model_class(r->cand, i), g->positive)) {
			*out = i;
			return 0;
		}
	return cairn_error(r->ctx, CAIRN_EINVAL, "'%s' line %zu column %zu: models.%s.gates.fairness:"
			   " the positive class '%s' is none of the model's classes", r->c->path,
			   g->at.line, g->at.col, r->c->model, g->positive);
}

static int fairness_gate(struct run *r, const struct cairn__fairness_gate *g)
{
	size_t n = r->f->nrows, col, nout = 0;
	int *yt = NULL, *yp = NULL, pos, rc;
	const char **group = NULL;
	cairn_buf cells = CAIRN_BUF_INIT, name = CAIRN_BUF_INIT, thr = CAIRN_BUF_INIT;
	cairn_buf detail = CAIRN_BUF_INIT;
	struct cairn_matrix x = { 0 };
	size_t *off = NULL;
	double *pred = NULL, *y = NULL;
	json_t *fair = NULL, *row, *v;

	if (cairn_model_nclasses(r->cand) != 2)
		return cairn_error(r->ctx, CAIRN_EINVAL, "'%s' line %zu column %zu: models.%s.gates."
				   "fairness: needs a binary classifier with a positive class; the"
				   " candidate has %d classes", r->c->path, g->at.line, g->at.col,
				   r->c->model, cairn_model_nclasses(r->cand));
	/* The true classes as evaluation encodes them (the holdout's target). */
	if ((rc = positive_class(r, g, &pos)) ||
	    (rc = cairn_frame_need_col(r->ctx, r->f, g->column, &col)) ||
	    (rc = cairn_prep_transform(r->ctx, cairn_model_prep(r->cand), r->f, NULL, 0, &x, &y)) ||
	    (rc = cairn_model_predict(r->ctx, r->cand, r->f, NULL, 0, &pred, &nout)))
		goto out;
	yt = cairn_xmalloc((n ? n : 1) * sizeof(int));
	yp = cairn_xmalloc((n ? n : 1) * sizeof(int));
	group = cairn_xcalloc(n ? n : 1, sizeof(*group));
	off = cairn_xmalloc((n ? n : 1) * sizeof(size_t));
	/* The groups' texts, kept in one buffer: offsets first. */
	for (size_t i = 0; i < n; i++) {
		off[i] = cells.len;
		cairn_frame_cell_text(r->f, i, col, &cells);
		cairn_buf_addch(&cells, '\0');
	}
	for (size_t i = 0; i < n; i++) {
		const double *p = pred + i * nout;
		int best = 0;
		for (size_t k = 1; k < nout; k++)
			if (p[k] > p[best])
				best = (int)k;
		yp[i] = best == pos;
		yt[i] = (int)y[i] == pos;
		group[i] = r->f->cols[col].valid[i] ? cells.buf + off[i] : NULL;
	}
	cairn__fairness(g->metric, yt, yp, group, n, &fair);
	v = json_object_get(fair, "value");
	cairn_buf_addf(&name, "fairness %s by %s", json_string_value(json_object_get(fair, "metric")),
		       g->column);
	cairn_buf_addf(&thr, "<= %g", g->max);
	cairn_buf_addf(&detail, "%zu groups, positive class '%s'",
		       json_object_size(json_object_get(fair, "groups")),
		       cairn_model_class(r->cand, pos));
	if (json_integer_value(json_object_get(fair, "left_out")))
		cairn_buf_addf(&detail, "; %lld rows without a group left out",
			       (long long)json_integer_value(json_object_get(fair, "left_out")));
	if (!json_is_number(v))
		cairn_buf_adds(&detail, "; undefined with fewer than two groups");
	row = cairn__gate_row(name.buf, json_incref(v), thr.buf,
			      json_is_number(v) && json_number_value(v) <= g->max ? "pass" : "fail",
			      detail.buf);
	json_object_set(row, "groups", json_object_get(fair, "groups"));
	json_array_append_new(r->gates, row);
out:
	json_decref(fair);
	free(yt);
	free(yp);
	free(group);
	free(off);
	free(pred);
	free(y);
	free(x.v);
	cairn_buf_release(&cells);
	cairn_buf_release(&name);
	cairn_buf_release(&thr);
	cairn_buf_release(&detail);
	return rc;
}

/* The holdout, its target column named as the candidate's model names it. */
static int load_holdout(struct run *r)
{
	const char *want = cairn_prep_target(cairn_model_prep(r->cand));
	int rc, at;

	if ((rc = cairn_dataset_resolve(r->ctx, r->c->holdout, &r->holdout))) {
		cairn_error_prefix(r->ctx, "'%s' line %zu column %zu: models.%s.holdout", r->c->path,
				   r->c->holdout_at.line, r->c->holdout_at.col, r->c->model);
		return rc;
	}
	r->have_holdout = 1;
	snprintf(r->holdout_ref, sizeof(r->holdout_ref), "%s@%lld", r->holdout.name,
		 (long long)r->holdout.version);
	if ((rc = cairn_dataset_load_frame(r->ctx, &r->holdout, &r->f)))
		return rc;
	if (!r->c->target || !want || !strcmp(r->c->target, want))
		return 0;
	/* target: names the holdout's column of true values when it differs
	 * from the model's own name for it (an imported model's "target"). */
	if ((at = cairn_frame_col(r->f, r->c->target)) < 0)
		return cairn_error(r->ctx, CAIRN_ENOTFOUND, "'%s' line %zu column %zu: models.%s.target:"
				   " %s has no column '%s'", r->c->path, r->c->target_at.line,
				   r->c->target_at.col, r->c->model, r->holdout_ref, r->c->target);
	if (cairn_frame_col(r->f, want) >= 0)
		return cairn_error(r->ctx, CAIRN_EINVAL, "'%s' line %zu column %zu: models.%s.target:"
				   " %s has both '%s' and the model's target '%s'", r->c->path,
				   r->c->target_at.line, r->c->target_at.col, r->c->model,
				   r->holdout_ref, r->c->target, want);
	free(r->f->cols[at].name);
	r->f->cols[at].name = cairn_xstrdup(want);
	return 0;
}

static int evaluate(struct run *r)
{
	struct cairn_model_eval_options eo = { 0 };
	int rc;

	eo.by = r->c->by;
	eo.seed = r->o->seed;
	if ((rc = cairn_model_evaluate(r->ctx, r->cand, r->f, &eo, &r->cand_eval))) {
		cairn_error_prefix(r->ctx, "cannot evaluate the candidate on %s", r->holdout_ref);
		return rc;
	}
	if (r->holder && r->c->ndrops) {
		eo.by = NULL;
		if (cairn_model_evaluate(r->ctx, r->holder, r->f, &eo, &r->holder_eval)) {
			r->holder_error = cairn_xstrdup(cairn_errmsg(r->ctx));
			cairn_error_clear(r->ctx);
		}
	}
	return 0;
}

static json_t *model_json(const cairn_model *m, const char *ref)
{
	const json_t *mf = cairn_model_manifest(m);
	const char *run = json_string_value(json_object_get(mf, "run_id"));
	const char *uuid = json_string_value(json_object_get(mf, "model_uuid"));

	return json_pack("{s:s, s:o, s:o}", "ref", ref, "run_id", run ? json_string(run) : json_null(),
			 "model_uuid", uuid ? json_string(uuid) : json_null());
}

static json_t *report_of(struct run *r, int *passed)
{
	size_t i, counts[3] = { 0 };
	json_t *row, *report;

	json_array_foreach(r->gates, i, row) {
		const char *v = json_string_value(json_object_get(row, "verdict"));
		counts[!strcmp(v, "pass") ? 0 : !strcmp(v, "fail") ? 1 : 2]++;
	}
	*passed = counts[1] == 0;
	report = json_pack("{s:s, s:s, s:o, s:o, s:o, s:s, s:I, s:I, s:I, s:O}",
			   "model", r->c->model, "config", r->c->path,
			   "candidate", model_json(r->cand, r->o->candidate),
			   "holder", r->holder ? model_json(r->holder, r->o->holder) : json_null(),
			   "holdout", r->have_holdout ? json_pack("{s:s, s:s, s:s, s:I}", "dataset",
				r->holdout_ref, "version_id", r->holdout.id, "hash", r->holdout.hash,
				"rows", (json_int_t)r->f->nrows) : json_null(),
			   "verdict", *passed ? "pass" : "fail",
			   "passed", (json_int_t)counts[0], "failed", (json_int_t)counts[1],
			   "skipped", (json_int_t)counts[2], "gates", r->gates);
	json_object_set(report, "evaluation", r->cand_eval ? r->cand_eval : json_null());
	return report;
}

static int run_gates(struct run *r)
{
	const struct cairn_gates_config *c = r->c;
	int rc = 0;

	if (c->holdout && ((rc = load_holdout(r)) || (rc = evaluate(r)) || (rc = check_metrics(r))))
		return rc;
	if (r->cand_eval) {
		metric_gates(r);
		if (c->by)
			slice_gates(r);
		drop_gates(r);
	}
	if (c->expectations && (rc = expectation_gate(r)))
		return rc;
	if (c->training_data_checked)
		training_data_gate(r);
	if (c->smoke && (rc = cairn__gate_smoke(r->ctx, r->cand, r->gates)))
		return rc;
	if (c->has_latency &&
	    (rc = cairn__gate_latency(r->ctx, c, r->cand, r->f, r->o->latency_rows ?
				      r->o->latency_rows : CAIRN_GATES_LATENCY_ROWS, r->gates)))
		return rc;
	if (c->schema)
		cairn__gate_schema(r->cand, r->holder, r->gates);
	for (size_t i = 0; i < c->nfairness && !rc; i++)
		rc = fairness_gate(r, &c->fairness[i]);
	return rc;
}

int cairn_gates_run(cairn_ctx *ctx, const struct cairn_gates_options *o, json_t **report,
		    int *passed)
{
	struct run r;
	int rc;

	*report = NULL;
	*passed = 0;
	if (!o->config || !o->candidate)
		return cairn_error(ctx, CAIRN_EINVAL, "the gates need a candidate and a configuration");
	memset(&r, 0, sizeof(r));
	r.ctx = ctx;
	r.o = o;
	r.c = o->config;
	r.gates = json_array();
	if ((rc = cairn_registry_model_open(ctx, o->candidate, &r.cand))) {
		cairn_error_prefix(ctx, "the candidate");
		goto out;
	}
	if (o->holder && (rc = cairn_registry_model_open(ctx, o->holder, &r.holder))) {
		cairn_error_prefix(ctx, "the holder");
		goto out;
	}
	if (!(rc = run_gates(&r)))
		*report = report_of(&r, passed);
out:
	json_decref(r.gates);
	json_decref(r.cand_eval);
	json_decref(r.holder_eval);
	free(r.holder_error);
	cairn_frame_free(r.f);
	if (r.have_holdout)
		cairn_dataset_version_release(&r.holdout);
	cairn_model_free(r.cand);
	cairn_model_free(r.holder);
	return rc;
}
