/*
 * The model server: models answering HTTP requests in MLflow's scoring
 * protocol (POST /invocations) and the Open Inference Protocol v2
 * (/v2/...), on libmicrohttpd's thread pool with epoll
 * (docs/commands/serve.md has the protocols, docs/internals/serve.md the
 * request path).
 *
 *     struct cairn_server_options o;
 *     cairn_server_options_init(&o);
 *     o.models = refs; o.nmodels = 1; o.port = 0;
 *     cairn_server *s;
 *     if (!cairn_server_start(ctx, &o, &s)) {
 *             printf("port %d\n", cairn_server_port(s));
 *             cairn_server_wait(s);          (until o.cancel is set)
 *             cairn_server_stop(s, 1);       (drain: finish what is in flight)
 *     }
 *     cairn_server_free(s);
 *
 * Each model reference (NAME@V, NAME@ALIAS, a run, a package directory, a
 * bundle file: whatever cairn_registry_model_open takes) is loaded once, at
 * start, with ctx (which must have the workspace open when a reference
 * needs it); the model is served under its registry name, else the base
 * name of its directory or file. Requests are answered on the server's own
 * threads, each with a context of its own; ctx is not used after
 * cairn_server_start returns.
 *
 * The library prints nothing and installs no signal handler: the access
 * log goes to the options' callback, and a program that wants SIGTERM to
 * drain the server sets the cancel flag from its handler and calls
 * cairn_server_stop. The token's bytes are only compared (in constant
 * time), never logged.
 */
#ifndef CAIRN_SERVE_H
#define CAIRN_SERVE_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include "cairn/common.h"
#include "cairn/ctx.h"

CAIRN_BEGIN_DECLS

typedef struct cairn_server cairn_server;

/* Called once per answered request with one JSON object (no line break),
 * and once per reload and per shadow answer (docs/commands/serve.md), from
 * any of the server's threads, several at a time: the sink must be
 * thread-safe (a lock held across a write would make the request threads
 * wait on each other's system calls). */
typedef void cairn_access_log_fn(const char *line, size_t len, void *arg);

struct cairn_server_options {
	const char *host;               /* address to bind (default "127.0.0.1") */
	int port;                       /* 0: a free port, see cairn_server_port */
	int threads;                    /* worker threads (0: the usable cores) */
	const char *const *models;      /* model references, at least one */
	size_t nmodels;
	const char *token;              /* bearer token (NULL: no auth); token_len bytes */
	size_t token_len;
	size_t max_body;                /* bytes of a request body (413 beyond) */
	size_t max_header;              /* bytes of memory per connection: the request
					   line and headers must fit (431 beyond) */
	double timeout;                 /* seconds a request may take (504 beyond);
					   0: no limit */
	unsigned idle_timeout;          /* seconds an idle connection is kept */
	unsigned max_connections;       /* connections at once; more are refused */
	cairn_access_log_fn *access_log;  /* may be NULL */
	void *access_log_arg;
	struct cairn_cancel *cancel;    /* cairn_server_wait returns once it is set */
	/* Adaptive batching: concurrent requests for one model evaluated
	 * together, up to max_batch rows, the first waiting up to
	 * max_delay_us for others; max_batch 0 or 1: off. */
	size_t max_batch;
	int64_t max_delay_us;
	/* Hot reload (docs/commands/serve.md): a model served as NAME@ALIAS
	 * follows the alias, looked up every reload_interval seconds (0: 1;
	 * negative: never); each change of *reload (a count a signal handler
	 * bumps; may be NULL) or call of cairn_server_reload loads every model
	 * again from its reference. The new version loads on the server's own
	 * thread and swaps in once loaded; one that fails keeps the old one
	 * serving, with a warning on ctx's log sink and a line in the access
	 * log. */
	double reload_interval;
	const volatile sig_atomic_t *reload;
	/* Challengers: "NAME@SEL=SHARE%" answers SHARE percent (0 to 100, two
	 * decimals at most) of NAME's requests with NAME@SEL; "NAME@SEL" in
	 * shadows also runs NAME@SEL on every request of NAME, after the
	 * answer, logging its answer and never returning it. Any reference
	 * serve takes; they follow their alias as the models do. */
	const char *const *canaries;
	size_t ncanaries;
	const char *const *shadows;
	size_t nshadows;
	/* The prediction log (docs/commands/predictions.md): by default
	 * .cairn/predictions/ of the workspace open on ctx, and none without
	 * one. */
	const char *predictions_dir;    /* another directory; NULL: the default */
	int64_t predictions_flush_ms;   /* the flush interval (0: 1000): what a crash
					   may lose */
	int no_predictions;             /* no prediction log */
	/* When the log's queue is full (requests outrun the disk): 0, the
	 * request waits for room, so that every prediction is logged; 1, its
	 * record is dropped (counted) and the request never waits. */
	int predictions_drop_when_full;
};

/* Defaults: 127.0.0.1:5000, the usable cores, a 16 MiB body, 32 KiB of
 * headers, no timeout, 30 s idle, 1024 connections, no batching (max_batch
 * 1, max_delay_us 500). */
void cairn_server_options_init(struct cairn_server_options *o);

/* Loads the models and starts listening; returns once requests are
 * accepted. A model that does not load, two models with one name, an
 * address in use: the error on ctx and nothing left running. */
int cairn_server_start(cairn_ctx *ctx, const struct cairn_server_options *o,
		       cairn_server **out);
/* The port the server listens on (the one picked when o->port was 0). */
int cairn_server_port(const cairn_server *s);
/* Blocks until the options' cancel flag is set (at once without one). */
void cairn_server_wait(cairn_server *s);
/* Loads every model (and challenger) again from its reference, on the
 * server's reload thread; returns at once. Thread-safe. */
void cairn_server_reload(cairn_server *s);
/* Stops accepting connections; with drain, waits for the requests in
 * flight to be answered first; then stops the threads. Idempotent. */
void cairn_server_stop(cairn_server *s, int drain);
/* Stops (without drain) when still running, and frees. NULL is a no-op. */
void cairn_server_free(cairn_server *s);

CAIRN_END_DECLS

#endif
