/* Reading delimited text into a frame's columns; see
 * src/data/frame-internal.h and include/cairn/frame.h. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "cairn/error.h"
#include "cairn/frame.h"
#include "data/fastnum.h"
#include "data/frame-internal.h"

/*
 * Delimited text is read in one pass. Each value is classified and parsed
 * once (plain numbers by the shortcuts of data/fastnum.h, the rest by
 * cairn_value_type() and the matching parser) and stored as cairn__frame_set_text()
 * would store it in a column of the type joined so far. Those values stand
 * when the type at the end is the same, and also when an integer column
 * turns float: (double)i is what cairn_parse_float() gives of an integer's
 * text, but for "-0" and beyond 2^53 ("wide" integers, which a float column
 * parses as cairn__frame_set_text() does). A column whose values do not stand, one that
 * turns string after holding other values or float after a wide integer,
 * is set aside and read again, alone, in a second pass with cairn__frame_set_text(). A
 * column whose first value is a string interns its strings at once: the
 * dictionary order, first appearance, is the same. Either way every cell
 * ends as cairn__frame_set_text() makes it, and numeric columns are read only once.
 */
/* A value's type and, for a number, boolean or datetime, the i64 and num
 * cairn__frame_set_text() stores for it in a column of that type. */
static __attribute__((noinline)) enum cairn_type classify_slow(const struct cairn_csv_field *fl,
							     int64_t *i, double *d)
{
	enum cairn_type t = cairn_value_type(fl->p, fl->len, fl->quoted);
	int v;

	*i = 0;
	*d = NAN;
	switch (t) {
	case CAIRN_TYPE_BOOL:
		cairn_parse_bool(fl->p, fl->len, &v);
		*i = v;
		*d = v;
		break;
	case CAIRN_TYPE_INT:
		cairn_parse_int(fl->p, fl->len, i);
		*d = (double)*i;
		break;
	case CAIRN_TYPE_DATETIME:
		cairn_parse_datetime(fl->p, fl->len, i);
		*d = (double)*i;
		break;
	case CAIRN_TYPE_FLOAT:
		cairn_parse_float(fl->p, fl->len, d);
		break;
	default:
		break;
	}
	return t;
}

/* classify_slow() with the shortcuts for plain numbers first: decimals with
 * as many digits after the point as the column's last (*fd, 0 for none)
 * and then any. cairn__fast_decimal() gives +0 for -0, so zero is left to
 * the others. */
static inline __attribute__((always_inline)) enum cairn_type classify(
	const struct cairn_csv_field *fl, int *fd, int64_t *i, double *d)
{
	int64_t m;
	int k, n;

	if (!fl->quoted) {
		if (*fd && cairn__fast_decimal_fd(fl->p, fl->len, *fd, d, &m) && m)
			return CAIRN_TYPE_FLOAT;
		k = cairn__fast_number_fd(fl->p, fl->len, i, d, &n);
		if (k == CAIRN__NUM_INT)
			return CAIRN_TYPE_INT;
		if (k == CAIRN__NUM_FLOAT) {
			*fd = n <= 8 ? n : 0;
			return CAIRN_TYPE_FLOAT;
		}
	}
	return classify_slow(fl, i, d);
}

/* An integer whose text cairn_parse_float() may not read as (double)i:
 * "-0" (-0.0), or beyond 2^53 (strtod, and nothing past 127 bytes). */
static inline int wide_int(int64_t i, const struct cairn_csv_field *fl)
{
	return i ? (uint64_t)i + (1ull << 53) > (1ull << 54) : fl->p[0] == '-';
}

void cairn__csv_drop_values(struct cairn_column *col)
{
	free(col->valid);
	free(col->num);
	free(col->i64);
	free(col->code);
	col->valid = NULL;
	col->num = NULL;
	col->i64 = NULL;
	col->code = NULL;
	col->nnull = 0;
}

