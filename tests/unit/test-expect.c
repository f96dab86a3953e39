/* Unit tests for expectation suites: parsing (and its errors), every
 * expectation passing and failing, `mostly`, and suggested suites. */
#include <math.h>
#include <stdlib.h>
#include "cairn/error.h"
#include "cairn/expect.h"
#include "cairn/profile.h"
#include "core/json.h"
#include "tests/unit/suites.h"

/* Row numbers in reports count the header as row 1: alice is row 2. */
static const char csv_text[] =
	"id,name,score,lo,hi,when,flag\n"
	"1,alice,3.5,1,2,2024-01-01,true\n"
	"2,bob,,2,2,2024-02-01,false\n"
	"3,carol,7,3,1,2024-03-01,true\n"
	"3,dave,9.5,,4,2024-04-01,\n";

/* Evaluates a suite with the one expectation item (a YAML flow mapping) on
 * text and returns its result (the caller releases it), or NULL. */
static json_t *run_on(const char *text, const char *item)
{
	cairn_ctx *ctx = cairn_ctx_new();
	struct cairn_frame *f = NULL;
	struct cairn_suite *s = NULL;
	json_t *report = NULL, *r = NULL;
	cairn_buf y = CAIRN_BUF_INIT;
	int passed = -1;

	cairn_buf_addf(&y, "suite: t\nexpectations:\n  - %s\n", item);
	CHECK_OK(ctx, cairn_frame_load_mem(ctx, text, strlen(text), "t.csv", NULL, &f));
	CHECK_OK(ctx, cairn_suite_parse(ctx, "t.yml", y.buf, y.len, &s));
	if (f && s) {
		CHECK_OK(ctx, cairn_expect_check(ctx, f, s, NULL, &report, &passed));
		r = json_incref(json_array_get(json_object_get(report, "results"), 0));
		CHECK(r != NULL);
		CHECK_INT(passed, ==, json_is_true(json_object_get(r, "passed")));
		CHECK_INT(json_is_true(json_object_get(report, "passed")), ==, passed);
	}
	json_decref(report);
	cairn_suite_free(s);
	cairn_frame_free(f);
	cairn_buf_release(&y);
	cairn_ctx_free(ctx);
	return r;
}

static json_t *run(const char *item)
{
	return run_on(csv_text, item);
}

static int ok(const json_t *r)
{
	return json_is_true(json_object_get(r, "passed"));
}

static long long num(const json_t *o, const char *key)
{
	return (long long)json_integer_value(json_object_get(o, key));
}

static const json_t *observed(const json_t *r, const char *key)
{
	return json_object_get(json_object_get(r, "observed"), key);
}

static const char *error_of(const json_t *r)
{
	const char *e = json_string_value(json_object_get(r, "error"));
	return e ? e : "";
}

/* Runs item; checks whether it passed and how many rows failed (-1: none reported). */
#define EXPECT_RESULT(item, want_ok, want_failing) \
	do { json_t *r_ = run(item); \
	     CHECK_INT(ok(r_), ==, (want_ok)); \
	     CHECK_INT(json_object_get(r_, "failing_rows") ? num(r_, "failing_rows") : -1, ==, \
		       (want_failing)); \
	     json_decref(r_); } while (0)

static void test_expect_columns_present(void)
{
	json_t *r;

	EXPECT_RESULT("{expect: columns_present, columns: [id, name]}", 1, -1);
	EXPECT_RESULT("{expect: columns_present, columns: [id, name, score, lo, hi, when, flag],"
		      " strict: true}", 1, -1);
	r = run("{expect: columns_present, columns: [id, nope, name], strict: true}");
	CHECK(!ok(r));
	CHECK_INT(json_array_size(observed(r, "missing")), ==, 1);
	CHECK_STR(json_string_value(json_array_get(observed(r, "missing"), 0)), "nope");
	CHECK_INT(json_array_size(observed(r, "unexpected")), ==, 5);
	CHECK_STR(json_string_value(json_array_get(observed(r, "unexpected"), 0)), "score");
	json_decref(r);
}

