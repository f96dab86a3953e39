/*
 * The inside of the object store, shared by its files (never installed):
 * objects.c (writing, finding, reading, listing), pipeline.c (reading,
 * hashing and writing in parallel), checkout.c (link types) and fsck.c;
 * plus hooks for the tests: which put path the calling thread took last, and
 * forcing the mkstemp + rename fallback that is otherwise used only where
 * O_TMPFILE is unsupported.
 */
#ifndef CAIRN_STORE_OBJECTS_INTERNAL_H
#define CAIRN_STORE_OBJECTS_INTERNAL_H

#include <pthread.h>
#include <stdint.h>
#include <sys/types.h>
#include "cairn/buf.h"
#include "cairn/ctx.h"
#include "cairn/hash.h"

/* Reads of 1 MiB amortize system calls and let readahead run ahead; eight of
 * them in flight keep the reader, the hasher and the writer busy while the
 * memory used stays at 8 MiB whatever the object's size. */
#define CHUNK ((size_t)1 << 20)
#define NBUF 8
/* The writer asks the kernel to start writing back every 8 MiB it wrote, so
 * that the disk works while we hash and the final fsync has little left. */
#define WRITEBACK_WINDOW ((uint64_t)8 << 20)

/* The pipeline: read, hash and (optionally) write in three threads. */
struct cairn__pipeline {
	int in_fd;
	int seekable;    /* read with pread() from offset */
	off_t offset;
	const char *what;
	int out_fd;      /* -1 when only hashing */
	struct cairn__progress *progress;
	uint64_t progress_base;

	char *buf[NBUF];
	size_t len[NBUF];
	pthread_mutex_t mu;
	pthread_cond_t cv;
	/* Chunks are numbered from 0; chunk n lives in buf[n % NBUF]. These
	 * count the chunks each stage has finished; a buffer is free again
	 * once every stage is done with it. */
	uint64_t filled, hashed, written;
	int eof;         /* no chunk after the filled ones */
	int stop;        /* the hasher gave up: threads leave */
	int read_errno, write_errno;
	uint64_t bytes;  /* hashed so far */
};

void cairn__pipeline_init(struct cairn__pipeline *p, int in_fd, int seekable, off_t offset,
			  const char *what);
/* Starts over on another input (or the same one again), keeping the buffers. */
void cairn__pipeline_reset(struct cairn__pipeline *p, int in_fd, off_t offset, const char *what);
void cairn__pipeline_release(struct cairn__pipeline *p);
/*
 * Reads the input to its end, hashing everything (hex, *size) and, when
 * p->out_fd is set, writing it there in the same pass. The reader and the
 * writer are threads; the calling thread hashes, so the three overlap and the
 * whole takes about as long as the slowest of them.
 */
int cairn__pipeline_run(cairn_ctx *ctx, struct cairn__pipeline *p, char hex[CAIRN_HEX_LEN + 1],
			uint64_t *size);
/* Reads the first chunk only (len[0], eof tell whether that was all): small
 * contents are then hashed in memory without starting threads. */
void cairn__pipeline_read_first(struct cairn__pipeline *p);
/* The error for a failed read or write of the pipeline. */
int cairn__pipeline_error(cairn_ctx *ctx, struct cairn__pipeline *p);

/* Sets out to the .cairn/objects directory. */
void cairn__objects_dir(cairn_ctx *ctx, cairn_buf *out);
/* Records a stored object (kept when already recorded); look_first skips the write
 * when the record is already there. */
int cairn__object_record(cairn_ctx *ctx, const char *hex, uint64_t size, int look_first);
/* Opens the object's file for reading, with a clear error when it is absent. */
int cairn__object_open(cairn_ctx *ctx, const char *hash, cairn_buf *path, int *fd);
/* Copies in to out from its start to its end (copy_file_range where the
 * kernel can); 0 or -1 with errno set (ECANCELED when ctx was cancelled). */
int cairn__copy_fd(cairn_ctx *ctx, int in, int out);


enum cairn__put_path {
	CAIRN__PUT_NONE = 0,
	CAIRN__PUT_SMALL,            /* whole content in one buffer: hashed, then written if new */
	CAIRN__PUT_NEW,              /* no recorded object of this size: hash and write at once */
	CAIRN__PUT_HASH_FIRST_FOUND, /* same size recorded: hashed first, already stored */
	CAIRN__PUT_HASH_FIRST_NEW    /* same size recorded: hashed first, then stored */
};

/* The path the calling thread's last successful put took. */
enum cairn__put_path cairn__object_last_put_path(void);
/* Non-zero: never use O_TMPFILE (process-wide). */
void cairn__object_force_mkstemp(int on);

#endif
