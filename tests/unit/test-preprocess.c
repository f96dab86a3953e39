/* Unit tests for preprocessing (src/ml/preprocess.c). */
#include <math.h>
#include <stdlib.h>
#include "cairn/error.h"
#include "ml/preprocess.h"
#include "tests/unit/suites.h"

static struct cairn_frame *frame(cairn_ctx *ctx, const char *text)
{
	struct cairn_frame *f = NULL;

	CHECK_OK(ctx, cairn_frame_load_mem(ctx, text, strlen(text), "t.csv", NULL, &f));
	return f;
}

static const char train_csv[] =
	"x,color,y\n"
	"1,red,a\n"
	"3,blue,b\n"
	",red,a\n"
	"5,green,b\n";

static void test_prep_fit_transform(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	struct cairn_frame *f = frame(ctx, train_csv), *g;
	struct cairn_prep_options o = { .target = "y", .task = -1, .scale = 1, .onehot = 1 };
	struct cairn_matrix x;
	cairn_prep *p, *q;
	double *y;
	json_t *spec;

	CHECK_OK(ctx, cairn_prep_fit(ctx, f, NULL, 0, &o, &p));
	CHECK_INT(cairn_prep_task(p), ==, CAIRN_TASK_CLASSIFICATION);
	CHECK_INT(cairn_prep_nclasses(p), ==, 2);
	CHECK_STR(cairn_prep_class(p, 1), "b");
	/* x, then color one-hot in sorted order. */
	CHECK_INT(cairn_prep_nfeatures(p), ==, 4);
	CHECK_STR(cairn_prep_feature(p, 1), "color=blue");
	CHECK_STR(cairn_prep_feature(p, 3), "color=red");
	CHECK_OK(ctx, cairn_prep_transform(ctx, p, f, NULL, 0, &x, &y));
	CHECK_INT(x.rows, ==, 4);
	/* mean 3, population std sqrt(8/3); the missing x is imputed to 0 after scaling. */
	CHECK(fabs(x.v[0] - (1 - 3) / sqrt(8.0 / 3)) < 1e-6);
	CHECK(x.v[2 * 4] == 0);
	CHECK(x.v[1 * 4 + 1] == 1 && x.v[1 * 4 + 3] == 0);
	CHECK(y[0] == 0 && y[1] == 1);
	free(x.v);
	free(y);
	/* The spec round-trips; an unseen category is all zeros. */
	spec = cairn_prep_json(p);
	CHECK_OK(ctx, cairn_prep_from_json(ctx, spec, &q));
	g = frame(ctx, "color,x\npurple,3\n");
	CHECK_OK(ctx, cairn_prep_transform(ctx, q, g, NULL, 0, &x, NULL));
	CHECK(x.v[0] == 0 && x.v[1] == 0 && x.v[2] == 0 && x.v[3] == 0);
	free(x.v);
	cairn_frame_free(g);
	g = frame(ctx, "color,z\nred,3\n");
	CHECK_ERR(ctx, cairn_prep_transform(ctx, q, g, NULL, 0, &x, NULL), CAIRN_ENOTFOUND, "'x'");
	cairn_frame_free(g);
	g = frame(ctx, "x,color,y\n1,red,c\n");
	CHECK_ERR(ctx, cairn_prep_transform(ctx, q, g, NULL, 0, &x, &y), CAIRN_EPARSE,
		  "class 'c' was not seen in training");
	cairn_frame_free(g);
	json_decref(spec);
	cairn_prep_free(q);
	cairn_prep_free(p);
	cairn_frame_free(f);
	cairn_ctx_free(ctx);
}

static void test_prep_bad_input(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	struct cairn_prep_options o = { .target = "y", .task = -1 };
	struct cairn_frame *f;
	cairn_prep *p;

	f = frame(ctx, "x,y\n1,a\n2,a\n");
	CHECK_ERR(ctx, cairn_prep_fit(ctx, f, NULL, 0, &o, &p), CAIRN_EINVAL, "constant");
	o.target = "nope";
	CHECK_ERR(ctx, cairn_prep_fit(ctx, f, NULL, 0, &o, &p), CAIRN_ENOTFOUND, "nope");
	cairn_frame_free(f);
	o.target = "y";
	f = frame(ctx, "x,y\n1,a\n2,b\n3,a\n4,b\n5,a\n6,b\n7,a\n8,b\n9,a\nten,b\n11,a\n");
	CHECK_ERR(ctx, cairn_prep_fit(ctx, f, NULL, 0, &o, &p), CAIRN_EPARSE,
		  "data row 10: 'ten' is not a number");
	cairn_frame_free(f);
	f = frame(ctx, "x,y\n1,2.5\n2,3.5\n3,4.5\n");
	CHECK_OK(ctx, cairn_prep_fit(ctx, f, NULL, 0, &o, &p));
	CHECK_INT(cairn_prep_task(p), ==, CAIRN_TASK_REGRESSION);
	cairn_prep_free(p);
	o.task = CAIRN_TASK_CLUSTERING;
	CHECK_ERR(ctx, cairn_prep_fit(ctx, f, NULL, 0, &o, &p), CAIRN_EINVAL, "no target");
	cairn_frame_free(f);
	cairn_ctx_free(ctx);
}