static void test_expect_column_type(void)
{
	json_t *r;

	EXPECT_RESULT("{expect: column_type, column: score, type: float}", 1, -1);
	EXPECT_RESULT("{expect: column_type, column: id, type: numeric}", 1, -1);
	EXPECT_RESULT("{expect: column_type, column: when, type: datetime}", 1, -1);
	EXPECT_RESULT("{expect: column_type, column: flag, type: bool}", 1, -1);
	EXPECT_RESULT("{expect: column_type, column: name, type: [integer, string]}", 1, -1);
	r = run("{expect: column_type, column: score, type: [integer, string]}");
	CHECK(!ok(r));
	CHECK_STR(json_string_value(observed(r, "type")), "float");
	json_decref(r);
	r = run("{expect: column_type, column: nope, type: float}");
	CHECK(!ok(r));
	CHECK_STR(error_of(r), "no column 'nope'");
	json_decref(r);
}

static void test_expect_not_null_and_mostly(void)
{
	json_t *r, *ex;

	EXPECT_RESULT("{expect: not_null, column: name}", 1, 0);
	r = run("{expect: not_null, column: score}");
	CHECK(!ok(r));
	CHECK_INT(num(r, "failing_rows"), ==, 1);
	CHECK_INT(num(r, "rows_checked"), ==, 4);
	CHECK_INT(num(json_object_get(r, "observed"), "nulls"), ==, 1);
	ex = json_array_get(json_object_get(r, "examples"), 0);
	CHECK_INT(num(ex, "row"), ==, 3);
	CHECK(json_is_null(json_object_get(json_object_get(ex, "values"), "score")));
	json_decref(r);
	EXPECT_RESULT("{expect: not_null, column: score, mostly: 0.75}", 1, 1);
	EXPECT_RESULT("{expect: not_null, column: score, mostly: 0.76}", 0, 1);
	EXPECT_RESULT("{expect: not_null, column: flag, mostly: 0}", 1, 1);
}

static void test_expect_unique(void)
{
	json_t *r, *ex;

	EXPECT_RESULT("{expect: unique, column: name}", 1, 0);
	EXPECT_RESULT("{expect: unique, column: score}", 1, 0);
	r = run("{expect: unique, column: id}");
	CHECK(!ok(r));
	CHECK_INT(num(r, "failing_rows"), ==, 2);
	CHECK_INT(num(json_object_get(r, "observed"), "distinct"), ==, 3);
	CHECK_INT(num(json_object_get(r, "observed"), "repeated_values"), ==, 1);
	ex = json_object_get(r, "examples");
	CHECK_INT(num(json_array_get(ex, 0), "row"), ==, 4);
	CHECK_INT(num(json_array_get(ex, 1), "row"), ==, 5);
	CHECK_INT(num(json_object_get(json_array_get(ex, 1), "values"), "id"), ==, 3);
	json_decref(r);
	EXPECT_RESULT("{expect: unique, column: id, mostly: 0.5}", 1, 2);
	/* Strings: two rows share "Ideal"; nulls are not duplicates. */
	r = run_on("cut\nIdeal\nGood\n\nIdeal\n\n", "{expect: unique, column: cut}");
	CHECK(!ok(r));
	CHECK_INT(num(r, "failing_rows"), ==, 2);
	CHECK_INT(num(r, "rows_checked"), ==, 3);
	json_decref(r);
}

static void test_expect_between(void)
{
	json_t *r, *ex;

	EXPECT_RESULT("{expect: between, column: score, min: 0, max: 10}", 1, 0);
	/* Both bounds are inclusive; nulls are not checked. */
	r = run("{expect: between, column: score, min: 3.5, max: 9.5}");
	CHECK(ok(r));
	CHECK_INT(num(r, "rows_checked"), ==, 3);
	CHECK(json_real_value(observed(r, "min")) == 3.5);
	CHECK(json_real_value(observed(r, "max")) == 9.5);
	json_decref(r);
	r = run("{expect: between, column: score, min: 4}");
	CHECK(!ok(r));
	CHECK_INT(num(r, "failing_rows"), ==, 1);
	ex = json_array_get(json_object_get(r, "examples"), 0);
	CHECK_INT(num(ex, "row"), ==, 2);
	CHECK(json_real_value(json_object_get(json_object_get(ex, "values"), "score")) == 3.5);
	json_decref(r);
	EXPECT_RESULT("{expect: between, column: score, max: 9}", 0, 1);
	EXPECT_RESULT("{expect: between, column: score, max: 9, mostly: 0.66}", 1, 1);
	EXPECT_RESULT("{expect: between, column: id, min: 1, max: 2}", 0, 2);
	EXPECT_RESULT("{expect: between, column: when, min: 2024-01-15}", 0, 1);
	EXPECT_RESULT("{expect: between, column: when, min: 2024-01-01, max: '2024-04-01T00:00:00Z'}",
		      1, 0);
	r = run("{expect: between, column: score, min: 2024-01-15}");
	CHECK(!ok(r));
	CHECK_STR(error_of(r), "a bound is a date but column 'score' is float");
	json_decref(r);
	r = run("{expect: between, column: name, min: 1}");
	CHECK(!ok(r));
	CHECK_STR(error_of(r), "column 'name' is a string column: between needs numbers or datetimes");
	json_decref(r);
}

