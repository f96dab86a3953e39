/*
 * libFuzzer target for XGBoost model files as cairn reads them before
 * libxgboost does: the JSON reader that turns NaN and infinities into null
 * (cairn__xgb_json_load), the UBJSON reader (cairn__ubjson_load) and the
 * model checks (cairn__xgb_validate). None may crash, read out of bounds or
 * loop; a failure must be one of their documented codes (CAIRN_EPARSE, and
 * CAIRN_ECORRUPT for the checks) with a message.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "cairn/ctx.h"
#include "cairn/error.h"
#include "ml/ubjson.h"
#include "ml/xgb-validate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(cairn_ctx *ctx, int rc, json_t *doc)
{
	if (rc && rc != CAIRN_EPARSE)
		abort();
	if (rc)
		return;
	rc = cairn__xgb_validate(ctx, "fuzz", doc);
	if (rc && ((rc != CAIRN_ECORRUPT && rc != CAIRN_EPARSE) || !*cairn_errmsg(ctx)))
		abort();
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
