/* Unit tests for splits, samples and augmentation (src/data/split.c,
 * smote.c, noise.c) and the seeded generator behind them (src/data/rng.c). */
#include <math.h>
#include <stdlib.h>
#include "cairn/derive.h"
#include "cairn/error.h"
#include "core/rng.h"
#include "tests/unit/suites.h"

/* Loads CSV text as a frame called "t.csv". */
static struct cairn_frame *load(cairn_ctx *ctx, const cairn_buf *text)
{
	struct cairn_frame *f = NULL;
	CHECK_OK(ctx, cairn_frame_load_mem(ctx, text->buf, text->len, "t.csv", NULL, &f));
	return f;
}

/* A frame of n rows "i,label" whose labels have the given counts, in a
 * scattered order (class of row i by a fixed permutation). */
static struct cairn_frame *skewed(cairn_ctx *ctx, const size_t *counts, size_t nclass)
{
	cairn_buf text = CAIRN_BUF_INIT;
	struct cairn__rng rng;
	size_t n = 0, *labels;
	struct cairn_frame *f;

	for (size_t c = 0; c < nclass; c++)
		n += counts[c];
	labels = malloc(sizeof(size_t) * n);
	for (size_t c = 0, at = 0; c < nclass; c++)
		for (size_t i = 0; i < counts[c]; i++)
			labels[at++] = c;
	cairn__rng_seed(&rng, 99);
	cairn__rng_shuffle(&rng, labels, n);
	cairn_buf_adds(&text, "id,label\n");
	for (size_t i = 0; i < n; i++)
		cairn_buf_addf(&text, "%zu,c%zu\n", i, labels[i]);
	f = load(ctx, &text);
	free(labels);
	cairn_buf_release(&text);
	return f;
}

static void test_derive_rng_reference_values(void)
{
	struct cairn__rng r, s;
	size_t a[50], seen[50] = { 0 };

	/* splitmix64 seeding and xoshiro256** outputs, checked against an
	 * independent implementation: these pin the bytes of derived data. */
	cairn__rng_seed(&r, 0);
	CHECK(r.s[0] == 0xe220a8397b1dcdafULL);
	CHECK(cairn__rng_next(&r) == 0x99ec5f36cb75f2b4ULL);
	CHECK(cairn__rng_next(&r) == 0xbf6e1f784956452aULL);
	CHECK(cairn__rng_next(&r) == 0x1a5f849d4933e6e0ULL);
	cairn__rng_seed(&r, 42);
	CHECK(cairn__rng_next(&r) == 0x15780b2e0c2ec716ULL);

	cairn__rng_seed(&r, 7);
	cairn__rng_seed(&s, 7);
	for (int i = 0; i < 1000; i++) {
		uint64_t b = cairn__rng_below(&r, 7);
		double u = cairn__rng_uniform(&s);
		CHECK(b < 7);
		CHECK(u >= 0 && u < 1);
	}
	for (size_t i = 0; i < 50; i++)
		a[i] = i;
	cairn__rng_shuffle(&r, a, 50);
	for (size_t i = 0; i < 50; i++)
		seen[a[i]]++;
	for (size_t i = 0; i < 50; i++)
		CHECK_INT(seen[i], ==, 1);
}

static void test_derive_rng_normal_moments(void)
{
	struct cairn__rng r;
	double sum = 0, sum2 = 0;
	const int n = 200000;

	cairn__rng_seed(&r, 1);
	for (int i = 0; i < n; i++) {
		double z = cairn__rng_normal(&r);
		sum += z;
		sum2 += z * z;
	}
	CHECK(fabs(sum / n) < 0.01);
	CHECK(fabs(sqrt(sum2 / n) - 1) < 0.01);
}

/* Every (class, part) cell is the floor or ceiling of its exact share,
 * every class is placed in full, every part total is floor or ceiling. */
