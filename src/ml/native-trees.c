/* The native evaluator of XGBoost tree ensembles, bit-identical to
 * libxgboost 1.7's CPU predictor; see ml/native.h. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "cairn/buf.h"
#include "cairn/error.h"
#include "ml/native.h"

/* XGBoost's formulas have no multiply-add: keep any compiler from fusing. */
#if defined(__clang__)
#pragma clang fp contract(off)
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif

/* Rows evaluated together, tree by tree, so that a tree's nodes stay in
 * cache across the rows (XGBoost's CPU predictor takes 64 too). */
#define BLOCK_ROWS 64
/* A split node's default direction and kind, in the high bits of its
 * feature (features are fewer than 2^24). */
#define DEFAULT_LEFT 0x80000000u
#define CATEGORICAL 0x40000000u
#define FEATURE(n) ((n)->feature & ~(DEFAULT_LEFT | CATEGORICAL))
/* XGBoost's largest category (common::OutOfRangeCat), exclusive. */
#define CATEGORY_LIMIT 16777216.0f

/* One node: a leaf has left -1 and its value; a numeric split sends a row
 * to left when its feature's value < value, else to left + 1; a
 * categorical one sends the categories of its set (a bitset at set in the
 * evaluator's sets) to left + 1 and the others left. */
struct node {
	union {
		float value;
		uint32_t set;
	};
	int32_t left;
	uint32_t feature;      /* | DEFAULT_LEFT | CATEGORICAL */
};

enum link { LINK_IDENTITY, LINK_SIGMOID, LINK_SOFTMAX, LINK_ARGMAX, LINK_EXP, LINK_HINGE };

struct cairn__native_trees {
	struct node *nodes;    /* all trees' nodes, tree after tree */
	size_t *root;          /* ntrees: a tree's first node */
	uint32_t *group;       /* ntrees: the output group it adds to */
	/* The categorical splits' sets: at a node's set, the number of 32-bit
	 * words, then the words (bit c % 32 of word c / 32 for category c). */
	uint32_t *sets;
	size_t nsets, sets_alloc;
	size_t ntrees, nfeatures, groups;
	float base_margin;
	enum link link;
};

/* How each objective XGBoost 1.7 predicts with turns its base score into a
 * margin (ProbToMargin) and margins into outputs (PredTransform). */
enum base { BASE_IDENTITY, BASE_LOGIT, BASE_LOG };

static const struct {
	const char *name;
	enum base base;
	enum link link;
} objectives[] = {
	{ "binary:logistic", BASE_LOGIT, LINK_SIGMOID },
	{ "reg:logistic", BASE_LOGIT, LINK_SIGMOID },
	{ "binary:logitraw", BASE_IDENTITY, LINK_IDENTITY },
	{ "binary:hinge", BASE_IDENTITY, LINK_HINGE },
	{ "multi:softprob", BASE_IDENTITY, LINK_SOFTMAX },
	{ "multi:softmax", BASE_IDENTITY, LINK_ARGMAX },
	{ "reg:squarederror", BASE_IDENTITY, LINK_IDENTITY },
	{ "reg:squaredlogerror", BASE_IDENTITY, LINK_IDENTITY },
	{ "reg:pseudohubererror", BASE_IDENTITY, LINK_IDENTITY },
	{ "reg:absoluteerror", BASE_IDENTITY, LINK_IDENTITY },
	{ "count:poisson", BASE_LOG, LINK_EXP },
	{ "reg:gamma", BASE_LOG, LINK_EXP },
	{ "reg:tweedie", BASE_LOG, LINK_EXP },
};

void cairn__native_trees_free(struct cairn__native_trees *t)
{
	if (!t)
		return;
	free(t->nodes);
	free(t->root);
	free(t->group);
	free(t->sets);
	free(t);
}

size_t cairn__native_trees_groups(const struct cairn__native_trees *t)
{
	return t->groups;
}

/* The number at a[i] (an integer, a real or a boolean, as JSON and UBJSON
 * hold XGBoost's arrays); 0 when there is none. */
static int number_at(const json_t *a, size_t i, double *out)
{
	const json_t *v = json_array_get(a, i);

	if (json_is_number(v))
		*out = json_number_value(v);
	else if (json_is_boolean(v))
		*out = json_is_true(v);
	else
		return 0;
	return 1;
}

