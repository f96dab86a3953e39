/*
 * Packaging a model for use elsewhere: a bundle file and an OCI image.
 *
 * A bundle is one self-contained file holding a model package, its
 * signature, a summary of its lineage and a manifest of every file with its
 * size and SHA-256 (the format is in docs/internals/registry.md). A bundle
 * is a model reference: cairn_registry_model_open opens a path to one,
 * verified, without a workspace. Writing one needs the model reference
 * resolved as cairn_registry_model_open does (a registered version, a run,
 * a package directory), so a workspace for the first two.
 *
 * An OCI image (an image layout directory, or that layout as one tar file,
 * the oci-archive transport) holds a root filesystem with the cairn
 * program, every shared library it needs and loads, the model's bundle and
 * minimal /etc files; its entrypoint serves the bundle. It is built
 * without a container daemon.
 *
 * Every function returns 0 or an error code with the message on ctx, and
 * leaves nothing half-written at the destination: files appear whole
 * (temporary file and rename), and an existing one is replaced only with
 * force (docs/outputs.md). One ctx per thread.
 */
#ifndef CAIRN_PACKAGE_H
#define CAIRN_PACKAGE_H

#include <jansson.h>
#include <stdint.h>
#include "cairn/common.h"
#include "cairn/ctx.h"
#include "cairn/hash.h"

CAIRN_BEGIN_DECLS

/* The name of a bundle's first file, its manifest. */
#define CAIRN_BUNDLE_MANIFEST "cairn-bundle.json"
/* The largest bundle read, and the largest file in it. */
#define CAIRN_BUNDLE_MAX_BYTES ((uint64_t)4 << 30)

struct cairn_bundle_options {
	const char *model;   /* the model reference */
	const char *out;     /* the bundle file to write */
	int force;           /* replace an existing file */
};

struct cairn_bundle_result {
	char model[160];                /* "NAME@V", or the reference given */
	char sha256[CAIRN_HEX_LEN + 1]; /* of the bundle file */
	uint64_t size;                  /* of the bundle file */
	size_t files;                   /* in the manifest */
	json_t *summary;                /* the lineage summary (summary.json); the
					   caller's reference, released by
					   cairn_bundle_result_release */
};

/* Writes the bundle of o->model to o->out. The same package gives the same
 * bytes (no time of writing is recorded). */
int cairn_bundle_write(cairn_ctx *ctx, const struct cairn_bundle_options *o,
		       struct cairn_bundle_result *res);
void cairn_bundle_result_release(struct cairn_bundle_result *res);

/* 1 when path is a regular file that starts as a bundle does (its first
 * entry is CAIRN_BUNDLE_MANIFEST); 0 otherwise. Reads 512 bytes. */
int cairn_bundle_is_file(const char *path);

/* Reads and verifies the bundle at path: every file's size and SHA-256
 * against the manifest, no file missing or extra or twice, no absolute
 * path, "..", link or directory entry, nothing beyond
 * CAIRN_BUNDLE_MAX_BYTES. A bundle that fails is CAIRN_ECORRUPT with a
 * message naming the file at fault. *manifest (may be NULL) receives the
 * manifest (the caller's reference). */
int cairn_bundle_verify(cairn_ctx *ctx, const char *path, json_t **manifest);

/* Verifies the bundle as above, then writes its files below dir (which
 * must not exist; it is created). Nothing is written when it fails
 * verification. */
int cairn_bundle_extract(cairn_ctx *ctx, const char *path, const char *dir);

struct cairn_oci_options {
	const char *model;    /* the model reference */
	const char *layout;   /* an image layout directory to write, or NULL */
	const char *archive;  /* the layout as a tar file to write, or NULL */
	const char *tag;      /* the image's reference name (NULL: "latest") */
	const char *exe;      /* the cairn program to put in the image (the
				 caller's own, e.g. /proc/self/exe read) */
	int port;             /* the port served (0: 8080) */
	int force;            /* replace an existing layout or archive */
};

struct cairn_oci_result {
	struct cairn_bundle_result bundle;
	char manifest_digest[CAIRN_HEX_LEN + 1];
	char config_digest[CAIRN_HEX_LEN + 1];
	char layer_digest[CAIRN_HEX_LEN + 1];
	uint64_t layer_size;
	size_t libraries;     /* shared libraries (and the loader) in the image */
};

/* Builds the image of o->model: exactly one of layout and archive. A
 * shared library that o->exe needs and that is not found is
 * CAIRN_ENOTFOUND naming it; a library cairn loads on demand
 * (libxgboost, liblinear, libcurl, libpq) that is not installed is left
 * out with a warning. */
int cairn_oci_build(cairn_ctx *ctx, const struct cairn_oci_options *o,
		    struct cairn_oci_result *res);
void cairn_oci_result_release(struct cairn_oci_result *res);

CAIRN_END_DECLS

#endif
