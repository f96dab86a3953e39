/* Unit tests for reference parsing. */
#include "cairn/ctx.h"
#include "cairn/error.h"
#include "cairn/ref.h"
#include "tests/unit/suites.h"

static void test_ref_kinds(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	struct cairn_ref r;

	CHECK_OK(ctx, cairn_ref_parse(ctx, "iris", &r));
	CHECK_INT(r.kind, ==, CAIRN_REF_NAME);
	CHECK_STR(r.name, "iris");

	CHECK_OK(ctx, cairn_ref_parse(ctx, "iris@3", &r));
	CHECK_INT(r.kind, ==, CAIRN_REF_VERSION);
	CHECK_INT(r.version, ==, 3);

	CHECK_OK(ctx, cairn_ref_parse(ctx, "churn.v2@champion", &r));
	CHECK_INT(r.kind, ==, CAIRN_REF_ALIAS);
	CHECK_STR(r.name, "churn.v2");
	CHECK_STR(r.selector, "champion");
	CHECK_INT(r.maybe_hash, ==, 0);

	CHECK_OK(ctx, cairn_ref_parse(ctx, "iris@9f86d0", &r));
	CHECK_INT(r.kind, ==, CAIRN_REF_HASH);
	CHECK_STR(r.selector, "9f86d0");

	CHECK_OK(ctx, cairn_ref_parse(ctx, "iris@cafe", &r));
	CHECK_INT(r.kind, ==, CAIRN_REF_ALIAS);
	CHECK_INT(r.maybe_hash, ==, 1);

	CHECK_OK(ctx, cairn_ref_parse(ctx, "iris@0123", &r));
	CHECK_INT(r.kind, ==, CAIRN_REF_HASH);

	CHECK_OK(ctx, cairn_ref_parse(ctx, "iris@1234567890", &r));
	CHECK_INT(r.kind, ==, CAIRN_REF_HASH);
	cairn_ctx_free(ctx);
}

static void test_ref_errors_name_the_problem(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	struct cairn_ref r;

	CHECK_ERR(ctx, cairn_ref_parse(ctx, "", &r), CAIRN_EINVAL, "empty");
	CHECK_ERR(ctx, cairn_ref_parse(ctx, "@3", &r), CAIRN_EINVAL, "empty");
	CHECK_ERR(ctx, cairn_ref_parse(ctx, "iris@", &r), CAIRN_EINVAL, "nothing after '@'");
	CHECK_ERR(ctx, cairn_ref_parse(ctx, "iris@0", &r), CAIRN_EINVAL, "start at 1");
	CHECK_ERR(ctx, cairn_ref_parse(ctx, "ir is", &r), CAIRN_EINVAL, "column 3");
	CHECK_ERR(ctx, cairn_ref_parse(ctx, "-iris", &r), CAIRN_EINVAL, "starts with");
	CHECK_ERR(ctx, cairn_ref_parse(ctx, "iris@1@2", &r), CAIRN_EINVAL, "more than one '@'");
	CHECK_ERR(ctx, cairn_ref_parse(ctx, "iris@Champion", &r), CAIRN_EINVAL, "alias");
	CHECK_ERR(ctx, cairn_alias_check(ctx, "9lives"), CAIRN_EINVAL, "lower-case letter");
	cairn_ctx_free(ctx);
}

const struct unit_test ref_tests[] = {
	{ "ref_kinds", test_ref_kinds },
	{ "ref_errors_name_the_problem", test_ref_errors_name_the_problem },
	{ NULL, NULL }
};
