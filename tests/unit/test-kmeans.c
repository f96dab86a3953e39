/* Unit tests for the kmeans algorithm (src/ml/algo-kmeans.c). */
#include "core/json.h"
#include "ml/algorithms.h"
#include "tests/unit/learner-test.h"
#include "tests/unit/suites.h"

/* Three groups of four points, at (0, 0), (10, 0) and (0, 10), each point 1
 * away from its centre: the inertia of the right clustering is 12. */
static const double groups[] = {
	1, 0, -1, 0, 0, 1, 0, -1,
	11, 0, 9, 0, 10, 1, 10, -1,
	1, 10, -1, 10, 0, 11, 0, 9,
};

struct trace {
	int calls;
	double last;
	int stop_at;
};

static int on_iteration(void *arg, int64_t step, const char *key, double value)
{
	struct trace *t = arg;

	t->calls++;
	if (strcmp(key, "inertia") || step != t->calls)
		t->last = NAN;
	else
		t->last = value;
	return t->stop_at && t->calls >= t->stop_at;
}

static void test_kmeans_three_clusters(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	struct cairn_matrix x = lt_matrix(groups, 12, 2);
	struct cairn_train_data d = { .x = &x, .task = CAIRN_TASK_CLUSTERING, .seed = 5, .threads = 1 };
	struct trace t = { 0, 0, 0 };
	void *model = NULL;
	json_t *doc = NULL, *files;
	double *p;

	CHECK_OK(ctx, lt_fit(ctx, "kmeans", "n_clusters=3", &d, on_iteration, &t, &model));
	if (!model)
		goto out;
	CHECK_INT(cairn__algo_kmeans.outputs(model), ==, 1);
	/* 10 runs of at least one iteration each */
	CHECK_INT(t.calls, >=, 10);
	CHECK(fabs(t.last - 12) < 1e-9);
	p = lt_predict(ctx, "kmeans", model, &x);
	for (int g = 0; p && g < 3; g++)
		for (int i = 1; i < 4; i++)
			CHECK(p[g * 4 + i] == p[g * 4]);
	CHECK(p && p[0] != p[4] && p[0] != p[8] && p[4] != p[8]);
	free(p);
	files = lt_save(ctx, "kmeans", model, "m");
	CHECK(lt_has_file(files, "model.json"));
	json_decref(files);
	CHECK_OK(ctx, cairn_json_load_file(ctx, "m/model.json", &doc));
	CHECK(fabs(json_number_value(json_object_get(doc, "inertia")) - 12) < 1e-9);
	CHECK_INT(json_array_size(json_object_get(doc, "centroids")), ==, 3);
	json_decref(doc);
	lt_check_roundtrip(ctx, "kmeans", model, "again", &x);
	cairn__algo_kmeans.free(model);
out:
	lt_matrix_release(&x);
	cairn_ctx_free(ctx);
}

/* The inertia of one run from a given start, computed by hand: with
 * n_clusters=1 the centre is the mean and the inertia the sum of squares. */
static void test_kmeans_one_cluster(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	double v[] = { 0, 1, 2, 3, 10 }, q[] = { -5, 100 };
	struct cairn_matrix x = lt_matrix(v, 5, 1), xq = lt_matrix(q, 2, 1);
	struct cairn_train_data d = { .x = &x, .task = CAIRN_TASK_CLUSTERING, .seed = 1, .threads = 1 };
	struct trace t = { 0, 0, 0 };
	void *model = NULL;
	double *p;

	CHECK_OK(ctx, lt_fit(ctx, "kmeans", "n_clusters=1,n_init=1", &d, on_iteration, &t,
			     &model));
	/* mean 3.2: 10.24 + 4.84 + 1.44 + 0.04 + 46.24 */
	CHECK(fabs(t.last - 62.8) < 1e-9);
	p = model ? lt_predict(ctx, "kmeans", model, &xq) : NULL;
	CHECK(p && p[0] == 0 && p[1] == 0);
	free(p);
	cairn__algo_kmeans.free(model);
	/* Two clusters: {0, 1, 2, 3} and {10}. */
	t.calls = 0;
	CHECK_OK(ctx, lt_fit(ctx, "kmeans", "n_clusters=2", &d, on_iteration, &t, &model));
	CHECK(fabs(t.last - 5) < 1e-9);
	p = model ? lt_predict(ctx, "kmeans", model, &xq) : NULL;
	CHECK(p && p[0] != p[1]);
	free(p);
	cairn__algo_kmeans.free(model);
	lt_matrix_release(&x);
	lt_matrix_release(&xq);
	cairn_ctx_free(ctx);
}

