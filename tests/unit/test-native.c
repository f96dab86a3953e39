/* Unit tests for the native evaluators (src/ml/native-trees.c,
 * src/ml/native-linear.c): small hand-made trees and linear models. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include "cairn/buf.h"
#include "cairn/error.h"
#include "ml/linear-loader.h"
#include "ml/native-trees.h"
#include "ml/ubjson.h"
#include "ml/xgb-loader.h"
#include "tests/unit/suites.h"

#define CHECK_BITS(a, b) \
	do { float a_ = (a), b_ = (b); \
	     if (memcmp(&a_, &b_, sizeof(float))) \
		unit_fail(__FILE__, __LINE__, "%s == %s: %a vs %a", #a, #b, a_, b_); } while (0)

/* A tree: the per-node arrays of XGBoost's JSON, as JSON text. */
#define TREE(left, right, feature, cond, dleft) \
	"{\"left_children\": [" left "], \"right_children\": [" right "], " \
	"\"split_indices\": [" feature "], \"split_conditions\": [" cond "], " \
	"\"default_left\": [" dleft "]}"
/* A single leaf of value v. */
#define LEAF(v) TREE("-1", "-1", "0", v, "0")

/* A model document of three features; trees and info are JSON text. */
static json_t *model(const char *objective, const char *base, int nclass, const char *booster,
		     const char *trees, const char *info)
{
	cairn_buf b = CAIRN_BUF_INIT;
	json_error_t err;
	json_t *doc;

	cairn_buf_addf(&b, "{\"learner\": {\"learner_model_param\": {\"base_score\": \"%s\", "
		       "\"num_class\": \"%d\", \"num_feature\": \"3\", \"num_target\": \"1\"}, "
		       "\"objective\": {\"name\": \"%s\"}, \"gradient_booster\": {\"name\": "
		       "\"%s\", \"model\": {\"trees\": [%s], \"tree_info\": [%s]}}}}", base, nclass,
		       objective, booster, trees, info);
	doc = json_loads(b.buf, 0, &err);
	if (!doc)
		unit_fail(__FILE__, __LINE__, "bad test model: %s", err.text);
	cairn_buf_release(&b);
	return doc;
}

static struct cairn__native_trees *build(cairn_ctx *ctx, json_t *doc)
{
	struct cairn__native_trees *t = NULL;

	CHECK_OK(ctx, cairn__native_trees_build(ctx, "m.json", doc, 3, &t));
	json_decref(doc);
	return t;
}

/* A split sends value < threshold left on float32 (the threshold itself
 * goes right), and a missing value its default way. */
static void test_native_split(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	/* 0.1 as a float32 is 0x1.99999ap-4: "0.100000001" reads back as it. */
	struct cairn__native_trees *t = build(ctx, model("reg:squarederror", "5E-1", 0, "gbtree",
		TREE("1, 3, -1, -1, -1", "2, 4, -1, -1, -1", "1, 2, 0, 0, 0",
		     "0.100000001, -2, 10, 20, 30", "1, 0, 0, 0, 0"), "0"));
	const float thr = 0x1.99999ap-4f;
	float x[5][3] = {
		{ 0, thr, 0 },                          /* at the threshold: right */
		{ 0, nextafterf(thr, -INFINITY), -3 },  /* just below: left, then left */
		{ 0, NAN, -2 },                         /* missing, default left; -2 is not < -2 */
		{ 0, -1, NAN },                         /* missing, default right */
		{ 0, INFINITY, 0 },
	};
	float out[5];

	CHECK(t != NULL);
	if (!t)
		goto out;
	CHECK_INT(cairn__native_trees_groups(t), ==, 1);
	cairn__native_trees_predict(t, &x[0][0], 5, 0, out);
	CHECK_BITS(out[0], 0.5f + 10.0f);
	CHECK_BITS(out[1], 0.5f + 20.0f);
	CHECK_BITS(out[2], 0.5f + 30.0f);
	CHECK_BITS(out[3], 0.5f + 30.0f);
	CHECK_BITS(out[4], 0.5f + 10.0f);
out:
	cairn__native_trees_free(t);
	cairn_ctx_free(ctx);
}

