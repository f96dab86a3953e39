/*
 * Running n pieces of work at once: cairn__parallel(n, fn, arg) calls
 * fn(arg, i) for each i in [0, n), piece 0 on the calling thread and the
 * others on threads of their own, and returns when all are done. A thread
 * that cannot be started runs its piece on the calling thread afterwards,
 * so every piece runs exactly once whatever the system allows. The pieces
 * share nothing but what fn's arg gives them; each reports its outcome
 * there (a context belongs to one thread: a piece that needs one makes
 * its own, and the caller reports errors once all are done).
 */
#ifndef CAIRN_CORE_PARALLEL_H
#define CAIRN_CORE_PARALLEL_H

void cairn__parallel(int n, void (*fn)(void *arg, int i), void *arg);

#endif
