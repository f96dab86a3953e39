/*
 * The registry's reads and changes: list, show, aliases, tags,
 * descriptions, archiving and renaming, each change one transaction with
 * its audit event; see include/cairn/registry.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "cairn/error.h"
#include "cairn/id.h"
#include "cairn/ref.h"
#include "registry/registry-db.h"
#include "registry/registry-internal.h"
#include "track/run-internal.h"

int cairn_registry_name_check(cairn_ctx *ctx, const char *name)
{
	return cairn_name_check(ctx, "model name", name);
}

int cairn_registry_alias_check(cairn_ctx *ctx, const char *alias)
{
	size_t n = strlen(alias), ok = strspn(alias, "abcdefghijklmnopqrstuvwxyz"
					     "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-");

	if (!n || n > CAIRN_REGISTRY_ALIAS_MAX)
		return cairn_error(ctx, CAIRN_EINVAL, "invalid alias '%s': an alias has 1 to %d"
				   " characters", alias, CAIRN_REGISTRY_ALIAS_MAX);
	if (ok != n)
		return cairn_error(ctx, CAIRN_EINVAL, "invalid alias '%s': character '%c' at column"
				   " %zu is not allowed (letters, digits, '_', '-')", alias, alias[ok],
				   ok + 1);
	if (strspn(alias, "0123456789") == n)
		return cairn_error(ctx, CAIRN_EINVAL, "invalid alias '%s': an alias is not all digits"
				   " (NAME@%s is version %s)", alias, alias, alias);
	if (!strcasecmp(alias, "latest"))
		return cairn_error(ctx, CAIRN_EINVAL, "invalid alias '%s': 'latest' is reserved (the"
				   " highest active version)", alias);
	return 0;
}

int cairn__registry_tag_key_check(cairn_ctx *ctx, const char *key)
{
	return cairn__run_check_key(ctx, "tag", key);
}

int cairn__registry_tag_split(cairn_ctx *ctx, const char *text, char **key, const char **value)
{
	const char *eq = strchr(text, '=');
	int rc;

	*key = NULL;
	if (!eq || eq == text)
		return cairn_error(ctx, CAIRN_EINVAL, "invalid tag '%s': a tag is KEY=VALUE", text);
	*key = cairn_xstrndup(text, (size_t)(eq - text));
	if ((rc = cairn__registry_tag_key_check(ctx, *key))) {
		free(*key);
		*key = NULL;
		return cairn_error_prefix(ctx, "invalid tag '%s'", text);
	}
	*value = eq + 1;
	return 0;
}

int cairn_registry_list(cairn_ctx *ctx, json_t **out)
{
	cairn__db *db;
	json_t *m;
	size_t i;
	int rc;

	*out = NULL;
	if ((rc = cairn__ctx_db(ctx, &db)) || (rc = cairn__regdb_models(db, out)))
		goto fail;
	json_array_foreach(*out, i, m) {
		const char *id = json_string_value(json_object_get(m, "id"));
		json_t *aliases, *tags;
		if ((rc = cairn__regdb_aliases(db, id, 0, &aliases)) ||
		    (rc = cairn__regdb_tags(db, id, 0, &tags)))
			goto fail;
		json_object_set_new(m, "aliases", aliases);
		json_object_set_new(m, "tags", tags);
	}
	return 0;
fail:
	json_decref(*out);
	*out = NULL;
	return rc;
}

/* created_ms and updated_ms as created_at and updated_at. */
static void times(json_t *o)
{
	static const char *const keys[][2] = { { "created_ms", "created_at" },
						{ "updated_ms", "updated_at" } };
	char t[32];

	for (size_t i = 0; i < 2; i++) {
		json_t *v = json_object_get(o, keys[i][0]);
		if (!v)
			continue;
		cairn_format_time(json_integer_value(v), t);
		json_object_set_new(o, keys[i][1], json_string(t));
		json_object_del(o, keys[i][0]);
	}
}

/* A version row as shown: its source as one object, its tags and aliases,
 * and (with files) the package's files. */
static int version_view(cairn_ctx *ctx, cairn__db *db, const char *name, json_t *row, int files)
{
	const char *model_id = json_string_value(json_object_get(row, "model_id"));
	int64_t v = json_integer_value(json_object_get(row, "version"));
	json_t *tags, *aliases, *f, *list, *h;
	char ref[200];
	const char *p;
	int rc;

	json_object_set_new(row, "source", json_pack("{s:O, s:O, s:O}", "kind",
		json_object_get(row, "source_kind"), "run_id", json_object_get(row, "run_id"),
		"path", json_object_get(row, "source_path")));
	json_object_del(row, "source_kind");
	json_object_del(row, "source_path");
	snprintf(ref, sizeof(ref), "%s@%lld", name, (long long)v);
	json_object_set_new(row, "name", json_string(name));
	json_object_set_new(row, "ref", json_string(ref));
	times(row);
	if ((rc = cairn__regdb_tags(db, model_id, v, &tags)))
		return rc;
	json_object_set_new(row, "tags", tags);
	if ((rc = cairn__regdb_aliases(db, model_id, v, &aliases)))
		return rc;
	json_object_set_new(row, "aliases", aliases);
	if (!files)
		return 0;
	if ((rc = cairn__registry_manifest_files(ctx, json_string_value(json_object_get(row,
							"manifest")), &f)))
		return rc;
	list = json_array();
	json_object_foreach(f, p, h)
		json_array_append_new(list, json_pack("{s:s, s:O}", "path", p, "hash", h));
	json_decref(f);
	json_object_set_new(row, "files", list);
	return 0;
}

