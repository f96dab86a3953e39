/* Preprocessing for learning: fit on training rows, transform any frame with
 * the same columns, save and load the spec; see include/cairn/preprocess.h. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "cairn/buf.h"
#include "cairn/error.h"
#include "cairn/value.h"
#include "core/alloc.h"
#include "core/cpu.h"
#include "core/parallel.h"
#include "ml/preprocess.h"

/* One-hot above this many categories would make the matrix mostly zeros:
 * such a column is encoded as ordinal instead (recorded in the spec). */
#define MAX_ONEHOT 100
/* A text column whose non-null cells are numbers at least this often is a
 * numeric column with a typo, not a categorical one. */
#define NUMERIC_SHARE 0.9
/* Cells (rows x number columns) below which fitting and transforming run
 * on one thread: starting threads would cost more than they save. */
#define PARALLEL_CELLS ((size_t)1 << 20)

struct prep_col {
	char *name;
	enum cairn_type type;
	int categorical;
	int onehot;                /* categorical: one-hot, else ordinal */
	double impute;             /* numeric: training mean */
	double mean, std;          /* numeric, when scaling */
	char **cats;               /* categorical: sorted categories */
	size_t ncats;
	size_t mode;               /* categorical: most frequent category */
	size_t first;              /* its first matrix column */
};

struct cairn_prep {
	enum cairn_task task;
	char *target;
	enum cairn_type target_type;
	char **classes;            /* classification: sorted labels */
	int nclasses;
	int numeric_classes;       /* labels sort as numbers */
	struct prep_col *cols;
	size_t ncols;
	char **features;
	size_t nfeatures;
	int scale, keep_missing;
	int threads;               /* of a large transform (0: the usable cores) */
};

static char *xstrdup(const char *s)
{
	char *d = cairn_xstrdup(s);
	return d;
}

void cairn_prep_free(cairn_prep *p)
{
	if (!p)
		return;
	free(p->target);
	for (int i = 0; i < p->nclasses; i++)
		free(p->classes[i]);
	free(p->classes);
	for (size_t i = 0; i < p->ncols; i++) {
		free(p->cols[i].name);
		for (size_t j = 0; j < p->cols[i].ncats; j++)
			free(p->cols[i].cats[j]);
		free(p->cols[i].cats);
	}
	free(p->cols);
	for (size_t i = 0; i < p->nfeatures; i++)
		free(p->features[i]);
	free(p->features);
	free(p);
}

enum cairn_task cairn_prep_task(const cairn_prep *p) { return p->task; }
const char *cairn_prep_target(const cairn_prep *p) { return p->target; }
size_t cairn_prep_nfeatures(const cairn_prep *p) { return p->nfeatures; }
const char *cairn_prep_feature(const cairn_prep *p, size_t i) { return p->features[i]; }
int cairn_prep_nclasses(const cairn_prep *p) { return p->nclasses; }

const char *cairn_prep_feature_type(const cairn_prep *p, size_t i)
{
	size_t c = p->ncols - 1;

	/* The column whose matrix columns start at or before i, the last such. */
	while (c > 0 && p->cols[c].first > i)
		c--;
	if (!p->cols[c].categorical)
		return "float";
	return p->cols[c].onehot ? "i" : "int";
}
const char *cairn_prep_class(const cairn_prep *p, int i) { return p->classes[i]; }