/* binary:logistic turns its base score into a margin, adds the leaves in
 * float32 and applies XGBoost's sigmoid. */
static void test_native_logistic(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	struct cairn__native_trees *t = build(ctx, model("binary:logistic", "3E-1", 0, "gbtree",
		LEAF("0.25") ", " LEAF("-0.0500000007"), "0, 0"));
	float x[3] = { 1, 2, 3 }, margin, p, want;

	CHECK(t != NULL);
	if (!t)
		goto out;
	cairn__native_trees_predict(t, x, 1, 1, &margin);
	want = -logf(1.0f / 0.3f - 1.0f);
	want += 0.25f;
	want += -0.05f;
	CHECK_BITS(margin, want);
	cairn__native_trees_predict(t, x, 1, 0, &p);
	want = 1.0f / (expf(-want) + 1.0f + (float)1e-16);
	CHECK_BITS(p, want);
out:
	cairn__native_trees_free(t);
	cairn_ctx_free(ctx);
}

/* multi:softprob: each tree adds to its class; the softmax sums in double. */
static void test_native_softmax(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	struct cairn__native_trees *t = build(ctx, model("multi:softprob", "5E-1", 3, "gbtree",
		LEAF("1") ", " LEAF("2") ", " LEAF("3") ", " LEAF("0.5"), "0, 1, 2, 1"));
	float x[2][3] = { { 0, 0, 0 }, { NAN, NAN, NAN } }, out[6], e[3];
	double sum = 0;

	CHECK(t != NULL);
	if (!t)
		goto out;
	CHECK_INT(cairn__native_trees_groups(t), ==, 3);
	cairn__native_trees_predict(t, &x[0][0], 2, 1, out);
	CHECK_BITS(out[0], 1.5f);
	CHECK_BITS(out[1], 3.0f);
	CHECK_BITS(out[5], 3.5f);
	cairn__native_trees_predict(t, &x[0][0], 2, 0, out);
	e[0] = expf(1.5f - 3.5f);
	e[1] = expf(3.0f - 3.5f);
	e[2] = expf(0.0f);
	for (int c = 0; c < 3; c++)
		sum += e[c];
	for (int c = 0; c < 3; c++) {
		CHECK_BITS(out[c], e[c] / (float)sum);
		CHECK_BITS(out[3 + c], e[c] / (float)sum);
	}
out:
	cairn__native_trees_free(t);
	cairn_ctx_free(ctx);
}

/* Rows are evaluated in blocks: 200 rows at once as one by one. */
static void test_native_blocks(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	struct cairn__native_trees *t;
	float x[200][3], all[200], one, m;

	t = build(ctx, model("count:poisson", "5E-1", 0, "gbtree",
		TREE("1, -1, -1", "2, -1, -1", "0, 0, 0", "0, 0.125, -0.25", "1, 0, 0") ", "
		TREE("1, -1, -1", "2, -1, -1", "2, 0, 0", "0.5, 1, 2", "0, 0, 0"), "0, 0"));
	CHECK(t != NULL);
	if (!t)
		goto out;
	for (int i = 0; i < 200; i++) {
		x[i][0] = i % 7 ? (float)(i % 5) - 2.0f : NAN;
		x[i][1] = 0;
		x[i][2] = i % 11 ? (float)(i % 3) * 0.25f : NAN;
	}
	cairn__native_trees_predict(t, &x[0][0], 200, 0, all);
	for (int i = 0; i < 200; i++) {
		cairn__native_trees_predict(t, x[i], 1, 0, &one);
		CHECK_BITS(all[i], one);
	}
	/* row 0: both features missing, left in the first tree, right in the other */
	m = logf(0.5f);
	m += 0.125f;
	m += 2.0f;
	CHECK_BITS(all[0], expf(m));
out:
	cairn__native_trees_free(t);
	cairn_ctx_free(ctx);
}

