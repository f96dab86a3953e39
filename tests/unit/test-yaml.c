/* Unit tests for YAML as JSON values (src/core/yaml.c). */
#include "cairn/error.h"
#include "core/yaml.h"
#include "tests/unit/suites.h"

static void test_yaml_round_trip(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	json_t *v = json_pack("{s:s, s:{s:s, s:[s, s], s:i, s:f, s:b, s:n}, s:[{s:s, s:i}, i], s:s, s:s, s:{}}",
			      "artifact_path", "model",
			      "flavors", "data", "model.json", "files", "a b", "-x", "n", 3, "r", 0.25,
			      "t", 1, "z",
			      "list", "name", "x: y", "k", 2, 7,
			      "number_text", "123", "quote", "say \"hi\"\n", "empty");
	json_t *back = NULL;
	cairn_buf b = CAIRN_BUF_INIT;

	cairn_yaml_append(&b, v);
	CHECK(strstr(b.buf, "artifact_path: model\n") != NULL);
	CHECK(strstr(b.buf, "number_text: \"123\"\n") != NULL);
	CHECK_OK(ctx, cairn_yaml_load_text(ctx, "t.yaml", b.buf, b.len, &back));
	CHECK(json_equal(v, back));
	json_decref(back);
	CHECK_ERR(ctx, cairn_yaml_load_text(ctx, "bad.yaml", "a: [1, 2\nb: 3\n", 13, &back),
		  CAIRN_EPARSE, "bad.yaml' line");
	cairn_buf_release(&b);
	json_decref(v);
	cairn_ctx_free(ctx);
}

const struct unit_test yaml_tests[] = {
	{ "yaml_round_trip", test_yaml_round_trip },
	{ NULL, NULL }
};
