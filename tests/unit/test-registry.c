/* Unit tests for the model registry (src/registry): names and aliases,
 * references, the alias function that promotion builds on (expected
 * holder, details, forced), appended events, and the audit chain. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "cairn/error.h"
#include "cairn/registry.h"
#include "cairn/train.h"
#include "core/json.h"
#include "tests/unit/ml-fixture.h"
#include "tests/unit/suites.h"

/* A workspace with model "m" at versions 1 and 2 of one knn run. */
static cairn_ctx *two_versions(void)
{
	cairn_ctx *ctx = fixture_workspace();
	struct cairn_train_options o = { 0 };
	struct cairn_train_result res;
	struct cairn_registry_register_options ro = { 0 };
	struct cairn_registry_register_result rr;

	fixture_add_classes(ctx, "classes", 0);
	o.data = "classes";
	o.target = "y";
	o.algo = "knn";
	o.task = -1;
	CHECK_OK(ctx, cairn_train(ctx, &o, &res));
	json_decref(res.metrics);
	ro.name = "m";
	ro.run = res.run_id;
	CHECK_OK(ctx, cairn_registry_register(ctx, &ro, &rr));
	CHECK_INT(rr.version, ==, 1);
	CHECK_OK(ctx, cairn_registry_register(ctx, &ro, &rr));
	CHECK_INT(rr.version, ==, 2);
	return ctx;
}

static json_t *events(cairn_ctx *ctx)
{
	json_t *ev = NULL;

	CHECK_OK(ctx, cairn_registry_audit(ctx, "m", &ev));
	return ev;
}

static void test_registry_alias_names(void)
{
	cairn_ctx *ctx = cairn_ctx_new();

	CHECK_OK(ctx, cairn_registry_alias_check(ctx, "champion"));
	CHECK_OK(ctx, cairn_registry_alias_check(ctx, "Prod_2-b"));
	CHECK_OK(ctx, cairn_registry_alias_check(ctx, "v2"));
	CHECK_ERR(ctx, cairn_registry_alias_check(ctx, "123"), CAIRN_EINVAL, "not all digits");
	CHECK_ERR(ctx, cairn_registry_alias_check(ctx, "Latest"), CAIRN_EINVAL, "reserved");
	CHECK_ERR(ctx, cairn_registry_alias_check(ctx, ""), CAIRN_EINVAL, "1 to 128");
	CHECK_ERR(ctx, cairn_registry_alias_check(ctx, "a b"), CAIRN_EINVAL, "column 2");
	CHECK_OK(ctx, cairn_registry_name_check(ctx, "churn.v2"));
	CHECK_ERR(ctx, cairn_registry_name_check(ctx, "a/b"), CAIRN_EINVAL, "column 2");
	CHECK(cairn_registry_is_version_ref("m@3"));
	CHECK(cairn_registry_is_version_ref("models:/m/3"));
	CHECK(!cairn_registry_is_version_ref("01m98r90nsg7"));
	CHECK(!cairn_registry_is_version_ref("RUN/model@x"));
	cairn_ctx_free(ctx);
}

static void test_registry_resolve(void)
{
	cairn_ctx *ctx = two_versions();
	struct cairn_registry_alias_options a = { 0 };
	struct cairn_registry_ref r;

	a.name = "m";
	a.alias = "champion";
	a.version = 1;
	CHECK_OK(ctx, cairn_registry_alias_set(ctx, &a, NULL));
	CHECK_OK(ctx, cairn_registry_resolve(ctx, "m", &r));
	CHECK_INT(r.version, ==, 0);
	CHECK_OK(ctx, cairn_registry_resolve(ctx, "m@champion", &r));
	CHECK_INT(r.version, ==, 1);
	CHECK_OK(ctx, cairn_registry_resolve(ctx, "models:/m@champion", &r));
	CHECK_INT(r.version, ==, 1);
	CHECK_OK(ctx, cairn_registry_resolve(ctx, "m@latest", &r));
	CHECK_INT(r.version, ==, 2);
	CHECK_OK(ctx, cairn_registry_resolve(ctx, "models:/m/2", &r));
	CHECK_INT(r.version, ==, 2);
	CHECK(strlen(r.version_id) == CAIRN_ID_LEN);
	CHECK_ERR(ctx, cairn_registry_resolve(ctx, "m@3", &r), CAIRN_ENOTFOUND, "no version 3");
	CHECK_ERR(ctx, cairn_registry_resolve(ctx, "m@staging", &r), CAIRN_ENOTFOUND,
		  "no alias 'staging'");
	CHECK_ERR(ctx, cairn_registry_resolve(ctx, "x@1", &r), CAIRN_ENOTFOUND,
		  "no registered model 'x'");
	CHECK_ERR(ctx, cairn_registry_resolve(ctx, "m@0", &r), CAIRN_EINVAL, "from 1");
	CHECK_ERR(ctx, cairn_registry_resolve(ctx, "models:/m", &r), CAIRN_EINVAL, "models:/NAME");
	CHECK_OK(ctx, cairn_registry_archive(ctx, "m", 2, 1, NULL));
	CHECK_OK(ctx, cairn_registry_resolve(ctx, "m@latest", &r));
	CHECK_INT(r.version, ==, 1);
	cairn_ctx_free(ctx);
}

