/*
 * The algorithm kmeans: k-means clustering (Lloyd's algorithm) with
 * k-means++ seeding; see include/cairn/learner.h.
 *
 * It follows scikit-learn's KMeans so that results compare:
 *   - greedy k-means++: each new centre is the best (lowest total squared
 *     distance) of 2 + ln(k) candidates drawn with probability proportional
 *     to the squared distance to the nearest centre so far;
 *   - Lloyd iterations until no assignment changes, or until the centres
 *     move by at most tol x the mean variance of the features (sum of
 *     squared moves), or max_iter iterations;
 *   - a cluster left empty takes the point farthest from its own centre;
 *   - n_init runs from different seeds, keeping the lowest inertia (sum of
 *     squared distances of the points to their centre).
 * All randomness comes from cairn's seeded generator (core/rng.h): the same
 * seed and data give the same centres and the same model file.
 *
 * on_iteration receives "inertia" after each Lloyd iteration of every run,
 * with a step that counts the iterations of all runs; a non-zero return
 * ends the fit early with the best centres found so far.
 *
 * predict gives the index of the nearest centre (ties: the lowest index).
 * File: model.json with "centroids" (one array of features per cluster),
 * the "inertia" and "n_iter" of the kept run.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "cairn/buf.h"
#include "cairn/error.h"
#include "core/fs.h"
#include "core/json.h"
#include "core/rng.h"
#include "ml/algorithms.h"

#define MODEL_FILE "model.json"

struct kmeans {
	size_t k, d;
	double *centroids;   /* k x d */
	double inertia;
	int64_t n_iter;
};

static void kmeans_free(void *model)
{
	struct kmeans *m = model;

	if (!m)
		return;
	free(m->centroids);
	free(m);
}

static double sqdist(const float *x, const double *c, size_t d)
{
	double s = 0;

	for (size_t j = 0; j < d; j++) {
		double t = x[j] - c[j];
		s += t * t;
	}
	return s;
}

/* The nearest centre of x (the lowest index on ties) and its squared distance. */
static size_t nearest(const float *x, const double *centres, size_t k, size_t d, double *dist)
{
	size_t best = 0;
	double bd = sqdist(x, centres, d);

	for (size_t c = 1; c < k; c++) {
		double t = sqdist(x, centres + c * d, d);
		if (t < bd) {
			bd = t;
			best = c;
		}
	}
	*dist = bd;
	return best;
}

/* The work space of one fit. */
struct lloyd {
	const struct cairn_matrix *x;
	size_t k, d;
	double *centres, *next;   /* k x d */
	size_t *labels, *count;
	double *dist;             /* each point's squared distance to its centre */
	struct cairn__rng rng;
};

static void copy_row(double *dst, const float *src, size_t d)
{
	for (size_t j = 0; j < d; j++)
		dst[j] = src[j];
}

/* An index drawn with probability proportional to w[i] (total sum). */
static size_t draw_weighted(struct cairn__rng *rng, const double *w, size_t n, double sum)
{
	double r = cairn__rng_uniform(rng) * sum, acc = 0;
	size_t last = n;

	if (!(sum > 0))
		return (size_t)cairn__rng_below(rng, n);
	for (size_t i = 0; i < n; i++) {
		if (w[i] <= 0)
			continue;
		acc += w[i];
		last = i;
		if (acc > r)
			return i;
	}
	return last;  /* r landed on the rounding error at the end */
}