/* A learner parameter XGBoost writes as a decimal string. */
static long param_long(const json_t *lp, const char *name)
{
	const char *s = json_string_value(json_object_get(lp, name));

	return s ? strtol(s, NULL, 10) : -1;
}

/* Adds the set of categories cats[begin, begin + n) to t; its offset in
 * *at. 0 when a category is out of XGBoost's range. */
static int add_set(struct cairn__native_trees *t, const json_t *cats, size_t begin, size_t n,
		   uint32_t *at)
{
	double c, max = -1;
	size_t words;

	for (size_t j = begin; j < begin + n; j++) {
		if (!number_at(cats, j, &c) || !(c >= 0 && c < CATEGORY_LIMIT) || c != floor(c))
			return 0;
		max = c > max ? c : max;
	}
	if (max < 0)
		return 0;
	words = (size_t)max / 32 + 1;
	if (t->nsets + words + 1 > t->sets_alloc) {
		t->sets_alloc = (t->nsets + words + 1) * 2;
		t->sets = cairn_xrealloc(t->sets, t->sets_alloc * sizeof(*t->sets));
	}
	*at = (uint32_t)t->nsets;
	t->sets[t->nsets] = (uint32_t)words;
	memset(t->sets + t->nsets + 1, 0, words * sizeof(*t->sets));
	for (size_t j = begin; j < begin + n; j++) {
		number_at(cats, j, &c);
		t->sets[t->nsets + 1 + (size_t)c / 32] |= 1u << ((size_t)c % 32);
	}
	t->nsets += words + 1;
	return 1;
}

/* Gives tree i's categorical splits (the nodes in root) their sets: 1 when
 * done, 0 when the arrays are not as libxgboost writes them. */
static int add_sets(struct cairn__native_trees *t, const json_t *tree, struct node *root,
		    size_t n)
{
	const json_t *nodes = json_object_get(tree, "categories_nodes");
	const json_t *segments = json_object_get(tree, "categories_segments");
	const json_t *sizes = json_object_get(tree, "categories_sizes");
	const json_t *cats = json_object_get(tree, "categories");
	size_t m = json_array_size(nodes), found = 0;
	double node, begin, size;

	if (json_array_size(segments) != m || json_array_size(sizes) != m)
		return 0;
	for (size_t j = 0; j < m; j++) {
		if (!number_at(nodes, j, &node) || !number_at(segments, j, &begin) ||
		    !number_at(sizes, j, &size) || !(node >= 0 && node < (double)n) ||
		    !(root[(size_t)node].feature & CATEGORICAL) || !(begin >= 0 && size >= 1) ||
		    begin + size > (double)json_array_size(cats) ||
		    !add_set(t, cats, (size_t)begin, (size_t)size, &root[(size_t)node].set))
			return 0;
	}
	/* every categorical split has its set */
	for (size_t j = 0; j < n; j++)
		found += root[j].left >= 0 && (root[j].feature & CATEGORICAL);
	return found == m;
}

/*
 * Appends tree i's nodes to t (t->nodes has room). 1 when done, 0 when the
 * tree is one the evaluator does not cover, CAIRN_ECORRUPT when malformed.
 * A split's children must follow it (XGBoost adds children after their
 * parent, left then right), which also keeps every walk finite.
 */
static int add_tree(cairn_ctx *ctx, const char *what, const json_t *tree, size_t i,
		    struct cairn__native_trees *t, size_t *used)
{
	const json_t *left = json_object_get(tree, "left_children");
	const json_t *right = json_object_get(tree, "right_children");
	const json_t *feature = json_object_get(tree, "split_indices");
	const json_t *cond = json_object_get(tree, "split_conditions");
	const json_t *dleft = json_object_get(tree, "default_left");
	const json_t *type = json_object_get(tree, "split_type");
	size_t n = json_array_size(left);
	struct node *root = t->nodes + *used;
	double l, r, f, c, d, ty = 0;
	int categorical = 0;

