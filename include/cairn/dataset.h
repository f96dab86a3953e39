/*
 * The dataset catalog: named datasets whose versions are immutable and
 * content-addressed.
 *
 * A version's content is one object in the object store: a file's bytes, or
 * for a directory a manifest (JSON listing each file's relative path, hash
 * and size, like DVC's .dir objects). Adding content that equals the latest
 * version of the name creates nothing and reports that version. Tabular
 * content (CSV, TSV, JSON lines) is parsed on the way in: its schema (columns,
 * types, null counts), row count and profile are stored with the version.
 *
 * Every version records where it came from (source and source kind: file,
 * dir, url, cmd, sql or derived), the parameters that made it, who made it
 * and when. A derived version has lineage edges `derived_from` to its inputs;
 * a version made inside a tracked run has an edge (run generated
 * dataset_version) from that run.
 *
 * All changes are single transactions: a failed add leaves no version.
 */
#ifndef CAIRN_DATASET_H
#define CAIRN_DATASET_H

#include <jansson.h>
#include <stdint.h>
#include "cairn/common.h"
#include "cairn/csv.h"
#include "cairn/ctx.h"
#include "cairn/frame.h"
#include "cairn/hash.h"
#include "cairn/id.h"
#include "cairn/objects.h"
#include "cairn/ref.h"

CAIRN_BEGIN_DECLS

struct cairn_dataset_version {
	char id[CAIRN_ID_LEN + 1];
	char name[CAIRN_NAME_MAX + 1];
	int64_t version;
	char hash[CAIRN_HEX_LEN + 1];     /* the content object */
	char kind[8];                      /* "file" or "dir" */
	char format[8];                    /* "csv", "tsv", "jsonl" or "" */
	uint64_t size;                     /* bytes (all files of a dir) */
	int64_t files;
	int64_t rows, cols;                /* -1 when not tabular */
	json_t *schema;                    /* [{name, type, nulls}] or NULL */
	char profile[CAIRN_HEX_LEN + 1];   /* object holding the profile JSON, or "" */
	char *source;
	char source_kind[8];
	json_t *params;                    /* object */
	char *description;
	int64_t created_ms;
	char *created_by;
	json_t *tags;                      /* object key -> value */
	json_t *derived_from;              /* array of "name@N" */
};

/* The version as a JSON object (new reference): every field above, with
 * "ref" ("name@N") and times in RFC 3339. */
json_t *cairn_dataset_version_json(const struct cairn_dataset_version *v);

/* Frees what v points to (not v). */
void cairn_dataset_version_release(struct cairn_dataset_version *v);

/*
 * Resolves a reference: `name` (latest version), `name@N`, `name@latest`,
 * `name@<hash prefix>` (of the content hash) or a version id prefix.
 */
int cairn_dataset_resolve(cairn_ctx *ctx, const char *ref, struct cairn_dataset_version *out);

struct cairn_dataset_add {
	const char *name;
	const char *source;          /* as the user gave it */
	const char *source_kind;     /* file, dir, url, cmd, sql, derived */
	json_t *params;              /* borrowed; may be NULL */
	const char *description;     /* may be NULL */
	const char *const *derived_from; /* version ids; may be NULL */
	size_t nderived;
	struct cairn_csv_options csv; /* for tabular content */
	int tabular;                 /* 1 parse as a table, 0 never, -1 by content/extension */
	const char *format_hint;     /* "csv", "tsv", "jsonl" or NULL (from the name) */
	/* The id (or a unique prefix) of the run that makes this version, or
	 * NULL. A new version records the lineage edge (run generated
	 * dataset_version) in its transaction; content equal to the latest
	 * version records nothing. CAIRN_ENOTFOUND when no such run. */
	const char *generated_by_run;
	/* A directory: 0 stores a symbolic link that stays inside it as a link
	 * and refuses one that leads outside (CAIRN_EINVAL naming the link and
	 * its target); 1 follows every link and stores what it points to. */
	int follow_symlinks;
};

/*
 * Adds the file at path as a new version of opts->name (creating the
 * dataset on first use). *existed is set when the content equals the latest
 * version, which is returned in out instead. out may be NULL.
 */
int cairn_dataset_add_file(cairn_ctx *ctx, const char *path, const struct cairn_dataset_add *opts,
			   struct cairn_dataset_version *out, int *existed);
/* Adds a directory (every regular file under it, recursively). */
int cairn_dataset_add_dir(cairn_ctx *ctx, const char *path, const struct cairn_dataset_add *opts,
			  struct cairn_dataset_version *out, int *existed);

/* "csv", "tsv" or "jsonl" from a file name's extension (.csv, .tsv, .tab,
 * .jsonl, .ndjson), else NULL. */
const char *cairn_dataset_format_from_name(const char *path);

/* Loads a tabular version into a frame, reading large delimited text in as
 * many threads as this process may use (cairn_dataset_load_frame_threads:
 * at most threads; 0 the same as cairn_dataset_load_frame, 1 one thread). */
int cairn_dataset_load_frame(cairn_ctx *ctx, const struct cairn_dataset_version *v,
			     struct cairn_frame **out);
int cairn_dataset_load_frame_threads(cairn_ctx *ctx, const struct cairn_dataset_version *v,
				     int threads, struct cairn_frame **out);
/*
 * Loads the rows named by what, which is either a path or a dataset
 * reference: the file at that path when one exists (format detected as
 * cairn_frame_load does), else the version the reference resolves to.
 * *is_dataset (may be NULL) says which it was. A reference that resolves to
 * nothing fails with "no file 'x', and no dataset version: ..." so that the
 * message covers both readings.
 */
int cairn_dataset_load_file_or_ref(cairn_ctx *ctx, const char *what, struct cairn_frame **f,
				   int *is_dataset);
/* Loads the stored profile JSON of a tabular version. */
int cairn_dataset_load_profile(cairn_ctx *ctx, const struct cairn_dataset_version *v,
			       json_t **out);

typedef int (*cairn_dataset_fn)(const struct cairn_dataset_version *v, void *arg);
/* Calls fn with the latest version of every dataset (by name) or, when name
 * is not NULL, with every version of that dataset (oldest first). A non-zero
 * return from fn stops the walk and is returned. */
int cairn_dataset_list(cairn_ctx *ctx, const char *name, cairn_dataset_fn fn, void *arg);
/* Calls fn with every version whose dataset name, description, tag keys or
 * values, or column names contain text (case-insensitive), newest first. */
int cairn_dataset_search(cairn_ctx *ctx, const char *text, cairn_dataset_fn fn, void *arg);
/* Sets (value not NULL) or removes a tag of a version. */
int cairn_dataset_tag(cairn_ctx *ctx, const struct cairn_dataset_version *v, const char *key,
		      const char *value);
/* Sets the description of a version. */
int cairn_dataset_describe(cairn_ctx *ctx, const struct cairn_dataset_version *v,
			   const char *text);

/* Writes a version out to path (a file, or a directory tree for a dir), each
 * file as cairn_object_checkout() does (flags: CAIRN_OUTPUT_FORCE replaces
 * files that exist). */
int cairn_dataset_checkout(cairn_ctx *ctx, const struct cairn_dataset_version *v,
			   const char *path, const enum cairn_link_type *types, int ntypes,
			   unsigned flags);

CAIRN_END_DECLS

#endif
