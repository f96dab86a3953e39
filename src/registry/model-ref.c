/*
 * Model references of the registry (NAME, NAME@V, NAME@ALIAS, NAME@latest,
 * models:/NAME/V, models:/NAME@ALIAS), opening a version's package from the
 * object store, and the objects the registry's records name; see
 * include/cairn/registry.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "cairn/error.h"
#include "cairn/objects.h"
#include "cairn/package.h"
#include "cairn/ref.h"
#include "core/fs.h"
#include "core/json.h"
#include "ml/model-internal.h"
#include "registry/bundle.h"
#include "registry/registry-db.h"
#include "registry/registry-internal.h"
#include "track/run-internal.h"

static const char uri_prefix[] = "models:/";

int cairn_registry_is_version_ref(const char *ref)
{
	return !strncmp(ref, uri_prefix, sizeof(uri_prefix) - 1) ||
	       (strchr(ref, '@') && !strchr(ref, '/'));
}

/* What a reference selects. */
enum sel { SEL_MODEL, SEL_VERSION, SEL_ALIAS, SEL_LATEST };

struct parsed {
	enum sel sel;
	cairn_buf name;
	int64_t version;
	const char *alias;   /* into the reference */
};

static int parse_version(const char *s, int64_t *v)
{
	char *end;
	long long n;

	if (!*s || strspn(s, "0123456789") != strlen(s) || strlen(s) > 12)
		return 0;
	n = strtoll(s, &end, 10);
	*v = n;
	return n > 0;
}

static int parse_ref(cairn_ctx *ctx, const char *ref, struct parsed *p)
{
	int uri = !strncmp(ref, uri_prefix, sizeof(uri_prefix) - 1);
	const char *s = uri ? ref + sizeof(uri_prefix) - 1 : ref;
	const char *sep = strchr(s, '@');
	const char *sel;
	int rc;

	p->sel = SEL_MODEL;
	if (uri && !sep)
		sep = strchr(s, '/');
	if (uri && !sep)
		return cairn_error(ctx, CAIRN_EINVAL, "invalid model URI '%s': models:/NAME/VERSION,"
				   " models:/NAME/latest or models:/NAME@ALIAS", ref);
	cairn_buf_add(&p->name, s, sep ? (size_t)(sep - s) : strlen(s));
	if ((rc = cairn_name_check(ctx, "model name", p->name.buf)))
		return cairn_error_prefix(ctx, "invalid model reference '%s'", ref);
	if (!sep)
		return 0;
	sel = sep + 1;
	if (!strcmp(sel, "latest")) {
		p->sel = SEL_LATEST;
	} else if (strspn(sel, "0123456789") == strlen(sel) && *sel) {
		if (!parse_version(sel, &p->version))
			return cairn_error(ctx, CAIRN_EINVAL, "invalid model reference '%s': versions"
					   " are numbered from 1", ref);
		p->sel = SEL_VERSION;
	} else if (*sep == '/') {
		return cairn_error(ctx, CAIRN_EINVAL, "invalid model URI '%s': '%s' is not a version"
				   " number or 'latest' (cairn has aliases, not stages:"
				   " models:/NAME@ALIAS)", ref, sel);
	} else {
		if ((rc = cairn_registry_alias_check(ctx, sel)))
			return cairn_error_prefix(ctx, "invalid model reference '%s'", ref);
		p->sel = SEL_ALIAS;
		p->alias = sel;
	}
	return 0;
}

int cairn__registry_model(cairn_ctx *ctx, cairn__db *db, const char *name,
			  char id[CAIRN_ID_LEN + 1])
{
	int rc, found;

	if ((rc = cairn__regdb_model_id(db, name, id, &found)))
		return rc;
	if (!found)
		return cairn_error(ctx, CAIRN_ENOTFOUND, "no registered model '%s' (see 'cairn models"
				   " list')", name);
	return 0;
}

int cairn__registry_version(cairn_ctx *ctx, cairn__db *db, const char *model_id,
			    const char *name, int64_t v, json_t **out)
{
	int rc;

	if ((rc = cairn__regdb_version_row(db, model_id, v, out)))
		return rc;
	if (!*out)
		return cairn_error(ctx, CAIRN_ENOTFOUND, "model '%s' has no version %lld", name,
				   (long long)v);
	return 0;
}

