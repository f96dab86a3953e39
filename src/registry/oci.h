/*
 * The root filesystem of an OCI image, inside the registry module: the
 * files it holds (a program with every shared library it needs, found from
 * the ELF dynamic sections, the libraries cairn loads on demand and theirs,
 * and the dynamic loader; plain files), written as one layer tar
 * (bundle-tar.h) with the directories they need.
 */
#ifndef CAIRN_REGISTRY_OCI_H
#define CAIRN_REGISTRY_OCI_H

#include <stddef.h>
#include <sys/types.h>
#include "cairn/buf.h"
#include "cairn/ctx.h"
#include "registry/bundle-tar.h"

struct cairn__rootfs_file {
	char *path;      /* in the image, without the leading '/' */
	char *src;       /* a file to copy, or NULL for data */
	cairn_buf data;
	mode_t mode;
};

struct cairn__rootfs {
	struct cairn__rootfs_file *files;
	size_t n, alloc;
	size_t libraries;     /* shared objects added by cairn__rootfs_add_program */
	const char *arch;     /* the program's architecture, as OCI names it */
};

/* A file copied from src (path relative to the image's root). */
void cairn__rootfs_add_file(struct cairn__rootfs *fs, const char *path, const char *src,
			    mode_t mode);
/* A file of the given content. */
void cairn__rootfs_add_data(struct cairn__rootfs *fs, const char *path, const char *data,
			    mode_t mode);
/* The program exe at path, its loader and the shared libraries it needs,
 * with the libraries in optional (sonames loaded with dlopen; those not
 * installed are left out with a warning) and theirs, each at the path the
 * loader finds it at. A library needed and not found: CAIRN_ENOTFOUND. */
int cairn__rootfs_add_program(cairn_ctx *ctx, struct cairn__rootfs *fs, const char *exe,
			      const char *path, const char *const *optional);
/* Writes the layer: every directory the files need (0755), /tmp (1777),
 * and the files, in path order. */
int cairn__rootfs_write(cairn_ctx *ctx, struct cairn__rootfs *fs, struct cairn__tar *t);
void cairn__rootfs_release(struct cairn__rootfs *fs);

#endif