static void test_expect_in_set(void)
{
	json_t *r, *u;

	EXPECT_RESULT("{expect: in_set, column: name, values: [alice, bob, carol, dave, eve]}", 1, 0);
	r = run("{expect: in_set, column: name, values: [alice, bob]}");
	CHECK(!ok(r));
	CHECK_INT(num(r, "failing_rows"), ==, 2);
	u = json_array_get(observed(r, "unexpected_values"), 0);
	CHECK_STR(json_string_value(json_object_get(u, "value")), "carol");
	CHECK_INT(num(u, "count"), ==, 1);
	json_decref(r);
	EXPECT_RESULT("{expect: in_set, column: name, values: [alice, bob], mostly: 0.5}", 1, 2);
	/* Numbers, booleans and dates compare as values of the column's type. */
	EXPECT_RESULT("{expect: in_set, column: id, values: [1, 2.0, 3]}", 1, 0);
	EXPECT_RESULT("{expect: in_set, column: id, values: [1, 2]}", 0, 2);
	EXPECT_RESULT("{expect: in_set, column: flag, values: [true]}", 0, 1);
	EXPECT_RESULT("{expect: in_set, column: when, values: [2024-01-01, 2024-02-01]}", 0, 2);
}

static void test_expect_matches(void)
{
	json_t *r;

	EXPECT_RESULT("{expect: matches, column: name, regex: '^[a-z]+$'}", 1, 0);
	r = run("{expect: matches, column: name, regex: '^[a-c]'}");
	CHECK(!ok(r));
	CHECK_INT(num(r, "failing_rows"), ==, 1);
	CHECK_STR(json_string_value(json_object_get(json_object_get(
		json_array_get(json_object_get(r, "examples"), 0), "values"), "name")), "dave");
	json_decref(r);
	/* Unanchored: a match anywhere counts. */
	EXPECT_RESULT("{expect: matches, column: name, regex: 'o'}", 0, 2);
	/* Numbers are matched in their formatted form. */
	EXPECT_RESULT("{expect: matches, column: score, regex: '^[0-9]\\.5$'}", 0, 1);
	EXPECT_RESULT("{expect: matches, column: when, regex: '^2024-0[1-4]-01T'}", 1, 0);
}

static void test_expect_length_between(void)
{
	json_t *r;

	EXPECT_RESULT("{expect: length_between, column: name, min: 3, max: 5}", 1, 0);
	r = run("{expect: length_between, column: name, max: 4}");
	CHECK(!ok(r));
	CHECK_INT(num(r, "failing_rows"), ==, 2);
	CHECK_INT(num(json_object_get(r, "observed"), "min_length"), ==, 3);
	CHECK_INT(num(json_object_get(r, "observed"), "max_length"), ==, 5);
	json_decref(r);
	/* Lengths are in characters, not bytes. */
	r = run_on("who\nzo\xc3\xab\n\xe6\x97\xa5\xe6\x9c\xac\n",
		   "{expect: length_between, column: who, min: 2, max: 3}");
	CHECK(ok(r));
	CHECK_INT(num(json_object_get(r, "observed"), "min_length"), ==, 2);
	json_decref(r);
	EXPECT_RESULT("{expect: length_between, column: id, max: 0}", 0, 4);
}

