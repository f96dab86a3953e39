/* The native evaluator of XGBoost tree ensembles, bit-identical to
 * libxgboost 1.7's CPU predictor; see ml/native.h. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "cairn/buf.h"
#include "cairn/error.h"
#include "ml/native-trees.h"

/* XGBoost's formulas have no multiply-add: keep any compiler from fusing. */
#if defined(__clang__)
#pragma clang fp contract(off)
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif
/* The lanes' loops unrolled, so that their rows' indices stay in registers. */
#define UNROLL _Pragma("GCC unroll 8")

/* Rows walked down a tree at once, level by level: their loads are
 * independent, so the processor overlaps them. */
#define LANES 8
/* Levels walked between checks that every lane has reached its leaf. */
#define CHECK_LEVELS 8
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
	free(t->values);
	free(t->trees);
	free(t->sets);
	free(t->features);
	free(t->thresholds);
	free(t->leaf_values);
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
		    !(root[(size_t)node].flags & CATEGORICAL) || !(begin >= 0 && size >= 1) ||
		    begin + size > (double)json_array_size(cats) ||
		    !add_set(t, cats, (size_t)begin, (size_t)size, &root[(size_t)node].set))
			return 0;
	}
	/* every categorical split has its set */
	for (size_t j = 0; j < n; j++)
		found += (root[j].flags & CATEGORICAL) != 0;
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
	float *values = t->values + *used;
	uint32_t *level = cairn_xcalloc(n ? n : 1, sizeof(*level)), depth = 0;
	double l, r, f, c, d, ty = 0;
	int rc = 0;

	if (!n || json_array_size(right) != n || json_array_size(feature) != n ||
	    json_array_size(cond) != n || json_array_size(dleft) != n ||
	    (type && json_array_size(type) != n)) {
		rc = cairn_error(ctx, CAIRN_ECORRUPT, "damaged xgboost model '%s': tree %zu's "
				 "node arrays differ in length", what, i);
		goto out;
	}
	t->trees[i].root = (uint32_t)*used;
	for (size_t j = 0; j < n; j++) {
		struct node *o = &root[j];
		if (!number_at(left, j, &l) || !number_at(right, j, &r) ||
		    !number_at(feature, j, &f) || !number_at(dleft, j, &d) ||
		    (type && !number_at(type, j, &ty)))
			goto out;
		if (l == -1) {
			/* a leaf: its value in split_conditions */
			if (!number_at(cond, j, &c))
				goto out;
			*o = (struct node){ .threshold = NAN, .left = (uint32_t)(*used + j) };
			values[j] = (float)c;
			depth = level[j] > depth ? level[j] : depth;
			continue;
		}
		if (!(l > (double)j && l < (double)n && r == l + 1 && f >= 0 &&
		      f < (double)t->nfeatures) || (ty != 0 && ty != 1))
			goto out;
		o->left = (uint32_t)(*used + (size_t)l);
		o->feature = (uint32_t)f;
		o->flags = d ? 0 : MISSING_RIGHT;
		level[(size_t)l] = level[(size_t)l + 1] = level[j] + 1;
		values[j] = 0;
		if (ty == 1) {
			/* categorical: its threshold is unused (NaN in the file) */
			o->flags |= CATEGORICAL;
			o->set = 0;
			t->trees[i].categorical = 1;
		} else if (!number_at(cond, j, &c)) {
			goto out;
		} else {
			o->threshold = isnan((float)c) ? -INFINITY : (float)c;
		}
	}
	if (t->trees[i].categorical && !add_sets(t, tree, root, n))
		goto out;
	t->trees[i].depth = depth;
	*used += n;
	rc = 1;