int cairn__registry_resolve(cairn_ctx *ctx, cairn__db *db, const char *ref,
			    struct cairn_registry_ref *out)
{
	struct parsed p = { SEL_MODEL, CAIRN_BUF_INIT, 0, NULL };
	json_t *row = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = parse_ref(ctx, ref, &p)) ||
	    (rc = cairn__registry_model(ctx, db, p.name.buf, out->model_id)))
		goto out;
	snprintf(out->name, sizeof(out->name), "%s", p.name.buf);
	switch (p.sel) {
	case SEL_MODEL:
		goto out;
	case SEL_VERSION:
		out->version = p.version;
		break;
	case SEL_ALIAS:
		if ((rc = cairn__regdb_alias_get(db, out->model_id, p.alias, &out->version)))
			goto out;
		if (!out->version) {
			rc = cairn_error(ctx, CAIRN_ENOTFOUND, "model '%s' has no alias '%s'",
					 p.name.buf, p.alias);
			goto out;
		}
		break;
	case SEL_LATEST:
		if ((rc = cairn__regdb_latest_active(db, out->model_id, &out->version)))
			goto out;
		if (!out->version) {
			rc = cairn_error(ctx, CAIRN_ENOTFOUND, "model '%s' has no active version",
					 p.name.buf);
			goto out;
		}
		break;
	}
	if ((rc = cairn__registry_version(ctx, db, out->model_id, p.name.buf, out->version, &row)))
		goto out;
	snprintf(out->version_id, sizeof(out->version_id), "%s",
		 json_string_value(json_object_get(row, "id")));
out:
	json_decref(row);
	cairn_buf_release(&p.name);
	return rc;
}

int cairn__registry_resolve_version(cairn_ctx *ctx, cairn__db *db, const char *ref,
				    struct cairn_registry_ref *out)
{
	int rc;

	if ((rc = cairn__registry_resolve(ctx, db, ref, out)))
		return rc;
	if (!out->version)
		return cairn_error(ctx, CAIRN_EINVAL, "'%s' names a model, not a version: give"
				   " NAME@VERSION, NAME@ALIAS or NAME@latest", ref);
	return 0;
}

int cairn_registry_resolve(cairn_ctx *ctx, const char *ref, struct cairn_registry_ref *out)
{
	cairn__db *db;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = cairn__ctx_db(ctx, &db)))
		return rc;
	return cairn__registry_resolve(ctx, db, ref, out);
}

int cairn__registry_manifest_files(cairn_ctx *ctx, const char *manifest, json_t **out)
{
	cairn_buf path = CAIRN_BUF_INIT;
	json_t *m = NULL, *files;
	const char *p;
	json_t *h;
	int rc;

	*out = NULL;
	if (!cairn_object_exists(ctx, manifest))
		return cairn_error(ctx, CAIRN_ECORRUPT, "the manifest object %.12s is not in the"
				   " object store (see 'cairn fsck')", manifest);
	cairn_object_path(ctx, manifest, &path);
	if ((rc = cairn_json_load_file(ctx, path.buf, &m))) {
		cairn_error_prefix(ctx, "cannot read the manifest object %.12s", manifest);
		goto out;
	}
	files = json_object_get(m, "files");
	if (!json_is_object(files)) {
		rc = cairn_error(ctx, CAIRN_ECORRUPT, "the manifest object %.12s has no files",
				 manifest);
		goto out;
	}
	/* A path read back from the store is checked before it names a file. */
	json_object_foreach(files, p, h) {
		if (!json_is_string(h) || !cairn_is_sha256_hex(json_string_value(h)) ||
		    cairn__run_artifact_path_check(ctx, p)) {
			rc = cairn_error(ctx, CAIRN_ECORRUPT, "the manifest object %.12s has a bad"
					 " entry '%s'", manifest, p);
			goto out;
		}
	}
	*out = json_incref(files);
out:
	json_decref(m);
	cairn_buf_release(&path);
	return rc;
}

int cairn__registry_is_ref(const char *ref)
{
	struct stat st;

	return cairn_registry_is_version_ref(ref) && (stat(ref, &st) || !S_ISDIR(st.st_mode)) &&
	       !cairn_bundle_is_file(ref);
}

/* Writes the files {path: hash} into dir, as copies. */
static int fill_from_manifest(cairn_ctx *ctx, const char *dir, void *arg)
{
	enum cairn_link_type copy = CAIRN_LINK_COPY;
	cairn_buf target = CAIRN_BUF_INIT, parent = CAIRN_BUF_INIT;
	const char *p;
	json_t *h;
	int rc = 0;

	json_object_foreach((json_t *)arg, p, h) {
		const char *slash;
		cairn_buf_reset(&target);
		cairn_path_join(&target, dir, p);
		slash = strrchr(target.buf, '/');
		cairn_buf_reset(&parent);
		cairn_buf_add(&parent, target.buf, (size_t)(slash - target.buf));
		if ((rc = cairn_mkdir_p(ctx, parent.buf, 0777)) ||
		    (rc = cairn_object_checkout(ctx, json_string_value(h), target.buf, &copy, 1, 0,
						NULL)))
			break;
	}
	cairn_buf_release(&target);
	cairn_buf_release(&parent);
	return rc;
}

