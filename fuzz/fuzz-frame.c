/*
 * libFuzzer target for loading delimited text into a frame: the load fails
 * exactly when the reader does, with the same message, and otherwise agrees
 * with the reader and value.h on every row and cell: a column's type is the
 * join of its values' types (all nulls: string), each cell holds what the
 * parser of that type gives of its text (floats to the bit), strings are
 * coded in order of first appearance. The first byte picks the options
 * (delimiter, header, ragged rows, record limit).
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "cairn/csv.h"
#include "cairn/ctx.h"
#include "cairn/error.h"
#include "cairn/frame.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A dictionary holds each string once. */
static void check_distinct(const struct cairn_column *col)
{
	char **d = malloc((col->ndict + 1) * sizeof(*d));

	memcpy(d, col->dict, col->ndict * sizeof(*d));
	qsort(d, col->ndict, sizeof(*d), cmp_str);
	for (uint32_t k = 1; k < col->ndict; k++)
		if (!strcmp(d[k - 1], d[k]))
			abort();
	free(d);
}

/* Checks one cell of row against its text s[0..l) (s NULL: a field missing
 * from a ragged row); *seen counts the strings coded so far. */
static void check_cell(const struct cairn_column *col, size_t row, const char *s, size_t l,
		       int quoted, uint32_t *seen)
{
	int64_t i = 0;
	double d = NAN;
	int v = 0;

	if (!s || cairn_value_is_null(s, l, quoted)) {
		if (col->valid[row] || (col->num && !isnan(col->num[row])) ||
		    (col->i64 && col->i64[row]) || (col->code && col->code[row]))
			abort();
		return;
	}
	if (!col->valid[row])
		abort();
	switch (col->type) {
	case CAIRN_TYPE_STRING:
		if (col->code[row] > *seen || col->code[row] >= col->ndict ||
		    strlen(col->dict[col->code[row]]) != l || memcmp(col->dict[col->code[row]], s, l))
			abort();
		*seen += col->code[row] == *seen;
		return;
	case CAIRN_TYPE_BOOL:
		cairn_parse_bool(s, l, &v);
		i = v;
		d = v;
		break;
	case CAIRN_TYPE_INT:
		cairn_parse_int(s, l, &i);
		d = (double)i;
		break;
	case CAIRN_TYPE_DATETIME:
		cairn_parse_datetime(s, l, &i);
		d = (double)i;
		break;
	default:
		cairn_parse_float(s, l, &d);
		break;
	}
	if ((col->i64 && col->i64[row] != i) ||
	    (memcmp(&col->num[row], &d, sizeof(d)) && !(isnan(d) && isnan(col->num[row]))))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char delims[] = { 0, ',', '\t', ';' };
	struct cairn_frame_options o = { { 0, -1, 0, 0 }, CAIRN_FORMAT_CSV };
	const struct cairn_csv_field *fl;
	cairn_ctx *ctx, *rctx;
	struct cairn_frame *f = NULL;
	enum cairn_type *types = NULL;
	size_t *nulls = NULL, ncols, n, row;
	uint32_t *seen = NULL;
	cairn_csv *r = NULL;
	int rc, rrc;

	if (!size)
		return 0;
	o.csv.delimiter = delims[data[0] & 3];
	o.csv.header = (data[0] >> 2 & 3) == 3 ? -1 : (data[0] >> 2 & 1);
	o.csv.allow_ragged = (data[0] & 0x10) != 0;
	/* Small buffers (a reader's is one record at most) keep the runs fast. */
	o.csv.max_record = data[0] & 0x20 ? 64 : 1 << 16;
	ctx = cairn_ctx_new();
	rctx = cairn_ctx_new();
	rc = cairn_frame_load_mem(ctx, (const char *)data + 1, size - 1, "fuzz.csv", &o, &f);
	if (!(rrc = cairn_csv_open_mem(rctx, (const char *)data + 1, size - 1, "fuzz.csv", &o.csv,
				       &r))) {
		ncols = cairn_csv_ncols(r);
		types = calloc(ncols + 1, sizeof(*types));
		nulls = calloc(ncols + 1, sizeof(*nulls));
		seen = calloc(ncols + 1, sizeof(*seen));
		for (row = 0; (rrc = cairn_csv_next(r, &fl, &n)) == 1; row++) {
			if (f && (row >= f->nrows || f->row_start[row] != cairn_csv_record_offset(r) ||
				  f->row_end[row] != cairn_csv_end_offset(r)))
				abort();
			for (size_t c = 0; c < n && c < ncols; c++) {
				types[c] = cairn_type_join(types[c],
					cairn_value_type(fl[c].p, fl[c].len, fl[c].quoted));
				nulls[c] += cairn_value_is_null(fl[c].p, fl[c].len, fl[c].quoted);
			}
		}
		rrc = rrc < 0 ? cairn_errcode(rctx) : 0;
		if (f && row != f->nrows)
			abort();
	}
	if (rc || rrc) {
		if (rc != rrc || strcmp(cairn_errmsg(ctx), cairn_errmsg(rctx)) || f)
			abort();
		goto out;
	}
	if (f->ncols != ncols || f->delimiter != cairn_csv_delimiter(r) ||
	    f->has_header != cairn_csv_has_header(r) || f->header_len != cairn_csv_start_offset(r))
		abort();
	for (size_t c = 0; c < ncols; c++) {
		const struct cairn_column *col = &f->cols[c];
		enum cairn_type t = types[c] == CAIRN_TYPE_NULL ? CAIRN_TYPE_STRING : types[c];
		int has_i64 = t == CAIRN_TYPE_BOOL || t == CAIRN_TYPE_INT || t == CAIRN_TYPE_DATETIME;
		if (strcmp(col->name, cairn_csv_colname(r, c)) || col->type != t ||
		    col->nnull != nulls[c] || !col->num != (t == CAIRN_TYPE_STRING) ||
		    !col->i64 != !has_i64 || !col->code != (t != CAIRN_TYPE_STRING))
			abort();
	}
	cairn_csv_close(r);
	if (cairn_csv_open_mem(rctx, (const char *)data + 1, size - 1, "fuzz.csv", &o.csv, &r))
		abort();
	for (row = 0; cairn_csv_next(r, &fl, &n) == 1; row++)
		for (size_t c = 0; c < ncols; c++)
			check_cell(&f->cols[c], row, c < n ? fl[c].p : NULL, c < n ? fl[c].len : 0,
				   c < n && fl[c].quoted, &seen[c]);
	for (size_t c = 0; c < ncols; c++) {
		if (f->cols[c].type != CAIRN_TYPE_STRING)
			continue;
		if (f->cols[c].ndict != seen[c])
			abort();
		check_distinct(&f->cols[c]);
	}
out:
	cairn_csv_close(r);
	cairn_frame_free(f);
	free(types);
	free(nulls);
	free(seen);
	cairn_ctx_free(ctx);
	cairn_ctx_free(rctx);
	return 0;
}
