/* Unit tests for the model package (src/ml/package.c): saving and loading
 * round-trip, refused and failed saves, damaged packages. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include "cairn/buf.h"
#include "cairn/error.h"
#include "cairn/frame.h"
#include "cairn/model.h"
#include "core/fs.h"
#include "core/json.h"
#include "ml/model-internal.h"
#include "ml/preprocess.h"
#include "tests/unit/learner-test.h"
#include "tests/unit/suites.h"

#define RUN_ID "0123456789abcdefghjkmnpqrs"

/* 60 rows: a float, an int, a category, a boolean, a class (from the first
 * three, with a few exceptions so the classes overlap) and a numeric target. */
static void make_csv(cairn_buf *b)
{
	static const char *const colors[] = { "red", "green", "blue" };

	cairn_buf_adds(b, "x,n,color,flag,y,t\n");
	for (int i = 0; i < 60; i++) {
		double x = (double)((i * 37) % 60) / 10 - 3;
		int n = (i * 7) % 11;
		const char *y = x < -1 ? "a" : x < 1 ? "b" : "c";
		if (i % 13 == 5)
			y = "b";
		cairn_buf_addf(b, "%.17g,%d,%s,%s,%s,%.17g\n", x, n, colors[i % 3],
			       i % 4 ? "true" : "false", y,
			       2 * x - 0.5 * n + (i % 3) + (double)(i % 5) / 10);
	}
}

/* What the tests save: a model fitted on make_csv's data. */
struct fitted {
	struct cairn_frame *f;
	const struct cairn_algorithm *algo;
	cairn_prep *prep;
	void *model;
	json_t *params;
};

static int fit(cairn_ctx *ctx, const char *algo, const char *target, struct fitted *ft)
{
	struct cairn_prep_options po = { 0 };
	struct cairn_train_data d = { 0 };
	struct cairn_matrix x = { 0 };
	const char *const exclude[] = { !strcmp(target, "y") ? "t" : "y" };
	cairn_buf csv = CAIRN_BUF_INIT;
	double *y = NULL;
	int rc;

	memset(ft, 0, sizeof(*ft));
	make_csv(&csv);
	ft->algo = cairn_algorithm_find(algo);
	po.target = target;
	po.task = -1;
	po.scale = ft->algo->wants_scaling;
	po.onehot = ft->algo->wants_onehot;
	po.keep_missing = ft->algo->handles_missing;
	po.exclude = exclude;
	po.nexclude = 1;
	if ((rc = cairn_frame_load_mem(ctx, csv.buf, csv.len, "t.csv", NULL, &ft->f)) ||
	    (rc = cairn_prep_fit(ctx, ft->f, NULL, 0, &po, &ft->prep)) ||
	    (rc = cairn_prep_transform(ctx, ft->prep, ft->f, NULL, 0, &x, &y)) ||
	    (rc = lt_params(ctx, algo, NULL, &ft->params)))
		goto out;
	d.x = &x;
	d.y = y;
	d.task = cairn_prep_task(ft->prep);
	d.nclasses = cairn_prep_nclasses(ft->prep);
	d.seed = 1;
	d.threads = 1;
	rc = ft->algo->fit(ctx, &d, ft->params, NULL, NULL, &ft->model);
out:
	free(x.v);
	free(y);
	cairn_buf_release(&csv);
	return rc;
}

static void fitted_release(struct fitted *ft)
{
	if (ft->model)
		ft->algo->free(ft->model);
	cairn_prep_free(ft->prep);
	cairn_frame_free(ft->f);
	json_decref(ft->params);
}

static struct cairn_model_info info_of(const struct fitted *ft)
{
	struct cairn_model_info info = { 0 };

	info.algo = ft->algo;
	info.model = ft->model;
	info.prep = ft->prep;
	return info;
}

