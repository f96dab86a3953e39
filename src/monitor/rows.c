/*
 * The rows of the prediction log for monitoring: the serve module's reader
 * (serve/predlog.h) over the workspace's segments, each record joined with
 * the latest feedback of its request id, its rows split out. See rows.h.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "cairn/error.h"
#include "cairn/registry.h"
#include "cairn/workspace.h"
#include "core/fs.h"
#include "core/json.h"
#include "core/oom.h"
#include "monitor/rows.h"
#include "serve/predlog.h"

size_t cairn__mon_rows_add(struct cairn__mon_rows *r, int64_t time_ms, const char *pred,
			   const char *label, const char *group, const double *proba)
{
	size_t i = r->n, k = r->k > 0 ? (size_t)r->k : 1;

	if (r->n == r->cap) {
		r->cap = r->cap ? 2 * r->cap : 256;
		r->time_ms = cairn_xrealloc(r->time_ms, r->cap * sizeof(*r->time_ms));
		r->pred = cairn_xrealloc(r->pred, r->cap * sizeof(*r->pred));
		r->label = cairn_xrealloc(r->label, r->cap * sizeof(*r->label));
		r->group = cairn_xrealloc(r->group, r->cap * sizeof(*r->group));
		r->proba = cairn_xrealloc(r->proba, r->cap * k * sizeof(*r->proba));
	}
	r->time_ms[i] = time_ms;
	r->pred[i] = pred ? cairn_xstrdup(pred) : NULL;
	r->label[i] = label ? cairn_xstrdup(label) : NULL;
	r->group[i] = group ? cairn_xstrdup(group) : NULL;
	if (proba)
		memcpy(r->proba + i * k, proba, k * sizeof(double));
	else
		r->proba[i * k] = NAN;
	r->n++;
	return i;
}

void cairn__mon_rows_release(struct cairn__mon_rows *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->pred[i]);
		free(r->label[i]);
		free(r->group[i]);
	}
	free(r->time_ms);
	free(r->pred);
	free(r->label);
	free(r->group);
	free(r->proba);
	memset(r, 0, sizeof(*r));
}

char *cairn__mon_value_text(const json_t *v)
{
	cairn_buf b = CAIRN_BUF_INIT;

	if (json_is_string(v))
		return cairn_xstrdup(json_string_value(v));
	if (json_is_integer(v))
		cairn_buf_addf(&b, "%lld", (long long)json_integer_value(v));
	else if (json_is_real(v))
		cairn_json_append_real(&b, json_real_value(v));
	else if (json_is_boolean(v))
		cairn_buf_adds(&b, json_is_true(v) ? "true" : "false");
	else
		return NULL;
	return cairn_buf_detach(&b, NULL);
}

struct log_state {
	cairn_ctx *ctx;
	const struct cairn__mon_log_options *o;
	struct cairn__mon_rows *out;
	json_t *feedback;
	char *exact;            /* the version the records must name, or NULL */
	char *prefix;           /* or the model they must name (NAME@), or a run */
};

/* Which records are the reference's: a registered version's "NAME@V", a
 * model's "NAME@..." (every version); a package's, which the server names
 * by its model_uuid (else its run id), those naming it; else those of the
 * served name ref. */
static void match_of(cairn_ctx *ctx, const char *ref, const cairn_model *m, struct log_state *s)
{
	const json_t *manifest = m ? cairn_model_manifest(m) : NULL;
	const char *uuid = json_string_value(json_object_get(manifest, "model_uuid"));
	const char *run = json_string_value(json_object_get(manifest, "run_id")), *id;
	struct cairn_registry_ref r;
	cairn_buf b = CAIRN_BUF_INIT;

	if (!cairn_registry_resolve(ctx, ref, &r)) {
		if (r.version) {
			cairn_buf_addf(&b, "%s@%lld", r.name, (long long)r.version);
			s->exact = cairn_buf_detach(&b, NULL);
			return;
		}
		cairn_buf_addf(&b, "%s@", r.name);
	} else {
		cairn_error_clear(ctx);
		if ((id = uuid && *uuid ? uuid : run && *run ? run : NULL)) {
			s->exact = cairn_xstrdup(id);
			return;
		}
		cairn_buf_adds(&b, ref);
	}
	s->prefix = cairn_buf_detach(&b, NULL);
}

static int matches(const struct log_state *s, json_t *rec)
{
	const char *v = json_string_value(json_object_get(rec, "version")) ?: "";

	if (s->exact)
		return !strcmp(v, s->exact);
	if (*s->prefix && s->prefix[strlen(s->prefix) - 1] == '@')
		return !strncmp(v, s->prefix, strlen(s->prefix));
	return !strcmp(json_string_value(json_object_get(rec, "model")) ?: "", s->prefix);
}

/* The label of row i of a record of n rows, or NULL. */
static const json_t *row_label(const json_t *label, size_t i, size_t n)
{
	if (json_is_array(label))
		return json_array_size(label) == n ? json_array_get(label, i) : NULL;
	return n == 1 ? label : NULL;
}

