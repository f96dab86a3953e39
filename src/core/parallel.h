/*
 * Running n pieces of work at once: cairn__parallel(n, fn, arg) calls
 * fn(arg, i) for each i in [0, n), piece 0 on the calling thread and the
 * others on threads of their own, and returns when all are done. A thread
 * that cannot be started runs its piece on the calling thread afterwards,
 * so every piece runs exactly once whatever the system allows. The pieces
 * share nothing but what fn's arg gives them; each reports its outcome
 * there (a context belongs to one thread: a piece that needs one makes
 * its own, and the caller reports errors once all are done).
 * cairn__stop_threads stops threads that wait for work (below).
 */
#ifndef CAIRN_CORE_PARALLEL_H
#define CAIRN_CORE_PARALLEL_H

#include <pthread.h>
#include <stddef.h>

void cairn__parallel(int n, void (*fn)(void *arg, int i), void *arg);

/*
 * Stopping long-lived threads that wait on a condition: sets *flag under
 * lock, wakes every waiter on cond and joins the n threads. Each thread
 * checks *flag under lock after every wake-up and returns once it is set.
 */
void cairn__stop_threads(pthread_mutex_t *lock, pthread_cond_t *cond, int *flag,
			 const pthread_t *threads, size_t n);

#endif