/* The predictions of the fitted (in-memory) model on every row of its frame. */
static double *predict_fitted(cairn_ctx *ctx, const struct fitted *ft, size_t *noutputs)
{
	struct cairn_matrix x = { 0 };
	double *out = NULL;

	*noutputs = ft->algo->outputs(ft->model);
	CHECK_OK(ctx, cairn_prep_transform(ctx, ft->prep, ft->f, NULL, 0, &x, NULL));
	if (!x.v)
		return NULL;
	out = cairn_xcalloc(x.rows * *noutputs + 1, sizeof(double));
	CHECK_OK(ctx, ft->algo->predict(ctx, ft->model, &x, out));
	free(x.v);
	return out;
}

static const char *mstr(const json_t *m, const char *a, const char *b, const char *c)
{
	const json_t *v = json_object_get(m, a);

	if (b)
		v = json_object_get(v, b);
	if (c)
		v = json_object_get(v, c);
	return json_string_value(v);
}

static int has_string(const json_t *a, const char *s)
{
	size_t i;
	json_t *v;

	json_array_foreach(a, i, v)
		if (json_is_string(v) && !strcmp(json_string_value(v), s))
			return 1;
	return 0;
}

/* The entries of the current directory whose names start with prefix. */
static int count_entries(const char *prefix)
{
	DIR *d = opendir(".");
	struct dirent *e;
	int n = 0;

	while (d && (e = readdir(d)))
		n += !strncmp(e->d_name, prefix, strlen(prefix));
	if (d)
		closedir(d);
	return n;
}