out:
	free(level);
	return rc;
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
	/* node indices are 32 bits */
	if (total > UINT32_MAX)
		goto out;
	t->nodes = cairn_xmalloc((total ? total : 1) * sizeof(*t->nodes));
	t->values = cairn_xmalloc((total ? total : 1) * sizeof(*t->values));
	t->trees = cairn_xcalloc(t->ntrees ? t->ntrees : 1, sizeof(*t->trees));
	for (size_t i = 0; i < t->ntrees && rc == 1; i++) {
		if (!number_at(info, i, &g) || !(g >= 0 && g < (double)t->groups)) {
			rc = 0;
			break;
		}
		t->trees[i].group = (uint32_t)g;
		rc = add_tree(ctx, what, json_array_get(trees, i), i, t, &used);
	}
	if (rc == 1) {
		cairn__native_trees_wide_build(t);
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

/* The node after node i for the row x in a tree without categorical
 * splits: computed, not branched to, since which way a row goes is
 * unpredictable. Without missing values (a constant), NaN is not checked. */
#define INLINE static inline __attribute__((always_inline))
INLINE uint32_t next_node(const struct node *nodes, uint32_t i, const float *x, int missing)
{
	const struct node *n = nodes + i;
	float v = x[n->feature];
	uint32_t right = v >= n->threshold;

	if (missing)
		right |= (v != v) & n->flags;
	return n->left + right;
}

/*
 * Takes lanes walks down trees without categorical splits together, level
 * by level: lane i starts at node at[i] with the row at x + i * stride
 * (several rows down one tree, or one row down several trees with stride
 * 0), and ends with its leaf in at[i]. A leaf keeps a walk on it, so the
 * walks need not stop at their own leaves: they stop at depth, the deepest
 * leaf's level, or earlier when every one has arrived (checked every
 * CHECK_LEVELS levels, for deep trees).
 */
INLINE void walk(const struct node *nodes, uint32_t depth, const float *x, size_t stride,
		 uint32_t *at, size_t lanes, int missing)
{
	for (uint32_t d = 0; d < depth; d++) {
		int arrived = 1;
		UNROLL
		for (size_t i = 0; i < lanes; i++)
			at[i] = next_node(nodes, at[i], x + i * stride, missing);
		if (d % CHECK_LEVELS != CHECK_LEVELS - 1 || d + 1 == depth)
			continue;
		UNROLL
		for (size_t i = 0; i < lanes; i++)
			arrived &= nodes[at[i]].left == at[i];
		if (arrived)
			break;
	}
}

/* The leaf the row x reaches in the tree tr, of categorical splits or not. */
static uint32_t leaf(const struct cairn__native_trees *t, const struct tree *tr, const float *x)
{
	const struct node *nodes = t->nodes;
	uint32_t i = tr->root;

	if (!tr->categorical) {
		walk(nodes, tr->depth, x, 0, &i, 1, 1);
		return i;
	}
	while (nodes[i].left != i) {
		const struct node *n = nodes + i;
		float v = x[n->feature];
		if (isnan(v))
			i = n->left + (n->flags & MISSING_RIGHT);
		else if (n->flags & CATEGORICAL)
			i = n->left + (uint32_t)in_set(t->sets + n->set, v);
		else
			i = n->left + (v >= n->threshold);
	}
	return i;
}

uint32_t cairn__native_trees_leaf(const struct cairn__native_trees *t, const struct tree *tr,
				  const float *x)
{
	return leaf(t, tr, x);
}

/* Adds every tree's leaf value for the row x to its outputs out, in tree
 * order, walking LANES trees at once where none of them is categorical. */
INLINE void add_row(const struct cairn__native_trees *t, const float *x, float *out,
		    int missing)
{
	const struct tree *tr = t->trees;
	uint32_t at[LANES], depth;
	size_t j = 0, l;

	while (j < t->ntrees) {
		depth = 0;
		for (l = 0; l < LANES && j + l < t->ntrees && !tr[j + l].categorical; l++) {
			at[l] = tr[j + l].root;
			depth = tr[j + l].depth > depth ? tr[j + l].depth : depth;
		}
		if (l < LANES) {
			out[tr[j].group] += t->values[leaf(t, &tr[j], x)];
			j++;
			continue;
		}
		walk(t->nodes, depth, x, 0, at, LANES, missing);
		UNROLL
		for (l = 0; l < LANES; l++)
			out[tr[j + l].group] += t->values[at[l]];
		j += LANES;
	}
}

/* Adds tree tr's leaf values to the outputs out of the n rows from x
 * (LANES rows at once when it has no categorical split). */
INLINE void add_tree_rows(const struct cairn__native_trees *t, const struct tree *tr,
			  const float *x, size_t n, float *out, int missing)
{
	const size_t k = t->groups, cols = t->nfeatures;
	uint32_t at[LANES];

	out += tr->group;
	if (tr->categorical) {
		for (size_t i = 0; i < n; i++)
			out[i * k] += t->values[leaf(t, tr, x + i * cols)];
		return;
	}
	for (size_t i = 0; i < n; i += LANES) {
		UNROLL
		for (size_t l = 0; l < LANES; l++)
			at[l] = tr->root;
		walk(t->nodes, tr->depth, x + i * cols, cols, at, LANES, missing);
		UNROLL
		for (size_t l = 0; l < LANES; l++)
			out[(i + l) * k] += t->values[at[l]];
	}
}

/* 1 when the n values from x hold a missing one. */
static int has_missing(const float *x, size_t n)
{
	int nan = 0;

	for (size_t i = 0; i < n; i++)
		nan |= x[i] != x[i];
	return nan;
}

/*
 * Adds every tree's leaf values to the outputs out of the n rows from x, in
 * tree order for each row: tree by tree for the rows in whole LANES, whose
 * walks go together, and then row by row for the others, walking LANES
 * trees at once. Rows without a missing value are walked without the check.
 */
static void add_block(const struct cairn__native_trees *t, const float *x, size_t n,
		      float *out)
{
	const size_t k = t->groups, cols = t->nfeatures, whole = n - n % LANES;

	if (has_missing(x, whole * cols))
		for (size_t j = 0; j < t->ntrees; j++)
			add_tree_rows(t, &t->trees[j], x, whole, out, 1);
	else
		for (size_t j = 0; j < t->ntrees; j++)
			add_tree_rows(t, &t->trees[j], x, whole, out, 0);
	for (size_t i = whole; i < n; i++)
		if (has_missing(x + i * cols, cols))
			add_row(t, x + i * cols, out + i * k, 1);
		else
			add_row(t, x + i * cols, out + i * k, 0);
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

		if (t->wide && n >= WIDE_ROWS) {
			cairn__native_trees_wide_block(t, xb, n, o);
			continue;
		}
		for (size_t i = 0; i < n * k; i++)
			o[i] = t->base_margin;
		add_block(t, xb, n, o);
	}
	if (!margin)
		transform(t, out, rows);
}