static void check_allocation(const size_t *count, size_t nc, const double *target, size_t np,
			     const size_t *alloc)
{
	size_t total = 0;

	for (size_t c = 0; c < nc; c++)
		total += count[c];
	for (size_t c = 0; c < nc; c++) {
		size_t sum = 0;
		for (size_t p = 0; p < np; p++) {
			double x = (double)count[c] * target[p] / (double)total;
			double a = (double)alloc[c * np + p];
			if (!(a >= floor(x + 1e-9) - 1e-9 && a <= ceil(x - 1e-9) + 1e-9))
				unit_fail(__FILE__, __LINE__, "class %zu part %zu: %zu rows for %g", c,
					  p, alloc[c * np + p], x);
			sum += alloc[c * np + p];
		}
		CHECK_INT(sum, ==, count[c]);
	}
	for (size_t p = 0; p < np; p++) {
		size_t sum = 0;
		for (size_t c = 0; c < nc; c++)
			sum += alloc[c * np + p];
		if (!((double)sum >= floor(target[p] + 1e-9) && (double)sum <= ceil(target[p] - 1e-9)))
			unit_fail(__FILE__, __LINE__, "part %zu: %zu rows for %g", p, sum, target[p]);
	}
}

static void test_derive_allocation_random_tables(void)
{
	struct cairn__rng r;

	cairn__rng_seed(&r, 2024);
	for (int iter = 0; iter < 2000; iter++) {
		size_t nc = 1 + (size_t)cairn__rng_below(&r, 12), np = 2 + (size_t)cairn__rng_below(&r, 4);
		size_t count[12], alloc[12 * 5], total = 0;
		double w[5], wsum = 0, target[5];

		for (size_t c = 0; c < nc; c++) {
			count[c] = 1 + (size_t)cairn__rng_below(&r, iter % 3 ? 40 : 400);
			total += count[c];
		}
		for (size_t p = 0; p < np; p++) {
			w[p] = 0.05 + cairn__rng_uniform(&r);
			wsum += w[p];
		}
		for (size_t p = 0; p < np; p++)
			target[p] = w[p] / wsum * (double)total;
		cairn_stratified_allocate(count, nc, target, np, alloc);
		check_allocation(count, nc, target, np, alloc);
	}
}

static void test_derive_allocation_part_totals_largest_remainder(void)
{
	/* Three classes of 7, 5, 3 halved: each class splits 4/3 or 3/4 and
	 * the parts must total 8 and 7 (not 9 and 6). */
	size_t count[3] = { 7, 5, 3 }, alloc[6];
	double target[2] = { 7.5, 7.5 };

	cairn_stratified_allocate(count, 3, target, 2, alloc);
	check_allocation(count, 3, target, 2, alloc);
	CHECK_INT(alloc[0] + alloc[2] + alloc[4], ==, 8);
	/* Three parts of a third each of 10 rows: 4, 3, 3 (the first gets the
	 * remainder on a tie). */
	{
		size_t one[1] = { 10 }, a3[3];
		double t3[3] = { 10.0 / 3, 10.0 / 3, 10.0 / 3 };
		cairn_stratified_allocate(one, 1, t3, 3, a3);
		CHECK_INT(a3[0], ==, 4);
		CHECK_INT(a3[1], ==, 3);
		CHECK_INT(a3[2], ==, 3);
	}
}

static void test_derive_classes_of_numbers(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	cairn_buf text = CAIRN_BUF_INIT;
	struct cairn_classes cl = { 0 };
	struct cairn_frame *f;
	const uint32_t want[7] = { 0, 1, 0, 2, 2, 1, 3 };

	/* Classes by exact value, numbered by first appearance; -0 is 0. */
	cairn_buf_adds(&text, "k\n2.5\n1\n2.5\n-0.0\n0\n1\n7\n");
	f = load(ctx, &text);
	if (f) {
		CHECK_OK(ctx, cairn_classes_build(ctx, f, 0, "stratify", &cl));
		CHECK_INT(cl.n, ==, 4);
		for (size_t r = 0; r < 7 && cl.of_row; r++)
			CHECK_INT(cl.of_row[r], ==, want[r]);
		if (cl.n == 4) {
			CHECK_INT(cl.count[0], ==, 2);
			CHECK_INT(cl.count[2], ==, 2);
			CHECK_INT(cl.first[2], ==, 3);
			CHECK_INT(cl.first[3], ==, 6);
		}
	}
	cairn_classes_release(&cl);
	cairn_frame_free(f);
	cairn_buf_release(&text);
	cairn_ctx_free(ctx);
}

