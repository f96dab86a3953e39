/*
 * The prediction log: every answered request as one JSON line, written off
 * the request path to segmented, zstd-compressed files under
 * .cairn/predictions/, and read back by `cairn predictions` and monitoring.
 *
 * Writing. cairn__predlog_open starts a background thread; the server calls
 * cairn__predlog_append on the request path, which serializes the record,
 * puts it on an in-memory queue and returns (it never waits on the disk).
 * Every flush interval (default 1 s), or sooner when a quarter of the
 * queue's records or 1 MiB of them is waiting, the thread takes what is
 * queued, makes the lines of deferred records, compresses them into zstd
 * frames of about 1 MiB of lines each (with a content checksum), appends
 * them to the current segment and fsyncs it. So a crash loses at most the
 * records of the last flush interval. When the queue is full (max_queue records, or max_queue_bytes
 * of serialized records: large requests fill it sooner), append waits
 * until the thread takes the queue (wait_when_full), or else drops the
 * record and counts it (cairn__predlog_stats); the thread then warns once
 * per flush naming how many were dropped since the last warning. Without
 * wait_when_full a request is never blocked by the log beyond one short
 * mutex hold.
 *
 * Segments are named ID.jsonl.zst, ID a cairn id (time-sortable: its first
 * characters are the creation time in ms), created with O_EXCL, the
 * directory fsynced after each creation; a segment is closed and a new one
 * started when it reaches max_segment_bytes or is max_segment_age_ms old.
 * cairn__predlog_close flushes everything queued, then stops the thread.
 * The appender is thread-safe; open and close belong to one thread.
 *
 * Reading. A segment is a sequence of zstd frames each holding whole JSON
 * lines. A frame cut short at the end of a segment (a crash during a write,
 * or a segment being written right now) ends the segment quietly; a frame
 * that does not decompress, or a line that is not a JSON object, is skipped
 * with a warning naming the file and the byte offset of its frame (for a
 * bad frame, the rest of that segment is skipped: frames have no resync
 * marker).
 *
 * Record fields (the JSON line): id, time (RFC 3339), time_ms, model,
 * version, deployment (or absent), protocol, inputs, outputs, latency_s,
 * status.
 */
#ifndef CAIRN_SERVE_PREDLOG_H
#define CAIRN_SERVE_PREDLOG_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include "cairn/buf.h"
#include "cairn/ctx.h"
#include "cairn/id.h"

/* The directory of the log under a workspace's .cairn directory. */
#define CAIRN__PREDLOG_DIR "predictions"
#define CAIRN__PREDLOG_SUFFIX ".jsonl.zst"

struct cairn__predlog_options {
	const char *dir;              /* where segments go (made if missing) */
	int64_t flush_interval_ms;    /* 0: 1000 */
	uint64_t max_segment_bytes;   /* compressed; 0: 64 MiB */
	int64_t max_segment_age_ms;   /* 0: 1 hour */
	size_t max_queue;             /* records waiting; 0: 65536 */
	size_t max_queue_bytes;       /* their serialized bytes; 0: 64 MiB */
	int level;                    /* zstd level; 0: 1 */
	int wait_when_full;           /* a full queue makes append wait for
					 room rather than drop the record */
	/* Record in the lineage, as each deployment's first record goes into a
	 * segment, "deployment:D generated prediction_batch:SEGMENT" (needs a
	 * workspace open on the opener's context; the thread opens its own
	 * connection). A failure is warned about, never fatal. */
	int lineage;
};

/* One request as the server hands it over. Strings and JSON are borrowed:
 * append copies what it keeps. */
struct cairn__predlog_record {
	const char *request_id;
	int64_t time_ms;              /* when the request arrived */
	const char *model;            /* the served name */
	const char *version;          /* NAME@V, or a package's run or model uuid */
	const char *deployment;       /* the deployment id (lineage), or NULL */
	const char *protocol;         /* "mlflow", "v2", ... */
	json_t *inputs;               /* {column: [values]} or NULL */
	json_t *outputs;              /* the predictions, or NULL */
	double latency_s;
	int status;                   /* the HTTP status answered */
	int shadow;                   /* a shadow's answer, never returned */
};

struct cairn__predlog_stats {
	uint64_t appended;            /* records accepted onto the queue */
	uint64_t written;             /* records fsynced to a segment */
	uint64_t dropped;             /* records refused by a full queue */
	uint64_t waited;              /* records that waited for room */
	uint64_t queued;              /* records waiting now */
	uint64_t queued_bytes;        /* and their bytes */
	uint64_t flushes;
	uint64_t segments;            /* segments created */
	uint64_t write_errors;        /* flushes that failed (records lost) */
};

