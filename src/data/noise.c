/* Augmentation by Gaussian noise: noisy copies of every row; see
 * include/cairn/derive.h and docs/commands/data-augment.md. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "cairn/derive.h"
#include "cairn/error.h"
#include "core/rng.h"

int cairn_noise(cairn_ctx *ctx, const struct cairn_frame *f, const struct cairn_noise_options *opts,
		cairn_buf *out, size_t *nsynthetic)
{
	struct cairn__rng rng;
	struct cairn_cell *cells;
	double *scale;
	size_t tcol = (size_t)-1, nnoisy = 0;
	int rc;

	*nsynthetic = 0;
	if (!(opts->sd > 0) || !isfinite(opts->sd))
		return cairn_error(ctx, CAIRN_EINVAL,
				   "the noise standard deviation must be a positive number, not %g", opts->sd);
	if (!opts->copies)
		return cairn_error(ctx, CAIRN_EINVAL, "the number of noisy copies must be at least 1");
	if (!f->nrows)
		return cairn_error(ctx, CAIRN_EPARSE, "'%s' has no rows", f->name);
	if (opts->target && (rc = cairn_frame_need_col(ctx, f, opts->target, &tcol)))
		return rc;

	/* Noise of each integer and float column: sd x its population standard
	 * deviation over its non-null values; NaN marks columns left alone. */
	scale = cairn_xmalloc(sizeof(double) * f->ncols);
	for (size_t c = 0; c < f->ncols; c++) {
		const struct cairn_column *col = &f->cols[c];
		double mean = 0, var = 0;
		size_t n = f->nrows - col->nnull;

		scale[c] = NAN;
		if (c == tcol || (col->type != CAIRN_TYPE_INT && col->type != CAIRN_TYPE_FLOAT) || !n)
			continue;
		for (size_t r = 0; r < f->nrows; r++)
			if (col->valid[r])
				mean += col->num[r];
		mean /= (double)n;
		for (size_t r = 0; r < f->nrows; r++)
			if (col->valid[r])
				var += (col->num[r] - mean) * (col->num[r] - mean);
		scale[c] = opts->sd * sqrt(var / (double)n);
		nnoisy++;
	}
	if (!nnoisy) {
		free(scale);
		return cairn_error(ctx, CAIRN_EPARSE,
				   "'%s' has no integer or float column%s to add noise to", f->name,
				   opts->target ? " besides the target" : "");
	}

	/* One normal per noisy non-null cell, copy by copy, row by row, column
	 * by column. */
	cells = cairn_xcalloc(f->ncols, sizeof(*cells));
	cairn__rng_seed(&rng, opts->seed);
	for (size_t k = 0; k < opts->copies; k++) {
		for (size_t r = 0; r < f->nrows; r++) {
			for (size_t c = 0; c < f->ncols; c++) {
				const struct cairn_column *col = &f->cols[c];
				cells[c].str = NULL;
				cells[c].num = NAN;
				if (!col->valid[r])
					continue;
				if (col->type == CAIRN_TYPE_STRING)
					cells[c].str = col->dict[col->code[r]];
				else if (isnan(scale[c]))
					cells[c].num = col->num[r];
				else
					cells[c].num = col->num[r] + scale[c] * cairn__rng_normal(&rng);
			}
			cairn_frame_format_row(f, cells, out);
		}
	}
	*nsynthetic = opts->copies * f->nrows;
	free(cells);
	free(scale);
	return 0;
}
