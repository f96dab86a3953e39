/* The model package: writing, loading, resolving a MODELREF and predicting;
 * see include/cairn/model.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "cairn/buf.h"
#include "cairn/error.h"
#include "cairn/id.h"
#include "cairn/model.h"
#include "cairn/run.h"
#include "cairn/version.h"
#include "core/alloc.h"
#include "core/fs.h"
#include "core/json.h"
#include "core/yaml.h"
#include "ml/algorithms.h"
#include "ml/ensemble.h"
#include "ml/model-internal.h"
#include "ml/xgb-loader.h"

/* The MLflow release whose model format the MLmodel file follows, and the
 * Python that its python_function flavor names (Debian 12's python3). */
#define CAIRN_MLFLOW_VERSION "2.9.2"
#define CAIRN_MLFLOW_PYTHON "3.11.2"

struct cairn_model {
	const struct cairn_algorithm *algo;
	void *learner;
	cairn_prep *prep;
	json_t *manifest;
	json_t *example;    /* input_example.json, or NULL */
	json_t *lineage;    /* lineage.json, or NULL */
};

/* MLflow's column types for cairn's value types. */
static const char *mlflow_type(const char *cairn_type)
{
	static const char *const map[][2] = {
		{ "float", "double" }, { "integer", "long" }, { "boolean", "boolean" },
		{ "string", "string" }, { "datetime", "datetime" },
	};
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (!strcmp(map[i][0], cairn_type))
			return map[i][1];
	return "string";
}

/* What MLflow's pyfunc loader of the xgboost flavor returns, Booster.predict:
 * float32 values, one per row (regression, binary classification: the
 * probability of the second class) or one per class. */
static json_t *booster_outputs(const cairn_prep *p)
{
	int k = cairn_prep_nclasses(p);
	json_t *shape = k > 2 ? json_pack("[i, i]", -1, k) : json_pack("[i]", -1);

	return json_pack("[{s:s, s:{s:s, s:o}}]", "type", "tensor", "tensor-spec", "dtype", "float32",
			 "shape", shape);
}

static json_t *signature(const cairn_prep *p, int booster)
{
	json_t *inputs = json_array(), *in = cairn_prep_inputs(p), *c, *out;
	cairn_buf a = CAIRN_BUF_INIT, b = CAIRN_BUF_INIT;
	const char *otype;
	size_t i;

	json_array_foreach(in, i, c)
		json_array_append_new(inputs, json_pack("{s:s, s:s, s:b}",
			"name", json_string_value(json_object_get(c, "name")),
			"type", mlflow_type(json_string_value(json_object_get(c, "type"))),
			"required", 1));
	json_decref(in);
	switch (cairn_prep_task(p)) {
	case CAIRN_TASK_REGRESSION: otype = "double"; break;
	case CAIRN_TASK_CLUSTERING: otype = "long"; break;
	default: otype = "string"; break;
	}
	/* Without a pyfunc flavor, what cairn predict writes: the label. */
	out = booster ? booster_outputs(p) :
	      json_pack("[{s:s, s:s, s:b}]", "name", "prediction", "type", otype, "required", 1);
	/* MLflow keeps the column specs as JSON text inside the YAML. */
	cairn_json_append(&a, inputs, 0);
	cairn_json_append(&b, out, 0);
	json_decref(inputs);
	json_decref(out);
	c = json_pack("{s:s, s:s, s:n}", "inputs", a.buf, "outputs", b.buf, "params");
	cairn_buf_release(&a);
	cairn_buf_release(&b);
	return c;
}

static void random_hex(char *out, size_t nbytes)
{
	unsigned char r[32];

	if (nbytes > sizeof(r) || getrandom(r, nbytes, 0) != (ssize_t)nbytes)
		for (size_t i = 0; i < nbytes; i++)
			r[i] = (unsigned char)(cairn_now_ms() >> (i % 8) ^ (i * 131));
	for (size_t i = 0; i < nbytes; i++)
		snprintf(out + 2 * i, 3, "%02x", r[i]);
}

/* 1 when the package has MLflow's xgboost and python_function flavors. */
static int is_booster(const struct cairn_model_info *info)
{
	return !strcmp(info->algo->name, "xgboost") || !strcmp(info->algo->name, "random_forest");
}

