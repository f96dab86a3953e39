/* Unit tests for SHA-256 hashing: published vectors, streaming, files, hex checks. */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>
#include "cairn/ctx.h"
#include "cairn/error.h"
#include "cairn/hash.h"
#include "core/fs.h"
#include "tests/unit/suites.h"

/* FIPS 180-2 test vectors. */
static const char empty_sha[] =
	"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
static const char abc_sha[] =
	"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
static const char two_blocks[] =
	"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
static const char two_blocks_sha[] =
	"248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1";
static const char million_a_sha[] =
	"cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0";

static void test_hash_known_vectors(void)
{
	char hex[CAIRN_HEX_LEN + 1];

	cairn_sha256_buf("", 0, hex);
	CHECK_STR(hex, empty_sha);
	cairn_sha256_buf("abc", 3, hex);
	CHECK_STR(hex, abc_sha);
	cairn_sha256_buf(two_blocks, strlen(two_blocks), hex);
	CHECK_STR(hex, two_blocks_sha);
}

static void test_hash_streaming_equals_one_shot(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	size_t n = 1000000, steps[] = { 1, 7, 63, 64, 65, 4096, 100003 };
	char *data = cairn_xmalloc(n);
	char one[CAIRN_HEX_LEN + 1], streamed[CAIRN_HEX_LEN + 1];
	cairn_sha256 h;

	memset(data, 'a', n);
	cairn_sha256_buf(data, n, one);
	CHECK_STR(one, million_a_sha);
	for (size_t s = 0; s < sizeof(steps) / sizeof(steps[0]); s++) {
		CHECK_OK(ctx, cairn_sha256_init(ctx, &h));
		for (size_t off = 0; off < n; off += steps[s])
			cairn_sha256_update(&h, data + off,
					    n - off < steps[s] ? n - off : steps[s]);
		cairn_sha256_final(&h, streamed);
		CHECK_STR(streamed, one);
		CHECK(h.md == NULL); /* final released the state */
	}

	/* No update at all is the empty message; release without final is fine. */
	CHECK_OK(ctx, cairn_sha256_init(ctx, &h));
	cairn_sha256_final(&h, streamed);
	CHECK_STR(streamed, empty_sha);
	CHECK_OK(ctx, cairn_sha256_init(ctx, &h));
	cairn_sha256_update(&h, "abc", 3);
	cairn_sha256_release(&h);
	CHECK(h.md == NULL);
	free(data);
	cairn_ctx_free(ctx);
}

static void write_file(const char *path, const void *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	CHECK(fd >= 0);
	CHECK_INT(cairn_write_full(fd, data, len), ==, 0);
	close(fd);
}

static void test_hash_file(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	/* Larger than the 1 MiB read chunk, and not a multiple of it. */
	size_t n = 3 * (1 << 20) + 12345;
	unsigned char *data = cairn_xmalloc(n);
	char want[CAIRN_HEX_LEN + 1], got[CAIRN_HEX_LEN + 1];

	for (size_t i = 0; i < n; i++)
		data[i] = (unsigned char)(i * 2654435761u >> 13);
	cairn_sha256_buf(data, n, want);
	write_file("big.bin", data, n);
	CHECK_OK(ctx, cairn_sha256_file(ctx, "big.bin", got));
	CHECK_STR(got, want);

	write_file("empty", "", 0);
	CHECK_OK(ctx, cairn_sha256_file(ctx, "empty", got));
	CHECK_STR(got, empty_sha);

	write_file("abc.txt", "abc", 3);
	CHECK_OK(ctx, cairn_sha256_file(ctx, "abc.txt", got));
	CHECK_STR(got, abc_sha);

	CHECK_ERR(ctx, cairn_sha256_file(ctx, "no-such-file", got), CAIRN_ENOTFOUND,
		  "cannot open 'no-such-file'");
	/* A directory opens but cannot be read. */
	CHECK_ERR(ctx, cairn_sha256_file(ctx, ".", got), CAIRN_EIO, "cannot read '.'");
	free(data);
	cairn_ctx_free(ctx);
}

static void test_hash_hex_checks(void)
{
	char upper[] = "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855";

	CHECK_INT(cairn_is_sha256_hex(empty_sha), ==, 1);
	CHECK_INT(cairn_is_sha256_hex(upper), ==, 0);
	CHECK_INT(cairn_is_sha256_hex("e3b0c442"), ==, 0);
	CHECK_INT(cairn_is_sha256_hex(""), ==, 0);
	/* 63 and 65 characters */
	CHECK_INT(cairn_is_sha256_hex(empty_sha + 1), ==, 0);
	char longer[CAIRN_HEX_LEN + 2];
	memcpy(longer, empty_sha, CAIRN_HEX_LEN);
	longer[CAIRN_HEX_LEN] = '0';
	longer[CAIRN_HEX_LEN + 1] = '\0';
	CHECK_INT(cairn_is_sha256_hex(longer), ==, 0);
	char bad[CAIRN_HEX_LEN + 1];
	memcpy(bad, empty_sha, sizeof(bad));
	bad[10] = 'g';
	CHECK_INT(cairn_is_sha256_hex(bad), ==, 0);

	CHECK_INT(cairn_is_hex("0123456789abcdef"), ==, 1);
	CHECK_INT(cairn_is_hex("a"), ==, 1);
	CHECK_INT(cairn_is_hex(""), ==, 0);
	CHECK_INT(cairn_is_hex("abcG"), ==, 0);
	CHECK_INT(cairn_is_hex("ABCD"), ==, 0);
	CHECK_INT(cairn_is_hex("ab cd"), ==, 0);
	CHECK_INT(cairn_is_hex("-1"), ==, 0);
}

const struct unit_test hash_tests[] = {
	{ "hash_known_vectors", test_hash_known_vectors },
	{ "hash_streaming_equals_one_shot", test_hash_streaming_equals_one_shot },
	{ "hash_file", test_hash_file },
	{ "hash_hex_checks", test_hash_hex_checks },
	{ NULL, NULL }
};
