/* Unit tests for cairn_fsck: the store's check of its objects, and the
 * records of data and track that name objects (dangling when not stored). */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "cairn/dataset.h"
#include "cairn/error.h"
#include "cairn/fsck.h"
#include "cairn/objects.h"
#include "cairn/run.h"
#include "cairn/workspace.h"
#include "store/db.h"
#include "tests/unit/suites.h"

struct seen {
	int n;
	cairn_buf text;
};

static void on_problem(const char *kind, const char *what, const char *detail, void *arg)
{
	struct seen *s = arg;
	s->n++;
	cairn_buf_addf(&s->text, "%s %s: %s\n", kind, what, detail);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

/* Deletes an object's file and its record, as a store that lost it. */
static void lose_object(cairn_ctx *ctx, const char *hash)
{
	cairn_buf path = CAIRN_BUF_INIT;
	cairn__stmt *st;
	cairn__db *db;

	cairn_object_path(ctx, hash, &path);
	CHECK_INT(unlink(path.buf), ==, 0);
	CHECK_OK(ctx, cairn__ctx_db(ctx, &db));
	CHECK_OK(ctx, cairn__db_prepare(db, "DELETE FROM objects WHERE hash = ?", &st));
	CHECK_OK(ctx, cairn__stmt_bind_text(st, 1, hash));
	CHECK_OK(ctx, cairn__stmt_run(st));
	CHECK_INT(cairn__db_changes(db), ==, 1);
	cairn_buf_release(&path);
}

struct fixture {
	cairn_ctx *ctx;
	struct cairn_dataset_version iris;
	char run[CAIRN_ID_LEN + 1];
	char artifact[CAIRN_HEX_LEN + 1];
};

/* A workspace with a profiled dataset version and a run with an artifact:
 * three objects (content, profile, artifact). */
static void setup(struct fixture *fx)
{
	enum cairn_init_result r;
	struct cairn_dataset_add add = { 0 };
	struct cairn_object_put_result put;
	cairn_run *run;
	int existed;

	memset(fx, 0, sizeof(*fx));
	fx->ctx = cairn_ctx_new();
	CHECK_OK(fx->ctx, cairn_workspace_init(fx->ctx, ".", 1, &r));
	write_file("iris.csv", "x,y\n1,a\n2,b\n3,c\n");
	add.tabular = -1;
	add.csv.header = -1;
	add.source_kind = "file";
	add.name = add.source = "iris";
	CHECK_OK(fx->ctx, cairn_dataset_add_file(fx->ctx, "iris.csv", &add, &fx->iris, &existed));
	CHECK(fx->iris.profile[0] != '\0');
	CHECK_OK(fx->ctx, cairn_run_start(fx->ctx, NULL, &run));
	snprintf(fx->run, sizeof(fx->run), "%s", cairn_run_id(run));
	CHECK_OK(fx->ctx, cairn_run_log_artifact_buf(run, "{\"w\": 1}", 8, "model.json"));
	CHECK_OK(fx->ctx, cairn_run_end(run, CAIRN_RUN_FINISHED, NULL));
	cairn_run_free(run);
	CHECK_OK(fx->ctx, cairn_object_put_buf(fx->ctx, "{\"w\": 1}", 8, &put));
	CHECK_INT(put.existed, ==, 1);
	memcpy(fx->artifact, put.hash, sizeof(fx->artifact));
}

static void teardown(struct fixture *fx)
{
	cairn_dataset_version_release(&fx->iris);
	cairn_ctx_free(fx->ctx);
}

static void test_fsck_sound_workspace(void)
{
	struct fixture fx;
	struct cairn_fsck_report rep;
	struct seen s = { 0, CAIRN_BUF_INIT };

	setup(&fx);
	memset(&rep, 0xff, sizeof(rep));
	CHECK_OK(fx.ctx, cairn_fsck(fx.ctx, &rep, on_problem, &s));
	CHECK_INT(rep.objects_checked, ==, 3);
	CHECK_INT(rep.bytes_checked, >, fx.iris.size + 8);
	CHECK_INT(rep.corrupt + rep.missing + rep.unrecorded + rep.stray, ==, 0);
	CHECK_INT(rep.dangling + rep.database, ==, 0);
	CHECK_INT(s.n, ==, 0);
	/* No callback is fine too. */
	CHECK_OK(fx.ctx, cairn_fsck(fx.ctx, &rep, NULL, NULL));
	CHECK_INT(rep.objects_checked, ==, 3);
	cairn_buf_release(&s.text);
	teardown(&fx);
}

static void test_fsck_dangling_records(void)
{
	struct fixture fx;
	struct cairn_fsck_report rep;
	struct seen s = { 0, CAIRN_BUF_INIT };
	cairn_buf want = CAIRN_BUF_INIT;

	setup(&fx);
	/* The dataset's content and the run's artifact are lost, file and
	 * record: only the records that name them can tell. */
	lose_object(fx.ctx, fx.iris.hash);
	lose_object(fx.ctx, fx.artifact);
	CHECK_ERR(fx.ctx, cairn_fsck(fx.ctx, &rep, on_problem, &s), CAIRN_ECORRUPT,
		  "the store is damaged: 2 records without their object");
	CHECK_INT(rep.objects_checked, ==, 1);
	CHECK_INT(rep.dangling, ==, 2);
	CHECK_INT(rep.corrupt + rep.missing + rep.unrecorded + rep.stray + rep.database, ==, 0);
	CHECK_INT(s.n, ==, 2);
	/* Datasets first, then runs; each names its record and the object. */
	cairn_buf_addf(&want, "dangling dataset iris@1: its content, object %s, is not stored\n"
		       "dangling run %s artifact model.json: its content, object %s, is not stored\n",
		       fx.iris.hash, fx.run, fx.artifact);
	CHECK_STR(s.text.buf, want.buf);

	/* The profile too: three records now, still the one object checked. */
	lose_object(fx.ctx, fx.iris.profile);
	s.n = 0;
	cairn_buf_reset(&s.text);
	CHECK_ERR(fx.ctx, cairn_fsck(fx.ctx, &rep, on_problem, &s), CAIRN_ECORRUPT,
		  "3 records without their object");
	CHECK_INT(rep.dangling, ==, 3);
	CHECK_INT(rep.objects_checked, ==, 0);
	CHECK(strstr(s.text.buf, "dangling dataset iris@1: its profile, object ") != NULL);
	cairn_buf_release(&want);
	cairn_buf_release(&s.text);
	teardown(&fx);
}

/* A file gone while its record stays is missing, and the records naming it
 * dangle as well: both counts, one message listing both. */
static void test_fsck_missing_and_dangling(void)
{
	struct fixture fx;
	struct cairn_fsck_report rep;
	struct seen s = { 0, CAIRN_BUF_INIT };
	cairn_buf path = CAIRN_BUF_INIT;

	setup(&fx);
	cairn_object_path(fx.ctx, fx.artifact, &path);
	CHECK_INT(unlink(path.buf), ==, 0);
	CHECK_ERR(fx.ctx, cairn_fsck(fx.ctx, &rep, on_problem, &s), CAIRN_ECORRUPT,
		  "the store is damaged: 1 missing object, 1 record without its object");
	CHECK_INT(rep.missing, ==, 1);
	CHECK_INT(rep.dangling, ==, 1);
	CHECK_INT(rep.objects_checked, ==, 2);
	CHECK(strstr(s.text.buf, "missing ") < strstr(s.text.buf, "dangling run "));
	cairn_buf_release(&path);
	cairn_buf_release(&s.text);
	teardown(&fx);
}

static void test_fsck_needs_workspace(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	struct cairn_fsck_report rep;

	CHECK_ERR(ctx, cairn_fsck(ctx, &rep, NULL, NULL), CAIRN_ENOWORKSPACE, "cairn init");
	cairn_ctx_free(ctx);
}

const struct unit_test fsck_tests[] = {
	{ "fsck_sound_workspace", test_fsck_sound_workspace },
	{ "fsck_dangling_records", test_fsck_dangling_records },
	{ "fsck_missing_and_dangling", test_fsck_missing_and_dangling },
	{ "fsck_needs_workspace", test_fsck_needs_workspace },
	{ NULL, NULL }
};
