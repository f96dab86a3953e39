/* Cancelling inside libcairn; see core/cancel.h. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "cairn/error.h"
#include "core/cancel.h"
#include "core/ctx-internal.h"

const char *cairn__signal_name(int sig, char out[16])
{
	const char *abbrev = sig > 0 ? sigabbrev_np(sig) : NULL;

	if (abbrev)
		snprintf(out, 16, "SIG%s", abbrev);
	else
		snprintf(out, 16, "signal %d", sig);
	return out;
}

int cairn__interrupted(cairn_ctx *ctx)
{
	int sig = ctx->cancel ? ctx->cancel->sig : 0;
	char name[16];

	if (!sig)
		return cairn_error(ctx, CAIRN_EINTERRUPTED, "interrupted");
	cairn__signal_name(sig, name);
	return cairn_error(ctx, CAIRN_EINTERRUPTED, "interrupted by %s", name);
}

void cairn__sleep_ms(int64_t ms)
{
	struct timespec ts = { (time_t)(ms / 1000), (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}
