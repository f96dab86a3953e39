/*
 * Writing a bundle: the model package a reference names, its signature, a
 * summary of its lineage and the manifest, as one ustar archive written
 * atomically (see bundle.h for the layout, include/cairn/package.h).
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "cairn/error.h"
#include "cairn/package.h"
#include "cairn/run.h"
#include "cairn/version.h"
#include "core/fs.h"
#include "core/json.h"
#include "core/yaml.h"
#include "ml/model-internal.h"
#include "registry/bundle-tar.h"
#include "registry/bundle.h"
#include "registry/registry-internal.h"

/* Adds a file of the package to the paths. */
static int list_file(cairn_ctx *ctx, const char *path, const char *rel, void *arg)
{
	json_array_append_new(arg, json_string(rel));
	return 0;
}

static int by_string(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* A JSON file of the package (NULL when absent or unreadable: the summary
 * says what it can). */
static json_t *package_json(cairn_ctx *ctx, const char *dir, const char *name, int yaml)
{
	cairn_buf p = CAIRN_BUF_INIT;
	json_t *v = NULL;
	struct stat st;

	cairn_path_join(&p, dir, name);
	if (!stat(p.buf, &st) && (yaml ? cairn_yaml_load_file(ctx, p.buf, &v)
				       : cairn_json_load_file(ctx, p.buf, &v)))
		v = NULL;
	cairn_buf_release(&p);
	return v;
}

/* The signature from the MLmodel, whose inputs and outputs are JSON text. */
static json_t *signature(cairn_ctx *ctx, json_t *mlmodel)
{
	json_t *sig = json_object_get(mlmodel, "signature"), *out = json_object();
	static const char *const keys[] = { "inputs", "outputs", "params" };

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		json_t *v = json_object_get(sig, keys[i]), *parsed = NULL;
		if (json_is_string(v) &&
		    !cairn_json_load_text(ctx, keys[i], json_string_value(v),
					  json_string_length(v), &parsed))
			json_object_set_new(out, keys[i], parsed);
		else
			json_object_set(out, keys[i], v ? v : json_null());
	}
	return out;
}

static json_t *or_null(json_t *v)
{
	return v ? json_incref(v) : json_null();
}

/* The lineage summary: what the image's labels and a reader of the bundle
 * need without opening the package. */
static json_t *summary(cairn_ctx *ctx, const char *ref, const struct cairn_registry_ref *r,
		       json_t *mlmodel, json_t *lineage)
{
	json_t *s = json_object(), *model = json_object(), *run = NULL, *cairn_flavor;
	const char *run_id = json_string_value(json_object_get(lineage, "run_id"));

	if (!run_id)
		run_id = json_string_value(json_object_get(mlmodel, "run_id"));
	cairn_flavor = json_object_get(json_object_get(mlmodel, "flavors"), "cairn");
	if (r) {
		cairn_buf b = CAIRN_BUF_INIT;
		cairn_buf_addf(&b, "%s@%lld", r->name, (long long)r->version);
		json_object_set_new(model, "name", json_string(r->name));
		json_object_set_new(model, "version", json_integer(r->version));
		json_object_set_new(model, "version_id", json_string(r->version_id));
		json_object_set_new(model, "ref", json_string(b.buf));
		cairn_buf_release(&b);
	} else {
		json_object_set_new(model, "name", json_null());
		json_object_set_new(model, "version", json_null());
		json_object_set_new(model, "ref", json_string(ref));
	}
	json_object_set_new(model, "algorithm",
			    or_null(json_object_get(cairn_flavor, "algorithm")));
	json_object_set_new(model, "task", or_null(json_object_get(cairn_flavor, "task")));
	json_object_set_new(model, "created_at",
			    or_null(json_object_get(mlmodel, "utc_time_created")));
	json_object_set_new(s, "model", model);
	json_object_set_new(s, "run_id", run_id ? json_string(run_id) : json_null());
	json_object_set_new(s, "data", or_null(json_object_get(lineage, "data")));
	json_object_set_new(s, "params", or_null(json_object_get(lineage, "params")));
	/* The code version is the run's; a run this workspace does not hold
	 * (an imported model, no workspace) leaves it null. */
	if (run_id && cairn_run_show(ctx, run_id, &run))
		run = NULL;
	json_object_set_new(s, "code", or_null(json_object_get(json_object_get(run, "info"),
								  "code")));
	json_decref(run);
	cairn_error_clear(ctx);
	return s;
}

/* One file of the bundle to write: from disk (src) or memory (data). */
struct item {
	char *path;
	char *src;
	cairn_buf data;
	uint64_t size;
	char sha256[CAIRN_HEX_LEN + 1];
};

static int add_item_file(cairn_ctx *ctx, struct item *it, const char *path, const char *src)
{
	struct stat st;

	it->path = cairn_xstrdup(path);
	it->src = cairn_xstrdup(src);
	cairn_buf_init(&it->data);
	if (stat(src, &st))
		return cairn_error_errno(ctx, "cannot read '%s'", src);
	it->size = (uint64_t)st.st_size;
	return cairn_sha256_file(ctx, src, it->sha256);
}

static void add_item_json(struct item *it, const char *path, const json_t *v)
{
	it->path = cairn_xstrdup(path);
	it->src = NULL;
	cairn_buf_init(&it->data);
	cairn_json_append(&it->data, v, 1);
	cairn_buf_addch(&it->data, '\n');
	it->size = it->data.len;
	cairn_sha256_buf(it->data.buf, it->data.len, it->sha256);
}

