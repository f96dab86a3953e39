/*
 * The model registry: registered models, their numbered versions, aliases
 * and tags, and the audit log of every change (MLflow's registry, without
 * stages).
 *
 * A registered model has a stable id and a unique name (renaming keeps the
 * id). Its versions are numbered 1, 2, ... and immutable: every file of the
 * version's model package is in the object store, and a manifest object (the
 * JSON object {"files": {path: hash, ...}} with the paths sorted) names them;
 * the version records the manifest's hash, its source (a run and the
 * artifact path, or a package directory), the package's signature, classes
 * and metrics, a status (active or archived), a description and tags. A
 * version made from a run is also a lineage edge "run generated
 * model_version ID".
 *
 * An alias (champion, staging, ...) points at one active version of a
 * model; archiving the holder of an alias is refused, and so is an alias on
 * an archived version. Alias names are 1 to 128 characters of letters,
 * digits, '-' and '_', not all digits, and not "latest" (in any case),
 * which names the highest active version. Model names follow
 * cairn_name_check() (letters, digits, '.', '_', '-', starting with a
 * letter or digit, at most 128 characters).
 *
 * The audit log: every change (register, alias-set, alias-rm, tag,
 * describe, archive, restore, rename, and events appended by other
 * modules) is one event, written in the same transaction as the change.
 * Events form one hash chain over the workspace: each carries the SHA-256
 * of the previous event's serialization and its own, so that an event
 * edited, deleted or moved in the store is found by
 * cairn_registry_audit_verify (the serialization is in
 * docs/internals/registry.md).
 *
 * Model references (cairn_registry_model_open, cairn_registry_resolve):
 *
 *     NAME@3 or models:/NAME/3            version 3
 *     NAME@champion or models:/NAME@champion   the version the alias holds
 *     NAME@latest or models:/NAME/latest  the highest active version
 *
 * The lineage of a version is the node "model_version ID" (ID the
 * version's id, as cairn_registry_resolve gives it): cairn_lineage_walk
 * takes "model_version:ID".
 *
 * Every function needs an open workspace on ctx, returns 0 or an error code
 * with the message on ctx, and changes nothing when it fails. JSON values
 * returned are new references owned by the caller. One ctx per thread;
 * concurrent processes are serialized by the store's write lock.
 */
#ifndef CAIRN_REGISTRY_H
#define CAIRN_REGISTRY_H

#include <jansson.h>
#include <stdint.h>
#include "cairn/buf.h"
#include "cairn/common.h"
#include "cairn/ctx.h"
#include "cairn/hash.h"
#include "cairn/id.h"
#include "cairn/model.h"
#include "cairn/objects.h"

CAIRN_BEGIN_DECLS

#define CAIRN_REGISTRY_ALIAS_MAX 128

/* Checks a registered model name (cairn_name_check) and an alias name (see
 * above); CAIRN_EINVAL naming the character at fault. */
int cairn_registry_name_check(cairn_ctx *ctx, const char *name);
int cairn_registry_alias_check(cairn_ctx *ctx, const char *alias);

/*
 * Registering a version.
 */
struct cairn_registry_register_options {
	const char *name;         /* the model; created on its first version */
	const char *run;          /* a run id or unique prefix whose artifact is
				     the package; or NULL with package set */
	const char *path;         /* the artifact path in run (NULL: "model") */
	const char *package;      /* a package directory (holding an MLmodel) */
	const char *description;  /* the version's description (may be NULL) */
	const char *const *tags;  /* "KEY=VALUE" each: the version's tags */
	size_t ntags;
	const char *message;      /* recorded in the audit event (may be NULL) */
};

struct cairn_registry_register_result {
	char model_id[CAIRN_ID_LEN + 1];
	char version_id[CAIRN_ID_LEN + 1];
	int64_t version;                      /* 1, 2, ... */
	char manifest[CAIRN_HEX_LEN + 1];     /* the manifest object's hash */
	size_t files;                         /* the package's files */
};

/* Registers the package as the next version of o->name (see above). A run
 * with no artifact at the path, a directory without an MLmodel, a bad
 * name or tag: CAIRN_ENOTFOUND / CAIRN_EINVAL and nothing recorded. */
int cairn_registry_register(cairn_ctx *ctx, const struct cairn_registry_register_options *o,
			    struct cairn_registry_register_result *res);

/*
 * Reading.
 */