/* Rows and features of the libxgboost comparison; its first rows have no
 * missing value. */
#define REF_ROWS 1200
#define REF_COLS 6
#define REF_COMPLETE 100

/* A value of a quarter grid (many fall on thresholds) or off it, a tenth
 * of them missing after the first REF_COMPLETE rows. */
static float ref_value(unsigned *seed, size_t row)
{
	*seed = *seed * 1103515245u + 12345u;
	if (row >= REF_COMPLETE && (*seed >> 16) % 10 == 0)
		return NAN;
	if ((*seed >> 8) % 2)
		return (float)((int)((*seed >> 16) % 33) - 16) / 4.0f;
	return (float)((int)((*seed >> 12) % 4001) - 2000) / 512.0f;
}

/* A booster trained by libxgboost on x with params (name, value pairs, NULL
 * ended), and the native evaluator of its UBJSON. */
static BoosterHandle ref_train(cairn_ctx *ctx, const struct cairn__xgb_api *api, const float *x,
			       const float *y, const char *const *params,
			       struct cairn__native_trees **t)
{
	BoosterHandle b = NULL;
	DMatrixHandle dm = NULL;
	const char *raw;
	bst_ulong len;
	json_t *doc;

	*t = NULL;
	if (api->dmatrix_create_from_mat_omp(x, REF_ROWS, REF_COLS, NAN, &dm, 1) ||
	    api->dmatrix_set_float_info(dm, "label", y, REF_ROWS) ||
	    api->booster_create(&dm, 1, &b)) {
		unit_fail(__FILE__, __LINE__, "libxgboost: %s", api->get_last_error());
		goto out;
	}
	for (int i = 0; params[i]; i += 2)
		CHECK(!api->booster_set_param(b, params[i], params[i + 1]));
	for (int i = 0; i < 12; i++)
		CHECK(!api->booster_update_one_iter(b, i, dm));
	CHECK(!api->booster_save_model_to_buffer(b, "{\"format\": \"ubj\"}", &len, &raw));
	CHECK_OK(ctx, cairn__ubjson_load(ctx, "model.ubj", raw, len, &doc));
	CHECK_OK(ctx, cairn__native_trees_build(ctx, "model.ubj", doc, REF_COLS, t));
	CHECK(*t != NULL);
	json_decref(doc);
out:
	api->dmatrix_free(dm);
	return b;
}

/* The native evaluator's and libxgboost's margins and outputs for rows
 * [first, first + n) of x are the same bytes. */
static void ref_compare(const struct cairn__xgb_api *api, BoosterHandle b,
			const struct cairn__native_trees *t, const float *x, size_t first, size_t n)
{
	size_t k = cairn__native_trees_groups(t);
	float *out = cairn_xmalloc(n * k * sizeof(*out));
	DMatrixHandle dm = NULL;

	CHECK(!api->dmatrix_create_from_mat_omp(x + first * REF_COLS, n, REF_COLS, NAN, &dm, 1));
	for (int margin = 0; margin < 2 && dm; margin++) {
		const bst_ulong *shape;
		const float *want;
		bst_ulong dim;
		cairn__native_trees_predict(t, x + first * REF_COLS, n, margin, out);
		CHECK(!api->booster_predict_from_dmatrix(b, dm, margin ?
			"{\"type\": 1, \"training\": false, \"iteration_begin\": 0, "
			"\"iteration_end\": 0, \"strict_shape\": false}" :
			"{\"type\": 0, \"training\": false, \"iteration_begin\": 0, "
			"\"iteration_end\": 0, \"strict_shape\": false}", &shape, &dim, &want));
		for (size_t i = 0; i < n * k; i++)
			if (memcmp(&out[i], &want[i], sizeof(float))) {
				unit_fail(__FILE__, __LINE__, "%s, rows %zu from %zu, margin %d: row "
					  "%zu output %zu: %a, libxgboost %a", t->wide ? "wide" :
					  "portable", n, first, margin, first + i / k, i % k, out[i],
					  want[i]);
				break;
			}
	}
	api->dmatrix_free(dm);
	free(out);
}

