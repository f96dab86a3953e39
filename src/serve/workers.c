/* A pool of threads running queued jobs; see workers.h. */
#include <pthread.h>
#include <stdlib.h>
#include "cairn/buf.h"
#include "core/parallel.h"
#include "serve/workers.h"

struct job {
	cairn__job_fn *fn;
	void *arg;
	struct job *next;
};

struct cairn__workers {
	pthread_mutex_t lock;
	pthread_cond_t ready;
	struct job *first, **last;
	int stopping;
	size_t n;
	pthread_t *threads;
};

static void *run(void *arg)
{
	struct cairn__workers *w = arg;

	pthread_mutex_lock(&w->lock);
	for (;;) {
		struct job *j = w->first;
		if (!j) {
			if (w->stopping)
				break;
			pthread_cond_wait(&w->ready, &w->lock);
			continue;
		}
		if (!(w->first = j->next))
			w->last = &w->first;
		pthread_mutex_unlock(&w->lock);
		j->fn(j->arg);
		free(j);
		pthread_mutex_lock(&w->lock);
	}
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

struct cairn__workers *cairn__workers_new(size_t n)
{
	struct cairn__workers *w = cairn_xcalloc(1, sizeof(*w));

	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->ready, NULL);
	w->last = &w->first;
	w->threads = cairn_xcalloc(n ? n : 1, sizeof(*w->threads));
	for (size_t i = 0; i < (n ? n : 1); i++) {
		if (pthread_create(&w->threads[i], NULL, run, w))
			break;
		w->n++;
	}
	if (!w->n) {
		cairn__workers_free(w);
		return NULL;
	}
	return w;
}

void cairn__workers_submit(struct cairn__workers *w, cairn__job_fn *fn, void *arg)
{
	struct job *j = cairn_xmalloc(sizeof(*j));

	j->fn = fn;
	j->arg = arg;
	j->next = NULL;
	pthread_mutex_lock(&w->lock);
	*w->last = j;
	w->last = &j->next;
	pthread_cond_signal(&w->ready);
	pthread_mutex_unlock(&w->lock);
}

void cairn__workers_free(struct cairn__workers *w)
{
	if (!w)
		return;
	cairn__stop_threads(&w->lock, &w->ready, &w->stopping, w->threads, w->n);
	pthread_cond_destroy(&w->ready);
	pthread_mutex_destroy(&w->lock);
	free(w->threads);
	free(w);
}
