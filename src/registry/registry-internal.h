/*
 * The registry's internals shared by its files: finding a model and a
 * version inside a transaction, the audit event written with each change,
 * and the checks of names, aliases and tags. The public side is
 * include/cairn/registry.h; the tables are reached through registry-db.h.
 */
#ifndef CAIRN_REGISTRY_INTERNAL_H
#define CAIRN_REGISTRY_INTERNAL_H

#include <jansson.h>
#include "cairn/objects.h"
#include "cairn/registry.h"
#include "store/db.h"

/* The model named name into id: CAIRN_ENOTFOUND "no registered model
 * 'NAME'" when there is none. */
int cairn__registry_model(cairn_ctx *ctx, cairn__db *db, const char *name,
			  char id[CAIRN_ID_LEN + 1]);

/* Resolves ref against the store db (inside or outside a transaction);
 * see cairn_registry_resolve. */
int cairn__registry_resolve(cairn_ctx *ctx, cairn__db *db, const char *ref,
			    struct cairn_registry_ref *out);

/* The same for a reference that must name a version: a bare NAME is
 * CAIRN_EINVAL. */
int cairn__registry_resolve_version(cairn_ctx *ctx, cairn__db *db, const char *ref,
				    struct cairn_registry_ref *out);

/* The row of version v of the model (a new reference): CAIRN_ENOTFOUND
 * "model 'NAME' has no version V" when there is none. */
int cairn__registry_version(cairn_ctx *ctx, cairn__db *db, const char *model_id,
			    const char *name, int64_t v, json_t **out);

/* Appends the audit event of a change inside the caller's transaction:
 * reads the chain head, numbers and hashes the event. before, after and
 * details may be NULL (null, null, {}); *seq (may be NULL) receives the
 * event's number. */
struct cairn__audit_change {
	const char *model_id, *model_name, *action;
	const json_t *before, *after, *details;
	const char *message;
	int forced;
};
int cairn__audit_record(cairn_ctx *ctx, cairn__db *db, const struct cairn__audit_change *c,
			int64_t *seq);

/* Checks "KEY=VALUE" and points *key (a copy the caller frees) and *value
 * (into text) at its parts; CAIRN_EINVAL naming the tag at fault. */
int cairn__registry_tag_split(cairn_ctx *ctx, const char *text, char **key, const char **value);
/* Checks a tag key. */
int cairn__registry_tag_key_check(cairn_ctx *ctx, const char *key);

/* Calls fn for every regular file below the package directory root, with
 * its path and its path relative to root; anything but files and
 * directories is CAIRN_EINVAL naming it. register.c. */
typedef int cairn__package_file_fn(cairn_ctx *ctx, const char *path, const char *rel,
				   void *arg);
int cairn__package_walk(cairn_ctx *ctx, const char *root, cairn__package_file_fn *fn, void *arg);

/* 1 when ref is resolved by the registry: a reference of a version
 * (cairn_registry_is_version_ref) that is not an existing directory. */
int cairn__registry_is_ref(const char *ref);

/* Resolves the version ref names into *r and copies its package out of
 * the object store into dir, in a new temporary directory tmp that the
 * caller removes (left empty when none was made). */
int cairn__registry_checkout(cairn_ctx *ctx, const char *ref, cairn_buf *tmp, cairn_buf *dir,
			     struct cairn_registry_ref *r);

/* Calls fn for the gate report object of every promotion event (what
 * "model NAME@V promote (audit event SEQ)", role "gate report"), so that
 * gc keeps them and fsck checks them; gate-reports.c. */
int cairn__registry_report_refs(cairn_ctx *ctx, cairn_object_ref_fn *fn, void *arg);

/* The package's files as {path: hash} from a manifest object (a new
 * reference). */
int cairn__registry_manifest_files(cairn_ctx *ctx, const char *manifest, json_t **out);

#endif
