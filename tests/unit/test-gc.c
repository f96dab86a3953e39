/* Unit tests for cairn_gc: what it removes, what it keeps. */
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "cairn/dataset.h"
#include "cairn/error.h"
#include "cairn/gc.h"
#include "cairn/objects.h"
#include "cairn/workspace.h"
#include "core/fs.h"
#include "tests/unit/suites.h"

/* Sets the modification time of path to seconds ago. */
static void age(const char *path, time_t seconds)
{
	struct timespec t[2];

	t[0].tv_sec = t[1].tv_sec = time(NULL) - seconds;
	t[0].tv_nsec = t[1].tv_nsec = 0;
	CHECK_INT(utimensat(AT_FDCWD, path, t, 0), ==, 0);
}

static void test_gc_removes_old_unreferenced_only(void)
{
	struct cairn_object_put_result loose, fresh;
	struct cairn_dataset_add add = { 0 };
	struct cairn_dataset_version v;
	struct cairn_gc_report r;
	struct cairn_gc_options dry = { 1, -1, NULL };
	cairn_buf p = CAIRN_BUF_INIT;
	cairn_ctx *ctx = cairn_ctx_new();
	enum cairn_init_result ir;
	int existed;

	CHECK_OK(ctx, cairn_workspace_init(ctx, ".", 1, &ir));
	CHECK_OK(ctx, cairn_write_file_atomic(ctx, "d.csv", "a,b\n1,2\n", 8, 0644));
	add.name = "d";
	add.source = "d.csv";
	add.source_kind = "file";
	add.tabular = -1;
	CHECK_OK(ctx, cairn_dataset_add_file(ctx, "d.csv", &add, &v, &existed));
	CHECK_OK(ctx, cairn_object_put_buf(ctx, "loose", 5, &loose));
	CHECK_OK(ctx, cairn_object_put_buf(ctx, "fresh", 5, &fresh));
	cairn_object_path(ctx, loose.hash, &p);
	age(p.buf, 7200);
	cairn_object_path(ctx, v.hash, &p);
	age(p.buf, 7200);

	CHECK_OK(ctx, cairn_gc(ctx, &dry, &r, NULL, NULL));
	CHECK_INT(r.objects, ==, 1);
	CHECK_INT(r.object_bytes, ==, 5);
	CHECK_INT(r.recent, ==, 1);
	CHECK(cairn_object_exists(ctx, loose.hash));

	/* Storing the content again marks it as used: gc keeps it. */
	CHECK_OK(ctx, cairn_object_put_buf(ctx, "loose", 5, &loose));
	CHECK_OK(ctx, cairn_gc(ctx, NULL, &r, NULL, NULL));
	CHECK_INT(r.objects, ==, 0);
	CHECK_INT(r.recent, ==, 2);
	cairn_object_path(ctx, loose.hash, &p);
	age(p.buf, 7200);
	CHECK_OK(ctx, cairn_gc(ctx, NULL, &r, NULL, NULL));
	CHECK_INT(r.objects, ==, 1);
	CHECK(!cairn_object_exists(ctx, loose.hash));
	CHECK(cairn_object_exists(ctx, fresh.hash));
	CHECK(cairn_object_exists(ctx, v.hash));
	CHECK_ERR(ctx, cairn_object_resolve(ctx, loose.hash, (char[CAIRN_HEX_LEN + 1]){ 0 }),
		  CAIRN_ENOTFOUND, NULL);
	cairn_dataset_version_release(&v);
	cairn_buf_release(&p);
	cairn_ctx_free(ctx);
}

static void test_gc_cancelled(void)
{
	struct cairn_cancel cancel = { 1, 2, 0 };
	struct cairn_object_put_result res;
	struct cairn_gc_options now = { 0, 0, NULL };
	struct cairn_gc_report r;
	cairn_ctx *ctx = cairn_ctx_new();
	enum cairn_init_result ir;

	CHECK_OK(ctx, cairn_workspace_init(ctx, ".", 1, &ir));
	CHECK_OK(ctx, cairn_object_put_buf(ctx, "x", 1, &res));
	cairn_ctx_set_cancel(ctx, &cancel);
	CHECK_ERR(ctx, cairn_gc(ctx, &now, &r, NULL, NULL), CAIRN_EINTERRUPTED, "SIGINT");
	CHECK(cairn_object_exists(ctx, res.hash));
	cairn_ctx_free(ctx);
}

const struct unit_test gc_tests[] = {
	{ "gc_removes_old_unreferenced_only", test_gc_removes_old_unreferenced_only },
	{ "gc_cancelled", test_gc_cancelled },
	{ NULL, NULL }
};