/* Any number of rows, whole blocks and lanes of rows or not, with and
 * without missing values, predicts libxgboost's bytes: a binary model of
 * depth 6, a multiclass one of deep trees (walks longer than the levels
 * between checks for arrival; deeper than the wide evaluator's layout)
 * and a binary one of depth 8 (levels the wide evaluator gathers), on the
 * wide evaluator where this processor has it and on the portable one. */
static void test_native_blocks_reference(void)
{
	static const char *const binary[] = { "objective", "binary:logistic", "max_depth", "6",
					      "nthread", "1", "tree_method", "hist", NULL };
	static const char *const multi[] = { "objective", "multi:softprob", "num_class", "3",
					     "max_depth", "12", "min_child_weight", "0",
					     "nthread", "1", "tree_method", "hist", NULL };
	static const char *const deep[] = { "objective", "binary:logitraw", "max_depth", "8",
					    "min_child_weight", "0", "nthread", "1",
					    "tree_method", "hist", NULL };
	static const char *const *const params[] = { binary, multi, deep };
	static const size_t counts[] = { 1, 7, 8, 15, 16, 17, 63, 64, 65, 71, 1001 };
	const struct cairn__xgb_api *api;
	cairn_ctx *ctx = cairn_ctx_new();
	float *x = cairn_xmalloc(REF_ROWS * REF_COLS * sizeof(*x)), yb[REF_ROWS], ym[REF_ROWS];
	unsigned seed = 7;

	if (cairn__xgb(ctx, "the unit test", &api)) {
		printf("skip: %s\n", cairn_errmsg(ctx));
		goto out;
	}
	for (size_t i = 0; i < REF_ROWS; i++) {
		float s = 0;
		for (size_t j = 0; j < REF_COLS; j++) {
			x[i * REF_COLS + j] = ref_value(&seed, i);
			s += isnan(x[i * REF_COLS + j]) ? 0.5f : x[i * REF_COLS + j] * (float)(j % 3);
		}
		yb[i] = s > 0;
		ym[i] = (float)((size_t)(fabsf(s) * 3) % 3);
	}
	for (int m = 0; m < 3; m++) {
		struct cairn__native_trees *t;
		BoosterHandle b = ref_train(ctx, api, x, m == 1 ? ym : yb, params[m], &t);
		for (int wide = t ? t->wide : -1; wide >= 0; wide--) {
			t->wide = wide;
			for (size_t c = 0; c < sizeof(counts) / sizeof(counts[0]); c++) {
				ref_compare(api, b, t, x, 0, counts[c]);
				ref_compare(api, b, t, x, REF_COMPLETE - 3, counts[c]);
			}
		}
		cairn__native_trees_free(t);
		api->booster_free(b);
	}
out:
	free(x);
	cairn_ctx_free(ctx);
}

