/*
 * SIGINT, SIGTERM and SIGHUP as requests to stop the library's current long
 * operation (cli/signals.c).
 */
#ifndef CAIRN_CLI_SIGNALS_H
#define CAIRN_CLI_SIGNALS_H

#include "cairn/ctx.h"

/* Installs the handlers (once per process) and points ctx's cancel flag at
 * what they set. */
void cli_cancel_on_signals(cairn_ctx *ctx);
/* The flag the handlers set (for a library call that takes one). */
struct cairn_cancel *cli_cancel_flag(void);
/* The first stop signal received, or 0. */
int cli_cancel_signal(void);

#endif