static void check_roundtrip(const char *algo, const char *target, const char *task,
			    const char *otype)
{
	cairn_ctx *ctx = cairn_ctx_new();
	struct fitted ft;
	struct cairn_model_info info;
	json_t *metrics = json_pack("{s:{s:f}}", "train", "accuracy", 0.75);
	json_t *lineage = json_pack("{s:s}", "run_id", RUN_ID), *back = NULL, *sig = NULL;
	const json_t *m, *files;
	cairn_model *loaded = NULL;
	double *p1 = NULL, *p2 = NULL;
	size_t n1 = 0, n2 = 0;
	const char *uuid;
	struct stat st;

	CHECK_OK(ctx, fit(ctx, algo, target, &ft));
	if (!ft.model)
		goto out;
	info = info_of(&ft);
	info.run_id = RUN_ID;
	info.params = ft.params;
	info.metrics = metrics;
	info.lineage = lineage;
	CHECK_OK(ctx, cairn_model_save(ctx, &info, "pkg"));
	CHECK(!stat("pkg/MLmodel", &st) && !stat("pkg/preprocess.json", &st));
	CHECK(!stat("pkg/metrics.json", &st) && !stat("pkg/lineage.json", &st));
	CHECK(!stat("pkg/params.json", &st));
	/* Only what was given is written; nothing is left beside the package. */
	CHECK(stat("pkg/profile.json", &st) && errno == ENOENT);
	CHECK_INT(count_entries("pkg"), ==, 1);

	CHECK_OK(ctx, cairn_model_load(ctx, "pkg", &loaded));
	if (!loaded)
		goto out;
	m = cairn_model_manifest(loaded);
	/* A classifier names its classes in the order of its outputs. */
	if (!strcmp(task, "classification")) {
		CHECK_INT(cairn_model_nclasses(loaded), ==, 3);
		CHECK_STR(cairn_model_class(loaded, 0), "a");
		CHECK_STR(cairn_model_class(loaded, 2), "c");
		CHECK(cairn_model_class(loaded, 3) == NULL);
		CHECK(cairn_model_class(loaded, -1) == NULL);
	} else {
		CHECK_INT(cairn_model_nclasses(loaded), ==, 0);
		CHECK(cairn_model_class(loaded, 0) == NULL);
	}
	CHECK_STR(mstr(m, "flavors", "cairn", "algorithm"), algo);
	CHECK_STR(mstr(m, "flavors", "cairn", "task"), task);
	CHECK_STR(mstr(m, "flavors", "cairn", "preprocess"), "preprocess.json");
	CHECK(mstr(m, "flavors", "cairn", "cairn_version") != NULL);
	files = json_object_get(json_object_get(json_object_get(m, "flavors"), "cairn"),
				"model_files");
	CHECK(has_string(files, "model.liblinear"));
	for (size_t i = 0; i < json_array_size(files); i++) {
		cairn_buf path = CAIRN_BUF_INIT;
		cairn_path_join(&path, "pkg", json_string_value(json_array_get(files, i)));
		CHECK(!stat(path.buf, &st));
		cairn_buf_release(&path);
	}
	CHECK_STR(mstr(m, "run_id", NULL, NULL), RUN_ID);
	uuid = mstr(m, "model_uuid", NULL, NULL);
	CHECK(uuid && strlen(uuid) == 32 && strspn(uuid, "0123456789abcdef") == 32);
	CHECK(mstr(m, "utc_time_created", NULL, NULL) != NULL);
	/* The signature: MLflow's column specs as JSON text. */
	CHECK_OK(ctx, cairn_json_load_text(ctx, "inputs", mstr(m, "signature", "inputs", NULL),
					   strlen(mstr(m, "signature", "inputs", NULL)), &sig));
	CHECK_INT(json_array_size(sig), ==, 4);
	CHECK_STR(mstr(json_array_get(sig, 0), "name", NULL, NULL), "x");
	CHECK_STR(mstr(json_array_get(sig, 0), "type", NULL, NULL), "double");
	CHECK_STR(mstr(json_array_get(sig, 1), "name", NULL, NULL), "n");
	CHECK_STR(mstr(json_array_get(sig, 1), "type", NULL, NULL), "long");
	CHECK_STR(mstr(json_array_get(sig, 2), "name", NULL, NULL), "color");
	CHECK_STR(mstr(json_array_get(sig, 2), "type", NULL, NULL), "string");
	CHECK_STR(mstr(json_array_get(sig, 3), "name", NULL, NULL), "flag");
	CHECK_STR(mstr(json_array_get(sig, 3), "type", NULL, NULL), "boolean");
	json_decref(sig);
	sig = NULL;
	CHECK_OK(ctx, cairn_json_load_text(ctx, "outputs", mstr(m, "signature", "outputs", NULL),
					   strlen(mstr(m, "signature", "outputs", NULL)), &sig));
	CHECK_STR(mstr(json_array_get(sig, 0), "type", NULL, NULL), otype);

	/* The side files read back as they were given. */
	CHECK_OK(ctx, cairn_json_load_file(ctx, "pkg/metrics.json", &back));
	CHECK(json_equal(back, metrics));
	json_decref(back);
	CHECK_OK(ctx, cairn_json_load_file(ctx, "pkg/params.json", &back));
	CHECK(json_equal(back, ft.params));
	json_decref(back);
	back = NULL;

	/* The loaded package predicts the same bits as the model it came from. */
	p1 = predict_fitted(ctx, &ft, &n1);
	CHECK_OK(ctx, cairn_model_predict(ctx, loaded, ft.f, NULL, 0, &p2, &n2));
	CHECK_INT(n1, ==, n2);
	CHECK(p1 && p2 && !memcmp(p1, p2, ft.f->nrows * n1 * sizeof(double)));
	free(p2);
	/* ... and so does a subset of rows. */
	{
		size_t rows[] = { 7, 3 };
		CHECK_OK(ctx, cairn_model_predict(ctx, loaded, ft.f, rows, 2, &p2, &n2));
		CHECK(p1 && p2 && !memcmp(p2, p1 + 7 * n1, n1 * sizeof(double)));
		CHECK(p1 && p2 && !memcmp(p2 + n1, p1 + 3 * n1, n1 * sizeof(double)));
	}
out:
	free(p1);
	free(p2);
	json_decref(sig);
	json_decref(metrics);
	json_decref(lineage);
	cairn_model_free(loaded);
	fitted_release(&ft);
	cairn_ctx_free(ctx);
}

