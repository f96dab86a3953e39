/*
 * SIGINT, SIGTERM and SIGHUP as requests to stop the library's current long
 * operation (cli/signals.c).
 */
#ifndef CAIRN_CLI_SIGNALS_H
#define CAIRN_CLI_SIGNALS_H

#include <signal.h>
#include "cairn/ctx.h"

/* Installs the handlers (once per process) and points ctx's cancel flag at
 * what they set. */
void cli_cancel_on_signals(cairn_ctx *ctx);
/* The flag the handlers set (for a library call that takes one). */
struct cairn_cancel *cli_cancel_flag(void);
/* For a command that reloads on SIGHUP rather than stopping (serve),
 * after cli_cancel_on_signals: from now on SIGHUP (unless ignored when the
 * program started) only bumps the count returned. */
const volatile sig_atomic_t *cli_reload_on_sighup(void);
/* The first stop signal received, or 0. */
int cli_cancel_signal(void);

#endif
