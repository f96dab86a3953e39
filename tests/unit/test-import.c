/* Unit tests for importing models trained elsewhere (src/ml/import.c): a
 * liblinear model file and an MLflow xgboost directory become packages that
 * predict what the original models do; bad inputs are refused naming the
 * file or the field. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include "cairn/buf.h"
#include "cairn/error.h"
#include "cairn/frame.h"
#include "cairn/import.h"
#include "cairn/model.h"
#include "cairn/run.h"
#include "cairn/workspace.h"
#include "core/fs.h"
#include "core/json.h"
#include "ml/import-internal.h"
#include "tests/unit/ml-fixture.h"
#include "tests/unit/learner-test.h"
#include "tests/unit/suites.h"

#define ROWS 45
/* A liblinear model file holds no multi_class and imports as one-vs-rest:
 * the models to compare with are fitted so. */
#define OVR "multi_class=ovr"

/* ROWS rows of 2 features: three blobs (y the blob) for a classifier, or
 * y = 3a - 2b + 1 for a regressor. */
static struct cairn_matrix make_data(int regression, double *y)
{
	double v[ROWS * 2];

	for (size_t i = 0; i < ROWS; i++) {
		int c = (int)(i % 3);
		v[2 * i] = (c == 1 ? 3 : 0) + ((double)((i * 7) % 5) - 2) * 0.37;
		v[2 * i + 1] = (c == 2 ? 3 : 0) + ((double)((i * 3) % 5) - 2) * 0.29;
		y[i] = regression ? 3 * v[2 * i] - 2 * v[2 * i + 1] + 1 : c;
	}
	return lt_matrix(v, ROWS, 2);
}

/* The matrix as CSV text with columns a and b; each float is printed so
 * that it reads back as the same float. */
static struct cairn_frame *frame_of(cairn_ctx *ctx, const struct cairn_matrix *x)
{
	cairn_buf b = CAIRN_BUF_INIT;
	struct cairn_frame *f = NULL;

	cairn_buf_adds(&b, "a,b\n");
	for (size_t i = 0; i < x->rows; i++)
		cairn_buf_addf(&b, "%.9g,%.9g\n", x->v[2 * i], x->v[2 * i + 1]);
	CHECK_OK(ctx, cairn_frame_load_mem(ctx, b.buf, b.len, "x.csv", NULL, &f));
	cairn_buf_release(&b);
	return f;
}

static void write_text(const char *path, const char *text)
{
	cairn_ctx *ctx = cairn_ctx_new();

	CHECK_OK(ctx, cairn_write_file_atomic(ctx, path, text, strlen(text), 0644));
	cairn_ctx_free(ctx);
}

/* Fits algo on make_data and saves its model file(s) into dir. */
static void *fit_and_save(cairn_ctx *ctx, const char *algo, const char *params, int regression,
			  const char *dir, struct cairn_matrix *x)
{
	double y[ROWS];
	struct cairn_train_data d = { 0 };
	void *model = NULL;

	*x = make_data(regression, y);
	d.x = x;
	d.y = y;
	d.task = regression ? CAIRN_TASK_REGRESSION : CAIRN_TASK_CLASSIFICATION;
	d.nclasses = regression ? 0 : 3;
	d.seed = 1;
	d.threads = 1;
	CHECK_OK(ctx, lt_fit(ctx, algo, params, &d, NULL, NULL, &model));
	if (model)
		json_decref(lt_save(ctx, algo, model, dir));
	return model;
}

/* Loads the package in dir and checks that it predicts, on x given as
 * columns a and b, the same bits as model does on x. */
