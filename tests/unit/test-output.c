/* Unit tests for the destination policy of files written at a caller's path
 * (src/core/output.c) and the checkout that uses it. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cairn/error.h"
#include "cairn/objects.h"
#include "cairn/workspace.h"
#include "core/fs.h"
#include "core/output.h"
#include "tests/unit/suites.h"

/* Entries of dir whose names contain the temporary-file mark. */
static int count_tmp(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		if (strstr(e->d_name, CAIRN__OUTPUT_TMP_MARK))
			n++;
	closedir(d);
	return n;
}

static void test_output_refuses_what_is_not_a_regular_file(void)
{
	struct cairn__output_opts o = { NULL, 1, 0 };
	cairn_ctx *ctx = cairn_ctx_new();
	struct stat st;

	CHECK_INT(mkfifo("fifo", 0666), ==, 0);
	CHECK_INT(mkdir("dir", 0777), ==, 0);
	CHECK_INT(symlink("fifo", "link"), ==, 0);
	CHECK_INT(symlink("missing", "dangling"), ==, 0);
	CHECK_ERR(ctx, cairn__output_write(ctx, "fifo", "x", 1, &o), CAIRN_EINVAL,
		  "cannot write 'fifo': it exists and is not a regular file");
	CHECK_ERR(ctx, cairn__output_write(ctx, "dir", "x", 1, &o), CAIRN_EINVAL,
		  "it is a directory");
	CHECK_ERR(ctx, cairn__output_write(ctx, "dir/", "x", 1, &o), CAIRN_EINVAL,
		  "it names a directory");
	CHECK_ERR(ctx, cairn__output_write(ctx, "link", "x", 1, &o), CAIRN_EINVAL,
		  "it is a symbolic link");
	CHECK_ERR(ctx, cairn__output_write(ctx, "dangling", "x", 1, &o), CAIRN_EINVAL,
		  "it is a symbolic link");
	CHECK_INT(lstat("fifo", &st), ==, 0);
	CHECK(S_ISFIFO(st.st_mode));
	CHECK_INT(lstat("link", &st), ==, 0);
	CHECK(S_ISLNK(st.st_mode));
	CHECK_INT(access("missing", F_OK), ==, -1);
	CHECK_INT(count_tmp("."), ==, 0);
	cairn_ctx_free(ctx);
}

static void test_output_force_and_no_clobber(void)
{
	struct cairn__output_opts keep = { NULL, 0, 0 };
	cairn_ctx *ctx = cairn_ctx_new();
	struct cairn__output out;
	cairn_buf b = CAIRN_BUF_INIT;

	CHECK_OK(ctx, cairn__output_write(ctx, "f", "one", 3, &keep));
	CHECK_ERR(ctx, cairn__output_write(ctx, "f", "two", 3, &keep), CAIRN_EEXIST,
		  "'f' already exists");
	/* A file that appears between the check and the rename is kept too. */
	CHECK_OK(ctx, cairn__output_begin(ctx, &out, "g", &keep));
	CHECK_OK(ctx, cairn__output_create(ctx, &out));
	CHECK_INT(cairn_write_full(out.fd, "late", 4), ==, 0);
	CHECK_OK(ctx, cairn_write_file_atomic(ctx, "g", "first", 5, 0644));
	CHECK_ERR(ctx, cairn__output_commit(ctx, &out), CAIRN_EEXIST, "'g' already exists");
	CHECK_OK(ctx, cairn_read_file(ctx, "g", &b));
	CHECK_STR(b.buf, "first");
	CHECK_INT(count_tmp("."), ==, 0);
	cairn_buf_release(&b);
	cairn_ctx_free(ctx);
}

static void test_output_mode_follows_the_umask(void)
{
	struct cairn__output_opts o = { NULL, 0, 0 };
	cairn_ctx *ctx = cairn_ctx_new();
	mode_t old = umask(027);
	struct stat st;

	CHECK_OK(ctx, cairn__output_write(ctx, "a", "x", 1, &o));
	CHECK_OK(ctx, cairn_write_file_atomic(ctx, "b", "x", 1, 0644));
	umask(077);
	CHECK_OK(ctx, cairn__output_write(ctx, "c", "x", 1, &o));
	umask(old);
	CHECK_INT(stat("a", &st), ==, 0);
	CHECK_INT(st.st_mode & 0777, ==, 0640);
	CHECK_INT(stat("b", &st), ==, 0);
	CHECK_INT(st.st_mode & 0777, ==, 0640);
	CHECK_INT(stat("c", &st), ==, 0);
	CHECK_INT(st.st_mode & 0777, ==, 0600);
	cairn_ctx_free(ctx);
}

