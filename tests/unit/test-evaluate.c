/* Unit tests for the evaluation metrics (src/ml/metrics*.c), their sums
 * over sets of rows (ml/metrics-internal.h) and folds (src/ml/folds.c). Expected values are worked out by hand where the case
 * is small, else were computed once with scikit-learn 1.2.1 (the call is
 * given beside each) and written here; scikit-learn is not needed to run
 * the tests. */
#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include "cairn/error.h"
#include "core/json.h"
#include "ml/evaluate.h"
#include "ml/metrics-internal.h"
#include "tests/unit/suites.h"

#define CHECK_NEAR(a, b, tol) \
	do { double a_ = (a), b_ = (b); \
	     if (!(fabs(a_ - b_) <= (tol))) unit_fail(__FILE__, __LINE__, \
			"%s ~ %s: %.17g vs %.17g", #a, #b, a_, b_); } while (0)

/* The member at a path of keys (NULL-terminated), or NULL. */
static json_t *at(json_t *o, ...)
{
	va_list ap;
	const char *key;

	va_start(ap, o);
	while (o && (key = va_arg(ap, const char *)))
		o = json_object_get(o, key);
	va_end(ap);
	return o;
}

/* The number at a path; NaN when it is not a number (null, missing). */
#define NUM(o, ...) num(at((o), __VA_ARGS__, (const char *)NULL))
static double num(json_t *v)
{
	return json_is_number(v) ? json_number_value(v) : NAN;
}

/* A binary classification of p1 = the probability of class 1. */
static json_t *binary(const double *y, const double *p1, size_t n)
{
	cairn_ctx *ctx = cairn_ctx_new();
	double *p = malloc(sizeof(double) * 2 * n);
	struct cairn_eval_data d = { .task = CAIRN_TASK_CLASSIFICATION, .n = n, .y = y,
				     .pred = p, .nclasses = 2 };
	json_t *o = NULL;

	for (size_t i = 0; i < n; i++) {
		p[2 * i] = 1 - p1[i];
		p[2 * i + 1] = p1[i];
	}
	CHECK_OK(ctx, cairn_evaluate(ctx, &d, &o));
	free(p);
	cairn_ctx_free(ctx);
	return o;
}

static void test_eval_binary(void)
{
	/* Ties across the classes at 0.5 and 0.2: 7 of the 9 pairs are
	 * ordered right counting each tie one half, so AUC = 7/9;
	 * average_precision_score = 0.7555555555555555, log_loss =
	 * 0.5715994760306422. */
	double y[] = { 0, 1, 0, 1, 1, 0 }, p[] = { 0.5, 0.5, 0.2, 0.9, 0.2, 0.1 };
	double perfect[] = { 0.2, 0.7, 0.1, 0.9, 0.6, 0.3 }, half[] = { .5, .5, .5, .5, .5, .5 };
	double hard[] = { 0, 1, 0, 1, 1, 0 };
	json_t *o = binary(y, p, 6);

	CHECK_NEAR(NUM(o, "roc_auc"), 7.0 / 9, 1e-15);
	CHECK_NEAR(NUM(o, "per_class", "0", "roc_auc"), 7.0 / 9, 1e-15);
	CHECK_NEAR(NUM(o, "average_precision"), 0.7555555555555555, 1e-15);
	CHECK_NEAR(NUM(o, "log_loss"), 0.5715994760306422, 1e-15);
	/* Predicted (argmax, 0.5 ties to class 0): 0 0 0 1 0 0: 4 right. */
	CHECK_NEAR(NUM(o, "accuracy"), 4.0 / 6, 1e-15);
	CHECK_NEAR(NUM(o, "precision"), 1, 0);
	CHECK_NEAR(NUM(o, "recall"), 1.0 / 3, 1e-15);
	CHECK_NEAR(NUM(o, "f1"), 0.5, 1e-15);
	CHECK_INT(json_integer_value(json_array_get(json_array_get(at(o, "confusion_matrix", NULL),
								   1), 0)), ==, 2);
	CHECK_INT(json_integer_value(at(o, "rows", NULL)), ==, 6);
	CHECK_INT(json_array_size(at(o, "notes", NULL)), ==, 0);
	json_decref(o);

	/* Perfect ranking and classes. */
	o = binary(y, perfect, 6);
	CHECK_NEAR(NUM(o, "roc_auc"), 1, 0);
	CHECK_NEAR(NUM(o, "average_precision"), 1, 0);
	CHECK_NEAR(NUM(o, "accuracy"), 1, 0);
	CHECK_NEAR(NUM(o, "macro", "f1"), 1, 0);
	json_decref(o);

	/* A constant score ranks at random: AUC 1/2, log loss ln 2. */
	o = binary(y, half, 6);
	CHECK_NEAR(NUM(o, "roc_auc"), 0.5, 0);
	CHECK_NEAR(NUM(o, "average_precision"), 0.5, 0);
	CHECK_NEAR(NUM(o, "log_loss"), log(2), 1e-15);
	CHECK_NEAR(NUM(o, "balanced_accuracy"), 0.5, 0);
	json_decref(o);

	/* Probabilities of exactly 0 and 1 that are right: clipped to
	 * [eps, 1 - eps], log_loss = 2.2204460492503136e-16. */
	o = binary(y, hard, 6);
	CHECK_NEAR(NUM(o, "log_loss"), 2.2204460492503136e-16, 1e-20);
	json_decref(o);
}

static void test_eval_logloss_clipping(void)
{
	/* A probability of 0 for the true class counts -log(eps):
	 * log_loss([0,1,1,0], [[1,0],[0,1],[1,0],[.5,.5]]) = 9.184200142419275. */
	double y[] = { 0, 1, 1, 0 }, p[] = { 0, 1, 0, 0.5 };
	json_t *o = binary(y, p, 4);

	CHECK_NEAR(NUM(o, "log_loss"), 9.184200142419275, 1e-13);
	CHECK_NEAR(NUM(o, "log_loss"), (-log(DBL_EPSILON) + log(2)) / 4, 1e-13);
	json_decref(o);
}

/* Three classes, twelve rows, ties in the rows (0.4 = 0.4: class 0 is
 * predicted) and across rows. */
static const double mc_y[] = { 0, 1, 2, 2, 1, 0, 2, 1, 0, 2, 2, 1 };
static const double mc_p[] = {
	.7, .2, .1,  .2, .5, .3,  .1, .3, .6,  .3, .3, .4,
	.5, .4, .1,  .4, .4, .2,  .2, .2, .6,  .1, .8, .1,
	.3, .5, .2,  .25, .25, .5, .6, .2, .2,  .2, .3, .5,
};

static void test_eval_multiclass(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	const char *names[] = { "setosa", "versicolor", "virginica" };
	struct cairn_eval_data d = { .task = CAIRN_TASK_CLASSIFICATION, .n = 12, .y = mc_y,
				     .pred = mc_p, .nclasses = 3, .class_names = names };
	json_t *o = NULL, *cm;
	static const int want_cm[3][3] = { { 2, 1, 0 }, { 1, 2, 1 }, { 1, 0, 4 } };

	CHECK_OK(ctx, cairn_evaluate(ctx, &d, &o));
	/* accuracy_score = 0.6666666666666666, balanced_accuracy_score =
	 * 0.6555555555555556 */
	CHECK_NEAR(NUM(o, "accuracy"), 0.6666666666666666, 1e-15);
	CHECK_NEAR(NUM(o, "balanced_accuracy"), 0.6555555555555556, 1e-15);
	/* roc_auc_score(y, P, multi_class='ovr') = 0.8495039682539683, with
	 * average='weighted' 0.8526785714285715; per class (y == c, P[:, c]):
	 * 0.8333333333333334, 0.84375, 0.8714285714285714. */
	CHECK_NEAR(NUM(o, "roc_auc"), 0.8495039682539683, 1e-14);
	CHECK_NEAR(NUM(o, "roc_auc_weighted"), 0.8526785714285715, 1e-14);
	CHECK_NEAR(NUM(o, "per_class", "setosa", "roc_auc"), 0.8333333333333334, 1e-14);
	CHECK_NEAR(NUM(o, "per_class", "versicolor", "roc_auc"), 0.84375, 1e-14);
	CHECK_NEAR(NUM(o, "per_class", "virginica", "roc_auc"), 0.8714285714285714, 1e-14);
	/* average_precision_score per class: 0.6666666666666667,
	 * 0.6916666666666667, 0.8211111111111111; macro 0.7264814814814815. */
	CHECK_NEAR(NUM(o, "per_class", "setosa", "average_precision"), 0.6666666666666667, 1e-14);
	CHECK_NEAR(NUM(o, "per_class", "versicolor", "average_precision"), 0.6916666666666667,
		   1e-14);
	CHECK_NEAR(NUM(o, "per_class", "virginica", "average_precision"), 0.8211111111111111,
		   1e-14);
	CHECK_NEAR(NUM(o, "average_precision"), 0.7264814814814815, 1e-14);
	/* log_loss = 0.8128349850511043 */
	CHECK_NEAR(NUM(o, "log_loss"), 0.8128349850511043, 1e-14);
	/* precision_recall_fscore_support: precision .5 .6667 .8, recall
	 * .6667 .5 .8, f1 0.5714285714285715 0.5714285714285715 0.8, support
	 * 3 4 5; macro 0.6555555555555556 0.6555555555555556
	 * 0.6476190476190476; weighted 0.6805555555555555 0.6666666666666666
	 * 0.6666666666666666. */
	CHECK_NEAR(NUM(o, "per_class", "setosa", "precision"), 0.5, 1e-15);
	CHECK_NEAR(NUM(o, "per_class", "versicolor", "recall"), 0.5, 1e-15);
	CHECK_NEAR(NUM(o, "per_class", "setosa", "f1"), 0.5714285714285715, 1e-15);
	CHECK_NEAR(NUM(o, "per_class", "virginica", "f1"), 0.8, 1e-15);
	CHECK_NEAR(NUM(o, "per_class", "virginica", "support"), 5, 0);
	CHECK_NEAR(NUM(o, "macro", "precision"), 0.6555555555555556, 1e-15);
	CHECK_NEAR(NUM(o, "macro", "recall"), 0.6555555555555556, 1e-15);
	CHECK_NEAR(NUM(o, "macro", "f1"), 0.6476190476190476, 1e-15);
	CHECK_NEAR(NUM(o, "weighted", "precision"), 0.6805555555555555, 1e-15);
	CHECK_NEAR(NUM(o, "weighted", "recall"), 0.6666666666666666, 1e-15);
	CHECK_NEAR(NUM(o, "weighted", "f1"), 0.6666666666666666, 1e-15);
	CHECK(!at(o, "f1", NULL)); /* binary only */
	cm = at(o, "confusion_matrix", NULL);
	for (int t = 0; t < 3; t++)
		for (int p = 0; p < 3; p++)
			CHECK_INT(json_integer_value(json_array_get(json_array_get(cm, t), p)), ==,
				  want_cm[t][p]);
	CHECK_STR(json_string_value(json_array_get(at(o, "classes", NULL), 2)), "virginica");
	json_decref(o);
	cairn_ctx_free(ctx);
}

static void test_eval_imbalanced(void)
{
	/* Eight of class 0, two of class 1, class 1 never predicted:
	 * accuracy_score = 0.8, balanced_accuracy_score = 0.5,
	 * precision_score(average='macro', zero_division=0) = 0.4,
	 * f1_score(average='macro') = 0.4444444444444445, (average='weighted')
	 * 0.7111111111111111, roc_auc_score = 0.5, log_loss =
	 * 0.5448054311250701. */
	double y[] = { 0, 0, 0, 0, 0, 0, 0, 0, 1, 1 }, p[10];
	json_t *o;

	for (int i = 0; i < 10; i++)
		p[i] = 0.1;
	o = binary(y, p, 10);
	CHECK_NEAR(NUM(o, "accuracy"), 0.8, 1e-15);
	CHECK_NEAR(NUM(o, "balanced_accuracy"), 0.5, 1e-15);
	CHECK_NEAR(NUM(o, "per_class", "1", "precision"), 0, 0);
	CHECK_NEAR(NUM(o, "precision"), 0, 0);
	CHECK_NEAR(NUM(o, "f1"), 0, 0);
	CHECK_NEAR(NUM(o, "macro", "precision"), 0.4, 1e-15);
	CHECK_NEAR(NUM(o, "macro", "f1"), 0.4444444444444445, 1e-15);
	CHECK_NEAR(NUM(o, "weighted", "f1"), 0.7111111111111111, 1e-15);
	CHECK_NEAR(NUM(o, "roc_auc"), 0.5, 0);
	CHECK_NEAR(NUM(o, "log_loss"), 0.5448054311250701, 1e-15);
	json_decref(o);
}

static void test_eval_absent_class(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	/* Three classes, class 2 never the target. */
	double y[] = { 0, 1, 0, 1 }, p[] = { .6, .3, .1, .2, .5, .3, .3, .3, .4, .1, .8, .1 };
	double one[] = { 1, 1, 1 }, p1[] = { .2, .7, .9 };
	struct cairn_eval_data d = { .task = CAIRN_TASK_CLASSIFICATION, .n = 4, .y = y,
				     .pred = p, .nclasses = 3 };
	json_t *o = NULL;

	CHECK_OK(ctx, cairn_evaluate(ctx, &d, &o));
	CHECK(json_is_null(at(o, "per_class", "2", "roc_auc", NULL)));
	CHECK(json_is_null(at(o, "per_class", "2", "average_precision", NULL)));
	CHECK_NEAR(NUM(o, "per_class", "0", "roc_auc"), 1, 0);
	/* Class 1 scores .3 .5 .3 .8: positives .5 and .8 above both negatives. */
	CHECK_NEAR(NUM(o, "per_class", "1", "roc_auc"), 1, 0);
	CHECK_NEAR(NUM(o, "roc_auc"), 1, 0);
	CHECK_NEAR(NUM(o, "roc_auc_weighted"), 1, 0);
	/* Row 3 predicts class 2: macro precision over the classes present in
	 * the targets or predictions (0, 1, 2) = (1 + 1 + 0) / 3. */
	CHECK_NEAR(NUM(o, "macro", "precision"), 2.0 / 3, 1e-15);
	CHECK_INT(json_array_size(at(o, "notes", NULL)), ==, 1);
	CHECK(strstr(json_string_value(json_array_get(at(o, "notes", NULL), 0)),
		     "class '2' is absent"));
	json_decref(o);

	/* A binary problem whose targets are all of class 1: no AUC. */
	o = binary(one, p1, 3);
	CHECK(json_is_null(at(o, "roc_auc", NULL)));
	CHECK_NEAR(NUM(o, "average_precision"), 1, 0);
	CHECK_INT(json_array_size(at(o, "notes", NULL)), ==, 2);
	json_decref(o);
	cairn_ctx_free(ctx);
}

/* Mann-Whitney by counting every pair: the reference for ranked AUC. */
static double pairs_auc(const double *y, const double *s, size_t n)
{
	double wins = 0, pairs = 0;

	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < n; j++)
			if (y[i] == 1 && y[j] == 0) {
				wins += s[i] > s[j] ? 1 : s[i] == s[j] ? 0.5 : 0;
				pairs++;
			}
	return wins / pairs;
}

static void test_eval_auc_ties_many(void)
{
	enum { N = 600 };
	double y[N], s[N];
	unsigned x = 12345;
	json_t *o;

	/* Scores on ten levels, so that most pairs tie; a class that leans to
	 * the higher levels. */
	for (int i = 0; i < N; i++) {
		x = x * 1103515245u + 12345u;
		y[i] = (x >> 16) % 3 == 0;
		x = x * 1103515245u + 12345u;
		s[i] = (double)(((x >> 16) % 7) + (y[i] ? 3 : 0)) / 10;
	}
	o = binary(y, s, N);
	CHECK_NEAR(NUM(o, "roc_auc"), pairs_auc(y, s, N), 1e-13);
	json_decref(o);
}

static void test_eval_curves(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	double y[] = { 0, 0, 1, 1 }, p[] = { .9, .1, .6, .4, .65, .35, .2, .8 };
	struct cairn_eval_data d = { .task = CAIRN_TASK_CLASSIFICATION, .n = 4, .y = y,
				     .pred = p, .nclasses = 2 };
	struct cairn_curve roc, pr;
	double auc, ap, want_x[] = { 0, 0, .5, .5, 1 }, want_y[] = { 0, .5, .5, 1, 1 };
	enum { N = 5000 };
	double *by = malloc(sizeof(double) * N), *bp = malloc(sizeof(double) * 2 * N);

	/* Scores of class 1: .1 .4 .35 .8 (targets 0 0 1 1): roc_curve gives
	 * fpr 0 0 .5 .5 1, tpr 0 .5 .5 1 1; AUC .75; AP = .5 * 1 + .5 * 2/3. */
	CHECK_OK(ctx, cairn_evaluate_curves(ctx, &d, 1, 0, &roc, &pr, &auc, &ap));
	CHECK_INT(roc.n, ==, 5);
	for (size_t i = 0; i < 5 && i < roc.n; i++) {
		CHECK_NEAR(roc.x[i], want_x[i], 0);
		CHECK_NEAR(roc.y[i], want_y[i], 0);
	}
	CHECK_NEAR(auc, 0.75, 0);
	CHECK_NEAR(ap, 0.5 + 1.0 / 3, 1e-15);
	/* (0, 1), then two points per threshold. */
	CHECK_INT(pr.n, ==, 9);
	CHECK_NEAR(pr.x[0], 0, 0);
	CHECK_NEAR(pr.y[0], 1, 0);
	CHECK_NEAR(pr.x[pr.n - 1], 1, 0);
	CHECK_NEAR(pr.y[pr.n - 1], 0.5, 0);
	cairn_curve_release(&roc);
	cairn_curve_release(&pr);

	/* Thousands of distinct scores: at most max_points, ends kept. */
	for (int i = 0; i < N; i++) {
		by[i] = i % 2;
		bp[2 * i + 1] = (double)((i * 7919) % N) / N;
		bp[2 * i] = 1 - bp[2 * i + 1];
	}
	d.n = N;
	d.y = by;
	d.pred = bp;
	CHECK_OK(ctx, cairn_evaluate_curves(ctx, &d, 1, 1000, &roc, &pr, NULL, NULL));
	CHECK_INT(roc.n, ==, 1000);
	CHECK_INT(pr.n, <=, 1000);
	CHECK_NEAR(roc.x[0], 0, 0);
	CHECK_NEAR(roc.x[roc.n - 1], 1, 0);
	CHECK_NEAR(roc.y[roc.n - 1], 1, 0);
	CHECK_NEAR(pr.x[pr.n - 1], 1, 0);
	cairn_curve_release(&roc);
	cairn_curve_release(&pr);
	CHECK_ERR(ctx, cairn_evaluate_curves(ctx, &d, 2, 0, &roc, NULL, NULL, NULL), CAIRN_EINVAL,
		  "class 2 of 2");
	free(by);
	free(bp);
	cairn_ctx_free(ctx);
}

/* Every number of want (a tree of objects and arrays) is in got at the same
 * place, within tol relative; got may hold more. Returns the numbers seen. */
static size_t check_same_numbers(json_t *want, json_t *got, double tol, const char *path)
{
	size_t n = 0, i;
	const char *key;
	json_t *v;

	if (json_is_number(want)) {
		double a = json_number_value(want), b = json_number_value(got);
		if (!json_is_number(got) || !(fabs(a - b) <= tol * fmax(1, fabs(a))))
			unit_fail(__FILE__, __LINE__, "%s: %.17g vs %.17g", path, a,
				  json_is_number(got) ? b : NAN);
		return 1;
	}
	json_object_foreach(want, key, v) {
		cairn_buf p = CAIRN_BUF_INIT;
		cairn_buf_addf(&p, "%s.%s", path, key);
		n += check_same_numbers(v, json_object_get(got, key), tol, p.buf);
		cairn_buf_release(&p);
	}
	json_array_foreach(want, i, v) {
		cairn_buf p = CAIRN_BUF_INIT;
		cairn_buf_addf(&p, "%s[%zu]", path, i);
		n += check_same_numbers(v, json_array_get(got, i), tol, p.buf);
		cairn_buf_release(&p);
	}
	return n;
}

/* d's rows [from, to) as their own evaluation data. */
static struct cairn_eval_data part(const struct cairn_eval_data *d, size_t from, size_t to)
{
	struct cairn_eval_data p = *d;
	size_t width = d->task == CAIRN_TASK_CLASSIFICATION ? (size_t)d->nclasses : 1;

	p.n = to - from;
	p.y = d->y + from;
	p.pred = d->pred + from * width;
	return p;
}

static void test_eval_sums_classification(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	const char *names[] = { "setosa", "versicolor", "virginica" };
	struct cairn_eval_data d = { .task = CAIRN_TASK_CLASSIFICATION, .n = 12, .y = mc_y,
				     .pred = mc_p, .nclasses = 3, .class_names = names };
	struct cairn_eval_data a = part(&d, 0, 5), b = part(&d, 5, 12), none = part(&d, 5, 5);
	struct cairn__class_sums all, sa, sb, s0;
	json_t *want = NULL, *got;

	CHECK_OK(ctx, cairn_evaluate(ctx, &d, &want));
	cairn__class_sums_init(&all, 3, CAIRN__SCORE_BINS);
	cairn__class_sums_init(&sa, 3, CAIRN__SCORE_BINS);
	cairn__class_sums_init(&sb, 3, CAIRN__SCORE_BINS);
	cairn__class_sums_init(&s0, 3, CAIRN__SCORE_BINS);
	CHECK_INT(all.len, ==, 2 + 9 + 3 * CAIRN__SCORE_BINS * 2);
	cairn__class_sums_add(&sa, &a);
	cairn__class_sums_add(&sb, &b);
	cairn__class_sums_add(&s0, &none);
	cairn__class_sums_merge(&all, &sb);
	cairn__class_sums_merge(&all, &s0);
	cairn__class_sums_merge(&all, &sa);
	CHECK_NEAR(*all.rows, 12, 0);
	/* Every score of mc_p falls in a bin of its own (they differ by more
	 * than 1/64 in logit): even the ranking metrics are exact. */
	got = cairn__class_sums_metrics(&all, names);
	CHECK_INT(check_same_numbers(want, got, 1e-15, "metrics"), >=, 40);
	CHECK(json_is_true(at(got, "roc_auc_approx", NULL)));
	CHECK(!at(want, "roc_auc_approx", NULL));
	CHECK_INT(json_array_size(at(got, "notes", NULL)), ==,
		  json_array_size(at(want, "notes", NULL)) + 1);
	CHECK_STR(json_string_value(json_array_get(at(got, "classes", NULL), 1)), "versicolor");
	json_decref(got);
	json_decref(want);

	/* Without a histogram, no ranking metric. */
	cairn__class_sums_release(&sa);
	cairn__class_sums_init(&sa, 3, 0);
	cairn__class_sums_add(&sa, &d);
	got = cairn__class_sums_metrics(&sa, NULL);
	CHECK(json_is_null(at(got, "roc_auc", NULL)));
	CHECK(json_is_null(at(got, "per_class", "0", "average_precision", NULL)));
	CHECK_NEAR(NUM(got, "accuracy"), 0.6666666666666666, 1e-15);
	json_decref(got);
	cairn__class_sums_release(&all);
	cairn__class_sums_release(&sa);
	cairn__class_sums_release(&sb);
	cairn__class_sums_release(&s0);
	cairn_ctx_free(ctx);
}

static void test_eval_sums_histogram_ties(void)
{
	/* 0.5 and 0.5001 share a bin: the histogram ties them (AUC 1/2)
	 * where the rows rank them (AUC 1). */
	double y[] = { 0, 1 }, p[] = { 0.5, 0.5, 0.4999, 0.5001 };
	struct cairn_eval_data d = { .task = CAIRN_TASK_CLASSIFICATION, .n = 2, .y = y, .pred = p,
				     .nclasses = 2 };
	struct cairn__class_sums s;
	json_t *exact = binary(y, (double[]){ 0.5, 0.5001 }, 2), *o;

	cairn__class_sums_init(&s, 2, CAIRN__SCORE_BINS);
	cairn__class_sums_add(&s, &d);
	o = cairn__class_sums_metrics(&s, NULL);
	CHECK_NEAR(NUM(exact, "roc_auc"), 1, 0);
	CHECK_NEAR(NUM(o, "roc_auc"), 0.5, 0);
	CHECK_NEAR(NUM(o, "accuracy"), NUM(exact, "accuracy"), 0);
	CHECK_NEAR(NUM(o, "log_loss"), NUM(exact, "log_loss"), 1e-15);
	json_decref(o);
	json_decref(exact);
	cairn__class_sums_release(&s);
}

/* The metrics of d's regression sums taken in parts (one empty, one of a
 * single row) and merged. */
static json_t *merged_reg_metrics(const struct cairn_eval_data *d)
{
	static const size_t cut[] = { 0, 1, 1, 300, 999, 1000 };
	struct cairn__reg_sums all = { 0 }, one;

	for (size_t k = 0; k + 1 < sizeof(cut) / sizeof(cut[0]); k++) {
		struct cairn_eval_data sub = part(d, cut[k], cut[k + 1]);
		cairn__reg_sums_of(&sub, &one);
		cairn__reg_sums_merge(&all, &one);
	}
	return cairn__reg_sums_metrics(&all);
}

static void test_eval_sums_regression(void)
{
	/* A target far from 0 with a small spread, where sums of squares
	 * would cancel: the merged sums keep every metric to 1e-12. */
	enum { N = 1000 };
	double *y = malloc(N * sizeof(double)), *p = malloc(N * sizeof(double));
	struct cairn_eval_data d = { .task = CAIRN_TASK_REGRESSION, .n = N };
	json_t *want = NULL, *got;
	cairn_ctx *ctx = cairn_ctx_new();

	for (size_t i = 0; i < N; i++) {
		y[i] = 1e6 + sin((double)i);
		p[i] = y[i] + 0.1 * cos(3.0 * (double)i) + (i % 10 == 0 ? 0.5 : 0);
	}
	d.y = y;
	d.pred = p;
	CHECK_OK(ctx, cairn_evaluate(ctx, &d, &want));
	got = merged_reg_metrics(&d);
	CHECK_INT(check_same_numbers(want, got, 1e-12, "metrics"), ==, 8);
	CHECK(NUM(got, "r2") > 0.9 && NUM(got, "r2") < 1);
	json_decref(want);
	json_decref(got);

	/* Rows whose target is 0 are counted out of mape on every side. */
	y[3] = 0;
	y[500] = 0;
	CHECK_OK(ctx, cairn_evaluate(ctx, &d, &want));
	got = merged_reg_metrics(&d);
	CHECK_INT(check_same_numbers(want, got, 1e-12, "metrics"), ==, 8);
	CHECK_INT(json_integer_value(at(got, "mape_skipped_rows", NULL)), ==, 2);
	CHECK_STR(json_string_value(json_array_get(at(got, "notes", NULL), 0)),
		  json_string_value(json_array_get(at(want, "notes", NULL), 0)));
	json_decref(want);
	json_decref(got);
	free(y);
	free(p);
	cairn_ctx_free(ctx);
}

static void test_eval_class_errors(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	double y[] = { 0, 1, 2 }, p[] = { .5, .5, .5, .5, .5, .5 };
	const char *dup[] = { "a", "a" }, *bad[] = { "a", "\xff" };
	struct cairn_eval_data d = { .task = CAIRN_TASK_CLASSIFICATION, .n = 3, .y = y,
				     .pred = p, .nclasses = 2 };
	json_t *o = NULL;

	CHECK_ERR(ctx, cairn_evaluate(ctx, &d, &o), CAIRN_EINVAL, "row 3: class index 2");
	CHECK(!o);
	d.n = 2;
	p[1] = NAN;
	CHECK_ERR(ctx, cairn_evaluate(ctx, &d, &o), CAIRN_EINVAL, "row 1: the probability of class 1");
	p[1] = .5;
	d.class_names = dup;
	CHECK_ERR(ctx, cairn_evaluate(ctx, &d, &o), CAIRN_EINVAL, "two classes are named 'a'");
	d.class_names = bad;
	CHECK_ERR(ctx, cairn_evaluate(ctx, &d, &o), CAIRN_EINVAL, "not valid UTF-8");
	d.class_names = NULL;
	d.nclasses = 1;
	CHECK_ERR(ctx, cairn_evaluate(ctx, &d, &o), CAIRN_EINVAL, "at least 2");
	d.nclasses = 2;
	d.n = 0;
	CHECK_ERR(ctx, cairn_evaluate(ctx, &d, &o), CAIRN_EINVAL, "no rows");
	cairn_ctx_free(ctx);
}

static json_t *regression(const double *y, const double *p, size_t n)
{
	cairn_ctx *ctx = cairn_ctx_new();
	struct cairn_eval_data d = { .task = CAIRN_TASK_REGRESSION, .n = n, .y = y, .pred = p };
	json_t *o = NULL;

	CHECK_OK(ctx, cairn_evaluate(ctx, &d, &o));
	cairn_ctx_free(ctx);
	return o;
}

static void test_eval_regression(void)
{
	/* scikit-learn's documentation example: sqrt(mean_squared_error) =
	 * 0.6123724356957945, mean_absolute_error = 0.5, r2_score =
	 * 0.9486081370449679, explained_variance_score = 0.9571734475374732,
	 * max_error = 1.0, mean_absolute_percentage_error = 0.3273809523809524. */
	double y[] = { 3, -0.5, 2, 7 }, p[] = { 2.5, 0, 2, 8 };
	double y4[] = { 1, 2, 3, 4 }, mean[] = { 2.5, 2.5, 2.5, 2.5 }, flat[] = { 5, 5, 5 };
	double yz[] = { 0, 2, 4 }, pz[] = { 1, 1, 5 }, zeros[] = { 0, 0, 0 };
	json_t *o = regression(y, p, 4);

	CHECK_NEAR(NUM(o, "rmse"), 0.6123724356957945, 1e-15);
	CHECK_NEAR(NUM(o, "mae"), 0.5, 0);
	CHECK_NEAR(NUM(o, "r2"), 0.9486081370449679, 1e-15);
	CHECK_NEAR(NUM(o, "explained_variance"), 0.9571734475374732, 1e-15);
	CHECK_NEAR(NUM(o, "max_error"), 1, 0);
	CHECK_NEAR(NUM(o, "mape"), 0.3273809523809524, 1e-15);
	CHECK_INT(json_integer_value(at(o, "mape_skipped_rows", NULL)), ==, 0);
	json_decref(o);

	/* The mean as a constant prediction: R² 0; a perfect one: 1. */
	o = regression(y4, mean, 4);
	CHECK_NEAR(NUM(o, "r2"), 0, 0);
	json_decref(o);
	o = regression(y4, y4, 4);
	CHECK_NEAR(NUM(o, "r2"), 1, 0);
	CHECK_NEAR(NUM(o, "rmse"), 0, 0);
	CHECK_NEAR(NUM(o, "explained_variance"), 1, 0);
	json_decref(o);
	/* A constant target: 1 when fitted exactly, else 0 (force_finite). */
	o = regression(flat, flat, 3);
	CHECK_NEAR(NUM(o, "r2"), 1, 0);
	json_decref(o);
	o = regression(flat, y4, 3);
	CHECK_NEAR(NUM(o, "r2"), 0, 0);
	CHECK_NEAR(NUM(o, "explained_variance"), 0, 0);
	json_decref(o);

	/* MAPE leaves out the row whose target is 0: (1/2 + 1/4) / 2. */
	o = regression(yz, pz, 3);
	CHECK_NEAR(NUM(o, "mape"), 0.375, 0);
	CHECK_INT(json_integer_value(at(o, "mape_skipped_rows", NULL)), ==, 1);
	CHECK(strstr(json_string_value(json_array_get(at(o, "notes", NULL), 0)), "1 of 3 rows"));
	json_decref(o);
	o = regression(zeros, pz, 3);
	CHECK(json_is_null(at(o, "mape", NULL)));
	CHECK_INT(json_integer_value(at(o, "mape_skipped_rows", NULL)), ==, 3);
	json_decref(o);
}

static void test_eval_regression_errors(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	double y[] = { 1, NAN }, p[] = { 1, 2 };
	struct cairn_eval_data d = { .task = CAIRN_TASK_REGRESSION, .n = 2, .y = y, .pred = p };
	json_t *o = NULL;

	CHECK_ERR(ctx, cairn_evaluate(ctx, &d, &o), CAIRN_EINVAL, "row 2: the target");
	y[1] = 2;
	p[0] = INFINITY;
	CHECK_ERR(ctx, cairn_evaluate(ctx, &d, &o), CAIRN_EINVAL, "row 1: the prediction");
	cairn_ctx_free(ctx);
}

static json_t *clustering(const float *v, size_t n, size_t cols, const double *labels,
			  const double *centroids, size_t k, size_t sample, uint64_t seed)
{
	cairn_ctx *ctx = cairn_ctx_new();
	struct cairn_matrix x = { n, cols, (float *)v };
	struct cairn_eval_data d = { .task = CAIRN_TASK_CLUSTERING, .n = n, .pred = labels,
				     .x = &x, .centroids = centroids, .ncentroids = k,
				     .silhouette_rows = sample, .seed = seed };
	json_t *o = NULL;

	CHECK_OK(ctx, cairn_evaluate(ctx, &d, &o));
	cairn_ctx_free(ctx);
	return o;
}

static void test_eval_clustering(void)
{
	/* Two unit squares far apart, one with a fifth point:
	 * silhouette_score = 0.9063140754016111. */
	float sq[] = { 0, 0, 0, 1, 1, 0, 1, 1, 10, 10, 10, 11, 11, 10, 11, 11, 12, 12 };
	double lab[] = { 0, 0, 0, 0, 1, 1, 1, 1, 1 };
	double cen[] = { 0.5, 0.5, 10.5, 10.5 };
	/* Three clusters, one of a single point (silhouette 0):
	 * silhouette_score = 0.6986958783188383. */
	float three[] = { 0, 0, 0, 1, 5, 5, 5, 6, 6, 5, 9, 0 };
	double lab3[] = { 0, 0, 4, 4, 4, 7 };
	float many[80];
	double labm[40];
	json_t *o, *o2;

	o = clustering(sq, 9, 2, lab, NULL, 0, 0, 0);
	CHECK_NEAR(NUM(o, "silhouette"), 0.9063140754016111, 1e-12);
	CHECK_INT(json_integer_value(at(o, "clusters", NULL)), ==, 2);
	CHECK(json_is_false(at(o, "silhouette_approx", NULL)));
	/* The means are (.5, .5) and (10.8, 10.8): .5 for each point of the
	 * first square, and the squared distances to (10.8, 10.8). */
	{
		double want = 4 * 0.5, mx = 10.8;
		for (int i = 4; i < 9; i++)
			want += (sq[2 * i] - mx) * (sq[2 * i] - mx) +
				(sq[2 * i + 1] - mx) * (sq[2 * i + 1] - mx);
		CHECK_NEAR(NUM(o, "inertia"), want, 1e-12);
	}
	json_decref(o);
	/* Given centroids: the squared distances to them. Row 9 is (12, 12)
	 * against (10.5, 10.5): 4.5; the others .5 each. */
	o = clustering(sq, 9, 2, lab, cen, 2, 0, 0);
	CHECK_NEAR(NUM(o, "inertia"), 8 * 0.5 + 4.5, 1e-12);
	json_decref(o);

	o = clustering(three, 6, 2, lab3, NULL, 0, 0, 0);
	CHECK_NEAR(NUM(o, "silhouette"), 0.6986958783188383, 1e-12);
	CHECK_INT(json_integer_value(at(o, "clusters", NULL)), ==, 3);
	json_decref(o);

	/* One cluster: no silhouette. */
	o = clustering(sq, 4, 2, lab, NULL, 0, 0, 0);
	CHECK(json_is_null(at(o, "silhouette", NULL)));
	CHECK_INT(json_array_size(at(o, "notes", NULL)), ==, 1);
	json_decref(o);

	/* Above the sample size: a sample, the same for the same seed; with a
	 * sample as large as the data, the exact value. */
	for (int i = 0; i < 40; i++) {
		labm[i] = i % 3;
		many[2 * i] = (float)(labm[i] * 4 + (i * 37 % 11) / 10.0);
		many[2 * i + 1] = (float)((i * 53 % 13) / 10.0);
	}
	o = clustering(many, 40, 2, labm, NULL, 0, 12, 7);
	o2 = clustering(many, 40, 2, labm, NULL, 0, 12, 7);
	CHECK(json_is_true(at(o, "silhouette_approx", NULL)));
	CHECK_INT(json_integer_value(at(o, "silhouette_sample", NULL)), ==, 12);
	CHECK(json_equal(o, o2));
	CHECK(NUM(o, "silhouette") > 0.5 && NUM(o, "silhouette") <= 1);
	json_decref(o2);
	o2 = clustering(many, 40, 2, labm, NULL, 0, 40, 7);
	CHECK(json_is_false(at(o2, "silhouette_approx", NULL)));
	CHECK(fabs(NUM(o, "silhouette") - NUM(o2, "silhouette")) < 0.2);
	json_decref(o);
	json_decref(o2);
}

static void test_eval_clustering_errors(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	float v[] = { 0, 1, NAN, 3 };
	double lab[] = { 0, 1.5 }, cen[] = { 0, 0 };
	struct cairn_matrix x = { 2, 2, v };
	struct cairn_eval_data d = { .task = CAIRN_TASK_CLUSTERING, .n = 2, .pred = lab, .x = &x };
	json_t *o = NULL;

	CHECK_ERR(ctx, cairn_evaluate(ctx, &d, &o), CAIRN_EINVAL, "row 2: cluster index 1.5");
	lab[1] = 1;
	CHECK_ERR(ctx, cairn_evaluate(ctx, &d, &o), CAIRN_EINVAL, "row 2: feature 1");
	v[2] = 2;
	d.centroids = cen;
	d.ncentroids = 1;
	CHECK_ERR(ctx, cairn_evaluate(ctx, &d, &o), CAIRN_EINVAL, "cluster 1 has no centroid");
	x.rows = 3;
	CHECK_ERR(ctx, cairn_evaluate(ctx, &d, &o), CAIRN_EINVAL, "3 rows of features");
	cairn_ctx_free(ctx);
}

static void test_eval_slices(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	const char *key[] = { "b", "a", "b", "a", NULL, "a", "b", "a", "b", "a", "a", "b" };
	struct cairn_eval_data d = { .task = CAIRN_TASK_CLASSIFICATION, .n = 12, .y = mc_y,
				     .pred = mc_p, .nclasses = 3 };
	double y[] = { 1, 2, 3, 4 }, p[] = { 1, 2, 3, 5 };
	const char *rkey[] = { "x", "y", "x", "y" };
	json_t *o = NULL, *whole = NULL;

	CHECK_OK(ctx, cairn_evaluate_slices(ctx, &d, key, &o));
	CHECK_INT(json_object_size(o), ==, 2);
	/* Slice a: rows 2 4 6 8 10 11 (targets 1 2 0 1 2 2, predicted 1 2 0 1
	 * 2 0): 5 of 6. Slice b: rows 1 3 7 9 12: 0 2 2 0 1 predicted 0 2 2 1
	 * 2: 3 of 5. Row 5 has no key. */
	CHECK_INT(json_integer_value(at(o, "a", "rows", NULL)), ==, 6);
	CHECK_INT(json_integer_value(at(o, "b", "rows", NULL)), ==, 5);
	CHECK_NEAR(NUM(o, "a", "accuracy"), 5.0 / 6, 1e-15);
	CHECK_NEAR(NUM(o, "b", "accuracy"), 3.0 / 5, 1e-15);
	CHECK(at(o, "a", "per_class", "2", "f1", NULL));
	json_decref(o);

	/* Every row in one slice: the metrics of the whole. */
	for (int i = 0; i < 12; i++)
		key[i] = "all";
	CHECK_OK(ctx, cairn_evaluate_slices(ctx, &d, key, &o));
	CHECK_OK(ctx, cairn_evaluate(ctx, &d, &whole));
	CHECK(json_equal(at(o, "all", NULL), whole));
	json_decref(o);
	json_decref(whole);

	d = (struct cairn_eval_data){ .task = CAIRN_TASK_REGRESSION, .n = 4, .y = y, .pred = p };
	CHECK_OK(ctx, cairn_evaluate_slices(ctx, &d, rkey, &o));
	CHECK_NEAR(NUM(o, "x", "rmse"), 0, 0);
	CHECK_NEAR(NUM(o, "y", "rmse"), sqrt(0.5), 1e-15);
	json_decref(o);
	rkey[3] = "\xc3";
	CHECK_ERR(ctx, cairn_evaluate_slices(ctx, &d, rkey, &o), CAIRN_EINVAL, "row 4");
	cairn_ctx_free(ctx);
}

static void test_eval_slices_clustering(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	float v[] = { 0, 0, 1, 0, 10, 0, 11, 0, 0, 1, 10, 1 };
	double lab[] = { 0, 0, 1, 1, 0, 1 };
	const char *key[] = { "p", "p", "p", "p", "q", "q" };
	struct cairn_matrix x = { 6, 2, v };
	struct cairn_eval_data d = { .task = CAIRN_TASK_CLUSTERING, .n = 6, .pred = lab, .x = &x };
	json_t *o = NULL;

	CHECK_OK(ctx, cairn_evaluate_slices(ctx, &d, key, &o));
	/* Slice p: two pairs 1 apart, 10 apart: means .5 and 10.5, inertia
	 * 4 x .25. Slice q: two single points. */
	CHECK_NEAR(NUM(o, "p", "inertia"), 1, 1e-12);
	CHECK_INT(json_integer_value(at(o, "q", "clusters", NULL)), ==, 2);
	CHECK(json_is_null(at(o, "q", "silhouette", NULL)));
	json_decref(o);
	cairn_ctx_free(ctx);
}

static void test_eval_cv_summary(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	json_t *f[3], *o = NULL;
	cairn_buf b = CAIRN_BUF_INIT;

	static const char *const text[3] = {
		"{\"acc\": 0.5, \"n\": 10, \"auc\": null, \"m\": {\"f1\": 1, \"x\": \"s\"},"
		" \"cm\": [[1]], \"only\": 1, \"e\": {\"s\": \"t\"}}",
		"{\"acc\": 0.75, \"n\": 10, \"auc\": 0.5, \"m\": {\"f1\": 2}, \"cm\": [[2]],"
		" \"e\": {}}",
		"{\"acc\": 1, \"n\": 11, \"auc\": 0.5, \"m\": {\"f1\": 3}, \"cm\": [[3]],"
		" \"e\": {}}",
	};

	for (int i = 0; i < 3; i++)
		CHECK_OK(ctx, cairn_json_load_text(ctx, "fold", text[i], strlen(text[i]), &f[i]));
	CHECK_OK(ctx, cairn_evaluate_cv_summary(ctx, f, 3, &o));
	/* np.mean([.5, .75, 1]) = .75, np.std (ddof=0) = sqrt(1/24). */
	CHECK_NEAR(NUM(o, "acc", "mean"), 0.75, 1e-15);
	CHECK_NEAR(NUM(o, "acc", "std"), sqrt(1.0 / 24), 1e-15);
	CHECK_NEAR(NUM(o, "m", "f1", "std"), sqrt(2.0 / 3), 1e-15);
	CHECK_NEAR(NUM(o, "n", "mean"), 31.0 / 3, 1e-14);
	cairn_json_append(&b, at(o, "m", NULL), 0);
	CHECK_STR(b.buf, "{\"f1\":{\"folds\":[1,2,3],\"mean\":2.0,\"std\":0.816496580927726}}");
	/* Not in every fold as a number, not a number, or an array. */
	CHECK(!at(o, "auc", NULL));
	CHECK(!at(o, "only", NULL));
	CHECK(!at(o, "cm", NULL));
	CHECK(!at(o, "e", NULL));
	CHECK_INT(json_object_size(o), ==, 3);
	json_decref(o);
	CHECK_ERR(ctx, cairn_evaluate_cv_summary(ctx, f, 0, &o), CAIRN_EINVAL, "no folds");
	json_decref(f[1]);
	f[1] = json_array();
	CHECK_ERR(ctx, cairn_evaluate_cv_summary(ctx, f, 3, &o), CAIRN_EINVAL, "fold 2");
	for (int i = 0; i < 3; i++)
		json_decref(f[i]);
	cairn_buf_release(&b);
	cairn_ctx_free(ctx);
}

static void test_folds_stratified(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	enum { N = 103, K = 5 };
	double y[N];
	int fold[N], again[N], other[N], count[K][3] = { { 0 } }, size[K] = { 0 };
	size_t total[3] = { 0 };
	int same = 1;
	json_t *a;

	/* Classes of 46, 34 and 23 rows, interleaved. */
	for (int i = 0; i < N; i++) {
		y[i] = i < 60 ? (i % 5 < 3 ? 0 : 1) : i < 83 ? 2 : (i % 2 ? 0 : 1);
		total[(int)y[i]]++;
	}
	CHECK_OK(ctx, cairn_folds_assign(ctx, N, K, y, 3, 42, fold));
	for (int i = 0; i < N; i++) {
		CHECK(fold[i] >= 0 && fold[i] < K);
		count[fold[i]][(int)y[i]]++;
		size[fold[i]]++;
	}
	for (int p = 0; p < K; p++) {
		/* Fold sizes 21 21 21 20 20; each class within one of its fifth. */
		CHECK_INT(size[p], ==, p < N % K ? N / K + 1 : N / K);
		for (int c = 0; c < 3; c++)
			CHECK(fabs(count[p][c] - (double)total[c] / K) < 1);
	}
	CHECK_OK(ctx, cairn_folds_assign(ctx, N, K, y, 3, 42, again));
	CHECK(!memcmp(fold, again, sizeof(fold)));
	CHECK_OK(ctx, cairn_folds_assign(ctx, N, K, y, 3, 43, other));
	for (int i = 0; i < N; i++)
		same &= fold[i] == other[i];
	CHECK(!same);

	a = cairn_folds_json(fold, N);
	CHECK_INT(json_array_size(a), ==, N);
	CHECK_INT(json_integer_value(json_array_get(a, 17)), ==, fold[17]);
	json_decref(a);
	cairn_ctx_free(ctx);
}

static void test_folds_plain(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	enum { N = 17, K = 4 };
	int fold[N], size[K] = { 0 }, moved = 0;
	double y[] = { 0, 3 };

	CHECK_OK(ctx, cairn_folds_assign(ctx, N, K, NULL, 0, 1, fold));
	for (int i = 0; i < N; i++) {
		size[fold[i]]++;
		moved += fold[i] != i * K / N;
	}
	/* KFold's sizes: the first n % k folds one row more; shuffled. */
	CHECK_INT(size[0], ==, 5);
	CHECK_INT(size[1], ==, 4);
	CHECK_INT(size[3], ==, 4);
	CHECK(moved > 0);

	CHECK_ERR(ctx, cairn_folds_assign(ctx, 3, 4, NULL, 0, 1, fold), CAIRN_EINVAL,
		  "4 folds of 3 rows");
	CHECK_ERR(ctx, cairn_folds_assign(ctx, 3, 1, NULL, 0, 1, fold), CAIRN_EINVAL, NULL);
	CHECK_ERR(ctx, cairn_folds_assign(ctx, 2, 2, y, 2, 1, fold), CAIRN_EINVAL,
		  "row 2: class index 3");
	cairn_ctx_free(ctx);
}

const struct unit_test evaluate_tests[] = {
	{ "eval_binary", test_eval_binary },
	{ "eval_logloss_clipping", test_eval_logloss_clipping },
	{ "eval_multiclass", test_eval_multiclass },
	{ "eval_imbalanced", test_eval_imbalanced },
	{ "eval_absent_class", test_eval_absent_class },
	{ "eval_auc_ties_many", test_eval_auc_ties_many },
	{ "eval_curves", test_eval_curves },
	{ "eval_sums_classification", test_eval_sums_classification },
	{ "eval_sums_histogram_ties", test_eval_sums_histogram_ties },
	{ "eval_sums_regression", test_eval_sums_regression },
	{ "eval_class_errors", test_eval_class_errors },
	{ "eval_regression", test_eval_regression },
	{ "eval_regression_errors", test_eval_regression_errors },
	{ "eval_clustering", test_eval_clustering },
	{ "eval_clustering_errors", test_eval_clustering_errors },
	{ "eval_slices", test_eval_slices },
	{ "eval_slices_clustering", test_eval_slices_clustering },
	{ "eval_cv_summary", test_eval_cv_summary },
	{ "folds_stratified", test_folds_stratified },
	{ "folds_plain", test_folds_plain },
	{ NULL, NULL }
};
