/*
 * Bundles inside the registry module: parsing and verifying one held in
 * memory (what cairn_bundle_verify and the fuzz target call), and opening
 * one as a model (cairn_registry_model_open).
 *
 * A bundle is a POSIX ustar archive of regular files only (bundle-tar.h):
 * CAIRN_BUNDLE_MANIFEST first, {"format": "cairn-bundle",
 * "format_version": 1, "model": ..., "files": [{path, size, sha256}]}
 * listing every other entry in the archive's order; then the files:
 * model/... (the model package), signature.json and summary.json.
 */
#ifndef CAIRN_REGISTRY_BUNDLE_H
#define CAIRN_REGISTRY_BUNDLE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include "cairn/ctx.h"
#include "cairn/model.h"

#define CAIRN__BUNDLE_FORMAT "cairn-bundle"
#define CAIRN__BUNDLE_VERSION 1
/* The package's files are below this directory of the bundle. */
#define CAIRN__BUNDLE_MODEL_DIR "model/"

struct cairn__bundle_file {
	const char *path;              /* into manifest */
	const unsigned char *data;     /* into the bundle's bytes */
	uint64_t size;
};

struct cairn__bundle {
	json_t *manifest;
	struct cairn__bundle_file *files;  /* in the archive's order */
	size_t nfiles;
};

/* Parses and verifies len bytes of a bundle (what names it in messages);
 * CAIRN_ECORRUPT naming the file at fault. b points into data. */
int cairn__bundle_parse(cairn_ctx *ctx, const char *what, const unsigned char *data,
			size_t len, struct cairn__bundle *b);
void cairn__bundle_release(struct cairn__bundle *b);

/* Opens the bundle at path as a model: verified, its package extracted to
 * a temporary directory, loaded, and the directory removed. */
int cairn__bundle_model_open(cairn_ctx *ctx, const char *path, cairn_model **out);

#endif
