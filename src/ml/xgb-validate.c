/* Checking an XGBoost model document before libxgboost sees it; see
 * ml/xgb-validate.h. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "cairn/buf.h"
#include "cairn/error.h"
#include "core/json.h"
#include "ml/xgb-validate.h"

/* Categories of a categorical split are bits of a bitfield: bound them. */
#define MAX_CATEGORY ((int64_t)1 << 24)

struct check {
	cairn_ctx *ctx;
	const char *what;
	size_t nfeatures;
	size_t tree;          /* the tree being checked */
	int in_tree;
};

static int damaged(struct check *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int damaged(struct check *c, const char *fmt, ...)
{
	cairn_buf msg = CAIRN_BUF_INIT;
	va_list ap;

	cairn_buf_addf(&msg, "damaged xgboost model '%s': ", c->what);
	if (c->in_tree)
		cairn_buf_addf(&msg, "tree %zu ", c->tree);
	va_start(ap, fmt);
	cairn_buf_vaddf(&msg, fmt, ap);
	va_end(ap);
	cairn_error(c->ctx, CAIRN_ECORRUPT, "%s", msg.buf);
	cairn_buf_release(&msg);
	return CAIRN_ECORRUPT;
}

/* A parameter XGBoost writes as a decimal string ("4"), or an integer. */
static int param_int(struct check *c, const json_t *obj, const char *name, int64_t max,
		     int64_t *out)
{
	const json_t *v = json_object_get(obj, name);
	const char *s = json_string_value(v);
	char *end;

	if (json_is_integer(v)) {
		*out = json_integer_value(v);
	} else if (s && *s >= '0' && *s <= '9') {
		errno = 0;
		*out = strtoll(s, &end, 10);
		if (*end || errno)
			*out = -1;
	} else
		return damaged(c, "'%s' is missing or not a number", name);
	if (*out < 0 || *out > max)
		return damaged(c, "'%s' is %" PRId64 ", outside [0, %" PRId64 "]", name, *out, max);
	return 0;
}

/* An array member of obj with exactly n entries (n == SIZE_MAX: any). */
static int get_array(struct check *c, const json_t *obj, const char *name, size_t n,
		     const json_t **out)
{
	const json_t *a = json_object_get(obj, name);

	if (!json_is_array(a))
		return damaged(c, "'%s' is missing or not an array", name);
	if (n != SIZE_MAX && json_array_size(a) != n)
		return damaged(c, "'%s' has %zu entries, expected %zu", name, json_array_size(a), n);
	*out = a;
	return 0;
}

static int int_at(const json_t *a, size_t i, int64_t *out)
{
	const json_t *v = json_array_get(a, i);

	if (json_is_integer(v)) {
		*out = json_integer_value(v);
		return 0;
	}
	if (json_is_true(v) || json_is_false(v)) {
		*out = json_is_true(v);
		return 0;
	}
	return -1;
}

/* 1 when entry i of a is a finite number (null stands for NaN and infinities). */
static int finite_at(const json_t *a, size_t i, double *out)
{
	const json_t *v = json_array_get(a, i);

	if (!json_is_number(v))
		return 0;
	*out = json_number_value(v);
	return isfinite(*out);
}

/* The arrays of one tree, each with a node's entry at its index. */
struct tree {
	size_t n;
	const json_t *left, *right, *parents, *split, *cond, *default_left, *weights,
		     *loss, *hessian, *type;
};

static int check_node(struct check *c, const struct tree *t, size_t i, int64_t *kids)
{
	int64_t l, r, feature, type = 0, flag;
	double d;

	if (int_at(t->left, i, &l) || int_at(t->right, i, &r))
		return damaged(c, "node %zu: a child index is not an integer", i);
	if (!finite_at(t->weights, i, &d) || !finite_at(t->loss, i, &d) ||
	    !finite_at(t->hessian, i, &d))
		return damaged(c, "node %zu: its weight, gain or cover is not a finite number", i);
	if (int_at(t->default_left, i, &flag) || flag < 0 || flag > 1)
		return damaged(c, "node %zu: 'default_left' is not 0 or 1", i);
	if (l == -1 && r == -1) {
		if (!finite_at(t->cond, i, &d))
			return damaged(c, "node %zu: the leaf value is not a finite number", i);
		kids[0] = kids[1] = -1;
		return 0;
	}
	if (l < 1 || (uint64_t)l >= t->n || l == (int64_t)i)
		return damaged(c, "node %zu: left child %" PRId64 " is not a node (the tree has %zu)",
			       i, l, t->n);
	if (r < 1 || (uint64_t)r >= t->n || r == (int64_t)i || r == l)
		return damaged(c, "node %zu: right child %" PRId64 " is not a node (the tree has %zu)",
			       i, r, t->n);
	if (int_at(t->split, i, &feature))
		return damaged(c, "node %zu: the split feature is not an integer", i);
	if (feature < 0 || (uint64_t)feature >= c->nfeatures)
		return damaged(c, "node %zu: split feature %" PRId64 " is beyond the model's %zu"
			       " features", i, feature, c->nfeatures);
	if (t->type && (int_at(t->type, i, &type) || type < 0 || type > 1))
		return damaged(c, "node %zu: 'split_type' is not 0 (numeric) or 1 (categorical)", i);
	if (!type && !finite_at(t->cond, i, &d))
		return damaged(c, "node %zu: the split threshold is not a finite number", i);
	kids[0] = l;
	kids[1] = r;
	return 0;
}

/* Walks the tree from the root: each node reached at most once, and each
 * child's parent entry pointing back. */
static int check_shape(struct check *c, const struct tree *t)
{
	unsigned char *seen = cairn_xcalloc(t->n, 1);
	size_t *stack = cairn_xmalloc(t->n * sizeof(*stack)), top = 0;
	int rc = 0;

	stack[top++] = 0;
	seen[0] = 1;
	while (top && !rc) {
		size_t i = stack[--top];
		int64_t kids[2], parent;
		if ((rc = check_node(c, t, i, kids)))
			break;
		for (int k = 0; k < 2 && !rc && kids[k] >= 0; k++) {
			size_t child = (size_t)kids[k];
			if (seen[child])
				rc = damaged(c, "node %zu: child %zu is reached twice (a cycle, or a"
					     " node with two parents)", i, child);
			else if (int_at(t->parents, child, &parent) || parent != (int64_t)i)
				rc = damaged(c, "node %zu: its parent entry does not name node %zu",
					     child, i);
			else {
				seen[child] = 1;
				stack[top++] = child;
			}
		}
	}
	free(seen);
	free(stack);
	return rc;
}

static int check_categories(struct check *c, const json_t *tree, const struct tree *t)
{
	const json_t *cats = NULL, *nodes = NULL, *segments, *sizes;
	size_t m;

	if (!json_object_get(tree, "categories_nodes")) {
		for (size_t i = 0; t->type && i < t->n; i++) {
			int64_t type;
			if (!int_at(t->type, i, &type) && type == 1)
				return damaged(c, "node %zu: a categorical split without categories", i);
		}
		return 0;
	}
	if (get_array(c, tree, "categories", SIZE_MAX, &cats) ||
	    get_array(c, tree, "categories_nodes", SIZE_MAX, &nodes))
		return CAIRN_ECORRUPT;
	m = json_array_size(nodes);
	if (get_array(c, tree, "categories_segments", m, &segments) ||
	    get_array(c, tree, "categories_sizes", m, &sizes))
		return CAIRN_ECORRUPT;
	for (size_t j = 0; j < json_array_size(cats); j++) {
		int64_t v;
		if (int_at(cats, j, &v) || v < 0 || v >= MAX_CATEGORY)
			return damaged(c, "category %zu is not an integer in [0, %" PRId64 ")", j,
				       MAX_CATEGORY);
	}
	for (size_t j = 0; j < m; j++) {
		int64_t node, seg, size, type;
		if (int_at(nodes, j, &node) || node < 0 || (uint64_t)node >= t->n)
			return damaged(c, "categorical split %zu names no node of the tree's %zu", j,
				       t->n);
		if (!t->type || int_at(t->type, (size_t)node, &type) || type != 1)
			return damaged(c, "node %" PRId64 ": has categories but is not a categorical"
				       " split", node);
		if (int_at(segments, j, &seg) || int_at(sizes, j, &size) || seg < 0 || size < 0 ||
		    (uint64_t)seg > json_array_size(cats) ||
		    (uint64_t)size > json_array_size(cats) - (uint64_t)seg)
			return damaged(c, "node %" PRId64 ": its categories lie outside the %zu"
				       " stored", node, json_array_size(cats));
	}
	return 0;
}

static int check_tree(struct check *c, const json_t *tree, size_t index)
{
	const json_t *param = json_object_get(tree, "tree_param");
	struct tree t = { 0 };
	int64_t n, id, leaf_vector = 0;
	int rc;

	c->tree = index;
	c->in_tree = 1;
	if (!json_is_object(tree))
		return damaged(c, "is not an object");
	if (!json_is_integer(json_object_get(tree, "id")) ||
	    (id = json_integer_value(json_object_get(tree, "id")), id != (int64_t)index))
		return damaged(c, "has 'id' other than its position %zu", index);
	if ((rc = param_int(c, param, "num_nodes", INT32_MAX, &n)))
		return rc;
	if (!n)
		return damaged(c, "has no nodes");
	if (json_object_get(param, "size_leaf_vector") &&
	    (rc = param_int(c, param, "size_leaf_vector", INT32_MAX, &leaf_vector)))
		return rc;
	if (leaf_vector > 1)
		return damaged(c, "has vector leaves (size_leaf_vector %" PRId64 "), which cairn"
			       " does not read", leaf_vector);
	t.n = (size_t)n;
	if ((rc = get_array(c, tree, "left_children", t.n, &t.left)) ||
	    (rc = get_array(c, tree, "right_children", t.n, &t.right)) ||
	    (rc = get_array(c, tree, "parents", t.n, &t.parents)) ||
	    (rc = get_array(c, tree, "split_indices", t.n, &t.split)) ||
	    (rc = get_array(c, tree, "split_conditions", t.n, &t.cond)) ||
	    (rc = get_array(c, tree, "default_left", t.n, &t.default_left)) ||
	    (rc = get_array(c, tree, "base_weights", t.n, &t.weights)) ||
	    (rc = get_array(c, tree, "loss_changes", t.n, &t.loss)) ||
	    (rc = get_array(c, tree, "sum_hessian", t.n, &t.hessian)))
		return rc;
	if (json_object_get(tree, "split_type") &&
	    (rc = get_array(c, tree, "split_type", t.n, &t.type)))
		return rc;
	if ((rc = check_categories(c, tree, &t)) || (rc = check_shape(c, &t)))
		return rc;
	c->in_tree = 0;
	return 0;
}

static int check_trees(struct check *c, const json_t *model, int64_t groups)
{
	const json_t *trees, *info;
	int64_t ntrees, g;
	int rc;

	if ((rc = param_int(c, json_object_get(model, "gbtree_model_param"), "num_trees",
			    INT32_MAX, &ntrees)) ||
	    (rc = get_array(c, model, "trees", (size_t)ntrees, &trees)) ||
	    (rc = get_array(c, model, "tree_info", (size_t)ntrees, &info)))
		return rc;
	if (ntrees % groups)
		return damaged(c, "%" PRId64 " trees for %" PRId64 " classes: not a whole number of"
			       " rounds", ntrees, groups);
	for (size_t i = 0; i < (size_t)ntrees; i++) {
		if (int_at(info, i, &g))
			return damaged(c, "tree %zu: its entry in 'tree_info' is not an integer", i);
		if (g < 0 || g >= groups)
			return damaged(c, "tree %zu is for output %" PRId64 ", the model has %" PRId64,
				       i, g, groups);
		if ((rc = check_tree(c, json_array_get(trees, i), i)))
			return rc;
	}
	return 0;
}

int cairn__xgb_validate(cairn_ctx *ctx, const char *what, const json_t *model)
{
	struct check c = { ctx, what, 0, 0, 0 };
	const json_t *learner = json_object_get(model, "learner");
	const json_t *lp = json_object_get(learner, "learner_model_param");
	const json_t *gb = json_object_get(learner, "gradient_booster");
	const char *name = json_string_value(json_object_get(gb, "name"));
	const char *base = json_string_value(json_object_get(lp, "base_score"));
	int64_t nfeatures, nclasses, ntargets = 1, groups;
	char *end;
	int rc;

	if (!json_is_object(learner))
		return cairn_error(ctx, CAIRN_EPARSE, "cannot load xgboost model '%s': not a model"
				   " saved by XGBoost (no 'learner')", what);
	if (!json_is_object(lp) || !name)
		return damaged(&c, "no learner with parameters and a booster");
	if ((rc = param_int(&c, lp, "num_feature", (int64_t)CAIRN__XGB_MAX_FEATURES, &nfeatures)) ||
	    (rc = param_int(&c, lp, "num_class", CAIRN__XGB_MAX_CLASSES, &nclasses)) ||
	    (json_object_get(lp, "num_target") &&
	     (rc = param_int(&c, lp, "num_target", 1, &ntargets))))
		return rc;
	if (base) {
		double d = strtod(base, &end);
		if (*end || end == base || !isfinite(d))
			return damaged(&c, "'base_score' %s is not a finite number", base);
	}
	c.nfeatures = (size_t)nfeatures;
	groups = nclasses > 1 ? nclasses : 1;
	if (!strcmp(name, "gbtree"))
		return check_trees(&c, json_object_get(gb, "model"), groups);
	if (!strcmp(name, "dart")) {
		const json_t *trees = json_object_get(json_object_get(gb, "gbtree"), "model");
		const json_t *drop;
		double d;
		if ((rc = check_trees(&c, trees, groups)) ||
		    (rc = get_array(&c, gb, "weight_drop",
				    json_array_size(json_object_get(trees, "trees")), &drop)))
			return rc;
		for (size_t i = 0; i < json_array_size(drop); i++)
			if (!finite_at(drop, i, &d))
				return damaged(&c, "the dart weight of tree %zu is not a finite number", i);
		return 0;
	}
	if (!strcmp(name, "gblinear")) {
		const json_t *w;
		double d;
		if ((rc = get_array(&c, json_object_get(gb, "model"), "weights",
				    (size_t)(nfeatures + 1) * (size_t)groups, &w)))
			return rc;
		for (size_t i = 0; i < json_array_size(w); i++)
			if (!finite_at(w, i, &d))
				return damaged(&c, "linear weight %zu is not a finite number", i);
		return 0;
	}
	return damaged(&c, "unknown booster '%s' (cairn reads gbtree, dart and gblinear)", name);
}

/* 1 for NaN, Infinity, -Infinity or a number beyond a double's range. A token
 * too long for the buffer is left to the JSON reader, which refuses it. */
static int nonfinite_token(const char *p, size_t len)
{
	char tok[64], *end;
	double d;

	if (len >= sizeof(tok))
		return 0;
	memcpy(tok, p, len);
	tok[len] = 0;
	if (!strcmp(tok, "NaN") || !strcmp(tok, "-NaN") || !strcmp(tok, "Infinity") ||
	    !strcmp(tok, "-Infinity"))
		return 1;
	d = strtod(tok, &end);
	return end == tok + len && !isfinite(d);
}

/* Copies text with NaN, Infinity, -Infinity and numbers beyond a double's
 * range, outside strings, replaced by null. */
static void nonfinite_to_null(const char *text, size_t len, cairn_buf *out)
{
	size_t i = 0;

	while (i < len) {
		char ch = text[i];
		if (ch == '"') {
			size_t j = i + 1;
			while (j < len && text[j] != '"')
				j += text[j] == '\\' ? 2 : 1;
			j = j < len ? j + 1 : len;
			cairn_buf_add(out, text + i, j - i);
			i = j;
		} else if (ch == '-' || (ch >= '0' && ch <= '9') || ch == 'N' || ch == 'I') {
			size_t j = i;
			while (j < len && text[j] && strchr("+-.0123456789eEINaInfinity", text[j]))
				j++;
			if (j == i)
				j = i + 1;
			if (nonfinite_token(text + i, j - i))
				cairn_buf_adds(out, "null");
			else
				cairn_buf_add(out, text + i, j - i);
			i = j;
		} else
			cairn_buf_addch(out, text[i++]);
	}
}

int cairn__xgb_json_load(cairn_ctx *ctx, const char *what, const char *text, size_t len,
			 json_t **out)
{
	cairn_buf b = CAIRN_BUF_INIT;
	int rc;

	nonfinite_to_null(text, len, &b);
	rc = cairn_json_load_text(ctx, what, b.buf, b.len, out);
	cairn_buf_release(&b);
	return rc;
}
