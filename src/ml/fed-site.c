/* A federated training site: the forked process that loads one shard, sends
 * its statistics, trains on its rows in the rounds and sends the sums of the
 * final model's metrics; see ml/federated.h for the protocol and
 * ml/fed-internal.h for how it is started. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cairn/buf.h"
#include "cairn/error.h"
#include "cairn/frame.h"
#include "cairn/workspace.h"
#include "core/ctx-internal.h"
#include "core/json.h"
#include "core/log.h"
#include "ml/fed-internal.h"
#include "ml/metrics-internal.h"
#include "ml/msg-pipe.h"

/* What a site trains on: its rows, as the agreed preprocessing makes them. */
struct shard {
	struct cairn_matrix x;
	double *y;
	double *class_weight;         /* per class, or NULL: all 1 */
	double C;                     /* of the objective (see the setup) */
	int regression, nclasses, nw; /* nw weight vectors */
	int multinomial;              /* logistic: softmax, else one-vs-rest */
};

/* The summary statistics of frame f (no row): see ml/federated.h. */
static json_t *shard_stats(const struct cairn_frame *f, size_t target,
			   const struct cairn_dataset_version *v)
{
	json_t *cols = json_array(), *classes = json_object(), *s, *had;
	const struct cairn_column *tc = &f->cols[target];
	cairn_buf cell = CAIRN_BUF_INIT, ref = CAIRN_BUF_INIT;
	double target_sum = 0;

	for (size_t c = 0; c < f->ncols; c++) {
		const struct cairn_column *col = &f->cols[c];
		json_t *o;
		if (c == target)
			continue;
		o = json_pack("{s:s, s:s}", "name", col->name, "type", cairn_type_name(col->type));
		if (col->type == CAIRN_TYPE_STRING) {
			size_t *count = cairn_xcalloc(col->ndict ? col->ndict : 1, sizeof(*count));
			json_t *cats = json_object();
			for (size_t r = 0; r < f->nrows; r++)
				if (col->valid[r])
					count[col->code[r]]++;
			for (uint32_t d = 0; d < col->ndict; d++)
				if (count[d])
					json_object_set_new(cats, col->dict[d],
							    json_integer((json_int_t)count[d]));
			free(count);
			json_object_set_new(o, "categories", cats);
		} else {
			double sum = 0, sq = 0;
			size_t n = 0;
			for (size_t r = 0; r < f->nrows; r++)
				if (col->valid[r]) {
					sum += col->num[r];
					sq += col->num[r] * col->num[r];
					n++;
				}
			json_object_set_new(o, "count", json_integer((json_int_t)n));
			json_object_set_new(o, "sum", json_real(sum));
			json_object_set_new(o, "sumsq", json_real(sq));
		}
		json_array_append_new(cols, o);
	}
	for (size_t r = 0; r < f->nrows; r++)
		if (tc->valid[r]) {
			cairn_buf_reset(&cell);
			cairn_frame_cell_text(f, r, target, &cell);
			if ((had = json_object_get(classes, cell.buf)))
				json_integer_set(had, json_integer_value(had) + 1);
			else if (json_object_size(classes) <= CAIRN__FED_MAX_CLASSES)
				json_object_set_new(classes, cell.buf, json_integer(1));
		}
	if (tc->type != CAIRN_TYPE_STRING) {
		double ysum = 0;
		for (size_t r = 0; r < f->nrows; r++)
			if (tc->valid[r])
				ysum += tc->num[r];
		target_sum = ysum;
	}
	cairn_buf_addf(&ref, "%s@%lld", v->name, (long long)v->version);
	s = json_pack("{s:s, s:s, s:s, s:I, s:I, s:o, s:{s:s, s:o}}", "dataset", ref.buf,
		      "version_id", v->id, "hash", v->hash, "rows", (json_int_t)f->nrows,
		      "nulls", (json_int_t)tc->nnull, "columns", cols, "target", "type",
		      cairn_type_name(tc->type), "classes", classes);
	json_object_set_new(s, "target_sum", json_real(target_sum));
	cairn_buf_release(&cell);
	cairn_buf_release(&ref);
	return s;
}

/* The loss of row i at its scores z[0 .. nw), times the row's class weight
 * (see ml/federated.h), and its derivatives in z into g. */
