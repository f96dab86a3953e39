/*
 * The native tree evaluator's representation (ml/native.h), shared by its
 * portable code (native-trees.c) and its wide one for processors with
 * AVX-512 (native-trees-wide.c), which native-trees.c chooses, once, when
 * it builds the evaluator.
 */
#ifndef CAIRN_ML_NATIVE_TREES_H
#define CAIRN_ML_NATIVE_TREES_H

#include <stddef.h>
#include <stdint.h>
#include "ml/native.h"

/* A split node's missing value goes right, and it is categorical. */
#define MISSING_RIGHT 1u
#define CATEGORICAL 2u
/* XGBoost's largest category (common::OutOfRangeCat), exclusive. */
#define CATEGORY_LIMIT 16777216.0f

/*
 * One node, 16 bytes. A numeric split sends a row to left + 1 when its
 * feature's value >= threshold, to left when it is smaller, and a missing
 * value to left + (flags & MISSING_RIGHT): `value < threshold` goes left as
 * in XGBoost, since a threshold XGBoost would compare with as NaN (every
 * value right) is stored as -inf. A categorical split (flags &
 * CATEGORICAL) sends the categories of its set (a bitset at set in the
 * evaluator's sets) to left + 1 and the others left. A leaf points to
 * itself (left is its own index) with a NaN threshold, which no value
 * reaches or exceeds, so a walk of a fixed number of levels stays on it;
 * its value is in the evaluator's values at the same index. Indices are
 * the nodes' in the evaluator's array of all trees' nodes.
 */
struct node {
	union {
		float threshold;
		uint32_t set;
	};
	uint32_t feature;
	uint32_t left;
	uint32_t flags;        /* MISSING_RIGHT | CATEGORICAL */
};

struct tree {
	uint32_t root;         /* its first node */
	uint32_t group;        /* the output group it adds to */
	uint32_t depth;        /* its deepest leaf's level (0: a single leaf) */
	int categorical;       /* it has a categorical split */
	/* Its complete layout (below) at inner in the evaluator's features and
	 * thresholds and at leaves in its leaves; none when complete is 0. */
	int complete;
	uint32_t inner, leaves;
};

enum link { LINK_IDENTITY, LINK_SIGMOID, LINK_SOFTMAX, LINK_ARGMAX, LINK_EXP, LINK_HINGE };

struct cairn__native_trees {
	struct node *nodes;    /* all trees' nodes, tree after tree */
	float *values;         /* a leaf's value at its node's index */
	struct tree *trees;    /* ntrees */
	/* The categorical splits' sets: at a node's set, the number of 32-bit
	 * words, then the words (bit c % 32 of word c / 32 for category c). */
	uint32_t *sets;
	size_t nsets, sets_alloc;
	size_t ntrees, nfeatures, groups;
	float base_margin;
	enum link link;
	/*
	 * The trees of small depth as complete binary trees, for the wide
	 * evaluator (native-trees-wide.c): level d's 2^d splits, the first
	 * at 2^d - 1, have their features (with MISSING_SIGN when a missing
	 * value goes right) in features and their thresholds in thresholds,
	 * and the 2^depth leaves' values follow each other in leaf_values;
	 * a row at split p of its level goes on to 2p or 2p + 1 of the next.
	 * A leaf above the last level is a split that sends every row left
	 * (a NaN threshold, missing values left) to copies of its value.
	 */
	uint32_t *features;
	float *thresholds, *leaf_values;
	int wide;              /* evaluate blocks with the wide evaluator */
};

/* The complete layout's flag of a split whose missing values go right. */
#define MISSING_SIGN 0x80000000u
/* The deepest trees given a complete layout (2^depth leaves each). */
#define WIDE_DEPTH 8
/* The most columns whose block the wide evaluator copies column by
 * column (WIDE_COLS * BLOCK_ROWS floats on its stack). */
#define WIDE_COLS 64
/* The fewest rows of a block that the wide evaluator takes: below 8 or
 * so, the portable one's walks of eight trees at once are faster. */
#define WIDE_ROWS 12
/* Rows evaluated together, tree by tree, so that a tree's nodes stay in
 * cache across the rows (XGBoost's CPU predictor takes 64 too). */
#define BLOCK_ROWS 64

/* The leaf the row x reaches in the tree tr (its node's index). */
uint32_t cairn__native_trees_leaf(const struct cairn__native_trees *t, const struct tree *tr,
				  const float *x);

/*
 * Gives t's trees of depth WIDE_DEPTH or less without categorical splits
 * their complete layout and sets t->wide when this processor has the wide
 * evaluator's instructions; leaves t->wide 0 otherwise.
 */
void cairn__native_trees_wide_build(struct cairn__native_trees *t);

/*
 * Sets every output of the n rows (at most BLOCK_ROWS) from x to the
 * base margin plus its trees' leaf values, added in tree order: the wide
 * evaluator, for a t with t->wide set.
 */
void cairn__native_trees_wide_block(const struct cairn__native_trees *t, const float *x,
				    size_t n, float *out);

#endif
