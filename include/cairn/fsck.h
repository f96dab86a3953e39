/*
 * fsck: checks a workspace's stored data against its records.
 *
 * Every object file is re-hashed and compared with its name and its record
 * in the metadata store; every record that names an object (a dataset
 * version's content and profile, a run's artifacts) is checked for the
 * object; and the metadata store runs its own integrity check. Reading
 * every object takes as long as reading the whole store: progress goes to
 * ctx's progress sink, and cancelling is not supported midway.
 *
 * Needs an open workspace on ctx; one ctx per thread.
 */
#ifndef CAIRN_FSCK_H
#define CAIRN_FSCK_H

#include <stdint.h>
#include "cairn/common.h"
#include "cairn/ctx.h"
#include "cairn/objects.h"

CAIRN_BEGIN_DECLS

struct cairn_fsck_report {
	uint64_t objects_checked;
	uint64_t bytes_checked;
	uint64_t corrupt;     /* content does not match its name or its recorded
				 size, or the file cannot be read */
	uint64_t missing;     /* recorded, but the file is gone */
	uint64_t unrecorded;  /* valid file with no record (recorded by fsck) */
	uint64_t stray;       /* files in objects/ that are not objects */
	uint64_t dangling;    /* records (dataset versions, run artifacts) whose
				 object is not stored */
	uint64_t database;    /* problems found by the metadata store's own
				 integrity check */
	uint64_t unreferenced; /* objects no record names (a warning) */
	uint64_t temporary;   /* temporary files older than an hour, left by
				 interrupted writes (a warning) */
};

/* Called once per problem found, in this order: "corrupt", "unrecorded" and
 * "stray" as the object files are walked in name order (what is the hash,
 * or the path for "stray"); then "missing" (what is the hash); "dangling"
 * (what names the record: "dataset iris@2", "run ID artifact PATH");
 * the warnings "unreferenced" (what is the hash) and "temporary" (what is
 * the path), which are what cairn_gc removes (include/cairn/gc.h); and
 * "database" (what is "metadata"). detail says what is wrong. The strings
 * are valid during the call only. */
typedef void cairn_fsck_problem_fn(const char *kind, const char *what, const char *detail,
				   void *arg);

/* Fills report and calls problem (may be NULL) for each problem. Returns
 * CAIRN_ECORRUPT when any object is corrupt or missing, a record dangles or
 * the database is damaged, 0 otherwise (unrecorded objects and strays do
 * not fail, nor do the warnings), or another code when the check itself
 * failed. */
int cairn_fsck(cairn_ctx *ctx, struct cairn_fsck_report *report,
	       cairn_fsck_problem_fn *problem, void *arg);
/* cairn_fsck that also checks the objects that modules above track name
 * (more_refs, as cairn_gc_options's; a program with the registry passes
 * cairn_registry_object_refs): referenced, and dangling when not stored. */
int cairn_fsck_with(cairn_ctx *ctx, cairn_object_refs_fn *more_refs,
		    struct cairn_fsck_report *report, cairn_fsck_problem_fn *problem, void *arg);

CAIRN_END_DECLS

#endif
