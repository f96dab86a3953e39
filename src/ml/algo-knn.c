/*
 * The algorithm knn: k-nearest neighbours for classification and
 * regression, by brute force over the training rows; see
 * include/cairn/learner.h.
 *
 * A query's k nearest rows are kept in a max-heap ordered by (distance,
 * row index), so selecting them costs n log k with no sort of all the
 * distances, and a row at the same distance as the k-th goes after it: ties
 * go to the earlier training row. Euclidean distances are compared squared;
 * a row whose partial sum already reaches the k-th distance is dropped
 * early. Prediction rows are split over a few threads when the work is large;
 * each row's result does not depend on the split.
 *
 *   weights=uniform   each neighbour counts 1;
 *   weights=distance  each counts 1/distance, and when some neighbours are at
 *                     distance 0 only they count (as scikit-learn does).
 * Classification gives the weighted vote share of each class, regression
 * the weighted mean of the neighbours' targets. A training row predicted
 * (the run's training metrics, on a sample of 5,000 training rows at most)
 * is its own nearest neighbour, at distance 0: those metrics flatter.
 *
 * File model.knn, little-endian:
 *   "CAIRNKNN", u32 version (1), u32 task (0 classification, 1 regression),
 *   u32 nclasses, u32 length of the params JSON, u64 rows, u64 cols,
 *   the params JSON ({"metric", "n_neighbors", "weights"}),
 *   rows x cols float32 features (row-major), rows float64 targets,
 *   and 64 hex characters: the SHA-256 of everything before them.
 * A file that is not one is CAIRN_EPARSE; a truncated or altered one is
 * CAIRN_ECORRUPT.
 */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cairn/buf.h"
#include "cairn/error.h"
#include "cairn/hash.h"
#include "core/cpu.h"
#include "core/fs.h"
#include "core/json.h"
#include "ml/algorithms.h"

#define MODEL_FILE "model.knn"
#define MAGIC "CAIRNKNN"
#define VERSION 1
#define HEADER_LEN 40
#define MAX_CLASSES 100000
#define MAX_THREADS 8
/* Distance computations (rows x training rows x features) below which
 * prediction stays on the calling thread. */
#define THREAD_WORK 4000000.0

struct knn {
	enum cairn_task task;
	int nclasses;             /* classification */
	size_t rows, cols;
	float *x;                 /* rows x cols */
	double *y;
	size_t k;
	int by_distance;          /* weights=distance */
	int manhattan;            /* metric=manhattan, else euclidean */
	int threads;              /* 0: as many as the machine has, up to MAX_THREADS */
};

static void knn_free(void *model)
{
	struct knn *m = model;

	if (!m)
		return;
	free(m->x);
	free(m->y);
	free(m);
}

static int knn_fit(cairn_ctx *ctx, const struct cairn_train_data *d, const json_t *params,
		   cairn_iteration_fn on_iteration, void *arg, void **model)
{
	const struct cairn_matrix *x = d->x;
	int64_t k = cairn_param_int(params, "n_neighbors");
	struct knn *m;
	int rc;

	*model = NULL;
	if (d->task == CAIRN_TASK_CLUSTERING)
		return cairn_error(ctx, CAIRN_EINVAL, "knn does not do clustering");
	if (!x || !x->rows || !x->cols)
		return cairn_error(ctx, CAIRN_EINVAL, "cannot train knn: no rows or no features");
	if (k < 1 || (uint64_t)k > x->rows)
		return cairn_error(ctx, CAIRN_EINVAL, "cannot train knn: n_neighbors %lld is more "
				   "than the %zu training rows", (long long)k, x->rows);
	if ((rc = cairn__matrix_check_finite(ctx, "train knn", x)))
		return rc;
	if (d->task == CAIRN_TASK_CLASSIFICATION && (d->nclasses < 2 || d->nclasses > MAX_CLASSES))
		return cairn_error(ctx, CAIRN_EINVAL, "cannot train knn: %d classes (2 to %d supported)",
				   d->nclasses, MAX_CLASSES);
	for (size_t i = 0; i < x->rows; i++) {
		double y = d->y[i];
		if (!isfinite(y) || (d->task == CAIRN_TASK_CLASSIFICATION &&
				     (y < 0 || y >= d->nclasses || y != floor(y))))
			return cairn_error(ctx, CAIRN_EINVAL, "cannot train knn: target %g of row %zu "
					   "is not %s", y, i, d->task == CAIRN_TASK_CLASSIFICATION ?
					   "a class index" : "a finite number");
	}
	m = cairn_xcalloc(1, sizeof(*m));
	m->task = d->task;
	m->nclasses = d->task == CAIRN_TASK_CLASSIFICATION ? d->nclasses : 0;
	m->rows = x->rows;
	m->cols = x->cols;
	m->x = cairn_xmalloc(x->rows * x->cols * sizeof(float));
	memcpy(m->x, x->v, x->rows * x->cols * sizeof(float));
	m->y = cairn_xmalloc(x->rows * sizeof(double));
	memcpy(m->y, d->y, x->rows * sizeof(double));
	m->k = (size_t)k;
	m->by_distance = !strcmp(cairn_param_str(params, "weights"), "distance");
	m->manhattan = !strcmp(cairn_param_str(params, "metric"), "manhattan");
	m->threads = d->threads > 0 ? d->threads : 0;
	*model = m;
	return 0;
}

