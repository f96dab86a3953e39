/* Importing an MLflow xgboost model, a raw XGBoost model or a liblinear
 * model as a cairn model package and a run; see include/cairn/import.h. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "cairn/buf.h"
#include "cairn/error.h"
#include "cairn/import.h"
#include "cairn/model.h"
#include "cairn/run.h"
#include "cairn/value.h"
#include "core/fs.h"
#include "core/json.h"
#include "core/yaml.h"
#include "ml/import-internal.h"
#include "ml/learner.h"
#include "ml/linear.h"
#include "ml/model-internal.h"
#include "ml/preprocess.h"
#include "ml/xgb.h"

#define DEFAULT_EXPERIMENT "imports"
/* liblinear labels in [0, this) are class indexes (see ml/linear.h). */
#define MAX_DIRECT_LABEL 65536

/* What an import has read and built before anything is written. */
struct import {
	const char *format;           /* "mlflow-xgboost", "xgboost-json", ... */
	const struct cairn_algorithm *algo;
	void *model;
	cairn_prep *prep;
	json_t *columns;              /* [{name, type}] in cairn's type names */
	char *target;                 /* the output column's name */
	enum cairn_task task;
	size_t nfeatures;
	int nclasses;
	json_t *classes;              /* classification: class names (strings) */
	json_t *example;              /* the MLflow model's input example, or NULL */
};

static void import_release(struct import *im)
{
	if (im->model && im->algo)
		im->algo->free(im->model);
	cairn_prep_free(im->prep);
	json_decref(im->columns);
	json_decref(im->classes);
	json_decref(im->example);
	free(im->target);
}

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n >= k && !strcmp(s + n - k, suffix);
}

/* cairn's type for an MLflow column type (or one given on the command
 * line); NULL for types that are not one number. */
static const char *column_type(const char *t)
{
	static const char *const map[][2] = {
		{ "double", "float" }, { "float", "float" }, { "long", "int" },
		{ "integer", "int" }, { "int", "int" }, { "boolean", "bool" },
		{ "bool", "bool" }, { "datetime", "datetime" },
	};
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (!strcmp(map[i][0], t))
			return map[i][1];
	return NULL;
}

static int add_column(cairn_ctx *ctx, json_t *cols, const char *name, size_t nlen,
		      const char *type, size_t tlen, const char *what)
{
	char *n = cairn_xstrndup(name, nlen), *t = cairn_xstrndup(type, tlen);
	const char *ct = column_type(t);
	size_t i;
	json_t *c;
	int rc = 0;

	if (!*n)
		rc = cairn_error(ctx, CAIRN_EINVAL, "%s: a column without a name", what);
	else if (!ct)
		rc = cairn_error(ctx, CAIRN_EINVAL, "%s: column '%s' has type '%s'; an imported model"
				 " takes one number per feature (double, float, long, integer,"
				 " boolean or datetime)", what, n, t);
	json_array_foreach(cols, i, c)
		if (!rc && !strcmp(json_string_value(json_object_get(c, "name")), n))
			rc = cairn_error(ctx, CAIRN_EINVAL, "%s: column '%s' is named twice", what, n);
	if (!rc)
		json_array_append_new(cols, json_pack("{s:s, s:s}", "name", n, "type", ct));
	free(n);
	free(t);
	return rc;
}

/* Parses "col:type,col:type,..." into [{name, type}]. */
static int parse_signature(cairn_ctx *ctx, const char *text, json_t **out)
{
	json_t *cols = json_array();
	const char *p = text;
	int rc = 0;

	*out = NULL;
	while (!rc) {
		const char *end = strchr(p, ','), *colon;
		size_t len = end ? (size_t)(end - p) : strlen(p);

		while (len && (*p == ' ' || *p == '\t'))
			p++, len--;
		while (len && (p[len - 1] == ' ' || p[len - 1] == '\t'))
			len--;
		colon = memchr(p, ':', len);
		if (!colon)
			rc = cairn_error(ctx, CAIRN_EINVAL, "signature '%s': '%.*s' is not NAME:TYPE",
					 text, (int)len, p);
		else
			rc = add_column(ctx, cols, p, (size_t)(colon - p), colon + 1,
					len - (size_t)(colon - p) - 1, "signature");
		if (!end)
			break;
		p = end + 1;
	}
	if (rc)
		json_decref(cols);
	else
		*out = cols;
	return rc;
}