int cairn_registry_show(cairn_ctx *ctx, const char *ref, json_t **out)
{
	struct cairn_registry_ref r;
	json_t *o = NULL, *x, *v;
	cairn__db *db;
	size_t i;
	int rc;

	*out = NULL;
	if ((rc = cairn__ctx_db(ctx, &db)) || (rc = cairn__registry_resolve(ctx, db, ref, &r)))
		return rc;
	if (r.version) {
		if ((rc = cairn__registry_version(ctx, db, r.model_id, r.name, r.version, &o)) ||
		    (rc = version_view(ctx, db, r.name, o, 1)))
			goto fail;
		*out = o;
		return 0;
	}
	if ((rc = cairn__regdb_model_row(db, r.model_id, &o)))
		goto fail;
	times(o);
	if ((rc = cairn__regdb_tags(db, r.model_id, 0, &x)))
		goto fail;
	json_object_set_new(o, "tags", x);
	if ((rc = cairn__regdb_aliases(db, r.model_id, 0, &x)))
		goto fail;
	json_object_set_new(o, "aliases", x);
	if ((rc = cairn__regdb_versions(db, r.model_id, &x)))
		goto fail;
	json_object_set_new(o, "versions", x);
	json_array_foreach(x, i, v) {
		/* The list keeps what a table shows; show NAME@V has the rest. */
		if ((rc = version_view(ctx, db, r.name, v, 0)))
			goto fail;
		json_object_del(v, "signature");
		json_object_del(v, "metrics");
		json_object_del(v, "classes");
	}
	*out = o;
	return 0;
fail:
	json_decref(o);
	return rc;
}

/*
 * Changes: begin, find the model, change, record the event, commit; any
 * failure rolls everything back.
 */
struct change {
	cairn_ctx *ctx;
	cairn__db *db;
	char id[CAIRN_ID_LEN + 1];
	struct cairn__audit_change audit;
	json_t *before, *after;   /* the event's, owned (may be NULL) */
};

static int change_begin(cairn_ctx *ctx, struct change *c, const char *name, const char *action,
			const char *message)
{
	int rc;

	memset(c, 0, sizeof(*c));
	c->ctx = ctx;
	c->audit.model_id = c->id;
	c->audit.model_name = name;
	c->audit.action = action;
	c->audit.message = message;
	if ((rc = cairn__ctx_db(ctx, &c->db)) || (rc = cairn__db_begin(c->db)))
		return rc;
	if ((rc = cairn__registry_model(ctx, c->db, name, c->id)))
		cairn__db_rollback(c->db);
	return rc;
}

/* Records the event and commits when rc is 0; rolls back otherwise.
 * Releases the event's before and after. */
static int change_end(struct change *c, int rc, int64_t *seq)
{
	c->audit.before = c->before;
	c->audit.after = c->after;
	if (rc || (rc = cairn__regdb_model_touch(c->db, c->id, cairn_now_ms())) ||
	    (rc = cairn__audit_record(c->ctx, c->db, &c->audit, seq)) ||
	    (rc = cairn__db_commit(c->db)))
		cairn__db_rollback(c->db);
	json_decref(c->before);
	json_decref(c->after);
	c->before = c->after = NULL;
	return rc;
}

static int check_version_active(cairn_ctx *ctx, const char *name, const json_t *row,
				const char *alias)
{
	if (strcmp(json_string_value(json_object_get(row, "status")), "active"))
		return cairn_error(ctx, CAIRN_EINVAL, "version %lld of '%s' is archived: it cannot"
				   " take the alias '%s' (restore it first)",
				   (long long)json_integer_value(json_object_get(row, "version")),
				   name, alias);
	return 0;
}

