/*
 * Small file-system helpers with the error handling done once: full reads and
 * writes that retry on EINTR, mkdir -p, fsync of a directory, atomic
 * replacement of a small file, and path joining.
 */
#ifndef CAIRN_FS_H
#define CAIRN_FS_H

#include <stddef.h>
#include <sys/types.h>
#include "cairn/buf.h"
#include "cairn/ctx.h"

/* Reads up to len bytes, retrying on EINTR and short reads; returns the count
 * read (less than len only at end of file) or -1 with errno set. */
ssize_t cairn_read_full(int fd, void *buf, size_t len);
/* Writes all len bytes, retrying on EINTR and short writes; 0 or -1 (errno). */
int cairn_write_full(int fd, const void *buf, size_t len);

/* Creates dir and its missing parents with the given mode. */
int cairn_mkdir_p(cairn_ctx *ctx, const char *dir, mode_t mode);
/* fsyncs the directory at path so that a rename or link in it is durable. */
int cairn_fsync_dir(cairn_ctx *ctx, const char *path);
/* Reads a whole file into b (appending). */
int cairn_read_file(cairn_ctx *ctx, const char *path, cairn_buf *b);
/* Replaces path with data atomically: temporary file, fsync, rename, fsync dir
 * (core/output.h with force; mode is narrowed by the umask). For files the
 * library itself owns; a path a user gave goes through cairn__output_write. */
int cairn_write_file_atomic(cairn_ctx *ctx, const char *path, const void *data,
			    size_t len, mode_t mode);
/* Creates a new directory $TMPDIR/PREFIX-XXXXXX (/tmp when TMPDIR is unset)
 * and sets out to its path. */
int cairn_make_temp_dir(cairn_ctx *ctx, const char *prefix, cairn_buf *out);
/* Removes path and, for a directory, everything below it (links are removed,
 * not followed). A path that does not exist is fine. 0, or -1 with errno. */
int cairn_remove_tree(const char *path);
/* Sets b to a "/" b (a alone when b is empty, b alone when it is absolute). */
void cairn_path_join(cairn_buf *out, const char *a, const char *b);
/* 1 when path names an existing directory. */
int cairn_is_dir(const char *path);

#endif