/* The signature's column specs: MLflow keeps them as JSON text in YAML. */
static json_t *signature_part(cairn_ctx *ctx, const json_t *mlmodel, const char *part,
			      const char *what)
{
	const json_t *v = json_object_get(json_object_get(mlmodel, "signature"), part);
	json_t *out = NULL;

	if (json_is_string(v)) {
		if (cairn_json_load_text(ctx, what, json_string_value(v), json_string_length(v), &out))
			return NULL;
	} else if (json_is_array(v))
		out = json_incref((json_t *)v);
	else
		cairn_error(ctx, CAIRN_EINVAL, "%s has no signature inputs: give the columns as"
			    " a signature 'col:double,...'", what);
	if (out && !json_is_array(out)) {
		cairn_error(ctx, CAIRN_EPARSE, "%s: the signature's %s are not a list of columns",
			    what, part);
		json_decref(out);
		out = NULL;
	}
	return out;
}

static int mlflow_columns(cairn_ctx *ctx, const json_t *mlmodel, const char *what, json_t **out)
{
	json_t *specs = signature_part(ctx, mlmodel, "inputs", what), *cols = json_array(), *s;
	size_t i;
	int rc = 0;

	*out = NULL;
	if (!specs) {
		json_decref(cols);
		return cairn_errcode(ctx);
	}
	json_array_foreach(specs, i, s) {
		const char *name = json_string_value(json_object_get(s, "name"));
		const char *type = json_string_value(json_object_get(s, "type"));
		if (!type || !strcmp(type, "tensor")) {
			rc = cairn_error(ctx, CAIRN_EINVAL, "%s: the signature is tensor-based; give"
					 " the columns as a signature 'col:double,...'", what);
			break;
		}
		if (!name) {
			rc = cairn_error(ctx, CAIRN_EINVAL, "%s: signature input %zu has no name",
					 what, i + 1);
			break;
		}
		if ((rc = add_column(ctx, cols, name, strlen(name), type, strlen(type), what)))
			break;
	}
	json_decref(specs);
	if (rc)
		json_decref(cols);
	else
		*out = cols;
	return rc;
}

/* The output column's name from an MLflow signature, if it names one. */
static char *mlflow_target(cairn_ctx *ctx, const json_t *mlmodel)
{
	json_t *specs = signature_part(ctx, mlmodel, "outputs", "MLmodel");
	const char *name = json_array_size(specs) == 1
		? json_string_value(json_object_get(json_array_get(specs, 0), "name")) : NULL;
	char *out = name && *name ? cairn_xstrdup(name) : NULL;

	cairn_error_clear(ctx);
	json_decref(specs);
	return out;
}

/* The MLflow model's input_example.json, when it has one: the "split"
 * layout ({columns, data}), bare or inside "dataframe_split" as MLflow's
 * serving example writes it. */
static int mlflow_example(cairn_ctx *ctx, const char *dir, json_t **out)
{
	cairn_buf path = CAIRN_BUF_INIT;
	json_t *ex = NULL, *split;
	struct stat st;
	int rc = 0;

	cairn_path_join(&path, dir, "input_example.json");
	if (stat(path.buf, &st) || (rc = cairn_json_load_file(ctx, path.buf, &ex)))
		goto out;
	split = json_object_get(ex, "dataframe_split");
	if (!split)
		split = ex;
	if (!json_is_array(json_object_get(split, "columns")) ||
	    !json_is_array(json_object_get(split, "data"))) {
		rc = cairn_error(ctx, CAIRN_EPARSE, "'%s' is no input example in the split layout"
				 " ({\"columns\": [...], \"data\": [[...], ...]})", path.buf);
		goto out;
	}
	*out = json_pack("{s:O, s:O}", "columns", json_object_get(split, "columns"), "data",
			 json_object_get(split, "data"));
out:
	json_decref(ex);
	cairn_buf_release(&path);
	return rc;
}