int cairn_registry_model_open(cairn_ctx *ctx, const char *ref, cairn_model **out)
{
	struct cairn_registry_ref r;
	json_t *row = NULL, *files = NULL;
	cairn__db *db;
	int rc;

	*out = NULL;
	/* A bundle file needs no workspace. */
	if (cairn_bundle_is_file(ref))
		return cairn__bundle_model_open(ctx, ref, out);
	if (!cairn__registry_is_ref(ref))
		return cairn_model_open(ctx, ref, out);
	if ((rc = cairn__ctx_db(ctx, &db)) ||
	    (rc = cairn__registry_resolve_version(ctx, db, ref, &r)))
		return rc;
	if (!(rc = cairn__registry_version(ctx, db, r.model_id, r.name, r.version, &row)) &&
	    !(rc = cairn__registry_manifest_files(ctx, json_string_value(json_object_get(row,
							"manifest")), &files)))
		rc = cairn__model_open_filled(ctx, fill_from_manifest, files, out);
	if (rc)
		cairn_error_prefix(ctx, "model %s@%lld", r.name, (long long)r.version);
	json_decref(row);
	json_decref(files);
	return rc;
}

int cairn__registry_checkout(cairn_ctx *ctx, const char *ref, cairn_buf *tmp, cairn_buf *dir,
			     struct cairn_registry_ref *r)
{
	json_t *row = NULL, *files = NULL;
	cairn__db *db;
	int rc;

	if ((rc = cairn__ctx_db(ctx, &db)) ||
	    (rc = cairn__registry_resolve_version(ctx, db, ref, r)))
		return rc;
	if (!(rc = cairn__registry_version(ctx, db, r->model_id, r->name, r->version, &row)) &&
	    !(rc = cairn__registry_manifest_files(ctx, json_string_value(json_object_get(row,
							"manifest")), &files)) &&
	    !(rc = cairn_make_temp_dir(ctx, "cairn-model", tmp))) {
		cairn_path_join(dir, tmp->buf, "model");
		rc = fill_from_manifest(ctx, dir->buf, files);
	}
	if (rc)
		cairn_error_prefix(ctx, "model %s@%lld", r->name, (long long)r->version);
	json_decref(row);
	json_decref(files);
	return rc;
}

int cairn_registry_model_node(cairn_ctx *ctx, const char *ref, cairn_buf *type, cairn_buf *id,
			      int *found)
{
	struct cairn_registry_ref r;
	cairn__db *db;
	int rc;

	*found = 0;
	if (!cairn__registry_is_ref(ref))
		return 0;
	if ((rc = cairn__ctx_db(ctx, &db)) ||
	    (rc = cairn__registry_resolve_version(ctx, db, ref, &r)))
		return rc;
	cairn_buf_reset(type);
	cairn_buf_adds(type, "model_version");
	cairn_buf_reset(id);
	cairn_buf_adds(id, r.version_id);
	*found = 1;
	return 0;
}

int cairn_registry_pin(cairn_ctx *ctx, const char *ref, cairn_buf *out)
{
	struct cairn_registry_ref r;
	cairn__db *db;
	int rc;

	cairn_buf_reset(out);
	if (!cairn__registry_is_ref(ref)) {
		cairn_buf_adds(out, ref);
		return 0;
	}
	if ((rc = cairn__ctx_db(ctx, &db)) ||
	    (rc = cairn__registry_resolve_version(ctx, db, ref, &r)))
		return rc;
	cairn_buf_addf(out, "%s@%lld", r.name, (long long)r.version);
	return 0;
}

int cairn_registry_object_refs(cairn_ctx *ctx, cairn_object_ref_fn *fn, void *arg)
{
	cairn_buf what = CAIRN_BUF_INIT, file = CAIRN_BUF_INIT;
	json_t *versions = NULL, *files = NULL, *v, *h;
	const char *p;
	cairn__db *db;
	size_t i;
	int rc;

	if ((rc = cairn__ctx_db(ctx, &db)) || (rc = cairn__regdb_manifests(db, &versions)))
		goto out;
	json_array_foreach(versions, i, v) {
		const char *m = json_string_value(json_object_get(v, "manifest"));
		cairn_buf_reset(&what);
		cairn_buf_addf(&what, "model %s@%lld", json_string_value(json_object_get(v, "name")),
			       (long long)json_integer_value(json_object_get(v, "version")));
		if ((rc = fn(what.buf, "manifest", m, arg)))
			break;
		/* A manifest that is gone or damaged names nothing more: fsck
		 * reports it missing through the call above. */
		if (cairn__registry_manifest_files(ctx, m, &files))
			continue;
		json_object_foreach(files, p, h) {
			cairn_buf_reset(&file);
			cairn_buf_addf(&file, "%s file %s", what.buf, p);
			if ((rc = fn(file.buf, "content", json_string_value(h), arg)))
				break;
		}
		json_decref(files);
		files = NULL;
		if (rc)
			break;
	}
	if (!rc)
		rc = cairn__registry_report_refs(ctx, fn, arg);
out:
	json_decref(files);
	json_decref(versions);
	cairn_buf_release(&what);
	cairn_buf_release(&file);
	return rc;
}
