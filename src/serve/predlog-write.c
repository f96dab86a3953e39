/* The prediction log's appender and its writer thread: records queued on
 * the request path, written as one zstd frame per flush to time-named
 * segments; see predlog.h. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zstd.h>
#include "cairn/error.h"
#include "cairn/id.h"
#include "cairn/workspace.h"
#include "core/ctx-internal.h"
#include "core/fs.h"
#include "core/log.h"
#include "core/oom.h"
#include "core/parallel.h"
#include "serve/predlog.h"
#ifdef __GLIBC__
#include <malloc.h>
#endif

/* A flush is written as frames of about this many bytes of lines (one line
 * longer makes its frame longer), so that the thread's buffers stay this
 * size whatever the flush. The ratio hardly changes: zstd's window at the
 * default level is smaller than a frame anyway. */
#define FRAME_BYTES ((size_t)1 << 20)
/* The queued bytes that wake the thread early (or a quarter of
 * max_queue_bytes, when less): what the queue holds under load stays about
 * this, rather than a flush interval's worth of requests. */
#define WAKE_BYTES ((size_t)1 << 20)
/* A flush of at least this many queued bytes gives memory back (give_back),
 * at most once every TRIM_MS: malloc_trim locks every arena in turn, and
 * under a steady load of small records, at every flush, it cost the
 * request threads about 12% of their rate. */
#define TRIM_BYTES ((size_t)1 << 20)
#define TRIM_MS 5000

struct node {
	struct node *next;
	char *deployment;  /* inside the same allocation, or NULL */
	/* A deferred record: its line made by the thread from fn(arg), which
	 * also frees arg; NULL for a line, or once called. */
	cairn__predlog_line_fn *fn;
	void *arg;
	size_t len;        /* the line's, or the deferred record's estimate */
	char line[];
};

struct cairn__predlog {
	struct cairn__predlog_options o;
	char *dir;
	cairn_ctx *ctx;            /* the thread's: the opener's log sink */
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake, flushed;
	pthread_cond_t room;       /* the thread took the queue */
	size_t waiting;            /* appenders waiting for room (under lock) */
	struct node *head, *tail;  /* under lock */
	size_t count, bytes;
	size_t wake_at;            /* queued records that wake the thread early */
	size_t wake_bytes;         /* queued bytes that do */
	uint64_t flush_asked, flush_done;
	int stop;
	/* Counters: atomics, read without the lock. */
	uint64_t appended, written, dropped, waited, flushes, segments, write_errors;
	uint64_t dropped_warned;   /* the thread's own */
	int first_error;
	/* The current segment (the thread's own). */
	int fd;
	char name[CAIRN_ID_LEN + sizeof(CAIRN__PREDLOG_SUFFIX)];
	uint64_t seg_bytes;
	int64_t seg_started_ms;
	int64_t trimmed_ms;        /* when give_back last ran */
	json_t *seg_deployments;   /* set of deployments given to on_segment */
	ZSTD_CCtx *zc;
	cairn_buf batch, frame;
};

static struct node *new_node(const char *line, size_t len, const char *deployment)
{
	size_t dlen = deployment ? strlen(deployment) + 1 : 0;
	struct node *n = cairn_xmalloc(sizeof(*n) + len + dlen);

	n->next = NULL;
	n->fn = NULL;
	n->arg = NULL;
	n->len = len;
	memcpy(n->line, line, len);
	n->deployment = NULL;
	if (dlen) {
		n->deployment = n->line + len;
		memcpy(n->deployment, deployment, dlen);
	}
	return n;
}

static int enqueue(cairn__predlog *log, struct node *n);

int cairn__predlog_append(cairn__predlog *log, const struct cairn__predlog_record *r)
{
	cairn_buf line = CAIRN_BUF_INIT;
	struct node *n;

	/* Serialized here, so that the caller may free or change its JSON as
	 * soon as append returns. */
	cairn__predlog_record_line(r, &line);
	n = new_node(line.buf, line.len, r->deployment);
	cairn_buf_release(&line);
	return enqueue(log, n);
}