/* Reads the MLflow model directory dir: its xgboost flavor's model file. */
static int read_mlflow(cairn_ctx *ctx, const char *dir, struct import *im, json_t **columns)
{
	cairn_buf path = CAIRN_BUF_INIT, names = CAIRN_BUF_INIT;
	json_t *mlmodel = NULL, *flavors, *xgb, *v;
	const char *data, *key;
	int rc;

	cairn_path_join(&path, dir, "MLmodel");
	if ((rc = cairn_yaml_load_file(ctx, path.buf, &mlmodel))) {
		if (rc == CAIRN_ENOTFOUND)
			rc = cairn_error(ctx, CAIRN_EPARSE, "cannot import '%s': a directory without"
					 " an MLmodel file", dir);
		goto out;
	}
	flavors = json_object_get(mlmodel, "flavors");
	if (json_object_get(flavors, "cairn")) {
		rc = cairn_error(ctx, CAIRN_EINVAL, "'%s' is already a cairn model package: use it"
				 " as a MODELREF directly", dir);
		goto out;
	}
	if (!(xgb = json_object_get(flavors, "xgboost"))) {
		json_object_foreach(flavors, key, v)
			cairn_buf_addf(&names, "%s%s", names.len ? ", " : "", key);
		rc = cairn_error(ctx, CAIRN_EINVAL, "cannot import '%s': unknown format (MLmodel"
				 " flavors: %s); cairn imports the xgboost flavor", dir,
				 names.len ? names.buf : "none");
		goto out;
	}
	if (!(data = json_string_value(json_object_get(xgb, "data"))) || !*data ||
	    strstr(data, "..") || *data == '/') {
		rc = cairn_error(ctx, CAIRN_EPARSE, "'%s': the xgboost flavor has no valid 'data'"
				 " (the model file)", path.buf);
		goto out;
	}
	im->format = "mlflow-xgboost";
	im->target = mlflow_target(ctx, mlmodel);
	if ((columns && (rc = mlflow_columns(ctx, mlmodel, path.buf, columns))) ||
	    (rc = mlflow_example(ctx, dir, &im->example)))
		goto out;
	cairn_buf_reset(&path);
	cairn_path_join(&path, dir, data);
	rc = cairn__xgb_load_file(ctx, path.buf, &im->model);
out:
	json_decref(mlmodel);
	cairn_buf_release(&path);
	cairn_buf_release(&names);
	return rc;
}

/* Tells a raw model file's format from its name and first bytes. */
static int sniff_file(cairn_ctx *ctx, const char *path, const char **format)
{
	char head[16] = { 0 };
	FILE *f = fopen(path, "rb");
	size_t n;

	if (!f)
		return errno == ENOENT ? cairn_error(ctx, CAIRN_ENOTFOUND, "cannot import '%s': no"
						     " such file or directory", path)
				       : cairn_error_errno(ctx, "cannot open '%s'", path);
	n = fread(head, 1, sizeof(head) - 1, f);
	fclose(f);
	if (n >= 12 && !memcmp(head, "solver_type ", 12))
		*format = "liblinear";
	else if (ends_with(path, ".ubj"))
		*format = "xgboost-ubj";
	else if (ends_with(path, ".json") || (n && head[0] == '{'))
		*format = "xgboost-json";
	else if (ends_with(path, ".xgb") || ends_with(path, ".bin") || ends_with(path, ".model"))
		*format = "xgboost-binary";
	else
		return cairn_error(ctx, CAIRN_EPARSE, "cannot import '%s': unknown format (not an"
				   " MLflow model directory, an XGBoost model (.json, .ubj, .xgb) or"
				   " a liblinear model file)", path);
	return 0;
}

/* Splits "a,b,c" into an array of strings. */
static int parse_labels(cairn_ctx *ctx, const char *text, json_t **out)
{
	json_t *a = json_array();
	const char *p = text;

	for (;;) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		if (!len) {
			json_decref(a);
			return cairn_error(ctx, CAIRN_EINVAL, "labels '%s' have an empty"
					   " label", text);
		}
		json_array_append_new(a, json_stringn(p, len));
		if (!end)
			break;
		p = end + 1;
	}
	*out = a;
	return 0;
}

