/*
 * libFuzzer target for the prediction log's segment reader
 * (cairn__predlog_read_buf): whatever bytes a segment holds (torn frames,
 * forged content sizes, corrupt checksums, lines that are not JSON), it
 * must never crash or read out of bounds, and every record it hands over
 * is a JSON object.
 */
#include <stdint.h>
#include <stdlib.h>
#include "cairn/ctx.h"
#include "serve/predlog.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int check(void *arg, json_t *rec, const char *segment, uint64_t offset)
{
	if (!json_is_object(rec) || offset >= *(size_t *)arg)
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cairn_ctx *ctx = cairn_ctx_new();
	int torn;

	if (cairn__predlog_read_buf(ctx, "fuzz.jsonl.zst", data, size, check, &size, &torn))
		abort(); /* damage is warned about, never an error */
	cairn_ctx_free(ctx);
	return 0;
}