static void test_expect_row_count_between(void)
{
	json_t *r;

	EXPECT_RESULT("{expect: row_count_between, min: 4, max: 4}", 1, -1);
	EXPECT_RESULT("{expect: row_count_between, min: 5}", 0, -1);
	r = run("{expect: row_count_between, max: 3}");
	CHECK(!ok(r));
	CHECK_INT(num(json_object_get(r, "observed"), "rows"), ==, 4);
	json_decref(r);
}

static void test_expect_mean_std_quantile(void)
{
	json_t *r;

	/* score: 3.5, 7, 9.5 (one null). */
	r = run("{expect: mean_between, column: score, min: 6.6, max: 6.7}");
	CHECK(ok(r));
	CHECK(fabs(json_real_value(observed(r, "mean")) - 20.0 / 3) < 1e-12);
	json_decref(r);
	EXPECT_RESULT("{expect: mean_between, column: score, max: 6}", 0, -1);
	r = run("{expect: std_between, column: score, min: 3, max: 3.1}");
	CHECK(ok(r));
	CHECK(fabs(json_real_value(observed(r, "std")) - sqrt(109.0 / 12)) < 1e-12);
	json_decref(r);
	EXPECT_RESULT("{expect: std_between, column: score, max: 1}", 0, -1);
	EXPECT_RESULT("{expect: quantile_between, column: score, quantile: 0.5, min: 7, max: 7}",
		      1, -1);
	/* 0.25 lies halfway between 3.5 and 7, as numpy interpolates. */
	r = run("{expect: quantile_between, column: score, quantile: 0.25, min: 5.3}");
	CHECK(!ok(r));
	CHECK(json_real_value(observed(r, "quantile")) == 5.25);
	json_decref(r);
	r = run_on("x\n1\n\n", "{expect: std_between, column: x, max: 1}");
	CHECK(!ok(r));
	CHECK_STR(error_of(r), "column 'x' has too few finite values for a std");
	json_decref(r);
}

static void test_expect_greater_than(void)
{
	json_t *r, *v;

	/* hi > lo: 2 > 1 holds, 2 > 2 and 1 > 3 do not, a null is skipped. */
	r = run("{expect: greater_than, column: hi, than: lo}");
	CHECK(!ok(r));
	CHECK_INT(num(r, "failing_rows"), ==, 2);
	CHECK_INT(num(r, "rows_checked"), ==, 3);
	v = json_object_get(json_array_get(json_object_get(r, "examples"), 1), "values");
	CHECK_INT(num(v, "hi"), ==, 1);
	CHECK_INT(num(v, "lo"), ==, 3);
	json_decref(r);
	EXPECT_RESULT("{expect: greater_than, column: hi, than: lo, or_equal: true}", 0, 1);
	EXPECT_RESULT("{expect: greater_than, column: hi, than: lo, or_equal: true, mostly: 0.6}",
		      1, 1);
	EXPECT_RESULT("{expect: greater_than, column: score, than: lo}", 1, 0);
	r = run("{expect: greater_than, column: hi, than: name}");
	CHECK(!ok(r));
	CHECK_STR(error_of(r), "column 'name' is a string column: greater_than needs numbers or datetimes");
	json_decref(r);
	r = run("{expect: greater_than, column: when, than: lo}");
	CHECK_STR(error_of(r), "cannot compare datetime column 'when' with integer column 'lo'");
	json_decref(r);
}

