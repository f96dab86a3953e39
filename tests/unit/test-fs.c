/* Unit tests for the file-system helpers: mkdir -p, atomic replacement,
 * full reads and writes on pipes, path joining. */
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "cairn/ctx.h"
#include "cairn/error.h"
#include "core/fs.h"
#include "core/symlink.h"
#include "tests/unit/suites.h"

static void test_fs_mkdir_p(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	cairn_buf abs = CAIRN_BUF_INIT;
	struct stat st;

	mode_t old_mask = umask(022);

	CHECK_OK(ctx, cairn_mkdir_p(ctx, "a/b/c/d", 0750));
	umask(old_mask);
	CHECK(cairn_is_dir("a/b/c/d"));
	CHECK_INT(stat("a/b/c", &st), ==, 0);
	CHECK_INT(st.st_mode & 0777, ==, 0750);
	/* Existing directories are fine, trailing slashes too. */
	CHECK_OK(ctx, cairn_mkdir_p(ctx, "a/b/c/d", 0755));
	CHECK_OK(ctx, cairn_mkdir_p(ctx, "a/b/e/", 0755));
	CHECK(cairn_is_dir("a/b/e"));
	cairn_buf_addf(&abs, "%s/x/y", unit_dir());
	CHECK_OK(ctx, cairn_mkdir_p(ctx, abs.buf, 0755));
	CHECK(cairn_is_dir("x/y"));

	/* A file in the way is an error that names it. */
	CHECK_OK(ctx, cairn_write_file_atomic(ctx, "a/file", "x", 1, 0644));
	CHECK_ERR(ctx, cairn_mkdir_p(ctx, "a/file", 0755), CAIRN_EIO,
		  "'a/file' exists and is not a directory");
	CHECK_ERR(ctx, cairn_mkdir_p(ctx, "a/file/sub", 0755), CAIRN_EIO,
		  "cannot create directory 'a/file/sub'");
	CHECK(!cairn_is_dir("a/file"));
	cairn_buf_release(&abs);
	cairn_ctx_free(ctx);
}

static void test_fs_mkdir_p_empty_path(void)
{
	cairn_ctx *ctx = cairn_ctx_new();

	/* An empty path names no directory; it must fail cleanly (and not read
	 * past the end of the string). */
	CHECK(cairn_mkdir_p(ctx, "", 0755) != 0);
	CHECK(strstr(cairn_errmsg(ctx), "''") != NULL);
	cairn_ctx_free(ctx);
}

/* The names in the current directory that start with prefix. */
static int count_entries(const char *prefix)
{
	DIR *d = opendir(".");
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		if (!strncmp(e->d_name, prefix, strlen(prefix)))
			n++;
	closedir(d);
	return n;
}

static void test_fs_write_file_atomic(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	cairn_buf b = CAIRN_BUF_INIT;
	struct stat st;

	CHECK_OK(ctx, cairn_write_file_atomic(ctx, "config", "first\n", 6, 0600));
	CHECK_OK(ctx, cairn_read_file(ctx, "config", &b));
	CHECK_STR(b.buf, "first\n");
	CHECK_INT(stat("config", &st), ==, 0);
	CHECK_INT(st.st_mode & 0777, ==, 0600);

	/* Replacing: a reader holding the old file keeps seeing the old content,
	 * since the new one is a different inode renamed over it. */
	int old_fd = open("config", O_RDONLY);
	ino_t old_ino = st.st_ino;
	CHECK(old_fd >= 0);
	CHECK_OK(ctx, cairn_write_file_atomic(ctx, "config", "second, longer\n", 15, 0644));
	CHECK_INT(stat("config", &st), ==, 0);
	CHECK(st.st_ino != old_ino);
	CHECK_INT(st.st_mode & 0777, ==, 0644);
	char old[16] = "";
	CHECK_INT(cairn_read_full(old_fd, old, sizeof(old) - 1), ==, 6);
	CHECK_STR(old, "first\n");
	close(old_fd);
	cairn_buf_reset(&b);
	CHECK_OK(ctx, cairn_read_file(ctx, "config", &b));
	CHECK_STR(b.buf, "second, longer\n");

	/* An empty file, and nothing temporary left behind. */
	CHECK_OK(ctx, cairn_write_file_atomic(ctx, "empty", "", 0, 0644));
	CHECK_INT(stat("empty", &st), ==, 0);
	CHECK_INT(st.st_size, ==, 0);
	CHECK_INT(count_entries(".config.cairn-tmp-"), ==, 0);
	CHECK_INT(count_entries(".empty.cairn-tmp-"), ==, 0);

	/* A missing directory fails without creating anything. */
	CHECK_ERR(ctx, cairn_write_file_atomic(ctx, "nodir/config", "x", 1, 0644),
		  CAIRN_ENOTFOUND, "cannot create a temporary file for 'nodir/config'");
	CHECK(!cairn_is_dir("nodir"));
	cairn_buf_release(&b);
	cairn_ctx_free(ctx);
}