static void test_kmeans_deterministic(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	double v[400];
	struct cairn_matrix x;
	struct cairn_train_data d = { .task = CAIRN_TASK_CLUSTERING, .seed = 9, .threads = 1 };
	void *m1 = NULL, *m2 = NULL;

	for (int i = 0; i < 400; i++)
		v[i] = sin(i * 1.7) * 3 + (i % 7);
	x = lt_matrix(v, 200, 2);
	d.x = &x;
	CHECK_OK(ctx, lt_fit(ctx, "kmeans", "n_clusters=5", &d, NULL, NULL, &m1));
	CHECK_OK(ctx, lt_fit(ctx, "kmeans", "n_clusters=5", &d, NULL, NULL, &m2));
	if (m1 && m2) {
		json_decref(lt_save(ctx, "kmeans", m1, "one"));
		json_decref(lt_save(ctx, "kmeans", m2, "two"));
		CHECK(lt_same_file("one/model.json", "two/model.json"));
	}
	cairn__algo_kmeans.free(m1);
	cairn__algo_kmeans.free(m2);
	lt_matrix_release(&x);
	cairn_ctx_free(ctx);
}

static void test_kmeans_stop_early(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	struct cairn_matrix x = lt_matrix(groups, 12, 2);
	struct cairn_train_data d = { .x = &x, .task = CAIRN_TASK_CLUSTERING, .seed = 5, .threads = 1 };
	struct trace t = { 0, 0, 2 };
	void *model = NULL;

	CHECK_OK(ctx, lt_fit(ctx, "kmeans", "n_clusters=3", &d, on_iteration, &t, &model));
	CHECK_INT(t.calls, ==, 2);
	CHECK(model != NULL);
	cairn__algo_kmeans.free(model);
	lt_matrix_release(&x);
	cairn_ctx_free(ctx);
}

/* More clusters than distinct points leaves clusters empty: each takes a
 * point, and the fit ends. */
static void test_kmeans_duplicates(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	double v[] = { 1, 1, 1, 1, 2, 2 };
	struct cairn_matrix x = lt_matrix(v, 6, 1);
	struct cairn_train_data d = { .x = &x, .task = CAIRN_TASK_CLUSTERING, .seed = 3, .threads = 1 };
	void *model = NULL;
	double *p;

	CHECK_OK(ctx, lt_fit(ctx, "kmeans", "n_clusters=4", &d, NULL, NULL, &model));
	p = model ? lt_predict(ctx, "kmeans", model, &x) : NULL;
	CHECK(p && p[0] == p[3] && p[4] == p[5] && p[0] != p[4]);
	free(p);
	cairn__algo_kmeans.free(model);
	lt_matrix_release(&x);
	cairn_ctx_free(ctx);
}

static void test_kmeans_bad_input(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	struct cairn_matrix x = lt_matrix(groups, 12, 2), x1 = lt_matrix(groups, 2, 1);
	struct cairn_train_data d = { .x = &x, .task = CAIRN_TASK_CLUSTERING, .seed = 5, .threads = 1 };
	void *model = NULL;
	double out[12];
	FILE *f;

	CHECK_ERR(ctx, lt_fit(ctx, "kmeans", "n_clusters=13", &d, NULL, NULL, &model),
		  CAIRN_EINVAL, "n_clusters 13 is more than the 12 rows");
	CHECK(!model);
	CHECK_ERR(ctx, lt_fit(ctx, "kmeans", "n_clusters=0", &d, NULL, NULL, &model),
		  CAIRN_EINVAL, "n_clusters");
	d.task = CAIRN_TASK_REGRESSION;
	CHECK_ERR(ctx, lt_fit(ctx, "kmeans", NULL, &d, NULL, NULL, &model), CAIRN_EINVAL,
		  "does not do regression");
	d.task = CAIRN_TASK_CLUSTERING;
	x.v[5] = NAN;
	CHECK_ERR(ctx, lt_fit(ctx, "kmeans", "n_clusters=2", &d, NULL, NULL, &model),
		  CAIRN_EINVAL, "row 2 feature 1 is missing");
	x.v[5] = 0;
	CHECK_OK(ctx, lt_fit(ctx, "kmeans", "n_clusters=2", &d, NULL, NULL, &model));
	if (model) {
		CHECK_ERR(ctx, cairn__algo_kmeans.predict(ctx, model, &x1, out), CAIRN_EINVAL,
			  "takes 2 features");
		cairn__algo_kmeans.free(model);
	}
	mkdir("bad", 0777);
	f = fopen("bad/model.json", "w");
	if (f) {
		fputs("{\"centroids\": [[1, 2], [3]]}", f);
		fclose(f);
	}
	CHECK_ERR(ctx, cairn__algo_kmeans.load(ctx, "bad", &model), CAIRN_EPARSE,
		  "centroid 1 does not have 2 features");
	CHECK_ERR(ctx, cairn__algo_kmeans.load(ctx, "nowhere", &model), CAIRN_ENOTFOUND, NULL);
	lt_matrix_release(&x);
	lt_matrix_release(&x1);
	cairn_ctx_free(ctx);
}

const struct unit_test kmeans_tests[] = {
	{ "kmeans_three_clusters", test_kmeans_three_clusters },
	{ "kmeans_one_cluster", test_kmeans_one_cluster },
	{ "kmeans_deterministic", test_kmeans_deterministic },
	{ "kmeans_stop_early", test_kmeans_stop_early },
	{ "kmeans_duplicates", test_kmeans_duplicates },
	{ "kmeans_bad_input", test_kmeans_bad_input },
	{ NULL, NULL }
};