static void test_expect_report_and_examples(void)
{
	static const char suite[] =
		"suite: two\n"
		"description: a test\n"
		"expectations:\n"
		"  - expect: row_count_between\n"
		"    min: 1\n"
		"  - expect: between\n"
		"    description: ids are small\n"
		"    column: id\n"
		"    max: 0\n";
	cairn_ctx *ctx = cairn_ctx_new();
	struct cairn_frame *f = NULL;
	struct cairn_suite *s = NULL;
	struct cairn_expect_options eo = { 3 };
	json_t *report = NULL, *r;
	int passed = -1;

	CHECK_OK(ctx, cairn_frame_load_mem(ctx, csv_text, strlen(csv_text), "t.csv", NULL, &f));
	CHECK_OK(ctx, cairn_suite_parse(ctx, "s.yml", suite, strlen(suite), &s));
	if (!f || !s)
		goto out;
	CHECK_STR(cairn_suite_name(s), "two");
	CHECK_INT(cairn_suite_size(s), ==, 2);
	CHECK_OK(ctx, cairn_expect_check(ctx, f, s, &eo, &report, &passed));
	CHECK_INT(passed, ==, 0);
	CHECK_STR(json_string_value(json_object_get(report, "suite")), "two");
	CHECK_INT(num(report, "rows"), ==, 4);
	CHECK_INT(num(json_object_get(report, "summary"), "passed"), ==, 1);
	CHECK_INT(num(json_object_get(report, "summary"), "failed"), ==, 1);
	r = json_array_get(json_object_get(report, "results"), 1);
	CHECK_INT(num(r, "index"), ==, 2);
	CHECK_INT(num(r, "line"), ==, 6);
	CHECK_STR(json_string_value(json_object_get(r, "description")), "ids are small");
	CHECK_INT(num(r, "failing_rows"), ==, 4);
	CHECK_INT(json_array_size(json_object_get(r, "examples")), ==, 3);
	CHECK_INT(num(r, "max"), ==, 0);
out:
	json_decref(report);
	cairn_suite_free(s);
	cairn_frame_free(f);
	cairn_ctx_free(ctx);
}

/* Parses text and expects the error message msg, exactly. */
static void parse_fails(const char *text, const char *msg)
{
	cairn_ctx *ctx = cairn_ctx_new();
	struct cairn_suite *s = NULL;

	CHECK_ERR(ctx, cairn_suite_parse(ctx, "suite.yml", text, strlen(text), &s), CAIRN_EPARSE,
		  NULL);
	if (msg)
		CHECK_STR(cairn_errmsg(ctx), msg);
	CHECK(s == NULL);
	cairn_ctx_free(ctx);
}