/* [{id, name, description, created_at, updated_at, latest_version,
 * versions, aliases: {alias: version}, tags: {k: v}}] ordered by name. */
int cairn_registry_list(cairn_ctx *ctx, json_t **out);

/* A model reference: the model (version 0) or one of its versions. */
struct cairn_registry_ref {
	char model_id[CAIRN_ID_LEN + 1];
	char name[129];
	int64_t version;                      /* 0: the model itself */
	char version_id[CAIRN_ID_LEN + 1];    /* "" for the model */
};

/* Resolves "NAME", "NAME@V", "NAME@ALIAS", "NAME@latest" or a models:/ URI
 * (see above; a bare NAME is the model). Unknown model, version or alias:
 * CAIRN_ENOTFOUND naming it; a malformed reference: CAIRN_EINVAL. */
int cairn_registry_resolve(cairn_ctx *ctx, const char *ref, struct cairn_registry_ref *out);

/* 1 when ref has the form of a registry reference of a version (NAME@SEL
 * or models:/...), 0 otherwise; looks nothing up. */
int cairn_registry_is_version_ref(const char *ref);

/*
 * ref is a model: {id, name, description, created_at, updated_at, tags,
 * aliases: {alias: version}, versions: [{version, status, source, run_id,
 * created_at, created_by, aliases: [...]}]}.
 * ref is a version: {model_id, name, version, id, ref, status, description,
 * source: {kind, run_id, path}, manifest, signature, classes, metrics,
 * tags, aliases, created_at, created_by, files: [{path, hash}]}.
 */
int cairn_registry_show(cairn_ctx *ctx, const char *ref, json_t **out);

/*
 * Changes. Each is one transaction with its audit event; message may be
 * NULL. The event's user and host are the process's.
 */

struct cairn_registry_alias_options {
	const char *name;          /* the model */
	const char *alias;
	int64_t version;           /* the version to point at (active) */
	/* When check_holder is set, the alias must currently point at
	 * expect_version (0: the alias must be unset); otherwise the call fails
	 * with CAIRN_EEXIST, naming the holder found, and changes nothing. */
	int check_holder;
	int64_t expect_version;
	const char *message;
	const json_t *details;     /* an object stored in the event (may be NULL) */
	int forced;                /* recorded in the event ("forced": 1) */
	const char *action;        /* the event's action (NULL: "alias-set";
				      cairn_promote's is "promote") */
};

/* Points the alias at the version. An archived or unknown version, an
 * invalid alias name: nothing changed. Setting an alias to the version it
 * already holds is recorded too. *seq (may be NULL) receives the event's
 * sequence number. */
int cairn_registry_alias_set(cairn_ctx *ctx, const struct cairn_registry_alias_options *o,
			     int64_t *seq);
/* Removes the alias (CAIRN_ENOTFOUND when the model has no such alias). */
int cairn_registry_alias_remove(cairn_ctx *ctx, const char *name, const char *alias,
				const char *message);
/* The version an alias points at into *version (0 when unset). */
int cairn_registry_alias_get(cairn_ctx *ctx, const char *name, const char *alias,
			     int64_t *version);

/* Sets tags ("KEY=VALUE" each) and removes keys (rm) on the model or a
 * version (ref NAME or NAME@V/@ALIAS); one event for the whole change.
 * Keys: 1 to 250 characters of letters, digits, '_', '-', '.', '/' and
 * space; removing a key that is not set is CAIRN_ENOTFOUND. */
int cairn_registry_tag(cairn_ctx *ctx, const char *ref, const char *const *set, size_t nset,
		       const char *const *rm, size_t nrm, const char *message);
/* Sets the description of the model or a version. */
int cairn_registry_describe(cairn_ctx *ctx, const char *ref, const char *text,
			    const char *message);
/* Archives (archive 1) or restores (archive 0) version v. Archiving a
 * version that holds an alias is CAIRN_EINVAL naming the alias. */
int cairn_registry_archive(cairn_ctx *ctx, const char *name, int64_t v, int archive,
			   const char *message);
/* Renames a model (its id, versions, aliases and events stay). */
int cairn_registry_rename(cairn_ctx *ctx, const char *old_name, const char *new_name,
			  const char *message);

