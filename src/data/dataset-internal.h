/*
 * Pieces of the dataset catalog shared by its files (never installed):
 * dataset-db.c (the data tables: records, references, the stat cache),
 * dataset-add.c (adding content), derive.c and acquire.c (new versions
 * made from a version or from outside).
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
	json_t *schema;             /* owned (cairn__new_version_release); NULL when not tabular */
	char profile[CAIRN_HEX_LEN + 1];
	json_t *read;               /* owned; how a file was read (cairn__read_options); NULL when derived */
};

void cairn__new_version_release(struct cairn__new_version *nv);

/*
 * Records the new versions nv[0..n) (with their datasets, their
 * derived_from edges and the generated edge from opts[i].generated_by_run,
 * taken as an existing run's full id) in one transaction: all or none.
 * out (may be NULL) receives n versions.
 */
int cairn__dataset_insert(cairn_ctx *ctx, const struct cairn__new_version *nv,
			  const struct cairn_dataset_add *opts, size_t n,
			  struct cairn_dataset_version *out);
/*
 * Everything of adding the file at path but recording it: hashes and
 * stores its content, parses and profiles it. When the content equals the
 * latest version of opts->name, *existed is set and out (may be NULL)
 * receives that version; otherwise nv describes the version to record.
 */
int cairn__dataset_prepare_file(cairn_ctx *ctx, const char *path,
				const struct cairn_dataset_add *opts,
				struct cairn__new_version *nv,
				struct cairn_dataset_version *out, int *existed);
/*
 * What the caller asked of the reader for a file whose format (given or from
 * its name) is format (may be NULL): {"format", "delimiter", "header"} and
 * "ragged" when set, each "auto" where detection decides. Two reads of one
 * content agree exactly when these agree, so a version records them in its
 * params ("read") and an earlier parse is reused only under equal options.
 * New reference.
 */
json_t *cairn__read_options(const struct cairn_dataset_add *opts, const char *format);
/* 1 when the version whose params are given was read with options read (a
 * version recorded without "read" counts as read with every option left to
 * detection); always 1 when read is NULL (a derived version). */
int cairn__read_options_match(const json_t *params, const json_t *read);
/* The profile, schema and shape of any version with content hash that was
 * read with the options read. */
int cairn__dataset_profile_by_hash(cairn_ctx *ctx, const char *hash, const json_t *read,
				   struct cairn__new_version *nv, json_t **schema, int *found);
/* The latest version of name; *found is 0 when the dataset has none. */
int cairn__dataset_latest(cairn_ctx *ctx, const char *name,
			  struct cairn_dataset_version *out, int *found);
int cairn__dataset_by_id(cairn_ctx *ctx, const char *id, struct cairn_dataset_version *out);

/*
 * The stat cache: the hash of a file whose path, device, inode, size,
 * modification and change times (ns) have not changed since it was last
 * hashed, and whose object is still in the store. *hit is 0 when it cannot be trusted.
 */
int cairn__statcache_lookup(cairn_ctx *ctx, const char *abspath, const struct stat *st,
			    char hash[CAIRN_HEX_LEN + 1], int *hit);
int cairn__statcache_store(cairn_ctx *ctx, const char *abspath, const struct stat *st,
			   const char *hash);

#endif
