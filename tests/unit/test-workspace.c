/* Unit tests for workspace creation and discovery: init, walking up from a
 * subdirectory, opening a named directory, the store opened on first use
 * and closed with the context, and the error when there is no workspace. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cairn/ctx.h"
#include "cairn/error.h"
#include "cairn/workspace.h"
#include "core/ctx-internal.h"
#include "core/fs.h"
#include "core/json.h"
#include "store/db.h"
#include "tests/unit/suites.h"

/* The test directory (with symbolic links resolved, as the workspace
 * functions report paths) joined with rel; rel "" is the directory itself. */
static const char *at(cairn_buf *b, const char *rel)
{
	char *real = realpath(unit_dir(), NULL);

	cairn_buf_reset(b);
	cairn_buf_adds(b, real ? real : unit_dir());
	if (*rel)
		cairn_buf_addf(b, "/%s", rel);
	free(real);
	return b->buf;
}

static int exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0;
}

static void test_workspace_init_and_open(void)
{
	cairn_ctx *ctx = cairn_ctx_new(), *other = cairn_ctx_new();
	enum cairn_init_result res = CAIRN_INIT_EXISTED;
	cairn_buf p = CAIRN_BUF_INIT;
	struct cairn__db *db;
	json_t *cfg = NULL;

	CHECK(cairn_workspace_root(ctx) == NULL);
	CHECK_OK(ctx, cairn_workspace_init(ctx, ".", 0, &res));
	CHECK_INT(res, ==, CAIRN_INIT_CREATED);
	CHECK_STR(cairn_workspace_root(ctx), at(&p, ""));
	CHECK_STR(cairn_workspace_dir(ctx), at(&p, ".cairn"));
	CHECK(cairn_is_dir(".cairn/objects"));
	CHECK(exists(".cairn/cairn.db"));
	CHECK_OK(ctx, cairn_json_load_file(ctx, ".cairn/config", &cfg));
	CHECK_INT(json_integer_value(json_object_get(cfg, "format")), ==, 1);
	CHECK_INT(strlen(json_string_value(json_object_get(cfg, "workspace_id"))), ==, 26);
	json_decref(cfg);

	/* The store opens on demand, already migrated. */
	CHECK_OK(ctx, cairn__ctx_db(ctx, &db));
	CHECK(cairn__db_schema_version(db) >= 1);

	/* A second init changes nothing. */
	CHECK_OK(other, cairn_workspace_init(other, unit_dir(), 0, &res));
	CHECK_INT(res, ==, CAIRN_INIT_EXISTED);
	CHECK_STR(cairn_workspace_root(other), at(&p, ""));

	CHECK_OK(other, cairn_workspace_open(other, NULL));
	CHECK_STR(cairn_workspace_root(other), at(&p, ""));
	CHECK_STR(cairn_workspace_dir(other), at(&p, ".cairn"));
	cairn_buf_release(&p);
	cairn_ctx_free(ctx);
	cairn_ctx_free(other);
}

static void test_workspace_found_from_subdirectory(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	enum cairn_init_result res;
	cairn_buf p = CAIRN_BUF_INIT;

	CHECK_OK(ctx, cairn_workspace_init(ctx, "proj", 0, &res));
	CHECK_OK(ctx, cairn_mkdir_p(ctx, "proj/src/deep/er", 0777));

	CHECK_OK(ctx, cairn_workspace_open(ctx, "proj/src/deep/er"));
	CHECK_STR(cairn_workspace_root(ctx), at(&p, "proj"));

	/* From the current directory (start NULL). */
	CHECK_INT(chdir("proj/src/deep"), ==, 0);
	CHECK_OK(ctx, cairn_workspace_open(ctx, NULL));
	CHECK_STR(cairn_workspace_root(ctx), at(&p, "proj"));
	CHECK_INT(chdir(unit_dir()), ==, 0);

	/* Init inside a workspace reports the enclosing one, unless nested. */
	CHECK_OK(ctx, cairn_workspace_init(ctx, "proj/src", 0, &res));
	CHECK_INT(res, ==, CAIRN_INIT_ENCLOSED);
	CHECK_STR(cairn_workspace_root(ctx), at(&p, "proj"));
	CHECK(!exists("proj/src/.cairn"));
	CHECK_OK(ctx, cairn_workspace_init(ctx, "proj/src", 1, &res));
	CHECK_INT(res, ==, CAIRN_INIT_CREATED);
	CHECK(exists("proj/src/.cairn/config"));

	/* The nearest workspace wins. */
	CHECK_OK(ctx, cairn_workspace_open(ctx, "proj/src/deep/er"));
	CHECK_STR(cairn_workspace_root(ctx), at(&p, "proj/src"));
	CHECK_OK(ctx, cairn_workspace_open(ctx, "proj"));
	CHECK_STR(cairn_workspace_root(ctx), at(&p, "proj"));

	/* Naming the .cairn directory itself creates the workspace around it. */
	CHECK_OK(ctx, cairn_workspace_init(ctx, "named/.cairn", 0, &res));
	CHECK_INT(res, ==, CAIRN_INIT_CREATED);
	CHECK_STR(cairn_workspace_root(ctx), at(&p, "named"));
	CHECK(exists("named/.cairn/config"));
	CHECK(!exists("named/.cairn/.cairn"));
	cairn_buf_release(&p);
	cairn_ctx_free(ctx);
}

