/*
 * libFuzzer target for reference parsing (cairn_ref_parse): it must never
 * crash or read out of bounds, and whatever it accepts must be well formed:
 * a valid name, a selector that rebuilds the input, a positive version.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "cairn/buf.h"
#include "cairn/ctx.h"
#include "cairn/ref.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cairn_ctx *ctx = cairn_ctx_new();
	char *s = cairn_xstrndup((const char *)data, size);
	struct cairn_ref ref;
	cairn_buf again = CAIRN_BUF_INIT;

	if (cairn_ref_parse(ctx, s, &ref) == 0) {
		if (cairn_name_check(ctx, "name", ref.name))
			abort();
		cairn_buf_adds(&again, ref.name);
		if (ref.kind != CAIRN_REF_NAME)
			cairn_buf_addf(&again, "@%s", ref.selector);
		if (strcmp(again.buf, s))
			abort();
		if (ref.kind == CAIRN_REF_VERSION && ref.version < 1)
			abort();
		if (ref.kind == CAIRN_REF_ALIAS && cairn_alias_check(ctx, ref.selector))
			abort();
	} else if (!*cairn_errmsg(ctx)) {
		abort(); /* every error carries a message */
	}
	cairn_buf_release(&again);
	free(s);
	cairn_ctx_free(ctx);
	return 0;
}
