/* The model of federated training's weights, which the parent and the sites
 * both make; see ml/fed-internal.h. */
#include "cairn/buf.h"
#include "core/fs.h"
#include "ml/fed-internal.h"

/* The model as algo loads it: liblinear's text format (see algo-liblinear.c). */
int cairn__fed_make_model(cairn_ctx *ctx, const struct cairn__fed_options *o, int regression,
			  int nclasses, int multinomial, size_t nf, int nw, const double *w,
			  void **model)
{
	cairn_buf text = CAIRN_BUF_INIT, dir = CAIRN_BUF_INIT, path = CAIRN_BUF_INIT;
	int rc;

	cairn_buf_addf(&text, "solver_type %s\nnr_class %d\n", regression ? "L2R_L2LOSS_SVR" :
		       "L2R_LR", regression ? 2 : nclasses);
	if (!regression) {
		cairn_buf_adds(&text, "label");
		for (int c = 0; c < nclasses; c++)
			cairn_buf_addf(&text, " %d", c);
		cairn_buf_addch(&text, '\n');
	}
	cairn_buf_addf(&text, "nr_feature %zu\nbias %.17g\nw\n", nf, o->bias > 0 ? o->bias : -1.0);
	for (size_t f = 0; f < nf + (o->bias > 0); f++) {
		for (int j = 0; j < nw; j++)
			cairn_buf_addf(&text, "%.17g ", w[f * (size_t)nw + (size_t)j]);
		cairn_buf_addch(&text, '\n');
	}
	if ((rc = cairn_make_temp_dir(ctx, "cairn-fed", &dir))) {
		goto out;
	}
	cairn_path_join(&path, dir.buf, "model.liblinear");
	if (!(rc = cairn_write_file_atomic(ctx, path.buf, text.buf, text.len, 0644))) {
		cairn_buf_reset(&text);
		cairn_buf_addf(&text, "{\"algorithm\": \"%s\", \"task\": \"%s\", \"nclasses\": %d%s}\n",
			       o->algo->name, regression ? "regression" : "classification", nclasses,
			       multinomial ? ", \"multi_class\": \"multinomial\"" : "");
		cairn_path_join(&path, dir.buf, "liblinear.json");
		if (!(rc = cairn_write_file_atomic(ctx, path.buf, text.buf, text.len, 0644)))
			rc = o->algo->load(ctx, dir.buf, model);
	}
	cairn_remove_tree(dir.buf);
out:
	cairn_buf_release(&text);
	cairn_buf_release(&dir);
	cairn_buf_release(&path);
	return rc;
}
