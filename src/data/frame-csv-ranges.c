/*
 * Pass 1 of delimited text by byte ranges in threads; see
 * cairn__csv_read_ranges() in src/data/frame-internal.h.
 *
 * Each thread reads its range into a frame of its own, exactly as the one
 * pass reads the whole text (cairn__csv_read_rows()), and the ranges are
 * then joined in order. A column's values stand when they are what one
 * pass would have stored for the column's type over all the ranges (the
 * rules of frame-csv.c): a range of the same type, or of nulls only, or of
 * integers (none wide) in a column that is float over all. Otherwise the
 * column is set aside for pass 2, as one pass sets it aside. The strings
 * of a string column are numbered by first appearance over the ranges in
 * order, which is their first appearance in the text.
 *
 * The ranges are joined only when each starts where the one before ended
 * (a range that begins inside a quoted field that holds a line break does
 * not) and none failed; otherwise the caller reads the text in one pass,
 * which also gives any error its line number.
 */
#include <stdlib.h>
#include <string.h>
#include "cairn/error.h"
#include "core/cpu.h"
#include "core/parallel.h"
#include "data/frame-internal.h"

#define MAX_RANGES 64
/* Two ranges do not pay: on 2 cores the join's copy and its page faults
 * cost what the second thread saves (1M x 21 CSV: one pass 0.31-0.33 s,
 * two ranges 0.33-1.1 s from a fresh process). */
#define MIN_RANGES 3

size_t cairn__frame_min_range = (size_t)4 << 20;

struct range {
	const cairn_csv *like;
	uint64_t start, end;     /* the bytes asked for */
	uint64_t first, last;    /* where the reader started, and its last record ended */
	size_t text_len;         /* of the whole text (f.text_len is end: for csv_grow()) */
	struct cairn_frame f;    /* the range's rows and values (f.text: the whole text) */
	struct cairn__frame_builder b;
	struct csv_col *cs;
	int rc;
};

static void read_range(void *arg, int i)
{
	struct range *g = (struct range *)arg + i;
	cairn_ctx *ctx = cairn_ctx_new();
	cairn_csv *r = NULL;

	if (!ctx) {
		g->rc = CAIRN_ENOMEM;
		return;
	}
	g->rc = cairn_csv_open_mem_range(ctx, g->like, g->f.text, g->text_len, g->start, g->end,
					 &r);
	if (!g->rc) {
		cairn__csv_begin(&g->b, &g->cs);
		if (cairn__csv_read_rows(&g->b, g->cs, r) < 0)
			g->rc = CAIRN_EPARSE;
		g->first = cairn_csv_start_offset(r);
		g->last = cairn_csv_end_offset(r);
		cairn_csv_close(r);
	}
	cairn_ctx_free(ctx); /* messages of a thread are dropped: one pass gives them */
}

static void free_range(struct range *g)
{
	for (size_t c = 0; g->f.cols && c < g->f.ncols; c++) {
		cairn__csv_drop_values(&g->f.cols[c]);
		if (g->b.dicts)
			cairn_strmap_release(&g->b.dicts[c]);
	}
	free(g->b.dicts);
	free(g->f.cols);
	free(g->f.row_start);
	free(g->f.row_end);
	free(g->cs);
}

/* Whether range g's values of column c stand in a column of type t. */
static int stands(const struct range *g, size_t c, enum cairn_type t)
{
	enum cairn_type own = g->f.cols[c].type;

	switch (g->cs[c].keep) {
	case KEEP_STRING:
		return t == CAIRN_TYPE_STRING;
	case KEEP_NUM:
		return own == t || own == CAIRN_TYPE_NULL ||
		       (own == CAIRN_TYPE_INT && t == CAIRN_TYPE_FLOAT && !g->cs[c].wide);
	default:
		return 0;
	}
}

/* Column c over the k ranges into b's column (total rows), or set aside. */
static void join_column(struct cairn__frame_builder *b, struct csv_col *cs, size_t c,
			struct range *g, int k, size_t total)
{
	struct cairn_column *col = &b->f->cols[c];
	enum cairn_type t = CAIRN_TYPE_NULL;
	int all_stand = 1;
	size_t at;