/*
 * The environment files of MLflow's python_function flavor, as mlflow
 * writes them: conda.yaml, python_env.yaml and requirements.txt, pinning
 * the xgboost that wrote the model file and the MLflow release whose model
 * format this is.
 */
static int write_env_files(cairn_ctx *ctx, const char *dir, const char *xgb_version)
{
	static const char *const names[] = { "conda.yaml", "python_env.yaml", "requirements.txt" };
	cairn_buf text[3] = { CAIRN_BUF_INIT, CAIRN_BUF_INIT, CAIRN_BUF_INIT };
	cairn_buf path = CAIRN_BUF_INIT;
	int rc = 0;

	cairn_buf_addf(&text[0], "channels:\n- conda-forge\ndependencies:\n- python=%s\n- pip\n"
		       "- pip:\n  - mlflow==%s\n  - xgboost==%s\nname: mlflow-env\n",
		       CAIRN_MLFLOW_PYTHON, CAIRN_MLFLOW_VERSION, xgb_version);
	cairn_buf_addf(&text[1], "python: %s\nbuild_dependencies:\n- pip\n- setuptools\n- wheel\n"
		       "dependencies:\n- -r requirements.txt\n", CAIRN_MLFLOW_PYTHON);
	cairn_buf_addf(&text[2], "mlflow==%s\nxgboost==%s\n", CAIRN_MLFLOW_VERSION, xgb_version);
	for (size_t i = 0; i < 3; i++) {
		cairn_buf_reset(&path);
		cairn_path_join(&path, dir, names[i]);
		if (!rc)
			rc = cairn_write_file_atomic(ctx, path.buf, text[i].buf, text[i].len, 0644);
		cairn_buf_release(&text[i]);
	}
	cairn_buf_release(&path);
	return rc;
}

/* The version of the loaded libxgboost, "1.7.4", into v. */
static int xgb_version(cairn_ctx *ctx, char *v, size_t size)
{
	const struct cairn__xgb_api *api;
	int major, minor, patch, rc;

	if ((rc = cairn__xgb(ctx, "packaging an xgboost model", &api)))
		return rc;
	api->version(&major, &minor, &patch);
	snprintf(v, size, "%d.%d.%d", major, minor, patch);
	return 0;
}

static json_t *manifest(const struct cairn_model_info *info, json_t *files, const char *xgb)
{
	char uuid[65], t[32];
	json_t *flavors, *m;
	time_t now = (time_t)(cairn_now_ms() / 1000);
	struct tm tm;

	random_hex(uuid, 16);
	gmtime_r(&now, &tm);
	strftime(t, sizeof(t), "%Y-%m-%d %H:%M:%S", &tm);
	flavors = json_pack("{s:{s:s, s:s, s:O, s:s, s:s}}", "cairn",
			    "algorithm", info->algo->name,
			    "task", cairn_task_name(cairn_prep_task(info->prep)),
			    "model_files", files,
			    "preprocess", "preprocess.json",
			    "cairn_version", cairn_version());
	if (xgb) {
		/* MLflow's xgboost flavor loads model.json as a Booster: exact for
		 * numeric features, which reach the booster unchanged. */
		json_object_set_new(flavors, "xgboost", json_pack("{s:n, s:s, s:s, s:s, s:s}",
			"code", "data", "model.json", "model_class", "xgboost.core.Booster",
			"model_format", "json", "xgb_version", xgb));
		json_object_set_new(flavors, "python_function", json_pack(
			"{s:s, s:{s:s, s:s}, s:s, s:s}", "data", "model.json", "env",
			"conda", "conda.yaml", "virtualenv", "python_env.yaml",
			"loader_module", "mlflow.xgboost", "python_version", CAIRN_MLFLOW_PYTHON));
	}
	m = json_pack("{s:s, s:o, s:s, s:o, s:s}", "artifact_path", "model", "flavors", flavors,
		      "model_uuid", uuid, "signature", signature(info->prep, xgb != NULL),
		      "utc_time_created", t);
	if (info->input_example)
		json_object_set_new(m, "saved_input_example_info", json_pack("{s:s, s:s, s:s}",
			"artifact_path", CAIRN_MODEL_EXAMPLE_FILE, "type", "dataframe",
			"pandas_orient", "split"));
	if (xgb)
		json_object_set_new(m, "mlflow_version", json_string(CAIRN_MLFLOW_VERSION));
	json_object_set_new(m, "run_id", info->run_id ? json_string(info->run_id) : json_null());
	return m;
}