/* Greedy k-means++ into L->centres; L->dist ends as the distances to them. */
static void seed_centres(struct lloyd *L)
{
	const struct cairn_matrix *x = L->x;
	size_t n = x->rows, d = L->d, trials = 2 + (size_t)log((double)L->k);
	size_t first = (size_t)cairn__rng_below(&L->rng, n);
	double pot = 0;

	copy_row(L->centres, x->v + first * d, d);
	for (size_t i = 0; i < n; i++)
		pot += L->dist[i] = sqdist(x->v + i * d, L->centres, d);
	for (size_t c = 1; c < L->k; c++) {
		size_t best = 0;
		double best_pot = INFINITY;

		for (size_t t = 0; t < trials; t++) {
			size_t cand = draw_weighted(&L->rng, L->dist, n, pot);
			double cpot = 0;

			copy_row(L->next, x->v + cand * d, d);
			for (size_t i = 0; i < n; i++) {
				double dd = sqdist(x->v + i * d, L->next, d);
				cpot += dd < L->dist[i] ? dd : L->dist[i];
			}
			if (cpot < best_pot) {
				best_pot = cpot;
				best = cand;
			}
		}
		copy_row(L->centres + c * d, x->v + best * d, d);
		pot = 0;
		for (size_t i = 0; i < n; i++) {
			double dd = sqdist(x->v + i * d, L->centres + c * d, d);
			if (dd < L->dist[i])
				L->dist[i] = dd;
			pot += L->dist[i];
		}
	}
}

/* Assigns every point to its nearest centre; returns the number of changed
 * labels and sets *inertia. */
static size_t assign(struct lloyd *L, double *inertia)
{
	size_t changed = 0;
	double sum = 0;

	for (size_t i = 0; i < L->x->rows; i++) {
		size_t c = nearest(L->x->v + i * L->d, L->centres, L->k, L->d, &L->dist[i]);
		changed += c != L->labels[i];
		L->labels[i] = c;
		sum += L->dist[i];
	}
	*inertia = sum;
	return changed;
}

/* The means of the clusters into L->next, then swapped with L->centres;
 * returns the sum of the squared moves of the centres. */
static double update(struct lloyd *L)
{
	const struct cairn_matrix *x = L->x;
	size_t d = L->d;
	double shift = 0, *t;

	memset(L->next, 0, L->k * d * sizeof(double));
	memset(L->count, 0, L->k * sizeof(size_t));
	for (size_t i = 0; i < x->rows; i++) {
		double *c = L->next + L->labels[i] * d;
		for (size_t j = 0; j < d; j++)
			c[j] += x->v[i * d + j];
		L->count[L->labels[i]]++;
	}
	for (size_t c = 0; c < L->k; c++) {
		if (L->count[c]) {
			for (size_t j = 0; j < d; j++)
				L->next[c * d + j] /= (double)L->count[c];
			continue;
		}
		/* An empty cluster takes the point farthest from its centre; that
		 * point's distance is then 0, so the next empty one takes another. */
		size_t far = 0;
		for (size_t i = 1; i < x->rows; i++)
			if (L->dist[i] > L->dist[far])
				far = i;
		copy_row(L->next + c * d, x->v + far * d, d);
		L->dist[far] = 0;
	}
	for (size_t i = 0; i < L->k * d; i++)
		shift += (L->next[i] - L->centres[i]) * (L->next[i] - L->centres[i]);
	t = L->centres;
	L->centres = L->next;
	L->next = t;
	return shift;
}

