/*
 * Adaptive batching: concurrent requests for one model version evaluated
 * together. The first request for a version opens a batch and waits up to
 * max_delay_us microseconds, or until max_batch rows are gathered; the
 * requests that arrive meanwhile join it; then one cairn_model_predict runs
 * over all their rows and each request gets its own rows' outputs back. A
 * request of max_batch rows or more runs alone, and so does every request
 * when max_batch is 1 or less (batching off). Every evaluation, batched or
 * not, is counted (the metrics' batch size).
 *
 * The answers are those of an evaluation of each request alone: a model's
 * prediction of a row does not depend on the other rows of its frame. When
 * the batch's evaluation fails (a value the model refuses in one request),
 * every request of it is evaluated alone, so that each gets its own error
 * naming its own row.
 *
 * A request waits on the thread that read it: batching groups requests of
 * different threads only (the server's thread pool is what bounds a batch,
 * see docs/internals/serve.md).
 */
#ifndef CAIRN_SERVE_BATCH_H
#define CAIRN_SERVE_BATCH_H

#include <stddef.h>
#include <stdint.h>
#include "cairn/ctx.h"
#include "cairn/frame.h"
#include "serve/models.h"

struct cairn__batcher;

/* Called once per evaluation with the model's served name and the rows
 * evaluated (the metrics' batch size); from any thread. */
typedef void cairn__batch_observe_fn(void *arg, const char *model, size_t rows);

struct cairn__batcher *cairn__batcher_new(size_t max_batch, int64_t max_delay_us,
					  cairn__batch_observe_fn *observe, void *arg);
void cairn__batcher_free(struct cairn__batcher *b);

/* Whether requests are batched (max_batch above 1). */
int cairn__batching(const struct cairn__batcher *b);

/* Predicts f's rows (a frame of the signature's columns, as
 * cairn__serve_input_frame builds it, unless alone) with v's model, in a
 * batch or (alone, or batching off) by itself: *out (the caller frees it)
 * holds f->nrows x *nout outputs; *batch_rows the rows of the evaluation
 * that gave them. Every evaluation is observed. */
int cairn__batch_predict(cairn_ctx *ctx, struct cairn__batcher *b,
			 const struct cairn__model_version *v, const struct cairn_frame *f,
			 int alone, double **out, size_t *nout, size_t *batch_rows);

/* Evaluations run and rows evaluated so far. */
void cairn__batcher_stats(struct cairn__batcher *b, uint64_t *evaluations, uint64_t *rows);

/* The frame of the n frames' rows, one after the other (frames of one
 * signature: the same columns, numbers or text, in one order). */
struct cairn_frame *cairn__frame_concat(const struct cairn_frame *const *f, size_t n);

#endif
