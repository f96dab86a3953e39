/*
 * The store's part of fsck (the whole check is cairn_fsck, src/track/fsck.c):
 * the object files against the objects table, and the metadata store's own
 * integrity. The records of other modules that name objects are theirs to
 * list (cairn__object_ref_fn); the store knows nothing of them.
 */
#ifndef CAIRN_STORE_FSCK_H
#define CAIRN_STORE_FSCK_H

#include <stdint.h>
#include "cairn/ctx.h"

/* Called once per problem: kind "corrupt", "missing", "unrecorded" or
 * "stray" (what is the hash, or the path for "stray"), or "database" (what
 * is "metadata"); detail says what is wrong. */
typedef void cairn__fsck_problem_fn(const char *kind, const char *what, const char *detail,
				    void *arg);

/* What the store's checks found (counts of problems of each kind). */
struct cairn__store_check {
	uint64_t objects_checked;
	uint64_t bytes_checked;
	uint64_t corrupt;
	uint64_t missing;
	uint64_t unrecorded;
	uint64_t stray;
	uint64_t database;
};

/*
 * Re-hashes every file under .cairn/objects and compares it with its name
 * and its record in the objects table; reports corrupt files, strays, and
 * records whose file is gone (missing). A valid file with no record (a put
 * that died between link and insert) is recorded and reported as
 * "unrecorded". Progress goes to ctx's sink. Adds to r (which the caller
 * zeroes); 0 unless the check itself failed, whatever it found.
 */
int cairn__store_check_objects(cairn_ctx *ctx, struct cairn__store_check *r,
			       cairn__fsck_problem_fn *problem, void *arg);

/* The metadata store's own integrity check (the driver's); each problem is
 * reported and counted in r->database. */
int cairn__store_check_db(cairn_ctx *ctx, struct cairn__store_check *r,
			  cairn__fsck_problem_fn *problem, void *arg);

/* What a table owner calls for each object one of its records names: what
 * names the record ("dataset iris@2"), role the reference ("content",
 * "profile"), hash the object. A non-zero return stops the walk. */
typedef int cairn__object_ref_fn(const char *what, const char *role, const char *hash,
				 void *arg);

#endif
