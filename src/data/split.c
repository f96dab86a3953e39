/* Splits and samples of a frame's rows, plain or stratified, with the shared
 * stratified allocation; see include/cairn/derive.h and
 * docs/commands/data-split.md for the algorithms. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "cairn/derive.h"
#include "cairn/error.h"
#include "core/rng.h"

/* Tolerance for products such as 50 x 0.8 that are integers in exact
 * arithmetic but may come out a hair off in floating point. */
static double eps(double x)
{
	return 1e-9 + 1e-12 * fabs(x);
}

static double floor_eps(double x)
{
	return floor(x + eps(x));
}

/* --- classes --- */

struct keyed {
	uint64_t key;
	size_t row;
};

static int cmp_keyed(const void *a, const void *b)
{
	const struct keyed *x = a, *y = b;
	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return x->row < y->row ? -1 : x->row > y->row;
}

static uint64_t num_key(const struct cairn_column *col, size_t r)
{
	double v;
	uint64_t k;

	if (col->i64)
		return (uint64_t)col->i64[r];
	v = col->num[r];
	if (v == 0)
		v = 0; /* -0.0 and 0.0 are one class */
	memcpy(&k, &v, sizeof(k));
	return k;
}

int cairn_classes_build(cairn_ctx *ctx, const struct cairn_frame *f, size_t col,
			const char *what, struct cairn_classes *out)
{
	const struct cairn_column *c = &f->cols[col];
	size_t n = f->nrows, ngroups = 0;

	memset(out, 0, sizeof(*out));
	if (c->nnull)
		return cairn_error(ctx, CAIRN_EPARSE,
				   "%s column '%s' of '%s' has %zu null value%s of %zu: every row needs a class (drop or fill them first)",
				   what, c->name, f->name, c->nnull, c->nnull == 1 ? "" : "s", n);
	out->of_row = cairn_xcalloc(n ? n : 1, sizeof(uint32_t));
	out->count = cairn_xcalloc(n ? n : 1, sizeof(size_t));
	out->first = cairn_xcalloc(n ? n : 1, sizeof(size_t));
	/* Group ids first (dictionary codes, or distinct values in sorted
	 * order), then classes numbered by first appearance. */
	uint32_t *group = cairn_xmalloc(sizeof(uint32_t) * (n ? n : 1));
	if (c->type == CAIRN_TYPE_STRING) {
		for (size_t r = 0; r < n; r++)
			group[r] = c->code[r];
		ngroups = c->ndict;
	} else {
		struct keyed *k = cairn_xmalloc(sizeof(*k) * (n ? n : 1));
		for (size_t r = 0; r < n; r++) {
			k[r].key = num_key(c, r);
			k[r].row = r;
		}
		qsort(k, n, sizeof(*k), cmp_keyed);
		for (size_t i = 0; i < n; i++) {
			if (!i || k[i].key != k[i - 1].key)
				ngroups++;
			group[k[i].row] = (uint32_t)(ngroups - 1);
		}
		free(k);
	}
	uint32_t *rank = cairn_xmalloc(sizeof(uint32_t) * (ngroups ? ngroups : 1));
	for (size_t g = 0; g < ngroups; g++)
		rank[g] = UINT32_MAX;
	for (size_t r = 0; r < n; r++) {
		uint32_t g = group[r];
		if (rank[g] == UINT32_MAX) {
			rank[g] = (uint32_t)out->n;
			out->first[out->n++] = r;
		}
		out->of_row[r] = rank[g];
		out->count[rank[g]]++;
	}
	free(rank);
	free(group);
	return 0;
}

void cairn_classes_release(struct cairn_classes *c)
{
	free(c->count);
	free(c->first);
	free(c->of_row);
	memset(c, 0, sizeof(*c));
}

/* --- stratified allocation --- */

/*
 * The rounding as a flow: class c must place supply[c] extra rows (its rows
 * left after the floors), at most one in each part p whose exact share has
 * a fractional part (edge), and part p may take cap[p] extra rows.
 */
struct net {
	size_t nc, np;
	const double *frac;
	uint8_t *edge, *flow;
	size_t *supply, *out, *cap, *in;
	size_t *prev, *queue;
};

/* One augmenting path from a class with rows to place to a part with room
 * (breadth first, nodes in index order); 1 when found and applied. */