static void test_derive_split_covers_every_row_once(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	size_t counts[1] = { 103 }, *seen;
	struct cairn_frame *f = skewed(ctx, counts, 1);
	double ratios[3] = { 0.7, 0.2, 0.1 };
	struct cairn_split_options so = { ratios, 3, NULL, 5 };
	struct cairn_split s = { 0 };

	if (!f)
		goto out;
	CHECK_OK(ctx, cairn_split_rows(ctx, f, &so, &s));
	if (s.nparts != 3)
		goto out;
	CHECK_INT(s.n[0], ==, 72); /* 72.1 */
	CHECK_INT(s.n[1], ==, 21); /* 20.6 */
	CHECK_INT(s.n[2], ==, 10); /* 10.3 */
	seen = calloc(103, sizeof(size_t));
	for (size_t p = 0; p < 3; p++)
		for (size_t i = 0; i < s.n[p]; i++) {
			seen[s.rows[p][i]]++;
			if (i)
				CHECK(s.rows[p][i] > s.rows[p][i - 1]); /* original order */
		}
	for (size_t r = 0; r < 103; r++)
		CHECK_INT(seen[r], ==, 1);
	free(seen);
out:
	cairn_split_release(&s);
	cairn_frame_free(f);
	cairn_ctx_free(ctx);
}

static int same_split(const struct cairn_split *a, const struct cairn_split *b)
{
	if (a->nparts != b->nparts)
		return 0;
	for (size_t p = 0; p < a->nparts; p++)
		if (a->n[p] != b->n[p] || memcmp(a->rows[p], b->rows[p], a->n[p] * sizeof(size_t)))
			return 0;
	return 1;
}

static void test_derive_split_is_deterministic(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	size_t counts[3] = { 60, 30, 10 };
	struct cairn_frame *f = skewed(ctx, counts, 3);
	double ratios[2] = { 0.8, 0.2 };
	struct cairn_split_options so = { ratios, 2, "label", 42 };
	struct cairn_split a = { 0 }, b = { 0 }, c = { 0 }, d = { 0 };

	if (!f)
		goto out;
	CHECK_OK(ctx, cairn_split_rows(ctx, f, &so, &a));
	CHECK_OK(ctx, cairn_split_rows(ctx, f, &so, &b));
	CHECK(same_split(&a, &b));
	so.seed = 43;
	CHECK_OK(ctx, cairn_split_rows(ctx, f, &so, &c));
	CHECK(!same_split(&a, &c));
	so.stratify = NULL;
	CHECK_OK(ctx, cairn_split_rows(ctx, f, &so, &d));
	CHECK(!same_split(&c, &d));
out:
	cairn_split_release(&a);
	cairn_split_release(&b);
	cairn_split_release(&c);
	cairn_split_release(&d);
	cairn_frame_free(f);
	cairn_ctx_free(ctx);
}

/* Counts the rows of each class in a list of rows. */
static void class_counts(const struct cairn_frame *f, const size_t *rows, size_t n, size_t *out,
			 size_t nclass)
{
	struct cairn_classes cl;
	cairn_ctx *ctx = cairn_ctx_new();

	memset(out, 0, sizeof(size_t) * nclass);
	CHECK_OK(ctx, cairn_classes_build(ctx, f, 1, "test", &cl));
	for (size_t i = 0; i < n; i++)
		out[cl.of_row[rows[i]]]++;
	cairn_classes_release(&cl);
	cairn_ctx_free(ctx);
}