	if (!n || json_array_size(right) != n || json_array_size(feature) != n ||
	    json_array_size(cond) != n || json_array_size(dleft) != n ||
	    (type && json_array_size(type) != n))
		return cairn_error(ctx, CAIRN_ECORRUPT, "damaged xgboost model '%s': tree %zu's "
				   "node arrays differ in length", what, i);
	t->root[i] = *used;
	for (size_t j = 0; j < n; j++) {
		struct node *o = &root[j];
		if (!number_at(left, j, &l) || !number_at(right, j, &r) ||
		    !number_at(feature, j, &f) || !number_at(dleft, j, &d) ||
		    (type && !number_at(type, j, &ty)))
			return 0;
		if (l == -1) {
			/* a leaf: its value in split_conditions */
			if (!number_at(cond, j, &c))
				return 0;
			o->value = (float)c;
			o->left = -1;
			o->feature = 0;
			continue;
		}
		if (!(l > (double)j && l < (double)n && r == l + 1 && f >= 0 &&
		      f < (double)t->nfeatures) || (ty != 0 && ty != 1))
			return 0;
		o->left = (int32_t)l;
		o->feature = (uint32_t)f | (d ? DEFAULT_LEFT : 0);
		if (ty == 1) {
			/* categorical: its threshold is unused (NaN in the file) */
			o->feature |= CATEGORICAL;
			o->set = 0;
			categorical = 1;
		} else if (!number_at(cond, j, &c)) {
			return 0;
		} else {
			o->value = (float)c;
		}
	}
	if (categorical && !add_sets(t, tree, root, n))
		return 0;
	*used += n;
	return 1;
}

/* Reads the learner's objective and base score into t; 0 when the evaluator
 * does not cover them. */
static int set_objective(const json_t *learner, struct cairn__native_trees *t)
{
	const json_t *lp = json_object_get(learner, "learner_model_param");
	const char *name = json_string_value(json_object_get(json_object_get(learner, "objective"),
							     "name"));
	const char *base = json_string_value(json_object_get(lp, "base_score"));
	long nclass = param_long(lp, "num_class");
	float b;

	if (!name || !base || nclass < 0 || (json_object_get(lp, "num_target") &&
					     param_long(lp, "num_target") != 1))
		return 0;
	t->groups = nclass > 1 ? (size_t)nclass : 1;
	b = strtof(base, NULL);
	for (size_t i = 0; i < sizeof(objectives) / sizeof(objectives[0]); i++) {
		if (strcmp(name, objectives[i].name))
			continue;
		t->link = objectives[i].link;
		if ((t->link == LINK_SOFTMAX || t->link == LINK_ARGMAX) != (t->groups > 1))
			return 0;
		switch (objectives[i].base) {
		case BASE_IDENTITY:
			t->base_margin = b;
			break;
		case BASE_LOGIT:
			/* libxgboost refuses a base score outside (0, 1). */
			if (!(b > 0.0f && b < 1.0f))
				return 0;
			t->base_margin = -logf(1.0f / b - 1.0f);
			break;
		case BASE_LOG:
			t->base_margin = logf(b);
			break;
		}
		return isfinite(t->base_margin);
	}
	return 0;
}

int cairn__native_trees_build(cairn_ctx *ctx, const char *what, const json_t *doc,
			      size_t nfeatures, struct cairn__native_trees **out)
{
	const json_t *learner = json_object_get(doc, "learner");
	const json_t *gb = json_object_get(learner, "gradient_booster");
	const json_t *model = json_object_get(gb, "model");
	const json_t *trees = json_object_get(model, "trees");
	const json_t *info = json_object_get(model, "tree_info");
	const char *booster = json_string_value(json_object_get(gb, "name"));
	struct cairn__native_trees *t;
	size_t total = 0, used = 0;
	int rc = 1;
	double g;

	*out = NULL;
	if (!booster || strcmp(booster, "gbtree") || !json_is_array(trees) ||
	    json_array_size(info) != json_array_size(trees))
		return 0;
	t = cairn_xcalloc(1, sizeof(*t));
	t->nfeatures = nfeatures;
	t->ntrees = json_array_size(trees);
	if (!set_objective(learner, t))
		goto out;
	for (size_t i = 0; i < t->ntrees; i++)
		total += json_array_size(json_object_get(json_array_get(trees, i), "left_children"));
	t->nodes = cairn_xmalloc((total ? total : 1) * sizeof(*t->nodes));
	t->root = cairn_xmalloc((t->ntrees ? t->ntrees : 1) * sizeof(*t->root));
	t->group = cairn_xmalloc((t->ntrees ? t->ntrees : 1) * sizeof(*t->group));
	for (size_t i = 0; i < t->ntrees && rc == 1; i++) {
		if (!number_at(info, i, &g) || !(g >= 0 && g < (double)t->groups)) {
			rc = 0;
			break;
		}
		t->group[i] = (uint32_t)g;
		rc = add_tree(ctx, what, json_array_get(trees, i), i, t, &used);
	}
	if (rc == 1) {
		*out = t;
		return 0;
	}
out:
	cairn__native_trees_free(t);
	return rc == 1 ? 0 : rc;
}

