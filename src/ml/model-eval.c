/* Evaluating a model package on labelled data, with slices and plots; see
 * include/cairn/model-eval.h. */
#include <stdlib.h>
#include <string.h>
#include "cairn/buf.h"
#include "cairn/error.h"
#include "cairn/model-eval.h"
#include "core/fs.h"
#include "core/output.h"
#include "ml/evaluate.h"
#include "ml/model-internal.h"
#include "ml/plots.h"

typedef int (*plot_fn)(cairn_ctx *ctx, const struct cairn_eval_data *d, const char *title,
		       cairn_buf *out);

static const char *const plot_names[] = {
	"roc.svg", "pr.svg", "confusion.svg", "residuals.svg", "importance.svg"
};

/* Hands one plot to opts->plot_fn, or writes it to opts->plots_dir. */
static int write_plot(cairn_ctx *ctx, const struct cairn_model_eval_options *opts,
		      const char *name, const cairn_buf *svg, const struct cairn__output_opts *o,
		      json_t *written)
{
	cairn_buf path = CAIRN_BUF_INIT;
	int rc;

	if (opts->plot_fn) {
		rc = opts->plot_fn(opts->plot_arg, name, svg->buf, svg->len);
	} else {
		cairn_path_join(&path, opts->plots_dir, name);
		rc = cairn__output_write(ctx, path.buf, svg->buf, svg->len, o);
	}
	if (!rc)
		json_array_append_new(written, json_string(name));
	cairn_buf_release(&path);
	return rc;
}

/* Fails before any plot is written when one of them could not be. */
static int check_plots(cairn_ctx *ctx, const char *dir, const struct cairn__output_opts *o)
{
	cairn_buf path = CAIRN_BUF_INIT;
	int rc = 0;

	for (size_t i = 0; i < sizeof(plot_names) / sizeof(plot_names[0]) && !rc; i++) {
		cairn_path_join(&path, dir, plot_names[i]);
		rc = cairn__output_check(ctx, path.buf, o);
	}
	cairn_buf_release(&path);
	return rc;
}

static int write_plots(cairn_ctx *ctx, const cairn_model *m, const struct cairn_eval_data *d,
		       const struct cairn_model_eval_options *opts, json_t *written)
{
	static const struct { const char *name; plot_fn fn; enum cairn_task task; } plots[] = {
		{ "roc.svg", cairn_plot_roc, CAIRN_TASK_CLASSIFICATION },
		{ "pr.svg", cairn_plot_pr, CAIRN_TASK_CLASSIFICATION },
		{ "confusion.svg", cairn_plot_confusion, CAIRN_TASK_CLASSIFICATION },
		{ "residuals.svg", cairn_plot_residuals, CAIRN_TASK_REGRESSION },
	};
	const struct cairn_algorithm *algo = cairn_model_algorithm(m);
	const cairn_prep *prep = cairn_model_prep(m);
	struct cairn__output_opts o;
	cairn_buf svg = CAIRN_BUF_INIT;
	int rc;

	cairn__output_opts_init(ctx, &o, !!(opts->plots_flags & CAIRN_OUTPUT_FORCE));
	if (!opts->plot_fn && ((rc = cairn_mkdir_p(ctx, opts->plots_dir, 0777)) ||
			       (rc = check_plots(ctx, opts->plots_dir, &o))))
		return rc;
	for (size_t i = 0; i < sizeof(plots) / sizeof(plots[0]) && !rc; i++) {
		if (plots[i].task != d->task)
			continue;
		cairn_buf_reset(&svg);
		if (!(rc = plots[i].fn(ctx, d, NULL, &svg)))
			rc = write_plot(ctx, opts, plots[i].name, &svg, &o, written);
	}
	if (!rc && algo->importance) {
		size_t n = cairn_prep_nfeatures(prep);
		double *value = cairn_xcalloc(n, sizeof(double));
		const char **names = cairn_xmalloc(n * sizeof(*names));
		for (size_t i = 0; i < n; i++)
			names[i] = cairn_prep_feature(prep, i);
		if (!(rc = algo->importance(ctx, cairn_model_learner(m), n, value))) {
			cairn_buf_reset(&svg);
			cairn_plot_importance(value, names, n, NULL, &svg);
			rc = write_plot(ctx, opts, "importance.svg", &svg, &o, written);
		}
		free(value);
		free(names);
	}
	cairn_buf_release(&svg);
	return rc;
}

int cairn_model_evaluate(cairn_ctx *ctx, const cairn_model *m, const struct cairn_frame *f,
			 const struct cairn_model_eval_options *opts, json_t **out)
{
	static const struct cairn_model_eval_options none;
	const cairn_prep *prep = cairn_model_prep(m);
	struct cairn_eval_data d = { 0 };
	struct cairn_matrix x = { 0 };
	double *y = NULL, *pred = NULL;
	const char **names = NULL, **keys = NULL;
	cairn_buf cell = CAIRN_BUF_INIT;
	size_t nout, by, n;
	int rc;

	*out = NULL;
	if (!opts)
		opts = &none;
	n = opts->rows ? opts->nrows : f->nrows;
	if ((rc = cairn_prep_transform(ctx, prep, f, opts->rows, n, &x, &y)) ||
	    (rc = cairn_model_predict(ctx, m, f, opts->rows, n, &pred, &nout)))
		goto out;
	d.task = cairn_prep_task(prep);
	d.n = n;
	d.y = y;
	d.pred = pred;
	d.nclasses = cairn_prep_nclasses(prep);
	if (d.nclasses) {
		names = cairn_xmalloc((size_t)d.nclasses * sizeof(*names));
		for (int c = 0; c < d.nclasses; c++)
			names[c] = cairn_prep_class(prep, c);
		d.class_names = names;
	}
	d.x = &x;
	d.seed = opts->seed;
	if ((rc = cairn_evaluate(ctx, &d, out)))
		goto out;
	if (opts->by) {
		json_t *slices = NULL;
		if ((rc = cairn_frame_need_col(ctx, f, opts->by, &by)))
			goto out;
		keys = cairn_xcalloc(n ? n : 1, sizeof(*keys));
		/* Every row's slice text, kept in one buffer: offsets first. */
		size_t *off = cairn_xmalloc((n ? n : 1) * sizeof(size_t));
		for (size_t i = 0; i < n; i++) {
			size_t r = opts->rows ? opts->rows[i] : i;
			off[i] = cell.len;
			if (f->cols[by].valid[r])
				cairn_frame_cell_text(f, r, by, &cell);
			cairn_buf_addch(&cell, '\0');
		}
		for (size_t i = 0; i < n; i++)
			keys[i] = f->cols[by].valid[opts->rows ? opts->rows[i] : i] ? cell.buf + off[i] : NULL;
		free(off);
		if ((rc = cairn_evaluate_slices(ctx, &d, keys, &slices)))
			goto out;
		json_object_set_new(*out, "slices", slices);
	}
	if (opts->plots_dir || opts->plot_fn) {
		json_t *written = json_array();
		json_object_set_new(*out, "plots", written);
		rc = write_plots(ctx, m, &d, opts, written);
	}
out:
	if (rc) {
		json_decref(*out);
		*out = NULL;
	}
	free(keys);
	free(names);
	free(x.v);
	free(y);
	free(pred);
	cairn_buf_release(&cell);
	return rc;
}
