/*
 * Single-row prediction latency of the native evaluator against the library
 * it replaces (src/ml/native.h): cairn_model_predict of one row of a frame,
 * CALLS times over the frame's rows, natively and through
 * cairn__model_predict_reference (libxgboost, liblinear); also what one
 * row's preprocessing costs, each evaluator alone on a preprocessed row,
 * the whole frame in one call, and the native evaluator alone on 1,000
 * preprocessed rows per call.
 *
 * usage: bench-native MODELREF DATA [CALLS]   (run in the model's workspace)
 * Prints one line of microseconds:
 *   "native_us library_us prep_us native_eval_us library_eval_us batch_native_us
 *    batch_library_us native_eval_1000_us"
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "cairn/error.h"
#include "cairn/frame.h"
#include "cairn/model.h"
#include "cairn/workspace.h"
#include "ml/model-internal.h"

typedef int predict_fn(cairn_ctx *ctx, const cairn_model *m, const struct cairn_frame *f,
		       const size_t *rows, size_t nrows, double **out, size_t *noutputs);

static double now_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

static void die(cairn_ctx *ctx, const char *what)
{
	fprintf(stderr, "bench-native: %s: %s\n", what, cairn_errmsg(ctx));
	exit(1);
}

/* Microseconds per call of fn on one row, over calls rows of f in turn. */
static double per_row(cairn_ctx *ctx, const cairn_model *m, const struct cairn_frame *f,
		      predict_fn *fn, long calls)
{
	double start = now_us();

	for (long i = 0; i < calls; i++) {
		size_t r = (size_t)i % f->nrows, k;
		double *out;
		if (fn(ctx, m, f, &r, 1, &out, &k))
			die(ctx, "predict");
		free(out);
	}
	return (now_us() - start) / (double)calls;
}

/* Microseconds per call of the algorithm's predict (reference: its
 * predict_reference) on rows preprocessed rows at a time. */
static double eval_rows(cairn_ctx *ctx, const cairn_model *m, const struct cairn_frame *f,
			int reference, size_t rows, long calls)
{
	const struct cairn_algorithm *a = cairn_model_algorithm(m);
	int (*fn)(cairn_ctx *, const void *, const struct cairn_matrix *, double *) =
		reference && a->predict_reference ? a->predict_reference : a->predict;
	size_t n = f->nrows < 2000 ? f->nrows : 2000;
	struct cairn_matrix x;
	double *out, start;

	if (n < rows)
		rows = n;
	out = calloc(rows * a->outputs(cairn_model_learner(m)), sizeof(double));
	if (cairn_prep_transform(ctx, cairn_model_prep(m), f, NULL, n, &x, NULL))
		die(ctx, "preprocess");
	start = now_us();
	for (long i = 0; i < calls; i++) {
		struct cairn_matrix some = { rows, x.cols,
					     x.v + ((size_t)i * rows % (n - rows + 1)) * x.cols };
		if (fn(ctx, cairn_model_learner(m), &some, out))
			die(ctx, "predict");
	}
	start = (now_us() - start) / (double)calls;
	free(x.v);
	free(out);
	return start;
}

static double prep_row(cairn_ctx *ctx, const cairn_model *m, const struct cairn_frame *f,
		       long calls)
{
	double start = now_us();

	for (long i = 0; i < calls; i++) {
		size_t r = (size_t)i % f->nrows;
		struct cairn_matrix x;
		if (cairn_prep_transform(ctx, cairn_model_prep(m), f, &r, 1, &x, NULL))
			die(ctx, "preprocess");
		free(x.v);
	}
	return (now_us() - start) / (double)calls;
}

static double batch(cairn_ctx *ctx, const cairn_model *m, const struct cairn_frame *f,
		    predict_fn *fn)
{
	double start = now_us(), *out;
	size_t k;

	if (fn(ctx, m, f, NULL, 0, &out, &k))
		die(ctx, "predict");
	free(out);
	return now_us() - start;
}

int main(int argc, char **argv)
{
	cairn_ctx *ctx = cairn_ctx_new();
	struct cairn_frame *f;
	cairn_model *m;
	long calls;

	if (argc < 3 || argc > 4) {
		fprintf(stderr, "usage: bench-native MODELREF DATA [CALLS]\n");
		return 2;
	}
	calls = argc == 4 ? atol(argv[3]) : 20000;
	cairn_workspace_open(ctx, ".");
	if (cairn_model_open(ctx, argv[1], &m))
		die(ctx, "model");
	if (cairn_frame_load(ctx, argv[2], NULL, NULL, &f) || !f->nrows)
		die(ctx, "data");
	/* Warm up both paths (libxgboost loads and configures on first use). */
	per_row(ctx, m, f, cairn__model_predict_reference, 100);
	per_row(ctx, m, f, cairn_model_predict, 100);
	printf("%.3f %.3f %.3f %.3f %.3f %.0f %.0f %.1f\n",
	       per_row(ctx, m, f, cairn_model_predict, calls),
	       per_row(ctx, m, f, cairn__model_predict_reference, calls),
	       prep_row(ctx, m, f, calls), eval_rows(ctx, m, f, 0, 1, calls),
	       eval_rows(ctx, m, f, 1, 1, calls), batch(ctx, m, f, cairn_model_predict),
	       batch(ctx, m, f, cairn__model_predict_reference),
	       eval_rows(ctx, m, f, 0, 1000, calls / 100 + 1));
	cairn_frame_free(f);
	cairn_model_free(m);
	cairn_ctx_free(ctx);
	return 0;
}
