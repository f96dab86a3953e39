/*
 * Cancelling inside libcairn: the error an operation returns once its
 * context's cancel flag is set (cairn_ctx_cancelled), and the names of
 * signals for messages ("SIGTERM", locale-free, unlike strsignal), and
 * the short sleep of a thread that polls for work or for the flag. The
 * flag itself belongs to the embedding program.
 */
#ifndef CAIRN_CORE_CANCEL_H
#define CAIRN_CORE_CANCEL_H

#include <stdint.h>
#include "cairn/ctx.h"

/* Sets CAIRN_EINTERRUPTED on ctx, "interrupted by SIGTERM" (or
 * "interrupted" when no signal asked), and returns it. */
int cairn__interrupted(cairn_ctx *ctx);

/* Writes "SIGTERM", or "signal 42" for one without a name, to out and
 * returns out. */
const char *cairn__signal_name(int sig, char out[16]);

/* Sleeps ms milliseconds, the whole of them even when a signal's handler
 * interrupts the sleep. */
void cairn__sleep_ms(int64_t ms);

#endif