static double row_loss(const struct cairn__fed_options *o, const struct shard *sh, size_t i,
		       const double *z, double *g)
{
	int label = (int)sh->y[i], nw = sh->nw;
	double loss = 0;

	if (sh->regression) {
		/* max(0, |r| - p)^2: liblinear's L2-loss SVR, squares at p = 0. */
		double r = z[0] - sh->y[i], a = fabs(r) - o->p;
		g[0] = a > 0 ? copysign(2 * a, r) : 0;
		return a > 0 ? a * a : 0;
	}
	if (sh->multinomial && nw > 1) {
		/* Cross-entropy of the softmax, the largest score taken out. */
		double c = sh->class_weight ? sh->class_weight[label] : 1, m = z[0], sum = 0;
		for (int j = 1; j < nw; j++)
			if (z[j] > m)
				m = z[j];
		for (int j = 0; j < nw; j++)
			sum += g[j] = exp(z[j] - m);
		for (int j = 0; j < nw; j++)
			g[j] = c * (g[j] / sum - (j == label));
		return c * (m + log(sum) - z[label]);
	}
	for (int j = 0; j < nw; j++) {
		/* liblinear weights both classes of a binary problem, and in
		 * each of one class against the rest only the rows of that
		 * class. */
		double t = label == j ? 1 : -1, mz = t * z[j], c = 1;
		if (sh->class_weight)
			c = nw == 1 ? sh->class_weight[label] : label == j ? sh->class_weight[j] : 1;
		loss += c * (mz > 0 ? log1p(exp(-mz)) : -mz + log1p(exp(mz)));
		g[j] = c * (-t / (1 + exp(mz)));
	}
	return loss;
}

/* The mean loss gradient step on the shard from w, epochs times; returns
 * the loss sum at the starting w. */
static double local_train(const struct cairn__fed_options *o, const struct shard *sh, double *w,
			  double rows, int epochs, double lr, double *grad)
{
	const struct cairn_matrix *x = &sh->x;
	size_t nf = x->cols, d = nf + (o->bias > 0), nw = (size_t)sh->nw;
	double loss0 = 0, *z = cairn_xmalloc(2 * nw * sizeof(*z)), *g = z + nw;

	for (int e = 0; e <= epochs; e++) {
		double loss = 0;
		memset(grad, 0, d * nw * sizeof(*grad));
		for (size_t i = 0; i < x->rows; i++) {
			const float *xi = x->v + i * nf;
			for (size_t j = 0; j < nw; j++) {
				z[j] = o->bias > 0 ? w[nf * nw + j] * o->bias : 0;
				for (size_t f = 0; f < nf; f++)
					z[j] += w[f * nw + j] * xi[f];
			}
			loss += row_loss(o, sh, i, z, g);
			for (size_t j = 0; j < nw; j++) {
				for (size_t f = 0; f < nf; f++)
					grad[f * nw + j] += g[j] * xi[f];
				if (o->bias > 0)
					grad[nf * nw + j] += g[j] * o->bias;
			}
		}
		if (!e)
			loss0 = loss;
		if (e == epochs)
			break;
		for (size_t k = 0; k < d * nw; k++) {
			double gk = grad[k] / (double)(x->rows ? x->rows : 1);
			if (k < nf * nw)
				gk += w[k] / (sh->C * rows);
			w[k] -= lr * gk;
		}
	}
	free(z);
	return loss0;
}

static json_t *error_json(cairn_ctx *ctx, int rc)
{
	return json_pack("{s:s, s:i}", "error", cairn_errmsg(ctx), "code", rc);
}

/* The site's answer to the final model w: {"rows": n} and then its sums
 * (ml/metrics-internal.h) of the model's predictions on its rows, or
 * {"error", "code"}. */
static int site_metrics(cairn_ctx *ctx, const struct cairn__fed_options *o, const char *ref,
			const struct shard *sh, const double *w, int out)
{
	const struct cairn_matrix *x = &sh->x;
	struct cairn_eval_data d = { 0 };
	struct cairn__class_sums cs = { 0 };
	struct cairn__reg_sums rs;
	void *model = NULL;
	double *pred = NULL;
	json_t *msg;
	int rc;

	if (!(rc = cairn__fed_make_model(ctx, o, sh->regression, sh->nclasses, sh->multinomial,
					 x->cols, sh->nw, w, &model))) {
		pred = cairn_xmalloc((x->rows ? x->rows : 1) * o->algo->outputs(model) * sizeof(*pred));
		d.task = sh->regression ? CAIRN_TASK_REGRESSION : CAIRN_TASK_CLASSIFICATION;
		d.n = x->rows;
		d.y = sh->y;
		d.pred = pred;
		d.nclasses = sh->nclasses;
		if (x->rows && !(rc = o->algo->predict(ctx, model, x, pred)))
			rc = sh->regression ? cairn__eval_check_regression(ctx, &d) :
			     cairn__eval_check_classes(ctx, &d);
	}
	if (rc)
		cairn_error_prefix(ctx, "shard '%s'", ref);
	msg = rc ? error_json(ctx, rc) : json_pack("{s:I}", "rows", (json_int_t)x->rows);
	if (cairn__pipe_send_json(out, msg) || rc)
		goto out;
	if (sh->regression) {
		cairn__reg_sums_of(&d, &rs);
		rc = cairn__pipe_send_msg(out, &rs, sizeof(rs));
	} else {
		cairn__class_sums_init(&cs, sh->nclasses, CAIRN__SCORE_BINS);
		cairn__class_sums_add(&cs, &d);
		rc = cairn__pipe_send_msg(out, cs.v, cs.len * sizeof(*cs.v));
		cairn__class_sums_release(&cs);
	}
out:
	json_decref(msg);
	free(pred);
	if (model)
		o->algo->free(model);
	return rc;
}