static int augment(struct net *g)
{
	size_t nc = g->nc, np = g->np, nodes = nc + np, head = 0, tail = 0;
	const size_t none = (size_t)-1, root = (size_t)-2;

	for (size_t v = 0; v < nodes; v++)
		g->prev[v] = none;
	for (size_t c = 0; c < nc; c++)
		if (g->out[c] < g->supply[c]) {
			g->prev[c] = root;
			g->queue[tail++] = c;
		}
	while (head < tail) {
		size_t v = g->queue[head++];
		if (v < nc) {
			for (size_t p = 0; p < np; p++) {
				size_t e = v * np + p;
				if (g->edge[e] && !g->flow[e] && g->prev[nc + p] == none) {
					g->prev[nc + p] = v;
					g->queue[tail++] = nc + p;
				}
			}
			continue;
		}
		size_t p = v - nc;
		if (g->in[p] < g->cap[p]) {
			/* Walk back: part <- class <- part <- ... <- class with supply. */
			g->in[p]++;
			for (;;) {
				size_t c = g->prev[nc + p];
				g->flow[c * np + p] = 1;
				if (g->prev[c] == root) {
					g->out[c]++;
					return 1;
				}
				p = g->prev[c] - nc;
				g->flow[c * np + p] = 0;
			}
		}
		for (size_t c = 0; c < nc; c++)
			if (g->flow[c * np + p] && g->prev[c] == none) {
				g->prev[c] = v;
				g->queue[tail++] = c;
			}
	}
	return 0;
}

/* Places each class's rows greedily in the parts where its fraction is
 * largest, then completes the flow with augmenting paths. */
static void fill(struct net *g)
{
	for (size_t c = 0; c < g->nc; c++) {
		while (g->out[c] < g->supply[c]) {
			size_t best = g->np;
			for (size_t p = 0; p < g->np; p++) {
				size_t e = c * g->np + p;
				if (g->edge[e] && !g->flow[e] && g->in[p] < g->cap[p] &&
				    (best == g->np || g->frac[e] > g->frac[c * g->np + best]))
					best = p;
			}
			if (best == g->np)
				break;
			g->flow[c * g->np + best] = 1;
			g->out[c]++;
			g->in[best]++;
		}
	}
	while (augment(g))
		;
}

