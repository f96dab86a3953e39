/* Unit tests of bundles: the ustar writer and reader, the bundle's checks
 * against its manifest, extraction, and recognising a bundle file. */
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cairn/error.h"
#include "cairn/package.h"
#include "core/fs.h"
#include "registry/bundle-tar.h"
#include "registry/bundle.h"
#include "tests/unit/suites.h"

/* A file of the test bundles. */
struct file {
	const char *path;
	const char *data;
};

/* Writes a bundle of files to path; the manifest lists them as they are,
 * unless listed differs (then it lists those). */
static void write_bundle(cairn_ctx *ctx, const char *path, const struct file *files, size_t n,
			 const struct file *listed, size_t nlisted)
{
	struct cairn__tar t;
	json_t *m = json_pack("{s:s, s:i, s:[]}", "format", "cairn-bundle", "format_version", 1,
			      "files");
	char hex[CAIRN_HEX_LEN + 1];
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	char *text;

	if (!listed) {
		listed = files;
		nlisted = n;
	}
	for (size_t i = 0; i < nlisted; i++) {
		cairn_sha256_buf(listed[i].data, strlen(listed[i].data), hex);
		json_array_append_new(json_object_get(m, "files"),
				      json_pack("{s:s, s:I, s:s}", "path", listed[i].path, "size",
						(json_int_t)strlen(listed[i].data), "sha256", hex));
	}
	text = json_dumps(m, 0);
	CHECK(fd >= 0);
	CHECK_OK(ctx, cairn__tar_start(ctx, &t, fd, path));
	CHECK_OK(ctx, cairn__tar_add_data(&t, CAIRN_BUNDLE_MANIFEST, text, strlen(text), 0644));
	for (size_t i = 0; i < n; i++)
		CHECK_OK(ctx, cairn__tar_add_data(&t, files[i].path, files[i].data,
						  strlen(files[i].data), 0644));
	CHECK_OK(ctx, cairn__tar_finish(&t, hex));
	close(fd);
	free(text);
	json_decref(m);
}

static const struct file good[] = {
	{ "model/MLmodel", "flavors: {}\n" },
	{ "model/members/0/model.json", "{\"a\": 1}" },
	{ "summary.json", "{}" },
};

static void test_bundle_tar_round_trip(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	char long_name[180], hex[CAIRN_HEX_LEN + 1];
	struct cairn__tar_entry e;
	struct cairn__tar t;
	cairn_buf b = CAIRN_BUF_INIT;
	const char *why = NULL;
	size_t pos = 0;
	int fd = open("a.tar", O_WRONLY | O_CREAT | O_TRUNC, 0644);

	memset(long_name, 'x', sizeof(long_name));
	long_name[90] = '/';
	long_name[sizeof(long_name) - 1] = '\0';
	CHECK_OK(ctx, cairn__tar_start(ctx, &t, fd, "a.tar"));
	CHECK_OK(ctx, cairn__tar_add_dir(&t, "d", 0755));
	CHECK_OK(ctx, cairn__tar_add_data(&t, long_name, "hello", 5, 0644));
	CHECK_ERR(ctx, cairn__tar_add_data(&t, "y/" "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
					   "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "", 0,
					   0644), CAIRN_EINVAL, "too long");
	CHECK_OK(ctx, cairn__tar_finish(&t, hex));
	close(fd);
	CHECK_INT(t.size, ==, 5 * CAIRN__TAR_BLOCK); /* dir, header, data, end */
	CHECK_OK(ctx, cairn_read_file(ctx, "a.tar", &b));
	CHECK_INT(cairn__tar_next((unsigned char *)b.buf, b.len, &pos, &e, &why), ==, 1);
	CHECK_STR(e.name, "d/");
	CHECK_INT(e.type, ==, '5');
	CHECK_INT(cairn__tar_next((unsigned char *)b.buf, b.len, &pos, &e, &why), ==, 1);
	CHECK_STR(e.name, long_name);
	CHECK_INT(e.size, ==, 5);
	CHECK(!memcmp(e.data, "hello", 5));
	CHECK_INT(cairn__tar_next((unsigned char *)b.buf, b.len, &pos, &e, &why), ==, 0);
	/* a header's byte changed breaks its checksum */
	b.buf[CAIRN__TAR_BLOCK + 3] ^= 1;
	pos = CAIRN__TAR_BLOCK;
	CHECK_INT(cairn__tar_next((unsigned char *)b.buf, b.len, &pos, &e, &why), <, 0);
	CHECK_STR(why, "a header's checksum does not match");
	cairn_buf_release(&b);
	cairn_ctx_free(ctx);
}

