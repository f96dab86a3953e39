/*
 * The store's part of gc and of fsck's warnings (the whole of gc is
 * cairn_gc, src/track/gc.c): finding the object files that no record
 * names, removing one without racing a writer that is about to name it,
 * and finding the temporary files that interrupted writes left behind.
 * Which objects are named is for the table owners above to say; the store
 * takes the answer as a set of hashes.
 *
 * Removal and concurrent writers: a put that finds its content stored sets
 * the object file's time to now (objects.c, freshen), and removal takes an
 * object only when its time is older than a cut-off. The object is renamed
 * aside first and its time read again there: a put that freshened it in
 * between wins (the object is put back), and a put that comes after the
 * rename finds no file and writes the object again.
 */
#ifndef CAIRN_STORE_GC_H
#define CAIRN_STORE_GC_H

#include <stdint.h>
#include <sys/stat.h>
#include "cairn/ctx.h"
#include "core/strmap.h"

/* Called for each object file whose hash is not in refs (st: its lstat);
 * a non-zero return stops the walk and is returned. */
typedef int cairn__gc_object_fn(const char *hash, const struct stat *st, void *arg);
int cairn__store_unreferenced(cairn_ctx *ctx, const struct cairn_strmap *refs,
			      cairn__gc_object_fn *fn, void *arg);

/* Removes the object hash, with its record, when its file's time is before
 * cutoff (seconds since the epoch); *removed says whether it was. */
int cairn__object_remove_stale(cairn_ctx *ctx, const char *hash, int64_t cutoff,
			       int *removed);

/* Called for each temporary file older than cutoff: every file under
 * .cairn/tmp/, the store's objects/tmp-* files, and the ".NAME.cairn-tmp-ID"
 * files that cairn's writers leave beside their destinations anywhere in the
 * workspace's tree (outside .cairn and .git). */
typedef int cairn__gc_temp_fn(const char *path, const struct stat *st, void *arg);
int cairn__store_stale_temps(cairn_ctx *ctx, int64_t cutoff, cairn__gc_temp_fn *fn,
			     void *arg);

#endif
