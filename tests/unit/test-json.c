/* Unit tests for the JSON helpers: errors that name the source, line and
 * column, duplicate keys, and compact and indented output. */
#include <stdio.h>
#include <stdlib.h>
#include "cairn/ctx.h"
#include "cairn/error.h"
#include "core/fs.h"
#include "core/json.h"
#include "tests/unit/suites.h"

static void put(const char *path, const char *text)
{
	cairn_ctx *ctx = cairn_ctx_new();
	CHECK_OK(ctx, cairn_write_file_atomic(ctx, path, text, strlen(text), 0644));
	cairn_ctx_free(ctx);
}

static void test_json_load_file(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	json_t *v = NULL;

	put("ok.json", "{\"name\": \"iris\", \"rows\": 150,\n \"cols\": [1, 2.5]}\n");
	CHECK_OK(ctx, cairn_json_load_file(ctx, "ok.json", &v));
	CHECK(json_is_object(v));
	CHECK_STR(json_string_value(json_object_get(v, "name")), "iris");
	CHECK_INT(json_integer_value(json_object_get(v, "rows")), ==, 150);
	CHECK_INT(json_array_size(json_object_get(v, "cols")), ==, 2);
	json_decref(v);
	cairn_ctx_free(ctx);
}

static void test_json_errors_name_file_line_column(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	json_t *v = NULL;

	/* The stray comma is on line 3; the parser notices at the '}' after it. */
	put("bad.json", "{\n  \"a\": 1,\n  \"b\": 2,\n}\n");
	CHECK_ERR(ctx, cairn_json_load_file(ctx, "bad.json", &v), CAIRN_EPARSE,
		  "cannot parse 'bad.json' line 4 column 1");
	CHECK(v == NULL);

	put("trunc.json", "[1, 2,\n 3");
	CHECK_ERR(ctx, cairn_json_load_file(ctx, "trunc.json", &v), CAIRN_EPARSE,
		  "'trunc.json' line 2");

	put("empty.json", "");
	CHECK_ERR(ctx, cairn_json_load_file(ctx, "empty.json", &v), CAIRN_EPARSE,
		  "cannot parse 'empty.json'");

	CHECK_ERR(ctx, cairn_json_load_file(ctx, "missing.json", &v), CAIRN_ENOTFOUND,
		  "cannot open 'missing.json'");

	const char text[] = "{\"x\": tru}";
	CHECK_ERR(ctx, cairn_json_load_text(ctx, "the request body", text, strlen(text), &v),
		  CAIRN_EPARSE, "cannot parse 'the request body' line 1 column");
	CHECK(v == NULL);
	cairn_ctx_free(ctx);
}

static void test_json_rejects_duplicate_keys(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	const char text[] = "{\"lr\": 0.1, \"lr\": 0.2}";
	json_t *v = NULL;

	CHECK_ERR(ctx, cairn_json_load_text(ctx, "params", text, strlen(text), &v),
		  CAIRN_EPARSE, "duplicate object key");
	CHECK(v == NULL);
	cairn_ctx_free(ctx);
}

static void test_json_load_text_uses_length(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	const char text[] = "[1, 2][garbage";
	json_t *v = NULL;

	CHECK_OK(ctx, cairn_json_load_text(ctx, "prefix", text, 6, &v));
	CHECK_INT(json_array_size(v), ==, 2);
	json_decref(v);
	cairn_ctx_free(ctx);
}

static void test_json_append_and_print(void)
{
	json_t *v = json_pack("{s:i, s:s, s:f, s:[b, n]}", "zeta", 1, "alpha", "x",
			      "mid", 0.1, "list", 1);
	cairn_buf b = CAIRN_BUF_INIT;
	char line[256];
	FILE *f;

	cairn_json_append(&b, v, 0);
	CHECK(strchr(b.buf, '\n') == NULL);
	CHECK(strstr(b.buf, "\"zeta\":1") != NULL);
	/* Reals are written in the shortest form that reads back equal. */
	CHECK(strstr(b.buf, "\"mid\":0.1,") != NULL);

	cairn_buf_reset(&b);
	cairn_json_append(&b, v, 1);
	CHECK(strchr(b.buf, '\n') != NULL);
	/* Indented output sorts the keys. */
	CHECK(strstr(b.buf, "\"alpha\"") < strstr(b.buf, "\"list\""));
	CHECK(strstr(b.buf, "\"mid\"") < strstr(b.buf, "\"zeta\""));
	CHECK(strstr(b.buf, "\n  \"alpha\": \"x\"") != NULL);

	/* Non-container values are written too (JSON_ENCODE_ANY). */
	cairn_buf_reset(&b);
	json_t *s = json_string("a\"b");
	cairn_json_append(&b, s, 0);
	CHECK_STR(b.buf, "\"a\\\"b\"");
	json_decref(s);

	f = tmpfile();
	CHECK(f != NULL);
	CHECK_INT(cairn_json_print(f, v, 0), ==, 0);
	rewind(f);
	CHECK(fgets(line, sizeof(line), f) != NULL);
	CHECK(strlen(line) > 1 && line[strlen(line) - 1] == '\n');
	CHECK(fgets(line, sizeof(line), f) == NULL); /* exactly one line */
	fclose(f);

	json_decref(v);
	cairn_buf_release(&b);
}

static void test_json_escapes_controls(void)
{
	json_t *v = json_string("\x1b]0;t\x07 \x7f \xc2\x9b \xc5\x91 \xc2\xa0");
	cairn_buf b = CAIRN_BUF_INIT;

	cairn_json_append(&b, v, 0);
	CHECK_STR(b.buf, "\"\\u001b]0;t\\u0007 \\u007f \\u009b \xc5\x91 \xc2\xa0\"");
	json_decref(v);
	cairn_buf_release(&b);
}

const struct unit_test json_tests[] = {
	{ "json_escapes_controls", test_json_escapes_controls },
	{ "json_load_file", test_json_load_file },
	{ "json_errors_name_file_line_column", test_json_errors_name_file_line_column },
	{ "json_rejects_duplicate_keys", test_json_rejects_duplicate_keys },
	{ "json_load_text_uses_length", test_json_load_text_uses_length },
	{ "json_append_and_print", test_json_append_and_print },
	{ NULL, NULL }
};
