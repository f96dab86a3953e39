/* Progress reports throttled to the context's sink; see src/core/progress.h. */
#include "cairn/id.h"
#include "core/ctx-internal.h"
#include "core/progress.h"

void cairn__progress_start(cairn_ctx *ctx, struct cairn__progress *p, const char *title,
			   uint64_t total, int bytes)
{
	p->ctx = ctx;
	p->title = title;
	p->total = total;
	p->bytes = bytes;
	p->last_ms = 0;
	p->active = ctx && ctx->progress_fn;
}

void cairn__progress_update(struct cairn__progress *p, uint64_t done)
{
	int64_t now;

	if (!p->active)
		return;
	now = cairn_now_ms();
	if (now - p->last_ms < 100)
		return;
	p->last_ms = now;
	p->ctx->progress_fn(p->ctx->progress_arg, p->title, done, p->total, p->bytes, 0);
}

void cairn__progress_end(struct cairn__progress *p)
{
	if (p->active)
		p->ctx->progress_fn(p->ctx->progress_arg, p->title, p->total, p->total, p->bytes, 1);
	p->active = 0;
}
