/*
 * The objects that the track module's records name, for fsck (fsck.c
 * beside it): track owns its tables, so it is the one to list them.
 */
#ifndef CAIRN_TRACK_RUN_REFS_H
#define CAIRN_TRACK_RUN_REFS_H

#include "cairn/ctx.h"
#include "store/fsck.h"

/* Calls fn for each object a run's artifact names (role "content", what
 * "run ID artifact PATH"), in order of what. fn must not use the metadata
 * store (a read is in progress); its non-zero return stops the walk and is
 * returned. */
int cairn__run_object_refs(cairn_ctx *ctx, cairn__object_ref_fn *fn, void *arg);

#endif
