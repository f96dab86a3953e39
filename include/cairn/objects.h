/*
 * The object store: immutable blobs named by the SHA-256 of their content,
 * under .cairn/objects/<first two hex>/<remaining 62 hex>.
 *
 * Writes stream (memory use does not grow with object size) and are atomic:
 * content goes to an anonymous or temporary file that is fsynced and then
 * linked or renamed to its final name, so a crash at any moment leaves either
 * no object or a complete one. Identical content is stored once. Every stored
 * object is also recorded in the metadata store (hash, size, time) so that it
 * can be listed without walking the directory.
 *
 * Checking the store (and every record that names an object) is cairn_fsck,
 * in cairn/fsck.h. Functions need an open workspace on ctx. Safe for concurrent use by many
 * processes; one ctx per thread.
 */
#ifndef CAIRN_OBJECTS_H
#define CAIRN_OBJECTS_H

#include <stdint.h>
#include "cairn/buf.h"
#include "cairn/common.h"
#include "cairn/ctx.h"
#include "cairn/hash.h"

CAIRN_BEGIN_DECLS

struct cairn_object_put_result {
	char hash[CAIRN_HEX_LEN + 1];
	uint64_t size;
	int existed; /* 1 when the content was already stored */
};

/* Stores the file at path (streaming it). */
int cairn_object_put_file(cairn_ctx *ctx, const char *path,
			  struct cairn_object_put_result *res);
/* Stores everything readable from fd until end of file (a pipe or a file;
 * a regular file from its current offset). what names it in messages. */
int cairn_object_put_fd(cairn_ctx *ctx, int fd, const char *what,
			struct cairn_object_put_result *res);
/* Stores len bytes from memory. */
int cairn_object_put_buf(cairn_ctx *ctx, const void *data, size_t len,
			 struct cairn_object_put_result *res);

/* Expands a unique hex prefix (4 or more characters, either case) to the full
 * hash. CAIRN_EINVAL when prefix is not 4 to 64 hex digits, CAIRN_ENOTFOUND
 * when nothing matches, CAIRN_EAMBIGUOUS when several do. */
int cairn_object_resolve(cairn_ctx *ctx, const char *prefix,
			 char hash[CAIRN_HEX_LEN + 1]);
/* Sets out to the path of the object's file (which may not exist). */
void cairn_object_path(cairn_ctx *ctx, const char *hash, cairn_buf *out);
/* 1 when the object's file exists. */
int cairn_object_exists(cairn_ctx *ctx, const char *hash);
/* Streams the object's content to fd (without re-verifying it: fsck does). */
int cairn_object_write_to_fd(cairn_ctx *ctx, const char *hash, int fd);

/* How cairn_object_checkout() may materialize an object (DVC's link types). */
enum cairn_link_type {
	CAIRN_LINK_REFLINK,  /* copy-on-write clone */
	CAIRN_LINK_HARDLINK, /* a second name for the stored file (read-only) */
	CAIRN_LINK_SYMLINK,  /* a symbolic link into the store */
	CAIRN_LINK_COPY      /* an independent copy */
};
#define CAIRN_LINK_MAX 8

/* Parses "reflink", "hardlink", "symlink" or "copy"; -1 when unknown. */
int cairn_link_type_parse(const char *s);
const char *cairn_link_type_name(enum cairn_link_type t);
/* Parses a comma-separated list such as "reflink,copy" into types (at most
 * CAIRN_LINK_MAX); the error names the unknown type. */
int cairn_link_types_parse(cairn_ctx *ctx, const char *list,
			   enum cairn_link_type types[CAIRN_LINK_MAX], int *n);
/* The workspace's link_types setting in .cairn/config ("reflink,copy" when
 * unset). */
int cairn_workspace_link_types(cairn_ctx *ctx, enum cairn_link_type types[CAIRN_LINK_MAX],
			       int *n);

/*
 * Writes the object to dest (atomically: a temporary name in dest's directory,
 * then rename). Tries each type in order (types, ntypes) and falls back to the
 * next when the file system refuses it; a copy always works, but is only tried
 * when listed (CAIRN_EIO when every listed type is refused). *used receives
 * the type that was used (may be NULL). dest's directory must exist. An
 * existing dest is replaced only with CAIRN_OUTPUT_FORCE in flags
 * (CAIRN_EEXIST otherwise); a dest that is not a regular file, or is inside
 * the workspace's .cairn, is refused (CAIRN_EINVAL); so is a symbolic link
 * at dest, unless it leads into the object store (an earlier checkout's):
 * that link is replaced, never followed (docs/outputs.md). Cancelling ctx stops a copy and removes its temporary
 * file (CAIRN_EINTERRUPTED). Hard and symbolic links share the stored,
 * read-only file: editing such a dest in place would corrupt the store.
 */
int cairn_object_checkout(cairn_ctx *ctx, const char *hash, const char *dest,
			  const enum cairn_link_type *types, int ntypes, unsigned flags,
			  enum cairn_link_type *used);

/* What a module above track calls for each object one of its records
 * names: what names the record ("model churn@3"), role the reference
 * ("manifest", "content"), hash the object; a non-zero return stops the
 * walk. */
typedef int cairn_object_ref_fn(const char *what, const char *role, const char *hash,
				void *arg);
/* Reports every object its module's records name, for gc (kept) and fsck
 * (checked): cairn_gc_options.more_refs, cairn_fsck_with. */
typedef int cairn_object_refs_fn(cairn_ctx *ctx, cairn_object_ref_fn *fn, void *arg);

struct cairn_object_info {
	char hash[CAIRN_HEX_LEN + 1];
	uint64_t size;
	int64_t created_ms;
};
/* Calls fn for every recorded object in hash order; a non-zero return from fn
 * stops the walk and is returned. */
int cairn_object_list(cairn_ctx *ctx,
		      int (*fn)(const struct cairn_object_info *info, void *arg),
		      void *arg);

CAIRN_END_DECLS

#endif