/* What promotion needs: the alias moves only from the holder it expects,
 * and the event keeps the details and the forced flag. */
static void test_registry_alias_expected_holder(void)
{
	cairn_ctx *ctx = two_versions();
	struct cairn_registry_alias_options a = { 0 };
	json_t *details = json_pack("{s:s, s:s}", "report", "abc123", "verdict", "pass"), *ev;
	int64_t seq = 0, held;
	size_t n;

	a.name = "m";
	a.alias = "champion";
	a.version = 1;
	a.check_holder = 1;
	a.expect_version = 2;
	CHECK_ERR(ctx, cairn_registry_alias_set(ctx, &a, &seq), CAIRN_EEXIST,
		  "is unset, not at version 2 as expected");
	ev = events(ctx);
	n = json_array_size(ev);
	json_decref(ev);
	a.expect_version = 0;
	a.details = details;
	a.message = "gates passed";
	CHECK_OK(ctx, cairn_registry_alias_set(ctx, &a, &seq));
	CHECK_INT(seq, ==, (int64_t)n + 1);
	/* Another writer moved it meanwhile: refused, nothing changed. */
	a.version = 2;
	a.expect_version = 0;
	CHECK_ERR(ctx, cairn_registry_alias_set(ctx, &a, NULL), CAIRN_EEXIST,
		  "points at version 1, not 0 as expected: it moved meanwhile");
	CHECK_OK(ctx, cairn_registry_alias_get(ctx, "m", "champion", &held));
	CHECK_INT(held, ==, 1);
	a.expect_version = 1;
	a.forced = 1;
	a.details = NULL;
	CHECK_OK(ctx, cairn_registry_alias_set(ctx, &a, NULL));
	CHECK_OK(ctx, cairn_registry_alias_get(ctx, "m", "champion", &held));
	CHECK_INT(held, ==, 2);
	ev = events(ctx);
	CHECK_INT(json_array_size(ev), ==, n + 2);
	{
		json_t *e1 = json_array_get(ev, n), *e2 = json_array_get(ev, n + 1);
		CHECK_STR(json_string_value(json_object_get(json_object_get(e1, "details"), "report")),
			  "abc123");
		CHECK_STR(json_string_value(json_object_get(e1, "message")), "gates passed");
		CHECK(json_is_false(json_object_get(e1, "forced")));
		CHECK(json_is_true(json_object_get(e2, "forced")));
		CHECK_INT(json_integer_value(json_object_get(json_object_get(e2, "before"), "version")),
			  ==, 1);
	}
	json_decref(ev);
	json_decref(details);
	cairn_ctx_free(ctx);
}

