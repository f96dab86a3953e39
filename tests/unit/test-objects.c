/* Unit tests for the object store: put paths, dedup, prefixes, checkout
 * link types and the store's own check of its objects. */
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cairn/buf.h"
#include "cairn/ctx.h"
#include "cairn/error.h"
#include "cairn/hash.h"
#include "cairn/objects.h"
#include "cairn/workspace.h"
#include "core/ctx-internal.h"
#include "core/fs.h"
#include "store/db.h"
#include "store/fsck.h"
#include "store/objects-internal.h"
#include "tests/unit/suites.h"

#define MIB ((size_t)1 << 20)

static cairn_ctx *new_workspace(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	enum cairn_init_result r;

	CHECK_OK(ctx, cairn_workspace_init(ctx, ".", 1, &r));
	return ctx;
}

/* Deterministic bytes that differ for each seed (xorshift). */
static char *make_data(size_t len, uint64_t seed)
{
	char *d = cairn_xmalloc(len ? len : 1);
	uint64_t x = seed * 0x9e3779b97f4a7c15ull + 1;

	for (size_t i = 0; i < len; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		d[i] = (char)(x >> 24);
	}
	return d;
}

static void write_data(const char *path, const char *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	CHECK(fd >= 0);
	CHECK_INT(cairn_write_full(fd, data, len), ==, 0);
	close(fd);
}

/* Writes a file of len pseudo-random bytes and returns their hash. */
static void make_file(const char *path, size_t len, uint64_t seed, char hex[CAIRN_HEX_LEN + 1])
{
	char *d = make_data(len, seed);
	write_data(path, d, len);
	cairn_sha256_buf(d, len, hex);
	free(d);
}

/* 1 when the object's content equals the file at path. */
static int object_equals_file(cairn_ctx *ctx, const char *hash, const char *path)
{
	cairn_buf a = CAIRN_BUF_INIT, b = CAIRN_BUF_INIT;
	int fd = open("got.tmp", O_WRONLY | O_CREAT | O_TRUNC, 0644), same;

	CHECK_OK(ctx, cairn_object_write_to_fd(ctx, hash, fd));
	close(fd);
	CHECK_OK(ctx, cairn_read_file(ctx, "got.tmp", &a));
	CHECK_OK(ctx, cairn_read_file(ctx, path, &b));
	same = a.len == b.len && !memcmp(a.buf, b.buf, a.len);
	cairn_buf_release(&a);
	cairn_buf_release(&b);
	unlink("got.tmp");
	return same;
}

static int count_cb(const struct cairn_object_info *info, void *arg)
{
	(*(int *)arg)++;
	return 0;
}

static int count_objects(cairn_ctx *ctx)
{
	int n = 0;
	CHECK_OK(ctx, cairn_object_list(ctx, count_cb, &n));
	return n;
}

/* Entries in dir other than . and .. */
static int count_entries(const char *dir)
{
	cairn_buf cmd = CAIRN_BUF_INIT;
	char line[64] = "";
	FILE *f;

	cairn_buf_addf(&cmd, "ls -A '%s' | wc -l", dir);
	f = popen(cmd.buf, "r");
	if (f && !fgets(line, sizeof(line), f))
		line[0] = '\0';
	if (f)
		pclose(f);
	cairn_buf_release(&cmd);
	return atoi(line);
}

static void test_objects_put_get_round_trip(void)
{
	cairn_ctx *ctx = new_workspace();
	struct cairn_object_put_result res;
	char hex[CAIRN_HEX_LEN + 1];
	cairn_buf path = CAIRN_BUF_INIT;
	struct stat st;

	cairn_sha256_buf("hello\n", 6, hex);
	CHECK_OK(ctx, cairn_object_put_buf(ctx, "hello\n", 6, &res));
	CHECK_STR(res.hash, hex);
	CHECK_INT(res.size, ==, 6);
	CHECK_INT(res.existed, ==, 0);
	CHECK(cairn_object_exists(ctx, hex));

	cairn_object_path(ctx, hex, &path);
	CHECK(strstr(path.buf, "/.cairn/objects/") != NULL);
	CHECK_INT(stat(path.buf, &st), ==, 0);
	CHECK_INT(st.st_mode & 0777, ==, 0444);
	CHECK_INT(st.st_size, ==, 6);

	write_data("hello.txt", "hello\n", 6);
	CHECK(object_equals_file(ctx, hex, "hello.txt"));

	make_file("big.bin", 3 * MIB + 17, 1, hex);
	CHECK_OK(ctx, cairn_object_put_file(ctx, "big.bin", &res));
	CHECK_STR(res.hash, hex);
	CHECK_INT(res.size, ==, 3 * MIB + 17);
	CHECK(object_equals_file(ctx, hex, "big.bin"));
	CHECK_INT(count_objects(ctx), ==, 2);
	/* Nothing left behind but the objects' fan-out directories. */
	CHECK_INT(count_entries(".cairn/objects"), ==, 2);
	cairn_buf_release(&path);
	cairn_ctx_free(ctx);
}