static void test_fs_read_file_appends(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	cairn_buf b = CAIRN_BUF_INIT;

	CHECK_OK(ctx, cairn_write_file_atomic(ctx, "f", "tail", 4, 0644));
	cairn_buf_adds(&b, "head-");
	CHECK_OK(ctx, cairn_read_file(ctx, "f", &b));
	CHECK_STR(b.buf, "head-tail");
	CHECK_ERR(ctx, cairn_read_file(ctx, "nope", &b), CAIRN_ENOTFOUND, "cannot open 'nope'");
	CHECK_STR(b.buf, "head-tail");
	cairn_buf_release(&b);
	cairn_ctx_free(ctx);
}

/* A child that writes total bytes (byte i is i % 251) to fd in pieces of
 * piece bytes, pausing between them so that the reader sees short reads. */
static pid_t slow_writer(int fd, size_t total, size_t piece)
{
	pid_t pid = fork();
	if (pid == 0) {
		unsigned char buf[4096];
		for (size_t off = 0; off < total; ) {
			size_t n = total - off < piece ? total - off : piece;
			for (size_t i = 0; i < n; i++)
				buf[i] = (unsigned char)((off + i) % 251);
			if (cairn_write_full(fd, buf, n) < 0)
				_exit(1);
			off += n;
			usleep(2000);
		}
		_exit(0);
	}
	return pid;
}

static void test_fs_read_full_on_pipe(void)
{
	unsigned char buf[1000];
	int p[2], status, ok = 1;
	pid_t pid;

	CHECK_INT(pipe(p), ==, 0);
	fflush(NULL);
	pid = slow_writer(p[1], 1100, 37);
	CHECK(pid > 0);
	close(p[1]);
	/* Many short reads add up to the whole request... */
	CHECK_INT(cairn_read_full(p[0], buf, sizeof(buf)), ==, 1000);
	for (size_t i = 0; i < sizeof(buf); i++)
		if (buf[i] != i % 251)
			ok = 0;
	CHECK(ok);
	/* ...and end of file returns what is left, then 0. */
	CHECK_INT(cairn_read_full(p[0], buf, sizeof(buf)), ==, 100);
	CHECK_INT(buf[0], ==, 1000 % 251);
	CHECK_INT(cairn_read_full(p[0], buf, sizeof(buf)), ==, 0);
	close(p[0]);
	CHECK_INT(waitpid(pid, &status, 0), ==, pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);

	CHECK_INT(cairn_read_full(-1, buf, 1), ==, -1);
}

static void test_fs_write_full_on_pipe(void)
{
	/* More than a pipe holds, so the writer blocks and resumes. */
	size_t n = 1 << 20;
	unsigned char *data = cairn_xmalloc(n), *back = cairn_xcalloc(1, n);
	int p[2], status;
	pid_t pid;

	for (size_t i = 0; i < n; i++)
		data[i] = (unsigned char)(i * 7);
	CHECK_INT(pipe(p), ==, 0);
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		close(p[0]);
		_exit(cairn_write_full(p[1], data, n) == 0 ? 0 : 1);
	}
	close(p[1]);
	CHECK_INT(cairn_read_full(p[0], back, n), ==, (long long)n);
	CHECK(!memcmp(data, back, n));
	close(p[0]);
	CHECK_INT(waitpid(pid, &status, 0), ==, pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);

	/* A closed reader is an error (EPIPE), not a hang or a crash. */
	void (*old)(int) = signal(SIGPIPE, SIG_IGN);
	CHECK_INT(pipe(p), ==, 0);
	close(p[0]);
	CHECK_INT(cairn_write_full(p[1], data, n), ==, -1);
	close(p[1]);
	signal(SIGPIPE, old);
	free(data);
	free(back);
}