void cairn_stratified_allocate(const size_t *count, size_t nclass, const double *target,
			       size_t nparts, size_t *alloc)
{
	struct net g = { nclass, nparts, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL };
	size_t total = 0, need = 0, placed = 0, cells = nclass * nparts;
	double *frac = cairn_xcalloc(cells ? cells : 1, sizeof(double));
	size_t *lo = cairn_xcalloc(nparts, sizeof(size_t)), *hi = cairn_xcalloc(nparts, sizeof(size_t));
	size_t *order = cairn_xmalloc(sizeof(size_t) * nparts);

	for (size_t c = 0; c < nclass; c++)
		total += count[c];
	g.frac = frac;
	g.edge = cairn_xcalloc(cells ? cells : 1, 1);
	g.flow = cairn_xcalloc(cells ? cells : 1, 1);
	g.supply = cairn_xcalloc(nclass ? nclass : 1, sizeof(size_t));
	g.out = cairn_xcalloc(nclass ? nclass : 1, sizeof(size_t));
	g.cap = cairn_xcalloc(nparts, sizeof(size_t));
	g.in = cairn_xcalloc(nparts, sizeof(size_t));
	g.prev = cairn_xmalloc(sizeof(size_t) * (nclass + nparts));
	g.queue = cairn_xmalloc(sizeof(size_t) * (nclass + nparts));

	/* Floors of the exact shares, and what each class has left to place. */
	for (size_t c = 0; c < nclass; c++) {
		size_t base = 0;
		for (size_t p = 0; p < nparts; p++) {
			size_t e = c * nparts + p;
			double x = total ? (double)count[c] * target[p] / (double)total : 0;
			double fl = floor_eps(x);
			if (fl < 0)
				fl = 0;
			alloc[e] = (size_t)fl;
			if (base + alloc[e] > count[c])  /* only through rounding error */
				alloc[e] = count[c] - base;
			base += alloc[e];
			frac[e] = x - fl > eps(x) ? x - fl : 0;
			g.edge[e] = frac[e] > 0;
		}
		g.supply[c] = count[c] - base;
		need += g.supply[c];
	}
	/* Each part takes at least floor(target) - its floors, at most the ceiling's. */
	for (size_t p = 0; p < nparts; p++) {
		double t = target[p], fl = floor_eps(t);
		size_t base = 0, tfl, tce;
		for (size_t c = 0; c < nclass; c++)
			base += alloc[c * nparts + p];
		tfl = fl > 0 ? (size_t)fl : 0;
		tce = tfl + (t - fl > eps(t) ? 1 : 0);
		lo[p] = tfl > base ? tfl - base : 0;
		hi[p] = tce > base ? tce - base : 0;
		g.cap[p] = lo[p];
		order[p] = p;
	}
	fill(&g);
	/* Then the ceilings, largest remainders of the part totals first. */
	for (size_t i = 1; i < nparts; i++)
		for (size_t j = i; j > 0; j--) {
			double a = target[order[j]] - floor_eps(target[order[j]]);
			double b = target[order[j - 1]] - floor_eps(target[order[j - 1]]);
			if (a <= b)
				break;
			size_t t = order[j];
			order[j] = order[j - 1];
			order[j - 1] = t;
		}
	for (size_t i = 0; i < nparts; i++) {
		g.cap[order[i]] = hi[order[i]];
		fill(&g);
	}
	for (size_t c = 0; c < nclass; c++)
		placed += g.out[c];
	if (placed < need) {
		/* Not reached in exact arithmetic (the flow always exists); a guard
		 * against rounding: let the part totals give way, never a class. */
		for (size_t p = 0; p < nparts; p++)
			g.cap[p] = need;
		fill(&g);
		for (size_t c = 0; c < nclass; c++)
			for (size_t p = 0; p < nparts && g.out[c] < g.supply[c]; p++)
				if (!g.flow[c * nparts + p]) {
					g.flow[c * nparts + p] = 1;
					g.out[c]++;
				}
	}
	for (size_t e = 0; e < cells; e++)
		alloc[e] += g.flow[e];

	free(frac);
	free(lo);
	free(hi);
	free(order);
	free(g.edge);
	free(g.flow);
	free(g.supply);
	free(g.out);
	free(g.cap);
	free(g.in);
	free(g.prev);
	free(g.queue);
}

/* --- splits and samples --- */

void cairn_split_release(struct cairn_split *s)
{
	if (s->rows)
		for (size_t p = 0; p < s->nparts; p++)
			free(s->rows[p]);
	free(s->rows);
	free(s->n);
	memset(s, 0, sizeof(*s));
}

static int cmp_size(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	return x < y ? -1 : x > y;
}

/*
 * Deals the rows into parts of the wanted sizes: the allocation per class
 * (one class of all rows when not stratified); then, class by class in
 * order of first appearance, the class's rows (in row order) are shuffled
 * and cut into consecutive runs for part 0, 1, ...; each part is sorted.
 */
static int deal(cairn_ctx *ctx, const struct cairn_frame *f, const char *stratify,
		const double *target, size_t nparts, uint64_t seed, struct cairn_split *out)
{
	struct cairn_classes cl = { 0 };
	struct cairn__rng rng;
	size_t *alloc = NULL, *byclass = NULL, *start = NULL, n = f->nrows;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!n)
		return cairn_error(ctx, CAIRN_EPARSE, "'%s' has no rows", f->name);
	if (stratify) {
		size_t col;
		if ((rc = cairn_frame_need_col(ctx, f, stratify, &col)) ||
		    (rc = cairn_classes_build(ctx, f, col, "stratify", &cl)))
			return rc;
	} else {
		cl.n = 1;
		cl.count = cairn_xmalloc(sizeof(size_t));
		cl.first = cairn_xcalloc(1, sizeof(size_t));
		cl.of_row = cairn_xcalloc(n, sizeof(uint32_t));
		cl.count[0] = n;
	}
	alloc = cairn_xmalloc(sizeof(size_t) * cl.n * nparts);
	cairn_stratified_allocate(cl.count, cl.n, target, nparts, alloc);

	/* Rows grouped by class, each group in row order. */
	start = cairn_xcalloc(cl.n + 1, sizeof(size_t));
	for (size_t c = 0; c < cl.n; c++)
		start[c + 1] = start[c] + cl.count[c];
	byclass = cairn_xmalloc(sizeof(size_t) * n);
	{
		size_t *fillp = cairn_xmalloc(sizeof(size_t) * cl.n);
		memcpy(fillp, start, sizeof(size_t) * cl.n);
		for (size_t r = 0; r < n; r++)
			byclass[fillp[cl.of_row[r]]++] = r;
		free(fillp);
	}

	out->nparts = nparts;
	out->rows = cairn_xcalloc(nparts, sizeof(size_t *));
	out->n = cairn_xcalloc(nparts, sizeof(size_t));
	for (size_t p = 0; p < nparts; p++) {
		size_t want = 0;
		for (size_t c = 0; c < cl.n; c++)
			want += alloc[c * nparts + p];
		out->rows[p] = cairn_xmalloc(sizeof(size_t) * (want ? want : 1));
	}
	cairn__rng_seed(&rng, seed);
	for (size_t c = 0; c < cl.n; c++) {
		size_t *rows = byclass + start[c], at = 0;
		cairn__rng_shuffle(&rng, rows, cl.count[c]);
		for (size_t p = 0; p < nparts; p++)
			for (size_t i = 0; i < alloc[c * nparts + p]; i++)
				out->rows[p][out->n[p]++] = rows[at++];
	}
	for (size_t p = 0; p < nparts; p++)
		qsort(out->rows[p], out->n[p], sizeof(size_t), cmp_size);

	free(alloc);
	free(byclass);
	free(start);
	cairn_classes_release(&cl);
	return 0;
}

