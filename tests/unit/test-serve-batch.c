/* Unit tests for the server's batching: frames concatenated (numbers
 * copied, text re-interned in one dictionary, nulls kept), a request
 * evaluated alone when batching is off, and the pool threads running every
 * job submitted before they stop. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "cairn/buf.h"
#include "serve/batch.h"
#include "serve/workers.h"
#include "tests/unit/suites.h"

/* A frame of two columns: x (numbers) and color (text, NULL: missing). */
static struct cairn_frame *frame2(size_t n, const double *x, const char *const *color)
{
	struct cairn_frame *f = cairn_xcalloc(1, sizeof(*f));
	struct cairn_column *c;

	f->name = cairn_xstrdup("request");
	f->nrows = n;
	f->ncols = 2;
	f->cols = cairn_xcalloc(2, sizeof(*f->cols));
	c = &f->cols[0];
	c->name = cairn_xstrdup("x");
	c->type = CAIRN_TYPE_FLOAT;
	c->num = cairn_xmalloc(n * sizeof(double));
	c->valid = cairn_xmalloc(n);
	for (size_t r = 0; r < n; r++) {
		c->num[r] = x[r];
		c->valid[r] = !isnan(x[r]);
		c->nnull += isnan(x[r]);
	}
	c = &f->cols[1];
	c->name = cairn_xstrdup("color");
	c->type = CAIRN_TYPE_STRING;
	c->code = cairn_xcalloc(n, sizeof(*c->code));
	c->valid = cairn_xcalloc(n, 1);
	c->dict = cairn_xcalloc(n + 1, sizeof(char *));
	for (size_t r = 0; r < n; r++) {
		if (!color[r]) {
			c->nnull++;
			continue;
		}
		c->valid[r] = 1;
		c->code[r] = c->ndict;
		c->dict[c->ndict++] = cairn_xstrdup(color[r]);
	}
	return f;
}

static void test_batch_concat(void)
{
	static const double x1[] = { 1.5, NAN }, x2[] = { -0.0, 7, 8 };
	static const char *const c1[] = { "red", "blue" }, *const c2[] = { "blue", NULL, "red" };
	const struct cairn_frame *f[2];
	struct cairn_frame *a = frame2(2, x1, c1), *b = frame2(3, x2, c2), *all;
	const struct cairn_column *x, *color;

	f[0] = a;
	f[1] = b;
	all = cairn__frame_concat(f, 2);
	CHECK_INT(all->nrows, ==, 5);
	CHECK_INT(all->ncols, ==, 2);
	x = &all->cols[0];
	color = &all->cols[1];
	CHECK_STR(x->name, "x");
	CHECK_INT(x->nnull, ==, 1);
	CHECK(x->num[0] == 1.5 && isnan(x->num[1]) && signbit(x->num[2]) && x->num[4] == 8);
	CHECK(x->valid[0] && !x->valid[1] && x->valid[2]);
	CHECK_STR(color->name, "color");
	CHECK_INT(color->ndict, ==, 2);
	CHECK_INT(color->nnull, ==, 1);
	CHECK_STR(color->dict[color->code[0]], "red");
	CHECK_STR(color->dict[color->code[1]], "blue");
	CHECK_STR(color->dict[color->code[2]], "blue");
	CHECK(!color->valid[3]);
	CHECK_STR(color->dict[color->code[4]], "red");
	cairn_frame_free(all);
	cairn_frame_free(a);
	cairn_frame_free(b);
}

static void count_job(void *arg)
{
	__atomic_add_fetch((int *)arg, 1, __ATOMIC_RELAXED);
}

static void test_batch_workers(void)
{
	struct cairn__workers *w = cairn__workers_new(3);
	int n = 0;

	CHECK(w != NULL);
	for (int i = 0; i < 1000; i++)
		cairn__workers_submit(w, count_job, &n);
	cairn__workers_free(w);
	CHECK_INT(n, ==, 1000);
}

static void test_batch_off(void)
{
	struct cairn__batcher *b = cairn__batcher_new(1, 500, NULL, NULL);
	uint64_t evaluations, rows;

	CHECK(!cairn__batching(b));
	cairn__batcher_stats(b, &evaluations, &rows);
	CHECK_INT(evaluations, ==, 0);
	CHECK_INT(rows, ==, 0);
	cairn__batcher_free(b);
	b = cairn__batcher_new(64, 0, NULL, NULL);
	CHECK(cairn__batching(b));
	cairn__batcher_free(b);
}

const struct unit_test serve_batch_tests[] = {
	{ "batch_concat", test_batch_concat },
	{ "batch_workers", test_batch_workers },
	{ "batch_off", test_batch_off },
	{ NULL, NULL }
};
