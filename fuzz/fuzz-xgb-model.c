/*
 * libFuzzer target for XGBoost model files as cairn reads them before
 * libxgboost does: the JSON reader that turns NaN and infinities into null
 * (cairn__xgb_json_load), the UBJSON reader (cairn__ubjson_load) and the
 * model checks (cairn__xgb_validate); then, for a model that passes them,
 * the native tree evaluator (ml/native.h) built from it, predicting a few
 * rows. None may crash, read out of bounds or loop; a failure must be one
 * of their documented codes (CAIRN_EPARSE, and CAIRN_ECORRUPT for the
 * checks and the evaluator) with a message.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "cairn/ctx.h"
#include "cairn/error.h"
#include "ml/native.h"
#include "ml/ubjson.h"
#include "ml/xgb-validate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Builds the native evaluator of a checked model of at most 64 features
 * and predicts rows of zeros, of missing values and of mixed values. */
static void native(cairn_ctx *ctx, const json_t *doc)
{
	const char *s = json_string_value(json_object_get(json_object_get(json_object_get(
		doc, "learner"), "learner_model_param"), "num_feature"));
	long nfeatures = s ? strtol(s, NULL, 10) : 0;
	struct cairn__native_trees *t = NULL;
	float x[3 * 64], *out;
	int rc;

	if (nfeatures < 1 || nfeatures > 64)
		return;
	rc = cairn__native_trees_build(ctx, "fuzz", doc, (size_t)nfeatures, &t);
	if (rc && (rc != CAIRN_ECORRUPT || !*cairn_errmsg(ctx)))
		abort();
	if (!t)
		return;
	for (long j = 0; j < nfeatures; j++) {
		x[j] = 0;
		x[64 + j] = __builtin_nanf("");
		x[128 + j] = j % 3 ? (float)j * 0.5f - 3 : __builtin_nanf("");
	}
	out = malloc(3 * cairn__native_trees_groups(t) * sizeof(float));
	if (!out)
		abort();
	for (int r = 0; r < 3; r++) {
		cairn__native_trees_predict(t, x + 64 * r, 1, 0, out);
		cairn__native_trees_predict(t, x + 64 * r, 1, 1, out);
	}
	free(out);
	cairn__native_trees_free(t);
}

static void check(cairn_ctx *ctx, int rc, json_t *doc)
{
	if (rc && rc != CAIRN_EPARSE)
		abort();
	if (rc)
		return;
	rc = cairn__xgb_validate(ctx, "fuzz", doc);
	if (rc && ((rc != CAIRN_ECORRUPT && rc != CAIRN_EPARSE) || !*cairn_errmsg(ctx)))
		abort();
	if (!rc)
		native(ctx, doc);
	json_decref(doc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cairn_ctx *ctx = cairn_ctx_new();
	json_t *doc = NULL;

	check(ctx, cairn__xgb_json_load(ctx, "fuzz", (const char *)data, size, &doc), doc);
	doc = NULL;
	check(ctx, cairn__ubjson_load(ctx, "fuzz", data, size, &doc), doc);
	cairn_ctx_free(ctx);
	return 0;
}