static void test_package_roundtrip_classifier(void)
{
	check_roundtrip("logistic", "y", "classification", "string");
}

static void test_package_roundtrip_regressor(void)
{
	check_roundtrip("linear", "t", "regression", "double");
}

/* A package is written to a new directory only. */
static void test_package_save_refuses_existing(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	struct cairn_model_info info;
	struct fitted ft;
	struct stat st;

	CHECK_OK(ctx, fit(ctx, "logistic", "y", &ft));
	if (!ft.model)
		goto out;
	info = info_of(&ft);
	CHECK_OK(ctx, cairn_model_save(ctx, &info, "pkg"));
	CHECK_ERR(ctx, cairn_model_save(ctx, &info, "pkg"), CAIRN_EEXIST, "'pkg'");
	/* An empty directory too, and a file: neither is replaced. */
	CHECK(!mkdir("empty", 0777));
	CHECK_ERR(ctx, cairn_model_save(ctx, &info, "empty"), CAIRN_EEXIST, "'empty'");
	CHECK(cairn_is_dir("empty") && stat("empty/MLmodel", &st) && errno == ENOENT);
	{
		FILE *f = fopen("file", "w");
		CHECK(f != NULL);
		if (f)
			fclose(f);
	}
	CHECK_ERR(ctx, cairn_model_save(ctx, &info, "file"), CAIRN_EEXIST, "'file'");
	CHECK(!stat("file", &st) && S_ISREG(st.st_mode) && st.st_size == 0);
	/* Nothing left beside them. */
	CHECK_INT(count_entries("pkg"), ==, 1);
	CHECK_INT(count_entries("empty"), ==, 1);
	CHECK_INT(count_entries("file"), ==, 1);
out:
	fitted_release(&ft);
	cairn_ctx_free(ctx);
}

/* An algorithm whose save writes a file and then fails. */
static int failing_save(cairn_ctx *ctx, const void *model, const char *dir, json_t *files)
{
	cairn_buf path = CAIRN_BUF_INIT;
	int rc;

	(void)model;
	cairn_path_join(&path, dir, "model.partial");
	rc = cairn_write_file_atomic(ctx, path.buf, "half", 4, 0644);
	json_array_append_new(files, json_string("model.partial"));
	cairn_buf_release(&path);
	return rc ? rc : cairn_error(ctx, CAIRN_EIO, "disk full while writing 'model.partial'");
}

static void test_package_failed_save_leaves_nothing(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	struct cairn_algorithm broken;
	struct cairn_model_info info;
	struct fitted ft;
	struct stat st;

	CHECK_OK(ctx, fit(ctx, "logistic", "y", &ft));
	if (!ft.model)
		goto out;
	broken = *ft.algo;
	broken.save = failing_save;
	info = info_of(&ft);
	info.algo = &broken;
	CHECK_ERR(ctx, cairn_model_save(ctx, &info, "pkg"), CAIRN_EIO, "model.partial");
	CHECK(stat("pkg", &st) && errno == ENOENT);
	CHECK_INT(count_entries("pkg"), ==, 0);
	/* A directory whose parent is missing: an error, and nothing made. */
	info.algo = ft.algo;
	CHECK(cairn_model_save(ctx, &info, "no/such/pkg") != 0);
	CHECK(strstr(cairn_errmsg(ctx), "no/such/pkg") != NULL);
	CHECK(stat("no", &st) && errno == ENOENT);
	CHECK_INT(count_entries(""), ==, 2); /* "." and ".." */
out:
	fitted_release(&ft);
	cairn_ctx_free(ctx);
}

static void write_text(const char *path, const char *text)
{
	cairn_ctx *ctx = cairn_ctx_new();

	CHECK_OK(ctx, cairn_write_file_atomic(ctx, path, text, strlen(text), 0644));
	cairn_ctx_free(ctx);
}