typedef struct cairn__predlog cairn__predlog;

/* Opens the log: checks and makes the directory, starts the thread. ctx
 * gives the thread's log sink (a sink must be thread-safe). */
int cairn__predlog_open(cairn_ctx *ctx, const struct cairn__predlog_options *opts,
			cairn__predlog **out);
/* Queues one record; returns at once, or once the queue has room with
 * wait_when_full. 0 when queued, 1 when dropped (queue full or log
 * closing); never an error. Thread-safe. */
int cairn__predlog_append(cairn__predlog *log, const struct cairn__predlog_record *r);
/* A record whose line the thread makes (off the request path): fn
 * appends the line (with '\n') to out and frees arg; it is called once,
 * with out NULL (only to free arg) when the record is dropped. bytes
 * estimates the line for the queue's bound. */
typedef void cairn__predlog_line_fn(void *arg, cairn_buf *out);
int cairn__predlog_append_deferred(cairn__predlog *log, cairn__predlog_line_fn *fn, void *arg,
				   size_t bytes, const char *deployment);
/* Asks the thread to flush now and waits until everything appended before
 * the call is written (tests, drain). */
int cairn__predlog_flush(cairn__predlog *log);
void cairn__predlog_stats(cairn__predlog *log, struct cairn__predlog_stats *out);
/* Flushes what is queued, stops the thread, closes the segment and frees
 * log. NULL is a no-op. Returns the first write error, if any. */
int cairn__predlog_close(cairn_ctx *ctx, cairn__predlog *log);

/* The record as one JSON line (with '\n') appended to out: the bytes
 * cairn_json_append makes of the record as a JSON object (sorted keys; a
 * string that is not UTF-8, which jansson refuses, leaves its field out). */
void cairn__predlog_record_line(const struct cairn__predlog_record *r, cairn_buf *out);
/* Appends one JSON value to out: a record's inputs or outputs written
 * straight into its line, without a json_t per value. */
typedef void cairn__predlog_value_fn(const void *arg, cairn_buf *out);
struct cairn__predlog_values {
	cairn__predlog_value_fn *inputs, *outputs;
	const void *arg;
};
/* The same, with the inputs and outputs written by values (r->inputs and
 * r->outputs unused). */
void cairn__predlog_record_write(const struct cairn__predlog_record *r,
				 const struct cairn__predlog_values *values, cairn_buf *out);
/* Appends s as a JSON string and returns 1; returns 0, appending nothing,
 * when s is not UTF-8 (what jansson's json_string refuses). */
int cairn__predlog_string(cairn_buf *out, const char *s);

/*
 * Reading.
 */

/* The segment names in dir, oldest first (new reference: [name, ...]); an
 * absent directory is an empty list. */
int cairn__predlog_segment_names(cairn_ctx *ctx, const char *dir, json_t **out);

/* Called for each record read, with the segment's name and its frame's
 * byte offset; rec is borrowed. A non-zero return stops the reading and is
 * returned (a negative one stops it as a success). */
typedef int (*cairn__predlog_fn)(void *arg, json_t *rec, const char *segment,
				 uint64_t offset);

/* Reads the records of one segment held in memory (data, size) named name
 * (for messages). *torn receives 1 when the last frame was cut short. */
int cairn__predlog_read_buf(cairn_ctx *ctx, const char *name, const void *data, size_t size,
			    cairn__predlog_fn fn, void *arg, int *torn);
/* Reads segment name of dir. */
int cairn__predlog_read_segment(cairn_ctx *ctx, const char *dir, const char *name,
				cairn__predlog_fn fn, void *arg);

/*
 * Lineage and feedback (predlog-lineage.c, predlog-db.c: the serve
 * module's table prediction_feedback).
 */

/* Records that this process starts serving a model: a new deployment
 * activity "deployment:ID used model_version:VERSION_ID" (or "used
 * run:RUN_ID" for a run's package when version_id is NULL); id receives
 * its id. Call it when a version is loaded (again on each reload). */
int cairn__deployment_start(cairn_ctx *ctx, const char *version_id, const char *run_id,
			    char id[CAIRN_ID_LEN + 1]);
/* Records "deployment:D generated prediction_batch:SEGMENT". */
int cairn__deployment_segment(cairn_ctx *ctx, const char *deployment, const char *segment);

/* Adds one feedback row (label as JSON text). */
int cairn__feedback_insert(cairn_ctx *ctx, const char *request_id, const char *label,
			   const char *source, int64_t time_ms);
/* The latest feedback of every request that has some, as {request_id:
 * {label, time, source}} (new reference). */
int cairn__feedback_latest(cairn_ctx *ctx, json_t **out);

#endif
