/*
 * Registering a model version: the package's files by content (a run's
 * artifacts are already objects; a directory's files are stored), the
 * manifest object that names them, what the MLmodel and metrics.json say,
 * and one transaction that records the version, its tags, the lineage edge
 * from its run and the audit event. See include/cairn/registry.h.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cairn/error.h"
#include "cairn/objects.h"
#include "cairn/run.h"
#include "core/fs.h"
#include "core/json.h"
#include "core/oom.h"
#include "core/who.h"
#include "core/yaml.h"
#include "registry/registry-db.h"
#include "registry/registry-internal.h"
#include "store/lineage-db.h"

/* Deeper than any model package; stops a loop of bind mounts. */
#define MAX_DEPTH 32

static int walk(cairn_ctx *ctx, const char *root, const char *rel, int depth,
		cairn__package_file_fn *fn, void *arg)
{
	cairn_buf dir = CAIRN_BUF_INIT, path = CAIRN_BUF_INIT, sub = CAIRN_BUF_INIT;
	struct dirent *e;
	struct stat st;
	DIR *d;
	int rc = 0;

	cairn_path_join(&dir, root, rel);
	if (depth > MAX_DEPTH) {
		rc = cairn_error(ctx, CAIRN_EINVAL, "package '%s' nests deeper than %d directories",
				 root, MAX_DEPTH);
		goto out;
	}
	if (!(d = opendir(dir.buf))) {
		rc = cairn_error_errno(ctx, "cannot read the directory '%s'", dir.buf);
		goto out;
	}
	while (!rc && (e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		cairn_buf_reset(&path);
		cairn_path_join(&path, dir.buf, e->d_name);
		cairn_buf_reset(&sub);
		if (*rel)
			cairn_path_join(&sub, rel, e->d_name);
		else
			cairn_buf_adds(&sub, e->d_name);
		if (lstat(path.buf, &st))
			rc = cairn_error_errno(ctx, "cannot read '%s'", path.buf);
		else if (S_ISDIR(st.st_mode))
			rc = walk(ctx, root, sub.buf, depth + 1, fn, arg);
		else if (!S_ISREG(st.st_mode))
			rc = cairn_error(ctx, CAIRN_EINVAL, "package '%s' holds '%s', which is not a"
					 " regular file or directory (a version keeps files only)",
					 root, sub.buf);
		else
			rc = fn(ctx, path.buf, sub.buf, arg);
	}
	closedir(d);
out:
	cairn_buf_release(&dir);
	cairn_buf_release(&path);
	cairn_buf_release(&sub);
	return rc;
}

int cairn__package_walk(cairn_ctx *ctx, const char *root, cairn__package_file_fn *fn, void *arg)
{
	return walk(ctx, root, "", 0, fn, arg);
}

/* Stores a file of the package into files {path: hash}. */
static int store_file(cairn_ctx *ctx, const char *path, const char *rel, void *arg)
{
	struct cairn_object_put_result put;
	int rc = cairn_object_put_file(ctx, path, &put);

	if (!rc)
		json_object_set_new(arg, rel, json_string(put.hash));
	return rc;
}

/* The files of the run's artifact path as {path below it: hash}. */
static int run_files(cairn_ctx *ctx, const char *run, const char *path, json_t *files)
{
	cairn_buf p = CAIRN_BUF_INIT;
	json_t *arts = NULL, *a;
	size_t i;
	int rc;

	cairn_buf_adds(&p, path);
	while (p.len > 1 && p.buf[p.len - 1] == '/')
		p.buf[--p.len] = '\0';
	if ((rc = cairn_run_artifacts(ctx, run, &arts)))
		goto out;
	json_array_foreach(arts, i, a) {
		const char *ap = json_string_value(json_object_get(a, "path"));
		if (strncmp(ap, p.buf, p.len) || ap[p.len] != '/')
			continue;
		json_object_set(files, ap + p.len + 1, json_object_get(a, "hash"));
	}
	if (!json_object_size(files))
		rc = cairn_error(ctx, CAIRN_ENOTFOUND, "run %s has no model package at '%s' (see"
				 " 'cairn runs artifacts %s')", run, p.buf, run);
out:
	json_decref(arts);
	cairn_buf_release(&p);
	return rc;
}

/* Loads the package's file name (NULL: not there) with load, from the
 * object store. */
static int package_file(cairn_ctx *ctx, const json_t *files, const char *name, int yaml,
			json_t **out)
{
	const char *hash = json_string_value(json_object_get(files, name));
	cairn_buf path = CAIRN_BUF_INIT;
	int rc;

	*out = NULL;
	if (!hash)
		return 0;
	cairn_object_path(ctx, hash, &path);
	rc = yaml ? cairn_yaml_load_file(ctx, path.buf, out) : cairn_json_load_file(ctx, path.buf, out);
	if (rc)
		cairn_error_prefix(ctx, "the package's %s", name);
	cairn_buf_release(&path);
	return rc;
}

/* The MLmodel's signature with its column specs parsed (MLflow keeps them
 * as JSON text inside the YAML). */
static json_t *signature(const json_t *mlmodel)
{
	json_t *sig = json_object_get(mlmodel, "signature"), *out, *v;
	const char *k;

	if (!json_is_object(sig))
		return json_null();
	out = json_object();
	json_object_foreach(sig, k, v) {
		json_t *parsed = json_is_string(v) ? json_loads(json_string_value(v), 0, NULL) : NULL;
		json_object_set_new(out, k, parsed ? parsed : json_incref(v));
	}
	return out;
}

/* JSON text as stored (compact, keys sorted). */
static char *text_of(const json_t *v)
{
	char *s = json_dumps(v ? v : json_null(), JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY |
			     JSON_REAL_PRECISION(17));

	if (!s)
		cairn__oom(0);
	return s;
}

struct facts {
	char *signature, *classes, *metrics;
};

static int read_facts(cairn_ctx *ctx, const json_t *files, struct facts *f)
{
	json_t *mlmodel = NULL, *metrics = NULL, *prep = NULL, *sig;
	int rc;

	if (!json_object_get(files, "MLmodel"))
		return cairn_error(ctx, CAIRN_EINVAL, "not a model package: it holds no MLmodel");
	if ((rc = package_file(ctx, files, "MLmodel", 1, &mlmodel)) ||
	    (rc = package_file(ctx, files, "metrics.json", 0, &metrics)) ||
	    (rc = package_file(ctx, files, "preprocess.json", 0, &prep)))
		goto out;
	sig = signature(mlmodel);
	f->signature = text_of(sig);
	json_decref(sig);
	f->classes = text_of(json_object_get(json_object_get(prep, "target"), "classes"));
	f->metrics = text_of(metrics);
out:
	json_decref(mlmodel);
	json_decref(metrics);
	json_decref(prep);
	return rc;
}

static int check_options(cairn_ctx *ctx, const struct cairn_registry_register_options *o)
{
	char *key;
	const char *value;
	int rc;

	if (!o->name)
		return cairn_error(ctx, CAIRN_EINVAL, "registering needs a model name");
	if ((rc = cairn_registry_name_check(ctx, o->name)))
		return rc;
	if (!o->run == !o->package)
		return cairn_error(ctx, CAIRN_EINVAL, "a version comes from a run or from a package"
				   " directory: give one of them");
	if (o->package && o->path)
		return cairn_error(ctx, CAIRN_EINVAL, "an artifact path goes with a run, not with a"
				   " package directory");
	for (size_t i = 0; i < o->ntags; i++) {
		if ((rc = cairn__registry_tag_split(ctx, o->tags[i], &key, &value)))
			return rc;
		free(key);
	}
	return 0;
}

/* The version's records, in one transaction. */
static int record(cairn_ctx *ctx, const struct cairn_registry_register_options *o,
		  struct cairn__regdb_version *v, struct cairn_registry_register_result *res)
{
	struct cairn__audit_change c = { 0 };
	int64_t now = cairn_now_ms();
	json_t *after;
	cairn__db *db;
	char *key;
	const char *value;
	int rc, found;

	if ((rc = cairn__ctx_db(ctx, &db)) || (rc = cairn__db_begin(db)))
		return rc;
	if ((rc = cairn__regdb_model_id(db, o->name, res->model_id, &found)))
		goto fail;
	if (!found) {
		cairn_id_new(res->model_id);
		if ((rc = cairn__regdb_model_insert(db, res->model_id, o->name, now)))
			goto fail;
	}
	if ((rc = cairn__regdb_max_version(db, res->model_id, &res->version)))
		goto fail;
	res->version++;
	v->model_id = res->model_id;
	v->version = res->version;
	v->created_ms = now;
	if ((rc = cairn__regdb_version_insert(db, v)) ||
	    (rc = cairn__regdb_model_touch(db, res->model_id, now)))
		goto fail;
	for (size_t i = 0; i < o->ntags && !rc; i++) {
		if ((rc = cairn__registry_tag_split(ctx, o->tags[i], &key, &value)))
			break;
		rc = cairn__regdb_tag_put(db, res->model_id, res->version, key, value);
		free(key);
	}
	if (rc || (v->run_id && (rc = cairn__lineage_add(db, "run", v->run_id, "generated",
							 "model_version", v->id))))
		goto fail;
	after = json_pack("{s:I, s:s, s:s, s:o, s:s, s:s}", "version", (json_int_t)res->version,
			  "id", v->id, "source_kind", v->source_kind,
			  "run_id", v->run_id ? json_string(v->run_id) : json_null(),
			  "source_path", v->source_path, "manifest", v->manifest);
	c.model_id = res->model_id;
	c.model_name = o->name;
	c.action = "register";
	c.after = after;
	c.message = o->message;
	rc = cairn__audit_record(ctx, db, &c, NULL);
	json_decref(after);
	if (rc || (rc = cairn__db_commit(db)))
		goto fail;
	return 0;
fail:
	cairn__db_rollback(db);
	return rc;
}

int cairn_registry_register(cairn_ctx *ctx, const struct cairn_registry_register_options *o,
			    struct cairn_registry_register_result *res)
{
	char run[CAIRN_ID_LEN + 1];
	struct cairn__regdb_version v = { 0 };
	struct cairn_object_put_result put;
	struct facts f = { 0 };
	json_t *files = json_object(), *manifest = NULL;
	char *text = NULL, *abs = NULL;
	cairn_buf mlmodel = CAIRN_BUF_INIT;
	int rc;

	memset(res, 0, sizeof(*res));
	if ((rc = check_options(ctx, o)))
		goto out;
	if (o->run) {
		if ((rc = cairn_run_resolve(ctx, o->run, run)) ||
		    (rc = run_files(ctx, run, o->path ? o->path : "model", files)))
			goto out;
		v.source_kind = "run";
		v.run_id = run;
		v.source_path = o->path ? o->path : "model";
	} else {
		if (!cairn_is_dir(o->package)) {
			rc = cairn_error(ctx, CAIRN_ENOTFOUND, "no package directory '%s'", o->package);
			goto out;
		}
		/* Nothing is stored for a directory that is no package. */
		cairn_path_join(&mlmodel, o->package, "MLmodel");
		if (access(mlmodel.buf, F_OK)) {
			rc = cairn_error(ctx, CAIRN_EINVAL, "cannot register package '%s': not a model"
					 " package: it holds no MLmodel", o->package);
			goto out;
		}
		if ((rc = cairn__package_walk(ctx, o->package, store_file, files)))
			goto out;
		abs = realpath(o->package, NULL);
		v.source_kind = "package";
		v.source_path = abs ? abs : o->package;
	}
	if ((rc = read_facts(ctx, files, &f))) {
		cairn_error_prefix(ctx, "cannot register %s '%s'", o->run ? "run" : "package",
				   o->run ? run : o->package);
		goto out;
	}
	/* The manifest: {"files": {path: hash}}, paths sorted. */
	manifest = json_pack("{s:O}", "files", files);
	text = text_of(manifest);
	if ((rc = cairn_object_put_buf(ctx, text, strlen(text), &put)))
		goto out;
	memcpy(res->manifest, put.hash, sizeof(res->manifest));
	cairn_id_new(res->version_id);
	v.id = res->version_id;
	v.manifest = res->manifest;
	v.signature = f.signature;
	v.classes = f.classes;
	v.metrics = f.metrics;
	v.description = o->description;
	v.created_by = cairn__current_user();
	res->files = json_object_size(files);
	rc = record(ctx, o, &v, res);
out:
	if (rc)
		memset(res, 0, sizeof(*res));
	free(f.signature);
	free(f.classes);
	free(f.metrics);
	free(text);
	free(abs);
	cairn_buf_release(&mlmodel);
	json_decref(files);
	json_decref(manifest);
	return rc;
}