static void test_objects_identical_content_stored_once(void)
{
	cairn_ctx *ctx = new_workspace();
	struct cairn_object_put_result a, b, c;
	char hex[CAIRN_HEX_LEN + 1];
	cairn_buf dir = CAIRN_BUF_INIT;

	make_file("one", 1000, 7, hex);
	make_file("two", 1000, 7, hex);
	CHECK_OK(ctx, cairn_object_put_file(ctx, "one", &a));
	CHECK_OK(ctx, cairn_object_put_file(ctx, "two", &b));
	CHECK_OK(ctx, cairn_object_put_file(ctx, "one", &c));
	CHECK_STR(a.hash, hex);
	CHECK_STR(b.hash, hex);
	CHECK_INT(a.existed, ==, 0);
	CHECK_INT(b.existed, ==, 1);
	CHECK_INT(c.existed, ==, 1);
	CHECK_INT(count_objects(ctx), ==, 1);
	cairn_buf_addf(&dir, ".cairn/objects/%.2s", hex);
	CHECK_INT(count_entries(dir.buf), ==, 1);

	/* The same for large content, on both put paths. */
	make_file("big1", 2 * MIB + 5, 8, hex);
	make_file("big2", 2 * MIB + 5, 8, hex);
	CHECK_OK(ctx, cairn_object_put_file(ctx, "big1", &a));
	CHECK_OK(ctx, cairn_object_put_file(ctx, "big2", &b));
	CHECK_INT(a.existed, ==, 0);
	CHECK_INT(b.existed, ==, 1);
	CHECK_STR(b.hash, hex);
	CHECK_INT(count_objects(ctx), ==, 2);
	cairn_buf_release(&dir);
	cairn_ctx_free(ctx);
}

struct feeder {
	int fd;
	const char *data;
	size_t len;
};

static void *feed(void *arg)
{
	struct feeder *f = arg;
	(void)cairn_write_full(f->fd, f->data, f->len);
	close(f->fd);
	return NULL;
}

/* Stores len bytes arriving through a pipe (size unknown in advance). */
static void put_through_pipe(cairn_ctx *ctx, const char *data, size_t len,
			     struct cairn_object_put_result *res)
{
	struct feeder f;
	pthread_t t;
	int fds[2];

	CHECK_INT(pipe(fds), ==, 0);
	f.fd = fds[1];
	f.data = data;
	f.len = len;
	CHECK_INT(pthread_create(&t, NULL, feed, &f), ==, 0);
	CHECK_OK(ctx, cairn_object_put_fd(ctx, fds[0], "pipe", res));
	pthread_join(t, NULL);
	close(fds[0]);
}