int cairn_registry_alias_set(cairn_ctx *ctx, const struct cairn_registry_alias_options *o,
			     int64_t *seq)
{
	struct change c;
	json_t *row = NULL;
	int64_t held = 0;
	int rc;

	if ((rc = cairn_registry_alias_check(ctx, o->alias)))
		return rc;
	if (o->details && !json_is_object(o->details))
		return cairn_error(ctx, CAIRN_EINVAL, "the details of an audit event must be an object");
	if ((rc = change_begin(ctx, &c, o->name, o->action ? o->action : "alias-set", o->message)))
		return rc;
	if ((rc = cairn__registry_version(ctx, c.db, c.id, o->name, o->version, &row)) ||
	    (rc = check_version_active(ctx, o->name, row, o->alias)) ||
	    (rc = cairn__regdb_alias_get(c.db, c.id, o->alias, &held)))
		goto out;
	if (o->check_holder && held != o->expect_version) {
		if (held)
			rc = cairn_error(ctx, CAIRN_EEXIST, "alias '%s' of '%s' points at version %lld,"
					 " not %lld as expected: it moved meanwhile", o->alias,
					 o->name, (long long)held, (long long)o->expect_version);
		else
			rc = cairn_error(ctx, CAIRN_EEXIST, "alias '%s' of '%s' is unset, not at version"
					 " %lld as expected: it moved meanwhile", o->alias, o->name,
					 (long long)o->expect_version);
		goto out;
	}
	c.before = json_pack("{s:s, s:o}", "alias", o->alias, "version",
			     held ? json_integer(held) : json_null());
	c.after = json_pack("{s:s, s:I}", "alias", o->alias, "version", (json_int_t)o->version);
	c.audit.details = o->details;
	c.audit.forced = o->forced;
	rc = cairn__regdb_alias_put(c.db, c.id, o->alias, o->version, cairn_now_ms());
out:
	rc = change_end(&c, rc, seq);
	json_decref(row);
	return rc;
}

int cairn_registry_alias_remove(cairn_ctx *ctx, const char *name, const char *alias,
				const char *message)
{
	struct change c;
	int64_t held = 0;
	int rc;

	if ((rc = change_begin(ctx, &c, name, "alias-rm", message)))
		return rc;
	if ((rc = cairn__regdb_alias_get(c.db, c.id, alias, &held)))
		goto out;
	if (!held) {
		rc = cairn_error(ctx, CAIRN_ENOTFOUND, "model '%s' has no alias '%s'", name, alias);
		goto out;
	}
	c.before = json_pack("{s:s, s:I}", "alias", alias, "version", (json_int_t)held);
	rc = cairn__regdb_alias_delete(c.db, c.id, alias);
out:
	return change_end(&c, rc, NULL);
}

int cairn_registry_alias_get(cairn_ctx *ctx, const char *name, const char *alias,
			     int64_t *version)
{
	char id[CAIRN_ID_LEN + 1];
	cairn__db *db;
	int rc;

	*version = 0;
	if ((rc = cairn__ctx_db(ctx, &db)) || (rc = cairn__registry_model(ctx, db, name, id)))
		return rc;
	return cairn__regdb_alias_get(db, id, alias, version);
}

/* The model or version a ref names, inside the change's transaction; the
 * model's name (ref may hold a selector) goes to name. */
static int change_begin_ref(cairn_ctx *ctx, struct change *c, const char *ref,
			    const char *action, const char *message, struct cairn_registry_ref *r)
{
	cairn__db *db;
	int rc;

	/* The name is needed before the transaction; it is resolved again
	 * inside it, where nothing can move. */
	if ((rc = cairn__ctx_db(ctx, &db)) || (rc = cairn__registry_resolve(ctx, db, ref, r)))
		return rc;
	if ((rc = change_begin(ctx, c, r->name, action, message)))
		return rc;
	if ((rc = cairn__registry_resolve(ctx, c->db, ref, r)))
		cairn__db_rollback(c->db);
	c->audit.model_name = r->name;
	return rc;
}

int cairn_registry_tag(cairn_ctx *ctx, const char *ref, const char *const *set, size_t nset,
		       const char *const *rm, size_t nrm, const char *message)
{
	struct cairn_registry_ref r;
	struct change c;
	json_t *tags = NULL, *before = json_object(), *after = json_object();
	char *key = NULL;
	const char *value;
	size_t i;
	int rc;

	/* Every tag is checked before anything is written. */
	for (i = 0; i < nset; i++) {
		if ((rc = cairn__registry_tag_split(ctx, set[i], &key, &value)))
			goto done;
		free(key);
		key = NULL;
	}
	for (i = 0; i < nrm; i++)
		if ((rc = cairn__registry_tag_key_check(ctx, rm[i])))
			goto done;
	if ((rc = change_begin_ref(ctx, &c, ref, "tag", message, &r)))
		goto done;
	if ((rc = cairn__regdb_tags(c.db, c.id, r.version, &tags)))
		goto out;
	for (i = 0; i < nrm && !rc; i++) {
		json_t *old = json_object_get(tags, rm[i]);
		if (!old) {
			rc = cairn_error(ctx, CAIRN_ENOTFOUND, "%s has no tag '%s'", ref, rm[i]);
			break;
		}
		json_object_set(before, rm[i], old);
		json_object_set_new(after, rm[i], json_null());
		rc = cairn__regdb_tag_delete(c.db, c.id, r.version, rm[i]);
	}
	for (i = 0; i < nset && !rc; i++) {
		json_t *old;
		if ((rc = cairn__registry_tag_split(ctx, set[i], &key, &value)))
			break;
		old = json_object_get(tags, key);
		json_object_set_new(before, key, old ? json_incref(old) : json_null());
		json_object_set_new(after, key, json_string(value));
		rc = cairn__regdb_tag_put(c.db, c.id, r.version, key, value);
		free(key);
		key = NULL;
	}
	c.before = json_pack("{s:I, s:O}", "version", (json_int_t)r.version, "tags", before);
	c.after = json_pack("{s:I, s:O}", "version", (json_int_t)r.version, "tags", after);
out:
	rc = change_end(&c, rc, NULL);
done:
	free(key);
	json_decref(tags);
	json_decref(before);
	json_decref(after);
	return rc;
}

