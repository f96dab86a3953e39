/*
 * Writing a file at a path someone gave: the one place that decides what
 * may be replaced, and how a file appears there. Every library function and
 * command that writes a file at a caller's path goes through it.
 *
 * The policy (docs/outputs.md):
 * - the destination must be absent or a regular file; a directory, device,
 *   FIFO, socket or anything else is refused (CAIRN_EINVAL);
 * - a symbolic link is never written through: one that leads into the
 *   protected directory (a checkout's link into the object store) is itself
 *   replaced (with force, as any existing file), its target untouched; any
 *   other link (to a file, dangling, to a device, /proc/self/fd/1) is
 *   refused (CAIRN_EINVAL);
 * - nothing is written inside the protected directory (the workspace's
 *   .cairn), compared by device and inode, not by name;
 * - an existing file is replaced only with force (CAIRN_EEXIST otherwise,
 *   "'PATH' already exists"); without force a file that appears meanwhile
 *   is not replaced either (the final rename does not clobber);
 * - the content goes to a temporary file ".BASE.cairn-tmp-ID" beside the
 *   file, created with mode & ~umask, fsynced, then renamed over it; a
 *   failure or a cancel removes the temporary file, so the destination holds
 *   the old content or the new, never a mix.
 *
 * One struct cairn__output per file being written; not shared between
 * threads.
 */
#ifndef CAIRN_CORE_OUTPUT_H
#define CAIRN_CORE_OUTPUT_H

#include <stddef.h>
#include <sys/types.h>
#include "cairn/buf.h"
#include "cairn/ctx.h"

/* The marker in the names of temporary files (what gc and fsck look for). */
#define CAIRN__OUTPUT_TMP_MARK ".cairn-tmp-"

struct cairn__output_opts {
	const char *protect; /* a directory nothing may be written into; NULL: none */
	int force;           /* replace an existing file */
	mode_t mode;         /* permissions before the umask; 0 means 0666 */
};

/* The options for a file written on behalf of ctx's user: protect is the
 * workspace's .cairn directory when ctx has one open. */
void cairn__output_opts_init(cairn_ctx *ctx, struct cairn__output_opts *o, int force);

struct cairn__output {
	cairn_buf target; /* the file written (dest) */
	cairn_buf tmp;    /* the temporary file beside it */
	int fd;           /* open on tmp after cairn__output_create, else -1 */
	int force;
	int exists;       /* target existed when checked */
	mode_t mode;
};

/*
 * Checks dest against the policy and fills out (target, the first
 * temporary name); creates nothing. On error out holds nothing to release.
 */
int cairn__output_begin(cairn_ctx *ctx, struct cairn__output *out, const char *dest,
			const struct cairn__output_opts *o);
/* Picks a new temporary name (after a failed attempt left the old one). */
void cairn__output_next_tmp(struct cairn__output *out);
/* Creates the temporary file, open for writing in out->fd. */
int cairn__output_create(cairn_ctx *ctx, struct cairn__output *out);
/*
 * Makes the temporary file (written through out->fd, or made by the caller
 * at out->tmp) the target: fsync, rename, fsync of the directory. Fails
 * with CAIRN_EINTERRUPTED when ctx was cancelled. Releases out either way.
 */
int cairn__output_commit(cairn_ctx *ctx, struct cairn__output *out);
/* Removes the temporary file and releases out (no-op after a commit). */
void cairn__output_abort(struct cairn__output *out);

/* Checks dest as cairn__output_begin does, and creates nothing: for a
 * writer of several files to refuse before it writes any. dest's directory
 * need not exist yet. */
int cairn__output_check(cairn_ctx *ctx, const char *dest, const struct cairn__output_opts *o);
/* The whole cycle for content in memory. */
int cairn__output_write(cairn_ctx *ctx, const char *dest, const void *data, size_t len,
			const struct cairn__output_opts *o);

/* 1 when name is a cairn temporary file's name (".X.cairn-tmp-ID"). */
int cairn__output_is_tmp_name(const char *name);

#endif