static size_t row_at(const size_t *rows, size_t i)
{
	return rows ? rows[i] : i;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int cmp_num_str(const void *a, const void *b)
{
	double x = strtod(*(char *const *)a, NULL), y = strtod(*(char *const *)b, NULL);
	return x < y ? -1 : x > y;
}

/* The index of s in the sorted array v[0..n), or -1. */
static long find_sorted(char *const *v, size_t n, const char *s, int numeric)
{
	const char *key = s;
	char *const *hit = bsearch(&key, v, n, sizeof(*v), numeric ? cmp_num_str : cmp_str);
	return hit ? (long)(hit - v) : -1;
}

/* Orders dictionary codes by their text (arg: the dictionary). */
static int cmp_code_str(const void *a, const void *b, void *arg)
{
	char **dict = arg;
	return strcmp(dict[*(const uint32_t *)a], dict[*(const uint32_t *)b]);
}

static int cmp_code_num(const void *a, const void *b, void *arg)
{
	char **dict = arg;
	return cmp_num_str(&dict[*(const uint32_t *)a], &dict[*(const uint32_t *)b]);
}

struct value_row { double v; size_t row; };

static int cmp_value_row(const void *a, const void *b)
{
	const struct value_row *x = a, *y = b;
	return x->v < y->v ? -1 : x->v > y->v ? 1 : (x->row > y->row) - (x->row < y->row);
}

/* A distinct number of a column: its value, the first row that holds it,
 * and how many rows do. */
struct distinct_number { double v; size_t row, count; };

static int cmp_distinct_number(const void *a, const void *b)
{
	const struct distinct_number *x = a, *y = b;
	return x->v < y->v ? -1 : x->v > y->v;
}

/* At most this many distinct numbers are counted in a table (a class
 * target has at most 1000); a column with more is sorted instead. */
#define FEW_NUMBERS 1024

/* distinct_texts() for a number column (c not a string column) with at
 * most FEW_NUMBERS distinct values (no NaN), counted in an open-addressing
 * table instead of sorting every row: the same result (each value's text
 * is its first row's, as the stable sort gives). 0 when there are more. */
static int few_numbers(const struct cairn_frame *f, size_t c, const size_t *rows,
		       size_t nrows, char ***out, size_t *n, size_t *mode)
{
	const struct cairn_column *col = &f->cols[c];
	enum { SLOTS = FEW_NUMBERS * 4 };
	struct distinct_number *d = cairn_xmalloc(FEW_NUMBERS * sizeof(*d));
	int32_t *slot = cairn_xmalloc(SLOTS * sizeof(*slot));
	cairn_buf cell = CAIRN_BUF_INIT;
	size_t k = 0, best = 0;
	char **v;

	memset(slot, 0xff, SLOTS * sizeof(*slot));
	for (size_t i = 0; i < nrows; i++) {
		size_t r = row_at(rows, i);
		double x = col->num[r];
		uint64_t bits;
		size_t h;
		if (!col->valid[r])
			continue;
		if (isnan(x) || k == FEW_NUMBERS)
			goto many;
		x = x == 0 ? 0 : x; /* -0 and 0 are one value, as == says */
		memcpy(&bits, &x, sizeof(bits));
		h = (size_t)((bits * 0x9e3779b97f4a7c15ull) >> 52) & (SLOTS - 1);
		while (slot[h] >= 0 && d[slot[h]].v != x)
			h = (h + 1) & (SLOTS - 1);
		if (slot[h] < 0) {
			slot[h] = (int32_t)k;
			d[k++] = (struct distinct_number){ x, r, 0 };
		}
		d[slot[h]].count++;
		if (r < d[slot[h]].row)
			d[slot[h]].row = r;
	}
	qsort(d, k, sizeof(*d), cmp_distinct_number);
	v = cairn_xmalloc((k ? k : 1) * sizeof(*v));
	*mode = 0;
	for (size_t i = 0; i < k; i++) {
		if (d[i].count > best) {
			best = d[i].count;
			*mode = i;
		}
		cairn_buf_reset(&cell);
		cairn_frame_cell_text(f, d[i].row, c, &cell);
		v[i] = xstrdup(cell.buf);
	}
	*out = v;
	*n = k;
	cairn_buf_release(&cell);
	free(slot);
	free(d);
	return 1;
many:
	free(slot);
	free(d);
	return 0;
}

/* The distinct texts of column c over the rows (nulls skipped), sorted (as
 * numbers when numeric), with the index of the most frequent in *mode (ties:
 * the first in sorted order). Linear in the rows for text (counts by
 * dictionary code), n log n for numbers (a sort). */
static void distinct_texts(const struct cairn_frame *f, size_t c, const size_t *rows, size_t nrows,
			   int numeric, char ***out, size_t *n, size_t *mode)
{
	const struct cairn_column *col = &f->cols[c];
	cairn_buf cell = CAIRN_BUF_INIT;
	size_t best_count = 0, k = 0;
	char **v;

	*n = 0;
	*mode = 0;
	if (col->type == CAIRN_TYPE_STRING) {
		size_t *count = cairn_xcalloc(col->ndict, sizeof(*count));
		uint32_t *codes = cairn_xmalloc(col->ndict * sizeof(*codes));

		v = cairn_xmalloc(col->ndict * sizeof(*v));
		for (size_t i = 0; i < nrows; i++) {
			size_t r = row_at(rows, i);
			if (col->valid[r])
				count[col->code[r]]++;
		}
		for (uint32_t d = 0; d < col->ndict; d++)
			if (count[d])
				codes[k++] = d;
		qsort_r(codes, k, sizeof(*codes), numeric ? cmp_code_num : cmp_code_str, col->dict);
		for (size_t i = 0; i < k; i++) {
			if (count[codes[i]] > best_count) {
				best_count = count[codes[i]];
				*mode = i;
			}
			v[(*n)++] = xstrdup(col->dict[codes[i]]);
		}
		free(codes);
		free(count);
		*out = v;
		return;
	}
	if (few_numbers(f, c, rows, nrows, out, n, mode))
		return;
	struct value_row *vr = cairn_xmalloc(nrows * sizeof(*vr));

	v = cairn_xmalloc(nrows * sizeof(*v));
	for (size_t i = 0; i < nrows; i++) {
		size_t r = row_at(rows, i);
		if (col->valid[r]) {
			vr[k].v = col->num[r];
			vr[k++].row = r;
		}
	}
	qsort(vr, k, sizeof(*vr), cmp_value_row);
	for (size_t i = 0; i < k;) {
		size_t j = i;
		while (j < k && vr[j].v == vr[i].v)
			j++;
		if (j - i > best_count) {
			best_count = j - i;
			*mode = *n;
		}
		cairn_buf_reset(&cell);
		cairn_frame_cell_text(f, vr[i].row, c, &cell);
		v[(*n)++] = xstrdup(cell.buf);
		i = j;
	}
	free(vr);
	cairn_buf_release(&cell);
	*out = v;
}

/* A text column that is really numeric but for a few cells: an error naming
 * the first cell that is not a number. */
static int check_numeric_typo(cairn_ctx *ctx, const struct cairn_frame *f, size_t c,
			      const size_t *rows, size_t nrows)
{
	const struct cairn_column *col = &f->cols[c];
	size_t numeric = 0, total = 0, bad_row = 0;
	const char *bad = NULL;

	for (size_t i = 0; i < nrows; i++) {
		size_t r = row_at(rows, i);
		const char *s;
		double d;
		if (!col->valid[r])
			continue;
		total++;
		s = col->dict[col->code[r]];
		if (cairn_parse_float(s, strlen(s), &d))
			numeric++;
		else if (!bad) {
			bad = s;
			bad_row = r;
		}
	}
	if (bad && total && (double)numeric >= NUMERIC_SHARE * (double)total)
		return cairn_error(ctx, CAIRN_EPARSE, "column '%s' of '%s' holds numbers except at data"
				   " row %zu: '%s' is not a number (fix it, or make the column text"
				   " throughout)", col->name, f->name, bad_row + 1, bad);
	return 0;
}

static void add_feature(cairn_prep *p, const char *name, const char *cat)
{
	cairn_buf b = CAIRN_BUF_INIT;

	p->features = cairn_xrealloc(p->features, (p->nfeatures + 1) * sizeof(*p->features));
	cairn_buf_adds(&b, name);
	if (cat) {
		cairn_buf_addch(&b, '=');
		cairn_buf_adds(&b, cat);
	}
	p->features[p->nfeatures++] = cairn_buf_detach(&b, NULL);
}

static int fit_target(cairn_ctx *ctx, cairn_prep *p, const struct cairn_frame *f, size_t t,
		      const size_t *rows, size_t nrows, int task)
{
	const struct cairn_column *col = &f->cols[t];
	size_t n, mode, nonnull = 0;
	char **v;

	for (size_t i = 0; i < nrows; i++)
		nonnull += col->valid[row_at(rows, i)];
	if (nonnull < nrows)
		return cairn_error(ctx, CAIRN_EPARSE, "target column '%s' of '%s' is empty in %zu of"
				   " %zu training rows", col->name, f->name, nrows - nonnull, nrows);
	p->target_type = col->type;
	p->numeric_classes = col->type != CAIRN_TYPE_STRING;
	distinct_texts(f, t, rows, nrows, p->numeric_classes, &v, &n, &mode);
	if (n < 2) {
		int rc = cairn_error(ctx, CAIRN_EINVAL, "target column '%s' of '%s' is constant ('%s'"
				     " in every training row): there is nothing to learn", col->name,
				     f->name, n ? v[0] : "");
		for (size_t i = 0; i < n; i++)
			free(v[i]);
		free(v);
		return rc;
	}
	if (task < 0) {
		/* Text and booleans are classes; integers with few values too. */
		if (col->type == CAIRN_TYPE_STRING || col->type == CAIRN_TYPE_BOOL ||
		    (col->type == CAIRN_TYPE_INT && n <= 20 && n * 20 <= nrows))
			task = CAIRN_TASK_CLASSIFICATION;
		else
			task = CAIRN_TASK_REGRESSION;
	}
	p->task = (enum cairn_task)task;
	if (task == CAIRN_TASK_REGRESSION) {
		for (size_t i = 0; i < n; i++)
			free(v[i]);
		free(v);
		if (col->type == CAIRN_TYPE_STRING)
			return cairn_error(ctx, CAIRN_EINVAL, "target column '%s' of '%s' holds text:"
					   " regression needs numbers (or make the task classification)",
					   col->name, f->name);
		return 0;
	}
	if (n > 1000) {
		for (size_t i = 0; i < n; i++)
			free(v[i]);
		free(v);
		return cairn_error(ctx, CAIRN_EINVAL, "target column '%s' of '%s' has %zu classes"
				   " (at most 1000): is it a regression target?", col->name, f->name, n);
	}
	p->classes = v;
	p->nclasses = (int)n;
	return 0;
}

/* A number that is infinite in a numeric cell is bad data (CAIRN_EPARSE
 * naming the column and row): no imputation or scaling can make sense of it.
 * NaN is a missing value, as an empty cell is. */
static int check_finite(cairn_ctx *ctx, const struct cairn_frame *f, size_t c, size_t r,
			const char *note)
{
	const struct cairn_column *col = &f->cols[c];

	if (!col->valid[r] || col->type == CAIRN_TYPE_STRING || !isinf(col->num[r]))
		return 0;
	return cairn_error(ctx, CAIRN_EPARSE, "column '%s' of '%s', data row %zu: %s is not a "
			   "finite number%s", col->name, f->name, r + 1, col->num[r] > 0 ? "inf" :
			   "-inf", note);
}

/* What fitting a number column takes from its training rows. */
struct number_stats {
	double mean, std;          /* over the values (0 and 1 when there are none) */
	size_t bad_row;            /* the first row with an infinite number, or SIZE_MAX */
};

static void number_stats(const struct cairn_frame *f, size_t c, const size_t *rows,
			 size_t nrows, struct number_stats *st)
{
	const struct cairn_column *col = &f->cols[c];
	double sum = 0, sq = 0;
	size_t n = 0;

	st->bad_row = SIZE_MAX;
	for (size_t i = 0; i < nrows; i++) {
		size_t r = row_at(rows, i);
		if (col->valid[r] && isinf(col->num[r])) {
			st->bad_row = r;
			return;
		}
		if (col->valid[r] && !isnan(col->num[r])) {
			sum += col->num[r];
			n++;
		}
	}
	st->mean = n ? sum / (double)n : 0;
	for (size_t i = 0; i < nrows; i++) {
		size_t r = row_at(rows, i);
		if (col->valid[r] && !isnan(col->num[r]))
			sq += (col->num[r] - st->mean) * (col->num[r] - st->mean);
	}
	st->std = n ? sqrt(sq / (double)n) : 0;
	if (!(st->std > 0))
		st->std = 1;
}

/* The stats of the number columns marked in want[], in pieces on threads,
 * the columns dealt out in turn. */
struct stats_pass {
	const struct cairn_frame *f;
	const size_t *rows;
	size_t nrows;
	const uint8_t *want;
	struct number_stats *st;
	int pieces;
};

static void stats_piece(void *arg, int k)
{
	struct stats_pass *sp = arg;

	for (size_t c = (size_t)k; c < sp->f->ncols; c += (size_t)sp->pieces)
		if (sp->want[c])
			number_stats(sp->f, c, sp->rows, sp->nrows, &sp->st[c]);
}

static int fit_column(cairn_ctx *ctx, cairn_prep *p, const struct cairn_frame *f, size_t c,
		      const size_t *rows, size_t nrows, int onehot,
		      const struct number_stats *st)
{
	const struct cairn_column *col = &f->cols[c];
	struct prep_col *pc = &p->cols[p->ncols];
	int rc;

	memset(pc, 0, sizeof(*pc));
	pc->name = xstrdup(col->name);
	pc->type = col->type;
	pc->first = p->nfeatures;
	if (col->type == CAIRN_TYPE_STRING) {
		if ((rc = check_numeric_typo(ctx, f, c, rows, nrows))) {
			free(pc->name);
			return rc;
		}
		pc->categorical = 1;
		distinct_texts(f, c, rows, nrows, 0, &pc->cats, &pc->ncats, &pc->mode);
		pc->onehot = onehot && pc->ncats <= MAX_ONEHOT;
		p->ncols++;
		if (pc->onehot)
			for (size_t k = 0; k < pc->ncats; k++)
				add_feature(p, pc->name, pc->cats[k]);
		else
			add_feature(p, pc->name, NULL);
		return 0;
	}
	if (st->bad_row != SIZE_MAX) {
		rc = check_finite(ctx, f, c, st->bad_row, "");
		free(pc->name);
		return rc;
	}
	pc->impute = pc->mean = st->mean;
	pc->std = st->std;
	p->ncols++;
	add_feature(p, pc->name, NULL);
	return 0;
}

/* 1 when name is one of names[0..n). */
static int listed(const char *const *names, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(names[i], name))
			return 1;
	return 0;
}

