/*
 * The reload thread of a server: it follows the aliases of the models it
 * serves and loads them again on request, off the request path.
 *
 * Every tick (50 ms) the thread looks at the reload requests (a count a
 * signal handler bumps, and cairn__reloader_request); every interval it
 * resolves each model's reference (one indexed query per registry
 * reference; a pinned NAME@V resolves to itself, and a reference that is
 * not the registry's is not looked at). A model whose reference now names
 * another version, or every model on a request, loads with the thread's own
 * context, then swaps into its table (cairn__models_swap): requests that
 * hold the old version finish on it. A load that fails leaves the old
 * version serving and is reported once per version (a warning on the log
 * sink, a line in the access log) and not retried until the reference
 * moves again or a reload is requested.
 */
#ifndef CAIRN_SERVE_RELOAD_H
#define CAIRN_SERVE_RELOAD_H

#include <signal.h>
#include <stddef.h>
#include "cairn/ctx.h"
#include "serve/models.h"
#include "serve/request.h"

struct cairn__reloader;

/* Starts the thread over the models of the ntables tables. ctx gives the
 * log sink, the cancel flag and the workspace (opened again on a context of
 * the thread's own); interval in seconds (<= 0: requests only); reload may
 * be NULL; s's access log takes the reload lines. */
int cairn__reloader_start(cairn_ctx *ctx, struct cairn__models **tables, size_t ntables,
			  double interval, const volatile sig_atomic_t *reload,
			  struct cairn__serve_state *s, struct cairn__reloader **out);
/* Asks for a reload of every model (thread-safe, async-signal-safe). */
void cairn__reloader_request(struct cairn__reloader *r);
/* Stops and joins the thread (a load under way finishes first), frees.
 * NULL is a no-op. */
void cairn__reloader_free(struct cairn__reloader *r);

#endif