/* Models the evaluator does not cover get none (libxgboost predicts). */
static void test_native_unsupported(void)
{
	static const struct { const char *objective, *base, *booster, *tree; } cases[] = {
		{ "reg:squarederror", "0", "dart", LEAF("1") },
		{ "rank:pairwise", "0", "gbtree", LEAF("1") },
		{ "binary:logistic", "1.5", "gbtree", LEAF("1") },
		/* right child not next to the left one */
		{ "reg:squarederror", "0", "gbtree", TREE("2, -1, -1", "1, -1, -1", "0, 0, 0",
							  "0, 1, 2", "0, 0, 0") },
		/* a child before its parent */
		{ "reg:squarederror", "0", "gbtree", TREE("1, -1, 0", "2, -1, 1", "0, 0, 0",
							  "0, 1, 2", "0, 0, 0") },
		/* a feature beyond the model's 3 */
		{ "reg:squarederror", "0", "gbtree", TREE("1, -1, -1", "2, -1, -1", "3, 0, 0",
							  "0, 1, 2", "0, 0, 0") },
	};
	cairn_ctx *ctx = cairn_ctx_new();
	struct cairn__native_trees *t;
	json_t *doc;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		t = build(ctx, model(cases[i].objective, cases[i].base, 0, cases[i].booster,
				     cases[i].tree, "0"));
		if (t)
			unit_fail(__FILE__, __LINE__, "case %zu has an evaluator", i);
		cairn__native_trees_free(t);
	}
	/* malformed: arrays of different lengths */
	doc = model("reg:squarederror", "0", 0, "gbtree", TREE("1, -1, -1", "2, -1", "0, 0, 0",
							       "0, 1, 2", "0, 0, 0"), "0");
	t = NULL;
	CHECK_ERR(ctx, cairn__native_trees_build(ctx, "m.json", doc, 3, &t), CAIRN_ECORRUPT,
		  "tree 0");
	CHECK(t == NULL);
	json_decref(doc);
	cairn_ctx_free(ctx);
}

/* A categorical split sends the categories of its set right and the rest
 * left, as XGBoost's common::Decision: fractions count as their integer
 * part, values outside [0, 2^24) go left, missing values the default way. */
static void test_native_categorical(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	json_t *doc = model("reg:squarederror", "0", 0, "gbtree", TREE("1, -1, -1", "2, -1, -1",
			    "1, 0, 0", "0, 10, 20", "0, 0, 0"), "0");
	json_t *tree = json_array_get(json_object_get(json_object_get(json_object_get(
		json_object_get(doc, "learner"), "gradient_booster"), "model"), "trees"), 0);
	const float v[] = { 1, 1.75f, 33, 2, -0.5f, -0.0f, 1e8f, 64, NAN, 16777216.0f, 0 };
	const float want[] = { 20, 20, 20, 10, 10, 10, 10, 10, 20, 10, 10 };
	struct cairn__native_trees *t;
	float x[11][3] = { { 0 } }, out[11];

	json_object_set_new(tree, "split_type", json_pack("[i, i, i]", 1, 0, 0));
	json_object_set_new(tree, "categories_nodes", json_pack("[i]", 0));
	json_object_set_new(tree, "categories_segments", json_pack("[i]", 0));
	json_object_set_new(tree, "categories_sizes", json_pack("[i]", 2));
	json_object_set_new(tree, "categories", json_pack("[i, i]", 1, 33));
	t = build(ctx, doc);
	CHECK(t != NULL);
	if (!t)
		goto out;
	for (int i = 0; i < 11; i++)
		x[i][1] = v[i];
	cairn__native_trees_predict(t, &x[0][0], 11, 0, out);
	for (int i = 0; i < 11; i++)
		if (memcmp(&out[i], &want[i], sizeof(float)))
			unit_fail(__FILE__, __LINE__, "category %a: %g, not %g", v[i], out[i], want[i]);
	cairn__native_trees_free(t);
	/* a categorical split without its set is left to libxgboost */
	doc = model("reg:squarederror", "0", 0, "gbtree", TREE("1, -1, -1", "2, -1, -1",
		    "1, 0, 0", "0, 10, 20", "0, 0, 0"), "0");
	tree = json_array_get(json_object_get(json_object_get(json_object_get(
		json_object_get(doc, "learner"), "gradient_booster"), "model"), "trees"), 0);
	json_object_set_new(tree, "split_type", json_pack("[i, i, i]", 1, 0, 0));
	t = build(ctx, doc);
	CHECK(t == NULL);
out:
	cairn__native_trees_free(t);
	cairn_ctx_free(ctx);
}