static size_t knn_outputs(const void *model)
{
	const struct knn *m = model;

	return m->task == CAIRN_TASK_CLASSIFICATION ? (size_t)m->nclasses : 1;
}

struct neighbour {
	double dist;
	size_t row;
};

static int farther(const struct neighbour *a, const struct neighbour *b)
{
	return a->dist > b->dist || (a->dist == b->dist && a->row > b->row);
}

static void sift_down(struct neighbour *h, size_t n, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, top = i;
		struct neighbour t;

		if (l < n && farther(&h[l], &h[top]))
			top = l;
		if (r < n && farther(&h[r], &h[top]))
			top = r;
		if (top == i)
			return;
		t = h[i];
		h[i] = h[top];
		h[top] = t;
		i = top;
	}
}

static void sift_up(struct neighbour *h, size_t i)
{
	while (i > 0) {
		size_t p = (i - 1) / 2;
		struct neighbour t;

		if (!farther(&h[i], &h[p]))
			return;
		t = h[i];
		h[i] = h[p];
		h[p] = t;
		i = p;
	}
}

/* The distance from q to training row r (squared for euclidean), or a value
 * >= bound as soon as the partial sum reaches bound. */
static double distance(const struct knn *m, const float *q, size_t r, double bound)
{
	const float *t = m->x + r * m->cols;
	double s = 0;
	size_t j = 0;

	while (j < m->cols) {
		size_t end = j + 8 < m->cols ? j + 8 : m->cols;
		if (m->manhattan)
			for (; j < end; j++)
				s += fabs((double)q[j] - t[j]);
		else
			for (; j < end; j++) {
				double e = (double)q[j] - t[j];
				s += e * e;
			}
		if (s >= bound)
			return s;
	}
	return s;
}

/* The k nearest training rows of q into h (a heap, in no particular order). */
static void nearest(const struct knn *m, const float *q, struct neighbour *h)
{
	size_t n = 0;

	for (size_t r = 0; r < m->rows; r++) {
		double bound = n == m->k ? h[0].dist : INFINITY;
		double dd = distance(m, q, r, bound);

		if (n < m->k) {
			h[n].dist = dd;
			h[n].row = r;
			sift_up(h, n++);
		} else if (dd < h[0].dist) {
			h[0].dist = dd;
			h[0].row = r;
			sift_down(h, n, 0);
		}
	}
}

static void predict_row(const struct knn *m, const float *q, struct neighbour *h, double *out)
{
	size_t zero = 0;
	double wsum = 0, acc = 0;

	nearest(m, q, h);
	for (size_t i = 0; i < m->k; i++) {
		if (!m->manhattan)
			h[i].dist = sqrt(h[i].dist);
		zero += h[i].dist == 0;
	}
	if (m->task == CAIRN_TASK_CLASSIFICATION)
		memset(out, 0, (size_t)m->nclasses * sizeof(double));
	for (size_t i = 0; i < m->k; i++) {
		double w = 1;
		if (m->by_distance)
			w = zero ? h[i].dist == 0 : 1 / h[i].dist;
		wsum += w;
		if (m->task == CAIRN_TASK_CLASSIFICATION)
			out[(size_t)m->y[h[i].row]] += w;
		else
			acc += w * m->y[h[i].row];
	}
	if (m->task != CAIRN_TASK_CLASSIFICATION) {
		out[0] = acc / wsum;
		return;
	}
	for (int c = 0; c < m->nclasses; c++)
		out[c] /= wsum;
}

