/* The object store's pipeline: a reader thread, the calling thread hashing
 * and a writer thread over a small ring of buffers; see objects-internal.h. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cairn/error.h"
#include "cairn/id.h"
#include "cairn/objects.h"
#include "cairn/ref.h"
#include "core/ctx-internal.h"
#include "core/fs.h"
#include "core/log.h"
#include "core/progress.h"
#include "store/db.h"
#include "store/objects-internal.h"
void cairn__pipeline_init(struct cairn__pipeline *p, int in_fd, int seekable, off_t offset,
			  const char *what)
{
	memset(p, 0, sizeof(*p));
	p->in_fd = in_fd;
	p->seekable = seekable;
	p->offset = offset;
	p->what = what;
	p->out_fd = -1;
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv, NULL);
}

/* Starts over on another input (or the same one again), keeping the buffers. */
void cairn__pipeline_reset(struct cairn__pipeline *p, int in_fd, off_t offset, const char *what)
{
	p->in_fd = in_fd;
	p->offset = offset;
	p->what = what;
	p->out_fd = -1;
	p->filled = p->hashed = p->written = 0;
	p->eof = p->stop = p->read_errno = p->write_errno = 0;
	p->bytes = 0;
}

void cairn__pipeline_release(struct cairn__pipeline *p)
{
	for (int i = 0; i < NBUF; i++)
		free(p->buf[i]);
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->cv);
}

/* Fills chunk seq's buffer; returns the byte count (less than CHUNK only at
 * the end of the input) or -1 with errno set. */
static ssize_t read_chunk(struct cairn__pipeline *p, uint64_t seq)
{
	int i = (int)(seq % NBUF);
	size_t done = 0;

	if (!p->buf[i])
		p->buf[i] = cairn_xmalloc(CHUNK);
	if (!p->seekable)
		return cairn_read_full(p->in_fd, p->buf[i], CHUNK);
	while (done < CHUNK) {
		ssize_t n = pread(p->in_fd, p->buf[i] + done, CHUNK - done,
				  p->offset + (off_t)done);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0)
			break;
		done += (size_t)n;
	}
	p->offset += (off_t)done;
	return (ssize_t)done;
}

/* Records the outcome of reading chunk p->filled; the caller holds p->mu
 * (or runs alone). Returns 1 when the input has ended. */
static int note_read(struct cairn__pipeline *p, ssize_t n, int err)
{
	if (n < 0) {
		p->read_errno = err;
		p->eof = 1;
		return 1;
	}
	if (n > 0) {
		p->len[p->filled % NBUF] = (size_t)n;
		p->filled++;
	}
	if ((size_t)n < CHUNK)
		p->eof = 1;
	return p->eof;
}

static uint64_t released(const struct cairn__pipeline *p)
{
	if (p->out_fd >= 0 && p->written < p->hashed)
		return p->written;
	return p->hashed;
}

static void *reader_main(void *arg)
{
	struct cairn__pipeline *p = arg;

	for (;;) {
		uint64_t seq;
		ssize_t n;
		int done;

		pthread_mutex_lock(&p->mu);
		while (!p->stop && p->filled - released(p) >= NBUF)
			pthread_cond_wait(&p->cv, &p->mu);
		seq = p->filled;
		done = p->stop;
		pthread_mutex_unlock(&p->mu);
		if (done)
			break;
		/* Only this thread touches chunk seq's buffer until it is filled. */
		n = read_chunk(p, seq);
		pthread_mutex_lock(&p->mu);
		done = note_read(p, n, errno);
		pthread_cond_broadcast(&p->cv);
		pthread_mutex_unlock(&p->mu);
		if (done)
			break;
	}
	return NULL;
}

static void start_writeback(int fd, uint64_t *synced, uint64_t done)
{
	while (done - *synced >= WRITEBACK_WINDOW) {
		(void)sync_file_range(fd, (off_t)*synced, (off_t)WRITEBACK_WINDOW,
				      SYNC_FILE_RANGE_WRITE);
		*synced += WRITEBACK_WINDOW;
	}
}

static void *writer_main(void *arg)
{
	struct cairn__pipeline *p = arg;
	uint64_t done = 0, synced = 0;

	for (uint64_t seq = 0; ; seq++) {
		int i = (int)(seq % NBUF);
		size_t len;

		pthread_mutex_lock(&p->mu);
		while (!p->stop && seq >= p->filled && !p->eof)
			pthread_cond_wait(&p->cv, &p->mu);
		if (p->stop || seq >= p->filled) {
			pthread_mutex_unlock(&p->mu);
			break;
		}
		len = p->len[i];
		pthread_mutex_unlock(&p->mu);
		if (cairn_write_full(p->out_fd, p->buf[i], len) < 0) {
			pthread_mutex_lock(&p->mu);
			p->write_errno = errno;
			pthread_cond_broadcast(&p->cv);
			pthread_mutex_unlock(&p->mu);
			break;
		}
		done += len;
		start_writeback(p->out_fd, &synced, done);
		pthread_mutex_lock(&p->mu);
		p->written++;
		pthread_cond_broadcast(&p->cv);
		pthread_mutex_unlock(&p->mu);
	}
	return NULL;
}