/* Column c meets a value of type t, neither its type nor NULL (nor INT in
 * a FLOAT column): the joined type, and how the column is kept from now. */
static __attribute__((noinline)) void csv_retype(struct cairn_frame *f, struct csv_col *cs,
						 size_t c, enum cairn_type t, size_t cap)
{
	struct cairn_column *col = &f->cols[c];
	enum cairn_type was = col->type;

	col->type = cairn_type_join(was, t);
	if (cs[c].keep == KEEP_LATER)
		return;
	if (col->type == CAIRN_TYPE_STRING && was == CAIRN_TYPE_NULL) {
		/* Only nulls so far: valid[] and nnull hold, code[] is all 0. */
		free(col->num);
		free(col->i64);
		col->num = NULL;
		col->i64 = NULL;
		col->code = cairn_xcalloc(cap, sizeof(*col->code));
		cs[c].keep = KEEP_STRING;
	} else if (col->type == CAIRN_TYPE_STRING ||
		   (col->type == CAIRN_TYPE_FLOAT && cs[c].wide)) {
		cairn__csv_drop_values(col);
		cs[c].keep = KEEP_LATER;
	} else if (col->type == CAIRN_TYPE_FLOAT) {
		free(col->i64);
		col->i64 = NULL;
	}
}

/* An array of rows entries of size bytes, grown to cap: a fresh block
 * when it grows (csv_grow() makes the last growth the big one, and a fresh
 * large block may be all huge pages), else resized in place. */
static void *resize(void *p, size_t size, size_t rows, size_t cap)
{
	void *q;

	if (cap <= rows)
		return cairn_xrealloc(p, size * (cap ? cap : 1));
	q = cairn_xmalloc(size * cap);
	if (rows)
		memcpy(q, p, size * rows);
	free(p);
	return q;
}

static void csv_resize(struct cairn__frame_builder *b, size_t cap)
{
	struct cairn_frame *f = b->f;
	size_t n = f->nrows;

	f->row_start = resize(f->row_start, sizeof(uint64_t), n, cap);
	f->row_end = resize(f->row_end, sizeof(uint64_t), n, cap);
	for (size_t c = 0; c < f->ncols; c++) {
		struct cairn_column *col = &f->cols[c];
		if (col->valid)
			col->valid = resize(col->valid, 1, n, cap);
		if (col->num)
			col->num = resize(col->num, sizeof(*col->num), n, cap);
		if (col->i64)
			col->i64 = resize(col->i64, sizeof(*col->i64), n, cap);
		if (col->code)
			col->code = resize(col->code, sizeof(*col->code), n, cap);
	}
	b->rows_cap = cap;
}

/* Room for more rows: as many as the rest of the text holds at the mean
 * length of the rows so far, and a little more, so that the arrays of a
 * large file are made at their size once (64 rows, then 16384, then all:
 * the last is fresh memory, in huge pages where the system gives them);
 * but no more than 256 times the room so far, in case the first rows are
 * much shorter than the rest (what is never written costs address space
 * only). */
static void csv_grow(struct cairn__frame_builder *b, const cairn_csv *r)
{
	struct cairn_frame *f = b->f;
	uint64_t at = cairn_csv_end_offset(r), done = at - cairn_csv_start_offset(r);
	size_t cap = b->rows_cap + b->rows_cap / 2;
	double want;

	if (done && at < f->text_len) {
		want = (double)f->nrows * (1 + (double)(f->text_len - at) / (double)done * 1.05) + 64;
		if (want > 256.0 * (double)b->rows_cap)
			want = 256.0 * (double)b->rows_cap;
		if (want > (double)cap)
			cap = (size_t)want;
	}
	csv_resize(b, cap);
}

