/*
 * libFuzzer target for the server's straight decoding of dataframe_split
 * bodies into a frame (cairn__mlflow_split_frame), differential: whenever
 * it takes a body, the general path (cairn__mlflow_decode, then
 * cairn__serve_input_frame) must take it too and build the same frame, bit
 * for bit; and neither may crash, read out of bounds or leak.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "cairn/ctx.h"
#include "serve/decode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char *cols[] = { "a", "b", "when" };
	static const enum cairn_type types[] = { CAIRN_TYPE_FLOAT, CAIRN_TYPE_INT,
						 CAIRN_TYPE_DATETIME };
	struct cairn__serve_signature sig = { 3, cols, types };
	struct cairn__serve_input in;
	struct cairn_frame *fast = NULL, *f = NULL;
	cairn_ctx *ctx = cairn_ctx_new();
	int proba = 0;

	if (cairn__mlflow_split_frame((const char *)data, size, &sig, &fast, &proba)) {
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
		}
		cairn__serve_input_release(&in);
	}
	cairn_frame_free(fast);
	cairn_frame_free(f);
	cairn_ctx_free(ctx);
	return 0;
}