static void test_workspace_open_dir(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	enum cairn_init_result res;
	cairn_buf p = CAIRN_BUF_INIT;

	CHECK_OK(ctx, cairn_workspace_init(ctx, "ws", 0, &res));
	CHECK_OK(ctx, cairn_mkdir_p(ctx, "elsewhere", 0777));
	CHECK_INT(chdir("elsewhere"), ==, 0);

	/* The directory named is the root... */
	CHECK_OK(ctx, cairn_workspace_open_dir(ctx, at(&p, "ws")));
	CHECK_STR(cairn_workspace_root(ctx), at(&p, "ws"));
	/* ...or the .cairn directory, with or without a trailing slash... */
	CHECK_OK(ctx, cairn_workspace_open_dir(ctx, at(&p, "ws/.cairn/")));
	CHECK_STR(cairn_workspace_root(ctx), at(&p, "ws"));
	CHECK_STR(cairn_workspace_dir(ctx), at(&p, "ws/.cairn"));
	/* ...and may be relative to the current directory. */
	CHECK_OK(ctx, cairn_workspace_open_dir(ctx, "../ws/.cairn"));
	CHECK_STR(cairn_workspace_root(ctx), at(&p, "ws"));
	CHECK_INT(chdir("../ws"), ==, 0);
	CHECK_OK(ctx, cairn_workspace_open_dir(ctx, ".cairn"));
	CHECK_STR(cairn_workspace_root(ctx), at(&p, "ws"));
	CHECK_INT(chdir(unit_dir()), ==, 0);

	/* No walking up: a subdirectory of a workspace is not one. */
	CHECK_OK(ctx, cairn_mkdir_p(ctx, "ws/sub", 0777));
	CHECK_ERR(ctx, cairn_workspace_open_dir(ctx, "ws/sub"), CAIRN_ENOWORKSPACE,
		  "'ws/sub' holds no cairn workspace (create one with 'cairn init ws/sub')");
	CHECK_STR(cairn_workspace_root(ctx), at(&p, "ws"));
	CHECK_ERR(ctx, cairn_workspace_open_dir(ctx, at(&p, "elsewhere")), CAIRN_ENOWORKSPACE,
		  "holds no cairn workspace (create one with 'cairn init");
	CHECK(strstr(cairn_errmsg(ctx), "elsewhere") != NULL);
	CHECK_ERR(ctx, cairn_workspace_open_dir(ctx, ""), CAIRN_EINVAL, "no workspace directory");
	CHECK_ERR(ctx, cairn_workspace_open_dir(ctx, NULL), CAIRN_EINVAL, "no workspace directory");

	/* The environment plays no part: CAIRN_DIR is the program's business. */
	setenv("CAIRN_DIR", at(&p, "elsewhere"), 1);
	CHECK_OK(ctx, cairn_workspace_open(ctx, "ws/sub"));
	CHECK_STR(cairn_workspace_root(ctx), at(&p, "ws"));
	CHECK_OK(ctx, cairn_workspace_open_dir(ctx, "ws"));
	unsetenv("CAIRN_DIR");
	cairn_buf_release(&p);
	cairn_ctx_free(ctx);
}

/* The context holds the store the store module opened on first use, and
 * closes it when it opens another workspace or is freed. */