static int cmp_label(const char *a, const char *b, int numeric)
{
	if (numeric) {
		double x = strtod(a, NULL), y = strtod(b, NULL);
		return x < y ? -1 : x > y;
	}
	return strcmp(a, b);
}

/* The target's type for these labels, after checking that they are in
 * cairn's class order (which preprocessing relies on). */
static int label_type(cairn_ctx *ctx, const json_t *classes, const char **type)
{
	int numeric = 1, integer = 1;
	size_t i, n = json_array_size(classes);
	json_t *c;

	json_array_foreach(classes, i, c) {
		const char *s = json_string_value(c);
		double d;
		int64_t k;
		if (!cairn_parse_float(s, strlen(s), &d))
			numeric = integer = 0;
		else if (!cairn_parse_int(s, strlen(s), &k))
			integer = 0;
	}
	for (i = 1; i < n; i++) {
		const char *a = json_string_value(json_array_get(classes, i - 1));
		const char *b = json_string_value(json_array_get(classes, i));
		int d = cmp_label(a, b, numeric);
		if (d == 0)
			return cairn_error(ctx, CAIRN_EINVAL, "the list of labels names '%s' twice", b);
		if (d > 0)
			return cairn_error(ctx, CAIRN_EINVAL, "labels must be in ascending"
					   " order%s, class 0 first ('%s' comes after '%s')",
					   numeric ? " of value" : "", b, a);
	}
	*type = integer ? "integer" : numeric ? "float" : "string";
	return 0;
}

/* The class names of a liblinear classifier without given labels. */
static json_t *linear_classes(const struct cairn__linear_info *li)
{
	json_t *a = json_array();
	int direct = 1;
	char s[32];

	for (int j = 0; j < li->nr_class; j++)
		if (li->labels[j] < 0 || li->labels[j] >= MAX_DIRECT_LABEL)
			direct = 0;
	if (direct) {
		for (int c = 0; c < li->nclasses; c++) {
			snprintf(s, sizeof(s), "%d", c);
			json_array_append_new(a, json_string(s));
		}
		return a;
	}
	/* Class c is the label of rank c. */
	for (int c = 0; c < li->nr_class; c++)
		for (int j = 0; j < li->nr_class; j++) {
			int rank = 0;
			for (int i = 0; i < li->nr_class; i++)
				rank += li->labels[i] < li->labels[j];
			if (rank == c) {
				snprintf(s, sizeof(s), "%d", li->labels[j]);
				json_array_append_new(a, json_string(s));
			}
		}
	return a;
}

/* Composes the pass-through preprocessing spec and reads it back. */
static int build_prep(cairn_ctx *ctx, struct import *im)
{
	json_t *spec = json_object(), *cols = json_array(), *features = json_array(), *c;
	const char *ttype = "float";
	size_t i;
	int rc = 0;

	if (im->task == CAIRN_TASK_CLASSIFICATION && (rc = label_type(ctx, im->classes, &ttype)))
		goto out;
	json_array_foreach(im->columns, i, c) {
		json_array_append_new(cols, json_pack("{s:O, s:O, s:s, s:f, s:f, s:f}",
			"name", json_object_get(c, "name"), "type", json_object_get(c, "type"),
			"encoding", "numeric", "impute", 0.0, "mean", 0.0, "std", 1.0));
		json_array_append(features, json_object_get(c, "name"));
	}
	json_object_set_new(spec, "version", json_integer(1));
	json_object_set_new(spec, "task", json_string(cairn_task_name(im->task)));
	json_object_set_new(spec, "scale", json_false());
	json_object_set_new(spec, "keep_missing", json_boolean(im->algo->handles_missing));
	c = json_pack("{s:s, s:s}", "name", im->target ? im->target : "target", "type", ttype);
	if (im->task == CAIRN_TASK_CLASSIFICATION)
		json_object_set(c, "classes", im->classes);
	json_object_set_new(spec, "target", c);
	json_object_set_new(spec, "columns", cols);
	json_object_set_new(spec, "features", features);
	cols = features = NULL;
	rc = cairn_prep_from_json(ctx, spec, &im->prep);
out:
	json_decref(cols);
	json_decref(features);
	json_decref(spec);
	return rc;
}