static void test_derive_stratified_split_keeps_shares(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	size_t counts[5] = { 811, 97, 53, 7, 2 }, total = 970, got[5];
	struct cairn_frame *f = skewed(ctx, counts, 5);
	double ratios[3] = { 0.6, 0.25, 0.15 };
	struct cairn_split_options so = { ratios, 3, "label", 11 };
	struct cairn_split s = { 0 };
	struct cairn_classes cl = { 0 };

	if (!f)
		goto out;
	CHECK_OK(ctx, cairn_classes_build(ctx, f, 1, "stratify", &cl));
	CHECK_INT(cl.n, ==, 5);
	CHECK_OK(ctx, cairn_split_rows(ctx, f, &so, &s));
	for (size_t p = 0; p < s.nparts; p++) {
		CHECK(fabs((double)s.n[p] - ratios[p] * (double)total) < 1);
		class_counts(f, s.rows[p], s.n[p], got, 5);
		for (size_t c = 0; c < 5; c++) {
			/* cl numbers classes by first appearance; map to counts[] by size. */
			double exact = (double)cl.count[c] * ratios[p];
			if (fabs((double)got[c] - exact) >= 1)
				unit_fail(__FILE__, __LINE__, "part %zu class %zu: %zu rows, exact %g", p,
					  c, got[c], exact);
		}
	}
out:
	cairn_classes_release(&cl);
	cairn_split_release(&s);
	cairn_frame_free(f);
	cairn_ctx_free(ctx);
}

static void test_derive_split_errors(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	cairn_buf text = CAIRN_BUF_INIT;
	size_t counts[1] = { 10 };
	struct cairn_frame *f = skewed(ctx, counts, 1), *g = NULL, *e = NULL;
	double bad[2] = { 0.7, 0.2 }, zero[2] = { 1, 0 }, tiny[2] = { 0.99, 0.01 };
	struct cairn_split_options so = { bad, 2, NULL, 1 };
	struct cairn_split s = { 0 };

	if (!f)
		goto out;
	CHECK_ERR(ctx, cairn_split_rows(ctx, f, &so, &s), CAIRN_EINVAL, "sum to");
	so.ratios = zero;
	CHECK_ERR(ctx, cairn_split_rows(ctx, f, &so, &s), CAIRN_EINVAL, "above 0");
	so.ratios = tiny;
	CHECK_ERR(ctx, cairn_split_rows(ctx, f, &so, &s), CAIRN_EINVAL, "part 2 of the split would hold no rows");
	so.ratios = bad;
	bad[1] = 0.3;
	so.stratify = "colour";
	CHECK_ERR(ctx, cairn_split_rows(ctx, f, &so, &s), CAIRN_ENOTFOUND,
		  "no column 'colour' in 't.csv' (columns: id, label)");
	cairn_buf_adds(&text, "id,label\n1,a\n2,\n3,b\n");
	g = load(ctx, &text);
	so.stratify = "label";
	if (g)
		CHECK_ERR(ctx, cairn_split_rows(ctx, g, &so, &s), CAIRN_EPARSE,
			  "stratify column 'label' of 't.csv' has 1 null value of 3");
	cairn_buf_reset(&text);
	cairn_buf_adds(&text, "id,label\n");
	e = load(ctx, &text);
	if (e)
		CHECK_ERR(ctx, cairn_split_rows(ctx, e, &so, &s), CAIRN_EPARSE, "'t.csv' has no rows");
out:
	cairn_buf_release(&text);
	cairn_frame_free(f);
	cairn_frame_free(g);
	cairn_frame_free(e);
	cairn_ctx_free(ctx);
}

