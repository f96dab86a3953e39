/* Streaming SHA-256 over OpenSSL's EVP interface; see include/cairn/hash.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <openssl/evp.h>
#include "cairn/error.h"
#include "cairn/hash.h"
#include "core/fs.h"

#define HASH_CHUNK (1 << 20)

int cairn_sha256_init(cairn_ctx *ctx, cairn_sha256 *h)
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	if (!md || !EVP_DigestInit_ex(md, EVP_sha256(), NULL)) {
		EVP_MD_CTX_free(md);
		h->md = NULL;
		return cairn_error(ctx, CAIRN_EINTERNAL, "cannot initialize SHA-256");
	}
	h->md = md;
	return 0;
}

void cairn_sha256_update(cairn_sha256 *h, const void *data, size_t len)
{
	EVP_DigestUpdate(h->md, data, len);
}

static void to_hex(const unsigned char *d, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[d[i] >> 4];
		out[2 * i + 1] = digits[d[i] & 15];
	}
	out[2 * n] = '\0';
}

void cairn_sha256_final(cairn_sha256 *h, char hex[CAIRN_HEX_LEN + 1])
{
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	EVP_DigestFinal_ex(h->md, d, &n);
	to_hex(d, n, hex);
	cairn_sha256_release(h);
}

void cairn_sha256_release(cairn_sha256 *h)
{
	EVP_MD_CTX_free(h->md);
	h->md = NULL;
}

void cairn_sha256_buf(const void *data, size_t len, char hex[CAIRN_HEX_LEN + 1])
{
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	EVP_Digest(data, len, d, &n, EVP_sha256(), NULL);
	to_hex(d, n, hex);
}

int cairn_sha256_file(cairn_ctx *ctx, const char *path, char hex[CAIRN_HEX_LEN + 1])
{
	cairn_sha256 h;
	char *chunk;
	ssize_t n;
	int fd, rc;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return cairn_error_errno(ctx, "cannot open '%s'", path);
	posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	if ((rc = cairn_sha256_init(ctx, &h))) {
		close(fd);
		return rc;
	}
	chunk = malloc(HASH_CHUNK);
	if (!chunk) {
		cairn_sha256_release(&h);
		close(fd);
		return cairn_error(ctx, CAIRN_ENOMEM, "out of memory hashing '%s'", path);
	}
	while ((n = cairn_read_full(fd, chunk, HASH_CHUNK)) > 0)
		cairn_sha256_update(&h, chunk, (size_t)n);
	if (n < 0) {
		rc = cairn_error_errno(ctx, "cannot read '%s'", path);
		cairn_sha256_release(&h);
	} else {
		cairn_sha256_final(&h, hex);
	}
	free(chunk);
	close(fd);
	return rc;
}

int cairn_is_hex(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
			return 0;
	return 1;
}

int cairn_is_sha256_hex(const char *s)
{
	return strlen(s) == CAIRN_HEX_LEN && cairn_is_hex(s);
}