int cairn_prep_fit(cairn_ctx *ctx, const struct cairn_frame *f, const size_t *rows,
		   size_t nrows, const struct cairn_prep_options *opts, cairn_prep **out)
{
	cairn_prep *p;
	size_t t = (size_t)-1, c0, nnumbers = 0;
	uint8_t *feature = NULL, *number = NULL;
	struct number_stats *st = NULL;
	int rc = 0;

	*out = NULL;
	if (!rows)
		nrows = f->nrows;
	if (!nrows)
		return cairn_error(ctx, CAIRN_EINVAL, "no rows to train on in '%s'", f->name);
	if (opts->target && (rc = cairn_frame_need_col(ctx, f, opts->target, &t)))
		return rc;
	p = cairn_xcalloc(1, sizeof(*p));
	p->cols = cairn_xcalloc(f->ncols, sizeof(*p->cols));
	p->scale = opts->scale;
	p->keep_missing = opts->keep_missing;
	p->threads = opts->threads;
	p->task = CAIRN_TASK_CLUSTERING;
	if (opts->target) {
		if (opts->task == CAIRN_TASK_CLUSTERING) {
			rc = cairn_error(ctx, CAIRN_EINVAL, "clustering takes no target column");
			goto fail;
		}
		p->target = xstrdup(opts->target);
		if ((rc = fit_target(ctx, p, f, t, rows, nrows, opts->task)))
			goto fail;
	} else if (opts->task >= 0 && opts->task != CAIRN_TASK_CLUSTERING) {
		rc = cairn_error(ctx, CAIRN_EINVAL, "%s needs a target column",
				 cairn_task_name((enum cairn_task)opts->task));
		goto fail;
	}
	for (size_t i = 0; i < opts->ninclude; i++)
		if ((rc = cairn_frame_need_col(ctx, f, opts->include[i], &c0)))
			goto fail;
	/* The features; the number columns' stats first, in pieces on threads
	 * when there are many cells. */
	feature = cairn_xcalloc(f->ncols ? f->ncols : 1, 1);
	number = cairn_xcalloc(f->ncols ? f->ncols : 1, 1);
	st = cairn_xcalloc(f->ncols ? f->ncols : 1, sizeof(*st));
	for (size_t c = 0; c < f->ncols; c++) {
		int excluded = c == t || (opts->include && !listed(opts->include, opts->ninclude,
								     f->cols[c].name));
		if (!excluded)
			excluded = listed(opts->exclude, opts->nexclude, f->cols[c].name);
		feature[c] = !excluded;
		number[c] = feature[c] && f->cols[c].type != CAIRN_TYPE_STRING;
		nnumbers += number[c];
	}
	{
		struct stats_pass sp = { f, rows, nrows, number, st, 1 };
		int threads = opts->threads > 0 ? opts->threads : cairn__usable_cores();
		if ((double)nrows * (double)nnumbers >= (double)PARALLEL_CELLS)
			sp.pieces = (size_t)threads < nnumbers ? threads : (int)nnumbers;
		cairn__parallel(sp.pieces, stats_piece, &sp);
	}
	for (size_t c = 0; c < f->ncols; c++)
		if (feature[c] && (rc = fit_column(ctx, p, f, c, rows, nrows, opts->onehot, &st[c])))
			goto fail;
	if (!p->nfeatures) {
		rc = cairn_error(ctx, CAIRN_EINVAL, "'%s' has no feature columns besides the target",
				 f->name);
		goto fail;
	}
	*out = p;
	p = NULL;
fail:
	cairn_prep_free(p);
	free(feature);
	free(number);
	free(st);
	return rc;
}

