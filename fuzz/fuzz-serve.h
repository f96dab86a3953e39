/*
 * What the two fuzz targets of the server's decoders share: decode the
 * input, build the frame of a fixed signature from it, and check the
 * frame (the signature's columns, the request's rows, each value valid or
 * counted as null).
 */
#ifndef CAIRN_FUZZ_SERVE_H
#define CAIRN_FUZZ_SERVE_H

#include <stdint.h>
#include <stdlib.h>
#include "cairn/ctx.h"
#include "serve/decode.h"

typedef int fuzz_serve_decode_fn(cairn_ctx *ctx, const char *body, size_t len,
				 struct cairn__serve_input *in);

static int fuzz_serve(fuzz_serve_decode_fn *decode, const uint8_t *data, size_t size)
{
	static char *cols[] = { "a", "b", "color", "when" };
	static const enum cairn_type types[] = { CAIRN_TYPE_FLOAT, CAIRN_TYPE_INT,
						 CAIRN_TYPE_STRING, CAIRN_TYPE_DATETIME };
	struct cairn__serve_signature sig = { 4, cols, types };
	struct cairn__serve_input in;
	struct cairn_frame *f = NULL;
	cairn_ctx *ctx = cairn_ctx_new();

	if (!decode(ctx, (const char *)data, size, &in) &&
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

#endif