static int kmeans_fit(cairn_ctx *ctx, const struct cairn_train_data *data, const json_t *params,
		      cairn_iteration_fn on_iteration, void *arg, void **model)
{
	const struct cairn_matrix *x = data->x;
	int64_t k = cairn_param_int(params, "n_clusters");
	int64_t max_iter = cairn_param_int(params, "max_iter");
	int64_t n_init = cairn_param_int(params, "n_init");
	double tol = cairn_param_float(params, "tol"), var_mean = 0;
	struct lloyd L = { 0 };
	struct kmeans *m = NULL;
	int64_t step = 0;
	int stop = 0, rc;

	*model = NULL;
	if (data->task != CAIRN_TASK_CLUSTERING)
		return cairn_error(ctx, CAIRN_EINVAL, "kmeans does not do %s",
				   cairn_task_name(data->task));
	if (!x || !x->rows || !x->cols)
		return cairn_error(ctx, CAIRN_EINVAL, "cannot train kmeans: no rows or no features");
	if (k < 1 || (uint64_t)k > x->rows)
		return cairn_error(ctx, CAIRN_EINVAL, "cannot train kmeans: n_clusters %lld is more "
				   "than the %zu rows", (long long)k, x->rows);
	if ((rc = cairn__matrix_check_finite(ctx, "train kmeans", x)))
		return rc;

	L.x = x;
	L.k = (size_t)k;
	L.d = x->cols;
	L.centres = cairn_xcalloc(L.k * L.d, sizeof(double));
	L.next = cairn_xcalloc(L.k * L.d, sizeof(double));
	L.labels = cairn_xcalloc(x->rows, sizeof(size_t));
	L.count = cairn_xcalloc(L.k, sizeof(size_t));
	L.dist = cairn_xcalloc(x->rows, sizeof(double));
	cairn__rng_seed(&L.rng, data->seed);
	for (size_t j = 0; j < L.d; j++) {
		double mean = 0, var = 0;
		for (size_t i = 0; i < x->rows; i++)
			mean += x->v[i * L.d + j];
		mean /= (double)x->rows;
		for (size_t i = 0; i < x->rows; i++)
			var += (x->v[i * L.d + j] - mean) * (x->v[i * L.d + j] - mean);
		var_mean += var / (double)x->rows;
	}
	tol *= var_mean / (double)L.d;

	m = cairn_xcalloc(1, sizeof(*m));
	m->k = L.k;
	m->d = L.d;
	m->centroids = cairn_xcalloc(L.k * L.d, sizeof(double));
	m->inertia = INFINITY;
	for (int64_t run = 0; run < n_init && !stop; run++) {
		double inertia = 0;
		int64_t it;

		seed_centres(&L);
		for (size_t i = 0; i < x->rows; i++)
			L.labels[i] = L.k;  /* none yet: the first assignment changes all */
		for (it = 0; it < max_iter;) {
			size_t changed = assign(&L, &inertia);

			it++;
			if (on_iteration && on_iteration(arg, ++step, "inertia", inertia))
				stop = 1;
			if (!changed || stop || update(&L) <= tol)
				break;
		}
		/* The inertia of the final centres, with the labels they give. */
		assign(&L, &inertia);
		if (inertia < m->inertia) {
			m->inertia = inertia;
			m->n_iter = it;
			memcpy(m->centroids, L.centres, L.k * L.d * sizeof(double));
		}
	}
	*model = m;
	free(L.centres);
	free(L.next);
	free(L.labels);
	free(L.count);
	free(L.dist);
	return 0;
}

static int kmeans_predict(cairn_ctx *ctx, const void *model, const struct cairn_matrix *x,
			  double *out)
{
	const struct kmeans *m = model;
	int rc;

	if (x->cols != m->d)
		return cairn_error(ctx, CAIRN_EINVAL, "cannot predict: the model takes %zu features, "
				   "the data has %zu", m->d, x->cols);
	if ((rc = cairn__matrix_check_finite(ctx, "predict", x)))
		return rc;
	for (size_t i = 0; i < x->rows; i++) {
		double dist;
		out[i] = (double)nearest(x->v + i * m->d, m->centroids, m->k, m->d, &dist);
	}
	return 0;
}

static size_t kmeans_outputs(const void *model)
{
	return 1;
}

static int kmeans_save(cairn_ctx *ctx, const void *model, const char *dir, json_t *files)
{
	const struct kmeans *m = model;
	json_t *doc = json_object(), *cs = json_array();
	int rc;

	for (size_t c = 0; c < m->k; c++) {
		json_t *row = json_array();
		for (size_t j = 0; j < m->d; j++)
			json_array_append_new(row, json_real(m->centroids[c * m->d + j]));
		json_array_append_new(cs, row);
	}
	json_object_set_new(doc, "algorithm", json_string("kmeans"));
	json_object_set_new(doc, "centroids", cs);
	json_object_set_new(doc, "inertia", json_real(m->inertia));
	json_object_set_new(doc, "n_iter", json_integer(m->n_iter));
	rc = cairn__model_write_json(ctx, dir, MODEL_FILE, doc, files);
	json_decref(doc);
	return rc;
}

