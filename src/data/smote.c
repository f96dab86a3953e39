/* SMOTE and SMOTE-NC oversampling of a frame's minority classes; see
 * include/cairn/derive.h and docs/commands/data-augment.md. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "cairn/derive.h"
#include "cairn/error.h"
#include "core/rng.h"

/* Float targets with more distinct values than this are taken for
 * regression targets. */
#define MAX_FLOAT_CLASSES 20

void cairn_class_counts_release(struct cairn_class_counts *c)
{
	if (c->label)
		for (size_t i = 0; i < c->n; i++)
			free(c->label[i]);
	free(c->label);
	free(c->before);
	free(c->added);
	memset(c, 0, sizeof(*c));
}

static int is_numeric(enum cairn_type t)
{
	return t == CAIRN_TYPE_INT || t == CAIRN_TYPE_FLOAT || t == CAIRN_TYPE_DATETIME;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* The feature matrix of one class: numeric values and category ids, row by row. */
struct klass {
	size_t n, nnum, ncat, k;
	size_t *rows;        /* frame rows, ascending */
	double *num;         /* n x nnum */
	uint32_t *cat;       /* n x ncat */
	double penalty;      /* squared distance added per categorical mismatch */
	size_t *nb;          /* n x k neighbours (indices into rows), nearest first */
	uint8_t *have_nb;
	double *dist;        /* scratch: k distances */
};

/* The k nearest members of member i, by (distance, index). */
static void neighbours(struct klass *K, size_t i)
{
	size_t *nb = K->nb + i * K->k, got = 0;
	const double *xi = K->num + i * K->nnum;
	const uint32_t *ci = K->cat + i * K->ncat;

	for (size_t j = 0; j < K->n; j++) {
		const double *xj = K->num + j * K->nnum;
		const uint32_t *cj = K->cat + j * K->ncat;
		double d = 0;
		size_t at;

		if (j == i)
			continue;
		for (size_t a = 0; a < K->nnum; a++)
			d += (xi[a] - xj[a]) * (xi[a] - xj[a]);
		for (size_t a = 0; a < K->ncat; a++)
			if (ci[a] != cj[a])
				d += K->penalty;
		/* Members come in index order, so an equal distance goes after. */
		if (got == K->k && !(d < K->dist[got - 1]))
			continue;
		at = got < K->k ? got++ : got - 1;
		while (at > 0 && d < K->dist[at - 1]) {
			K->dist[at] = K->dist[at - 1];
			nb[at] = nb[at - 1];
			at--;
		}
		K->dist[at] = d;
		nb[at] = j;
	}
	K->have_nb[i] = 1;
}

/* The category of feature a most frequent among the neighbours; a tie goes
 * to the category of the nearer neighbour. */
static uint32_t mode_category(const struct klass *K, const size_t *nb, size_t a)
{
	size_t best = 0, best_count = 0;

	for (size_t t = 0; t < K->k; t++) {
		uint32_t v = K->cat[nb[t] * K->ncat + a];
		size_t cnt = 0;
		for (size_t u = 0; u < K->k; u++)
			cnt += K->cat[nb[u] * K->ncat + a] == v;
		if (cnt > best_count) {
			best = t;
			best_count = cnt;
		}
	}
	return K->cat[nb[best] * K->ncat + a];
}

/* Refuses targets that hold measurements rather than classes. */
static int check_target(cairn_ctx *ctx, const struct cairn_frame *f, size_t tcol,
			const struct cairn_classes *cl)
{
	const struct cairn_column *c = &f->cols[tcol];

	if (c->type != CAIRN_TYPE_FLOAT)
		return 0;
	for (size_t r = 0; r < f->nrows; r++)
		if (c->num[r] != floor(c->num[r]))
			return cairn_error(ctx, CAIRN_EPARSE,
					   "target column '%s' of '%s' looks like a regression target (non-integral float values such as %.17g, %zu distinct): SMOTE makes rows of classes; Gaussian noise suits a numeric target",
					   c->name, f->name, c->num[r], cl->n);
	if (cl->n > MAX_FLOAT_CLASSES)
		return cairn_error(ctx, CAIRN_EPARSE,
				   "target column '%s' of '%s' looks like a regression target (float values, %zu distinct, more than %d): SMOTE makes rows of classes; Gaussian noise suits a numeric target",
				   c->name, f->name, cl->n, MAX_FLOAT_CLASSES);
	return 0;
}

/* Rows each class should have after oversampling. */
static void wanted(const struct cairn_classes *cl, const struct cairn_smote_options *o,
		   size_t *want)
{
	size_t maj = 0, min = 0;

	for (size_t c = 0; c < cl->n; c++) {
		if (cl->count[c] > cl->count[maj])
			maj = c;
		if (cl->count[c] < cl->count[min])
			min = c;
	}
	for (size_t c = 0; c < cl->n; c++) {
		switch (o->strategy) {
		case CAIRN_SAMPLING_AUTO:
			want[c] = cl->count[maj];
			break;
		case CAIRN_SAMPLING_MINORITY:
			want[c] = c == min ? cl->count[maj] : cl->count[c];
			break;
		case CAIRN_SAMPLING_RATIO:
			want[c] = (size_t)floor(o->ratio * (double)cl->count[maj] + 1e-9);
			break;
		}
		if (want[c] < cl->count[c])
			want[c] = cl->count[c];
	}
}

static void klass_release(struct klass *K)
{
	free(K->rows);
	free(K->num);
	free(K->cat);
	free(K->nb);
	free(K->have_nb);
	free(K->dist);
	memset(K, 0, sizeof(*K));
}

int cairn_smote(cairn_ctx *ctx, const struct cairn_frame *f, const struct cairn_smote_options *opts,
		cairn_buf *out, size_t *nsynthetic, struct cairn_class_counts *counts)
{
	struct cairn_classes cl = { 0 };
	struct cairn__rng rng;
	struct klass K = { 0 };
	struct cairn_cell *cells = NULL;
	size_t tcol, k = opts->k ? opts->k : 5, nnum = 0, ncat = 0, made = 0;
	size_t *numcol = NULL, *catcol = NULL, *want = NULL;
	cairn_buf label = CAIRN_BUF_INIT;
	int rc;

	*nsynthetic = 0;
	if (counts)
		memset(counts, 0, sizeof(*counts));
	if (opts->strategy == CAIRN_SAMPLING_RATIO && !(opts->ratio > 0 && opts->ratio <= 1))
		return cairn_error(ctx, CAIRN_EINVAL,
				   "the sampling ratio must be above 0 and at most 1, not %g", opts->ratio);
	if (!f->nrows)
		return cairn_error(ctx, CAIRN_EPARSE, "'%s' has no rows", f->name);
	if ((rc = cairn_frame_need_col(ctx, f, opts->target, &tcol)) ||
	    (rc = cairn_classes_build(ctx, f, tcol, "target", &cl)) ||
	    (rc = check_target(ctx, f, tcol, &cl)))
		goto out;

	numcol = cairn_xmalloc(sizeof(size_t) * f->ncols);
	catcol = cairn_xmalloc(sizeof(size_t) * f->ncols);
	for (size_t c = 0; c < f->ncols; c++) {
		const struct cairn_column *col = &f->cols[c];
		if (c == tcol)
			continue;
		if (col->nnull) {
			rc = cairn_error(ctx, CAIRN_EPARSE,
					 "feature column '%s' of '%s' has %zu null value%s of %zu: SMOTE needs complete rows (drop or fill them first)",
					 col->name, f->name, col->nnull, col->nnull == 1 ? "" : "s",
					 f->nrows);
			goto out;
		}
		if (is_numeric(col->type))
			numcol[nnum++] = c;
		else
			catcol[ncat++] = c;
	}
	if (!nnum) {
		rc = cairn_error(ctx, CAIRN_EPARSE,
				 "'%s' has no numeric feature column besides the target '%s': SMOTE interpolates numeric features",
				 f->name, opts->target);
		goto out;
	}

	want = cairn_xmalloc(sizeof(size_t) * cl.n);
	wanted(&cl, opts, want);
	for (size_t c = 0; c < cl.n; c++)
		if (want[c] > cl.count[c] && cl.count[c] < 2) {
			cairn_buf_reset(&label);
			cairn_frame_cell_text(f, cl.first[c], tcol, &label);
			rc = cairn_error(ctx, CAIRN_EPARSE,
					 "class '%s' of target '%s' has only 1 row: SMOTE needs at least 2 rows of a class to oversample it",
					 label.buf, opts->target);
			goto out;
		}
	if (counts) {
		counts->n = cl.n;
		counts->label = cairn_xcalloc(cl.n, sizeof(char *));
		counts->before = cairn_xcalloc(cl.n, sizeof(size_t));
		counts->added = cairn_xcalloc(cl.n, sizeof(size_t));
		for (size_t c = 0; c < cl.n; c++) {
			cairn_buf_reset(&label);
			cairn_frame_cell_text(f, cl.first[c], tcol, &label);
			counts->label[c] = cairn_xstrdup(label.buf);
			counts->before[c] = cl.count[c];
			counts->added[c] = want[c] - cl.count[c];
		}
	}

	cells = cairn_xcalloc(f->ncols, sizeof(*cells));
	cairn__rng_seed(&rng, opts->seed);
	for (size_t c = 0; c < cl.n; c++) {
		size_t need = want[c] - cl.count[c], m = 0;
		double *sd;

		if (!need)
			continue;
		K.n = cl.count[c];
		K.nnum = nnum;
		K.ncat = ncat;
		K.k = k < K.n - 1 ? k : K.n - 1;
		K.rows = cairn_xmalloc(sizeof(size_t) * K.n);
		K.num = cairn_xmalloc(sizeof(double) * K.n * nnum);
		K.cat = cairn_xmalloc(sizeof(uint32_t) * K.n * (ncat ? ncat : 1));
		K.nb = cairn_xmalloc(sizeof(size_t) * K.n * K.k);
		K.have_nb = cairn_xcalloc(K.n, 1);
		K.dist = cairn_xmalloc(sizeof(double) * K.k);
		for (size_t r = 0; r < f->nrows; r++) {
			if (cl.of_row[r] != c)
				continue;
			K.rows[m] = r;
			for (size_t a = 0; a < nnum; a++)
				K.num[m * nnum + a] = f->cols[numcol[a]].num[r];
			for (size_t a = 0; a < ncat; a++) {
				const struct cairn_column *col = &f->cols[catcol[a]];
				K.cat[m * ncat + a] = col->type == CAIRN_TYPE_STRING ? col->code[r] :
						      (uint32_t)(col->num[r] != 0);
			}
			m++;
		}
		/* SMOTE-NC: a categorical mismatch adds the squared median of the
		 * class's numeric standard deviations (population) to the squared
		 * distance; 1 when they are all 0, so that categories still count. */
		sd = cairn_xmalloc(sizeof(double) * nnum);
		for (size_t a = 0; a < nnum; a++) {
			double mean = 0, var = 0;
			for (size_t i = 0; i < K.n; i++)
				mean += K.num[i * nnum + a];
			mean /= (double)K.n;
			for (size_t i = 0; i < K.n; i++) {
				double d = K.num[i * nnum + a] - mean;
				var += d * d;
			}
			sd[a] = sqrt(var / (double)K.n);
		}
		qsort(sd, nnum, sizeof(double), cmp_double);
		{
			double med = nnum % 2 ? sd[nnum / 2] : (sd[nnum / 2 - 1] + sd[nnum / 2]) / 2;
			K.penalty = med > 0 ? med * med : 1;
		}
		free(sd);

		/* The target cell is the class's value in every synthetic row. */
		{
			const struct cairn_column *t = &f->cols[tcol];
			size_t r0 = cl.first[c];
			cells[tcol].str = t->type == CAIRN_TYPE_STRING ? t->dict[t->code[r0]] : NULL;
			cells[tcol].num = t->type == CAIRN_TYPE_STRING ? NAN : t->num[r0];
		}
		for (size_t j = 0; j < need; j++) {
			uint64_t idx = cairn__rng_below(&rng, (uint64_t)K.n * K.k);
			size_t b = (size_t)(idx / K.k), w = (size_t)(idx % K.k), nbi;
			double gap = cairn__rng_uniform(&rng);
			const size_t *nb;

			if (!K.have_nb[b])
				neighbours(&K, b);
			nb = K.nb + b * K.k;
			nbi = nb[w];
			for (size_t a = 0; a < nnum; a++) {
				double xb = K.num[b * nnum + a], xn = K.num[nbi * nnum + a];
				cells[numcol[a]].num = xb + gap * (xn - xb);
				cells[numcol[a]].str = NULL;
			}
			for (size_t a = 0; a < ncat; a++) {
				const struct cairn_column *col = &f->cols[catcol[a]];
				uint32_t v = mode_category(&K, nb, a);
				cells[catcol[a]].str = col->type == CAIRN_TYPE_STRING ? col->dict[v] : NULL;
				cells[catcol[a]].num = col->type == CAIRN_TYPE_STRING ? NAN : (double)v;
			}
			cairn_frame_format_row(f, cells, out);
		}
		made += need;
		klass_release(&K);
	}
	*nsynthetic = made;
out:
	if (rc && counts)
		cairn_class_counts_release(counts);
	klass_release(&K);
	cairn_classes_release(&cl);
	cairn_buf_release(&label);
	free(cells);
	free(numcol);
	free(catcol);
	free(want);
	return rc;
}
