/* Clustering metrics: inertia and the mean silhouette coefficient, exact or
 * on a seeded sample of the rows; see include/cairn/evaluate.h. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "cairn/buf.h"
#include "core/rng.h"
#include "ml/metrics-internal.h"

/* Above this many sample rows x clusters, the silhouette's per-row sums are
 * not kept for every row at once (each pair's distance is then computed
 * twice). */
#define SYMMETRIC_CELLS ((size_t)4 << 20)

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The index of v in the sorted distinct values u[0..m). */
static size_t find_label(const double *u, size_t m, double v)
{
	size_t lo = 0, hi = m;

	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (u[mid] <= v)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

static double distance(const struct cairn_matrix *x, size_t i, size_t j)
{
	const float *a = x->v + i * x->cols, *b = x->v + j * x->cols;
	double s = 0;

	for (size_t c = 0; c < x->cols; c++) {
		double t = (double)a[c] - (double)b[c];
		s += t * t;
	}
	return sqrt(s);
}

/* The silhouette of row i from its sums of distances to each cluster. */
static double silhouette_of(const double *sums, const size_t *count, size_t m, size_t own)
{
	double a, b = INFINITY;

	if (count[own] < 2)
		return 0;
	a = sums[own] / (double)(count[own] - 1);
	for (size_t c = 0; c < m; c++)
		if (c != own && count[c] && sums[c] / (double)count[c] < b)
			b = sums[c] / (double)count[c];
	return fmax(a, b) > 0 ? (b - a) / fmax(a, b) : 0;
}

/*
 * The mean silhouette of rows[0..s) (cluster id[r] in 0 .. m-1 for row r),
 * counting only distances among those rows. Each row's sums gather its
 * distances in increasing row order in both ways of computing them, so the
 * result does not depend on which one runs.
 */
static double silhouette(const struct cairn_matrix *x, const size_t *rows, size_t s,
			 const size_t *id, size_t m)
{
	size_t *count = cairn_xcalloc(m, sizeof(size_t));
	double total = 0, *sums;

	for (size_t i = 0; i < s; i++)
		count[id[rows[i]]]++;
	if (s * m <= SYMMETRIC_CELLS) {
		sums = cairn_xcalloc(s * m, sizeof(double));
		for (size_t i = 0; i < s; i++) {
			for (size_t j = i + 1; j < s; j++) {
				double dist = distance(x, rows[i], rows[j]);
				sums[i * m + id[rows[j]]] += dist;
				sums[j * m + id[rows[i]]] += dist;
			}
			total += silhouette_of(sums + i * m, count, m, id[rows[i]]);
		}
	} else {
		sums = cairn_xmalloc(sizeof(double) * m);
		for (size_t i = 0; i < s; i++) {
			memset(sums, 0, sizeof(double) * m);
			for (size_t j = 0; j < s; j++)
				if (j != i)
					sums[id[rows[j]]] += distance(x, rows[i], rows[j]);
			total += silhouette_of(sums, count, m, id[rows[i]]);
		}
	}
	free(sums);
	free(count);
	return total / (double)s;
}

static int cmp_size(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	return x < y ? -1 : x > y;
}

int cairn__eval_check_clustering(cairn_ctx *ctx, const struct cairn_eval_data *d)
{
	const struct cairn_matrix *x = d->x;

	if (!d->pred || !x)
		return cairn_error(ctx, CAIRN_EINVAL,
				   "cannot evaluate a clustering without features and cluster indexes");
	if (!d->n)
		return cairn_error(ctx, CAIRN_EINVAL, "cannot evaluate a clustering of no rows");
	if (x->rows != d->n)
		return cairn_error(ctx, CAIRN_EINVAL,
				   "cannot evaluate a clustering of %zu rows with %zu rows of features",
				   d->n, x->rows);
	for (size_t i = 0; i < d->n; i++) {
		double l = d->pred[i];
		if (!(l >= 0 && l == floor(l) && l < 9007199254740992.0))
			return cairn_error(ctx, CAIRN_EINVAL,
					   "cannot evaluate row %zu: cluster index %g is not a whole"
					   " number >= 0", i + 1, l);
		if (d->centroids && !(l < (double)d->ncentroids))
			return cairn_error(ctx, CAIRN_EINVAL,
					   "cannot evaluate row %zu: cluster %g has no centroid (%zu"
					   " given)", i + 1, l, d->ncentroids);
		for (size_t c = 0; c < x->cols; c++)
			if (!isfinite(x->v[i * x->cols + c]))
				return cairn_error(ctx, CAIRN_EINVAL,
						   "cannot evaluate row %zu: feature %zu is not a number",
						   i + 1, c + 1);
	}
	if (d->centroids)
		for (size_t i = 0; i < d->ncentroids * x->cols; i++)
			if (!isfinite(d->centroids[i]))
				return cairn_error(ctx, CAIRN_EINVAL,
						   "cannot evaluate: centroid %zu is not a number",
						   i / x->cols);
	return 0;
}

json_t *cairn__eval_clustering(const struct cairn_eval_data *d)
{
	const struct cairn_matrix *x = d->x;
	size_t n = d->n, m = 0, *id, *count, *rows, s, limit, cols = x->cols, ns_clusters = 0;
	double *u, *means = NULL, inertia = 0, sil = NAN;
	json_t *o, *notes;

	/* Dense cluster ids 0 .. m-1 in the order of the labels. */
	u = cairn_xmalloc(sizeof(double) * n);
	memcpy(u, d->pred, sizeof(double) * n);
	qsort(u, n, sizeof(double), cmp_double);
	for (size_t i = 0; i < n; i++)
		if (!m || u[i] != u[m - 1])
			u[m++] = u[i];
	id = cairn_xmalloc(sizeof(size_t) * n);
	count = cairn_xcalloc(m, sizeof(size_t));
	for (size_t i = 0; i < n; i++) {
		id[i] = find_label(u, m, d->pred[i]);
		count[id[i]]++;
	}

	if (!d->centroids) {
		means = cairn_xcalloc(m * (cols ? cols : 1), sizeof(double));
		for (size_t i = 0; i < n; i++)
			for (size_t c = 0; c < cols; c++)
				means[id[i] * cols + c] += x->v[i * cols + c];
		for (size_t k = 0; k < m; k++)
			for (size_t c = 0; c < cols; c++)
				means[k * cols + c] /= (double)count[k];
	}
	for (size_t i = 0; i < n; i++) {
		const double *cen = d->centroids ? d->centroids + (size_t)d->pred[i] * cols
						 : means + id[i] * cols;
		for (size_t c = 0; c < cols; c++) {
			double t = (double)x->v[i * cols + c] - cen[c];
			inertia += t * t;
		}
	}

	/* The silhouette, on a seeded sample of distinct rows (in row order)
	 * when there are too many for its n^2 distances. */
	limit = d->silhouette_rows ? d->silhouette_rows : CAIRN_SILHOUETTE_ROWS;
	s = n > limit ? limit : n;
	rows = cairn_xmalloc(sizeof(size_t) * n);
	for (size_t i = 0; i < n; i++)
		rows[i] = i;
	if (s < n) {
		struct cairn__rng rng;
		cairn__rng_seed(&rng, d->seed);
		for (size_t i = 0; i < s; i++) {
			size_t j = i + (size_t)cairn__rng_below(&rng, n - i), t = rows[i];
			rows[i] = rows[j];
			rows[j] = t;
		}
		qsort(rows, s, sizeof(size_t), cmp_size);
	}
	{
		unsigned char *seen = cairn_xcalloc(m, 1);
		for (size_t i = 0; i < s; i++)
			if (!seen[id[rows[i]]]++)
				ns_clusters++;
		free(seen);
	}
	if (ns_clusters >= 2 && ns_clusters < s)
		sil = silhouette(x, rows, s, id, m);

	o = json_object();
	notes = json_array();
	json_object_set_new(o, "rows", json_integer((json_int_t)n));
	json_object_set_new(o, "clusters", json_integer((json_int_t)m));
	json_object_set_new(o, "inertia", cairn__eval_real(inertia));
	json_object_set_new(o, "silhouette", cairn__eval_real(sil));
	json_object_set_new(o, "silhouette_approx", json_boolean(s < n));
	if (s < n)
		json_object_set_new(o, "silhouette_sample", json_integer((json_int_t)s));
	if (isnan(sil)) {
		cairn_buf b = CAIRN_BUF_INIT;
		cairn_buf_addf(&b, "silhouette is undefined for %zu clusters in %zu rows: it needs"
			       " 2 to rows - 1", ns_clusters, s);
		json_array_append_new(notes, json_string(b.buf));
		cairn_buf_release(&b);
	}
	json_object_set_new(o, "notes", notes);
	free(u);
	free(id);
	free(count);
	free(means);
	free(rows);
	return o;
}