int cairn__predlog_append_deferred(cairn__predlog *log, cairn__predlog_line_fn *fn, void *arg,
				   size_t bytes, const char *deployment)
{
	struct node *n = new_node("", 0, deployment);

	n->fn = fn;
	n->arg = arg;
	n->len = bytes;   /* the estimate, until the line is made */
	return enqueue(log, n);
}

/* Drops a node: a deferred one's arg is freed by its fn. */
static void free_node(struct node *n)
{
	if (n->fn)
		n->fn(n->arg, NULL);
	free(n);
}

/* Whether the queue has no room for n (under lock). */
static int full(const cairn__predlog *log, const struct node *n)
{
	return log->count >= log->o.max_queue || log->bytes + n->len > log->o.max_queue_bytes;
}

static int enqueue(cairn__predlog *log, struct node *n)
{
	int waited = 0;

	pthread_mutex_lock(&log->lock);
	/* Waiting for room, when asked: the thread makes it as it takes the
	 * queue. A record larger than the bounds alone goes onto an empty
	 * queue rather than wait for ever. */
	while (log->o.wait_when_full && !log->stop && log->count && full(log, n)) {
		waited = 1;
		log->waiting++;
		pthread_cond_broadcast(&log->wake);
		pthread_cond_wait(&log->room, &log->lock);
		log->waiting--;
	}
	if (waited)
		__atomic_add_fetch(&log->waited, 1, __ATOMIC_RELAXED);
	if (log->stop || (!log->o.wait_when_full && full(log, n))) {
		pthread_mutex_unlock(&log->lock);
		free_node(n);
		__atomic_add_fetch(&log->dropped, 1, __ATOMIC_RELAXED);
		return 1;
	}
	if (log->tail)
		log->tail->next = n;
	else
		log->head = n;
	log->tail = n;
	log->bytes += n->len;
	/* Waking the thread early keeps the queue from filling under load. */
	if (++log->count == log->wake_at || log->bytes >= log->wake_bytes)
		pthread_cond_broadcast(&log->wake);
	pthread_mutex_unlock(&log->lock);
	__atomic_add_fetch(&log->appended, 1, __ATOMIC_RELAXED);
	return 0;
}

void cairn__predlog_stats(cairn__predlog *log, struct cairn__predlog_stats *out)
{
	out->appended = __atomic_load_n(&log->appended, __ATOMIC_RELAXED);
	out->written = __atomic_load_n(&log->written, __ATOMIC_RELAXED);
	out->dropped = __atomic_load_n(&log->dropped, __ATOMIC_RELAXED);
	out->waited = __atomic_load_n(&log->waited, __ATOMIC_RELAXED);
	out->flushes = __atomic_load_n(&log->flushes, __ATOMIC_RELAXED);
	out->segments = __atomic_load_n(&log->segments, __ATOMIC_RELAXED);
	out->write_errors = __atomic_load_n(&log->write_errors, __ATOMIC_RELAXED);
	pthread_mutex_lock(&log->lock);
	out->queued = log->count;
	out->queued_bytes = log->bytes;
	pthread_mutex_unlock(&log->lock);
}

static void close_segment(cairn__predlog *log)
{
	if (log->fd >= 0)
		close(log->fd);
	log->fd = -1;
	json_object_clear(log->seg_deployments);
}

static int open_segment(cairn__predlog *log)
{
	cairn_buf path = CAIRN_BUF_INIT;
	char id[CAIRN_ID_LEN + 1];
	int rc = 0;

	close_segment(log);
	cairn_id_new(id);
	memcpy(log->name, id, CAIRN_ID_LEN);
	memcpy(log->name + CAIRN_ID_LEN, CAIRN__PREDLOG_SUFFIX, sizeof(CAIRN__PREDLOG_SUFFIX));
	cairn_path_join(&path, log->dir, log->name);
	log->fd = open(path.buf, O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0666);
	if (log->fd < 0) {
		rc = cairn_error_errno(log->ctx, "cannot create the prediction log segment '%s'",
				       path.buf);
		goto out;
	}
	/* The segment's name must survive a crash as well as its frames. */
	if ((rc = cairn_fsync_dir(log->ctx, log->dir))) {
		close_segment(log);
		goto out;
	}
	log->seg_bytes = 0;
	log->seg_started_ms = cairn_now_ms();
	__atomic_add_fetch(&log->segments, 1, __ATOMIC_RELAXED);
	cairn__log_debug(log->ctx, "prediction log: new segment '%s'", log->name);
out:
	cairn_buf_release(&path);
	return rc;
}