static void test_derive_sample_sizes(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	size_t counts[3] = { 70, 20, 10 }, got[3];
	struct cairn_frame *f = skewed(ctx, counts, 3);
	struct cairn_sample_options so = { 25, NULL, 3 };
	struct cairn_classes cl = { 0 };
	size_t *a = NULL, *b = NULL, na = 0, nb = 0;

	CHECK_INT(cairn_sample_size(0.5, 151), ==, 76);
	CHECK_INT(cairn_sample_size(0.1, 150), ==, 15);
	CHECK_INT(cairn_sample_size(1, 150), ==, 150);
	CHECK_INT(cairn_sample_size(0.001, 150), ==, 0);
	if (!f)
		goto out;
	CHECK_OK(ctx, cairn_classes_build(ctx, f, 1, "stratify", &cl));
	/* Plain: exact size, distinct rows, and a prefix property. */
	CHECK_OK(ctx, cairn_sample_rows(ctx, f, &so, &a, &na));
	CHECK_INT(na, ==, 25);
	for (size_t i = 1; i < na; i++)
		CHECK(a[i] > a[i - 1]);
	so.n = 60;
	CHECK_OK(ctx, cairn_sample_rows(ctx, f, &so, &b, &nb));
	CHECK_INT(nb, ==, 60);
	for (size_t i = 0, j = 0; i < na; i++) {
		while (j < nb && b[j] < a[i])
			j++;
		if (j == nb || b[j] != a[i]) {
			unit_fail(__FILE__, __LINE__, "row %zu of the 25-row sample is not in the 60-row one", a[i]);
			break;
		}
	}
	free(a);
	free(b);
	a = b = NULL;
	/* Stratified: 33 of 100 rows, each class within one row of a third. */
	so.n = 33;
	so.stratify = "label";
	CHECK_OK(ctx, cairn_sample_rows(ctx, f, &so, &a, &na));
	CHECK_INT(na, ==, 33);
	class_counts(f, a, na, got, 3);
	for (size_t c = 0; c < 3; c++)
		CHECK(fabs((double)got[c] - (double)cl.count[c] * 0.33) < 1);
	so.n = 101;
	CHECK_ERR(ctx, cairn_sample_rows(ctx, f, &so, &b, &nb), CAIRN_EINVAL,
		  "cannot draw 101 rows from 't.csv', which has 100");
out:
	free(a);
	free(b);
	cairn_classes_release(&cl);
	cairn_frame_free(f);
	cairn_ctx_free(ctx);
}

/* Loads header + synthetic rows back as a frame. */
static struct cairn_frame *synthetic_frame(cairn_ctx *ctx, const char *header, const cairn_buf *rows)
{
	cairn_buf text = CAIRN_BUF_INIT;
	struct cairn_frame *f;

	cairn_buf_adds(&text, header);
	cairn_buf_add(&text, rows->buf, rows->len);
	f = load(ctx, &text);
	cairn_buf_release(&text);
	return f;
}

/* 1 when p lies on the segment from a to b (2-D). */
static int on_segment(const double *p, const double *a, const double *b)
{
	double dx = b[0] - a[0], dy = b[1] - a[1], g;

	g = fabs(dx) > fabs(dy) ? (p[0] - a[0]) / dx : (p[1] - a[1]) / dy;
	return g >= -1e-12 && g <= 1 + 1e-12 && fabs(a[0] + g * dx - p[0]) < 1e-9 &&
	       fabs(a[1] + g * dy - p[1]) < 1e-9;
}

