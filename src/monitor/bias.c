/*
 * `cairn monitor bias`: the rows of a labelled frame the model predicts, or
 * of the prediction log joined with feedback, made binary against the
 * positive class and measured per group of the sensitive column
 * (ml's src/ml/metrics-fairness.c). The contract is include/cairn/monitor.h.
 */
#include <stdlib.h>
#include <string.h>
#include "cairn/error.h"
#include "cairn/monitor.h"
#include "core/oom.h"
#include "ml/model-internal.h"
#include "ml/preprocess.h"
#include "ml/fairness.h"
#include "monitor/rows.h"

/* The classes of m as "a, b, c" into out. */
static void class_list(const cairn_model *m, cairn_buf *out)
{
	for (int i = 0; i < cairn_model_nclasses(m); i++)
		cairn_buf_addf(out, "%s%s", i ? ", " : "", cairn_model_class(m, i));
}

static int positive_class(cairn_ctx *ctx, const cairn_model *m, const char *positive, int *out)
{
	cairn_buf list = CAIRN_BUF_INIT;
	int k = cairn_model_nclasses(m), rc;

	if (!k)
		return cairn_error(ctx, CAIRN_EINVAL, "bias needs a classifier; the model is a %s "
				   "model", cairn_task_name(cairn_prep_task(cairn_model_prep(m))));
	for (int i = 0; positive && i < k; i++)
		if (!strcmp(cairn_model_class(m, i), positive)) {
			*out = i;
			return 0;
		}
	if (!positive && k == 2) {
		*out = 1;
		return 0;
	}
	class_list(m, &list);
	if (positive)
		rc = cairn_error(ctx, CAIRN_EINVAL, "the positive class '%s' is none of the model's "
				 "classes (%s)", positive, list.buf);
	else
		rc = cairn_error(ctx, CAIRN_EINVAL, "the model has %d classes (%s): bias needs the "
				 "positive class, measured one against the rest", k, list.buf);
	cairn_buf_release(&list);
	return rc;
}

/* The rows of a labelled frame, predicted by m. */
static int frame_rows(cairn_ctx *ctx, const cairn_model *m,
		      const struct cairn_monitor_bias_options *o, struct cairn__mon_rows *rows)
{
	const struct cairn_frame *f = o->data;
	const char *label = o->label ? o->label : cairn_prep_target(cairn_model_prep(m));
	cairn_buf g = CAIRN_BUF_INIT, l = CAIRN_BUF_INIT;
	size_t gcol, lcol, nout = 0;
	double *pred = NULL;
	int rc;

	memset(rows, 0, sizeof(*rows));
	rows->k = cairn_model_nclasses(m);
	if ((rc = cairn_frame_need_col(ctx, f, o->sensitive, &gcol)) ||
	    (rc = cairn_frame_need_col(ctx, f, label ? label : "", &lcol)) ||
	    (rc = cairn_model_predict(ctx, m, f, NULL, 0, &pred, &nout)))
		goto out;
	for (size_t i = 0; i < f->nrows; i++) {
		const double *p = pred + i * nout;
		size_t best = 0;
		for (size_t c = 1; c < nout; c++)
			if (p[c] > p[best])
				best = c;
		cairn_buf_reset(&g);
		cairn_buf_reset(&l);
		if (f->cols[gcol].valid[i])
			cairn_frame_cell_text(f, i, gcol, &g);
		if (f->cols[lcol].valid[i])
			cairn_frame_cell_text(f, i, lcol, &l);
		cairn__mon_rows_add(rows, 0, cairn_model_class(m, (int)best),
				    f->cols[lcol].valid[i] ? l.buf : NULL,
				    f->cols[gcol].valid[i] ? g.buf : NULL,
				    nout == (size_t)rows->k ? p : NULL);
	}
out:
	free(pred);
	cairn_buf_release(&g);
	cairn_buf_release(&l);
	return rc;
}

int cairn_monitor_bias(cairn_ctx *ctx, const cairn_model *m,
		       const struct cairn_monitor_bias_options *o, json_t **out)
{
	struct cairn__mon_rows rows = { 0 };
	const char *pos_name;
	const char **group = NULL;
	int *yt = NULL, *yp = NULL, pos = 1, rc;
	size_t n = 0, grouped = 0;

	*out = NULL;
	if ((rc = positive_class(ctx, m, o->positive, &pos)))
		return rc;
	pos_name = cairn_model_class(m, pos);
	if (o->data) {
		if ((rc = frame_rows(ctx, m, o, &rows)))
			goto out;
	} else {
		struct cairn__mon_log_options lo = { o->model_ref, m, o->since_ms, o->sensitive,
						     cairn_model_nclasses(m) };
		if ((rc = cairn__mon_log_rows(ctx, &lo, &rows)))
			goto out;
	}
	yt = cairn_xmalloc((rows.n ? rows.n : 1) * sizeof(int));
	yp = cairn_xmalloc((rows.n ? rows.n : 1) * sizeof(int));
	group = cairn_xmalloc((rows.n ? rows.n : 1) * sizeof(*group));
	for (size_t i = 0; i < rows.n; i++) {
		if (!rows.label[i])
			continue;
		yt[n] = !strcmp(rows.label[i], pos_name);
		yp[n] = rows.pred[i] && !strcmp(rows.pred[i], pos_name);
		group[n] = rows.group[i];
		grouped += rows.group[i] != NULL;
		n++;
	}
	if (!n) {
		if (o->data)
			rc = cairn_error(ctx, CAIRN_EINVAL, "the label column '%s' has no value",
					 o->label ? o->label : cairn_prep_target(cairn_model_prep(m)));
		else
			rc = cairn_error(ctx, CAIRN_EINVAL, "no labels in the window: none of the %zu "
					 "logged predictions of '%s' has feedback", rows.n,
					 o->model_ref);
		goto out;
	}
	if (!grouped) {
		rc = cairn_error(ctx, CAIRN_EINVAL, o->data ? "the sensitive column '%s' has no value "
				 "in the %zu labelled rows" : "the sensitive column '%s' is in none of "
				 "the inputs of the %zu labelled predictions", o->sensitive, n);
		goto out;
	}
	*out = cairn__fairness_metrics(yt, yp, group, n);
	if (json_object_update_new(*out, json_pack("{s:s, s:s, s:s, s:s, s:I, s:I}",
			"model", o->model_ref, "source", o->data ? "data" : "predictions",
			"sensitive", o->sensitive, "positive", pos_name, "rows", (json_int_t)n,
			"unjoined", (json_int_t)rows.unjoined)))
		cairn__oom(0);
out:
	free(yt);
	free(yp);
	free(group);
	cairn__mon_rows_release(&rows);
	return rc;
}