/* The training category index of each of the frame column's dictionary
 * entries (-1: unseen). */
static long *map_dict(const struct prep_col *pc, const struct cairn_column *col)
{
	long *map = cairn_xmalloc((col->ndict ? col->ndict : 1) * sizeof(*map));
	for (uint32_t d = 0; d < col->ndict; d++)
		map[d] = find_sorted(pc->cats, pc->ncats, col->dict[d], 0);
	return map;
}

/* Rows lo..hi-1 (of rows) of the number column c of f, for pc, which
 * training saw as numbers: the common case, kept lean. Returns the first
 * of those rows (of f) that holds an infinite number, else SIZE_MAX. */
static size_t transform_numbers(const cairn_prep *p, const struct prep_col *pc,
				const struct cairn_frame *f, size_t c, const size_t *rows,
				size_t lo, size_t hi, struct cairn_matrix *x)
{
	const struct cairn_column *col = &f->cols[c];
	float *out = x->v + pc->first;

	for (size_t i = lo; i < hi; i++) {
		size_t r = row_at(rows, i);
		double v = NAN;
		if (col->valid[r]) {
			v = col->num[r];
			if (isinf(v))
				return r;
		}
		if (isnan(v))
			v = p->keep_missing ? NAN : pc->impute;
		if (p->scale && !isnan(v))
			v = (v - pc->mean) / pc->std;
		out[i * x->cols] = (float)v;
	}
	return SIZE_MAX;
}

