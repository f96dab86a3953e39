/*
 * Challengers of a served model: a canary answers a share of its requests,
 * a shadow runs on every one of them after the answer and is only logged.
 *
 * Each challenger is a one-model table of its own (models.h), so that it
 * swaps like the served models when its alias moves (reload.c). The share
 * a canary gets is decided by the request id alone (cairn__route_bucket):
 * a client that sends the same X-Request-ID again gets the same version.
 *
 * The shadow runs on one worker thread fed by a bounded queue: the request
 * hands over its decoded input frame once it has answered, and a full
 * queue drops the job (logged), so that a slow or failing shadow never
 * slows or fails a request. Its answer is written as a line of the access
 * log with "shadow": true.
 *
 * cairn__routes_new and cairn__routes_free run on the thread that starts
 * and frees the server; cairn__route_pick and cairn__route_shadow on any
 * request thread.
 */
#ifndef CAIRN_SERVE_ROUTE_H
#define CAIRN_SERVE_ROUTE_H

#include <stddef.h>
#include <stdint.h>
#include "cairn/ctx.h"
#include "cairn/serve.h"
#include "serve/models.h"
#include "serve/request.h"

struct cairn__routes;

/* Parses "REF=SHARE%" (the % optional): *share in hundredths of a percent
 * (0 to 10000), ref a copy the caller frees. CAIRN_EINVAL naming spec. */
int cairn__route_parse_canary(cairn_ctx *ctx, const char *spec, char **ref, int *share);
/* The bucket of a request id, 0 to 9999: FNV-1a (64 bits) of its bytes
 * modulo 10000. A canary of share S answers the ids whose bucket is < S. */
int cairn__route_bucket(const char *id);

/* Loads o's canaries and shadows with ctx; each must be a version of a
 * model of served, at most one canary and one shadow per model. The
 * access log of s (may be NULL) takes the shadows' lines. *out is NULL
 * when there is no challenger. */
int cairn__routes_new(cairn_ctx *ctx, const struct cairn_server_options *o,
		      struct cairn__models *served, struct cairn__serve_state *s,
		      struct cairn__routes **out);
/* Waits for the shadow jobs queued, stops the worker. */
void cairn__routes_stop(struct cairn__routes *r);
void cairn__routes_free(struct cairn__routes *r);

/* The challengers' tables, for the reload thread. */
size_t cairn__routes_count(const struct cairn__routes *r);
struct cairn__models *cairn__routes_table(struct cairn__routes *r, size_t i);

/* The version that answers a request with id for the model of champion:
 * with want (a version asked for by number, may be NULL), the challenger
 * that has it, else the champion (which the caller finds is not want);
 * without, the canary for its share of ids, or the champion (always
 * when id is NULL: a request that predicts nothing). The caller's
 * reference to champion passes to the call; the one returned is the
 * caller's. r may be NULL. */
struct cairn__model_version *cairn__route_pick(struct cairn__routes *r,
					       struct cairn__model_version *champion,
					       const char *id, const char *want);
/* Whether cairn__route_shadow will take rec's input frame. */
int cairn__route_shadowed(const struct cairn__routes *r, const struct cairn__serve_record *rec);
/* After the answer: queues rec's input frame (taken: rec->inputs becomes
 * NULL) for the shadow of rec's model when it has one and the request
 * succeeded. r may be NULL. */
void cairn__route_shadow(struct cairn__routes *r, struct cairn__serve_record *rec);

#endif