struct slice {
	const struct knn *m;
	const struct cairn_matrix *x;
	size_t from, to;
	double *out;
};

static void *predict_slice(void *arg)
{
	struct slice *s = arg;
	struct neighbour *h = cairn_xcalloc(s->m->k, sizeof(*h));
	size_t outs = knn_outputs(s->m);

	for (size_t i = s->from; i < s->to; i++)
		predict_row(s->m, s->x->v + i * s->x->cols, h, s->out + i * outs);
	free(h);
	return NULL;
}

static int knn_predict(cairn_ctx *ctx, const void *model, const struct cairn_matrix *x,
		       double *out)
{
	const struct knn *m = model;
	struct slice s[MAX_THREADS];
	pthread_t tid[MAX_THREADS];
	int started[MAX_THREADS] = { 0 };
	size_t nt = 1;
	int rc;

	if (x->cols != m->cols)
		return cairn_error(ctx, CAIRN_EINVAL, "cannot predict: the model takes %zu features, "
				   "the data has %zu", m->cols, x->cols);
	if ((rc = cairn__matrix_check_finite(ctx, "predict", x)))
		return rc;
	/* The usable cores are read from /proc and /sys: only for work that
	 * threads would share (a request's row is not). */
	if ((double)x->rows * (double)m->rows * (double)m->cols >= THREAD_WORK) {
		nt = m->threads > 0 ? (size_t)m->threads : (size_t)cairn__usable_cores();
		if (nt > MAX_THREADS)
			nt = MAX_THREADS;
		if (x->rows < nt)
			nt = 1;
	}
	for (size_t t = 0; t < nt; t++) {
		s[t].m = m;
		s[t].x = x;
		s[t].from = x->rows * t / nt;
		s[t].to = x->rows * (t + 1) / nt;
		s[t].out = out;
	}
	for (size_t t = 1; t < nt; t++)
		started[t] = !pthread_create(&tid[t], NULL, predict_slice, &s[t]);
	predict_slice(&s[0]);
	for (size_t t = 1; t < nt; t++) {
		if (started[t])
			pthread_join(tid[t], NULL);
		else
			predict_slice(&s[t]);
	}
	return 0;
}

static json_t *params_json(const struct knn *m)
{
	json_t *p = json_object();

	json_object_set_new(p, "metric", json_string(m->manhattan ? "manhattan" : "euclidean"));
	json_object_set_new(p, "n_neighbors", json_integer((json_int_t)m->k));
	json_object_set_new(p, "weights", json_string(m->by_distance ? "distance" : "uniform"));
	return p;
}

static void put_u32(cairn_buf *b, uint32_t v)
{
	unsigned char c[4];

	for (int i = 0; i < 4; i++)
		c[i] = (unsigned char)(v >> (8 * i));
	cairn_buf_add(b, c, 4);
}

static void put_u64(cairn_buf *b, uint64_t v)
{
	unsigned char c[8];

	for (int i = 0; i < 8; i++)
		c[i] = (unsigned char)(v >> (8 * i));
	cairn_buf_add(b, c, 8);
}

