/*
 * libFuzzer target for loading delimited text into a frame: the load fails
 * exactly when the reader does, with the same message, and otherwise agrees
 * with the reader and value.h on every row and cell: a column's type is the
 * join of its values' types (all nulls: string), each cell holds what the
 * parser of that type gives of its text (floats to the bit), strings are
 * coded in order of first appearance. The first byte picks the options
 * (delimiter, header, ragged rows, record limit, and whether the text is
 * read by byte ranges in threads, ranges of a few bytes here). The checks
 * are those of tests/frame-oracle.h, which the unit tests share.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include "cairn/buf.h"
#include "cairn/ctx.h"
#include "cairn/frame.h"
#include "data/frame-internal.h"
#include "tests/frame-oracle.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char delims[] = { 0, ',', '\t', ';' };
	struct cairn_frame_options o = { { 0, -1, 0, 0 }, CAIRN_FORMAT_CSV, 0 };
	cairn_buf msg = CAIRN_BUF_INIT;
	struct cairn_frame *f = NULL;
	const char *text = (const char *)data + 1, *bad;
	cairn_ctx *ctx;
	int rc;

	if (!size)
		return 0;
	o.csv.delimiter = delims[data[0] & 3];
	o.csv.header = (data[0] >> 2 & 3) == 3 ? -1 : (data[0] >> 2 & 1);
	o.csv.allow_ragged = (data[0] & 0x10) != 0;
	/* Small buffers (a reader's is one record at most) keep the runs fast. */
	o.csv.max_record = data[0] & 0x20 ? 64 : 1 << 16;
	o.threads = data[0] & 0x40 ? 3 : 1;
	cairn__frame_min_range = 8;
	ctx = cairn_ctx_new();
	rc = cairn_frame_load_mem(ctx, text, size - 1, "fuzz.csv", &o, &f);
	if ((bad = frame_oracle_check(text, size - 1, "fuzz.csv", &o, rc, ctx, f, &msg))) {
		fprintf(stderr, "fuzz-frame: %s\n", bad);
		abort();
	}
	cairn_buf_release(&msg);
	cairn_frame_free(f);
	cairn_ctx_free(ctx);
	return 0;
}