int cairn_registry_describe(cairn_ctx *ctx, const char *ref, const char *text,
			    const char *message)
{
	struct cairn_registry_ref r;
	struct change c;
	json_t *row = NULL;
	const char *old = "";
	int rc;

	if ((rc = change_begin_ref(ctx, &c, ref, "describe", message, &r)))
		return rc;
	if (r.version) {
		if (!(rc = cairn__registry_version(ctx, c.db, c.id, r.name, r.version, &row)))
			rc = cairn__regdb_version_describe(c.db, c.id, r.version, text);
	} else if (!(rc = cairn__regdb_model_row(c.db, c.id, &row))) {
		rc = cairn__regdb_model_describe(c.db, c.id, text, cairn_now_ms());
	}
	if (row)
		old = json_string_value(json_object_get(row, "description"));
	c.before = json_pack("{s:I, s:s}", "version", (json_int_t)r.version,
				   "description", old ? old : "");
	c.after = json_pack("{s:I, s:s}", "version", (json_int_t)r.version,
				  "description", text);
	rc = change_end(&c, rc, NULL);
	json_decref(row);
	return rc;
}

int cairn_registry_archive(cairn_ctx *ctx, const char *name, int64_t v, int archive,
			   const char *message)
{
	const char *from = archive ? "active" : "archived", *to = archive ? "archived" : "active";
	struct change c;
	json_t *row = NULL, *aliases = NULL;
	int rc;

	if ((rc = change_begin(ctx, &c, name, archive ? "archive" : "restore", message)))
		return rc;
	if ((rc = cairn__registry_version(ctx, c.db, c.id, name, v, &row)))
		goto out;
	if (strcmp(json_string_value(json_object_get(row, "status")), from)) {
		rc = cairn_error(ctx, CAIRN_EINVAL, "version %lld of '%s' is already %s", (long long)v,
				 name, to);
		goto out;
	}
	if (archive) {
		if ((rc = cairn__regdb_aliases(c.db, c.id, v, &aliases)))
			goto out;
		if (json_array_size(aliases)) {
			rc = cairn_error(ctx, CAIRN_EINVAL, "version %lld of '%s' holds the alias '%s':"
					 " move or remove the alias first", (long long)v, name,
					 json_string_value(json_array_get(aliases, 0)));
			goto out;
		}
	}
	c.before = json_pack("{s:I, s:s}", "version", (json_int_t)v, "status", from);
	c.after = json_pack("{s:I, s:s}", "version", (json_int_t)v, "status", to);
	rc = cairn__regdb_version_status(c.db, c.id, v, to);
out:
	rc = change_end(&c, rc, NULL);
	json_decref(row);
	json_decref(aliases);
	return rc;
}

int cairn_registry_rename(cairn_ctx *ctx, const char *old_name, const char *new_name,
			  const char *message)
{
	char other[CAIRN_ID_LEN + 1];
	struct change c;
	int rc, found;

	if ((rc = cairn_registry_name_check(ctx, new_name)))
		return rc;
	if ((rc = change_begin(ctx, &c, old_name, "rename", message)))
		return rc;
	if ((rc = cairn__regdb_model_id(c.db, new_name, other, &found)))
		goto out;
	if (found) {
		rc = cairn_error(ctx, CAIRN_EEXIST, "a registered model '%s' already exists", new_name);
		goto out;
	}
	/* The event carries the new name: history finds it under either. */
	c.audit.model_name = new_name;
	c.before = json_pack("{s:s}", "name", old_name);
	c.after = json_pack("{s:s}", "name", new_name);
	rc = cairn__regdb_model_rename(c.db, c.id, new_name, cairn_now_ms());
out:
	rc = change_end(&c, rc, NULL);
	return rc;
}