/* A tree of depth 9, deeper than the wide evaluator's layout: its splits
 * are a chain of right children, each left child a leaf. */
static void chain(cairn_buf *b)
{
	const char *const arrays[] = { "left_children", "right_children", "split_indices",
				       "split_conditions", "default_left" };

	cairn_buf_addch(b, '{');
	for (int a = 0; a < 5; a++) {
		cairn_buf_addf(b, "%s\"%s\": [", a ? ", " : "", arrays[a]);
		for (int j = 0; j < 19; j++) {
			int split = j % 2 == 0 && j < 18;
			if (j)
				cairn_buf_adds(b, ", ");
			if (a < 2)
				cairn_buf_addf(b, "%d", split ? j + 1 + a : -1);
			else if (a == 2)
				cairn_buf_addf(b, "%d", j / 2 % 2);
			else if (a == 3)
				cairn_buf_addf(b, "%g", split ? j * 0.25 - 2 : j * 0.5);
			else
				cairn_buf_addf(b, "%d", j / 2 % 3 == 0);
		}
		cairn_buf_addch(b, ']');
	}
	cairn_buf_addch(b, '}');
}

/* The wide evaluator walks a block's trees in their complete layout (a
 * leaf above the last level passed through, a single leaf) and the others
 * (categorical, deeper) in their turn, for two output groups: a block's
 * rows predict as each row alone, and as the portable evaluator. */
static void test_native_wide_mixed(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	cairn_buf trees = CAIRN_BUF_INIT;
	struct cairn__native_trees *t = NULL;
	float x[70][3], all[70][2], portable[70][2], one[2];
	json_t *doc, *tree;

	cairn_buf_adds(&trees, TREE("1, 3, -1, -1, -1", "2, 4, -1, -1, -1", "0, 1, 0, 0, 0",
				    "0.5, -1, 1, 2, 3", "1, 0, 0, 0, 0") ", "
		       TREE("1, -1, -1", "2, -1, -1", "2, 0, 0", "0, 10, 20", "0, 0, 0") ", ");
	chain(&trees);
	cairn_buf_adds(&trees, ", " LEAF("0.25") ", "
		       TREE("1, -1, -1", "2, -1, -1", "2, 0, 0", "0, -4, 4", "0, 0, 0"));
	doc = model("multi:softprob", "5E-1", 2, "gbtree", trees.buf, "0, 1, 1, 0, 1");
	tree = json_array_get(json_object_get(json_object_get(json_object_get(
		json_object_get(doc, "learner"), "gradient_booster"), "model"), "trees"), 1);
	json_object_set_new(tree, "split_type", json_pack("[i, i, i]", 1, 0, 0));
	json_object_set_new(tree, "categories_nodes", json_pack("[i]", 0));
	json_object_set_new(tree, "categories_segments", json_pack("[i]", 0));
	json_object_set_new(tree, "categories_sizes", json_pack("[i]", 2));
	json_object_set_new(tree, "categories", json_pack("[i, i]", 1, 3));
	t = build(ctx, doc);
	CHECK(t != NULL);
	if (!t)
		goto out;
	for (int i = 0; i < 70; i++) {
		x[i][0] = i % 7 ? (float)(i % 5) - 2.0f : NAN;
		x[i][1] = i % 11 ? (float)(i % 13) * 0.5f - 3.0f : NAN;
		x[i][2] = i % 9 ? (float)(i % 4) : NAN;
	}
	cairn__native_trees_predict(t, &x[0][0], 70, 1, &all[0][0]);
	t->wide = 0;
	cairn__native_trees_predict(t, &x[0][0], 70, 1, &portable[0][0]);
	for (int i = 0; i < 70; i++) {
		cairn__native_trees_predict(t, x[i], 1, 1, one);
		for (int k = 0; k < 2; k++) {
			CHECK_BITS(all[i][k], one[k]);
			CHECK_BITS(portable[i][k], one[k]);
		}
	}
	/* row 1: -1 >= 0.5 no, -2.5 >= -1 no: 2; category 1: 20; the chain's
	 * first split sends 1 >= -2 right, the next -2.5 < -1.5 left: 1.5;
	 * 1 >= 0: 4 */
	CHECK_BITS(all[1][0], 0.5f + 2.0f + 0.25f);
	CHECK_BITS(all[1][1], 0.5f + 20.0f + 1.5f + 4.0f);
out:
	cairn__native_trees_free(t);
	cairn_buf_release(&trees);
	cairn_ctx_free(ctx);
}

