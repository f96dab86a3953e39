/*
 * Progress of a long operation, reported to the context's progress sink
 * (cairn_ctx_set_progress): at most ten updates a second, then one final
 * call when it ends. Nothing happens when the context has no sink; drawing
 * (on a terminal, after a second, ...) is the sink's business.
 */
#ifndef CAIRN_CORE_PROGRESS_H
#define CAIRN_CORE_PROGRESS_H

#include <stdint.h>
#include "cairn/ctx.h"

struct cairn__progress {
	cairn_ctx *ctx;
	const char *title;
	uint64_t total;     /* 0 when unknown */
	int64_t last_ms;
	int bytes;          /* amounts are bytes */
	int active;         /* the context has a sink */
};

void cairn__progress_start(cairn_ctx *ctx, struct cairn__progress *p, const char *title,
			   uint64_t total, int bytes);
void cairn__progress_update(struct cairn__progress *p, uint64_t done);
/* Tells the sink that the operation ended. */
void cairn__progress_end(struct cairn__progress *p);

#endif
