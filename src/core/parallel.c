/* Running pieces of work on threads; see parallel.h. */
#include <pthread.h>
#include <stdlib.h>
#include "cairn/buf.h"
#include "core/parallel.h"

struct piece {
	pthread_t thread;
	int started;
	void (*fn)(void *arg, int i);
	void *arg;
	int i;
};

static void *run_piece(void *p)
{
	struct piece *w = p;

	w->fn(w->arg, w->i);
	return NULL;
}

void cairn__parallel(int n, void (*fn)(void *arg, int i), void *arg)
{
	struct piece *w;

	if (n <= 1) {
		if (n == 1)
			fn(arg, 0);
		return;
	}
	w = cairn_xcalloc((size_t)n, sizeof(*w));
	for (int i = 1; i < n; i++) {
		w[i] = (struct piece){ .fn = fn, .arg = arg, .i = i };
		w[i].started = !pthread_create(&w[i].thread, NULL, run_piece, &w[i]);
	}
	fn(arg, 0);
	for (int i = 1; i < n; i++) {
		if (w[i].started)
			pthread_join(w[i].thread, NULL);
		else
			fn(arg, i);
	}
	free(w);
}

void cairn__stop_threads(pthread_mutex_t *lock, pthread_cond_t *cond, int *flag,
			 const pthread_t *threads, size_t n)
{
	pthread_mutex_lock(lock);
	*flag = 1;
	pthread_cond_broadcast(cond);
	pthread_mutex_unlock(lock);
	for (size_t i = 0; i < n; i++)
		pthread_join(threads[i], NULL);
}
