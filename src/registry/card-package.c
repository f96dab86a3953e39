/* A model card's facts from the package itself: finding it from a MODELREF,
 * its manifest, preprocessing and params, and its files with their hashes. */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "cairn/error.h"
#include "cairn/hash.h"
#include "core/fs.h"
#include "core/json.h"
#include "core/yaml.h"
#include "ml/model-internal.h"
#include "registry/card-internal.h"

/* Deeper than any package (an ensemble's members/N/ holds a package). */
#define MAX_DEPTH 8

int cairn__card_fetch(cairn_ctx *ctx, const char *ref, cairn_buf *tmp, cairn_buf *dir,
		      json_t *model)
{
	char id[CAIRN_ID_LEN + 1];
	int rc;

	json_object_set_new(model, "ref", json_string(ref));
	if ((rc = cairn__model_fetch(ctx, ref, tmp, dir, id)))
		return rc;
	if (!*id) {
		json_object_set_new(model, "source", json_string("directory"));
		json_object_set_new(model, "path", json_string(ref));
		return 0;
	}
	json_object_set_new(model, "source", json_string("run"));
	json_object_set_new(model, "run_id", json_string(id));
	json_object_set_new(model, "path", json_string(strchr(ref, '/') ? strchr(ref, '/') + 1 : "model"));
	return 0;
}

static int add_files(cairn_ctx *ctx, const char *root, const char *rel, int depth, json_t *files)
{
	cairn_buf path = CAIRN_BUF_INIT, sub = CAIRN_BUF_INIT;
	struct dirent **names = NULL;
	int n, rc = 0;

	cairn_path_join(&path, root, rel);
	if ((n = scandir(path.buf, &names, NULL, alphasort)) < 0) {
		rc = cairn_error_errno(ctx, "cannot list '%s'", path.buf);
		goto out;
	}
	for (int i = 0; i < n; i++) {
		const char *name = names[i]->d_name;
		char hex[CAIRN_HEX_LEN + 1];
		struct stat st;

		if (rc || !strcmp(name, ".") || !strcmp(name, ".."))
			continue;
		cairn_buf_reset(&sub);
		if (*rel)
			cairn_path_join(&sub, rel, name);
		else
			cairn_buf_adds(&sub, name);
		cairn_buf_reset(&path);
		cairn_path_join(&path, root, sub.buf);
		if (lstat(path.buf, &st))
			rc = cairn_error_errno(ctx, "cannot read '%s'", path.buf);
		else if (S_ISDIR(st.st_mode) && depth < MAX_DEPTH)
			rc = add_files(ctx, root, sub.buf, depth + 1, files);
		else if (S_ISREG(st.st_mode) && !(rc = cairn_sha256_file(ctx, path.buf, hex)))
			json_array_append_new(files, json_pack("{s:s, s:I, s:s}", "path", sub.buf,
							       "size", (json_int_t)st.st_size,
							       "sha256", hex));
	}
out:
	for (int i = 0; i < n; i++)
		free(names[i]);
	free(names);
	cairn_buf_release(&path);
	cairn_buf_release(&sub);
	return rc;
}

/* Loads dir/name as JSON into *out, or leaves it NULL with a note when the
 * package has no such file. */
static int load_json(cairn_ctx *ctx, const char *dir, const char *name, json_t *notes,
		     json_t **out)
{
	cairn_buf path = CAIRN_BUF_INIT;
	struct stat st;
	int rc = 0;

	*out = NULL;
	cairn_path_join(&path, dir, name);
	if (stat(path.buf, &st))
		cairn__card_note(notes, "the package has no %s", name);
	else
		rc = cairn_json_load_file(ctx, path.buf, out);
	cairn_buf_release(&path);
	return rc;
}

/* The signature as MLflow keeps it: JSON text inside the YAML. */
static json_t *signature_part(cairn_ctx *ctx, const json_t *sig, const char *key)
{
	const char *text = json_string_value(json_object_get(sig, key));
	json_t *v = NULL;

	if (!text || cairn_json_load_text(ctx, "the MLmodel signature", text, strlen(text), &v)) {
		cairn_error_clear(ctx);
		return json_array();
	}
	return v;
}