static int write_json(cairn_ctx *ctx, const char *dir, const char *name, const json_t *v)
{
	return cairn__model_write_json(ctx, dir, name, v, NULL);
}

int cairn_model_save(cairn_ctx *ctx, const struct cairn_model_info *info, const char *dir)
{
	cairn_buf tmp = CAIRN_BUF_INIT, path = CAIRN_BUF_INIT, yaml = CAIRN_BUF_INIT;
	json_t *files = json_array(), *m = NULL, *prep = cairn_prep_json(info->prep);
	char xgb[64] = "";
	struct stat st;
	int rc;

	if (!stat(dir, &st)) {
		rc = cairn_error(ctx, CAIRN_EEXIST, "'%s' already exists", dir);
		goto out;
	}
	cairn_buf_addf(&tmp, "%s.tmp-XXXXXX", dir);
	if (!mkdtemp(tmp.buf)) {
		rc = cairn_error_errno(ctx, "cannot create a directory beside '%s'", dir);
		goto out;
	}
	if ((rc = info->algo->save(ctx, info->model, tmp.buf, files)) ||
	    (rc = write_json(ctx, tmp.buf, "preprocess.json", prep)) ||
	    (info->metrics && (rc = write_json(ctx, tmp.buf, "metrics.json", info->metrics))) ||
	    (info->profile && (rc = write_json(ctx, tmp.buf, "profile.json", info->profile))) ||
	    (info->lineage && (rc = write_json(ctx, tmp.buf, "lineage.json", info->lineage))) ||
	    (info->params && (rc = write_json(ctx, tmp.buf, "params.json", info->params))) ||
	    (info->input_example &&
	     (rc = write_json(ctx, tmp.buf, CAIRN_MODEL_EXAMPLE_FILE, info->input_example))))
		goto fail;
	if (is_booster(info) && ((rc = xgb_version(ctx, xgb, sizeof(xgb))) ||
				 (rc = write_env_files(ctx, tmp.buf, xgb))))
		goto fail;
	m = manifest(info, files, is_booster(info) ? xgb : NULL);
	cairn_yaml_append(&yaml, m);
	cairn_path_join(&path, tmp.buf, "MLmodel");
	if ((rc = cairn_write_file_atomic(ctx, path.buf, yaml.buf, yaml.len, 0644)))
		goto fail;
	if (rename(tmp.buf, dir)) {
		rc = cairn_error_errno(ctx, "cannot move the package to '%s'", dir);
		goto fail;
	}
	goto out;
fail:
	cairn_remove_tree(tmp.buf);
out:
	json_decref(files);
	json_decref(m);
	json_decref(prep);
	cairn_buf_release(&tmp);
	cairn_buf_release(&path);
	cairn_buf_release(&yaml);
	return rc;
}

/* A JSON file of the package that may be missing (*out stays NULL). */
static int load_optional(cairn_ctx *ctx, const char *dir, const char *name, json_t **out)
{
	cairn_buf path = CAIRN_BUF_INIT;
	struct stat st;
	int rc = 0;

	cairn_path_join(&path, dir, name);
	if (!stat(path.buf, &st))
		rc = cairn_json_load_file(ctx, path.buf, out);
	cairn_buf_release(&path);
	return rc;
}

void cairn_model_free(cairn_model *m)
{
	if (!m)
		return;
	if (m->learner)
		m->algo->free(m->learner);
	cairn_prep_free(m->prep);
	json_decref(m->manifest);
	json_decref(m->example);
	json_decref(m->lineage);
	free(m);
}

