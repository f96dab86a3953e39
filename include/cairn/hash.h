/*
 * Streaming SHA-256 through OpenSSL (hardware accelerated where the CPU has it).
 *
 * Digests are handled as lower-case hex strings of CAIRN_HEX_LEN characters.
 * A cairn_sha256 holds OpenSSL state: always call cairn_sha256_final() or
 * cairn_sha256_release() on it.
 */
#ifndef CAIRN_HASH_H
#define CAIRN_HASH_H

#include <stddef.h>
#include "cairn/common.h"
#include "cairn/ctx.h"

CAIRN_BEGIN_DECLS

#define CAIRN_HEX_LEN 64

typedef struct cairn_sha256 {
	void *md; /* EVP_MD_CTX */
} cairn_sha256;

int cairn_sha256_init(cairn_ctx *ctx, cairn_sha256 *h);
void cairn_sha256_update(cairn_sha256 *h, const void *data, size_t len);
/* Writes the digest as hex plus NUL into hex and releases h. */
void cairn_sha256_final(cairn_sha256 *h, char hex[CAIRN_HEX_LEN + 1]);
void cairn_sha256_release(cairn_sha256 *h);

/* Hashes len bytes of data in one call. */
void cairn_sha256_buf(const void *data, size_t len, char hex[CAIRN_HEX_LEN + 1]);
/* Hashes the file at path by streaming it. */
int cairn_sha256_file(cairn_ctx *ctx, const char *path, char hex[CAIRN_HEX_LEN + 1]);

/* 1 when s is exactly 64 lower-case hex characters. */
int cairn_is_sha256_hex(const char *s);
/* 1 when s is a non-empty string of lower-case hex characters. */
int cairn_is_hex(const char *s);

CAIRN_END_DECLS

#endif