/* 1 when category v is in the set at s (right), 0 otherwise (left): as
 * XGBoost's common::Decision, a value outside [0, 2^24) goes left, and a
 * fractional one counts as its integer part. */
static inline int in_set(const uint32_t *s, float v)
{
	uint32_t c;

	if (!(v >= 0.0f) || v >= CATEGORY_LIMIT)
		return 0;
	c = (uint32_t)v;
	return c / 32 < s[0] && (s[1 + c / 32] >> (c % 32) & 1);
}

/* The leaf value the row x reaches in the tree at nodes. */
static inline float leaf_value(const struct cairn__native_trees *t, const struct node *nodes,
			       const float *x)
{
	const struct node *n = nodes;

	while (n->left >= 0) {
		float v = x[FEATURE(n)];
		int32_t next;
		if (isnan(v))
			next = n->left + !(n->feature & DEFAULT_LEFT);
		else if (n->feature & CATEGORICAL)
			next = n->left + in_set(t->sets + n->set, v);
		else
			next = n->left + !(v < n->value);
		n = nodes + next;
	}
	return n->value;
}

/* XGBoost's common::Sigmoid: the exponent capped at 88.7, and a tiny
 * epsilon added to the denominator, all in float32. */
static float sigmoid(float x)
{
	const float eps = (float)1e-16;
	float nx = -x, denom;

	x = 88.7f < nx ? 88.7f : nx;
	denom = expf(x) + 1.0f + eps;
	return 1.0f / denom;
}

/* XGBoost's common::Softmax: float32 exponentials of the differences to the
 * maximum, summed in double, divided by that sum rounded to float32. */
static void softmax(float *p, size_t k)
{
	float max = p[0];
	double sum = 0.0;

	for (size_t c = 1; c < k; c++)
		max = fmaxf(p[c], max);
	for (size_t c = 0; c < k; c++) {
		p[c] = expf(p[c] - max);
		sum += p[c];
	}
	for (size_t c = 0; c < k; c++)
		p[c] /= (float)sum;
}

/* The first largest margin's index (multi:softmax's output). */
static float argmax(const float *p, size_t k)
{
	size_t best = 0;

	for (size_t c = 0; c < k; c++)
		if (p[c] > p[best])
			best = c;
	return (float)best;
}

static void transform(const struct cairn__native_trees *t, float *out, size_t rows)
{
	size_t k = t->groups;

	for (size_t i = 0; i < rows; i++) {
		float *p = out + i * k;
		switch (t->link) {
		case LINK_IDENTITY:
			break;
		case LINK_SIGMOID:
			p[0] = sigmoid(p[0]);
			break;
		case LINK_SOFTMAX:
			softmax(p, k);
			break;
		case LINK_ARGMAX:
			/* One value per row: the margins are rewritten in place. */
			out[i] = argmax(p, k);
			break;
		case LINK_EXP:
			p[0] = expf(p[0]);
			break;
		case LINK_HINGE:
			p[0] = p[0] > 0.0 ? 1.0f : 0.0f;
			break;
		}
	}
}

void cairn__native_trees_predict(const struct cairn__native_trees *t, const float *x,
				 size_t rows, int margin, float *out)
{
	const size_t k = t->groups, cols = t->nfeatures;

	for (size_t r0 = 0; r0 < rows; r0 += BLOCK_ROWS) {
		size_t n = rows - r0 < BLOCK_ROWS ? rows - r0 : BLOCK_ROWS;
		float *o = out + r0 * k;
		const float *xb = x + r0 * cols;

		for (size_t i = 0; i < n * k; i++)
			o[i] = t->base_margin;
		for (size_t j = 0; j < t->ntrees; j++) {
			const struct node *nodes = t->nodes + t->root[j];
			float *og = o + t->group[j];
			for (size_t i = 0; i < n; i++)
				og[i * k] += leaf_value(t, nodes, xb + i * cols);
		}
	}
	if (!margin)
		transform(t, out, rows);
}