/*
 * Opening a model by reference, for every command that takes a MODELREF.
 * In this order: a bundle file at ref (include/cairn/package.h: verified,
 * extracted to a temporary directory, loaded and the directory removed; no
 * workspace needed); an existing directory at ref (a package, as
 * cairn_model_open); a registry reference of a version (NAME@V,
 * NAME@ALIAS, NAME@latest, models:/...), whose files are copied out of the
 * object store into a temporary directory, loaded and removed; anything
 * else goes to cairn_model_open (a run id, RUN/PATH).
 */
int cairn_registry_model_open(cairn_ctx *ctx, const char *ref, cairn_model **out);

/* The lineage node of a registry reference of a version: type
 * "model_version" and the version's id, *found 1; *found 0 (and nothing
 * looked up) for a reference that is not the registry's or an existing
 * directory. For cairn_train_options.model_node. */
int cairn_registry_model_node(cairn_ctx *ctx, const char *ref, cairn_buf *type, cairn_buf *id,
			      int *found);

/* The reference that keeps naming the version ref names now: "NAME@V" for
 * a registry reference of a version (an alias or latest resolved now), ref
 * itself for anything else (an existing directory included); into out.
 * What a training run records of the registered model it starts from. */
int cairn_registry_pin(cairn_ctx *ctx, const char *ref, cairn_buf *out);

/*
 * The lineage of a registered version: cairn_lineage_walk from the node
 * "model_version ID" when ref is a registry reference of a version
 * (models:/..., or model:NAME@SEL, or NAME@SEL when NAME is a registered
 * model: when a dataset version is also named so, CAIRN_EAMBIGUOUS says to
 * write model: or dataset: in front), else cairn_lineage_walk(ref). Nodes
 * of model versions are labelled "model NAME@V" and their info holds name
 * and version.
 */
struct cairn_lineage_options;
struct cairn_lineage_graph;
int cairn_registry_lineage_walk(cairn_ctx *ctx, const char *ref,
				const struct cairn_lineage_options *opts,
				struct cairn_lineage_graph *out);

/*
 * The audit log.
 */

struct cairn_registry_event_options {
	const char *name;          /* the model */
	const char *action;        /* 1 to 64 characters of [a-z0-9_-] */
	const json_t *before;      /* the state before, any JSON (NULL: null) */
	const json_t *after;       /* the state after (NULL: null) */
	const char *message;       /* may be NULL */
	const json_t *details;     /* an object (NULL: {}) */
	int forced;
};

/* Appends an event for a model that changes nothing else (a refused
 * promotion, a review); *seq (may be NULL) receives its number. */
int cairn_registry_event_append(cairn_ctx *ctx, const struct cairn_registry_event_options *o,
				int64_t *seq);

/* The events, oldest first, of one model (name; NULL: every model):
 * [{seq, time, user, host, model_id, model, action, before, after,
 * message, details, forced, prev_hash, hash}]. name is the model's current
 * name or one it had. */
int cairn_registry_audit(cairn_ctx *ctx, const char *name, json_t **out);

/*
 * The gate reports of the version ref names (NAME@V, NAME@ALIAS, ...),
 * latest first: one per audit event "promote" or "promote-refused" whose
 * details name the version and the report's object (gate_report):
 * [{seq, time, action, alias, verdict, forced, holder, report_hash,
 * report}], report the stored report (cairn_gates_run's JSON), or null with
 * "problem" saying why when its object is missing or unreadable.
 */
int cairn_registry_gate_reports(cairn_ctx *ctx, const char *ref, json_t **out);

struct cairn_registry_verify_result {
	int64_t events;              /* events checked */
	int ok;                      /* 1 when the whole chain holds */
	int64_t bad_seq;             /* the first event at fault (0 when ok) */
	char problem[256];           /* what is wrong with it */
	char head[CAIRN_HEX_LEN + 1];  /* the last event's hash ("" when none) */
};

/* Recomputes the whole chain. A broken chain is not an error: the result
 * says where (ok 0, bad_seq, problem). */
int cairn_registry_audit_verify(cairn_ctx *ctx, struct cairn_registry_verify_result *res);

/* Calls fn for every object the registry's records name: each version's
 * manifest (what "model NAME@V", role "manifest"), the files it lists
 * (what "model NAME@V file PATH", role "content") and the gate report of
 * each promotion event (what "model NAME@V promote (audit event SEQ)",
 * role "gate report"); for gc and fsck
 * (cairn_gc_options.more_refs, cairn_fsck_with). */
int cairn_registry_object_refs(cairn_ctx *ctx, cairn_object_ref_fn *fn, void *arg);

CAIRN_END_DECLS

#endif