static void test_derive_smote_points_on_neighbour_segments(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	cairn_buf text = CAIRN_BUF_INIT, out = CAIRN_BUF_INIT, again = CAIRN_BUF_INIT;
	struct cairn_smote_options so = { "y", 3, CAIRN_SAMPLING_AUTO, 0, 17 };
	struct cairn_frame *f = NULL, *g = NULL;
	struct cairn_class_counts counts = { 0 };
	struct cairn__rng r;
	double pts[8][2];
	size_t nn[8][3], nsyn = 0;

	cairn__rng_seed(&r, 5);
	cairn_buf_adds(&text, "x1,x2,y\n");
	for (int i = 0; i < 30; i++)
		cairn_buf_addf(&text, "%.6f,%.6f,major\n", 10 + cairn__rng_uniform(&r),
			       10 + cairn__rng_uniform(&r));
	for (int i = 0; i < 8; i++) {
		pts[i][0] = floor(cairn__rng_uniform(&r) * 1e6) / 1e6;
		pts[i][1] = floor(cairn__rng_uniform(&r) * 1e6) / 1e6;
		cairn_buf_addf(&text, "%.6f,%.6f,minor\n", pts[i][0], pts[i][1]);
	}
	/* The test's own 3 nearest neighbours of each minority point. */
	for (int i = 0; i < 8; i++) {
		double best[3] = { INFINITY, INFINITY, INFINITY };
		for (int j = 0; j < 8; j++) {
			double d = (pts[i][0] - pts[j][0]) * (pts[i][0] - pts[j][0]) +
				   (pts[i][1] - pts[j][1]) * (pts[i][1] - pts[j][1]);
			int at = 3;
			if (j == i)
				continue;
			while (at > 0 && d < best[at - 1])
				at--;
			if (at == 3)
				continue;
			for (int m = 2; m > at; m--) {
				best[m] = best[m - 1];
				nn[i][m] = nn[i][m - 1];
			}
			best[at] = d;
			nn[i][at] = (size_t)j;
		}
	}
	f = load(ctx, &text);
	if (!f)
		goto out;
	CHECK_OK(ctx, cairn_smote(ctx, f, &so, &out, &nsyn, &counts));
	CHECK_INT(nsyn, ==, 22);
	CHECK_INT(counts.n, ==, 2);
	if (counts.n == 2) {
		CHECK_STR(counts.label[1], "minor");
		CHECK_INT(counts.before[1], ==, 8);
		CHECK_INT(counts.added[1], ==, 22);
		CHECK_INT(counts.added[0], ==, 0);
	}
	g = synthetic_frame(ctx, "x1,x2,y\n", &out);
	if (!g)
		goto out;
	CHECK_INT(g->nrows, ==, 22);
	for (size_t s = 0; s < g->nrows; s++) {
		double p[2] = { g->cols[0].num[s], g->cols[1].num[s] };
		int ok = 0;
		for (int i = 0; i < 8 && !ok; i++)
			for (int m = 0; m < 3 && !ok; m++)
				ok = on_segment(p, pts[i], pts[nn[i][m]]);
		if (!ok)
			unit_fail(__FILE__, __LINE__, "synthetic (%g, %g) is on no segment to a 3-NN", p[0], p[1]);
		CHECK_STR(g->cols[2].dict[g->cols[2].code[s]], "minor");
	}
	/* Same seed, same bytes; another seed, other rows. */
	CHECK_OK(ctx, cairn_smote(ctx, f, &so, &again, &nsyn, NULL));
	CHECK_STR(again.buf, out.buf);
	cairn_buf_reset(&again);
	so.seed = 18;
	CHECK_OK(ctx, cairn_smote(ctx, f, &so, &again, &nsyn, NULL));
	CHECK(strcmp(again.buf, out.buf) != 0);
	/* Ratio 0.5: the minority is raised to 15 rows. */
	cairn_buf_reset(&again);
	so.strategy = CAIRN_SAMPLING_RATIO;
	so.ratio = 0.5;
	CHECK_OK(ctx, cairn_smote(ctx, f, &so, &again, &nsyn, NULL));
	CHECK_INT(nsyn, ==, 7);
out:
	cairn_class_counts_release(&counts);
	cairn_buf_release(&text);
	cairn_buf_release(&out);
	cairn_buf_release(&again);
	cairn_frame_free(f);
	cairn_frame_free(g);
	cairn_ctx_free(ctx);
}

