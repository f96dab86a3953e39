/*
 * POSIX ustar archives, written and read: the container of bundles, of an
 * OCI image's layer and of an oci-archive. Only what those need: regular
 * files, directories and (writing) the fields a reader checks.
 *
 * Writing streams through a file descriptor and hashes what it writes
 * (SHA-256 of the archive's bytes, for digests). Every header has mode,
 * uid 0, gid 0 and mtime 0 unless given, so that the same content gives
 * the same bytes. Names longer than 100 bytes are split into ustar's
 * prefix and name; a name that cannot be split is CAIRN_EINVAL.
 *
 * Reading (cairn__tar_next) walks an archive in memory and checks each
 * header (checksum, magic, octal fields, the size against what is left);
 * it does not judge names or types: its caller does.
 */
#ifndef CAIRN_REGISTRY_BUNDLE_TAR_H
#define CAIRN_REGISTRY_BUNDLE_TAR_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "cairn/buf.h"
#include "cairn/ctx.h"
#include "cairn/hash.h"
#include "core/output.h"

#define CAIRN__TAR_BLOCK 512

struct cairn__tar {
	cairn_ctx *ctx;
	int fd;
	const char *what;      /* the archive, in messages */
	cairn_sha256 hash;     /* of every byte written */
	uint64_t size;         /* bytes written */
};

/* Starts an archive written to fd (what names it in messages). */
int cairn__tar_start(cairn_ctx *ctx, struct cairn__tar *t, int fd, const char *what);
/* A regular file from memory. */
int cairn__tar_add_data(struct cairn__tar *t, const char *name, const void *data, size_t len,
			mode_t mode);
/* A regular file copied from path; when sha256 is given, the content copied
 * must hash to it (a file that changed since it was hashed is an error). */
int cairn__tar_add_file(struct cairn__tar *t, const char *name, const char *path, mode_t mode,
			const char *sha256);
/* A directory (name without its trailing '/'). */
int cairn__tar_add_dir(struct cairn__tar *t, const char *name, mode_t mode);
/* Ends the archive (two zero blocks) and gives its SHA-256. */
int cairn__tar_finish(struct cairn__tar *t, char hex[CAIRN_HEX_LEN + 1]);
/* Abandons the archive's hash (after a failure). */
void cairn__tar_release(struct cairn__tar *t);

/* An archive written at a caller's path through core/output.h: to a
 * temporary file beside it, renamed into place on commit; an existing file
 * is replaced only with force. */
struct cairn__tar_output {
	struct cairn__output out;
	struct cairn__tar t;
	int started;
};

int cairn__tar_output_begin(cairn_ctx *ctx, struct cairn__tar_output *o, const char *dest,
			    int force);
/* Ends the archive (its SHA-256 into hex) and puts it in place. */
int cairn__tar_output_commit(cairn_ctx *ctx, struct cairn__tar_output *o,
			     char hex[CAIRN_HEX_LEN + 1]);
/* Removes the temporary file (after a failure). */
void cairn__tar_output_abort(struct cairn__tar_output *o);

/* One entry read. */
struct cairn__tar_entry {
	char name[257];        /* prefix "/" name */
	char type;             /* the typeflag ('0', '5', ...; '\0' read as '0') */
	uint64_t size;
	const unsigned char *data;
};

/*
 * Reads the entry at *pos of data (len bytes) and moves *pos past it.
 * Returns 1 with e filled, 0 at the end of the archive (a zero block; what
 * follows it must be zeros too), or a negative value with the problem in
 * why (a static string).
 */
int cairn__tar_next(const unsigned char *data, size_t len, size_t *pos,
		    struct cairn__tar_entry *e, const char **why);

#endif