static void add_manifest_facts(cairn_ctx *ctx, json_t *m, json_t *model)
{
	json_t *flavors = json_object_get(m, "flavors");
	json_t *cairn = json_object_get(flavors, "cairn"), *v;
	json_t *names = json_array(), *libs = json_object();
	const char *key;

	json_object_foreach(flavors, key, v)
		json_array_append_new(names, json_string(key));
	json_object_set_new(model, "flavors", names);
	json_object_set(model, "algorithm", json_object_get(cairn, "algorithm"));
	json_object_set(model, "task", json_object_get(cairn, "task"));
	json_object_set(model, "cairn_version", json_object_get(cairn, "cairn_version"));
	json_object_set(model, "created", json_object_get(m, "utc_time_created"));
	json_object_set(model, "model_uuid", json_object_get(m, "model_uuid"));
	if (!json_object_get(model, "run_id") || json_is_null(json_object_get(model, "run_id")))
		json_object_set(model, "run_id", json_object_get(m, "run_id"));
	if ((v = json_object_get(json_object_get(flavors, "xgboost"), "xgb_version")))
		json_object_set(libs, "xgboost", v);
	if ((v = json_object_get(m, "mlflow_version")))
		json_object_set(libs, "mlflow", v);
	json_object_set_new(model, "libraries", libs);
	v = json_object_get(m, "signature");
	json_object_set_new(model, "signature", json_pack("{s:o, s:o}",
		"inputs", signature_part(ctx, v, "inputs"), "outputs", signature_part(ctx, v, "outputs")));
}

/* Target, classes and the input columns with cairn's own types. */
static void add_prep_facts(const json_t *prep, json_t *model)
{
	const json_t *target = json_object_get(prep, "target"), *c;
	json_t *inputs = json_array();
	size_t i;

	json_object_set_new(model, "target", json_is_object(target) ?
			    json_pack("{s:O, s:O}", "name", json_object_get(target, "name"),
				      "type", json_object_get(target, "type")) : json_null());
	c = json_object_get(target, "classes");
	json_object_set_new(model, "classes", c ? json_deep_copy(c) : json_null());
	json_array_foreach(json_object_get(prep, "columns"), i, c)
		json_array_append_new(inputs, json_pack("{s:O, s:O}", "name", json_object_get(c, "name"),
							"type", json_object_get(c, "type")));
	if (json_array_size(inputs))
		json_object_set_new(json_object_get(model, "signature"), "inputs", inputs);
	else
		json_decref(inputs);
}

int cairn__card_package(cairn_ctx *ctx, const char *dir, json_t *model, json_t *notes)
{
	cairn_buf path = CAIRN_BUF_INIT;
	json_t *manifest = NULL, *prep = NULL, *params = NULL, *files = json_array();
	int rc;

	cairn_path_join(&path, dir, "MLmodel");
	if ((rc = cairn_yaml_load_file(ctx, path.buf, &manifest)))
		goto out;
	add_manifest_facts(ctx, manifest, model);
	if ((rc = load_json(ctx, dir, "preprocess.json", notes, &prep)))
		goto out;
	add_prep_facts(prep, model);
	if ((rc = load_json(ctx, dir, "params.json", notes, &params)))
		goto out;
	/* The lineage (card.c) fills these in for an ensemble or a continued model. */
	json_object_set_new(model, "members", json_null());
	json_object_set_new(model, "init_model", json_null());
	json_object_set_new(model, "params", params ? params : json_object());
	params = NULL;
	if ((rc = add_files(ctx, dir, "", 0, files)))
		goto out;
	json_object_set(model, "files", files);
out:
	if (rc)
		cairn_error_prefix(ctx, "cannot read the model package '%s'",
				   json_string_value(json_object_get(model, "ref")));
	json_decref(manifest);
	json_decref(prep);
	json_decref(params);
	json_decref(files);
	cairn_buf_release(&path);
	return rc;
}
