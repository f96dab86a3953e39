/*
 * The native tree evaluator's wide path (see ml/native-trees.h): on a
 * processor with AVX-512, a block's rows walk down the trees' complete
 * layout sixteen to a register, four registers and two trees at once so
 * that many loads are in flight. A level's splits (up to 64) are permuted
 * out of registers, deeper levels' are gathered; the rows' values at the
 * first two levels' one or two features are loaded from the block copied
 * column by column and blended, deeper ones gathered. Each row adds its
 * leaf values in tree order, so the float32 sums are the portable path's;
 * trees outside the complete layout (categorical, or deeper than
 * WIDE_DEPTH) are walked by the portable code in their turn. Elsewhere the
 * layout is not built and this path is never chosen.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include "cairn/buf.h"
#include "ml/native-trees.h"

/* XGBoost's formulas have no multiply-add: keep any compiler from fusing. */
#if defined(__clang__)
#pragma clang fp contract(off)
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define HAVE_WIDE 1
#include <immintrin.h>
#endif

/* Entries read past a level or a tree's leaves by a full register's load. */
#define PAD 64

/* Writes node i, at position p of level d of tree tr, and what lies below
 * it into the complete layout; a leaf above the last level is copied down
 * both ways (its rows all go left). */
static void place(struct cairn__native_trees *t, const struct tree *tr, uint32_t i, uint32_t d,
		  uint32_t p)
{
	const struct node *n = t->nodes + i;
	size_t at = tr->inner + ((size_t)1 << d) - 1 + p;

	if (d == tr->depth) {
		t->leaf_values[tr->leaves + p] = t->values[i];
		return;
	}
	if (n->left == i) {
		t->features[at] = 0;
		t->thresholds[at] = NAN;
		place(t, tr, i, d + 1, 2 * p);
		place(t, tr, i, d + 1, 2 * p + 1);
		return;
	}
	t->features[at] = n->feature | (n->flags & MISSING_RIGHT ? MISSING_SIGN : 0);
	t->thresholds[at] = n->threshold;
	place(t, tr, n->left, d + 1, 2 * p);
	place(t, tr, n->left + 1, d + 1, 2 * p + 1);
}

void cairn__native_trees_wide_build(struct cairn__native_trees *t)
{
	size_t inner = 0, leaves = 0;

	t->wide = 0;
#ifdef HAVE_WIDE
	__builtin_cpu_init();
	if (!__builtin_cpu_supports("avx512f"))
		return;
#else
	return;
#endif
	/* a block's gathers and scatters index with 32-bit integers */
	if (t->nfeatures > INT32_MAX / (BLOCK_ROWS + 1) || t->groups > INT32_MAX / BLOCK_ROWS)
		return;
	for (size_t j = 0; j < t->ntrees; j++) {
		struct tree *tr = &t->trees[j];
		tr->complete = !tr->categorical && tr->depth <= WIDE_DEPTH;
		if (!tr->complete)
			continue;
		tr->inner = (uint32_t)inner;
		tr->leaves = (uint32_t)leaves;
		inner += ((size_t)1 << tr->depth) - 1;
		leaves += (size_t)1 << tr->depth;
		t->wide = 1;
	}
	if (!t->wide)
		return;
	t->features = cairn_xcalloc(inner + PAD, sizeof(*t->features));
	t->thresholds = cairn_xcalloc(inner + PAD, sizeof(*t->thresholds));
	t->leaf_values = cairn_xcalloc(leaves + PAD, sizeof(*t->leaf_values));
	for (size_t j = 0; j < t->ntrees; j++)
		if (t->trees[j].complete)
			place(t, &t->trees[j], t->trees[j].root, 0, 0);
}

#ifdef HAVE_WIDE
#define WIDE static inline __attribute__((always_inline, target("avx512f")))
/* The loops over a block's registers unrolled, so that their values stay
 * in registers and their gathers overlap. */
#define UNROLL _Pragma("GCC unroll 4")
/* Registers of rows in flight in a block. */
#define REGS (BLOCK_ROWS / 16)

/* Entry pos of each lane in the count entries (a power of 2) from table:
 * permuted out of registers up to 64, gathered beyond. */