/* Reads o->path and builds everything the package needs. */
static int prepare(cairn_ctx *ctx, const struct cairn_import_options *o, struct import *im)
{
	json_t *mlflow_cols = NULL;
	struct stat st;
	int rc;

	memset(im, 0, sizeof(*im));
	if (stat(o->path, &st))
		return errno == ENOENT ? cairn_error(ctx, CAIRN_ENOTFOUND, "cannot import '%s': no"
						     " such file or directory", o->path)
				       : cairn_error_errno(ctx, "cannot import '%s'", o->path);
	if (S_ISDIR(st.st_mode)) {
		im->algo = cairn_algorithm_find("xgboost");
		if ((rc = read_mlflow(ctx, o->path, im, o->signature ? NULL : &mlflow_cols)))
			goto out;
	} else {
		if ((rc = sniff_file(ctx, o->path, &im->format)))
			goto out;
		if (!o->signature) {
			rc = cairn_error(ctx, CAIRN_EINVAL, "importing a model file needs its input"
					 " columns: a signature 'col:double,col:double,...'");
			goto out;
		}
		if (!strcmp(im->format, "liblinear")) {
			struct cairn__linear_info li;
			if ((rc = cairn__linear_load_file(ctx, o->path, &im->model)))
				goto out;
			cairn__linear_info(im->model, &li);
			im->algo = cairn_algorithm_find(li.algorithm);
			im->task = li.task;
			im->nfeatures = (size_t)li.nr_feature;
			im->nclasses = li.nclasses;
			if (im->task == CAIRN_TASK_CLASSIFICATION && !o->labels)
				im->classes = linear_classes(&li);
		} else {
			im->algo = cairn_algorithm_find("xgboost");
			if ((rc = cairn__xgb_load_file(ctx, o->path, &im->model)))
				goto out;
		}
	}
	if (im->algo && !strcmp(im->algo->name, "xgboost")) {
		struct cairn__xgb_info xi;
		cairn__xgb_info(im->model, &xi);
		im->task = xi.task;
		im->nfeatures = xi.nfeatures;
		im->nclasses = xi.nclasses;
	}
	if (!im->algo) {
		rc = cairn_error(ctx, CAIRN_EINTERNAL, "no algorithm for the imported model");
		goto out;
	}
	if (o->signature) {
		if ((rc = parse_signature(ctx, o->signature, &im->columns)))
			goto out;
	} else {
		im->columns = mlflow_cols;
		mlflow_cols = NULL;
	}
	if (json_array_size(im->columns) != im->nfeatures) {
		rc = cairn_error(ctx, CAIRN_EINVAL, "the signature names %zu column%s, the model in"
				 " '%s' takes %zu feature%s", json_array_size(im->columns),
				 json_array_size(im->columns) == 1 ? "" : "s", o->path, im->nfeatures,
				 im->nfeatures == 1 ? "" : "s");
		goto out;
	}
	if (im->task == CAIRN_TASK_CLASSIFICATION) {
		if (o->labels) {
			json_decref(im->classes);
			im->classes = NULL;
			if ((rc = parse_labels(ctx, o->labels, &im->classes)))
				goto out;
			if (json_array_size(im->classes) != (size_t)im->nclasses) {
				rc = cairn_error(ctx, CAIRN_EINVAL, "the list of labels names %zu classes,"
						 " the model has %d", json_array_size(im->classes),
						 im->nclasses);
				goto out;
			}
		} else if (!im->classes) {
			im->classes = json_array();
			for (int c = 0; c < im->nclasses; c++) {
				char s[16];
				snprintf(s, sizeof(s), "%d", c);
				json_array_append_new(im->classes, json_string(s));
			}
		}
	} else if (o->labels) {
		rc = cairn_error(ctx, CAIRN_EINVAL, "labels are for classifiers; the model in"
				 " '%s' does %s", o->path, cairn_task_name(im->task));
		goto out;
	}
	rc = build_prep(ctx, im);
out:
	json_decref(mlflow_cols);
	return rc;
}