static void hash_chunk(struct cairn__pipeline *p, cairn_sha256 *h, uint64_t seq)
{
	int i = (int)(seq % NBUF);

	cairn_sha256_update(h, p->buf[i], p->len[i]);
	p->bytes += p->len[i];
	if (p->progress)
		cairn__progress_update(p->progress, p->progress_base + p->bytes);
}

void cairn__pipeline_read_first(struct cairn__pipeline *p)
{
	ssize_t n = read_chunk(p, 0);
	note_read(p, n, errno);
}

int cairn__pipeline_error(cairn_ctx *ctx, struct cairn__pipeline *p)
{
	if (p->read_errno) {
		errno = p->read_errno;
		return cairn_error_errno(ctx, "cannot read '%s'", p->what);
	}
	errno = p->write_errno;
	return cairn_error_errno(ctx, "cannot write the object for '%s'", p->what);
}

/* Everything left in one go, without threads: the input ended within the
 * chunks already filled. */
static int pipeline_run_inline(cairn_ctx *ctx, struct cairn__pipeline *p, cairn_sha256 *h)
{
	for (uint64_t seq = 0; seq < p->filled; seq++) {
		hash_chunk(p, h, seq);
		if (p->out_fd >= 0 && cairn_write_full(p->out_fd, p->buf[seq % NBUF],
						       p->len[seq % NBUF]) < 0) {
			p->write_errno = errno;
			return cairn__pipeline_error(ctx, p);
		}
	}
	return 0;
}

/*
 * Reads the input to its end, hashing everything (hex, *size) and, when
 * p->out_fd is set, writing it there in the same pass. The reader and the
 * writer are threads; the calling thread hashes, so the three overlap and the
 * whole takes about as long as the slowest of them.
 */
int cairn__pipeline_run(cairn_ctx *ctx, struct cairn__pipeline *p, char hex[CAIRN_HEX_LEN + 1],
			uint64_t *size)
{
	pthread_t reader, writer;
	int have_reader = 0, have_writer = 0, rc = 0;
	cairn_sha256 h;

	if ((rc = cairn_sha256_init(ctx, &h)))
		return rc;
	if (!p->filled && !p->eof) {
		ssize_t n = read_chunk(p, 0);
		note_read(p, n, errno);
	}
	if (p->eof) {
		if (p->read_errno)
			rc = cairn__pipeline_error(ctx, p);
		else
			rc = pipeline_run_inline(ctx, p, &h);
		goto out;
	}

	if (pthread_create(&reader, NULL, reader_main, p)) {
		rc = cairn_error(ctx, CAIRN_EINTERNAL, "cannot start a thread to read '%s'",
				 p->what);
		goto out;
	}
	have_reader = 1;
	if (p->out_fd >= 0) {
		if (pthread_create(&writer, NULL, writer_main, p)) {
			rc = cairn_error(ctx, CAIRN_EINTERNAL,
					 "cannot start a thread to write '%s'", p->what);
			goto out;
		}
		have_writer = 1;
	}
	for (uint64_t seq = 0; ; seq++) {
		pthread_mutex_lock(&p->mu);
		while (!p->write_errno && seq >= p->filled && !p->eof)
			pthread_cond_wait(&p->cv, &p->mu);
		if (p->write_errno || seq >= p->filled) {
			pthread_mutex_unlock(&p->mu);
			break;
		}
		pthread_mutex_unlock(&p->mu);
		hash_chunk(p, &h, seq);
		if (cairn_ctx_cancelled(ctx)) {
			rc = cairn_error(ctx, CAIRN_EINTERRUPTED, "stopped while storing '%s'",
					 p->what);
			break;
		}
		pthread_mutex_lock(&p->mu);
		p->hashed++;
		pthread_cond_broadcast(&p->cv);
		pthread_mutex_unlock(&p->mu);
	}
out:
	pthread_mutex_lock(&p->mu);
	if (rc || p->read_errno || p->write_errno)
		p->stop = 1;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
	if (have_reader)
		pthread_join(reader, NULL);
	if (have_writer)
		pthread_join(writer, NULL);
	if (!rc && (p->read_errno || p->write_errno))
		rc = cairn__pipeline_error(ctx, p);
	if (rc) {
		cairn_sha256_release(&h);
		return rc;
	}
	cairn_sha256_final(&h, hex);
	*size = p->bytes;
	return 0;
}
