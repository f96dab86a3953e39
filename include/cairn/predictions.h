/*
 * Served predictions: reading the prediction log that `cairn serve` writes
 * under .cairn/predictions/, the ground truth (feedback) recorded for its
 * requests, and the lineage of one prediction.
 *
 * The log is a directory of segments (ID.jsonl.zst, oldest first by name),
 * each a sequence of zstd frames of JSON lines, one line per request: {id,
 * time, time_ms, model, version, deployment, protocol, inputs, outputs,
 * latency_s, status}. Readers take the records of every complete frame; a
 * frame cut short by a crash ends its segment, a damaged one is skipped
 * with a warning naming the segment and byte offset.
 *
 * Feedback is kept in the metadata store, one row per label given, whether
 * or not the request is in the log yet (a label may arrive before the
 * server has flushed the request; it is joined when the record appears).
 * The latest label of a request is the one exported.
 *
 * Every function takes a context with a workspace open; what it returns
 * belongs to the caller.
 */
#ifndef CAIRN_PREDICTIONS_H
#define CAIRN_PREDICTIONS_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include "cairn/common.h"
#include "cairn/ctx.h"
#include "cairn/lineage.h"

CAIRN_BEGIN_DECLS

/* Parses a time bound: RFC 3339 / ISO 8601 UTC ("2026-12-07T20:00:00Z",
 * "2026-12-07T20:00:00.250Z", "2026-12-07" for midnight UTC) or a duration
 * before now_ms ("90s", "15m", "1h", "2d", "1w"). what names the bound in
 * messages ("since"). CAIRN_EINVAL naming the text when it is neither. */
int cairn_predictions_parse_time(cairn_ctx *ctx, const char *what, const char *text,
				 int64_t now_ms, int64_t *out_ms);

struct cairn_predictions_filter {
	const char *model;    /* served model name; NULL: all */
	int64_t since_ms;     /* records at or after; 0: no bound */
	int64_t until_ms;     /* records before; 0: no bound */
};

/* The segments holding records that pass f, oldest first, as [{segment,
 * bytes, created_at, records, first, last, models: {name: records}}]
 * (first and last are record times). */
int cairn_predictions_list(cairn_ctx *ctx, const struct cairn_predictions_filter *f,
			   json_t **out);

enum cairn_predictions_format {
	CAIRN_PREDICTIONS_JSONL = 0, /* the records as logged, with "feedback" */
	CAIRN_PREDICTIONS_CSV = 1    /* id, time, model, version, protocol, status,
	                                latency_s, label, label_time, inputs, outputs
	                                (the last two as JSON text) */
};

/* Receives the exported text in pieces; non-zero stops the export and is
 * returned. */
typedef int (*cairn_predictions_write_fn)(void *arg, const char *data, size_t len);

struct cairn_predictions_export_options {
	struct cairn_predictions_filter filter;
	enum cairn_predictions_format format;
	const char *out;            /* a file written atomically; NULL: write_fn */
	int force;                  /* replace an existing out */
	cairn_predictions_write_fn write_fn;
	void *write_arg;
};

/* Writes every record passing the filter, oldest segment first, each with
 * the latest feedback of its request ({label, time, source}) when there is
 * one; *count receives the number of records. */
int cairn_predictions_export(cairn_ctx *ctx, const struct cairn_predictions_export_options *o,
			     uint64_t *count);

/* Records label (any JSON value but null) as the ground truth of request_id,
 * from source ("cli", "http", ...). *out (may be NULL) receives {request_id,
 * label, time, source}. An unknown request id is accepted (see above); an
 * empty one or a null label is CAIRN_EINVAL. */
int cairn_predictions_feedback(cairn_ctx *ctx, const char *request_id, json_t *label,
			       const char *source, json_t **out);

/* The lineage walk of cairn_registry_lineage_walk, plus served predictions:
 * "prediction:REQUEST_ID" is the request's record in the log (the newest
 * one when a client reused an id), a node above which stand the deployment
 * that answered it and, up from there, the model version, its run, the
 * run's data and code. Other references walk as before. */
int cairn_predictions_lineage_walk(cairn_ctx *ctx, const char *ref,
				   const struct cairn_lineage_options *opts,
				   struct cairn_lineage_graph *out);

CAIRN_END_DECLS

#endif
