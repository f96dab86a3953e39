/*
 * The bit-identity check of the native evaluators (src/ml/native.h),
 * compiled by tests/e2e/t6001-native-identity.sh against libcairn.a:
 *
 *   native-identity MODELREF DATA [SINGLE]
 *
 * opens the model MODELREF (a package directory or a run), predicts every row of the data file DATA
 * with cairn_model_predict (native) and with cairn__model_predict_reference
 * (libxgboost, liblinear), in one call each, and then its first SINGLE rows
 * (default 100) one call per row, and compares the outputs byte for byte.
 * Prints "identical: ROWS rows x OUTPUTS outputs (EVALUATOR)", where
 * EVALUATOR is "native" or "library" (an xgboost model the native evaluator
 * does not cover); on a difference prints the first differing row and
 * output with both values in %a and exits 1.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cairn/error.h"
#include "cairn/frame.h"
#include "cairn/model.h"
#include "cairn/workspace.h"
#include "ml/model-internal.h"
#include "ml/xgb.h"

static void die(cairn_ctx *ctx, const char *what)
{
	fprintf(stderr, "native-identity: %s: %s\n", what, cairn_errmsg(ctx));
	exit(2);
}

/* 0 when a and b (n rows of k values from row first) hold the same bytes. */
static int compare(const char *how, const double *a, const double *b, size_t first, size_t n,
		   size_t k)
{
	if (!memcmp(a, b, n * k * sizeof(double)))
		return 0;
	for (size_t i = 0; i < n * k; i++)
		if (memcmp(&a[i], &b[i], sizeof(double))) {
			printf("differ (%s): row %zu output %zu: native %a, library %a\n", how,
			       first + i / k + 1, i % k, a[i], b[i]);
			break;
		}
	return 1;
}

static const char *evaluator(const cairn_model *m)
{
	const struct cairn_algorithm *a = cairn_model_algorithm(m);
	struct cairn__xgb_info info;

	if (!a->predict_reference)
		return "in-house";
	if (strcmp(a->name, "xgboost") && strcmp(a->name, "random_forest"))
		return "native";
	cairn__xgb_info(cairn_model_learner(m), &info);
	return info.native ? "native" : "library";
}

int main(int argc, char **argv)
{
	cairn_ctx *ctx = cairn_ctx_new();
	struct cairn_frame *f;
	cairn_model *m;
	double *nat, *ref;
	size_t k, k2, single;
	int rc = 0;

	if (argc < 3 || argc > 4) {
		fprintf(stderr, "usage: native-identity MODELREF DATA [SINGLE]\n");
		return 2;
	}
	single = argc == 4 ? strtoul(argv[3], NULL, 10) : 100;
	/* A run's package needs the workspace; a directory does not. */
	cairn_workspace_open(ctx, ".");
	if (cairn_model_open(ctx, argv[1], &m))
		die(ctx, "load");
	if (cairn_frame_load(ctx, argv[2], NULL, NULL, &f))
		die(ctx, "data");
	if (cairn_model_predict(ctx, m, f, NULL, 0, &nat, &k) ||
	    cairn__model_predict_reference(ctx, m, f, NULL, 0, &ref, &k2))
		die(ctx, "predict");
	if (k != k2) {
		printf("differ: %zu outputs native, %zu library\n", k, k2);
		return 1;
	}
	rc |= compare("all rows", nat, ref, 0, f->nrows, k);
	if (single > f->nrows)
		single = f->nrows;
	for (size_t r = 0; r < single && !rc; r++) {
		double *one;
		size_t k1;
		if (cairn_model_predict(ctx, m, f, &r, 1, &one, &k1))
			die(ctx, "predict one row");
		rc |= compare("one row", one, ref + r * k, r, 1, k);
		free(one);
	}
	if (!rc)
		printf("identical: %zu rows x %zu outputs (%s)\n", f->nrows, k, evaluator(m));
	free(nat);
	free(ref);
	cairn_frame_free(f);
	cairn_model_free(m);
	cairn_ctx_free(ctx);
	return rc;
}
