/*
 * libFuzzer target for the delimited-text reader: any input either parses or
 * fails with a message; parsed records always have the header's field count,
 * and every field is NUL-terminated at its stated length and valid UTF-8.
 * The first byte picks the options (delimiter, header, record limit).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "cairn/csv.h"
#include "cairn/ctx.h"
#include "core/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char delims[] = { 0, ',', '\t', ';' };
	struct cairn_csv_options o = { 0, -1, 0, 0 };
	const struct cairn_csv_field *f;
	cairn_ctx *ctx;
	cairn_csv *r;
	size_t n, bad;
	int rc;

	if (!size)
		return 0;
	o.delimiter = delims[data[0] & 3];
	o.header = (data[0] >> 2 & 3) == 3 ? -1 : (data[0] >> 2 & 1);
	o.max_record = data[0] & 0x10 ? 64 : 0;
	o.allow_ragged = (data[0] & 0x20) != 0;
	ctx = cairn_ctx_new();
	if (cairn_csv_open_mem(ctx, (const char *)data + 1, size - 1, "fuzz.csv", &o, &r)) {
		if (!*cairn_errmsg(ctx))
			abort();
		cairn_ctx_free(ctx);
		return 0;
	}
	while ((rc = cairn_csv_next(r, &f, &n)) == 1) {
		if (!o.allow_ragged && n != cairn_csv_ncols(r))
			abort();
		for (size_t i = 0; i < n; i++)
			if (strlen(f[i].p) != f[i].len || !cairn_utf8_valid(f[i].p, f[i].len, &bad))
				abort();
	}
	if (rc < 0 && !*cairn_errmsg(ctx))
		abort();
	cairn_csv_close(r);
	cairn_ctx_free(ctx);
	return 0;
}