static void test_derive_smote_nc_categories(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	cairn_buf text = CAIRN_BUF_INIT, out = CAIRN_BUF_INIT;
	struct cairn_smote_options so = { "y", 1, CAIRN_SAMPLING_AUTO, 0, 3 };
	struct cairn_frame *f = NULL, *g = NULL;
	size_t nsyn = 0;

	/*
	 * Minority class, k = 1: by x alone 0's nearest neighbour is 1 (colour
	 * b), but the mismatch penalty (the squared std of x, about 16.3) makes
	 * it 1.2 (colour a). Every single nearest neighbour is of colour a, so
	 * every synthetic row is too. n is an integer column: synthetic values
	 * are rounded; flag is boolean: categorical.
	 */
	cairn_buf_adds(&text, "x,n,colour,flag,y\n"
			      "0,1,a,true,min\n1,2,b,false,min\n1.2,3,a,true,min\n10,4,a,true,min\n");
	for (int i = 0; i < 40; i++)
		cairn_buf_addf(&text, "%d,%d,c,false,maj\n", 100 + i, i);
	f = load(ctx, &text);
	if (!f)
		goto out;
	CHECK_OK(ctx, cairn_smote(ctx, f, &so, &out, &nsyn, NULL));
	CHECK_INT(nsyn, ==, 36);
	g = synthetic_frame(ctx, "x,n,colour,flag,y\n", &out);
	if (!g)
		goto out;
	CHECK_INT(g->cols[1].type, ==, CAIRN_TYPE_INT);
	CHECK_INT(g->cols[3].type, ==, CAIRN_TYPE_BOOL);
	for (size_t s = 0; s < g->nrows; s++) {
		CHECK_STR(g->cols[2].dict[g->cols[2].code[s]], "a");
		CHECK(g->cols[3].num[s] == 1);
		CHECK(g->cols[0].num[s] >= 0 && g->cols[0].num[s] <= 10);
	}
	cairn_frame_free(f);
	cairn_frame_free(g);
	g = NULL;
	cairn_buf_reset(&out);

	/*
	 * k = 4 over 5 rows: each row's neighbours are the 4 others. The most
	 * frequent colour among them is red for every row, through a 2-2 tie
	 * broken by the nearer neighbour for rows 0, 2 and 3.
	 */
	so.k = 4;
	cairn_buf_reset(&text);
	cairn_buf_adds(&text, "x,colour,y\n0,red,min\n1,blue,min\n2,red,min\n3,red,min\n50,blue,min\n");
	for (int i = 0; i < 20; i++)
		cairn_buf_addf(&text, "%d,green,maj\n", 200 + i);
	f = load(ctx, &text);
	if (!f)
		goto out;
	CHECK_OK(ctx, cairn_smote(ctx, f, &so, &out, &nsyn, NULL));
	CHECK_INT(nsyn, ==, 15);
	g = synthetic_frame(ctx, "x,colour,y\n", &out);
	if (g)
		for (size_t s = 0; s < g->nrows; s++)
			CHECK_STR(g->cols[1].dict[g->cols[1].code[s]], "red");
out:
	cairn_buf_release(&text);
	cairn_buf_release(&out);
	cairn_frame_free(f);
	cairn_frame_free(g);
	cairn_ctx_free(ctx);
}

static void test_derive_smote_refusals(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	cairn_buf text = CAIRN_BUF_INIT, out = CAIRN_BUF_INIT;
	struct cairn_smote_options so = { "y", 5, CAIRN_SAMPLING_AUTO, 0, 1 };
	struct cairn_frame *f = NULL;
	size_t nsyn;

	cairn_buf_adds(&text, "x,y\n");
	for (int i = 0; i < 30; i++)
		cairn_buf_addf(&text, "%d,%d.%d\n", i, i, i % 10);
	if ((f = load(ctx, &text)))
		CHECK_ERR(ctx, cairn_smote(ctx, f, &so, &out, &nsyn, NULL), CAIRN_EPARSE,
			  "looks like a regression target");
	cairn_frame_free(f);

	cairn_buf_reset(&text);
	cairn_buf_adds(&text, "x,y\n1,a\n,a\n3,b\n4,b\n5,b\n");
	if ((f = load(ctx, &text)))
		CHECK_ERR(ctx, cairn_smote(ctx, f, &so, &out, &nsyn, NULL), CAIRN_EPARSE,
			  "feature column 'x' of 't.csv' has 1 null value of 5");
	cairn_frame_free(f);

	cairn_buf_reset(&text);
	cairn_buf_adds(&text, "x,y\n1,a\n2,b\n3,b\n4,b\n");
	if ((f = load(ctx, &text))) {
		CHECK_ERR(ctx, cairn_smote(ctx, f, &so, &out, &nsyn, NULL), CAIRN_EPARSE,
			  "class 'a' of target 'y' has only 1 row");
		so.target = "z";
		CHECK_ERR(ctx, cairn_smote(ctx, f, &so, &out, &nsyn, NULL), CAIRN_ENOTFOUND,
			  "no column 'z'");
	}
	cairn_frame_free(f);

	/* A class of 3 rows with k = 5 uses its 2 other rows. */
	so.target = "y";
	cairn_buf_reset(&text);
	cairn_buf_adds(&text, "x,y\n1,a\n2,a\n3,a\n4,b\n5,b\n6,b\n7,b\n8,b\n");
	if ((f = load(ctx, &text))) {
		CHECK_OK(ctx, cairn_smote(ctx, f, &so, &out, &nsyn, NULL));
		CHECK_INT(nsyn, ==, 2);
	}
	cairn_frame_free(f);
	cairn_buf_release(&text);
	cairn_buf_release(&out);
	cairn_ctx_free(ctx);
}

