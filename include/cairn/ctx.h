/*
 * cairn_ctx: the handle every libcairn call takes.
 *
 * It carries the last error's detailed message, the workspace once one is
 * opened, the metadata store and object store opened on demand, and what
 * the embedding program gave it to hear from long operations: a log sink, a
 * progress sink and a cancel flag. One context belongs to one thread at a
 * time; use one context per thread.
 *
 * libcairn itself never prints, never reads the environment behind its
 * caller's back and never installs signal handlers: with no sinks set, its
 * warnings and progress are dropped; a program that wants Ctrl-C to stop a
 * long operation installs its own handler and points the cancel flag at
 * what that handler sets.
 */
#ifndef CAIRN_CTX_H
#define CAIRN_CTX_H

#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include "cairn/common.h"
#include "cairn/log.h"

CAIRN_BEGIN_DECLS

typedef struct cairn_ctx cairn_ctx;

/* Creates a context with no workspace. Returns NULL only when out of memory. */
cairn_ctx *cairn_ctx_new(void);
/* Closes the stores and frees the context. NULL is a no-op. */
void cairn_ctx_free(cairn_ctx *ctx);

/* The message of the last error set on ctx ("" when none). Owned by ctx. */
const char *cairn_errmsg(const cairn_ctx *ctx);
/* The code of the last error set on ctx (CAIRN_OK when none). */
int cairn_errcode(const cairn_ctx *ctx);
/* Sets the error code and message on ctx and returns code. */
int cairn_error(cairn_ctx *ctx, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int cairn_verror(cairn_ctx *ctx, int code, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));
/* Like cairn_error() with ": <strerror(errno)>" appended and code CAIRN_EIO
 * (CAIRN_ENOTFOUND for ENOENT, CAIRN_ENOMEM for ENOMEM). */
int cairn_error_errno(cairn_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Prefixes the current message with "context: " and returns the current code. */
int cairn_error_prefix(cairn_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void cairn_error_clear(cairn_ctx *ctx);

/*
 * Log sink: receives each message at or above level (ERROR is the most
 * severe), one whole message without a newline. It may be called from
 * worker threads that an operation started for the context, so it must be
 * thread-safe; one write(2) per message is.
 */
typedef void (*cairn_log_fn)(void *arg, enum cairn_log_level level, const char *message);
void cairn_ctx_set_log(cairn_ctx *ctx, enum cairn_log_level level, cairn_log_fn fn, void *arg);

/*
 * Progress sink: a long operation calls it with its title, the amount done
 * and the total (0 when unknown; bytes set when amounts are bytes) at most
 * ten times a second, and once more with done_flag set when it ends. Called
 * on the context's own thread.
 */
typedef void (*cairn_progress_fn)(void *arg, const char *title, uint64_t done,
				  uint64_t total, int bytes, int done_flag);
void cairn_ctx_set_progress(cairn_ctx *ctx, cairn_progress_fn fn, void *arg);

/*
 * Cancelling. A program points the context at a struct it owns (typically
 * written by its own signal handler); long operations (running a command,
 * sweeps, training, downloads) check it and stop, ending their runs KILLED
 * and failing with CAIRN_EINTERRUPTED. requested counts the requests (a
 * second one may stop child processes at once); sig is the signal that
 * asked first, or 0; forward is a signal that reached only this process
 * (kill() by another) and should be passed on to the child processes an
 * operation runs; the library resets it to 0 once passed on. NULL: nothing
 * cancels.
 */
struct cairn_cancel {
	volatile sig_atomic_t requested;
	volatile sig_atomic_t sig;
	volatile sig_atomic_t forward;
};
void cairn_ctx_set_cancel(cairn_ctx *ctx, struct cairn_cancel *cancel);
/* Nonzero when cancelling was requested on ctx (the signal, or 1). */
int cairn_ctx_cancelled(const cairn_ctx *ctx);

/*
 * Pinning datasets. pins is a comma-separated list of dataset version
 * references NAME@N ("iris@2,iris-test@1"); from then on a reference to a
 * pinned name without a version (NAME, NAME@latest) resolves to the pinned
 * version instead of the latest, so that a command reproduced by
 * cairn_reproduce reads the data its original read (the cairn program takes
 * them from CAIRN_DATASET_PINS). NULL or "" removes the pins; CAIRN_EINVAL
 * when an entry is not NAME@N (the pins are then unchanged).
 */
int cairn_ctx_pin_datasets(cairn_ctx *ctx, const char *pins);

CAIRN_END_DECLS

#endif
