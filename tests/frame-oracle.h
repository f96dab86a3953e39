/*
 * The reference check of a frame loaded from delimited text, shared by
 * tests/unit/test-frame.c and fuzz/fuzz-frame.c. Header-only (static
 * functions): a fuzz target is built from its one source file and the
 * library sources. It keeps no state: what it allocates it frees, and the
 * message it returns lives in the caller's buffer.
 */
#ifndef CAIRN_TESTS_FRAME_ORACLE_H
#define CAIRN_TESTS_FRAME_ORACLE_H

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "cairn/buf.h"
#include "cairn/csv.h"
#include "cairn/ctx.h"
#include "cairn/error.h"
#include "cairn/frame.h"
#include "cairn/value.h"

/* Cell texts in messages are cut to this many bytes. */
#define FRAME_ORACLE_TEXT 40

static const char *frame_oracle_fail(cairn_buf *msg, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Sets msg to the formatted message and returns msg->buf. */
static const char *frame_oracle_fail(cairn_buf *msg, const char *fmt, ...)
{
	va_list ap;

	cairn_buf_reset(msg);
	va_start(ap, fmt);
	cairn_buf_vaddf(msg, fmt, ap);
	va_end(ap);
	return msg->buf;
}

static int frame_oracle_cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A dictionary holds each string once. */
static const char *frame_oracle_distinct(const struct cairn_column *col, size_t c, cairn_buf *msg)
{
	char **d = cairn_xmalloc((col->ndict + 1) * sizeof(*d));
	const char *bad = NULL;

	memcpy(d, col->dict, col->ndict * sizeof(*d));
	qsort(d, col->ndict, sizeof(*d), frame_oracle_cmp_str);
	for (uint32_t k = 1; k < col->ndict && !bad; k++)
		if (!strcmp(d[k - 1], d[k]))
			bad = frame_oracle_fail(msg, "column %zu: \"%.*s\" twice in the dictionary", c,
						FRAME_ORACLE_TEXT, d[k]);
	free(d);
	return bad;
}

/* Checks cell (row, c) of col against its text s[0..l) (s NULL: a field
 * missing from a ragged row); *seen counts the strings coded so far. */
static const char *frame_oracle_cell(const struct cairn_column *col, size_t row, size_t c,
				     const char *s, size_t l, int quoted, uint32_t *seen,
				     cairn_buf *msg)
{
	int cut = l < FRAME_ORACLE_TEXT ? (int)l : FRAME_ORACLE_TEXT;
	int64_t i = 0;
	double d = NAN;
	int v = 0;

	if (!s || cairn_value_is_null(s, l, quoted)) {
		if (col->valid[row] || (col->num && !isnan(col->num[row])) ||
		    (col->i64 && col->i64[row]) || (col->code && col->code[row]))
			return frame_oracle_fail(msg, "row %zu column %zu \"%.*s\": a null that has "
						 "a value (valid %d)", row, c, s ? cut : 9,
						 s ? s : "(missing)", col->valid[row]);
		return NULL;
	}
	if (!col->valid[row])
		return frame_oracle_fail(msg, "row %zu column %zu \"%.*s\": not valid", row, c, cut, s);
	switch (col->type) {
	case CAIRN_TYPE_STRING:
		if (col->code[row] > *seen || col->code[row] >= col->ndict ||
		    strlen(col->dict[col->code[row]]) != l || memcmp(col->dict[col->code[row]], s, l))
			return frame_oracle_fail(msg, "row %zu column %zu \"%.*s\": code %u of %u seen, "
						 "%u in all", row, c, cut, s, col->code[row], *seen,
						 col->ndict);
		*seen += col->code[row] == *seen;
		return NULL;
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
		return frame_oracle_fail(msg, "row %zu column %zu \"%.*s\": %a %lld, expected %a %lld",
					 row, c, cut, s, col->num[row],
					 col->i64 ? (long long)col->i64[row] : 0LL, d, (long long)i);
	return NULL;
}

/*
 * Checks the load of delimited text against the reader and value.h alone,
 * whatever way the loader goes about it: the rows (their byte ranges), the
 * names and the settings are the reader's; a column's type is the
 * cairn_type_join() of its values' cairn_value_type() (all nulls: string),
 * with the arrays of that type and a count of its nulls; every cell holds
 * what the parser of that type gives of its text (floats to the bit, -0 and
 * NaN included); strings are coded in order of first appearance, each once
 * in the dictionary; a field missing from a ragged row is neither valid nor
 * a null. When the reader fails, so does the load, with the same code and
 * message, and no frame.
 *
 * rc, ctx and f are what cairn_frame_load_mem(ctx, text, len, name, o, &f)
 * gave (o may be NULL). Returns NULL when all agree, else msg->buf: one line
 * on the first disagreement (row, column, what). msg belongs to the caller.
 */
static const char *frame_oracle_check(const char *text, size_t len, const char *name,
				      const struct cairn_frame_options *o, int rc, const cairn_ctx *ctx,
				      const struct cairn_frame *f, cairn_buf *msg)
{
	cairn_ctx *rctx = cairn_ctx_new();
	const struct cairn_csv_field *fl;
	enum cairn_type *types = NULL;
	size_t *nulls = NULL, ncols = 0, n, row = 0;
	uint32_t *seen = NULL;
	cairn_csv *r = NULL;
	const char *bad = NULL;
	int rrc;

#define FAIL(...) do { bad = frame_oracle_fail(msg, __VA_ARGS__); goto out; } while (0)
	/* The reference: the reader's records, and the types they make. */
	rrc = cairn_csv_open_mem(rctx, text, len, name, o ? &o->csv : NULL, &r);
	if (!rrc) {
		ncols = cairn_csv_ncols(r);
		types = cairn_xcalloc(ncols + 1, sizeof(*types));
		nulls = cairn_xcalloc(ncols + 1, sizeof(*nulls));
		seen = cairn_xcalloc(ncols + 1, sizeof(*seen));
		for (; (rrc = cairn_csv_next(r, &fl, &n)) == 1; row++) {
			if (f && row >= f->nrows)
				FAIL("%zu rows, the reader has more", f->nrows);
			if (f && (f->row_start[row] != cairn_csv_record_offset(r) ||
				  f->row_end[row] != cairn_csv_end_offset(r)))
				FAIL("row %zu: bytes %llu..%llu, the reader's record %llu..%llu", row,
				     (unsigned long long)f->row_start[row],
				     (unsigned long long)f->row_end[row],
				     (unsigned long long)cairn_csv_record_offset(r),
				     (unsigned long long)cairn_csv_end_offset(r));
			for (size_t c = 0; c < n && c < ncols; c++) {
				types[c] = cairn_type_join(types[c],
					cairn_value_type(fl[c].p, fl[c].len, fl[c].quoted));
				nulls[c] += cairn_value_is_null(fl[c].p, fl[c].len, fl[c].quoted);
			}
		}
		rrc = rrc < 0 ? cairn_errcode(rctx) : 0;
		if (f && !rrc && row != f->nrows)
			FAIL("%zu rows, the reader has %zu", f->nrows, row);
	}
	if (rc || rrc) {
		if (rc != rrc || strcmp(cairn_errmsg(ctx), cairn_errmsg(rctx)))
			FAIL("load gives %d \"%s\", the reader %d \"%s\"", rc,
			     rc ? cairn_errmsg(ctx) : "", rrc, rrc ? cairn_errmsg(rctx) : "");
		if (f)
			FAIL("load fails (%d \"%s\") but gives a frame", rc, cairn_errmsg(ctx));
		goto out;
	}
	if (!f)
		FAIL("load succeeds without a frame");
	if (f->format != CAIRN_FORMAT_CSV || f->ncols != ncols ||
	    f->delimiter != cairn_csv_delimiter(r) || f->has_header != cairn_csv_has_header(r) ||
	    f->header_len != cairn_csv_start_offset(r))
		FAIL("settings: format %d, %zu columns, delimiter '%c', header %d of %zu bytes; "
		     "the reader: %zu columns, delimiter '%c', header %d of %llu bytes", (int)f->format,
		     f->ncols, f->delimiter, f->has_header, f->header_len, ncols,
		     cairn_csv_delimiter(r), cairn_csv_has_header(r),
		     (unsigned long long)cairn_csv_start_offset(r));
	for (size_t c = 0; c < ncols; c++) {
		const struct cairn_column *col = &f->cols[c];
		enum cairn_type t = types[c] == CAIRN_TYPE_NULL ? CAIRN_TYPE_STRING : types[c];
		int has_i64 = t == CAIRN_TYPE_BOOL || t == CAIRN_TYPE_INT || t == CAIRN_TYPE_DATETIME;

		if (strcmp(col->name, cairn_csv_colname(r, c)) || col->type != t ||
		    col->nnull != nulls[c] || !col->num != (t == CAIRN_TYPE_STRING) ||
		    !col->i64 != !has_i64 || !col->code != (t != CAIRN_TYPE_STRING) ||
		    !col->dict != (t != CAIRN_TYPE_STRING))
			FAIL("column %zu '%s' ('%s' expected): type %s (%s expected), %zu nulls "
			     "(%zu expected), arrays num/i64/code/dict %d%d%d%d", c, col->name,
			     cairn_csv_colname(r, c), cairn_type_name(col->type), cairn_type_name(t),
			     col->nnull, nulls[c], !!col->num, !!col->i64, !!col->code, !!col->dict);
	}

	/* Every cell, on a second reading. */
	cairn_csv_close(r);
	r = NULL;
	if (cairn_csv_open_mem(rctx, text, len, name, o ? &o->csv : NULL, &r))
		FAIL("the reader fails when opened again: %s", cairn_errmsg(rctx));
	for (row = 0; cairn_csv_next(r, &fl, &n) == 1; row++)
		for (size_t c = 0; c < ncols; c++)
			if ((bad = frame_oracle_cell(&f->cols[c], row, c, c < n ? fl[c].p : NULL,
						     c < n ? fl[c].len : 0, c < n && fl[c].quoted,
						     &seen[c], msg)))
				goto out;
	for (size_t c = 0; c < ncols; c++) {
		const struct cairn_column *col = &f->cols[c];

		if (col->type != CAIRN_TYPE_STRING)
			continue;
		if (col->ndict != seen[c])
			FAIL("column %zu: %u strings, %u distinct seen", c, col->ndict, seen[c]);
		if ((bad = frame_oracle_distinct(col, c, msg)))
			goto out;
	}
#undef FAIL
out:
	cairn_csv_close(r);
	free(types);
	free(nulls);
	free(seen);
	cairn_ctx_free(rctx);
	return bad;
}

#endif
