/*
 * Cancelling inside src/ml: the error an operation returns once its
 * context's cancel flag is set (cairn_ctx_cancelled), and the names of
 * signals for messages. The flag itself belongs to the embedding program.
 */
#ifndef CAIRN_ML_CANCEL_H
#define CAIRN_ML_CANCEL_H

#include "cairn/ctx.h"

/* Sets CAIRN_EINTERRUPTED on ctx, "interrupted by SIGTERM" (or
 * "interrupted" when no signal asked), and returns it. */
int cairn__interrupted(cairn_ctx *ctx);

/* "SIGTERM", or "signal 42" for one without a name. */
void cairn__signal_name(int sig, char out[16]);

#endif
