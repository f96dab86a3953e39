/*
 * gc: removes what a workspace no longer needs. An object is needed when a
 * record names it (a dataset version's content or profile, a run's
 * artifact: every model package and every lineage entity is one of these;
 * a registered model version's manifest and files, named through
 * more_refs);
 * the others, and the temporary files that interrupted writes left behind
 * (under .cairn/tmp/, the object store's tmp-* files, and the
 * ".NAME.cairn-tmp-ID" files beside the destinations of cairn's writers in
 * the workspace's tree), are removed once they are older than a grace
 * period.
 *
 * The grace period is what keeps gc from racing a concurrent writer: a put
 * that stores or finds an object sets the object file's time to now, and
 * the record that will name it follows within the writer's operation, so an
 * object younger than the grace period is left alone, referenced or not.
 * The removal itself is made safe against a put in the same instant (see
 * src/store/gc.h). A writer whose operation runs longer than the grace
 * period between storing an object and recording it could lose it: the
 * default of one hour is far above any such gap.
 *
 * Needs an open workspace on ctx; one ctx per thread. Progress goes to
 * ctx's sink; a cancel stops between two removals (CAIRN_EINTERRUPTED).
 */
#ifndef CAIRN_GC_H
#define CAIRN_GC_H

#include <stdint.h>
#include "cairn/common.h"
#include "cairn/ctx.h"
#include "cairn/objects.h"

CAIRN_BEGIN_DECLS

#define CAIRN_GC_GRACE_DEFAULT 3600

struct cairn_gc_options {
	int dry_run;            /* report what would be removed, remove nothing */
	int64_t grace_seconds;  /* leave what changed this recently (negative:
				   CAIRN_GC_GRACE_DEFAULT) */
	/* The objects that modules above track name (their records are not
	 * track's to read); NULL when there are none. A program with the
	 * registry passes cairn_registry_object_refs. */
	cairn_object_refs_fn *more_refs;
};

struct cairn_gc_report {
	uint64_t objects;       /* unreferenced objects removed (or to remove) */
	uint64_t object_bytes;
	uint64_t temps;         /* stale temporary files removed (or to remove) */
	uint64_t temp_bytes;
	uint64_t recent;        /* unreferenced objects kept, being too recent */
};

/* Called for each thing removed (or, with dry_run, to be removed): kind
 * "object" (what: the hash) or "temporary" (what: the path), its size. */
typedef void cairn_gc_fn(const char *kind, const char *what, uint64_t size, void *arg);

/* Fills report (zeroed first); opts may be NULL (the defaults). */
int cairn_gc(cairn_ctx *ctx, const struct cairn_gc_options *opts,
	     struct cairn_gc_report *report, cairn_gc_fn *fn, void *arg);

CAIRN_END_DECLS

#endif