/* Saves a fresh package to dir, damages file in it (text NULL: removes it,
 * else replaces it with text) and checks that loading fails with code (a
 * missing file: CAIRN_ENOTFOUND, a damaged one: CAIRN_EPARSE), naming the
 * package and expect (the file, or what is wrong in it). */
static void check_damaged(cairn_ctx *ctx, const struct cairn_model_info *info, const char *dir,
			  const char *file, const char *text, const char *expect)
{
	cairn_buf path = CAIRN_BUF_INIT;
	cairn_model *m = (cairn_model *)1;
	int rc;

	CHECK_OK(ctx, cairn_model_save(ctx, info, dir));
	cairn_path_join(&path, dir, file);
	if (text)
		write_text(path.buf, text);
	else
		CHECK(!unlink(path.buf));
	rc = cairn_model_load(ctx, dir, &m);
	if (!rc)
		unit_fail(__FILE__, __LINE__, "loading %s without a valid %s succeeded", dir, file);
	else if (rc != (text ? CAIRN_EPARSE : CAIRN_ENOTFOUND))
		unit_fail(__FILE__, __LINE__, "loading %s (%s %s): code %d (%s)", dir, file,
			  text ? "damaged" : "removed", rc, cairn_errmsg(ctx));
	else if (!strstr(cairn_errmsg(ctx), expect) || !strstr(cairn_errmsg(ctx), dir))
		unit_fail(__FILE__, __LINE__, "loading %s (%s %s): message \"%s\" lacks \"%s\"",
			  dir, file, text ? "damaged" : "removed", cairn_errmsg(ctx), expect);
	CHECK(m == NULL);
	cairn_model_free(rc ? NULL : m);
	cairn_buf_release(&path);
}

static void test_package_load_damaged(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	struct cairn_model_info info;
	struct fitted ft;
	cairn_model *m = NULL;

	CHECK_OK(ctx, fit(ctx, "logistic", "y", &ft));
	if (!ft.model)
		goto out;
	info = info_of(&ft);
	check_damaged(ctx, &info, "no-mlmodel", "MLmodel", NULL, "MLmodel");
	check_damaged(ctx, &info, "bad-mlmodel", "MLmodel", "flavors: [cairn\n  : :\n", "MLmodel");
	check_damaged(ctx, &info, "no-flavor", "MLmodel", "flavors:\n  sklearn:\n    x: 1\n",
		      "MLmodel");
	check_damaged(ctx, &info, "bad-algo", "MLmodel",
		      "flavors:\n  cairn:\n    algorithm: no_such_algo\n", "no_such_algo");
	check_damaged(ctx, &info, "no-prep", "preprocess.json", NULL, "preprocess.json");
	check_damaged(ctx, &info, "bad-prep", "preprocess.json", "{\"version\": 1, \"colu",
		      "preprocess.json");
	check_damaged(ctx, &info, "no-model", "model.liblinear", NULL, "model.liblinear");
	check_damaged(ctx, &info, "bad-model", "model.liblinear", "solver_type L2R_LR\nnr_class 2\n",
		      "model.liblinear");
	check_damaged(ctx, &info, "junk-model", "model.liblinear", "\x01\x02 not a model\n",
		      "model.liblinear");
	/* A directory that is no package at all. */
	CHECK_ERR(ctx, cairn_model_load(ctx, "nowhere", &m), CAIRN_ENOTFOUND, "nowhere");
	CHECK(m == NULL);
out:
	fitted_release(&ft);
	cairn_ctx_free(ctx);
}

const struct unit_test package_tests[] = {
	{ "package_roundtrip_classifier", test_package_roundtrip_classifier },
	{ "package_roundtrip_regressor", test_package_roundtrip_regressor },
	{ "package_save_refuses_existing", test_package_save_refuses_existing },
	{ "package_failed_save_leaves_nothing", test_package_failed_save_leaves_nothing },
	{ "package_load_damaged", test_package_load_damaged },
	{ NULL, NULL }
};
