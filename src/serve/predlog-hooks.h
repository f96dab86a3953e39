/*
 * What the server keeps of its requests: the prediction log, the
 * Prometheus metrics and the lineage of what it serves, behind the few
 * calls the request path makes (server.c, request.c).
 *
 * cairn__observe_open is called by cairn_server_start before it loads the
 * models, cairn__observe_loaded after each load (and each reload), and
 * cairn__observe_close when the server is freed. On the request path,
 * cairn__observe_route answers GET /metrics and POST /feedback, and
 * cairn__observe_request (from cairn__serve_finish) counts every answered
 * request and queues the record of each that reached a model. All but open,
 * loaded and close are thread-safe and take no lock but the log queue's.
 */
#ifndef CAIRN_SERVE_PREDLOG_HOOKS_H
#define CAIRN_SERVE_PREDLOG_HOOKS_H

#include "cairn/serve.h"
#include "serve/models.h"
#include "serve/predlog.h"
#include "serve/prom.h"
#include "serve/request.h"

/* The deployment a loaded version is served under (models.h keeps it on
 * the version and frees it with cairn__deployment_free). */
struct cairn__deployment {
	char id[CAIRN_ID_LEN + 1];  /* "" when no lineage was recorded */
	char *version;              /* logged as the record's "version": NAME@V,
				       else the package's model_uuid, run or ref */
};
void cairn__deployment_free(struct cairn__deployment *d);

struct cairn__serve_observe {
	struct cairn__serve_metrics metrics;
	cairn__predlog *log;        /* NULL: no prediction log */
	char *workspace;            /* the .cairn directory (feedback, lineage), or NULL */
	const int *in_flight;       /* the server's count, read at each scrape */
};

/* Makes the metrics, and opens the prediction log (o->predictions_*; by
 * default under the workspace open on ctx, none without one). */
int cairn__observe_open(cairn_ctx *ctx, const struct cairn_server_options *o,
			const int *in_flight, struct cairn__serve_observe **out);
/* Counts a load of ref that took seconds (v NULL: it failed) and, for a
 * loaded v in a workspace, records its deployment in the lineage. */
void cairn__observe_loaded(cairn_ctx *ctx, struct cairn__serve_observe *ob, const char *ref,
			   struct cairn__model_version *v, double seconds);
/* 1 when req is GET /metrics or POST /feedback, answered into resp. */
int cairn__observe_route(struct cairn__serve_observe *ob, cairn_ctx *ctx,
			 const struct cairn__http_request *req, struct cairn__http_response *resp,
			 struct cairn__serve_record *rec);
/* Whether ob writes a prediction log. */
int cairn__observe_logging(const struct cairn__serve_observe *ob);
/* (Takes over rec's outputs and, unless keep_inputs, its inputs, which the
 * log's thread frees; taken, they are NULL in rec on return. A shadow's
 * answer, rec->shadow, is logged but not counted as a request.) */
void cairn__observe_request(struct cairn__serve_observe *ob, struct cairn__serve_record *rec,
			    int keep_inputs);
/* The log's line of rec (made on the log's thread), appended to out: its
 * inputs from cells (nrows rows of rec->model's columns, column c's row r
 * at c * nrows + r) when not NULL, else the in_len bytes of JSON in when
 * not NULL, else the frame rec->inputs. */
void cairn__observe_record_line(const struct cairn__serve_record *rec, const double *cells,
				size_t nrows, const char *in, size_t in_len, cairn_buf *out);
/* Flushes and closes the log. NULL is a no-op. */
void cairn__observe_close(struct cairn__serve_observe *ob);

#endif
