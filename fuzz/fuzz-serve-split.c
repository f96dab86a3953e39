/*
 * libFuzzer target for the server's straight decoding of dataframe_split
 * bodies into a frame (cairn__mlflow_split_frame), differential: whenever
 * it takes a body, the general path (cairn__mlflow_decode, then
 * cairn__serve_input_frame) must take it too and build the same frame, bit
 * for bit, and each value's text (the spans kept for the prediction log)
 * must read back as the value; and neither may crash, read out of bounds
 * or leak.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "cairn/ctx.h"
#include "serve/decode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Each value's text in the body reads back as the value ("null" for a
 * missing one). */
static void check_spans(const uint8_t *data, const struct cairn__cell_spans *sp,
			const struct cairn_column *col, size_t c, size_t nrows)
{
	char text[512];

	for (size_t r = 0; r < nrows; r++) {
		const uint32_t *at = &sp->at[2 * (c * nrows + r)];
		if (at[1] >= sizeof(text))
			continue;
		memcpy(text, data + at[0], at[1]);
		text[at[1]] = '\0';
		if (col->valid[r] ? strtod(text, NULL) != col->num[r] : strcmp(text, "null"))
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char *cols[] = { "a", "b", "when" };
	static const enum cairn_type types[] = { CAIRN_TYPE_FLOAT, CAIRN_TYPE_INT,
						 CAIRN_TYPE_DATETIME };
	struct cairn__serve_signature sig = { 3, cols, types };
	struct cairn__serve_input in;
	struct cairn_frame *fast = NULL, *f = NULL;
	cairn_ctx *ctx = cairn_ctx_new();
	struct cairn__cell_spans spans;
	int proba = 0;

	if (cairn__mlflow_split_frame((const char *)data, size, &sig, &fast, &proba, &spans)) {
		if (cairn__mlflow_decode(ctx, (const char *)data, size, &in) ||
		    cairn__serve_input_frame(ctx, &in, &sig, &f) || in.proba != proba ||
		    f->nrows != fast->nrows || f->ncols != fast->ncols)
			abort();
		for (size_t c = 0; c < f->ncols; c++) {
			const struct cairn_column *a = &f->cols[c], *b = &fast->cols[c];
			if (strcmp(a->name, b->name) || a->type != b->type || a->nnull != b->nnull ||
			    memcmp(a->valid, b->valid, f->nrows) ||
			    memcmp(a->num, b->num, f->nrows * sizeof(double)))
				abort();
			check_spans(data, &spans, b, c, f->nrows);
		}
		cairn__serve_input_release(&in);
	}
	cairn__cell_spans_release(&spans);
	cairn_frame_free(fast);
	cairn_frame_free(f);
	cairn_ctx_free(ctx);
	return 0;
}