static void test_workspace_db_on_first_use(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	enum cairn_init_result res;
	cairn__db *db, *again;
	cairn__stmt *st;

	CHECK_OK(ctx, cairn_workspace_init(ctx, "a", 0, &res));
	CHECK_OK(ctx, cairn_workspace_init(ctx, "b", 0, &res));
	CHECK_OK(ctx, cairn_workspace_open(ctx, "a"));
	CHECK(ctx->db == NULL);
	CHECK_OK(ctx, cairn__ctx_db(ctx, &db));
	CHECK(ctx->db == db && ctx->db_close != NULL);
	CHECK_OK(ctx, cairn__ctx_db(ctx, &again));
	CHECK(again == db);
	CHECK_OK(ctx, cairn__db_exec(db, "INSERT INTO meta(key, value) VALUES ('in', 'a')"));

	/* Another workspace: the old handle is closed, the new one opens on
	 * demand and is b's database, not a's. */
	CHECK_OK(ctx, cairn_workspace_open(ctx, "b"));
	CHECK(ctx->db == NULL && ctx->db_close == NULL);
	CHECK_OK(ctx, cairn__ctx_db(ctx, &db));
	CHECK_OK(ctx, cairn__db_prepare(db, "SELECT count(*) FROM meta", &st));
	CHECK_INT(cairn__stmt_step(st), ==, 1);
	CHECK_INT(cairn__stmt_int64(st, 0), ==, 0);
	cairn__stmt_reset(st);

	CHECK_OK(ctx, cairn_workspace_open(ctx, "a"));
	CHECK_OK(ctx, cairn__ctx_db(ctx, &db));
	CHECK_OK(ctx, cairn__db_prepare(db, "SELECT value FROM meta WHERE key = 'in'", &st));
	CHECK_INT(cairn__stmt_step(st), ==, 1);
	CHECK_STR(cairn__stmt_text(st, 0), "a");
	cairn__stmt_reset(st);
	/* Freed with the context (the sanitizer build sees a leak otherwise). */
	cairn_ctx_free(ctx);
	cairn_ctx_free(NULL);
}

static void test_workspace_missing(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	enum cairn_init_result res;
	struct cairn__db *db;

	/* The test directory lies under $TMPDIR, with no workspace above it. */
	CHECK_ERR(ctx, cairn_workspace_open(ctx, NULL), CAIRN_ENOWORKSPACE, "cairn init");
	CHECK(strstr(cairn_errmsg(ctx), "not in a cairn workspace") != NULL);
	CHECK(cairn_workspace_root(ctx) == NULL);
	CHECK_ERR(ctx, cairn__ctx_db(ctx, &db), CAIRN_ENOWORKSPACE, "cairn init");

	CHECK_ERR(ctx, cairn_workspace_open(ctx, "no/such/dir"), CAIRN_ENOTFOUND,
		  "cannot resolve 'no/such/dir'");

	/* A .cairn without its config is a half-made workspace: not one to
	 * open, and init completes it. */
	CHECK_OK(ctx, cairn_mkdir_p(ctx, "half/.cairn/objects", 0777));
	CHECK_ERR(ctx, cairn_workspace_open(ctx, "half"), CAIRN_ENOWORKSPACE, "cairn init");
	CHECK_OK(ctx, cairn_workspace_init(ctx, "half", 0, &res));
	CHECK_INT(res, ==, CAIRN_INIT_CREATED);
	CHECK(exists("half/.cairn/config"));
	CHECK_OK(ctx, cairn_workspace_open(ctx, "half"));

	/* A .cairn that is a file is not a workspace either. */
	CHECK_OK(ctx, cairn_mkdir_p(ctx, "file", 0777));
	CHECK_OK(ctx, cairn_write_file_atomic(ctx, "file/.cairn", "x", 1, 0644));
	CHECK_ERR(ctx, cairn_workspace_open(ctx, "file"), CAIRN_ENOWORKSPACE, NULL);
	cairn_ctx_free(ctx);
}

const struct unit_test workspace_tests[] = {
	{ "workspace_init_and_open", test_workspace_init_and_open },
	{ "workspace_found_from_subdirectory", test_workspace_found_from_subdirectory },
	{ "workspace_open_dir", test_workspace_open_dir },
	{ "workspace_db_on_first_use", test_workspace_db_on_first_use },
	{ "workspace_missing", test_workspace_missing },
	{ NULL, NULL }
};
