/*
 * Pieces of the dataset catalog shared by its files (never installed):
 * dataset.c (records and references), dataset-add.c (adding content),
 * statcache.c (skipping re-hashing of unchanged files).
 */
#ifndef CAIRN_DATA_DATASET_INTERNAL_H
#define CAIRN_DATA_DATASET_INTERNAL_H

#include <stdint.h>
#include <sys/stat.h>
#include "cairn/dataset.h"

/* What a new version holds, before it is recorded. */
struct cairn__new_version {
	char hash[CAIRN_HEX_LEN + 1];
	const char *kind;           /* "file" or "dir" */
	char format[8];             /* "csv", "tsv", "jsonl" or "" */
	uint64_t size;
	int64_t files;
	int64_t rows, cols;         /* -1 when not tabular */
	json_t *schema;             /* borrowed; NULL when not tabular */
	char profile[CAIRN_HEX_LEN + 1];
};

/* Records a new version (and its dataset, its derived_from edges and the
 * generated edge from opts->generated_by_run) in one transaction; out (may
 * be NULL) receives it. */
int cairn__dataset_insert(cairn_ctx *ctx, const struct cairn__new_version *nv,
			  const struct cairn_dataset_add *opts,
			  struct cairn_dataset_version *out);
/* The latest version of name; *found is 0 when the dataset has none. */
int cairn__dataset_latest(cairn_ctx *ctx, const char *name,
			  struct cairn_dataset_version *out, int *found);
int cairn__dataset_by_id(cairn_ctx *ctx, const char *id, struct cairn_dataset_version *out);
/* The login name of the user running cairn. */

/*
 * The stat cache: the hash of a file whose path, device, inode, size and
 * modification time (ns) have not changed since it was last hashed, and
 * whose object is still in the store. *hit is 0 when it cannot be trusted.
 */
int cairn__statcache_lookup(cairn_ctx *ctx, const char *abspath, const struct stat *st,
			    char hash[CAIRN_HEX_LEN + 1], int *hit);
int cairn__statcache_store(cairn_ctx *ctx, const char *abspath, const struct stat *st,
			   const char *hash);

#endif