int cairn_model_load(cairn_ctx *ctx, const char *dir, cairn_model **out)
{
	cairn_buf path = CAIRN_BUF_INIT;
	cairn_model *m = calloc(1, sizeof(*m));
	json_t *spec = NULL;
	const char *algo;
	int rc;

	*out = NULL;
	if (!m)
		return cairn_error(ctx, CAIRN_ENOMEM, "out of memory");
	cairn_path_join(&path, dir, "MLmodel");
	if ((rc = cairn_yaml_load_file(ctx, path.buf, &m->manifest)))
		goto fail;
	algo = json_string_value(json_object_get(json_object_get(json_object_get(m->manifest, "flavors"),
								 "cairn"), "algorithm"));
	if (!algo) {
		rc = cairn_error(ctx, CAIRN_EPARSE, "'%s' has no cairn flavor (flavors: cairn:"
				 " algorithm:): import it with 'cairn models import'", path.buf);
		goto fail;
	}
	if (!(m->algo = cairn_algorithm_find(algo))) {
		rc = cairn_error(ctx, CAIRN_EPARSE, "'%s' names an unknown algorithm '%s'", path.buf, algo);
		goto fail;
	}
	cairn_buf_reset(&path);
	cairn_path_join(&path, dir, "preprocess.json");
	if ((rc = cairn_json_load_file(ctx, path.buf, &spec)) ||
	    (rc = cairn_prep_from_json(ctx, spec, &m->prep)) ||
	    (rc = m->algo->load(ctx, dir, &m->learner)) ||
	    (rc = load_optional(ctx, dir, CAIRN_MODEL_EXAMPLE_FILE, &m->example)) ||
	    (rc = load_optional(ctx, dir, "lineage.json", &m->lineage)))
		goto fail;
	*out = m;
	goto out;
fail:
	cairn_error_prefix(ctx, "cannot load the model in '%s'", dir);
	cairn_model_free(m);
out:
	json_decref(spec);
	cairn_buf_release(&path);
	return rc;
}

int cairn__model_open_filled(cairn_ctx *ctx, cairn__model_fill_fn *fill, void *arg,
			     cairn_model **out)
{
	cairn_buf tmp = CAIRN_BUF_INIT, pkg = CAIRN_BUF_INIT;
	int rc;

	*out = NULL;
	if ((rc = cairn_make_temp_dir(ctx, "cairn-model", &tmp)))
		goto out;
	cairn_path_join(&pkg, tmp.buf, "model");
	if (!(rc = fill(ctx, pkg.buf, arg)))
		rc = cairn_model_load(ctx, pkg.buf, out);
	cairn_remove_tree(tmp.buf);
out:
	cairn_buf_release(&tmp);
	cairn_buf_release(&pkg);
	return rc;
}

int cairn__model_fetch(cairn_ctx *ctx, const char *ref, cairn_buf *tmp, cairn_buf *dir,
		       char run_id[CAIRN_ID_LEN + 1])
{
	cairn_buf manifest = CAIRN_BUF_INIT, run = CAIRN_BUF_INIT;
	const char *slash = strchr(ref, '/');
	struct stat st;
	int rc;

	if (run_id)
		*run_id = '\0';
	cairn_path_join(&manifest, ref, "MLmodel");
	if (!stat(manifest.buf, &st)) {
		cairn_buf_adds(dir, ref);
		rc = 0;
		goto out;
	}
	/* A path (no run id starts so) names a directory only. */
	if (*ref == '/' || !strncmp(ref, "./", 2) || !strncmp(ref, "../", 3)) {
		rc = stat(ref, &st) ? cairn_error_errno(ctx, "no model package '%s'", ref)
				    : cairn_error(ctx, CAIRN_ENOTFOUND, "no model package '%s':"
						  " it holds no MLmodel", ref);
		goto out;
	}
	/* RUN or RUN/PATH: the package logged by a run. */
	cairn_buf_add(&run, ref, slash ? (size_t)(slash - ref) : strlen(ref));
	if ((rc = cairn_make_temp_dir(ctx, "cairn-model", tmp)))
		goto out;
	cairn_path_join(dir, tmp->buf, "model");
	rc = cairn_run_get_artifact(ctx, run.buf, slash ? slash + 1 : "model", dir->buf, 0);
	if (rc == CAIRN_ENOTFOUND && !slash && stat(ref, &st))
		cairn_error_prefix(ctx, "no model '%s' (a package directory, a run id or RUN/PATH)", ref);
	if (!rc && run_id)
		rc = cairn_run_resolve(ctx, run.buf, run_id);
out:
	cairn_buf_release(&manifest);
	cairn_buf_release(&run);
	return rc;
}

int cairn_model_open(cairn_ctx *ctx, const char *ref, cairn_model **out)
{
	cairn_buf tmp = CAIRN_BUF_INIT, dir = CAIRN_BUF_INIT;
	int rc;

	*out = NULL;
	if (!(rc = cairn__model_fetch(ctx, ref, &tmp, &dir, NULL)))
		rc = cairn_model_load(ctx, dir.buf, out);
	if (*tmp.buf)
		cairn_remove_tree(tmp.buf);
	cairn_buf_release(&tmp);
	cairn_buf_release(&dir);
	return rc;
}

