/*
 * The registry's tables (registered_models, model_versions, model_aliases,
 * model_tags, model_audit): registry-db.c is the only code that reads or
 * writes them. Callers hold the transaction (cairn__db_begin) around the
 * writes of one change and its audit event.
 *
 * Rows come back as JSON objects owned by the caller; JSON columns
 * (signature, classes, metrics) are parsed, times are *_ms integers. A
 * version row: {id, model_id, version, source_kind, run_id (or null),
 * source_path, manifest, signature, classes, metrics, status, description,
 * created_ms, created_by}. A model row: {id, name, description,
 * created_ms, updated_ms}.
 */
#ifndef CAIRN_REGISTRY_DB_H
#define CAIRN_REGISTRY_DB_H

#include <jansson.h>
#include <stdint.h>
#include "cairn/buf.h"
#include "cairn/hash.h"
#include "cairn/id.h"
#include "store/db.h"

/* Models. *found is 0 when there is none (id untouched). */
int cairn__regdb_model_id(cairn__db *db, const char *name, char id[CAIRN_ID_LEN + 1], int *found);
int cairn__regdb_model_row(cairn__db *db, const char *id, json_t **out);
/* Every model row, ordered by name, each with latest_version (the highest
 * active, 0 when none) and versions (their count). */
int cairn__regdb_models(cairn__db *db, json_t **out);
int cairn__regdb_model_insert(cairn__db *db, const char *id, const char *name, int64_t now_ms);
int cairn__regdb_model_touch(cairn__db *db, const char *id, int64_t now_ms);
int cairn__regdb_model_rename(cairn__db *db, const char *id, const char *name, int64_t now_ms);
int cairn__regdb_model_describe(cairn__db *db, const char *id, const char *text, int64_t now_ms);
/* The model ids that events recorded under name (a former name). */
int cairn__regdb_audit_model_ids(cairn__db *db, const char *name, json_t **out);

/* Versions. */
struct cairn__regdb_version {
	const char *id, *model_id;
	int64_t version;
	const char *source_kind;   /* "run" or "package" */
	const char *run_id;        /* NULL for a package */
	const char *source_path;   /* the artifact path or the directory */
	const char *manifest;
	const char *signature, *classes, *metrics;  /* JSON text */
	const char *description;
	int64_t created_ms;
	const char *created_by;
};
int cairn__regdb_version_insert(cairn__db *db, const struct cairn__regdb_version *v);
/* The highest version number of the model (0 when none), active or not. */
int cairn__regdb_max_version(cairn__db *db, const char *model_id, int64_t *out);
/* The highest active version (0 when none). */
int cairn__regdb_latest_active(cairn__db *db, const char *model_id, int64_t *out);
/* *out is NULL when the model has no version v. */
int cairn__regdb_version_row(cairn__db *db, const char *model_id, int64_t v, json_t **out);
/* *out is NULL when no version has that id. */
int cairn__regdb_version_by_id(cairn__db *db, const char *id, json_t **out);
/* Every version row of the model, in order. */
int cairn__regdb_versions(cairn__db *db, const char *model_id, json_t **out);
int cairn__regdb_version_status(cairn__db *db, const char *model_id, int64_t v,
				const char *status);
int cairn__regdb_version_describe(cairn__db *db, const char *model_id, int64_t v,
				  const char *text);
/* Every version's manifest: [{name, version, manifest}] by name and
 * version. */
int cairn__regdb_manifests(cairn__db *db, json_t **out);

/* Aliases. *v is 0 when the alias is unset. */
int cairn__regdb_alias_get(cairn__db *db, const char *model_id, const char *alias, int64_t *v);
int cairn__regdb_alias_put(cairn__db *db, const char *model_id, const char *alias, int64_t v,
			   int64_t now_ms);
int cairn__regdb_alias_delete(cairn__db *db, const char *model_id, const char *alias);
/* {alias: version} of the model, or [alias...] of one version (v > 0). */
int cairn__regdb_aliases(cairn__db *db, const char *model_id, int64_t v, json_t **out);

/* Tags of the model (v 0) or of version v: {key: value}. */
int cairn__regdb_tags(cairn__db *db, const char *model_id, int64_t v, json_t **out);
int cairn__regdb_tag_put(cairn__db *db, const char *model_id, int64_t v, const char *key,
			 const char *value);
int cairn__regdb_tag_delete(cairn__db *db, const char *model_id, int64_t v, const char *key);

/* The audit log: one event as stored. */
struct cairn__audit_event {
	int64_t seq, time_ms;
	const char *user, *host, *model_id, *model_name, *action;
	const char *before, *after, *message, *details;  /* JSON text but message */
	int64_t forced;
	const char *prev_hash, *hash;
};
/* The last event's seq and hash (0 and "" when the log is empty). */
int cairn__regdb_audit_head(cairn__db *db, int64_t *seq, char hash[CAIRN_HEX_LEN + 1]);
int cairn__regdb_audit_insert(cairn__db *db, const struct cairn__audit_event *e);
/* Calls fn for each event in seq order (of model_id; NULL: all); fn must
 * not use the store. A non-zero return from fn stops and is returned. */
int cairn__regdb_audit_each(cairn__db *db, const char *model_id,
			    int (*fn)(const struct cairn__audit_event *e, void *arg), void *arg);

#endif
