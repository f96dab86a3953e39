/*
 * The request path of the server, in one place: an HTTP request as the
 * server's threads received it (no libmicrohttpd type reaches here), its
 * routing to a protocol, and the record of what it did, which the access
 * log writes and which later hooks (a prediction log, metrics) take as
 * they are.
 *
 * cairn__serve_handle runs on any server thread, with a context of its
 * own; the server it is given is shared and read-only but for its model
 * table's reference counts.
 */
#ifndef CAIRN_SERVE_REQUEST_H
#define CAIRN_SERVE_REQUEST_H

#include <stddef.h>
#include <stdint.h>
#include "cairn/buf.h"
#include "cairn/frame.h"
#include "cairn/serve.h"
#include "serve/models.h"

enum cairn__serve_protocol {
	CAIRN_SERVE_NONE,     /* health, metadata, errors before routing */
	CAIRN_SERVE_MLFLOW,
	CAIRN_SERVE_V2
};

/* The request as received. */
struct cairn__http_request {
	const char *method, *path;     /* path without the query string */
	const char *content_type;      /* may be NULL */
	const char *authorization;     /* may be NULL */
	const char *request_id;        /* X-Request-ID, may be NULL */
	const char *remote;            /* the client's address, may be NULL */
	const char *body;
	size_t body_len;
	int body_too_large;            /* the body went past the limit (not kept) */
	double start;                  /* monotonic seconds at its first byte */
};

/* The answer. */
struct cairn__http_response {
	int status;
	const char *content_type;      /* static */
	cairn_buf body;
	int www_authenticate;          /* add the Bearer challenge (401) */
};

/* What one request did: built along the path, complete when it is logged. */
struct cairn__serve_record {
	char id[129];                  /* the request id (X-Request-ID or made) */
	int64_t ts_ms;                 /* when it arrived (Unix ms) */
	const char *method, *path;
	enum cairn__serve_protocol protocol;
	const struct cairn__model_version *model;  /* NULL when none answered */
	int status;
	double latency;                /* seconds, first byte to answer */
	size_t bytes_in, bytes_out;
	/* A prediction: the decoded inputs (the frame the model predicted),
	 * nrows x noutputs outputs, and whether probabilities were returned. */
	const struct cairn_frame *inputs;
	const double *outputs;
	size_t nrows, noutputs;
	int proba;
	size_t batch_rows;             /* rows of the evaluation that gave the outputs */
	const char *error;             /* the error message answered (4xx/5xx) */
	int shadow;                    /* a shadow's answer (route.c), never returned */
	/* For a body decoded straight into the frame (split.c), where each
	 * input value's text is in it (decode.h's spans: owned, or NULL) and
	 * the body itself (the request's): the prediction log copies the
	 * numbers' text rather than format them again. */
	uint32_t *spans;
	const char *body;
	size_t body_len;
};

struct cairn__serve_observe;

/* The server as the request path sees it. */
struct cairn__serve_state {
	struct cairn__models *models;
	const char *token;             /* NULL: no auth */
	size_t token_len;
	double timeout;                /* seconds, 0: none */
	size_t max_body;
	cairn_access_log_fn *access_log;
	void *access_log_arg;
	struct cairn__batcher *batcher;  /* NULL: no batching */
	struct cairn__routes *routes;  /* canaries and shadows (route.h), may be NULL */
	struct cairn__serve_observe *observe;  /* metrics, prediction log, feedback */
};

struct cairn__routes;

/* Monotonic seconds. */
double cairn__serve_now(void);

/* Answers req into resp (resp->body empty on entry) and fills rec. */
void cairn__serve_handle(struct cairn__serve_state *s, const struct cairn__http_request *req,
			 struct cairn__http_response *resp, struct cairn__serve_record *rec);
/* Appends the JSON value of one row's prediction by v: the label, the
 * value or the cluster. */
void cairn__serve_add_prediction(cairn_buf *b, const struct cairn__model_version *v,
				 const double *row);
/* Writes one line to the access log (when there is one), serialized with
 * every other line. */
void cairn__serve_log(struct cairn__serve_state *s, const cairn_buf *line);
/* After the answer: the access log line (and any later hook). */
void cairn__serve_finish(struct cairn__serve_state *s, struct cairn__serve_record *rec);

#endif