const struct cairn_algorithm *cairn_model_algorithm(const cairn_model *m) { return m->algo; }
const cairn_prep *cairn_model_prep(const cairn_model *m) { return m->prep; }
const void *cairn_model_learner(const cairn_model *m) { return m->learner; }
const json_t *cairn_model_manifest(const cairn_model *m) { return m->manifest; }
const json_t *cairn_model_input_example(const cairn_model *m) { return m->example; }
const json_t *cairn_model_lineage(const cairn_model *m) { return m->lineage; }

int cairn_model_nclasses(const cairn_model *m)
{
	return m->prep ? cairn_prep_nclasses(m->prep) : 0;
}

const char *cairn_model_class(const cairn_model *m, int i)
{
	return i >= 0 && i < cairn_model_nclasses(m) ? cairn_prep_class(m->prep, i) : NULL;
}

/* Predicts with the algorithm's predict, or its predict_reference (the
 * library, ml/native.h) when reference is set and it has one. */
static int predict(cairn_ctx *ctx, const cairn_model *m, const struct cairn_frame *f,
		   const size_t *rows, size_t nrows, int reference, double **out,
		   size_t *noutputs)
{
	int (*fn)(cairn_ctx *ctx, const void *model, const struct cairn_matrix *x, double *out);
	struct cairn_matrix x = { 0 };
	int rc;

	*out = NULL;
	if (!rows)
		nrows = f->nrows;
	*noutputs = m->algo->outputs(m->learner);
	if (cairn__is_ensemble(m->algo)) {
		/* Each member applies its own preprocessing to the rows. */
		*out = cairn_xmalloc((nrows ? nrows : 1) * *noutputs * sizeof(double));
		if ((rc = cairn__ensemble_predict(ctx, m->learner, f, rows, nrows, reference,
						  *out))) {
			free(*out);
			*out = NULL;
		}
		return rc;
	}
	fn = reference && m->algo->predict_reference ? m->algo->predict_reference
						       : m->algo->predict;
	if ((rc = cairn_prep_transform(ctx, m->prep, f, rows, nrows, &x, NULL)))
		return rc;
	if (!(*out = cairn__alloc_data((nrows ? nrows : 1) * *noutputs * sizeof(double))))
		rc = cairn_error(ctx, CAIRN_ENOMEM, "out of memory for %zu predictions", nrows);
	else if ((rc = fn(ctx, m->learner, &x, *out))) {
		free(*out);
		*out = NULL;
	}
	free(x.v);
	return rc;
}

int cairn_model_predict(cairn_ctx *ctx, const cairn_model *m, const struct cairn_frame *f,
			const size_t *rows, size_t nrows, double **out, size_t *noutputs)
{
	return predict(ctx, m, f, rows, nrows, 0, out, noutputs);
}

int cairn__model_predict_reference(cairn_ctx *ctx, const cairn_model *m,
				   const struct cairn_frame *f, const size_t *rows, size_t nrows,
				   double **out, size_t *noutputs)
{
	return predict(ctx, m, f, rows, nrows, 1, out, noutputs);
}

int cairn_model_check_order(cairn_ctx *ctx, const cairn_model *m, const struct cairn_frame *f)
{
	json_t *in = cairn_prep_inputs(m->prep), *c;
	cairn_buf order = CAIRN_BUF_INIT;
	const char *prev = NULL;
	int last = -1, rc = 0;
	size_t i;

	/* Rows of JSON objects have no column order to keep. */
	if (f->format == CAIRN_FORMAT_JSONL) {
		json_decref(in);
		return 0;
	}
	json_array_foreach(in, i, c)
		cairn_buf_addf(&order, "%s%s", i ? ", " : "",
			       json_string_value(json_object_get(c, "name")));
	json_array_foreach(in, i, c) {
		const char *name = json_string_value(json_object_get(c, "name"));
		int at = cairn_frame_col(f, name);
		if (at < 0)
			continue;
		if (at < last) {
			rc = cairn_error(ctx, CAIRN_EPARSE, "column '%s' of '%s' comes before '%s': "
					 "the model takes its columns in the order %s", name,
					 f->name, prev, order.buf);
			break;
		}
		last = at;
		prev = name;
	}
	cairn_buf_release(&order);
	json_decref(in);
	return rc;
}