/* Stores a value of a string column kept from its first value on. */
static inline void csv_string(struct cairn__frame_builder *b, size_t c, size_t row,
			      const struct cairn_csv_field *fl)
{
	struct cairn_column *col = &b->f->cols[c];

	if (fl && !cairn_value_is_null(fl->p, fl->len, fl->quoted)) {
		col->valid[row] = 1;
		col->code[row] = cairn_strmap_intern(&b->dicts[c], fl->p, fl->len, NULL);
	} else {
		col->nnull += fl != NULL;
		col->valid[row] = 0;
		col->code[row] = 0;
	}
}

/* Stores row's value of column c (fl NULL: the row has no such field, as
 * with allow_ragged, which cairn__frame_set_text() left unset: not valid, not a null). */
static inline __attribute__((always_inline)) void csv_value(struct cairn__frame_builder *b,
							   struct csv_col *cs, size_t c,
							   size_t row,
							   const struct cairn_csv_field *fl)
{
	struct cairn_column *col = &b->f->cols[c];
	enum cairn_type t;
	int64_t i = 0;
	double d = NAN;

	if (cs[c].keep == KEEP_STRING) {
		csv_string(b, c, row, fl);
		return;
	}
	if (col->type == CAIRN_TYPE_STRING) /* and KEEP_LATER: nothing more to learn */
		return;
	t = fl ? classify(fl, &cs[c].fd, &i, &d) : CAIRN_TYPE_NULL;
	if (t != col->type && t != CAIRN_TYPE_NULL &&
	    !(t == CAIRN_TYPE_INT && col->type == CAIRN_TYPE_FLOAT)) {
		csv_retype(b->f, cs, c, t, b->rows_cap);
		if (cs[c].keep == KEEP_STRING) /* this is its first value */
			csv_string(b, c, row, fl);
	}
	if (cs[c].keep != KEEP_NUM)
		return;
	if (t == CAIRN_TYPE_NULL) {
		col->nnull += fl != NULL;
		col->valid[row] = 0;
		col->num[row] = NAN;
		if (col->i64)
			col->i64[row] = 0;
		return;
	}
	if (t == CAIRN_TYPE_INT && wide_int(i, fl)) {
		if (col->type == CAIRN_TYPE_FLOAT) {
			d = NAN;
			cairn_parse_float(fl->p, fl->len, &d);
		} else {
			cs[c].wide = 1;
		}
	}
	col->valid[row] = 1;
	col->num[row] = d;
	if (col->i64)
		col->i64[row] = i;
}

/* After pass 1: the columns kept are trimmed to size, all-null ones become
 * strings as in alloc_columns(), and those set aside get their arrays as
 * there. Returns how many were set aside. */
static size_t csv_settle(struct cairn__frame_builder *b, struct csv_col *cs)
{
	struct cairn_frame *f = b->f;
	size_t n = f->nrows ? f->nrows : 1, later = 0;

	csv_resize(b, n);
	for (size_t c = 0; c < f->ncols; c++) {
		struct cairn_column *col = &f->cols[c];
		if (cs[c].keep == KEEP_LATER) {
			col->valid = cairn_xcalloc(n, 1);
			if (col->type == CAIRN_TYPE_STRING)
				col->code = cairn_xcalloc(n, sizeof(*col->code));
			else
				col->num = cairn_xmalloc(n * sizeof(*col->num));
			for (size_t i = 0; col->num && i < n; i++)
				col->num[i] = NAN; /* for fields missing from ragged rows */
			later++;
		} else if (col->type == CAIRN_TYPE_NULL) {
			free(col->num);
			free(col->i64);
			col->num = NULL;
			col->i64 = NULL;
			col->code = cairn_xcalloc(n, sizeof(*col->code));
			col->type = CAIRN_TYPE_STRING;
		}
	}
	return later;
}

