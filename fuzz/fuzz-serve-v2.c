/*
 * libFuzzer target for the Open Inference Protocol v2 tensor decoder (cairn__v2_decode) and the
 * frame built from what it decodes (cairn__serve_input_frame), which take
 * bytes from the network: neither may crash, read out of bounds or leak;
 * a frame that is built has the signature's columns and the request's
 * rows, each value valid or counted as null.
 */
#include <stdint.h>
#include <stdlib.h>
#include "cairn/ctx.h"
#include "serve/decode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *cols[] = { "a", "b", "color", "when" };
static const enum cairn_type types[] = { CAIRN_TYPE_FLOAT, CAIRN_TYPE_INT, CAIRN_TYPE_STRING,
					 CAIRN_TYPE_DATETIME };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cairn__serve_signature sig = { 4, cols, types };
	struct cairn__serve_input in;
	struct cairn_frame *f = NULL;
	cairn_ctx *ctx = cairn_ctx_new();

	if (!cairn__v2_decode(ctx, (const char *)data, size, &in) &&
	    !cairn__serve_input_frame(ctx, &in, &sig, &f)) {
		if (f->nrows != in.nrows || f->ncols != sig.ncols)
			abort();
		for (size_t c = 0; c < f->ncols; c++) {
			size_t valid = 0;
			for (size_t r = 0; r < f->nrows; r++)
				valid += f->cols[c].valid[r];
			if (valid + f->cols[c].nnull != f->nrows)
				abort();
		}
	}
	cairn_frame_free(f);
	cairn__serve_input_release(&in);
	cairn_ctx_free(ctx);
	return 0;
}