static void test_derive_noise_scale(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	cairn_buf text = CAIRN_BUF_INIT, out = CAIRN_BUF_INIT, again = CAIRN_BUF_INIT;
	struct cairn_noise_options no = { "y", 0.5, 2, 9 };
	struct cairn_frame *f = NULL, *g = NULL;
	double sum = 0, sum2 = 0, sd = sqrt((2000.0 * 2000.0 - 1) / 12); /* of 0..1999 */
	size_t nsyn = 0;

	cairn_buf_adds(&text, "x,n,s,y\n");
	for (int i = 0; i < 2000; i++)
		cairn_buf_addf(&text, "%d.5,%d,%s,%d\n", i, i, i % 2 ? "odd" : "even", i % 3);
	f = load(ctx, &text);
	if (!f)
		goto out;
	CHECK_OK(ctx, cairn_noise(ctx, f, &no, &out, &nsyn));
	CHECK_INT(nsyn, ==, 4000);
	g = synthetic_frame(ctx, "x,n,s,y\n", &out);
	if (!g)
		goto out;
	CHECK_INT(g->nrows, ==, 4000);
	CHECK_INT(g->cols[1].type, ==, CAIRN_TYPE_INT);
	for (size_t r = 0; r < g->nrows; r++) {
		size_t o = r % 2000;
		double d = g->cols[0].num[r] - f->cols[0].num[o];
		sum += d;
		sum2 += d * d;
		CHECK(g->cols[3].num[r] == f->cols[3].num[o]);  /* target unchanged */
		CHECK_STR(g->cols[2].dict[g->cols[2].code[r]], f->cols[2].dict[f->cols[2].code[o]]);
	}
	CHECK(fabs(sum / 4000) < 0.05 * 0.5 * sd);
	CHECK(fabs(sqrt(sum2 / 4000) / (0.5 * sd) - 1) < 0.05);
	CHECK_OK(ctx, cairn_noise(ctx, f, &no, &again, &nsyn));
	CHECK_STR(again.buf, out.buf);
	no.sd = 0;
	CHECK_ERR(ctx, cairn_noise(ctx, f, &no, &again, &nsyn), CAIRN_EINVAL, "positive");
out:
	cairn_buf_release(&text);
	cairn_buf_release(&out);
	cairn_buf_release(&again);
	cairn_frame_free(f);
	cairn_frame_free(g);
	cairn_ctx_free(ctx);
}

const struct unit_test derive_tests[] = {
	{ "derive_rng_reference_values", test_derive_rng_reference_values },
	{ "derive_rng_normal_moments", test_derive_rng_normal_moments },
	{ "derive_allocation_random_tables", test_derive_allocation_random_tables },
	{ "derive_allocation_part_totals_largest_remainder", test_derive_allocation_part_totals_largest_remainder },
	{ "derive_classes_of_numbers", test_derive_classes_of_numbers },
	{ "derive_split_covers_every_row_once", test_derive_split_covers_every_row_once },
	{ "derive_split_is_deterministic", test_derive_split_is_deterministic },
	{ "derive_stratified_split_keeps_shares", test_derive_stratified_split_keeps_shares },
	{ "derive_split_errors", test_derive_split_errors },
	{ "derive_sample_sizes", test_derive_sample_sizes },
	{ "derive_smote_points_on_neighbour_segments", test_derive_smote_points_on_neighbour_segments },
	{ "derive_smote_nc_categories", test_derive_smote_nc_categories },
	{ "derive_smote_refusals", test_derive_smote_refusals },
	{ "derive_noise_scale", test_derive_noise_scale },
	{ NULL, NULL }
};