static void test_output_protects_a_directory_by_inode(void)
{
	struct cairn__output_opts o = { "ws/.cairn", 1, 0 };
	cairn_ctx *ctx = cairn_ctx_new();

	CHECK_OK(ctx, cairn_mkdir_p(ctx, "ws/.cairn/objects", 0777));
	CHECK_INT(symlink("ws/.cairn", "alias"), ==, 0);
	CHECK_ERR(ctx, cairn__output_write(ctx, "ws/.cairn/db", "x", 1, &o), CAIRN_EINVAL,
		  "is inside the workspace's 'ws/.cairn' directory");
	CHECK_ERR(ctx, cairn__output_write(ctx, "alias/objects/x", "x", 1, &o), CAIRN_EINVAL,
		  "is inside");
	CHECK_ERR(ctx, cairn__output_write(ctx, "ws/../alias/new/dir/x", "x", 1, &o),
		  CAIRN_EINVAL, "is inside");
	CHECK_OK(ctx, cairn__output_write(ctx, "ws/x", "x", 1, &o));
	CHECK_INT(access("ws/.cairn/db", F_OK), ==, -1);
	CHECK_INT(count_tmp("ws/.cairn"), ==, 0);
	cairn_ctx_free(ctx);
}

static void test_output_tmp_names(void)
{
	CHECK(cairn__output_is_tmp_name(".x.csv.cairn-tmp-01m98end8rd02be0835b52fyeb"));
	CHECK(!cairn__output_is_tmp_name("x.csv.cairn-tmp-01m98end8rd02be0835b52fyeb"));
	CHECK(!cairn__output_is_tmp_name(".cairn-tmp-01m98end8rd02be0835b52fyeb"));
	CHECK(!cairn__output_is_tmp_name(".x.cairn-tmp-short"));
}

static void test_checkout_cancelled_removes_its_temporary(void)
{
	enum cairn_link_type copy = CAIRN_LINK_COPY;
	struct cairn_cancel cancel = { 1, 15, 0 };
	struct cairn_object_put_result res;
	cairn_ctx *ctx = cairn_ctx_new();
	enum cairn_init_result r;
	char *data = cairn_xmalloc(3 << 20);

	memset(data, 'x', 3 << 20);
	CHECK_OK(ctx, cairn_workspace_init(ctx, ".", 1, &r));
	CHECK_OK(ctx, cairn_object_put_buf(ctx, data, 3 << 20, &res));
	CHECK_INT(mkdir("out", 0777), ==, 0);
	cairn_ctx_set_cancel(ctx, &cancel);
	CHECK_ERR(ctx, cairn_object_checkout(ctx, res.hash, "out/big", &copy, 1, 0, NULL),
		  CAIRN_EINTERRUPTED, "interrupted by SIGTERM");
	CHECK_INT(access("out/big", F_OK), ==, -1);
	CHECK_INT(count_tmp("out"), ==, 0);
	cancel.requested = 0;
	cancel.sig = 0;
	CHECK_OK(ctx, cairn_object_checkout(ctx, res.hash, "out/big", &copy, 1, 0, NULL));
	free(data);
	cairn_ctx_free(ctx);
}

const struct unit_test output_tests[] = {
	{ "output_refuses_what_is_not_a_regular_file", test_output_refuses_what_is_not_a_regular_file },
	{ "output_force_and_no_clobber", test_output_force_and_no_clobber },
	{ "output_mode_follows_the_umask", test_output_mode_follows_the_umask },
	{ "output_protects_a_directory_by_inode", test_output_protects_a_directory_by_inode },
	{ "output_tmp_names", test_output_tmp_names },
	{ "checkout_cancelled_removes_its_temporary", test_checkout_cancelled_removes_its_temporary },
	{ NULL, NULL }
};