static void test_registry_event_append_and_verify(void)
{
	cairn_ctx *ctx = two_versions();
	struct cairn_registry_event_options e = { 0 };
	struct cairn_registry_verify_result v;
	json_t *details = json_pack("{s:s}", "gate", "accuracy"), *before = json_pack("{s:i}", "v", 1);
	json_t *ev;
	int64_t seq = 0;

	e.name = "m";
	e.action = "promote-refused";
	e.before = before;
	e.details = details;
	e.message = "accuracy 0.81 < 0.9";
	CHECK_OK(ctx, cairn_registry_event_append(ctx, &e, &seq));
	CHECK_INT(seq, ==, 3);
	e.action = "Bad Action";
	CHECK_ERR(ctx, cairn_registry_event_append(ctx, &e, NULL), CAIRN_EINVAL, "audit action");
	e.action = "note";
	e.name = "nosuch";
	CHECK_ERR(ctx, cairn_registry_event_append(ctx, &e, NULL), CAIRN_ENOTFOUND, "'nosuch'");
	ev = events(ctx);
	CHECK_INT(json_array_size(ev), ==, 3);
	CHECK_STR(json_string_value(json_object_get(json_array_get(ev, 2), "action")),
		  "promote-refused");
	CHECK_STR(json_string_value(json_object_get(json_array_get(ev, 2), "prev_hash")),
		  json_string_value(json_object_get(json_array_get(ev, 1), "hash")));
	CHECK_OK(ctx, cairn_registry_audit_verify(ctx, &v));
	CHECK_INT(v.ok, ==, 1);
	CHECK_INT(v.events, ==, 3);
	CHECK_STR(v.head, json_string_value(json_object_get(json_array_get(ev, 2), "hash")));
	json_decref(ev);
	json_decref(details);
	json_decref(before);
	cairn_ctx_free(ctx);
}

static void test_registry_open_version(void)
{
	cairn_ctx *ctx = two_versions();
	cairn_model *m = NULL;

	CHECK_OK(ctx, cairn_registry_model_open(ctx, "m@2", &m));
	CHECK_INT(cairn_model_nclasses(m), ==, 2);
	cairn_model_free(m);
	CHECK_ERR(ctx, cairn_registry_model_open(ctx, "m@7", &m), CAIRN_ENOTFOUND, "no version 7");
	CHECK_ERR(ctx, cairn_registry_model_open(ctx, "models:/m@x", &m), CAIRN_ENOTFOUND,
		  "no alias 'x'");
	cairn_ctx_free(ctx);
}

static void test_registry_pin_and_node(void)
{
	cairn_ctx *ctx = two_versions();
	struct cairn_registry_alias_options a = { 0 };
	struct cairn_registry_ref r;
	cairn_buf out = CAIRN_BUF_INIT, type = CAIRN_BUF_INIT, id = CAIRN_BUF_INIT;
	int found = -1;

	a.name = "m";
	a.alias = "champion";
	a.version = 1;
	CHECK_OK(ctx, cairn_registry_alias_set(ctx, &a, NULL));
	CHECK_OK(ctx, cairn_registry_pin(ctx, "m@champion", &out));
	CHECK_STR(out.buf, "m@1");
	CHECK_OK(ctx, cairn_registry_pin(ctx, "models:/m/latest", &out));
	CHECK_STR(out.buf, "m@2");
	CHECK_OK(ctx, cairn_registry_pin(ctx, "01m98r90nsg7", &out));
	CHECK_STR(out.buf, "01m98r90nsg7");
	CHECK_ERR(ctx, cairn_registry_pin(ctx, "m@9", &out), CAIRN_ENOTFOUND, "no version 9");
	CHECK_OK(ctx, cairn_registry_model_node(ctx, "m@champion", &type, &id, &found));
	CHECK_INT(found, ==, 1);
	CHECK_STR(type.buf, "model_version");
	CHECK_OK(ctx, cairn_registry_resolve(ctx, "m@1", &r));
	CHECK_STR(id.buf, r.version_id);
	CHECK_OK(ctx, cairn_registry_model_node(ctx, "01m98r90nsg7/model", &type, &id, &found));
	CHECK_INT(found, ==, 0);
	/* An existing directory is never the registry's. */
	CHECK(mkdir("m@2", 0777) == 0);
	CHECK_OK(ctx, cairn_registry_model_node(ctx, "m@2", &type, &id, &found));
	CHECK_INT(found, ==, 0);
	CHECK_OK(ctx, cairn_registry_pin(ctx, "m@2", &out));
	CHECK_STR(out.buf, "m@2");
	cairn_buf_release(&out);
	cairn_buf_release(&type);
	cairn_buf_release(&id);
	cairn_ctx_free(ctx);
}

const struct unit_test registry_tests[] = {
	{ "registry_alias_names", test_registry_alias_names },
	{ "registry_resolve", test_registry_resolve },
	{ "registry_alias_expected_holder", test_registry_alias_expected_holder },
	{ "registry_event_append_and_verify", test_registry_event_append_and_verify },
	{ "registry_open_version", test_registry_open_version },
	{ "registry_pin_and_node", test_registry_pin_and_node },
	{ NULL, NULL }
};