/* liblinear's sparse row of a dense one (the non-zero values, the bias). */
static void sparse(const float *v, int n, double bias, struct feature_node *out)
{
	int k = 0;

	for (int j = 0; j < n; j++)
		if (v[j] != 0)
			out[k++] = (struct feature_node){ j + 1, v[j] };
	if (bias >= 0)
		out[k++] = (struct feature_node){ n + 1, bias };
	out[k].index = -1;
}

/* Decision values and probabilities as liblinear computes them, bit for bit,
 * for binary, multiclass and Crammer-Singer models with and without bias. */
static void test_native_linear(void)
{
	static const struct { int solver, nr_class; double bias; } cases[] = {
		{ L2R_LR, 2, 1 }, { L2R_LR, 4, 1 }, { L2R_LR, 3, -1 },
		{ L2R_L2LOSS_SVC_DUAL, 2, 1 }, { MCSVM_CS, 2, 1 }, { L2R_L2LOSS_SVR, 2, 1 },
	};
	const struct cairn__linear_api *api;
	cairn_ctx *ctx = cairn_ctx_new();
	struct feature_node row[8];
	int labels[4] = { 0, 1, 2, 3 };
	double w[6 * 4], a[4], b[4];
	float v[5];

	if (cairn__linear(ctx, "the unit test", &api)) {
		printf("skip: %s\n", cairn_errmsg(ctx));
		cairn_ctx_free(ctx);
		return;
	}
	for (int i = 0; i < 6 * 4; i++)
		w[i] = ((i * 37) % 23 - 11) / 7.0;
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		struct model m = { .nr_class = cases[c].nr_class, .nr_feature = 5, .w = w,
				   .label = labels, .bias = cases[c].bias };
		m.param.solver_type = cases[c].solver;
		for (int r = 0; r < 300; r++) {
			for (int j = 0; j < 5; j++)
				v[j] = (r * (j + 3)) % 4 ? (float)(((r + 1) * (j + 7)) % 19) / 3.1f - 2 : 0;
			sparse(v, 5, m.bias, row);
			api->predict_values(&m, row, a);
			cairn__native_linear_values(&m, v, b);
			CHECK(!memcmp(a, b, sizeof(double) * (m.nr_class == 2 &&
							     cases[c].solver != MCSVM_CS ? 1 : (size_t)m.nr_class)));
			if (!api->check_probability_model(&m))
				continue;
			api->predict_probability(&m, row, a);
			cairn__native_linear_probability(&m, v, b);
			CHECK(!memcmp(a, b, sizeof(double) * (size_t)m.nr_class));
		}
	}
	cairn_ctx_free(ctx);
}

const struct unit_test native_tests[] = {
	{ "native_split", test_native_split },
	{ "native_logistic", test_native_logistic },
	{ "native_softmax", test_native_softmax },
	{ "native_blocks", test_native_blocks },
	{ "native_blocks_reference", test_native_blocks_reference },
	{ "native_unsupported", test_native_unsupported },
	{ "native_categorical", test_native_categorical },
	{ "native_wide_mixed", test_native_wide_mixed },
	{ "native_linear", test_native_linear },
	{ NULL, NULL }
};