void cairn__csv_begin(struct cairn__frame_builder *b, struct csv_col **cs)
{
	struct cairn_frame *f = b->f;
	size_t ncols = f->ncols;

	if (!f->cols)
		f->cols = cairn_xcalloc(ncols ? ncols : 1, sizeof(*f->cols));
	b->dicts = cairn_xcalloc(ncols ? ncols : 1, sizeof(*b->dicts));
	*cs = cairn_xcalloc(ncols ? ncols : 1, sizeof(**cs));
	for (size_t c = 0; c < ncols; c++) {
		f->cols[c].valid = cairn_xcalloc(64, 1);
		f->cols[c].num = cairn_xcalloc(64, sizeof(double));
		f->cols[c].i64 = cairn_xcalloc(64, sizeof(int64_t));
	}
	f->row_start = cairn_xrealloc(f->row_start, 64 * sizeof(uint64_t));
	f->row_end = cairn_xrealloc(f->row_end, 64 * sizeof(uint64_t));
	b->rows_cap = 64;
}

int cairn__csv_read_rows(struct cairn__frame_builder *b, struct csv_col *cs, cairn_csv *r)
{
	struct cairn_frame *f = b->f;
	const struct cairn_csv_field *fields;
	size_t n, ncols = f->ncols, row;
	int rc;

	while ((rc = cairn_csv_next(r, &fields, &n)) == 1) {
		if (f->nrows == b->rows_cap)
			csv_grow(b, r);
		row = f->nrows;
		cairn__frame_add_row(b, cairn_csv_record_offset(r), cairn_csv_end_offset(r));
		if (n > ncols) /* allow_ragged */
			n = ncols;
		for (size_t c = 0; c < n; c++)
			csv_value(b, cs, c, row, &fields[c]);
		for (size_t c = n; c < ncols; c++)
			csv_value(b, cs, c, row, NULL);
	}
	return rc;
}

int cairn__frame_load_csv(cairn_ctx *ctx, struct cairn__frame_builder *b,
			  const struct cairn_frame_options *opts)
{
	struct cairn_frame *f = b->f;
	const struct cairn_csv_options *co = opts ? &opts->csv : NULL;
	const struct cairn_csv_field *fields;
	struct csv_col *cs = NULL;
	cairn_csv *r = NULL;
	size_t n, ncols, row = 0;
	int rc;

	/* Pass 1: the rows, the type of every column and the values that fit
	 * it; by byte ranges in threads when the text is large. */
	if ((rc = cairn_csv_open_mem(ctx, f->text, f->text_len, f->name, co, &r)))
		return rc;
	f->delimiter = cairn_csv_delimiter(r);
	f->has_header = cairn_csv_has_header(r);
	f->header_len = (size_t)cairn_csv_start_offset(r);
	ncols = f->ncols = cairn_csv_ncols(r);
	f->cols = cairn_xcalloc(ncols ? ncols : 1, sizeof(*f->cols));
	for (size_t c = 0; c < ncols; c++)
		f->cols[c].name = cairn_xstrdup(cairn_csv_colname(r, c));
	cairn__csv_begin(b, &cs);
	if (cairn__csv_read_ranges(b, cs, r, opts ? opts->threads : 0))
		rc = cairn__csv_read_rows(b, cs, r);
	cairn_csv_close(r);
	r = NULL;
	if (rc < 0) {
		rc = cairn_errcode(ctx);
		goto out;
	}
	if (!csv_settle(b, cs))
		goto done;

	/* Pass 2: the values of the columns set aside. */
	if ((rc = cairn_csv_open_mem(ctx, f->text, f->text_len, f->name, co, &r)))
		goto out;
	row = 0;
	while ((rc = cairn_csv_next(r, &fields, &n)) == 1 && row < f->nrows) {
		for (size_t c = 0; c < n && c < ncols; c++)
			if (cs[c].keep == KEEP_LATER)
				cairn__frame_set_text(b, c, row, fields[c].p, fields[c].len,
						      fields[c].quoted);
		row++;
	}
	cairn_csv_close(r);
	if (rc < 0) {
		rc = cairn_errcode(ctx);
		goto out;
	}
done:
	cairn__frame_finish_columns(b);
	rc = 0;
out:
	free(cs);
	return rc;
}