WIDE __m512i lookup(const void *table, uint32_t count, __m512i pos)
{
	const int32_t *a = table;
	__m512i lo, hi;

	if (count <= 16)
		return _mm512_permutexvar_epi32(pos, _mm512_loadu_si512(a));
	lo = _mm512_permutex2var_epi32(_mm512_loadu_si512(a), pos, _mm512_loadu_si512(a + 16));
	if (count == 32)
		return lo;
	if (count > 64)
		return _mm512_i32gather_epi32(pos, a, 4);
	hi = _mm512_permutex2var_epi32(_mm512_loadu_si512(a + 32), pos,
				       _mm512_loadu_si512(a + 48));
	return _mm512_mask_blend_epi32(_mm512_test_epi32_mask(pos, _mm512_set1_epi32(32)), lo, hi);
}

/*
 * A block's rows' values: gathered from x at off plus the feature shifted
 * by shift, with, when the block fits WIDE_COLS, x its values copied
 * column by column (BLOCK_ROWS to a column, off the lanes' rows, shift
 * log2(BLOCK_ROWS)) so that the first levels' few features are loaded
 * whole and blended rather than gathered; else x the rows as they come
 * (off the lanes' rows times the columns, shift 0).
 */
struct rows {
	const float *x;
	int columns;
	__m128i shift;
	__m512i off[REGS];
};

/* Levels whose values are loaded from columns and blended (more measure
 * no faster). */
#define BLENDED 2

/* The values of registers g's rows at the features f[0, count) of level
 * d < BLENDED, chosen by pos, from the rows copied column by column. */
WIDE __m512 blend(const struct rows *r, const uint32_t *f, uint32_t count, __m512i pos, int g)
{
	const float *x = r->x + 16 * g;
	__m512 v[1 << (BLENDED - 1)];

	for (uint32_t i = 0; i < count; i++)
		v[i] = _mm512_loadu_ps(x + (size_t)(f[i] & ~MISSING_SIGN) * BLOCK_ROWS);
	/* pairs chosen by the position's low bit, then pairs of pairs... */
	for (uint32_t half = 1; half < count; half *= 2) {
		__mmask16 hi = _mm512_test_epi32_mask(pos, _mm512_set1_epi32((int)half));
		for (uint32_t i = 0; i < count; i += 2 * half)
			v[i] = _mm512_mask_blend_ps(hi, v[i], v[i + half]);
	}
	return v[0];
}

/* Moves the rows at pos (regs registers of r) one level down from level d
 * of tree tr. */
WIDE void step(const struct cairn__native_trees *t, const struct tree *tr, uint32_t d,
	       const struct rows *r, __m512i *pos, const int regs)
{
	const __m512i one = _mm512_set1_epi32(1), sign = _mm512_set1_epi32((int)MISSING_SIGN);
	const __m512i index = _mm512_set1_epi32((int)~MISSING_SIGN);
	uint32_t count = 1u << d;
	const uint32_t *f = t->features + tr->inner + count - 1;
	const float *th = t->thresholds + tr->inner + count - 1;

	UNROLL
	for (int g = 0; g < regs; g++) {
		__m512i fv = lookup(f, count, pos[g]);
		__m512 tv = _mm512_castsi512_ps(lookup(th, count, pos[g]));
		__m512 v = r->columns && d < BLENDED ? blend(r, f, count, pos[g], g) :
			_mm512_i32gather_ps(_mm512_add_epi32(r->off[g], _mm512_sll_epi32(
				_mm512_and_si512(fv, index), r->shift)), r->x, 4);
		/* right: v >= threshold, or v missing and its flag set */
		__mmask16 right = _mm512_cmp_ps_mask(v, tv, _CMP_GE_OQ) |
			_mm512_mask_cmp_ps_mask(_mm512_test_epi32_mask(fv, sign), v, v,
						_CMP_UNORD_Q);
		pos[g] = _mm512_add_epi32(pos[g], pos[g]);
		pos[g] = _mm512_mask_add_epi32(pos[g], right, pos[g], one);
	}
}

/* Adds the leaf values of trees a and then b (when not NULL) to acc, the
 * sums of regs registers of the rows r: two trees walked together keep
 * twice the gathers in flight. */
WIDE void add_trees(const struct cairn__native_trees *t, const struct tree *a,
		    const struct tree *b, const struct rows *r, __m512 *acc, const int regs)
{
	__m512i pa[REGS], pb[REGS];
	uint32_t depth = b && b->depth > a->depth ? b->depth : a->depth;

	UNROLL
	for (int g = 0; g < regs; g++)
		pa[g] = pb[g] = _mm512_setzero_si512();
	for (uint32_t d = 0; d < depth; d++) {
		if (d < a->depth)
			step(t, a, d, r, pa, regs);
		if (b && d < b->depth)
			step(t, b, d, r, pb, regs);
	}
	UNROLL
	for (int g = 0; g < regs; g++)
		acc[g] = _mm512_add_ps(acc[g], _mm512_castsi512_ps(
			lookup(t->leaf_values + a->leaves, 1u << a->depth, pa[g])));
	if (!b)
		return;
	UNROLL
	for (int g = 0; g < regs; g++)
		acc[g] = _mm512_add_ps(acc[g], _mm512_castsi512_ps(
			lookup(t->leaf_values + b->leaves, 1u << b->depth, pb[g])));
}