static int transform_column(cairn_ctx *ctx, const cairn_prep *p, const struct prep_col *pc,
			    const struct cairn_frame *f, const size_t *rows, size_t nrows,
			    struct cairn_matrix *x)
{
	cairn_buf cell = CAIRN_BUF_INIT;
	size_t c;
	int rc;

	if ((rc = cairn_frame_need_col(ctx, f, pc->name, &c)))
		return cairn_error_prefix(ctx, "the model needs column '%s'", pc->name), rc;
	const struct cairn_column *col = &f->cols[c];
	if (!pc->categorical) {
		if (col->type == CAIRN_TYPE_STRING) {
			/* Training saw numbers: find the first cell that is not one. */
			for (size_t i = 0; i < nrows; i++) {
				size_t r = row_at(rows, i);
				const char *s = col->dict[col->code[r]];
				double d;
				if (col->valid[r] && !cairn_parse_float(s, strlen(s), &d))
					return cairn_error(ctx, CAIRN_EPARSE, "column '%s' of '%s', data"
							   " row %zu: '%s' is not a number (the model"
							   " was trained on numbers)", pc->name, f->name,
							   r + 1, s);
			}
		}
		for (size_t i = 0; i < nrows; i++) {
			size_t r = row_at(rows, i);
			double v = NAN;
			if (col->valid[r] && col->type == CAIRN_TYPE_STRING) {
				const char *s = col->dict[col->code[r]];
				cairn_parse_float(s, strlen(s), &v);
				if (isinf(v))
					return cairn_error(ctx, CAIRN_EPARSE, "column '%s' of '%s', data"
							   " row %zu: %s is not a finite number",
							   pc->name, f->name, r + 1, s);
			} else if (col->valid[r]) {
				if ((rc = check_finite(ctx, f, c, r, "")))
					return rc;
				v = col->num[r];
			}
			if (isnan(v))
				v = p->keep_missing ? NAN : pc->impute;
			if (p->scale && !isnan(v))
				v = (v - pc->mean) / pc->std;
			x->v[i * x->cols + pc->first] = (float)v;
		}
		return 0;
	}
	long *map = col->type == CAIRN_TYPE_STRING ? map_dict(pc, col) : NULL;
	for (size_t i = 0; i < nrows; i++) {
		size_t r = row_at(rows, i);
		float *out = &x->v[i * x->cols + pc->first];
		long k = -1;
		if (col->valid[r]) {
			if (map)
				k = map[col->code[r]];
			else {
				cairn_buf_reset(&cell);
				cairn_frame_cell_text(f, r, c, &cell);
				k = find_sorted(pc->cats, pc->ncats, cell.buf, 0);
			}
		}
		if (pc->onehot) {
			/* Unseen or missing: no category is hot. */
			memset(out, 0, pc->ncats * sizeof(*out));
			if (k >= 0)
				out[k] = 1;
		} else if (k >= 0)
			*out = (float)k;
		else
			*out = p->keep_missing ? NAN : (float)pc->mode;
	}
	free(map);
	cairn_buf_release(&cell);
	return 0;
}

/* The value a class label of a target that is not text stands for: the
 * label read as the training target's type was (a number, a boolean, a
 * datetime), NaN when it is not one. */