int cairn_split_rows(cairn_ctx *ctx, const struct cairn_frame *f,
		     const struct cairn_split_options *opts, struct cairn_split *out)
{
	double sum = 0, *target;
	int rc;

	memset(out, 0, sizeof(*out));
	if (opts->nparts < 2)
		return cairn_error(ctx, CAIRN_EINVAL, "a split needs at least 2 ratios, not %zu",
				   opts->nparts);
	for (size_t p = 0; p < opts->nparts; p++) {
		double r = opts->ratios[p];
		if (!(r > 0) || r > 1)
			return cairn_error(ctx, CAIRN_EINVAL,
					   "ratio %zu is %g: each ratio must be above 0 and at most 1",
					   p + 1, r);
		sum += r;
	}
	if (fabs(sum - 1) > 1e-9)
		return cairn_error(ctx, CAIRN_EINVAL, "the ratios sum to %.17g, not 1", sum);
	target = cairn_xmalloc(sizeof(double) * opts->nparts);
	for (size_t p = 0; p < opts->nparts; p++)
		target[p] = opts->ratios[p] / sum * (double)f->nrows;
	rc = deal(ctx, f, opts->stratify, target, opts->nparts, opts->seed, out);
	free(target);
	if (rc)
		return rc;
	for (size_t p = 0; p < out->nparts; p++)
		if (!out->n[p]) {
			rc = cairn_error(ctx, CAIRN_EINVAL,
					 "part %zu of the split would hold no rows (%g x %zu rows of '%s')",
					 p + 1, opts->ratios[p], f->nrows, f->name);
			cairn_split_release(out);
			return rc;
		}
	return 0;
}

int cairn_sample_rows(cairn_ctx *ctx, const struct cairn_frame *f,
		      const struct cairn_sample_options *opts, size_t **rows, size_t *n)
{
	struct cairn_split s;
	double target[2];
	int rc;

	*rows = NULL;
	*n = 0;
	if (!f->nrows)
		return cairn_error(ctx, CAIRN_EPARSE, "'%s' has no rows", f->name);
	if (!opts->n)
		return cairn_error(ctx, CAIRN_EINVAL, "a sample needs at least one row");
	if (opts->n > f->nrows)
		return cairn_error(ctx, CAIRN_EINVAL,
				   "cannot draw %zu rows from '%s', which has %zu (sampling is without replacement)",
				   opts->n, f->name, f->nrows);
	target[0] = (double)opts->n;
	target[1] = (double)(f->nrows - opts->n);
	if ((rc = deal(ctx, f, opts->stratify, target, 2, opts->seed, &s)))
		return rc;
	*rows = s.rows[0];
	*n = s.n[0];
	s.rows[0] = NULL;
	cairn_split_release(&s);
	return 0;
}

size_t cairn_sample_size(double frac, size_t nrows)
{
	double x = floor(frac * (double)nrows + 0.5);
	if (!(x > 0))
		return 0;
	return x >= (double)nrows ? nrows : (size_t)x;
}
