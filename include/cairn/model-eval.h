/*
 * Evaluating a model package on labelled data: predictions, every metric of
 * its task (include/cairn/evaluate.h), metrics per slice of a column, and
 * the SVG plots (include/cairn/plots.h) written to a directory.
 */
#ifndef CAIRN_MODEL_EVAL_H
#define CAIRN_MODEL_EVAL_H

#include <jansson.h>
#include <stdint.h>
#include "cairn/common.h"
#include "cairn/ctx.h"
#include "cairn/frame.h"
#include "cairn/model.h"

CAIRN_BEGIN_DECLS

struct cairn_model_eval_options {
	const char *by;          /* a column of f: metrics per value, or NULL */
	const char *plots_dir;   /* write roc.svg, pr.svg, confusion.svg,
				    residuals.svg, importance.svg here, or NULL */
	uint64_t seed;           /* of the silhouette's sample */
	unsigned plots_flags;    /* CAIRN_OUTPUT_FORCE: replace plots that exist
				    (each plot as cairn_object_checkout()
				    writes a file, docs/outputs.md) */
	/* Called with each plot's file name and SVG document (len bytes)
	 * instead of writing it to plots_dir (which is then not used); a
	 * non-zero return ends the evaluation with that code. NULL: none. */
	int (*plot_fn)(void *arg, const char *name, const char *svg, size_t len);
	void *plot_arg;
	/* Only rows[0..nrows) of f (each < f->nrows), or NULL: every row. */
	const size_t *rows;
	size_t nrows;
};

/*
 * Evaluates m on every row of f (or on opts->rows), which must hold the
 * model's input columns and, unless it is a clustering model, its target. *out is the metrics
 * object, with "slices" when opts->by is set and "plots" (the file names
 * written, or passed to opts->plot_fn) when either is set.
 */
int cairn_model_evaluate(cairn_ctx *ctx, const cairn_model *m, const struct cairn_frame *f,
			 const struct cairn_model_eval_options *opts, json_t **out);

CAIRN_END_DECLS

#endif