/* The outputs of group k of the n rows from x (r: the same rows for the
 * walks), in regs registers. */
WIDE void add_group(const struct cairn__native_trees *t, const float *x, struct rows *r,
		    size_t n, float *out, uint32_t k, const int regs)
{
	const size_t cols = t->nfeatures, groups = t->groups;
	const __m512i lanes = _mm512_set_epi32(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2,
					       1, 0);
	__m512i row[REGS];
	__m512 acc[REGS];
	float spill[BLOCK_ROWS];

	UNROLL
	for (int g = 0; g < regs; g++) {
		/* the lanes past the last row repeat it */
		row[g] = _mm512_min_epi32(_mm512_add_epi32(lanes, _mm512_set1_epi32(16 * g)),
					  _mm512_set1_epi32((int)n - 1));
		r->off[g] = r->columns ? row[g] :
			_mm512_mullo_epi32(row[g], _mm512_set1_epi32((int)cols));
		acc[g] = _mm512_set1_ps(t->base_margin);
	}
	for (size_t j = 0; j < t->ntrees; j++) {
		const struct tree *tr = &t->trees[j], *next = NULL;
		if (tr->group != k)
			continue;
		if (tr->complete) {
			/* the group's next tree, when it has the complete layout too */
			while (++j < t->ntrees && t->trees[j].group != k)
				;
			if (j < t->ntrees && t->trees[j].complete)
				next = &t->trees[j];
			else
				j--;
			add_trees(t, tr, next, r, acc, regs);
			continue;
		}
		UNROLL
		for (int g = 0; g < regs; g++)
			_mm512_storeu_ps(spill + 16 * g, acc[g]);
		for (size_t i = 0; i < n; i++)
			spill[i] += t->values[cairn__native_trees_leaf(t, tr, x + i * cols)];
		UNROLL
		for (int g = 0; g < regs; g++)
			acc[g] = _mm512_loadu_ps(spill + 16 * g);
	}
	UNROLL
	for (int g = 0; g < regs; g++) {
		size_t left = n - 16 * (size_t)g;
		__mmask16 m = left >= 16 ? 0xffff : (__mmask16)((1u << left) - 1);
		if (groups == 1)
			_mm512_mask_storeu_ps(out + 16 * g, m, acc[g]);
		else
			_mm512_mask_i32scatter_ps(out + k, m, _mm512_mullo_epi32(row[g],
						  _mm512_set1_epi32((int)groups)), acc[g], 4);
	}
}

__attribute__((target("avx512f")))
void cairn__native_trees_wide_block(const struct cairn__native_trees *t, const float *x,
				    size_t n, float *out)
{
	const size_t cols = t->nfeatures;
	float columns[WIDE_COLS * BLOCK_ROWS];
	struct rows r = { .x = x, .shift = _mm_setzero_si128() };

	if (cols <= WIDE_COLS) {
		/* every row of the block, the last one repeated to its end */
		for (size_t i = 0; i < BLOCK_ROWS; i++) {
			const float *row = x + (i < n ? i : n - 1) * cols;
			for (size_t c = 0; c < cols; c++)
				columns[c * BLOCK_ROWS + i] = row[c];
		}
		r.x = columns;
		r.columns = 1;
		r.shift = _mm_cvtsi32_si128(__builtin_ctz(BLOCK_ROWS));
	}
	/* as many registers as the rows fill, each a constant for the loops */
	for (uint32_t k = 0; k < t->groups; k++)
		switch ((n + 15) / 16) {
		case 1:
			add_group(t, x, &r, n, out, k, 1);
			break;
		case 2:
			add_group(t, x, &r, n, out, k, 2);
			break;
		case 3:
			add_group(t, x, &r, n, out, k, 3);
			break;
		default:
			add_group(t, x, &r, n, out, k, 4);
			break;
		}
}
#else
void cairn__native_trees_wide_block(const struct cairn__native_trees *t, const float *x,
				    size_t n, float *out)
{
	(void)t, (void)x, (void)n, (void)out;
	abort();
}
#endif
