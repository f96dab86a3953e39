/*
 * A pool of threads running jobs in the order they are submitted: the
 * server's requests when batching is on, so that a request waiting for its
 * batch holds a pool thread, not one of the HTTP threads (which serve many
 * connections each and would stall them). Nothing here knows HTTP.
 */
#ifndef CAIRN_SERVE_WORKERS_H
#define CAIRN_SERVE_WORKERS_H

#include <stddef.h>

struct cairn__workers;

typedef void cairn__job_fn(void *arg);

/* n threads (at least 1); NULL when not one thread could be started. */
struct cairn__workers *cairn__workers_new(size_t n);
/* Queues fn(arg) for the next free thread. */
void cairn__workers_submit(struct cairn__workers *w, cairn__job_fn *fn, void *arg);
/* Runs the jobs queued, then stops and frees the threads. */
void cairn__workers_free(struct cairn__workers *w);

#endif