static double class_value(const cairn_prep *p, const char *s)
{
	size_t len = strlen(s);
	int64_t i;
	double d = NAN;
	int b;

	switch (p->target_type) {
	case CAIRN_TYPE_BOOL:
		return cairn_parse_bool(s, len, &b) ? b : NAN;
	case CAIRN_TYPE_DATETIME:
		return cairn_parse_datetime(s, len, &i) ? (double)i : NAN;
	default:
		return cairn_parse_float(s, len, &d) ? d : NAN;
	}
}

/* A class by the value of a cell: classes[k] holds the value of class
 * index[k], in ascending order. */
struct class_values { double *v; int *index; int n; };

static int cmp_class_value(const void *a, const void *b, void *arg)
{
	const double *v = arg;
	double x = v[*(const int *)a], y = v[*(const int *)b];
	return x < y ? -1 : x > y;
}

static void class_values_init(const cairn_prep *p, struct class_values *cv)
{
	double *raw = cairn_xmalloc((size_t)p->nclasses * sizeof(*raw));

	cv->n = p->nclasses;
	cv->index = cairn_xmalloc((size_t)p->nclasses * sizeof(*cv->index));
	cv->v = cairn_xmalloc((size_t)p->nclasses * sizeof(*cv->v));
	for (int k = 0; k < cv->n; k++) {
		raw[k] = class_value(p, p->classes[k]);
		cv->index[k] = k;
	}
	qsort_r(cv->index, (size_t)cv->n, sizeof(*cv->index), cmp_class_value, raw);
	for (int k = 0; k < cv->n; k++)
		cv->v[k] = raw[cv->index[k]];
	free(raw);
}