	for (int i = 0; i < k; i++)
		t = cairn_type_join(t, g[i].f.cols[c].type);
	for (int i = 0; i < k; i++)
		all_stand = all_stand && stands(&g[i], c, t);
	cairn__csv_drop_values(col);
	col->type = t;
	if (!all_stand) {
		cs[c] = (struct csv_col){ KEEP_LATER, 0, 0 };
		return;
	}
	cs[c] = (struct csv_col){ t == CAIRN_TYPE_STRING ? KEEP_STRING : KEEP_NUM, 0, 0 };
	for (int i = 0; i < k; i++)
		col->nnull += g[i].f.cols[c].nnull;
	/* Fresh arrays (huge pages, where the system gives them, cost far
	 * fewer page faults than growing range 0's would). */
	col->valid = cairn_xmalloc(total ? total : 1);
	if (t == CAIRN_TYPE_STRING)
		col->code = cairn_xmalloc((total ? total : 1) * sizeof(*col->code));
	else if (t != CAIRN_TYPE_NULL)
		col->num = cairn_xmalloc((total ? total : 1) * sizeof(*col->num));
	if (t != CAIRN_TYPE_NULL && t != CAIRN_TYPE_FLOAT && t != CAIRN_TYPE_STRING)
		col->i64 = cairn_xmalloc((total ? total : 1) * sizeof(*col->i64));
	at = 0;
	for (int i = 0; i < k; i++) {
		const struct cairn_column *from = &g[i].f.cols[c];
		size_t n = g[i].f.nrows;

		memcpy(col->valid + at, from->valid, n);
		if (col->num)
			memcpy(col->num + at, from->num, n * sizeof(*col->num));
		if (col->i64)
			memcpy(col->i64 + at, from->i64, n * sizeof(*col->i64));
		if (col->code && !from->code) {
			memset(col->code + at, 0, n * sizeof(*col->code));
		} else if (col->code) {
			/* The range's strings, numbered after the ranges' before. */
			const struct cairn_strmap *m = &g[i].b.dicts[c];
			uint32_t *to = cairn_xmalloc((m->n ? m->n : 1) * sizeof(*to));
			for (uint32_t d = 0; d < m->n; d++)
				to[d] = cairn_strmap_intern(&b->dicts[c], m->keys[d], m->lens[d], NULL);
			for (size_t r = 0; r < n; r++)
				col->code[at + r] = from->valid[r] ? to[from->code[r]] : 0;
			free(to);
		}
		at += n;
	}
}

/* The ranges, each where the one before ended, into b and cs. */
static void join(struct cairn__frame_builder *b, struct csv_col *cs, struct range *g, int k)
{
	struct cairn_frame *f = b->f;
	size_t total = 0, at;

	for (int i = 0; i < k; i++)
		total += g[i].f.nrows;
	free(f->row_start);
	free(f->row_end);
	f->row_start = cairn_xmalloc((total ? total : 1) * sizeof(uint64_t));
	f->row_end = cairn_xmalloc((total ? total : 1) * sizeof(uint64_t));
	at = 0;
	for (int i = 0; i < k; i++) {
		memcpy(f->row_start + at, g[i].f.row_start, g[i].f.nrows * sizeof(uint64_t));
		memcpy(f->row_end + at, g[i].f.row_end, g[i].f.nrows * sizeof(uint64_t));
		at += g[i].f.nrows;
	}
	for (size_t c = 0; c < f->ncols; c++)
		join_column(b, cs, c, g, k, total);
	f->nrows = total;
	b->rows_cap = total ? total : 1;
}

int cairn__csv_read_ranges(struct cairn__frame_builder *b, struct csv_col *cs,
			   const cairn_csv *r, int threads)
{
	struct cairn_frame *f = b->f;
	uint64_t start = cairn_csv_start_offset(r), size = f->text_len, pos = start;
	struct range *g;
	int k = threads > 0 ? threads : threads == 0 ? cairn__usable_cores() : 1, joined = 1;

	if ((uint64_t)k > (size - start) / cairn__frame_min_range)
		k = (int)((size - start) / cairn__frame_min_range);
	if (k > MAX_RANGES)
		k = MAX_RANGES;
	if (k < MIN_RANGES)
		return 1;
	g = cairn_xcalloc((size_t)k, sizeof(*g));
	for (int i = 0; i < k; i++) {
		g[i].like = r;
		g[i].start = start + (size - start) * (uint64_t)i / (uint64_t)k;
		g[i].end = start + (size - start) * (uint64_t)(i + 1) / (uint64_t)k;
		g[i].f.text = f->text;
		g[i].text_len = f->text_len;
		g[i].f.text_len = g[i].end;
		g[i].f.ncols = f->ncols;
		g[i].b.f = &g[i].f;
	}
	cairn__parallel(k, read_range, g);
	for (int i = 0; i < k && joined; i++) {
		joined = !g[i].rc && g[i].first == pos;
		pos = g[i].last;
	}
	if (joined)
		join(b, cs, g, k);
	for (int i = 0; i < k; i++)
		free_range(&g[i]);
	free(g);
	return !joined;
}
