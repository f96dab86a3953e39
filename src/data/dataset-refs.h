/*
 * The objects that the data module's records name, for fsck and gc (src/track/
 * fsck.c): data owns its tables, so it is the one to list them.
 */
#ifndef CAIRN_DATA_DATASET_REFS_H
#define CAIRN_DATA_DATASET_REFS_H

#include "cairn/ctx.h"
#include "store/fsck.h"

/* Calls fn for each object a dataset version names: its content ("content")
 * and its profile ("profile", when it has one), what being "dataset
 * NAME@VERSION", in order of what, then role; then, for each directory
 * version whose manifest is stored, the files it lists ("file"). fn must
 * not use the metadata store (a read may be in progress); its non-zero
 * return stops the walk and is returned. */
int cairn__dataset_object_refs(cairn_ctx *ctx, cairn__object_ref_fn *fn, void *arg);

#endif