static void test_prep_columns_and_infinities(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	const char *only[] = { "b", "a" }, *drop[] = { "a" }, *nope[] = { "b", "nope" };
	struct cairn_prep_options o = { .target = "y", .task = -1 };
	struct cairn_matrix x = { 0 };
	struct cairn_frame *f, *g;
	double *y = NULL;
	cairn_prep *p;

	f = frame(ctx, "id,a,b,y\n1,1,2,5.5\n2,,3,6.5\n3,nan,4,7.5\n");
	o.include = only;
	o.ninclude = 2;
	o.exclude = drop;
	o.nexclude = 1;
	CHECK_OK(ctx, cairn_prep_fit(ctx, f, NULL, 0, &o, &p));
	CHECK_INT(cairn_prep_nfeatures(p), ==, 1);
	CHECK_STR(cairn_prep_feature(p, 0), "b");
	CHECK_STR(cairn_prep_feature_type(p, 0), "float");
	cairn_prep_free(p);
	o.nexclude = 0;
	CHECK_OK(ctx, cairn_prep_fit(ctx, f, NULL, 0, &o, &p));
	CHECK_INT(cairn_prep_nfeatures(p), ==, 2);
	/* NaN is missing, as the empty cell: both imputed with the mean 1. */
	CHECK_OK(ctx, cairn_prep_transform(ctx, p, f, NULL, 0, &x, &y));
	CHECK(x.v[2] == 1 && x.v[4] == 1);
	free(x.v);
	free(y);
	g = frame(ctx, "a,b,y\n1,-inf,2\n");
	CHECK_ERR(ctx, cairn_prep_transform(ctx, p, g, NULL, 0, &x, NULL), CAIRN_EPARSE,
		  "column 'b' of 't.csv', data row 1: -inf is not a finite number");
	cairn_frame_free(g);
	cairn_prep_free(p);
	o.include = nope;
	CHECK_ERR(ctx, cairn_prep_fit(ctx, f, NULL, 0, &o, &p), CAIRN_ENOTFOUND, "no column 'nope'");
	o.include = NULL;
	o.ninclude = 0;
	cairn_frame_free(f);
	f = frame(ctx, "a,y\n1,1.5\n2,inf\n3,2.5\n");
	CHECK_OK(ctx, cairn_prep_fit(ctx, f, NULL, 0, &o, &p));
	CHECK_ERR(ctx, cairn_prep_transform(ctx, p, f, NULL, 0, &x, &y), CAIRN_EPARSE,
		  "data row 2: inf is not a finite number (the target)");
	cairn_prep_free(p);
	cairn_frame_free(f);
	cairn_ctx_free(ctx);
}

/* Large enough to fit and transform on 3 threads: the same stats and
 * matrix as on one, and a transform meets the error one pass meets first
 * (the first row block holding an infinity, its first column in feature
 * order), though a later piece finds its own first. */
static void test_prep_threads(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	struct cairn_prep_options o = { .target = "y", .task = -1, .scale = 1 };
	struct cairn_matrix x1 = { 0 }, x3 = { 0 };
	cairn_buf text = CAIRN_BUF_INIT;
	struct cairn_frame *f, *g;
	cairn_prep *p1, *p3;
	json_t *j1, *j3;
	size_t rows = 300000;

	cairn_buf_adds(&text, "a,b,c,d,y\n");
	for (size_t r = 0; r < rows; r++)
		cairn_buf_addf(&text, "%zu.5,%zu,%s,%zu.25,%zu\n", r % 1000, r % 77,
			       r % 5 ? "7" : "", r % 13, r % 3);
	f = frame(ctx, text.buf);
	o.threads = 1;
	CHECK_OK(ctx, cairn_prep_fit(ctx, f, NULL, 0, &o, &p1));
	o.threads = 3;
	CHECK_OK(ctx, cairn_prep_fit(ctx, f, NULL, 0, &o, &p3));
	j1 = cairn_prep_json(p1);
	j3 = cairn_prep_json(p3);
	CHECK(json_equal(j1, j3));
	json_decref(j1);
	json_decref(j3);
	CHECK_OK(ctx, cairn_prep_transform(ctx, p1, f, NULL, 0, &x1, NULL));
	CHECK_OK(ctx, cairn_prep_transform(ctx, p3, f, NULL, 0, &x3, NULL));
	CHECK(!memcmp(x1.v, x3.v, rows * 4 * sizeof(float)));
	free(x1.v);
	free(x3.v);
	/* Infinities in the last piece's rows, then in an earlier block's
	 * later column, then in that block's earlier column, after it. */
	cairn_buf_reset(&text);
	cairn_buf_adds(&text, "a,b,c,d\n");
	for (size_t r = 0; r < rows; r++)
		cairn_buf_addf(&text, "%s,%s,1,%s\n", r == 5000 + 7 ? "inf" : "1",
			       r == 290000 ? "-inf" : "2", r == 5000 + 3 ? "inf" : "4");
	g = frame(ctx, text.buf);
	CHECK_ERR(ctx, cairn_prep_transform(ctx, p3, g, NULL, 0, &x3, NULL), CAIRN_EPARSE,
		  "column 'a' of 't.csv', data row 5008: inf is not a finite number");
	CHECK_ERR(ctx, cairn_prep_transform(ctx, p1, g, NULL, 0, &x1, NULL), CAIRN_EPARSE,
		  "column 'a' of 't.csv', data row 5008: inf is not a finite number");
	cairn_frame_free(g);
	cairn_frame_free(f);
	cairn_prep_free(p1);
	cairn_prep_free(p3);
	cairn_buf_release(&text);
	cairn_ctx_free(ctx);
}

const struct unit_test preprocess_tests[] = {
	{ "prep_fit_transform", test_prep_fit_transform },
	{ "prep_bad_input", test_prep_bad_input },
	{ "prep_columns_and_infinities", test_prep_columns_and_infinities },
	{ "prep_threads", test_prep_threads },
	{ NULL, NULL }
};
