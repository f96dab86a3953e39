/* Adaptive batching: a per-model-version queue of requests evaluated
 * together by the first of them; see batch.h. */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "cairn/error.h"
#include "core/strmap.h"
#include "serve/batch.h"

/* A request in a batch: its rows, and what the evaluation gave it. */
struct waiter {
	const struct cairn_frame *f;
	double *out;
	size_t nout, batch_rows;
	int state;                 /* WAITING, DONE, or ALONE (evaluate alone) */
	pthread_cond_t wake;
	struct waiter *next;
};

enum { WAITING, DONE, ALONE };

/* A batch still taking requests; it lives on its first request's stack. */
struct group {
	const struct cairn__model_version *v;
	struct waiter *first, **last;
	size_t n, rows;
	int closed;                /* full: no more requests join */
	pthread_cond_t full;       /* its first request waits on it */
	struct group *next;
};

struct cairn__batcher {
	size_t max_batch;
	int64_t max_delay_us;
	cairn__batch_observe_fn *observe;
	void *observe_arg;
	pthread_mutex_t lock;
	struct group *open;        /* at most one per model version */
	uint64_t evaluations, rows;  /* atomic */
};

struct cairn__batcher *cairn__batcher_new(size_t max_batch, int64_t max_delay_us,
					  cairn__batch_observe_fn *observe, void *arg)
{
	struct cairn__batcher *b = cairn_xcalloc(1, sizeof(*b));

	b->max_batch = max_batch;
	b->max_delay_us = max_delay_us > 0 ? max_delay_us : 0;
	b->observe = observe;
	b->observe_arg = arg;
	pthread_mutex_init(&b->lock, NULL);
	return b;
}

void cairn__batcher_free(struct cairn__batcher *b)
{
	if (!b)
		return;
	pthread_mutex_destroy(&b->lock);
	free(b);
}

void cairn__batcher_stats(struct cairn__batcher *b, uint64_t *evaluations, uint64_t *rows)
{
	*evaluations = __atomic_load_n(&b->evaluations, __ATOMIC_RELAXED);
	*rows = __atomic_load_n(&b->rows, __ATOMIC_RELAXED);
}

static int evaluate(cairn_ctx *ctx, struct cairn__batcher *b, const struct cairn__model_version *v,
		    const struct cairn_frame *f, double **out, size_t *nout)
{
	int rc = cairn_model_predict(ctx, v->model, f, NULL, 0, out, nout);

	if (!rc) {
		__atomic_add_fetch(&b->evaluations, 1, __ATOMIC_RELAXED);
		__atomic_add_fetch(&b->rows, f->nrows, __ATOMIC_RELAXED);
		if (b->observe)
			b->observe(b->observe_arg, v->name, f->nrows);
	}
	return rc;
}

static void concat_column(struct cairn_column *dst, const struct cairn_frame *const *f,
			  size_t n, size_t c, size_t nrows)
{
	const struct cairn_column *first = &f[0]->cols[c];
	struct cairn_strmap dict;
	size_t at = 0;

	dst->name = cairn_xstrdup(first->name);
	dst->type = first->type;
	dst->valid = cairn_xmalloc(nrows ? nrows : 1);
	if (first->type == CAIRN_TYPE_STRING) {
		dst->code = cairn_xcalloc(nrows ? nrows : 1, sizeof(*dst->code));
		cairn_strmap_init(&dict);
	} else
		dst->num = cairn_xmalloc((nrows ? nrows : 1) * sizeof(*dst->num));
	for (size_t i = 0; i < n; i++) {
		const struct cairn_column *src = &f[i]->cols[c];
		size_t rows = f[i]->nrows;
		memcpy(dst->valid + at, src->valid, rows);
		dst->nnull += src->nnull;
		if (dst->code) {
			for (size_t r = 0; r < rows; r++)
				if (src->valid[r]) {
					const char *s = src->dict[src->code[r]];
					dst->code[at + r] = cairn_strmap_intern(&dict, s, strlen(s),
										NULL);
				}
		} else
			memcpy(dst->num + at, src->num, rows * sizeof(*dst->num));
		at += rows;
	}
	if (dst->code) {
		dst->dict = cairn_strmap_detach_keys(&dict, &dst->ndict);
		if (!dst->dict)
			dst->dict = cairn_xcalloc(1, sizeof(char *));
		cairn_strmap_release(&dict);
	}
}

struct cairn_frame *cairn__frame_concat(const struct cairn_frame *const *f, size_t n)
{
	struct cairn_frame *out = cairn_xcalloc(1, sizeof(*out));

	out->name = cairn_xstrdup(f[0]->name ? f[0]->name : "request");
	out->format = f[0]->format;
	out->ncols = f[0]->ncols;
	for (size_t i = 0; i < n; i++)
		out->nrows += f[i]->nrows;
	out->cols = cairn_xcalloc(out->ncols ? out->ncols : 1, sizeof(*out->cols));
	for (size_t c = 0; c < out->ncols; c++)
		concat_column(&out->cols[c], f, n, c, out->nrows);
	return out;
}