static int kmeans_load(cairn_ctx *ctx, const char *dir, void **model)
{
	cairn_buf path = CAIRN_BUF_INIT;
	struct kmeans *m = NULL;
	json_t *doc = NULL, *cs, *v;
	int rc;

	*model = NULL;
	cairn_path_join(&path, dir, MODEL_FILE);
	if ((rc = cairn_json_load_file(ctx, path.buf, &doc)))
		goto out;
	cs = json_object_get(doc, "centroids");
	if (!json_is_array(cs) || !json_array_size(cs) || !json_is_array(json_array_get(cs, 0)) ||
	    !json_array_size(json_array_get(cs, 0))) {
		rc = cairn_error(ctx, CAIRN_EPARSE, "'%s' has no centroids", path.buf);
		goto out;
	}
	m = cairn_xcalloc(1, sizeof(*m));
	m->k = json_array_size(cs);
	m->d = json_array_size(json_array_get(cs, 0));
	m->centroids = cairn_xcalloc(m->k * m->d, sizeof(double));
	for (size_t c = 0; c < m->k; c++) {
		json_t *row = json_array_get(cs, c);
		if (!json_is_array(row) || json_array_size(row) != m->d) {
			rc = cairn_error(ctx, CAIRN_EPARSE, "'%s': centroid %zu does not have %zu "
					 "features", path.buf, c, m->d);
			goto out;
		}
		for (size_t j = 0; j < m->d; j++) {
			v = json_array_get(row, j);
			if (!json_is_number(v) || !isfinite(json_number_value(v))) {
				rc = cairn_error(ctx, CAIRN_EPARSE, "'%s': centroid %zu feature %zu is "
						 "not a number", path.buf, c, j);
				goto out;
			}
			m->centroids[c * m->d + j] = json_number_value(v);
		}
	}
	v = json_object_get(doc, "inertia");
	m->inertia = json_is_number(v) ? json_number_value(v) : NAN;
	m->n_iter = json_integer_value(json_object_get(doc, "n_iter"));
	*model = m;
	m = NULL;
out:
	kmeans_free(m);
	json_decref(doc);
	cairn_buf_release(&path);
	return rc;
}

static const struct cairn_param_spec kmeans_params[] = {
	{ "n_clusters", CAIRN_PARAM_INT, "8", 1, 1e6, NULL, "number of clusters" },
	{ "max_iter", CAIRN_PARAM_INT, "300", 1, 1e6, NULL, "most Lloyd iterations of one run" },
	{ "n_init", CAIRN_PARAM_INT, "10", 1, 1000, NULL,
	  "runs from different k-means++ seeds; the one with the lowest inertia is kept" },
	{ "tol", CAIRN_PARAM_FLOAT, "0.0001", 0, 1, NULL,
	  "a run stops when the centres move by at most tol x the mean feature variance" },
};

const struct cairn_algorithm cairn__algo_kmeans = {
	.name = "kmeans",
	.tasks = CAIRN_TASK_BIT(CAIRN_TASK_CLUSTERING),
	.wants_scaling = 1,
	.wants_onehot = 1,
	.handles_missing = 0,
	.params = kmeans_params,
	.nparams = sizeof(kmeans_params) / sizeof(kmeans_params[0]),
	.fit = kmeans_fit,
	.predict = kmeans_predict,
	.outputs = kmeans_outputs,
	.save = kmeans_save,
	.load = kmeans_load,
	.free = kmeans_free,
	.importance = NULL,
};