static void test_expect_parse_errors(void)
{
	parse_fails("suite: s\n"
		    "expectations:\n"
		    "  - expect: not_null\n"
		    "    column: a\n"
		    "  - expect: between\n"
		    "    column: a\n"
		    "    min: four\n",
		    "'suite.yml' line 7 column 10: expectation 2 (between): 'min' must be a number or a date, not 'four'");
	parse_fails("suite: s\nexpectations:\n  - expect: betwen\n    column: a\n",
		    "'suite.yml' line 3 column 13: expectation 1: unknown expectation type 'betwen' "
		    "(known: columns_present, column_type, not_null, unique, between, in_set, matches, "
		    "length_between, row_count_between, mean_between, std_between, quantile_between, "
		    "greater_than)");
	parse_fails("suite: s\nexpectations:\n  - expect: not_null\n    column: a\n    maximum: 3\n",
		    "'suite.yml' line 5 column 5: expectation 1 (not_null): unknown key 'maximum' "
		    "(not_null takes expect, description, column, mostly)");
	parse_fails("suite: s\nexpectations:\n  - {expect: between, column: a}\n",
		    "'suite.yml' line 3 column 5: expectation 1 (between): needs 'min', 'max' or both");
	parse_fails("suite: s\nexpectations:\n  - {expect: between, column: a, min: 3, max: 2}\n",
		    "'suite.yml' line 3 column 39: expectation 1 (between): 'min' is greater than 'max'");
	parse_fails("suite: s\nexpectations:\n  - {expect: in_set, values: [a]}\n",
		    "'suite.yml' line 3 column 5: expectation 1 (in_set): missing 'column'");
	parse_fails("suite: s\nexpectations:\n  - {expect: not_null, column: a, mostly: 1.5}\n",
		    "'suite.yml' line 3 column 43: expectation 1 (not_null): 'mostly' must be between 0 and 1, not 1.5");
	parse_fails("suite: s\nexpectations:\n  - {expect: not_null, column: a, mostly: '0.5'}\n",
		    "'suite.yml' line 3 column 43: expectation 1 (not_null): 'mostly' must be a number, not the string '0.5' (drop the quotes)");
	parse_fails("suite: s\nexpectations:\n  - {expect: not_null, column: a, mostly: [1]}\n",
		    "'suite.yml' line 3 column 43: expectation 1 (not_null): 'mostly' must be a number");
	parse_fails("suite: s\nexpectations:\n  - {expect: between, column: a, max: \"4\"}\n",
		    "'suite.yml' line 3 column 39: expectation 1 (between): 'max' must be a number, not the string '4' (drop the quotes)");
	parse_fails("suite: s\nexpectations:\n  - {expect: unique, column: a, column: b}\n",
		    "'suite.yml' line 3 column 33: expectation 1 (unique): 'column' is given twice");
	parse_fails("suite: s\nexpectations:\n  - {expect: columns_present, columns: a}\n",
		    "'suite.yml' line 3 column 40: expectation 1 (columns_present): 'columns' must be a list, like [a, b]");
	parse_fails("suite: s\nexpectations:\n  - {expect: columns_present, columns: [a], strict: maybe}\n",
		    "'suite.yml' line 3 column 53: expectation 1 (columns_present): 'strict' must be true or false");
	parse_fails("suite: s\nexpectations:\n  - {expect: column_type, column: a, type: text}\n",
		    "'suite.yml' line 3 column 44: expectation 1 (column_type): 'type' must be integer, "
		    "float, numeric, boolean, datetime or string, not 'text'");
	parse_fails("suite: s\nexpectations:\n  - {expect: row_count_between, min: -1}\n",
		    "'suite.yml' line 3 column 5: expectation 1 (row_count_between): 'min' and 'max' must be whole numbers from 0 to 9223372036854775807");
	parse_fails("suite: s\nexpectations:\n  - {column: a}\n",
		    "'suite.yml' line 3 column 5: expectation 1: missing 'expect' (the expectation type)");
	parse_fails("suite: s\nexpectations:\n  - not_null\n",
		    "'suite.yml' line 3 column 5: expectation 1: must be a mapping with 'expect' and its fields");
	parse_fails("suite: s\nchecks: []\n",
		    "'suite.yml' line 2 column 1: unknown key 'checks' (a suite takes suite, description, expectations)");
	parse_fails("suite: s\n", "'suite.yml' line 1 column 1: missing 'expectations'");
	parse_fails("suite: s\nsuite: t\nexpectations: []\n",
		    "'suite.yml' line 2 column 1: 'suite' is given twice");
	parse_fails("", "'suite.yml' is empty: a suite needs 'expectations'");
	parse_fails("- a\n- b\n",
		    "'suite.yml' line 1 column 1: a suite must be a mapping with 'suite' and 'expectations'");
	parse_fails("expectations: []\n---\nsuite: again\n",
		    "'suite.yml' line 3 column 1: a suite file holds one YAML document, this is a second");
	/* libyaml's own errors keep their marks. */
	parse_fails("suite: s\nexpectations:\n  - expect: not_null\n   column: a\n",
		    "'suite.yml' line 4 column 4: did not find expected '-' indicator "
		    "(while parsing a block collection at line 3 column 3)");
	parse_fails("suite: [s\n",
		    "'suite.yml' line 2 column 1: did not find expected ',' or ']' "
		    "(while parsing a flow sequence at line 1 column 8)");
}

static void test_expect_regex_errors(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	struct cairn_suite *s = NULL;
	static const char bad[] = "suite: s\nexpectations:\n  - {expect: matches, column: a, regex: '(ab'}\n";
	static const char good[] = "suite: s\nexpectations:\n  - {expect: matches, column: a, regex: '^(a|b)+[[:digit:]]{2,}$'}\n";

	CHECK_ERR(ctx, cairn_suite_parse(ctx, "suite.yml", bad, strlen(bad), &s), CAIRN_EPARSE,
		  "'suite.yml' line 3 column 41: expectation 1 (matches): invalid 'regex' '(ab': ");
	CHECK(s == NULL);
	CHECK_OK(ctx, cairn_suite_parse(ctx, "suite.yml", good, strlen(good), &s));
	cairn_suite_free(s);
	s = NULL;
	parse_fails("suite: s\nexpectations:\n  - {expect: matches, column: a, regex: '[z-a]'}\n",
		    NULL);
	cairn_ctx_free(ctx);
}