/* Tells on_segment of each deployment new to the segment. */
static void announce(cairn__predlog *log, const struct node *list)
{
	for (const struct node *n = list; n; n = n->next) {
		if (!n->deployment || json_object_get(log->seg_deployments, n->deployment))
			continue;
		json_object_set_new(log->seg_deployments, n->deployment, json_true());
		if (log->o.lineage && cairn__deployment_segment(log->ctx, n->deployment, log->name))
			cairn__log_warn(log->ctx, "prediction log: cannot record the lineage of"
					" segment '%s': %s", log->name, cairn_errmsg(log->ctx));
	}
}

/* Compresses the lines in log->batch into one frame, appends it to the
 * segment (not synced) and adds its size to *bytes. */
static int write_frame(cairn__predlog *log, size_t count, uint64_t *bytes)
{
	size_t cap = ZSTD_compressBound(log->batch.len), n;

	cairn_buf_reset(&log->frame);
	cairn_buf_grow(&log->frame, cap);
	n = ZSTD_compress2(log->zc, log->frame.buf, cap, log->batch.buf, log->batch.len);
	if (ZSTD_isError(n))
		return cairn_error(log->ctx, CAIRN_EINTERNAL, "cannot compress %zu predictions: %s",
				   count, ZSTD_getErrorName(n));
	if (cairn_write_full(log->fd, log->frame.buf, n))
		return cairn_error_errno(log->ctx, "cannot write %zu predictions to '%s/%s'", count,
					 log->dir, log->name);
	*bytes += n;
	cairn_buf_reset(&log->batch);
	return 0;
}

/* Writes list (count records) as frames of about FRAME_BYTES of lines and
 * syncs them, making the lines of deferred records (off the request path)
 * and freeing each record as soon as its line is made, so that a flush
 * never holds all its lines at once. The whole list is freed, written or
 * not. */
static int write_list(cairn__predlog *log, struct node *list, size_t count)
{
	uint64_t bytes = 0;
	int rc = 0;

	if (log->fd < 0 || log->seg_bytes >= log->o.max_segment_bytes ||
	    cairn_now_ms() - log->seg_started_ms >= log->o.max_segment_age_ms)
		rc = open_segment(log);
	if (!rc)
		announce(log, list);
	cairn_buf_reset(&log->batch);
	while (list) {
		struct node *n = list;
		list = n->next;
		if (!rc) {
			if (n->fn) {
				n->fn(n->arg, &log->batch);
				n->fn = NULL;
			} else {
				cairn_buf_add(&log->batch, n->line, n->len);
			}
			if (log->batch.len >= FRAME_BYTES || !list)
				rc = write_frame(log, count, &bytes);
		}
		free_node(n);
	}
	if (!rc && fdatasync(log->fd))
		rc = cairn_error_errno(log->ctx, "cannot write %zu predictions to '%s/%s'", count,
				       log->dir, log->name);
	if (rc && log->fd >= 0) {
		/* A frame half written would read as corrupt in the middle of the
		 * segment: cut the flush off, and start a fresh segment next time. */
		if (ftruncate(log->fd, (off_t)log->seg_bytes))
			cairn__log_debug(log->ctx, "cannot truncate '%s'", log->name);
		close_segment(log);
	}
	log->seg_bytes += rc ? 0 : bytes;
	/* A line far longer than a frame (a huge request) leaves its buffers
	 * behind only until the next flush. */
	if (log->batch.alloc > 2 * FRAME_BYTES)
		cairn_buf_release(&log->batch);
	if (log->frame.alloc > 2 * ZSTD_compressBound(FRAME_BYTES))
		cairn_buf_release(&log->frame);
	return rc;
}