static void check_predicts_as(cairn_ctx *ctx, const char *dir, const char *algo,
			      const void *model, const struct cairn_matrix *x)
{
	const struct cairn_algorithm *a = cairn_algorithm_find(algo);
	struct cairn_frame *f = frame_of(ctx, x);
	cairn_model *m = NULL;
	double *want = lt_predict(ctx, algo, model, x), *got = NULL;
	size_t n = 0;

	CHECK_OK(ctx, cairn_model_load(ctx, dir, &m));
	if (m && f)
		CHECK_OK(ctx, cairn_model_predict(ctx, m, f, NULL, 0, &got, &n));
	CHECK_INT(n, ==, a->outputs(model));
	CHECK(want && got && !memcmp(want, got, x->rows * a->outputs(model) * sizeof(double)));
	free(want);
	free(got);
	cairn_model_free(m);
	cairn_frame_free(f);
}

static const char *sget(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static void test_import_liblinear(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	struct cairn_import_options o = { 0 };
	struct cairn_matrix x = { 0 }, xr = { 0 };
	void *model = fit_and_save(ctx, "logistic", OVR, 0, "src", &x);
	void *reg = fit_and_save(ctx, "linear", NULL, 1, "reg", &xr);
	json_t *sum = NULL, *classes, *lineage = NULL;
	cairn_model *m = NULL;

	if (!model || !reg)
		goto out;
	o.path = "src/model.liblinear";
	o.signature = "a:double, b:double";
	o.labels = "x,y,z";
	CHECK_OK(ctx, cairn__import_package(ctx, &o, NULL, "pkg", &sum));
	CHECK_STR(sget(sum, "format"), "liblinear");
	CHECK_STR(sget(sum, "algorithm"), "logistic");
	CHECK_STR(sget(sum, "task"), "classification");
	CHECK_STR(sget(sum, "source"), "src/model.liblinear");
	classes = json_object_get(sum, "classes");
	CHECK_INT(json_array_size(classes), ==, 3);
	CHECK_STR(json_string_value(json_array_get(classes, 2)), "z");
	CHECK_INT(json_array_size(json_object_get(sum, "features")), ==, 2);
	CHECK_STR(sget(json_array_get(json_object_get(sum, "features"), 1), "name"), "b");
	json_decref(sum);
	sum = NULL;
	check_predicts_as(ctx, "pkg", "logistic", model, &x);
	CHECK_OK(ctx, cairn_model_load(ctx, "pkg", &m));
	if (m) {
		const json_t *mf = cairn_model_manifest(m);
		CHECK_STR(sget(json_object_get(json_object_get(mf, "flavors"), "cairn"), "algorithm"),
			  "logistic");
		CHECK(json_is_null(json_object_get(mf, "run_id")));
	}
	CHECK_OK(ctx, cairn_json_load_file(ctx, "pkg/lineage.json", &lineage));
	CHECK_STR(sget(lineage, "format"), "liblinear");
	CHECK_STR(sget(lineage, "source"), "src/model.liblinear");

	/* Without labels the classes are 0, 1, 2; with a run id, it is recorded. */
	o.labels = NULL;
	CHECK_OK(ctx, cairn__import_package(ctx, &o, "0123456789abcdefghjkmnpqrs", "pkg2", &sum));
	classes = json_object_get(sum, "classes");
	CHECK_INT(json_array_size(classes), ==, 3);
	CHECK_STR(json_string_value(json_array_get(classes, 0)), "0");
	CHECK_STR(json_string_value(json_array_get(classes, 2)), "2");
	json_decref(sum);
	sum = NULL;
	check_predicts_as(ctx, "pkg2", "logistic", model, &x);
	cairn_model_free(m);
	m = NULL;
	CHECK_OK(ctx, cairn_model_load(ctx, "pkg2", &m));
	if (m)
		CHECK_STR(sget(cairn_model_manifest(m), "run_id"), "0123456789abcdefghjkmnpqrs");

	/* A regressor: no classes. */
	o.path = "reg/model.liblinear";
	CHECK_OK(ctx, cairn__import_package(ctx, &o, NULL, "pkg3", &sum));
	CHECK_STR(sget(sum, "task"), "regression");
	CHECK_STR(sget(sum, "algorithm"), "linear");
	CHECK(json_object_get(sum, "classes") == NULL);
	check_predicts_as(ctx, "pkg3", "linear", reg, &xr);
	/* The package directory must be new. */
	o.path = "src/model.liblinear";
	CHECK_ERR(ctx, cairn__import_package(ctx, &o, NULL, "pkg", NULL), CAIRN_EEXIST, "pkg");
out:
	json_decref(sum);
	json_decref(lineage);
	cairn_model_free(m);
	if (model)
		cairn_algorithm_find("logistic")->free(model);
	if (reg)
		cairn_algorithm_find("linear")->free(reg);
	lt_matrix_release(&x);
	lt_matrix_release(&xr);
	cairn_ctx_free(ctx);
}

/* An MLmodel as MLflow's xgboost flavor writes one; flavor is the text of
 * the flavors, inputs the signature's column specs (JSON text or NULL). */
static void write_mlmodel(const char *dir, const char *flavors, const char *inputs)
{
	cairn_buf b = CAIRN_BUF_INIT, path = CAIRN_BUF_INIT;

	cairn_buf_addf(&b, "artifact_path: model\nflavors:\n%s", flavors);
	cairn_buf_adds(&b, "mlflow_version: 2.9.2\nmodel_uuid: 4d1c7f0e2a8b4b4f9d3c2e1f0a9b8c7d\n");
	if (inputs)
		cairn_buf_addf(&b, "signature:\n  inputs: '%s'\n  outputs: null\n  params: null\n",
			       inputs);
	cairn_path_join(&path, dir, "MLmodel");
	write_text(path.buf, b.buf);
	cairn_buf_release(&b);
	cairn_buf_release(&path);
}

static const char xgb_flavor[] =
	"  python_function:\n    data: model.json\n    loader_module: mlflow.xgboost\n"
	"  xgboost:\n    code: null\n    data: model.json\n"
	"    model_class: xgboost.core.Booster\n    model_format: json\n";
static const char ab_inputs[] =
	"[{\"name\": \"a\", \"type\": \"double\", \"required\": true},"
	" {\"name\": \"b\", \"type\": \"double\", \"required\": true}]";

static void test_import_mlflow_xgboost(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	struct cairn_import_options o = { 0 };
	struct cairn_matrix x = { 0 };
	void *model = fit_and_save(ctx, "xgboost", "n_estimators=5,max_depth=3", 0, "mlflow", &x);
	json_t *sum = NULL, *features;

	if (!model)
		goto out;
	write_mlmodel("mlflow", xgb_flavor, ab_inputs);
	o.path = "mlflow";
	o.labels = "high,low,mid";
	CHECK_OK(ctx, cairn__import_package(ctx, &o, NULL, "pkg", &sum));
	CHECK_STR(sget(sum, "format"), "mlflow-xgboost");
	CHECK_STR(sget(sum, "algorithm"), "xgboost");
	features = json_object_get(sum, "features");
	CHECK_INT(json_array_size(features), ==, 2);
	CHECK_STR(sget(json_array_get(features, 0), "name"), "a");
	CHECK_STR(json_string_value(json_array_get(json_object_get(sum, "classes"), 1)), "low");
	check_predicts_as(ctx, "pkg", "xgboost", model, &x);
	json_decref(sum);
	sum = NULL;
	/* A given signature replaces the MLmodel's. */
	o.signature = "p:float,q:float";
	CHECK_OK(ctx, cairn__import_package(ctx, &o, NULL, "pkg2", &sum));
	CHECK_STR(sget(json_array_get(json_object_get(sum, "features"), 1), "name"), "q");
	/* The raw model file imports as well. */
	json_decref(sum);
	sum = NULL;
	o.path = "mlflow/model.json";
	o.signature = "a:double,b:double";
	CHECK_OK(ctx, cairn__import_package(ctx, &o, NULL, "pkg3", &sum));
	CHECK_STR(sget(sum, "format"), "xgboost-json");
	check_predicts_as(ctx, "pkg3", "xgboost", model, &x);
out:
	json_decref(sum);
	if (model)
		cairn_algorithm_find("xgboost")->free(model);
	lt_matrix_release(&x);
	cairn_ctx_free(ctx);
}

static cairn_ctx *new_workspace(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	enum cairn_init_result r;

	CHECK_OK(ctx, cairn_workspace_init(ctx, ".", 1, &r));
	return ctx;
}

/* cairn_import records a FINISHED run whose artifact is the package; a
 * refused import leaves no run. */
static void test_import_tracked_run(void)
{
	cairn_ctx *ctx = new_workspace();
	struct cairn_import_options o = { 0 };
	struct cairn_import_result res;
	struct cairn_matrix x = { 0 };
	void *model = fit_and_save(ctx, "logistic", OVR, 0, "src", &x);
	struct cairn_frame *f = NULL;
	json_t *show = NULL, *params;
	cairn_model *m = NULL;
	double *want = NULL, *got = NULL;
	size_t n = 0;

	if (!model)
		goto out;
	o.path = "src/model.liblinear";
	o.signature = "a:double,b:double";
	CHECK_OK(ctx, cairn_import(ctx, &o, &res));
	CHECK_INT(strlen(res.run_id), ==, CAIRN_ID_LEN);
	CHECK_STR(sget(res.summary, "run_id"), res.run_id);
	CHECK_STR(sget(res.summary, "format"), "liblinear");
	json_decref(res.summary);
	CHECK_OK(ctx, cairn_run_show(ctx, res.run_id, &show));
	CHECK_STR(sget(show, "status"), "FINISHED");
	CHECK_STR(sget(show, "experiment"), "imports");
	CHECK_STR(sget(show, "name"), "model.liblinear");
	params = json_object_get(show, "params");
	CHECK_STR(sget(params, "source"), "src/model.liblinear");
	CHECK_STR(sget(params, "format"), "liblinear");
	CHECK_STR(sget(params, "algorithm"), "logistic");
	/* The run is a MODELREF that predicts as the original model does. */
	CHECK_OK(ctx, cairn_model_open(ctx, res.run_id, &m));
	f = frame_of(ctx, &x);
	want = lt_predict(ctx, "logistic", model, &x);
	if (m && f)
		CHECK_OK(ctx, cairn_model_predict(ctx, m, f, NULL, 0, &got, &n));
	CHECK_INT(n, ==, 3);
	CHECK(want && got && !memcmp(want, got, x.rows * 3 * sizeof(double)));
	if (m)
		CHECK_STR(sget(cairn_model_manifest(m), "run_id"), res.run_id);

	/* Named, in another experiment. */
	o.name = "mine";
	o.experiment = "elsewhere";
	CHECK_OK(ctx, cairn_import(ctx, &o, &res));
	json_decref(res.summary);
	json_decref(show);
	show = NULL;
	CHECK_OK(ctx, cairn_run_show(ctx, res.run_id, &show));
	CHECK_STR(sget(show, "name"), "mine");
	CHECK_STR(sget(show, "experiment"), "elsewhere");
	CHECK_INT(fixture_count_runs(ctx, NULL), ==, 2);

	/* Refused: nothing recorded. */
	o.signature = "a:double";
	CHECK_ERR(ctx, cairn_import(ctx, &o, &res), CAIRN_EINVAL, "model.liblinear");
	CHECK_STR(res.run_id, "");
	CHECK(res.summary == NULL);
	o.path = "missing.json";
	CHECK_ERR(ctx, cairn_import(ctx, &o, &res), CAIRN_ENOTFOUND, "missing.json");
	CHECK_INT(fixture_count_runs(ctx, NULL), ==, 2);
out:
	free(want);
	free(got);
	json_decref(show);
	cairn_model_free(m);
	cairn_frame_free(f);
	if (model)
		cairn_algorithm_find("logistic")->free(model);
	lt_matrix_release(&x);
	cairn_ctx_free(ctx);
}

/* Imports path (with signature and labels, each may be NULL) into a new
 * package, expecting code and text in the message; no package is left. */
static void check_refused(cairn_ctx *ctx, const char *path, const char *signature,
			  const char *labels, int code, const char *text, int line)
{
	struct cairn_import_options o = { 0 };
	json_t *sum = (json_t *)1;
	struct stat st;
	int rc;

	o.path = path;
	o.signature = signature;
	o.labels = labels;
	rc = cairn__import_package(ctx, &o, NULL, "pkg", &sum);
	if (rc != code)
		unit_fail(__FILE__, line, "importing '%s': code %d, expected %d (%s)", path, rc, code,
			  cairn_errmsg(ctx));
	else if (!strstr(cairn_errmsg(ctx), text))
		unit_fail(__FILE__, line, "importing '%s': message \"%s\" lacks \"%s\"", path,
			  cairn_errmsg(ctx), text);
	if (sum != NULL)
		unit_fail(__FILE__, line, "importing '%s': a summary after an error", path);
	if (!stat("pkg", &st) || errno != ENOENT) {
		unit_fail(__FILE__, line, "importing '%s' left a package behind", path);
		cairn_remove_tree("pkg");
	}
}

#define REFUSED(path, sig, labels, code, text) \
	check_refused(ctx, path, sig, labels, code, text, __LINE__)

static void test_import_refuses_bad_files(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	struct cairn_matrix x = { 0 };
	void *model = fit_and_save(ctx, "xgboost", "n_estimators=2", 0, "good", &x);

	REFUSED("missing.json", "a:double", NULL, CAIRN_ENOTFOUND, "missing.json");
	/* A directory without an MLmodel. */
	CHECK(!mkdir("empty", 0777));
	REFUSED("empty", NULL, NULL, CAIRN_EPARSE, "MLmodel");
	REFUSED("empty", NULL, NULL, CAIRN_EPARSE, "empty");
	/* A flavor cairn does not import, named in the message. */
	CHECK(!mkdir("sk", 0777));
	write_mlmodel("sk", "  sklearn:\n    pickled_model: model.pkl\n", ab_inputs);
	REFUSED("sk", NULL, NULL, CAIRN_EINVAL, "sklearn");
	/* A file in no known format. */
	write_text("notes.txt", "hello\n");
	REFUSED("notes.txt", "a:double", NULL, CAIRN_EPARSE, "notes.txt");
	/* Corrupt model files: a truncated liblinear file, broken XGBoost JSON
	 * (alone, and inside an MLflow directory). */
	write_text("trunc.liblinear", "solver_type L2R_LR\nnr_class 2\n");
	REFUSED("trunc.liblinear", "a:double", NULL, CAIRN_EPARSE, "trunc.liblinear");
	write_text("broken.json", "{\"learner\": {\"gradient_booster\": ");
	REFUSED("broken.json", "a:double", NULL, CAIRN_EPARSE, "broken.json");
	CHECK(!mkdir("corrupt", 0777));
	write_mlmodel("corrupt", xgb_flavor, ab_inputs);
	write_text("corrupt/model.json", "{ this is not json");
	REFUSED("corrupt", NULL, NULL, CAIRN_EPARSE, "model.json");
	/* The flavor names a model file that is not there. */
	CHECK(!mkdir("nofile", 0777));
	write_mlmodel("nofile", xgb_flavor, ab_inputs);
	REFUSED("nofile", NULL, NULL, CAIRN_ENOTFOUND, "model.json");
	/* A cairn package is used as it is, not imported. */
	if (model) {
		struct cairn_import_options o = { 0 };
		o.path = "good/model.json";
		o.signature = "a:double,b:double";
		CHECK_OK(ctx, cairn__import_package(ctx, &o, NULL, "cairn-pkg", NULL));
		REFUSED("cairn-pkg", NULL, NULL, CAIRN_EINVAL, "cairn-pkg");
		cairn_algorithm_find("xgboost")->free(model);
	}
	lt_matrix_release(&x);
	cairn_ctx_free(ctx);
}

/* An MLflow directory "name" holding good/model.json and an MLmodel of the
 * given flavors and inputs. */
static void mlflow_dir(const char *name, const char *flavors, const char *inputs)
{
	cairn_ctx *ctx = cairn_ctx_new();
	cairn_buf model = CAIRN_BUF_INIT, path = CAIRN_BUF_INIT;

	CHECK(!mkdir(name, 0777));
	CHECK_OK(ctx, cairn_read_file(ctx, "good/model.json", &model));
	cairn_path_join(&path, name, "model.json");
	CHECK_OK(ctx, cairn_write_file_atomic(ctx, path.buf, model.buf, model.len, 0644));
	write_mlmodel(name, flavors, inputs);
	cairn_buf_release(&model);
	cairn_buf_release(&path);
	cairn_ctx_free(ctx);
}

static void test_import_refuses_bad_mlmodel(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	struct cairn_matrix x = { 0 };
	void *model = fit_and_save(ctx, "xgboost", "n_estimators=2", 0, "good", &x);

	if (!model)
		goto out;
	/* Not YAML. */
	CHECK(!mkdir("notyaml", 0777));
	write_text("notyaml/MLmodel", "flavors: [xgboost\n  data: : model.json\n");
	REFUSED("notyaml", NULL, NULL, CAIRN_EPARSE, "MLmodel");
	/* The xgboost flavor without data, or with data outside the directory. */
	mlflow_dir("nodata", "  xgboost:\n    model_format: json\n", ab_inputs);
	REFUSED("nodata", NULL, NULL, CAIRN_EPARSE, "'data'");
	mlflow_dir("emptydata", "  xgboost:\n    data: ''\n", ab_inputs);
	REFUSED("emptydata", NULL, NULL, CAIRN_EPARSE, "'data'");
	mlflow_dir("updata", "  xgboost:\n    data: ../good/model.json\n", ab_inputs);
	REFUSED("updata", NULL, NULL, CAIRN_EPARSE, "'data'");
	mlflow_dir("absdata", "  xgboost:\n    data: /etc/passwd\n", ab_inputs);
	REFUSED("absdata", NULL, NULL, CAIRN_EPARSE, "'data'");
	/* No signature, and none given. */
	mlflow_dir("nosig", xgb_flavor, NULL);
	REFUSED("nosig", NULL, NULL, CAIRN_EINVAL, "signature");
	/* Signatures cairn cannot use: tensors, a text column, a column twice,
	 * a column without a name, specs that are not a list, too few columns. */
	mlflow_dir("tensor", xgb_flavor,
		   "[{\"type\": \"tensor\", \"tensor-spec\": {\"dtype\": \"float32\"}}]");
	REFUSED("tensor", NULL, NULL, CAIRN_EINVAL, "tensor");
	mlflow_dir("strcol", xgb_flavor,
		   "[{\"name\": \"a\", \"type\": \"double\"}, {\"name\": \"b\", \"type\": \"string\"}]");
	REFUSED("strcol", NULL, NULL, CAIRN_EINVAL, "'b'");
	REFUSED("strcol", NULL, NULL, CAIRN_EINVAL, "'string'");
	mlflow_dir("twice", xgb_flavor,
		   "[{\"name\": \"a\", \"type\": \"double\"}, {\"name\": \"a\", \"type\": \"double\"}]");
	REFUSED("twice", NULL, NULL, CAIRN_EINVAL, "'a'");
	mlflow_dir("noname", xgb_flavor, "[{\"type\": \"double\"}, {\"type\": \"double\"}]");
	REFUSED("noname", NULL, NULL, CAIRN_EINVAL, "name");
	mlflow_dir("notlist", xgb_flavor, "{\"a\": \"double\"}");
	REFUSED("notlist", NULL, NULL, CAIRN_EPARSE, "MLmodel");
	mlflow_dir("badjson", xgb_flavor, "[{\"name\": \"a\"");
	REFUSED("badjson", NULL, NULL, CAIRN_EPARSE, "MLmodel");
	mlflow_dir("short", xgb_flavor, "[{\"name\": \"a\", \"type\": \"double\"}]");
	REFUSED("short", NULL, NULL, CAIRN_EINVAL, "short");
out:
	if (model)
		cairn_algorithm_find("xgboost")->free(model);
	lt_matrix_release(&x);
	cairn_ctx_free(ctx);
}

/* The signature and labels given by the caller: refused by field and value. */
static void test_import_refuses_bad_options(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	struct cairn_matrix x = { 0 }, xr = { 0 };
	void *model = fit_and_save(ctx, "logistic", OVR, 0, "src", &x);
	void *reg = fit_and_save(ctx, "linear", NULL, 1, "reg", &xr);
	const char *path = "src/model.liblinear";

	if (!model || !reg)
		goto out;
	REFUSED(path, NULL, NULL, CAIRN_EINVAL, "signature");
	REFUSED(path, "a-double", NULL, CAIRN_EINVAL, "a-double");
	REFUSED(path, "a:double,b:text", NULL, CAIRN_EINVAL, "'text'");
	REFUSED(path, "a:double,a:double", NULL, CAIRN_EINVAL, "'a'");
	REFUSED(path, ":double,b:double", NULL, CAIRN_EINVAL, "name");
	/* The model takes 2 features. */
	REFUSED(path, "a:double", NULL, CAIRN_EINVAL, path);
	REFUSED(path, "a:double,b:double,c:double", NULL, CAIRN_EINVAL, path);
	/* Labels: as many as the classes, none empty, none twice, ascending. */
	REFUSED(path, "a:double,b:double", "x,y", CAIRN_EINVAL, "labels");
	REFUSED(path, "a:double,b:double", "x,,z", CAIRN_EINVAL, "x,,z");
	REFUSED(path, "a:double,b:double", "x,y,x", CAIRN_EINVAL, "'x'");
	REFUSED(path, "a:double,b:double", "low,mid,high", CAIRN_EINVAL, "'high'");
	REFUSED(path, "a:double,b:double", "10,9,8", CAIRN_EINVAL, "'9'");
	/* Numbers are ordered by value: 9 before 10. */
	{
		struct cairn_import_options o = { 0 };
		o.path = path;
		o.signature = "a:double,b:double";
		o.labels = "8,9,10";
		CHECK_OK(ctx, cairn__import_package(ctx, &o, NULL, "numeric", NULL));
	}
	/* Labels are for classifiers. */
	REFUSED("reg/model.liblinear", "a:double,b:double", "x,y", CAIRN_EINVAL, "regression");
out:
	if (model)
		cairn_algorithm_find("logistic")->free(model);
	if (reg)
		cairn_algorithm_find("linear")->free(reg);
	lt_matrix_release(&x);
	lt_matrix_release(&xr);
	cairn_ctx_free(ctx);
}

const struct unit_test import_tests[] = {
	{ "import_liblinear", test_import_liblinear },
	{ "import_mlflow_xgboost", test_import_mlflow_xgboost },
	{ "import_tracked_run", test_import_tracked_run },
	{ "import_refuses_bad_files", test_import_refuses_bad_files },
	{ "import_refuses_bad_mlmodel", test_import_refuses_bad_mlmodel },
	{ "import_refuses_bad_options", test_import_refuses_bad_options },
	{ NULL, NULL }
};