static void test_objects_put_paths(void)
{
	cairn_ctx *ctx = new_workspace();
	struct cairn_object_put_result res;
	char hex[CAIRN_HEX_LEN + 1], hex2[CAIRN_HEX_LEN + 1];
	char *data;

	make_file("small", 5000, 1, hex);
	CHECK_OK(ctx, cairn_object_put_file(ctx, "small", &res));
	CHECK_INT(cairn__object_last_put_path(), ==, CAIRN__PUT_SMALL);

	/* No object of this size yet: hashed and written in one pass. */
	make_file("a", 3 * MIB, 2, hex);
	CHECK_OK(ctx, cairn_object_put_file(ctx, "a", &res));
	CHECK_INT(cairn__object_last_put_path(), ==, CAIRN__PUT_NEW);
	CHECK_STR(res.hash, hex);
	CHECK_INT(res.existed, ==, 0);

	/* Same size recorded: hashed first, found, nothing written. */
	CHECK_OK(ctx, cairn_object_put_file(ctx, "a", &res));
	CHECK_INT(cairn__object_last_put_path(), ==, CAIRN__PUT_HASH_FIRST_FOUND);
	CHECK_STR(res.hash, hex);
	CHECK_INT(res.existed, ==, 1);

	/* Same size, other content: hashed first, then stored. */
	make_file("b", 3 * MIB, 3, hex2);
	CHECK_OK(ctx, cairn_object_put_file(ctx, "b", &res));
	CHECK_INT(cairn__object_last_put_path(), ==, CAIRN__PUT_HASH_FIRST_NEW);
	CHECK_STR(res.hash, hex2);
	CHECK_INT(res.existed, ==, 0);
	CHECK(object_equals_file(ctx, hex2, "b"));

	/* A size that is an exact number of chunks, and exactly one chunk. */
	make_file("c", 2 * MIB, 4, hex);
	CHECK_OK(ctx, cairn_object_put_file(ctx, "c", &res));
	CHECK_STR(res.hash, hex);
	CHECK(object_equals_file(ctx, hex, "c"));
	make_file("d", MIB, 5, hex);
	CHECK_OK(ctx, cairn_object_put_file(ctx, "d", &res));
	CHECK_STR(res.hash, hex);
	CHECK(object_equals_file(ctx, hex, "d"));

	/* Empty content. */
	write_data("empty", "", 0);
	CHECK_OK(ctx, cairn_object_put_file(ctx, "empty", &res));
	CHECK_STR(res.hash, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	CHECK_INT(res.size, ==, 0);

	/* A pipe: the size is unknown, so the one-pass path. */
	data = make_data(5 * MIB + 3, 6);
	cairn_sha256_buf(data, 5 * MIB + 3, hex);
	put_through_pipe(ctx, data, 5 * MIB + 3, &res);
	CHECK_INT(cairn__object_last_put_path(), ==, CAIRN__PUT_NEW);
	CHECK_STR(res.hash, hex);
	CHECK_INT(res.size, ==, 5 * MIB + 3);
	CHECK_INT(res.existed, ==, 0);
	put_through_pipe(ctx, data, 5 * MIB + 3, &res);
	CHECK_STR(res.hash, hex);
	CHECK_INT(res.existed, ==, 1);
	put_through_pipe(ctx, data, 100, &res);
	CHECK_INT(cairn__object_last_put_path(), ==, CAIRN__PUT_SMALL);
	CHECK_INT(res.size, ==, 100);
	free(data);

	/* A regular file fd not at its start: what is left is stored. */
	{
		int fd = open("a", O_RDONLY);
		char *all = make_data(3 * MIB, 2);
		CHECK(lseek(fd, 1000, SEEK_SET) == 1000);
		cairn_sha256_buf(all + 1000, 3 * MIB - 1000, hex);
		CHECK_OK(ctx, cairn_object_put_fd(ctx, fd, "a", &res));
		CHECK_STR(res.hash, hex);
		CHECK_INT(res.size, ==, 3 * MIB - 1000);
		close(fd);
		free(all);
	}
	/* Every put left a complete object and nothing else. */
	{
		struct cairn__store_check rep = { 0 };
		CHECK_OK(ctx, cairn__store_check_objects(ctx, &rep, NULL, NULL));
		CHECK_INT(rep.objects_checked, ==, 9);
		CHECK_INT(rep.stray + rep.unrecorded, ==, 0);
	}
	cairn_ctx_free(ctx);
}

static void test_objects_put_without_tmpfile(void)
{
	cairn_ctx *ctx = new_workspace();
	struct cairn_object_put_result res;
	char hex[CAIRN_HEX_LEN + 1];
	int before;

	before = count_entries(".cairn/objects");
	cairn__object_force_mkstemp(1);
	make_file("a", 2 * MIB + 1, 9, hex);
	CHECK_OK(ctx, cairn_object_put_file(ctx, "a", &res));
	CHECK_STR(res.hash, hex);
	CHECK_OK(ctx, cairn_object_put_buf(ctx, "x", 1, &res));
	/* Storing it again: the temporary file is dropped, not left behind. */
	CHECK_OK(ctx, cairn_object_put_buf(ctx, "x", 1, &res));
	CHECK_INT(res.existed, ==, 1);
	cairn__object_force_mkstemp(0);
	CHECK(object_equals_file(ctx, hex, "a"));
	CHECK_INT(count_entries(".cairn/objects"), ==, before + 2);
	cairn_ctx_free(ctx);
}

static void test_objects_resolve_prefix(void)
{
	cairn_ctx *ctx = new_workspace();
	struct cairn_object_put_result res;
	char hex[CAIRN_HEX_LEN + 1], got[CAIRN_HEX_LEN + 1], first[CAIRN_HEX_LEN + 1];
	static int slots[65536];
	cairn_buf text = CAIRN_BUF_INIT, other = CAIRN_BUF_INIT, upper = CAIRN_BUF_INIT;
	cairn__db *db;
	cairn__stmt *st;
	int a = -1, b = -1;

	/* Find two contents whose hashes share their first four hex digits
	 * (the birthday bound makes that a few hundred tries). */
	memset(slots, -1, sizeof(slots));
	for (int i = 0; b < 0 && i < 100000; i++) {
		char head[5];
		unsigned slot;

		cairn_buf_reset(&text);
		cairn_buf_addf(&text, "content %d", i);
		cairn_sha256_buf(text.buf, text.len, hex);
		memcpy(head, hex, 4);
		head[4] = '\0';
		slot = (unsigned)strtoul(head, NULL, 16);
		if (slots[slot] >= 0) {
			a = slots[slot];
			b = i;
		} else {
			slots[slot] = i;
		}
	}
	CHECK(a >= 0 && b >= 0);
	cairn_buf_reset(&text);
	cairn_buf_addf(&text, "content %d", a);
	cairn_buf_addf(&other, "content %d", b);
	CHECK_OK(ctx, cairn_object_put_buf(ctx, text.buf, text.len, &res));
	memcpy(first, res.hash, sizeof(first));
	CHECK_OK(ctx, cairn_object_put_buf(ctx, other.buf, other.len, &res));
	CHECK(!strncmp(first, res.hash, 4));

	cairn_buf_reset(&text);
	cairn_buf_add(&text, first, 4);
	CHECK_ERR(ctx, cairn_object_resolve(ctx, text.buf, got), CAIRN_EAMBIGUOUS, "ambiguous");
	CHECK(strstr(cairn_errmsg(ctx), first) != NULL);
	CHECK(strstr(cairn_errmsg(ctx), res.hash) != NULL);

	/* A longer prefix that tells them apart, in either case. */
	for (size_t n = 5; n <= CAIRN_HEX_LEN; n++) {
		if (strncmp(first, res.hash, n)) {
			cairn_buf_reset(&text);
			cairn_buf_add(&text, first, n);
			break;
		}
	}
	CHECK_OK(ctx, cairn_object_resolve(ctx, text.buf, got));
	CHECK_STR(got, first);
	for (size_t i = 0; i < text.len; i++)
		cairn_buf_addch(&upper, text.buf[i] >= 'a' ? text.buf[i] - 'a' + 'A' : text.buf[i]);
	CHECK_OK(ctx, cairn_object_resolve(ctx, upper.buf, got));
	CHECK_STR(got, first);
	CHECK_OK(ctx, cairn_object_resolve(ctx, first, got));
	CHECK_STR(got, first);

	CHECK_ERR(ctx, cairn_object_resolve(ctx, "abc", got), CAIRN_EINVAL, "4 to 64 hex digits");
	CHECK_ERR(ctx, cairn_object_resolve(ctx, "xyz123", got), CAIRN_EINVAL, "'xyz123'");
	CHECK_ERR(ctx, cairn_object_resolve(ctx, strncmp(first, "0000", 4) ? "0000" : "1111", got),
		  CAIRN_ENOTFOUND, "no object matches");

	/* An object on disk whose record was lost is still found. */
	CHECK_OK(ctx, cairn__ctx_db(ctx, &db));
	CHECK_OK(ctx, cairn__db_prepare(db, "DELETE FROM objects WHERE hash = ?", &st));
	CHECK_OK(ctx, cairn__stmt_bind_text(st, 1, first));
	CHECK_OK(ctx, cairn__stmt_run(st));
	cairn_buf_reset(&text);
	cairn_buf_add(&text, first, 4);
	CHECK_OK(ctx, cairn_object_resolve(ctx, text.buf, got));
	CHECK_STR(got, res.hash); /* the metadata store is asked first */
	for (size_t n = 5; n <= CAIRN_HEX_LEN; n++) {
		if (strncmp(first, res.hash, n)) {
			cairn_buf_reset(&text);
			cairn_buf_add(&text, first, n);
			break;
		}
	}
	CHECK_OK(ctx, cairn_object_resolve(ctx, text.buf, got));
	CHECK_STR(got, first);

	cairn_buf_release(&text);
	cairn_buf_release(&other);
	cairn_buf_release(&upper);
	cairn_ctx_free(ctx);
}

static void test_objects_checkout_link_types(void)
{
	cairn_ctx *ctx = new_workspace();
	struct cairn_object_put_result res;
	enum cairn_link_type used, types[2];
	cairn_buf obj = CAIRN_BUF_INIT;
	char hex[CAIRN_HEX_LEN + 1], target[4096];
	struct stat so, sd;
	ssize_t n;
	int rc;

	make_file("src", 300000, 11, hex);
	CHECK_OK(ctx, cairn_object_put_file(ctx, "src", &res));
	cairn_object_path(ctx, hex, &obj);
	CHECK_INT(stat(obj.buf, &so), ==, 0);
	CHECK_INT(mkdir("out", 0777), ==, 0);

	/* copy: an independent, writable file that replaces dest. */
	write_data("out/copy", "old", 3);
	types[0] = CAIRN_LINK_COPY;
	CHECK_OK(ctx, cairn_object_checkout(ctx, hex, "out/copy", types, 1, CAIRN_OUTPUT_FORCE, &used));
	CHECK_INT(used, ==, CAIRN_LINK_COPY);
	CHECK(object_equals_file(ctx, hex, "out/copy"));
	CHECK_INT(lstat("out/copy", &sd), ==, 0);
	CHECK(S_ISREG(sd.st_mode));
	CHECK(sd.st_ino != so.st_ino);
	CHECK(sd.st_mode & S_IWUSR);

	/* hardlink: the stored file itself, read-only. */
	types[0] = CAIRN_LINK_HARDLINK;
	CHECK_OK(ctx, cairn_object_checkout(ctx, hex, "out/hard", types, 1, 0, &used));
	CHECK_INT(used, ==, CAIRN_LINK_HARDLINK);
	CHECK_INT(stat("out/hard", &sd), ==, 0);
	CHECK(sd.st_ino == so.st_ino && sd.st_dev == so.st_dev);
	CHECK_INT(sd.st_mode & 0777, ==, 0444);
	/* Again onto the same link: rename() is then a no-op, nothing is left;
	 * without force the existing file is refused. */
	CHECK_ERR(ctx, cairn_object_checkout(ctx, hex, "out/hard", types, 1, 0, &used),
		  CAIRN_EEXIST, "'out/hard' already exists");
	CHECK_OK(ctx, cairn_object_checkout(ctx, hex, "out/hard", types, 1, CAIRN_OUTPUT_FORCE,
					    &used));

	/* symlink: points at the stored file. */
	types[0] = CAIRN_LINK_SYMLINK;
	CHECK_OK(ctx, cairn_object_checkout(ctx, hex, "out/sym", types, 1, 0, &used));
	CHECK_INT(used, ==, CAIRN_LINK_SYMLINK);
	CHECK_INT(lstat("out/sym", &sd), ==, 0);
	CHECK(S_ISLNK(sd.st_mode));
	n = readlink("out/sym", target, sizeof(target) - 1);
	CHECK(n > 0);
	target[n > 0 ? n : 0] = '\0';
	CHECK_STR(target, obj.buf);

	/* A copy over a symlink into the store replaces the link, never
	 * writes through it. */
	types[0] = CAIRN_LINK_COPY;
	CHECK_OK(ctx, cairn_object_checkout(ctx, hex, "out/sym", types, 1, CAIRN_OUTPUT_FORCE,
					    &used));
	CHECK_INT(lstat("out/sym", &sd), ==, 0);
	CHECK(S_ISREG(sd.st_mode));
	CHECK_INT(stat(obj.buf, &sd), ==, 0);
	CHECK_INT(sd.st_mode & 0777, ==, 0444);

	/* reflink: works where the file system clones, else falls back. */
	types[0] = CAIRN_LINK_REFLINK;
	types[1] = CAIRN_LINK_COPY;
	CHECK_OK(ctx, cairn_object_checkout(ctx, hex, "out/ref", types, 2, 0, &used));
	CHECK(used == CAIRN_LINK_REFLINK || used == CAIRN_LINK_COPY);
	CHECK(object_equals_file(ctx, hex, "out/ref"));
	rc = cairn_object_checkout(ctx, hex, "out/ref2", types, 1, 0, &used);
	if (rc) {
		CHECK_INT(rc, ==, CAIRN_EIO);
		CHECK(strstr(cairn_errmsg(ctx), "refuses every link type tried (reflink)") != NULL);
		CHECK(access("out/ref2", F_OK) != 0);
	} else {
		CHECK_INT(used, ==, CAIRN_LINK_REFLINK);
	}

	/* Errors: a directory as dest, an unknown object. */
	CHECK_ERR(ctx, cairn_object_checkout(ctx, hex, "out", types, 2, 0, &used), CAIRN_EINVAL,
		  "is a directory");
	CHECK_ERR(ctx, cairn_object_checkout(ctx, "00000000000000000000000000000000000000000000000000000000000000ab",
					     "out/x", types, 2, 0, &used),
		  CAIRN_ENOTFOUND, "not in the store");
	CHECK_ERR(ctx, cairn_object_checkout(ctx, hex, "nodir/x", types, 2, 0, &used),
		  CAIRN_ENOTFOUND, "nodir/x");

	/* No temporary files left in the destination directory. */
	CHECK_INT(count_entries("out"), ==, rc ? 4 : 5);
	CHECK_STR(cairn_link_type_name(CAIRN_LINK_HARDLINK), "hardlink");
	CHECK_INT(cairn_link_type_parse("symlink"), ==, CAIRN_LINK_SYMLINK);
	CHECK_INT(cairn_link_type_parse("softlink"), ==, -1);
	cairn_buf_release(&obj);
	cairn_ctx_free(ctx);
}

struct problems {
	int n;
	cairn_buf text;
};

static void on_problem(const char *kind, const char *what, const char *detail, void *arg)
{
	struct problems *p = arg;
	p->n++;
	cairn_buf_addf(&p->text, "%s %s: %s\n", kind, what, detail);
}

static void test_objects_store_check(void)
{
	cairn_ctx *ctx = new_workspace();
	struct cairn_object_put_result r1, r2, r3;
	struct cairn__store_check rep;
	struct problems p = { 0, CAIRN_BUF_INIT };
	cairn_buf path = CAIRN_BUF_INIT;
	cairn__stmt *st;
	cairn__db *db;
	char hex[CAIRN_HEX_LEN + 1];
	int fd;

	make_file("f1", 2 * MIB + 9, 21, hex);
	CHECK_OK(ctx, cairn_object_put_file(ctx, "f1", &r1));
	CHECK_OK(ctx, cairn_object_put_buf(ctx, "second", 6, &r2));
	CHECK_OK(ctx, cairn_object_put_buf(ctx, "third", 5, &r3));

	memset(&rep, 0, sizeof(rep));
	CHECK_OK(ctx, cairn__store_check_objects(ctx, &rep, on_problem, &p));
	CHECK_INT(rep.objects_checked, ==, 3);
	CHECK_INT(rep.bytes_checked, ==, 2 * MIB + 9 + 6 + 5);
	CHECK_INT(p.n, ==, 0);

	/* One byte changed in the big object. */
	cairn_object_path(ctx, r1.hash, &path);
	CHECK_INT(chmod(path.buf, 0644), ==, 0);
	fd = open(path.buf, O_WRONLY);
	CHECK(fd >= 0);
	CHECK_INT(pwrite(fd, "!", 1, 1234567), ==, 1);
	close(fd);
	/* The second object's file deleted. */
	cairn_object_path(ctx, r2.hash, &path);
	CHECK_INT(unlink(path.buf), ==, 0);
	/* A stray file. */
	write_data(".cairn/objects/junk", "x", 1);

	/* Problems found are not errors of the check. */
	memset(&rep, 0, sizeof(rep));
	CHECK_OK(ctx, cairn__store_check_objects(ctx, &rep, on_problem, &p));
	CHECK_INT(rep.corrupt, ==, 1);
	CHECK_INT(rep.missing, ==, 1);
	CHECK_INT(rep.stray, ==, 1);
	CHECK_INT(rep.unrecorded, ==, 0);
	CHECK_INT(rep.objects_checked, ==, 2);
	CHECK_INT(p.n, ==, 3);
	cairn_buf_reset(&path);
	cairn_buf_addf(&path, "corrupt %s: content hashes to ", r1.hash);
	CHECK(strstr(p.text.buf, path.buf) != NULL);
	cairn_buf_reset(&path);
	cairn_buf_addf(&path, "missing %s", r2.hash);
	CHECK(strstr(p.text.buf, path.buf) != NULL);
	CHECK(strstr(p.text.buf, "stray ") != NULL && strstr(p.text.buf, "/junk") != NULL);

	/* Repair by hand; lose the third object's record: fsck records it
	 * again and passes. */
	cairn_object_path(ctx, r1.hash, &path);
	CHECK_INT(unlink(path.buf), ==, 0);
	CHECK_OK(ctx, cairn_object_put_file(ctx, "f1", &r1));
	CHECK_OK(ctx, cairn_object_put_buf(ctx, "second", 6, &r2));
	CHECK_OK(ctx, cairn__ctx_db(ctx, &db));
	CHECK_OK(ctx, cairn__db_prepare(db, "DELETE FROM objects WHERE hash = ?", &st));
	CHECK_OK(ctx, cairn__stmt_bind_text(st, 1, r3.hash));
	CHECK_OK(ctx, cairn__stmt_run(st));
	CHECK_INT(count_objects(ctx), ==, 2);
	p.n = 0;
	cairn_buf_reset(&p.text);
	memset(&rep, 0, sizeof(rep));
	CHECK_OK(ctx, cairn__store_check_objects(ctx, &rep, on_problem, &p));
	CHECK_INT(rep.unrecorded, ==, 1);
	CHECK_INT(rep.corrupt + rep.missing, ==, 0);
	CHECK(strstr(p.text.buf, r3.hash) != NULL);
	CHECK_INT(count_objects(ctx), ==, 3);

	/* A sound database has nothing to report. */
	CHECK_OK(ctx, cairn__store_check_db(ctx, &rep, on_problem, &p));
	CHECK_INT(rep.database, ==, 0);

	cairn_buf_release(&path);
	cairn_buf_release(&p.text);
	cairn_ctx_free(ctx);
}

static void test_objects_errors_name_the_input(void)
{
	cairn_ctx *ctx = new_workspace(), *none = cairn_ctx_new();
	struct cairn_object_put_result res;
	int fd;

	CHECK_ERR(ctx, cairn_object_put_file(ctx, "no-such-file", &res), CAIRN_ENOTFOUND,
		  "cannot open 'no-such-file'");
	CHECK_INT(mkdir("dir", 0777), ==, 0);
	CHECK_ERR(ctx, cairn_object_put_file(ctx, "dir", &res), CAIRN_EINVAL,
		  "cannot store 'dir': it is a directory");
	fd = open("dir", O_RDONLY);
	CHECK_ERR(ctx, cairn_object_put_fd(ctx, fd, "dir", &res), CAIRN_EINVAL, "directory");
	close(fd);
	CHECK_ERR(ctx, cairn_object_write_to_fd(ctx, "nothex", 1), CAIRN_EINVAL, "'nothex'");
	CHECK_ERR(ctx, cairn_object_write_to_fd(ctx, "00000000000000000000000000000000000000000000000000000000000000ab", 1),
		  CAIRN_ENOTFOUND, "not in the store");
	CHECK_INT(count_objects(ctx), ==, 0);
	CHECK_ERR(none, cairn_object_put_buf(none, "x", 1, &res), CAIRN_ENOWORKSPACE, NULL);
	CHECK_ERR(none, cairn_object_put_file(none, "dir", &res), CAIRN_ENOWORKSPACE, NULL);
	CHECK(!cairn_object_exists(none, "00000000000000000000000000000000000000000000000000000000000000ab"));
	cairn_ctx_free(none);
	cairn_ctx_free(ctx);
}

const struct unit_test objects_tests[] = {
	{ "objects_put_get_round_trip", test_objects_put_get_round_trip },
	{ "objects_identical_content_stored_once", test_objects_identical_content_stored_once },
	{ "objects_put_paths", test_objects_put_paths },
	{ "objects_put_without_tmpfile", test_objects_put_without_tmpfile },
	{ "objects_resolve_prefix", test_objects_resolve_prefix },
	{ "objects_checkout_link_types", test_objects_checkout_link_types },
	{ "objects_store_check", test_objects_store_check },
	{ "objects_errors_name_the_input", test_objects_errors_name_the_input },
	{ NULL, NULL }
};