/* Writes the archive: the manifest, then the items in order. */
static int write_archive(cairn_ctx *ctx, const struct cairn_bundle_options *o,
			 const struct item *items, size_t n, json_t *manifest,
			 struct cairn_bundle_result *res)
{
	struct cairn__tar_output out;
	cairn_buf text = CAIRN_BUF_INIT;
	int rc;

	if ((rc = cairn__tar_output_begin(ctx, &out, o->out, o->force)))
		goto done;
	cairn_json_append(&text, manifest, 1);
	cairn_buf_addch(&text, '\n');
	if ((rc = cairn__tar_add_data(&out.t, CAIRN_BUNDLE_MANIFEST, text.buf, text.len, 0644)))
		goto fail;
	for (size_t i = 0; i < n; i++) {
		rc = items[i].src ? cairn__tar_add_file(&out.t, items[i].path, items[i].src, 0644,
							items[i].sha256)
				  : cairn__tar_add_data(&out.t, items[i].path, items[i].data.buf,
							items[i].data.len, 0644);
		if (rc)
			goto fail;
	}
	if (!(rc = cairn__tar_output_commit(ctx, &out, res->sha256)))
		res->size = out.t.size;
	goto done;
fail:
	cairn__tar_output_abort(&out);
done:
	cairn_buf_release(&text);
	return rc;
}

int cairn_bundle_write(cairn_ctx *ctx, const struct cairn_bundle_options *o,
		       struct cairn_bundle_result *res)
{
	cairn_buf tmp = CAIRN_BUF_INIT, dir = CAIRN_BUF_INIT, src = CAIRN_BUF_INIT;
	cairn_buf name = CAIRN_BUF_INIT;
	struct cairn_registry_ref r;
	json_t *paths = json_array(), *mlmodel = NULL, *lineage = NULL, *sig = NULL;
	json_t *manifest = NULL, *files = NULL;
	struct item *items = NULL;
	const char **sorted = NULL;
	size_t n = 0, np;
	cairn_model *m = NULL;
	int rc, registered = 0;

	memset(res, 0, sizeof(*res));
	if (cairn_bundle_is_file(o->model)) {
		rc = cairn_error(ctx, CAIRN_EINVAL, "'%s' is a bundle already", o->model);
		goto out;
	}
	if (cairn__registry_is_ref(o->model)) {
		if ((rc = cairn__registry_checkout(ctx, o->model, &tmp, &dir, &r)))
			goto out;
		registered = 1;
	} else if ((rc = cairn__model_fetch(ctx, o->model, &tmp, &dir, NULL))) {
		goto out;
	}
	/* Only a package that loads is bundled. */
	if ((rc = cairn_model_load(ctx, dir.buf, &m)))
		goto out;
	if ((rc = cairn__package_walk(ctx, dir.buf, list_file, paths)))
		goto out;
	mlmodel = package_json(ctx, dir.buf, "MLmodel", 1);
	lineage = package_json(ctx, dir.buf, "lineage.json", 0);
	cairn_error_clear(ctx);
	sig = signature(ctx, mlmodel);
	res->summary = summary(ctx, o->model, registered ? &r : NULL, mlmodel, lineage);
	np = json_array_size(paths);
	sorted = cairn_xcalloc(np + 1, sizeof(*sorted));
	for (size_t i = 0; i < np; i++)
		sorted[i] = json_string_value(json_array_get(paths, i));
	qsort(sorted, np, sizeof(*sorted), by_string);
	items = cairn_xcalloc(np + 2, sizeof(*items));
	for (size_t i = 0; i < np; i++) {
		cairn_buf_reset(&name);
		cairn_buf_addf(&name, "%s%s", CAIRN__BUNDLE_MODEL_DIR, sorted[i]);
		cairn_buf_reset(&src);
		cairn_path_join(&src, dir.buf, sorted[i]);
		rc = add_item_file(ctx, &items[n++], name.buf, src.buf);
		if (rc)
			goto out;
	}
	add_item_json(&items[n++], "signature.json", sig);
	add_item_json(&items[n++], "summary.json", res->summary);
	files = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(files, json_pack("{s:s, s:I, s:s}", "path", items[i].path,
						       "size", (json_int_t)items[i].size,
						       "sha256", items[i].sha256));
	manifest = json_pack("{s:s, s:i, s:s, s:O, s:O}", "format", CAIRN__BUNDLE_FORMAT,
			     "format_version", CAIRN__BUNDLE_VERSION, "cairn_version",
			     cairn_version(), "model", json_object_get(res->summary, "model"),
			     "files", files);
	if ((rc = write_archive(ctx, o, items, n, manifest, res)))
		goto out;
	res->files = n;
	snprintf(res->model, sizeof(res->model), "%s",
		 json_string_value(json_object_get(json_object_get(res->summary, "model"), "ref")));
out:
	for (size_t i = 0; items && i < n; i++) {
		free(items[i].path);
		free(items[i].src);
		cairn_buf_release(&items[i].data);
	}
	free(items);
	free(sorted);
	cairn_model_free(m);
	if (tmp.len)
		cairn_remove_tree(tmp.buf);
	if (rc)
		cairn_bundle_result_release(res);
	json_decref(paths);
	json_decref(mlmodel);
	json_decref(lineage);
	json_decref(sig);
	json_decref(manifest);
	json_decref(files);
	cairn_buf_release(&tmp);
	cairn_buf_release(&dir);
	cairn_buf_release(&src);
	cairn_buf_release(&name);
	return rc;
}

void cairn_bundle_result_release(struct cairn_bundle_result *res)
{
	json_decref(res->summary);
	res->summary = NULL;
}
