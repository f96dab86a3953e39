/* Unit tests for the bias figures of `cairn monitor bias` (Fairlearn's
 * definitions, src/ml/fairness.h) on groups computed by hand: a group
 * without positives (no TPR) or without negatives (no FPR) left out of
 * that difference, differences over fewer than two groups undefined, a
 * ratio without selections undefined. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "ml/fairness.h"
#include "monitor/rows.h"
#include "tests/unit/suites.h"

#define CHECK_NEAR(v, want) \
	do { double v_ = (v), w_ = (want); \
	     if (!(fabs(v_ - w_) <= 1e-12)) unit_fail(__FILE__, __LINE__, "%s: %.17g vs %.17g", \
						      #v, v_, w_); } while (0)

static double num(const json_t *o, const char *group, const char *key)
{
	const json_t *g = group ? json_object_get(json_object_get(o, "groups"), group) : o;

	return json_real_value(json_object_get(g, key));
}

static int is_null(const json_t *o, const char *group, const char *key)
{
	const json_t *g = group ? json_object_get(json_object_get(o, "groups"), group) : o;
	const json_t *v = json_object_get(g, key);

	return v && json_is_null(v);
}

static void test_bias_groups(void)
{
	/* a: 2 positives (1 found), 3 negatives (1 selected); b: no
	 * positives; c: no negatives; one row without a group. */
	static const int yt[] = { 1, 1, 0, 0, 0,  0, 0, 0, 0,  1, 1,  1 };
	static const int yp[] = { 1, 0, 1, 0, 0,  1, 1, 0, 0,  1, 1,  0 };
	static const char *const g[] = { "a", "a", "a", "a", "a", "b", "b", "b", "b", "c", "c",
					 NULL };
	json_t *o = cairn__fairness_metrics(yt, yp, g, 12);
	static const char *const names[] = { "a", "b", "c" };
	const char *key;
	json_t *v;
	size_t i = 0;

	CHECK(o);
	json_object_foreach(json_object_get(o, "groups"), key, v)
		CHECK_STR(key, names[i++ % 3]);
	CHECK_INT(i, ==, 3);
	CHECK_INT(json_integer_value(json_object_get(json_object_get(json_object_get(o, "groups"),
								     "a"), "count")), ==, 5);
	CHECK_NEAR(num(o, "a", "selection_rate"), 0.4);
	CHECK_NEAR(num(o, "a", "tpr"), 0.5);
	CHECK_NEAR(num(o, "a", "fpr"), 1.0 / 3);
	CHECK_NEAR(num(o, "a", "accuracy"), 0.6);
	CHECK_NEAR(num(o, "b", "selection_rate"), 0.5);
	CHECK(is_null(o, "b", "tpr"));
	CHECK_NEAR(num(o, "b", "fpr"), 0.5);
	CHECK_NEAR(num(o, "b", "accuracy"), 0.5);
	CHECK_NEAR(num(o, "c", "selection_rate"), 1);
	CHECK_NEAR(num(o, "c", "tpr"), 1);
	CHECK(is_null(o, "c", "fpr"));
	CHECK_NEAR(num(o, "c", "accuracy"), 1);
	/* Selection 0.4 .. 1; TPR over a and c: 0.5 .. 1; FPR over a and b:
	 * 1/3 .. 1/2. */
	CHECK_NEAR(num(o, NULL, "demographic_parity_difference"), 0.6);
	CHECK_NEAR(num(o, NULL, "demographic_parity_ratio"), 0.4);
	CHECK_NEAR(num(o, NULL, "disparate_impact"), 0.4);
	CHECK_STR(json_string_value(json_object_get(o, "four_fifths")), "fail");
	CHECK_NEAR(num(o, NULL, "equalized_odds_difference"), 0.5);
	CHECK_INT(json_integer_value(json_object_get(o, "left_out")), ==, 1);
	json_decref(o);
}

static void test_bias_undefined(void)
{
	/* No positives anywhere: no TPR difference, so equalized odds is the
	 * FPR difference. */
	static const int yt[] = { 0, 0, 0, 0, 0, 0 };
	static const int yp[] = { 0, 1, 0, 0, 0, 1 };
	static const char *const g[] = { "x", "x", "y", "y", "y", "y" };
	/* Nothing selected: the ratio is undefined, and so the verdict. */
	static const int none[] = { 0, 0, 0, 0, 0, 0 };
	static const char *const one[] = { "x", "x", "x", "x", "x", "x" };
	json_t *o = cairn__fairness_metrics(yt, yp, g, 6);

	CHECK(is_null(o, "x", "tpr") && is_null(o, "y", "tpr"));
	CHECK_NEAR(num(o, NULL, "demographic_parity_difference"), 0.25);
	CHECK_NEAR(num(o, NULL, "demographic_parity_ratio"), 0.5);
	CHECK_NEAR(num(o, NULL, "equalized_odds_difference"), 0.25);
	json_decref(o);
	o = cairn__fairness_metrics(yt, none, g, 6);
	CHECK_NEAR(num(o, NULL, "demographic_parity_difference"), 0);
	CHECK(is_null(o, NULL, "demographic_parity_ratio"));
	CHECK(is_null(o, NULL, "four_fifths"));
	json_decref(o);
	/* One group: no difference at all. */
	o = cairn__fairness_metrics(yt, yp, one, 6);
	CHECK(is_null(o, NULL, "demographic_parity_difference"));
	CHECK(is_null(o, NULL, "equalized_odds_difference"));
	json_decref(o);
}

static void test_bias_four_fifths_edge(void)
{
	/* 4 of 5 against 1 of 1: exactly 0.8 passes. */
	static const int yt[] = { 1, 1, 1, 1, 1, 1 };
	static const int yp[] = { 1, 1, 1, 1, 0, 1 };
	static const char *const g[] = { "p", "p", "p", "p", "p", "q" };
	json_t *o = cairn__fairness_metrics(yt, yp, g, 6);

	CHECK_NEAR(num(o, NULL, "disparate_impact"), 0.8);
	CHECK_STR(json_string_value(json_object_get(o, "four_fifths")), "pass");
	json_decref(o);
}

static void test_monitor_value_text(void)
{
	json_t *v[] = { json_string("yes"), json_integer(1), json_real(0.5), json_null() };
	char *t;

	CHECK_STR((t = cairn__mon_value_text(v[0])), "yes");
	free(t);
	CHECK_STR((t = cairn__mon_value_text(v[1])), "1");
	free(t);
	CHECK_STR((t = cairn__mon_value_text(v[2])), "0.5");
	free(t);
	CHECK(!cairn__mon_value_text(v[3]));
	for (size_t i = 0; i < 4; i++)
		json_decref(v[i]);
}

const struct unit_test monitor_bias_tests[] = {
	{ "bias_groups", test_bias_groups },
	{ "bias_undefined", test_bias_undefined },
	{ "bias_four_fifths_edge", test_bias_four_fifths_edge },
	{ "monitor_value_text", test_monitor_value_text },
	{ NULL, NULL }
};
