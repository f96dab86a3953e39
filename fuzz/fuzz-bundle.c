/*
 * libFuzzer target for the bundle reader (cairn__bundle_parse): the ustar
 * headers, the manifest and every check against it. It must never crash,
 * read out of bounds or loop; a failure is CAIRN_ECORRUPT with a message;
 * and what it accepts holds: every file's size and SHA-256 as the manifest
 * says, each path relative without "." or "..", each listed once.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "cairn/ctx.h"
#include "cairn/error.h"
#include "cairn/hash.h"
#include "registry/bundle.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int path_sane(const char *p)
{
	if (!*p || *p == '/' || strstr(p, "//") || !strcmp(p, "..") || !strncmp(p, "../", 3) ||
	    strstr(p, "/../") || (strlen(p) >= 3 && !strcmp(p + strlen(p) - 3, "/..")))
		return 0;
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cairn_ctx *ctx = cairn_ctx_new();
	struct cairn__bundle b;
	char hex[CAIRN_HEX_LEN + 1];
	int rc = cairn__bundle_parse(ctx, "fuzz", data, size, &b);

	if (rc) {
		if (rc != CAIRN_ECORRUPT || !*cairn_errmsg(ctx))
			abort();
		cairn_ctx_free(ctx);
		return 0;
	}
	if (b.nfiles != json_array_size(json_object_get(b.manifest, "files")))
		abort();
	for (size_t i = 0; i < b.nfiles; i++) {
		if (!path_sane(b.files[i].path))
			abort();
		for (size_t j = 0; j < i; j++)
			if (!strcmp(b.files[i].path, b.files[j].path))
				abort();
		cairn_sha256_buf(b.files[i].data, (size_t)b.files[i].size, hex);
		for (size_t k = 0; k < b.nfiles; k++) {
			json_t *g = json_array_get(json_object_get(b.manifest, "files"), k);
			if (strcmp(json_string_value(json_object_get(g, "path")), b.files[i].path))
				continue;
			if (strcmp(hex, json_string_value(json_object_get(g, "sha256"))) ||
			    (json_int_t)b.files[i].size != json_integer_value(json_object_get(g, "size")))
				abort();
		}
	}
	cairn__bundle_release(&b);
	cairn_ctx_free(ctx);
	return 0;
}