/* The records of a large flush were allocated by the request threads, in
 * their malloc arenas, and freed here: glibc keeps those pages (an arena's
 * heap shrinks only from its top, past a threshold that grows with the
 * largest block freed) and RSS would climb to the longest queue ever
 * held. malloc_trim gives the free pages of every arena back. */
static void give_back(cairn__predlog *log)
{
#ifdef __GLIBC__
	int64_t t0 = cairn_now_ms();

	log->trimmed_ms = t0;
	malloc_trim(0);
	cairn__log_debug(log->ctx, "prediction log: malloc_trim took %lld ms",
			 (long long)(cairn_now_ms() - t0));
#else
	(void)log;
#endif
}

static void deadline(struct timespec *ts, int64_t ms)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
	ts->tv_sec += ms / 1000;
	ts->tv_nsec += (ms % 1000) * 1000000;
	if (ts->tv_nsec >= 1000000000) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000;
	}
}

static void *writer(void *arg)
{
	cairn__predlog *log = arg;
	struct timespec until;

	deadline(&until, log->o.flush_interval_ms);
	for (;;) {
		struct node *list;
		size_t count, bytes;
		uint64_t asked, dropped;
		int stop;

		pthread_mutex_lock(&log->lock);
		while (!log->stop && log->flush_asked == log->flush_done && !log->waiting &&
		       log->count < log->wake_at && log->bytes < log->wake_bytes &&
		       pthread_cond_timedwait(&log->wake, &log->lock, &until) != ETIMEDOUT)
			;
		list = log->head;
		count = log->count;
		bytes = log->bytes;
		log->head = log->tail = NULL;
		log->count = 0;
		log->bytes = 0;
		pthread_cond_broadcast(&log->room);
		asked = log->flush_asked;
		stop = log->stop;
		pthread_mutex_unlock(&log->lock);
		deadline(&until, log->o.flush_interval_ms);

		if (list) {
			if (write_list(log, list, count)) {
				__atomic_add_fetch(&log->write_errors, 1, __ATOMIC_RELAXED);
				if (!log->first_error)
					log->first_error = cairn_errcode(log->ctx);
				cairn__log_warn(log->ctx, "prediction log: %s (%zu records lost)",
						cairn_errmsg(log->ctx), count);
			} else {
				__atomic_add_fetch(&log->written, count, __ATOMIC_RELAXED);
			}
			__atomic_add_fetch(&log->flushes, 1, __ATOMIC_RELAXED);
			if (bytes >= TRIM_BYTES && cairn_now_ms() - log->trimmed_ms >= TRIM_MS)
				give_back(log);
		}
		dropped = __atomic_load_n(&log->dropped, __ATOMIC_RELAXED);
		if (dropped > log->dropped_warned) {
			cairn__log_warn(log->ctx, "prediction log: queue full (%zu records or %zu"
					" bytes): %llu records dropped", log->o.max_queue,
					log->o.max_queue_bytes,
					(unsigned long long)(dropped - log->dropped_warned));
			log->dropped_warned = dropped;
		}
		pthread_mutex_lock(&log->lock);
		log->flush_done = asked;
		pthread_cond_broadcast(&log->flushed);
		pthread_mutex_unlock(&log->lock);
		if (stop && !list)
			break;
	}
	return NULL;
}

int cairn__predlog_flush(cairn__predlog *log)
{
	uint64_t want;

	pthread_mutex_lock(&log->lock);
	want = ++log->flush_asked;
	pthread_cond_broadcast(&log->wake);
	while (log->flush_done < want)
		pthread_cond_wait(&log->flushed, &log->lock);
	pthread_mutex_unlock(&log->lock);
	return 0;
}