void cairn__mon_record_rows(const json_t *rec, const json_t *fb, const char *group,
			    struct cairn__mon_rows *out)
{
	const json_t *outputs = json_object_get(rec, "outputs"), *preds = outputs, *probas = NULL;
	const json_t *label = NULL, *groups = NULL;
	int64_t t = json_integer_value(json_object_get(rec, "time_ms"));
	size_t n, k = out->k > 0 ? (size_t)out->k : 0;
	double *p;

	if (json_is_object(outputs)) {
		preds = json_object_get(outputs, "predictions");
		probas = json_object_get(outputs, "probabilities");
	}
	if (!json_is_array(preds))
		return;
	n = json_array_size(preds);
	if (fb) {
		label = json_object_get(fb, "label");
		if (!row_label(label, 0, n)) {
			out->unjoined++;
			label = NULL;
		}
	}
	if (group)
		groups = json_object_get(json_object_get(rec, "inputs"), group);
	out->records++;
	p = cairn_xmalloc((k ? k : 1) * sizeof(double));
	for (size_t i = 0; i < n; i++) {
		char *pred = cairn__mon_value_text(json_array_get(preds, i));
		char *lab = label ? cairn__mon_value_text(row_label(label, i, n)) : NULL;
		char *grp = cairn__mon_value_text(json_array_get(groups, i));
		const json_t *pr = json_array_get(probas, i);
		int have = k && json_array_size(pr) == k;
		for (size_t c = 0; have && c < k; c++)
			p[c] = json_number_value(json_array_get(pr, c));
		cairn__mon_rows_add(out, t, pred, lab, grp, have ? p : NULL);
		free(pred);
		free(lab);
		free(grp);
	}
	free(p);
}

static int take_record(void *arg, json_t *rec, const char *segment, uint64_t offset)
{
	struct log_state *s = arg;
	int64_t t = json_integer_value(json_object_get(rec, "time_ms"));

	(void)segment;
	(void)offset;
	if (json_integer_value(json_object_get(rec, "status")) != 200 ||
	    json_is_true(json_object_get(rec, "shadow")) || (s->o->since_ms && t < s->o->since_ms) ||
	    !matches(s, rec))
		return 0;
	cairn__mon_record_rows(rec, json_object_get(s->feedback, json_string_value(
				       json_object_get(rec, "id")) ?: ""), s->o->group, s->out);
	return 0;
}

/* Sorts the rows by time, keeping the log's order among equal times. */
static void sort_by_time(struct cairn__mon_rows *r)
{
	size_t k = r->k > 0 ? (size_t)r->k : 1;

	for (size_t i = 1; i < r->n; i++) {
		int64_t t = r->time_ms[i];
		char *pred = r->pred[i], *label = r->label[i], *group = r->group[i];
		double *p = cairn_xmalloc(k * sizeof(double));
		size_t j = i;

		if (r->time_ms[i - 1] <= t) {
			free(p);
			continue;
		}
		memcpy(p, r->proba + i * k, k * sizeof(double));
		for (; j > 0 && r->time_ms[j - 1] > t; j--) {
			r->time_ms[j] = r->time_ms[j - 1];
			r->pred[j] = r->pred[j - 1];
			r->label[j] = r->label[j - 1];
			r->group[j] = r->group[j - 1];
			memcpy(r->proba + j * k, r->proba + (j - 1) * k, k * sizeof(double));
		}
		r->time_ms[j] = t;
		r->pred[j] = pred;
		r->label[j] = label;
		r->group[j] = group;
		memcpy(r->proba + j * k, p, k * sizeof(double));
		free(p);
	}
}

int cairn__mon_log_rows(cairn_ctx *ctx, const struct cairn__mon_log_options *o,
			struct cairn__mon_rows *out)
{
	struct log_state s = { ctx, o, out, NULL, NULL, NULL };
	const char *w = cairn_workspace_dir(ctx);
	cairn_buf dir = CAIRN_BUF_INIT;
	json_t *names = NULL, *v;
	size_t i;
	int rc;

	memset(out, 0, sizeof(*out));
	out->k = o->k;
	if (!w)
		return cairn_error(ctx, CAIRN_ENOWORKSPACE, "no workspace is open");
	match_of(ctx, o->model_ref, o->model, &s);
	cairn_path_join(&dir, w, CAIRN__PREDLOG_DIR);
	if ((rc = cairn__feedback_latest(ctx, &s.feedback)) ||
	    (rc = cairn__predlog_segment_names(ctx, dir.buf, &names)))
		goto out;
	json_array_foreach(names, i, v) {
		if ((rc = cairn__predlog_read_segment(ctx, dir.buf, json_string_value(v), take_record,
						      &s)))
			goto out;
		if (cairn_ctx_cancelled(ctx)) {
			rc = cairn_error(ctx, CAIRN_EINTERRUPTED, "interrupted");
			goto out;
		}
	}
	sort_by_time(out);
out:
	if (rc)
		cairn__mon_rows_release(out);
	json_decref(names);
	json_decref(s.feedback);
	free(s.exact);
	free(s.prefix);
	cairn_buf_release(&dir);
	return rc;
}