static json_t *summary(const struct cairn_import_options *o, const struct import *im)
{
	json_t *s = json_pack("{s:s, s:s, s:s, s:s, s:O}", "source", o->path, "format", im->format,
			      "algorithm", im->algo->name, "task", cairn_task_name(im->task),
			      "features", im->columns);
	if (im->classes)
		json_object_set(s, "classes", im->classes);
	return s;
}

static int write_package(cairn_ctx *ctx, const struct cairn_import_options *o,
			 const struct import *im, const char *run_id, const char *dir)
{
	struct cairn_model_info info = { 0 };
	json_t *lineage = json_pack("{s:s, s:s, s:s}", "source", o->path, "format", im->format,
				    "algorithm", im->algo->name);
	int rc;

	if (run_id)
		json_object_set_new(lineage, "run_id", json_string(run_id));
	info.algo = im->algo;
	info.model = im->model;
	info.prep = im->prep;
	info.run_id = run_id;
	info.lineage = lineage;
	info.input_example = im->example;
	rc = cairn_model_save(ctx, &info, dir);
	json_decref(lineage);
	return rc;
}

int cairn__import_package(cairn_ctx *ctx, const struct cairn_import_options *o,
			  const char *run_id, const char *dir, json_t **out)
{
	struct import im;
	int rc;

	if (out)
		*out = NULL;
	if (!(rc = prepare(ctx, o, &im)) && !(rc = write_package(ctx, o, &im, run_id, dir)) && out)
		*out = summary(o, &im);
	import_release(&im);
	return rc;
}

static const char *base_name(const char *path, cairn_buf *b)
{
	const char *s;

	cairn_buf_adds(b, path);
	while (b->len > 1 && b->buf[b->len - 1] == '/')
		cairn_buf_setlen(b, b->len - 1);
	s = strrchr(b->buf, '/');
	return s && s[1] ? s + 1 : b->buf;
}

int cairn_import(cairn_ctx *ctx, const struct cairn_import_options *o,
		 struct cairn_import_result *res)
{
	struct cairn_run_options ro = { 0 };
	cairn_buf tmp = CAIRN_BUF_INIT, dir = CAIRN_BUF_INIT, name = CAIRN_BUF_INIT;
	cairn_run *run = NULL;
	struct import im;
	int rc;

	memset(res, 0, sizeof(*res));
	if ((rc = prepare(ctx, o, &im)))
		goto out;
	ro.experiment = o->experiment ? o->experiment : DEFAULT_EXPERIMENT;
	ro.name = o->name ? o->name : base_name(o->path, &name);
	if ((rc = cairn_run_start(ctx, &ro, &run)))
		goto out;
	snprintf(res->run_id, sizeof(res->run_id), "%s", cairn_run_id(run));
	if ((rc = cairn_make_temp_dir(ctx, "cairn-import", &tmp))) {
		cairn_buf_reset(&tmp);
	} else {
		cairn_path_join(&dir, tmp.buf, "model");
		if (!(rc = cairn_run_log_param(run, "source", o->path)) &&
		    !(rc = cairn_run_log_param(run, "format", im.format)) &&
		    !(rc = cairn_run_log_param(run, "algorithm", im.algo->name)) &&
		    !(rc = write_package(ctx, o, &im, res->run_id, dir.buf)))
			rc = cairn_run_log_artifact(run, dir.buf, "model");
		cairn_remove_tree(tmp.buf);
	}
	if (rc) {
		/* Keep the message: ending the run must not overwrite it. */
		cairn_buf msg = CAIRN_BUF_INIT;
		cairn_buf_adds(&msg, cairn_errmsg(ctx));
		cairn_run_end(run, CAIRN_RUN_FAILED, msg.buf);
		cairn_error(ctx, rc, "%s", msg.buf);
		cairn_buf_release(&msg);
	} else if (!(rc = cairn_run_end(run, CAIRN_RUN_FINISHED, NULL))) {
		res->summary = summary(o, &im);
		json_object_set_new(res->summary, "run_id", json_string(res->run_id));
	}
out:
	import_release(&im);
	cairn_run_free(run);
	cairn_buf_release(&tmp);
	cairn_buf_release(&dir);
	cairn_buf_release(&name);
	return rc;
}