/* Evaluates the closed batch g (its first request's ctx) and hands every
 * request its rows, or the word to evaluate alone. */
static void run_batch(cairn_ctx *ctx, struct cairn__batcher *b, struct group *g)
{
	const struct cairn_frame **frames = cairn_xmalloc(g->n * sizeof(*frames));
	struct cairn_frame *all;
	struct waiter *w;
	double *out = NULL;
	size_t nout = 0, i = 0, at = 0;
	int rc;

	for (w = g->first; w; w = w->next)
		frames[i++] = w->f;
	all = cairn__frame_concat(frames, g->n);
	rc = evaluate(ctx, b, g->v, all, &out, &nout);
	pthread_mutex_lock(&b->lock);
	for (w = g->first; w; w = w->next) {
		size_t rows = w->f->nrows;
		if (rc)
			w->state = ALONE;
		else {
			w->out = cairn_xmalloc((rows ? rows : 1) * nout * sizeof(double));
			memcpy(w->out, out + at * nout, rows * nout * sizeof(double));
			w->nout = nout;
			w->batch_rows = all->nrows;
			w->state = DONE;
		}
		at += rows;
		pthread_cond_signal(&w->wake);
	}
	pthread_mutex_unlock(&b->lock);
	free(out);
	cairn_frame_free(all);
	free(frames);
}

static void deadline_in(struct timespec *ts, int64_t us)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
	ts->tv_sec += (time_t)(us / 1000000);
	ts->tv_nsec += (long)(us % 1000000) * 1000;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

static void cond_init_monotonic(pthread_cond_t *c)
{
	pthread_condattr_t a;

	pthread_condattr_init(&a);
	pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
	pthread_cond_init(c, &a);
	pthread_condattr_destroy(&a);
}

static void unlink_group(struct cairn__batcher *b, struct group *g)
{
	for (struct group **p = &b->open; *p; p = &(*p)->next)
		if (*p == g) {
			*p = g->next;
			return;
		}
}

int cairn__batching(const struct cairn__batcher *b)
{
	return b->max_batch > 1;
}

int cairn__batch_predict(cairn_ctx *ctx, struct cairn__batcher *b,
			 const struct cairn__model_version *v, const struct cairn_frame *f,
			 int alone, double **out, size_t *nout, size_t *batch_rows)
{
	struct waiter me = { f, NULL, 0, 0, WAITING, PTHREAD_COND_INITIALIZER, NULL };
	struct group *g, mine;
	struct timespec deadline;

	*batch_rows = f->nrows;
	if (alone || b->max_batch <= 1 || f->nrows >= b->max_batch)
		return evaluate(ctx, b, v, f, out, nout);
	pthread_mutex_lock(&b->lock);
	for (g = b->open; g && g->v != v; g = g->next)
		;
	if (g && g->rows + f->nrows <= b->max_batch) {
		/* Join the open batch and wait for its first request to run it. */
		*g->last = &me;
		g->last = &me.next;
		g->n++;
		g->rows += f->nrows;
		if (g->rows >= b->max_batch) {
			unlink_group(b, g);
			g->closed = 1;
			pthread_cond_signal(&g->full);
		}
		while (me.state == WAITING)
			pthread_cond_wait(&me.wake, &b->lock);
		pthread_mutex_unlock(&b->lock);
		pthread_cond_destroy(&me.wake);
		if (me.state == ALONE)
			return evaluate(ctx, b, v, f, out, nout);
		*out = me.out;
		*nout = me.nout;
		*batch_rows = me.batch_rows;
		return 0;
	}
	if (g) {  /* too full for these rows: it goes now, and a new one opens */
		unlink_group(b, g);
		g->closed = 1;
		pthread_cond_signal(&g->full);
	}
	/* Open a batch and wait for others to join it. */
	memset(&mine, 0, sizeof(mine));
	mine.v = v;
	mine.first = &me;
	mine.last = &me.next;
	mine.n = 1;
	mine.rows = f->nrows;
	cond_init_monotonic(&mine.full);
	mine.next = b->open;
	b->open = &mine;
	deadline_in(&deadline, b->max_delay_us);
	/* Until the deadline, or until a request that joins fills it. */
	while (!mine.closed)
		if (pthread_cond_timedwait(&mine.full, &b->lock, &deadline) == ETIMEDOUT)
			break;
	if (!mine.closed)
		unlink_group(b, &mine);
	pthread_mutex_unlock(&b->lock);
	pthread_cond_destroy(&mine.full);
	if (mine.n == 1) {
		pthread_cond_destroy(&me.wake);
		return evaluate(ctx, b, v, f, out, nout);
	}
	run_batch(ctx, b, &mine);
	pthread_cond_destroy(&me.wake);
	if (me.state == ALONE)
		return evaluate(ctx, b, v, f, out, nout);
	*out = me.out;
	*nout = me.nout;
	*batch_rows = me.batch_rows;
	return 0;
}