static void free_log(cairn__predlog *log)
{
	close_segment(log);
	json_decref(log->seg_deployments);
	ZSTD_freeCCtx(log->zc);
	cairn_buf_release(&log->batch);
	cairn_buf_release(&log->frame);
	pthread_cond_destroy(&log->wake);
	pthread_cond_destroy(&log->flushed);
	pthread_cond_destroy(&log->room);
	pthread_mutex_destroy(&log->lock);
	cairn_ctx_free(log->ctx);
	free(log->dir);
	free(log);
}

int cairn__predlog_open(cairn_ctx *ctx, const struct cairn__predlog_options *opts,
			cairn__predlog **out)
{
	cairn__predlog *log;
	pthread_condattr_t ca;
	int rc;

	*out = NULL;
	if (!opts->dir || !*opts->dir)
		return cairn_error(ctx, CAIRN_EINVAL, "the prediction log needs a directory");
	if ((rc = cairn_mkdir_p(ctx, opts->dir, 0777)))
		return cairn_error_prefix(ctx, "prediction log");
	log = cairn_xcalloc(1, sizeof(*log));
	log->o = *opts;
	if (log->o.flush_interval_ms <= 0)
		log->o.flush_interval_ms = 1000;
	if (!log->o.max_segment_bytes)
		log->o.max_segment_bytes = 64 << 20;
	if (log->o.max_segment_age_ms <= 0)
		log->o.max_segment_age_ms = 3600 * 1000;
	if (!log->o.max_queue)
		log->o.max_queue = 65536;
	if (!log->o.max_queue_bytes)
		log->o.max_queue_bytes = (size_t)64 << 20;
	if (!log->o.level)
		log->o.level = 1;
	/* A queue too short to have a quarter only flushes on time or when asked. */
	log->wake_at = log->o.max_queue >= 4 ? log->o.max_queue / 4 : log->o.max_queue + 1;
	log->wake_bytes = log->o.max_queue_bytes >= 4 ? log->o.max_queue_bytes / 4 : SIZE_MAX;
	if (log->wake_bytes > WAKE_BYTES)
		log->wake_bytes = WAKE_BYTES;
	log->dir = cairn_xstrdup(opts->dir);
	log->fd = -1;
	cairn_buf_init(&log->batch);
	cairn_buf_init(&log->frame);
	if (!(log->seg_deployments = json_object()) || !(log->ctx = cairn_ctx_new()) ||
	    !(log->zc = ZSTD_createCCtx()))
		cairn__oom(0);
	cairn__ctx_inherit(log->ctx, ctx);
	ZSTD_CCtx_setParameter(log->zc, ZSTD_c_compressionLevel, log->o.level);
	ZSTD_CCtx_setParameter(log->zc, ZSTD_c_checksumFlag, 1);
	pthread_mutex_init(&log->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&log->wake, &ca);
	pthread_condattr_destroy(&ca);
	pthread_cond_init(&log->flushed, NULL);
	pthread_cond_init(&log->room, NULL);
	if (log->o.lineage && (!cairn_workspace_dir(ctx) ? (rc = CAIRN_ENOWORKSPACE) :
			       (rc = cairn_workspace_open_dir(log->ctx, cairn_workspace_dir(ctx))))) {
		rc = cairn_error(ctx, rc, "prediction log: %s", cairn_errmsg(log->ctx));
		free_log(log);
		return rc;
	}
	if ((rc = pthread_create(&log->thread, NULL, writer, log))) {
		free_log(log);
		errno = rc;
		return cairn_error_errno(ctx, "cannot start the prediction log's thread");
	}
	*out = log;
	return 0;
}

int cairn__predlog_close(cairn_ctx *ctx, cairn__predlog *log)
{
	int rc;

	if (!log)
		return 0;
	cairn__stop_threads(&log->lock, &log->wake, &log->stop, &log->thread, 1);
	if ((rc = log->first_error))
		cairn_error(ctx, rc, "the prediction log lost %llu records to write errors (see"
			    " the warnings)", (unsigned long long)log->write_errors);
	free_log(log);
	return rc;
}