static void test_fs_path_join(void)
{
	cairn_buf b = CAIRN_BUF_INIT;

	cairn_path_join(&b, "a", "b");
	CHECK_STR(b.buf, "a/b");
	cairn_path_join(&b, "a/", "b");
	CHECK_STR(b.buf, "a/b");
	cairn_path_join(&b, "a", "/abs");
	CHECK_STR(b.buf, "/abs");
	cairn_path_join(&b, "", "b");
	CHECK_STR(b.buf, "b");
	cairn_path_join(&b, "a", "");
	CHECK_STR(b.buf, "a");
	cairn_path_join(&b, "/", ".cairn");
	CHECK_STR(b.buf, "/.cairn");
	cairn_buf_release(&b);
}

static void test_fs_fsync_dir(void)
{
	cairn_ctx *ctx = cairn_ctx_new();

	CHECK_OK(ctx, cairn_fsync_dir(ctx, "."));
	CHECK_ERR(ctx, cairn_fsync_dir(ctx, "missing"), CAIRN_ENOTFOUND,
		  "cannot open directory 'missing'");
	cairn_ctx_free(ctx);
}

static void test_fs_symlink_inside(void)
{
	static const struct { const char *link, *text; int inside; const char *stored; } cases[] = {
		{ "t/a", "f", 1, "f" },
		{ "t/d/b", "../f", 1, "../f" },
		{ "t/d/c", "../../outside", 0, NULL },
		{ "t/d/e", "./../d/../../t/f", 1, "./../d/../../t/f" },
		{ "t/g", "/etc", 0, NULL },
		{ "t/h", "d/../../t/f", 1, "d/../../t/f" },
		{ "t/i", "missing/../../x", 0, NULL },
		{ "t/j", "o", 0, NULL },  /* a chain: o leads out */
		{ "t/o", "../outside", 0, NULL },
		{ "t/k", ".", 1, "." },
	};
	cairn_ctx *ctx = cairn_ctx_new();
	cairn_buf root = CAIRN_BUF_INIT, abs = CAIRN_BUF_INIT, target = CAIRN_BUF_INIT;
	int inside;

	CHECK(mkdir("t", 0777) == 0 && mkdir("t/d", 0777) == 0);
	CHECK(close(open("t/f", O_WRONLY | O_CREAT, 0666)) == 0);
	CHECK(close(open("outside", O_WRONLY | O_CREAT, 0666)) == 0);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		CHECK(symlink(cases[i].text, cases[i].link) == 0);
	cairn_buf_addf(&root, "%s/t", unit_dir());
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		CHECK_OK(ctx, cairn_symlink_inside(ctx, root.buf, cases[i].link + 2, &target, &inside));
		CHECK_INT(inside, ==, cases[i].inside);
		if (cases[i].stored)
			CHECK_STR(target.buf, cases[i].stored);
	}
	/* An absolute link inside is made relative to the link's directory. */
	cairn_buf_addf(&abs, "%s/f", root.buf);
	CHECK(symlink(abs.buf, "t/d/abs") == 0);
	CHECK_OK(ctx, cairn_symlink_inside(ctx, root.buf, "d/abs", &target, &inside));
	CHECK_INT(inside, ==, 1);
	CHECK_STR(target.buf, "../f");
	CHECK(cairn_path_within("/a/b", "/a") && cairn_path_within("/a", "/a"));
	CHECK(!cairn_path_within("/ab", "/a") && cairn_path_within("/x", "/"));
	cairn_buf_release(&root);
	cairn_buf_release(&abs);
	cairn_buf_release(&target);
	cairn_ctx_free(ctx);
}

const struct unit_test fs_tests[] = {
	{ "fs_symlink_inside", test_fs_symlink_inside },
	{ "fs_mkdir_p", test_fs_mkdir_p },
	{ "fs_mkdir_p_empty_path", test_fs_mkdir_p_empty_path },
	{ "fs_write_file_atomic", test_fs_write_file_atomic },
	{ "fs_read_file_appends", test_fs_read_file_appends },
	{ "fs_read_full_on_pipe", test_fs_read_full_on_pipe },
	{ "fs_write_full_on_pipe", test_fs_write_full_on_pipe },
	{ "fs_path_join", test_fs_path_join },
	{ "fs_fsync_dir", test_fs_fsync_dir },
	{ NULL, NULL }
};