/* The class whose value is x, or -1. */
static long class_of_value(const struct class_values *cv, double x)
{
	int lo = 0, hi = cv->n;

	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;
		if (cv->v[mid] < x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < cv->n && cv->v[lo] == x ? cv->index[lo] : -1;
}

/*
 * The class index of each row's target. A target column that is not text
 * is matched by value against the labels read as the training target's
 * type (so "true" is the boolean, 1.0 and 1 one class); a text column by
 * its text, as numbers when the labels are numbers.
 */
static int transform_target(cairn_ctx *ctx, const cairn_prep *p, const struct cairn_frame *f,
			    const size_t *rows, size_t nrows, double *y)
{
	cairn_buf cell = CAIRN_BUF_INIT;
	struct class_values cv = { NULL, NULL, 0 };
	size_t t;
	int rc;

	if ((rc = cairn_frame_need_col(ctx, f, p->target, &t)))
		return rc;
	const struct cairn_column *col = &f->cols[t];
	if (p->task != CAIRN_TASK_REGRESSION && p->numeric_classes &&
	    col->type != CAIRN_TYPE_STRING)
		class_values_init(p, &cv);
	for (size_t i = 0; i < nrows && !rc; i++) {
		size_t r = row_at(rows, i);
		long k;
		if (!col->valid[r]) {
			rc = cairn_error(ctx, CAIRN_EPARSE, "target column '%s' of '%s' is empty at data"
					 " row %zu", p->target, f->name, r + 1);
			break;
		}
		if (p->task == CAIRN_TASK_REGRESSION) {
			if (col->type == CAIRN_TYPE_STRING) {
				rc = cairn_error(ctx, CAIRN_EPARSE, "target column '%s' of '%s' holds"
						 " text at data row %zu: '%s'", p->target, f->name,
						 r + 1, col->dict[col->code[r]]);
				break;
			}
			if ((rc = check_finite(ctx, f, t, r, " (the target)")))
				break;
			if (isnan(col->num[r])) {
				rc = cairn_error(ctx, CAIRN_EPARSE, "target column '%s' of '%s' is NaN "
						 "at data row %zu", p->target, f->name, r + 1);
				break;
			}
			y[i] = col->num[r];
			continue;
		}
		if (cv.v)
			k = class_of_value(&cv, col->num[r]);
		else {
			cairn_buf_reset(&cell);
			cairn_frame_cell_text(f, r, t, &cell);
			k = find_sorted(p->classes, (size_t)p->nclasses, cell.buf,
					p->numeric_classes);
		}
		if (k < 0) {
			cairn_buf_reset(&cell);
			cairn_frame_cell_text(f, r, t, &cell);
			rc = cairn_error(ctx, CAIRN_EPARSE, "target column '%s' of '%s', data row %zu:"
					 " class '%s' was not seen in training", p->target, f->name,
					 r + 1, cell.buf);
			break;
		}
		y[i] = (double)k;
	}
	free(cv.v);
	free(cv.index);
	cairn_buf_release(&cell);
	return rc;
}

/* Rows of the matrix written at a time by the number columns: each
 * column's pass over a block finds the block's rows still in cache (one
 * pass per column over a whole large matrix read it all from memory each
 * time). */
#define TRANSFORM_BLOCK_ROWS 4096

/* The number columns of a transform, written by pieces of whole blocks. */
struct number_pass {
	const cairn_prep *p;
	const struct cairn_frame *f;
	const size_t *rows;
	size_t nrows;
	const size_t *numbers;     /* per column of p: its column in f, or SIZE_MAX */
	struct cairn_matrix *x;
	int pieces;
	size_t *bad_col, *bad_row; /* per piece: its first infinite cell, if any */
};

static void number_piece(void *arg, int k)
{
	struct number_pass *n = arg;
	size_t blocks = (n->nrows + TRANSFORM_BLOCK_ROWS - 1) / TRANSFORM_BLOCK_ROWS;
	size_t from = blocks * (size_t)k / (size_t)n->pieces;
	size_t to = blocks * (size_t)(k + 1) / (size_t)n->pieces;

	n->bad_row[k] = SIZE_MAX;
	for (size_t b = from; b < to; b++) {
		size_t lo = b * TRANSFORM_BLOCK_ROWS;
		size_t hi = lo + TRANSFORM_BLOCK_ROWS < n->nrows ? lo + TRANSFORM_BLOCK_ROWS :
			    n->nrows;
		for (size_t i = 0; i < n->p->ncols; i++) {
			if (n->numbers[i] == SIZE_MAX)
				continue;
			n->bad_row[k] = transform_numbers(n->p, &n->p->cols[i], n->f, n->numbers[i],
							  n->rows, lo, hi, n->x);
			if (n->bad_row[k] != SIZE_MAX) {
				n->bad_col[k] = n->numbers[i];
				return;
			}
		}
	}
}

/* Writes the number columns, in pieces on threads when the matrix is
 * large; an infinite number is the error one pass would have met first. */
static int transform_number_columns(cairn_ctx *ctx, struct number_pass *n)
{
	int rc = 0;

	/* The usable cores are read from /proc and /sys: only when they count
	 * (a row's transform costs less than reading them). */
	n->pieces = (double)n->nrows * (double)n->x->cols < (double)PARALLEL_CELLS ? 1 :
		    n->p->threads > 0 ? n->p->threads : cairn__usable_cores();
	n->bad_col = cairn_xcalloc((size_t)n->pieces, sizeof(*n->bad_col));
	n->bad_row = cairn_xcalloc((size_t)n->pieces, sizeof(*n->bad_row));
	cairn__parallel(n->pieces, number_piece, n);
	for (int k = 0; k < n->pieces && !rc; k++)
		if (n->bad_row[k] != SIZE_MAX)
			rc = check_finite(ctx, n->f, n->bad_col[k], n->bad_row[k], "");
	free(n->bad_col);
	free(n->bad_row);
	return rc;
}

int cairn_prep_transform(cairn_ctx *ctx, const cairn_prep *p, const struct cairn_frame *f,
			 const size_t *rows, size_t nrows, struct cairn_matrix *x, double **y)
{
	size_t *numbers = NULL; /* for each column of p: its column in f, or SIZE_MAX */
	int rc = 0;

	if (!rows)
		nrows = f->nrows;
	x->rows = nrows;
	x->cols = p->nfeatures;
	if (!(x->v = cairn__alloc_data((nrows ? nrows : 1) * p->nfeatures * sizeof(float))))
		return cairn_error(ctx, CAIRN_ENOMEM, "out of memory for a %zu x %zu matrix", nrows,
				   p->nfeatures);
	/* Columns of numbers in row blocks; the others a column at a time. */
	numbers = cairn_xmalloc((p->ncols ? p->ncols : 1) * sizeof(*numbers));
	for (size_t i = 0; i < p->ncols && !rc; i++) {
		/* A frame in the model's column order (a server's) needs no search. */
		int c = i < f->ncols && !strcmp(f->cols[i].name, p->cols[i].name) ? (int)i :
			cairn_frame_col(f, p->cols[i].name);
		numbers[i] = SIZE_MAX;
		if (!p->cols[i].categorical && c >= 0 && f->cols[c].type != CAIRN_TYPE_STRING)
			numbers[i] = (size_t)c;
		else
			rc = transform_column(ctx, p, &p->cols[i], f, rows, nrows, x);
	}
	if (!rc) {
		struct number_pass n = { p, f, rows, nrows, numbers, x, 1, NULL, NULL };
		rc = transform_number_columns(ctx, &n);
	}
	free(numbers);
	if (!rc && y) {
		if (!p->target)
			*y = NULL;
		else if (!(*y = malloc((nrows ? nrows : 1) * sizeof(double))))
			rc = cairn_error(ctx, CAIRN_ENOMEM, "out of memory");
		else if ((rc = transform_target(ctx, p, f, rows, nrows, *y))) {
			free(*y);
			*y = NULL;
		}
	}
	if (rc) {
		free(x->v);
		x->v = NULL;
	}
	return rc;
}

/*
 * The spec as JSON.
 */

static json_t *string_array(char *const *v, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

json_t *cairn_prep_inputs(const cairn_prep *p)
{
	json_t *a = json_array();

	for (size_t i = 0; i < p->ncols; i++)
		json_array_append_new(a, json_pack("{s:s, s:s}", "name", p->cols[i].name,
						   "type", cairn_type_name(p->cols[i].type)));
	return a;
}

json_t *cairn_prep_json(const cairn_prep *p)
{
	json_t *o = json_object(), *cols = json_array();

	json_object_set_new(o, "version", json_integer(1));
	json_object_set_new(o, "task", json_string(cairn_task_name(p->task)));
	json_object_set_new(o, "scale", json_boolean(p->scale));
	json_object_set_new(o, "keep_missing", json_boolean(p->keep_missing));
	if (p->target) {
		json_t *t = json_pack("{s:s, s:s}", "name", p->target,
				      "type", cairn_type_name(p->target_type));
		if (p->nclasses)
			json_object_set_new(t, "classes", string_array(p->classes, (size_t)p->nclasses));
		json_object_set_new(o, "target", t);
	}
	for (size_t i = 0; i < p->ncols; i++) {
		const struct prep_col *pc = &p->cols[i];
		json_t *c = json_pack("{s:s, s:s}", "name", pc->name, "type", cairn_type_name(pc->type));
		if (pc->categorical) {
			json_object_set_new(c, "encoding", json_string(pc->onehot ? "onehot" : "ordinal"));
			json_object_set_new(c, "categories", string_array(pc->cats, pc->ncats));
			json_object_set_new(c, "impute", json_string(pc->ncats ? pc->cats[pc->mode] : ""));
		} else {
			json_object_set_new(c, "encoding", json_string("numeric"));
			json_object_set_new(c, "impute", json_real(pc->impute));
			json_object_set_new(c, "mean", json_real(pc->mean));
			json_object_set_new(c, "std", json_real(pc->std));
		}
		json_array_append_new(cols, c);
	}
	json_object_set_new(o, "columns", cols);
	json_object_set_new(o, "features", string_array(p->features, p->nfeatures));
	return o;
}

/* Reads a string array into a new array of copies; -1 (and nothing
 * allocated) when v is not one. */
static int read_strings(const json_t *v, char ***out, size_t *n)
{
	size_t i;
	json_t *e;

	*out = NULL;
	*n = 0;
	if (!json_is_array(v))
		return -1;
	json_array_foreach(v, i, e)
		if (!json_is_string(e))
			return -1;
	*n = json_array_size(v);
	*out = cairn_xcalloc(*n, sizeof(**out));
	json_array_foreach(v, i, e)
		(*out)[i] = xstrdup(json_string_value(e));
	return 0;
}

int cairn_prep_from_json(cairn_ctx *ctx, const json_t *spec, cairn_prep **out)
{
	cairn_prep *p = cairn_xcalloc(1, sizeof(*p));
	json_t *cols = json_object_get(spec, "columns"), *t = json_object_get(spec, "target"), *c;
	int task = cairn_task_parse(json_string_value(json_object_get(spec, "task")) ?
				    json_string_value(json_object_get(spec, "task")) : "");
	size_t i, n;

	*out = NULL;
	if (json_integer_value(json_object_get(spec, "version")) != 1 || task < 0 ||
	    !json_is_array(cols))
		goto bad;
	p->task = (enum cairn_task)task;
	p->scale = json_is_true(json_object_get(spec, "scale"));
	p->keep_missing = json_is_true(json_object_get(spec, "keep_missing"));
	if (t) {
		const char *name = json_string_value(json_object_get(t, "name"));
		int type = cairn_type_parse(json_string_value(json_object_get(t, "type")) ?
					    json_string_value(json_object_get(t, "type")) : "");
		if (!name || type < 0)
			goto bad;
		p->target = xstrdup(name);
		p->target_type = (enum cairn_type)type;
		p->numeric_classes = type != CAIRN_TYPE_STRING;
		if (p->task == CAIRN_TASK_CLASSIFICATION) {
			if (read_strings(json_object_get(t, "classes"), &p->classes, &n))
				goto bad;
			p->nclasses = (int)n;
			if (n < 2 || n > 1000)
				goto bad;
		}
	}
	p->cols = cairn_xcalloc(json_array_size(cols) + 1, sizeof(*p->cols));
	json_array_foreach(cols, i, c) {
		struct prep_col *pc = &p->cols[p->ncols];
		const char *name = json_string_value(json_object_get(c, "name"));
		const char *enc = json_string_value(json_object_get(c, "encoding"));
		int type = cairn_type_parse(json_string_value(json_object_get(c, "type")) ?
					    json_string_value(json_object_get(c, "type")) : "");
		if (!name || !enc || type < 0)
			goto bad;
		pc->name = xstrdup(name);
		p->ncols++;
		pc->type = (enum cairn_type)type;
		pc->first = p->nfeatures;
		if (!strcmp(enc, "numeric")) {
			if (!json_is_number(json_object_get(c, "mean")) ||
			    !json_is_number(json_object_get(c, "std")))
				goto bad;
			pc->impute = json_number_value(json_object_get(c, "impute"));
			pc->mean = json_number_value(json_object_get(c, "mean"));
			pc->std = json_number_value(json_object_get(c, "std"));
			add_feature(p, pc->name, NULL);
			continue;
		}
		pc->categorical = 1;
		pc->onehot = !strcmp(enc, "onehot");
		if ((!pc->onehot && strcmp(enc, "ordinal")) ||
		    read_strings(json_object_get(c, "categories"), &pc->cats, &pc->ncats))
			goto bad;
		{
			const char *imp = json_string_value(json_object_get(c, "impute"));
			long k = imp ? find_sorted(pc->cats, pc->ncats, imp, 0) : -1;
			pc->mode = k >= 0 ? (size_t)k : 0;
		}
		if (pc->onehot)
			for (size_t k = 0; k < pc->ncats; k++)
				add_feature(p, pc->name, pc->cats[k]);
		else
			add_feature(p, pc->name, NULL);
	}
	if (!p->nfeatures)
		goto bad;
	*out = p;
	return 0;
bad:
	cairn_prep_free(p);
	return cairn_error(ctx, CAIRN_ECORRUPT, "the preprocessing spec is malformed");
}