static void test_bundle_verify_and_extract(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	json_t *m = NULL;
	cairn_buf b = CAIRN_BUF_INIT;

	write_bundle(ctx, "ok.cairn", good, 3, NULL, 0);
	CHECK(cairn_bundle_is_file("ok.cairn"));
	CHECK_OK(ctx, cairn_bundle_verify(ctx, "ok.cairn", &m));
	CHECK_INT(json_array_size(json_object_get(m, "files")), ==, 3);
	json_decref(m);
	CHECK_OK(ctx, cairn_bundle_extract(ctx, "ok.cairn", "out"));
	CHECK_OK(ctx, cairn_read_file(ctx, "out/model/members/0/model.json", &b));
	CHECK_STR(b.buf, "{\"a\": 1}");
	CHECK_ERR(ctx, cairn_bundle_extract(ctx, "ok.cairn", "out"), CAIRN_EEXIST, "already exists");
	cairn_buf_release(&b);
	cairn_ctx_free(ctx);
}

static void test_bundle_refuses_tampering(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	const struct file changed[] = {
		{ "model/MLmodel", "flavors: {}\n" },
		{ "model/members/0/model.json", "{\"a\": 2}" },
		{ "summary.json", "{}" },
	};
	const struct file extra[] = {
		{ "model/MLmodel", "flavors: {}\n" },
		{ "model/members/0/model.json", "{\"a\": 1}" },
		{ "summary.json", "{}" },
		{ "evil", "x" },
	};
	const struct file up[] = { { "model/../x", "x" } };
	const struct file twice[] = { { "a", "x" }, { "a", "x" } };

	write_bundle(ctx, "b.cairn", changed, 3, good, 3);
	CHECK_ERR(ctx, cairn_bundle_verify(ctx, "b.cairn", NULL), CAIRN_ECORRUPT,
		  "'model/members/0/model.json' does not match the manifest");
	write_bundle(ctx, "b.cairn", extra, 4, good, 3);
	CHECK_ERR(ctx, cairn_bundle_verify(ctx, "b.cairn", NULL), CAIRN_ECORRUPT,
		  "'evil' is not in the manifest");
	write_bundle(ctx, "b.cairn", good, 2, good, 3);
	CHECK_ERR(ctx, cairn_bundle_verify(ctx, "b.cairn", NULL), CAIRN_ECORRUPT,
		  "'summary.json' is in the manifest but missing");
	write_bundle(ctx, "b.cairn", up, 1, NULL, 0);
	CHECK_ERR(ctx, cairn_bundle_verify(ctx, "b.cairn", NULL), CAIRN_ECORRUPT,
		  "bad path 'model/../x'");
	write_bundle(ctx, "b.cairn", twice, 2, twice, 1);
	CHECK_ERR(ctx, cairn_bundle_verify(ctx, "b.cairn", NULL), CAIRN_ECORRUPT,
		  "'a' appears twice");
	CHECK_ERR(ctx, cairn_bundle_extract(ctx, "b.cairn", "never"), CAIRN_ECORRUPT, NULL);
	CHECK(!cairn_is_dir("never"));
	CHECK_OK(ctx, cairn_write_file_atomic(ctx, "empty", "", 0, 0644));
	CHECK(!cairn_bundle_is_file("empty"));
	CHECK(!cairn_bundle_is_file("."));
	CHECK_ERR(ctx, cairn_bundle_verify(ctx, "empty", NULL), CAIRN_ECORRUPT,
		  "not a cairn bundle");
	cairn_ctx_free(ctx);
}

const struct unit_test bundle_tests[] = {
	{ "bundle_tar_round_trip", test_bundle_tar_round_trip },
	{ "bundle_verify_and_extract", test_bundle_verify_and_extract },
	{ "bundle_refuses_tampering", test_bundle_refuses_tampering },
	{ NULL, NULL }
};