_Noreturn void cairn__fed_site_main(const cairn_ctx *parent, const struct cairn__fed_options *o,
				    size_t index, int in, int out)
{
	cairn_ctx *ctx = cairn_ctx_new();
	struct cairn_dataset_version v = { 0 };
	struct cairn_frame *f = NULL;
	struct shard sh = { 0 };
	cairn_prep *prep = NULL;
	json_t *msg = NULL, *setup = NULL, *cw;
	double *w = NULL, *grad = NULL;
	char *text = NULL;
	size_t target, d = 0;
	int rc;

	if (!ctx)
		_exit(1);
	cairn__ctx_inherit(ctx, parent);
	sh.regression = o->algo->tasks & CAIRN_TASK_BIT(CAIRN_TASK_REGRESSION);
	if ((rc = cairn_workspace_open_dir(ctx, cairn_workspace_dir(parent))) ||
	    (rc = cairn_dataset_resolve(ctx, o->versions[index], &v)) ||
	    (rc = cairn_dataset_load_frame(ctx, &v, &f)) ||
	    (rc = cairn_frame_need_col(ctx, f, o->target, &target))) {
		cairn_error_prefix(ctx, "shard '%s'", o->shards[index]);
		msg = error_json(ctx, rc);
	} else {
		cairn__log_debug(ctx, "federated site %zu (pid %ld) loaded only dataset '%s@%lld'", index + 1,
				(long)getpid(), v.name, (long long)v.version);
		msg = shard_stats(f, target, &v);
	}
	if (cairn__pipe_send_json(out, msg) || rc)
		goto out;
	json_decref(msg);
	msg = NULL;
	/* The agreed preprocessing, and the class weights. */
	if (cairn__pipe_recv_msg(in, &text, NULL) || !(setup = json_loads(text, 0, NULL)))
		goto out;
	if ((rc = cairn_prep_from_json(ctx, json_object_get(setup, "prep"), &prep)) ||
	    (rc = cairn_prep_transform(ctx, prep, f, NULL, 0, &sh.x, &sh.y))) {
		cairn_error_prefix(ctx, "shard '%s'", o->shards[index]);
		msg = error_json(ctx, rc);
	} else {
		sh.nclasses = sh.regression ? 0 : cairn_prep_nclasses(prep);
		sh.nw = sh.nclasses > 2 ? sh.nclasses : 1;
		sh.C = json_number_value(json_object_get(setup, "C"));
		sh.multinomial = json_is_true(json_object_get(setup, "multinomial"));
		d = sh.x.cols + (o->bias > 0);
		if ((cw = json_object_get(setup, "class_weight"))) {
			sh.class_weight = cairn_xcalloc((size_t)sh.nclasses + 1, sizeof(double));
			for (int c = 0; c < sh.nclasses; c++)
				sh.class_weight[c] = json_number_value(json_array_get(cw, (size_t)c));
		}
		msg = json_pack("{s:b}", "ok", 1);
	}
	if (cairn__pipe_send_json(out, msg) || rc)
		goto out;
	w = cairn_xcalloc(d * (size_t)sh.nw, sizeof(*w));
	grad = cairn_xcalloc(d * (size_t)sh.nw, sizeof(*grad));
	for (;;) {
		/* [epochs, total rows, step, weights...] -> [rows, loss sum, weights...];
		 * epochs -1: the final model, answered by site_metrics. */
		double head[3], back[2];
		if (cairn__pipe_read_all(in, head, sizeof(head)) ||
		    cairn__pipe_read_all(in, w, d * (size_t)sh.nw * sizeof(*w)))
			break;
		if (head[0] < 0) {
			rc = site_metrics(ctx, o, o->shards[index], &sh, w, out);
			break;
		}
		back[0] = (double)sh.x.rows;
		back[1] = local_train(o, &sh, w, head[1], (int)head[0], head[2], grad);
		if (cairn__pipe_write_all(out, back, sizeof(back)) ||
		    cairn__pipe_write_all(out, w, d * (size_t)sh.nw * sizeof(*w)))
			break;
	}
out:
	/* The parent's state is not ours to free: leave without exit handlers. */
	json_decref(msg);
	json_decref(setup);
	free(text);
	free(w);
	free(grad);
	free(sh.x.v);
	free(sh.y);
	free(sh.class_weight);
	cairn_prep_free(prep);
	cairn_frame_free(f);
	cairn_dataset_version_release(&v);
	cairn_ctx_free(ctx);
	_exit(rc ? 1 : 0);
}
