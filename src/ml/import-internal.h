/*
 * Import without a run: the package alone, for callers that record the
 * import themselves (and for the tests of each format).
 */
#ifndef CAIRN_ML_IMPORT_INTERNAL_H
#define CAIRN_ML_IMPORT_INTERNAL_H

#include <jansson.h>
#include "cairn/import.h"

/*
 * Writes the package for o (its name and experiment unused) to dir, which
 * must not exist; run_id (may be NULL) goes into its MLmodel. *summary (may
 * be NULL) gets the summary without run_id. Errors: a missing path
 * (CAIRN_ENOTFOUND), a file or directory in no known format or a malformed
 * model (CAIRN_EPARSE), a bad or missing signature, a feature count that
 * does not match, labels of the wrong count or order (CAIRN_EINVAL).
 */
int cairn__import_package(cairn_ctx *ctx, const struct cairn_import_options *o,
			  const char *run_id, const char *dir, json_t **summary);

#endif