static uint32_t get_u32(const unsigned char *p)
{
	uint32_t v = 0;

	for (int i = 3; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static uint64_t get_u64(const unsigned char *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static int knn_save(cairn_ctx *ctx, const void *model, const char *dir, json_t *files)
{
	const struct knn *m = model;
	cairn_buf b = CAIRN_BUF_INIT, p = CAIRN_BUF_INIT, path = CAIRN_BUF_INIT;
	char hex[CAIRN_HEX_LEN + 1];
	json_t *params = params_json(m);
	int rc;

	cairn_json_append(&p, params, 0);
	cairn_buf_grow(&b, HEADER_LEN + p.len + m->rows * m->cols * 4 + m->rows * 8 +
		       CAIRN_HEX_LEN);
	cairn_buf_add(&b, MAGIC, 8);
	put_u32(&b, VERSION);
	put_u32(&b, m->task == CAIRN_TASK_CLASSIFICATION ? 0 : 1);
	put_u32(&b, (uint32_t)m->nclasses);
	put_u32(&b, (uint32_t)p.len);
	put_u64(&b, m->rows);
	put_u64(&b, m->cols);
	cairn_buf_add(&b, p.buf, p.len);
	for (size_t i = 0; i < m->rows * m->cols; i++) {
		uint32_t u;
		memcpy(&u, &m->x[i], 4);
		put_u32(&b, u);
	}
	for (size_t i = 0; i < m->rows; i++) {
		uint64_t u;
		memcpy(&u, &m->y[i], 8);
		put_u64(&b, u);
	}
	cairn_sha256_buf(b.buf, b.len, hex);
	cairn_buf_add(&b, hex, CAIRN_HEX_LEN);
	cairn_path_join(&path, dir, MODEL_FILE);
	rc = cairn_write_file_atomic(ctx, path.buf, b.buf, b.len, 0644);
	if (!rc)
		json_array_append_new(files, json_string(MODEL_FILE));
	json_decref(params);
	cairn_buf_release(&b);
	cairn_buf_release(&p);
	cairn_buf_release(&path);
	return rc;
}

/* Reads the params JSON of a model file into m. */
static int read_params(cairn_ctx *ctx, const char *path, const char *text, size_t len,
		       struct knn *m)
{
	json_t *p = NULL, *k;
	const char *w, *metric;
	int rc;

	if ((rc = cairn_json_load_text(ctx, path, text, len, &p)))
		return rc;
	k = json_object_get(p, "n_neighbors");
	w = json_string_value(json_object_get(p, "weights"));
	metric = json_string_value(json_object_get(p, "metric"));
	if (!json_is_integer(k) || json_integer_value(k) < 1 ||
	    (uint64_t)json_integer_value(k) > m->rows || !w || !metric ||
	    (strcmp(w, "uniform") && strcmp(w, "distance")) ||
	    (strcmp(metric, "euclidean") && strcmp(metric, "manhattan"))) {
		json_decref(p);
		return cairn_error(ctx, CAIRN_EPARSE, "'%s' has invalid knn params", path);
	}
	m->k = (size_t)json_integer_value(k);
	m->by_distance = !strcmp(w, "distance");
	m->manhattan = !strcmp(metric, "manhattan");
	json_decref(p);
	return 0;
}

static int knn_load(cairn_ctx *ctx, const char *dir, void **model)
{
	cairn_buf path = CAIRN_BUF_INIT, b = CAIRN_BUF_INIT;
	const unsigned char *u;
	struct knn *m = NULL;
	char hex[CAIRN_HEX_LEN + 1];
	uint32_t version, task, plen;
	size_t cells, expected, at;
	int rc;

	*model = NULL;
	cairn_path_join(&path, dir, MODEL_FILE);
	if ((rc = cairn_read_file(ctx, path.buf, &b)))
		goto out;
	u = (const unsigned char *)b.buf;
	if (memcmp(b.buf, MAGIC, b.len < 8 ? b.len : 8) || !b.len) {
		rc = cairn_error(ctx, CAIRN_EPARSE, "'%s' is not a knn model", path.buf);
		goto out;
	}
	if (b.len < HEADER_LEN) {
		rc = cairn_error(ctx, CAIRN_ECORRUPT, "'%s' is truncated: %zu bytes", path.buf, b.len);
		goto out;
	}
	version = get_u32(u + 8);
	if (version != VERSION) {
		rc = cairn_error(ctx, CAIRN_EPARSE, "'%s' is a knn model of version %u; this cairn "
				 "reads version %d", path.buf, version, VERSION);
		goto out;
	}
	m = cairn_xcalloc(1, sizeof(*m));
	task = get_u32(u + 12);
	m->nclasses = (int)(get_u32(u + 16) & 0x7fffffff);
	plen = get_u32(u + 20);
	m->rows = get_u64(u + 24);
	m->cols = get_u64(u + 32);
	/* Each size is bounded by the file's before they are multiplied. */
	if (task > 1 || (task == 0 && (m->nclasses < 2 || m->nclasses > MAX_CLASSES)) ||
	    !m->rows || !m->cols || m->rows > b.len || m->cols > b.len || plen > b.len ||
	    __builtin_mul_overflow(m->rows, m->cols, &cells) || cells > b.len) {
		rc = cairn_error(ctx, CAIRN_ECORRUPT, "'%s' has an invalid header", path.buf);
		goto out;
	}
	expected = HEADER_LEN + plen + cells * 4 + m->rows * 8 + CAIRN_HEX_LEN;
	if (b.len != expected) {
		rc = cairn_error(ctx, CAIRN_ECORRUPT, "'%s' is %s: %zu bytes, expected %zu", path.buf,
				 b.len < expected ? "truncated" : "damaged", b.len, expected);
		goto out;
	}
	cairn_sha256_buf(b.buf, b.len - CAIRN_HEX_LEN, hex);
	if (memcmp(hex, b.buf + b.len - CAIRN_HEX_LEN, CAIRN_HEX_LEN)) {
		rc = cairn_error(ctx, CAIRN_ECORRUPT, "'%s' is damaged: its checksum does not match",
				 path.buf);
		goto out;
	}
	m->task = task == 0 ? CAIRN_TASK_CLASSIFICATION : CAIRN_TASK_REGRESSION;
	if (m->task != CAIRN_TASK_CLASSIFICATION)
		m->nclasses = 0;
	if ((rc = read_params(ctx, path.buf, b.buf + HEADER_LEN, plen, m)))
		goto out;
	at = HEADER_LEN + plen;
	m->x = cairn_xmalloc(cells * sizeof(float));
	m->y = cairn_xmalloc(m->rows * sizeof(double));
	for (size_t i = 0; i < cells; i++, at += 4) {
		uint32_t v = get_u32(u + at);
		memcpy(&m->x[i], &v, 4);
		if (!isfinite(m->x[i])) {
			rc = cairn_error(ctx, CAIRN_ECORRUPT, "'%s' has a feature that is not a "
					 "finite number", path.buf);
			goto out;
		}
	}
	for (size_t i = 0; i < m->rows; i++, at += 8) {
		uint64_t v = get_u64(u + at);
		double y;
		memcpy(&y, &v, 8);
		if (!isfinite(y) || (m->task == CAIRN_TASK_CLASSIFICATION &&
				     (y < 0 || y >= m->nclasses || y != floor(y)))) {
			rc = cairn_error(ctx, CAIRN_ECORRUPT, "'%s' has an invalid target %g in row %zu",
					 path.buf, y, i);
			goto out;
		}
		m->y[i] = y;
	}
	*model = m;
	m = NULL;
out:
	knn_free(m);
	cairn_buf_release(&b);
	cairn_buf_release(&path);
	return rc;
}

static const struct cairn_param_spec knn_params[] = {
	{ "n_neighbors", CAIRN_PARAM_INT, "5", 1, 1e6, NULL, "neighbours that vote or average" },
	{ "weights", CAIRN_PARAM_STRING, "uniform", 0, 0, "uniform|distance",
	  "uniform: each neighbour counts the same; distance: by 1/distance" },
	{ "metric", CAIRN_PARAM_STRING, "euclidean", 0, 0, "euclidean|manhattan",
	  "the distance between rows" },
};

const struct cairn_algorithm cairn__algo_knn = {
	.name = "knn",
	.tasks = CAIRN_TASK_BIT(CAIRN_TASK_CLASSIFICATION) | CAIRN_TASK_BIT(CAIRN_TASK_REGRESSION),
	.wants_scaling = 1,
	.wants_onehot = 1,
	.handles_missing = 0,
	/* Each row costs a pass over every training row: 58,000 rows took
	 * 17.5 s whole. */
	.train_eval_rows = 5000,
	.params = knn_params,
	.nparams = sizeof(knn_params) / sizeof(knn_params[0]),
	.fit = knn_fit,
	.predict = knn_predict,
	.outputs = knn_outputs,
	.save = knn_save,
	.load = knn_load,
	.free = knn_free,
	.importance = NULL,
};