static void test_expect_suggest_round_trip(void)
{
	static const char text[] =
		"id,cut,price,when,rate\n"
		"1,Ideal,326,2024-01-01,0.5\n"
		"2,Good,327,2024-01-02,\n"
		"3,Ideal,,2024-01-03,0.25\n"
		"4,Very Good,400,2024-01-04,0.75\n"
		"5,Ideal,500,2024-01-05,1\n"
		"6,Good,501,2024-01-06,0.5\n";
	struct cairn_suggest_options so = { "shop", 0.5, 20 };
	cairn_ctx *ctx = cairn_ctx_new();
	struct cairn_frame *f = NULL;
	struct cairn_suite *s = NULL, *s2 = NULL;
	json_t *profile = NULL, *suite = NULL, *notes = NULL, *report = NULL;
	cairn_buf yaml = CAIRN_BUF_INIT, js = CAIRN_BUF_INIT;
	int passed = -1;

	CHECK_OK(ctx, cairn_frame_load_mem(ctx, text, strlen(text), "t.csv", NULL, &f));
	if (!f)
		goto out;
	profile = cairn_profile_frame(f);
	CHECK_OK(ctx, cairn_suite_suggest(ctx, profile, &so, &suite, &notes));
	if (!suite)
		goto out;
	CHECK_INT(json_array_size(notes), ==, json_array_size(json_object_get(suite, "expectations")));
	cairn_suite_yaml(suite, notes, "made by a test\nsecond line", &yaml);
	CHECK(strstr(yaml.buf, "# made by a test\n# second line\nsuite: shop\n") != NULL);
	CHECK(strstr(yaml.buf, "  - expect: row_count_between\n    min: 3\n    max: 9\n") != NULL);
	CHECK(strstr(yaml.buf, "  - expect: unique\n    column: id\n") != NULL);
	CHECK(strstr(yaml.buf, "    values: [Ideal, Good, \"Very Good\"]\n") != NULL);
	CHECK(strstr(yaml.buf, "    column: price\n    mostly: 0.833\n") != NULL);
	CHECK(strstr(yaml.buf, "    min: \"2024-01-01T00:00:00.000Z\"\n") != NULL);
	CHECK(strstr(yaml.buf, "    min: 0.25\n    max: 1\n") != NULL);
	/* cut repeats, so it is not suggested unique. */
	CHECK(strstr(yaml.buf, "expect: unique\n    column: cut") == NULL);
	CHECK_OK(ctx, cairn_suite_parse(ctx, "s.yml", yaml.buf, yaml.len, &s));
	if (s) {
		CHECK_INT(cairn_suite_size(s), ==, json_array_size(json_object_get(suite, "expectations")));
		CHECK_OK(ctx, cairn_expect_check(ctx, f, s, NULL, &report, &passed));
		CHECK_INT(passed, ==, 1);
	}
	/* The JSON form is a suite too (YAML reads JSON). */
	cairn_json_append(&js, suite, 1);
	CHECK_OK(ctx, cairn_suite_parse(ctx, "s.json", js.buf, js.len, &s2));
	if (s2)
		CHECK_INT(cairn_suite_size(s2), ==, cairn_suite_size(s ? s : s2));
out:
	json_decref(report);
	json_decref(profile);
	json_decref(suite);
	json_decref(notes);
	cairn_suite_free(s);
	cairn_suite_free(s2);
	cairn_frame_free(f);
	cairn_buf_release(&yaml);
	cairn_buf_release(&js);
	cairn_ctx_free(ctx);
}

const struct unit_test expect_tests[] = {
	{ "expect_columns_present", test_expect_columns_present },
	{ "expect_column_type", test_expect_column_type },
	{ "expect_not_null_and_mostly", test_expect_not_null_and_mostly },
	{ "expect_unique", test_expect_unique },
	{ "expect_between", test_expect_between },
	{ "expect_in_set", test_expect_in_set },
	{ "expect_matches", test_expect_matches },
	{ "expect_length_between", test_expect_length_between },
	{ "expect_row_count_between", test_expect_row_count_between },
	{ "expect_mean_std_quantile", test_expect_mean_std_quantile },
	{ "expect_greater_than", test_expect_greater_than },
	{ "expect_report_and_examples", test_expect_report_and_examples },
	{ "expect_parse_errors", test_expect_parse_errors },
	{ "expect_regex_errors", test_expect_regex_errors },
	{ "expect_suggest_round_trip", test_expect_suggest_round_trip },
	{ NULL, NULL }
};
