/*
 * Checking an XGBoost model (its JSON document, read from JSON or UBJSON, or
 * saved as JSON by libxgboost from the older binary format) before
 * libxgboost predicts with it: libxgboost trusts the file, and a crafted one
 * crashes it, loops forever or predicts garbage.
 *
 * What is checked: the learner's parameters (a feature count, a class count of
 * at most CAIRN__XGB_MAX_CLASSES, a finite base score); for gbtree and dart,
 * that the tree count agrees with num_trees, tree_info and the class count;
 * for every tree, that its per-node arrays all have num_nodes entries, that
 * each child index is -1 (a leaf, both children) or another node, that the
 * nodes reached from the root form a tree (no node reached twice: no
 * cycles), that each split's feature is below the feature count, that
 * thresholds, leaf values and weights are finite, and that categorical
 * splits stay inside their arrays; for gblinear, the weight count and that
 * the weights are finite.
 *
 * A document without a learner is no XGBoost model: CAIRN_EPARSE. A problem
 * in one that has is CAIRN_ECORRUPT with a message naming the file, the tree and the
 * node ("damaged xgboost model 'm.json': tree 2 node 5: left child 9 is not a
 * node (the tree has 7)"). Thread-safe; allocates only for its traversal.
 */
#ifndef CAIRN_ML_XGB_VALIDATE_H
#define CAIRN_ML_XGB_VALIDATE_H

#include <jansson.h>
#include <stddef.h>
#include "cairn/buf.h"
#include "cairn/ctx.h"

#define CAIRN__XGB_MAX_CLASSES 65536
#define CAIRN__XGB_MAX_FEATURES ((size_t)1 << 24)

/* Checks the JSON document of a model (what names the file in errors). */
int cairn__xgb_validate(cairn_ctx *ctx, const char *what, const json_t *model);

/*
 * Parses XGBoost's JSON text, which may hold NaN, Infinity, -Infinity and
 * numbers too large for a double (JSON does not): those become null, so that
 * cairn__xgb_validate() reports them at their tree and node. Malformed JSON
 * is CAIRN_EPARSE naming the line and column.
 */
int cairn__xgb_json_load(cairn_ctx *ctx, const char *what, const char *text, size_t len,
			 json_t **out);

#endif
