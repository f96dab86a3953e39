/*
 * The fairness figures of binary predictions per group and between groups
 * (Fairlearn's definitions); see fairness.h.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "cairn/buf.h"
#include "core/oom.h"
#include "ml/fairness.h"

struct group {
	const char *name;
	size_t rows, selected, pos, tp, neg, fp, correct;
};

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct group *)a)->name, ((const struct group *)b)->name);
}

static json_t *real_or_null(double v)
{
	json_t *j = isfinite(v) ? json_real(v) : json_null();

	if (!j)
		cairn__oom(0);
	return j;
}

/* The smallest and largest of the defined values; how many there are. */
static size_t range(const double *v, size_t n, double *lo, double *hi)
{
	size_t defined = 0;

	*lo = INFINITY;
	*hi = -INFINITY;
	for (size_t i = 0; i < n; i++)
		if (isfinite(v[i])) {
			*lo = v[i] < *lo ? v[i] : *lo;
			*hi = v[i] > *hi ? v[i] : *hi;
			defined++;
		}
	return defined;
}

static double spread(const double *v, size_t n)
{
	double lo, hi;

	return range(v, n, &lo, &hi) >= 2 ? hi - lo : NAN;
}

json_t *cairn__fairness_metrics(const int *y_true, const int *y_pred, const char *const *group,
			    size_t n)
{
	struct group *g = cairn_xcalloc(n ? n : 1, sizeof(*g));
	size_t ng = 0, left_out = 0;
	double *sel, *tpr, *fpr, dpd, ratio = NAN, eod, t, f, lo, hi;
	json_t *groups = json_object(), *out;

	if (!groups)
		cairn__oom(0);
	/* Groups found by a linear scan: sensitive columns have few values. */
	for (size_t i = 0; i < n; i++) {
		size_t k;
		if (!group[i]) {
			left_out++;
			continue;
		}
		for (k = 0; k < ng && strcmp(g[k].name, group[i]); k++)
			;
		if (k == ng)
			g[ng++].name = group[i];
		g[k].rows++;
		g[k].selected += y_pred[i] == 1;
		g[k].correct += (y_pred[i] == 1) == (y_true[i] == 1);
		if (y_true[i] == 1) {
			g[k].pos++;
			g[k].tp += y_pred[i] == 1;
		} else {
			g[k].neg++;
			g[k].fp += y_pred[i] == 1;
		}
	}
	qsort(g, ng, sizeof(*g), by_name);
	sel = cairn_xcalloc(ng ? ng : 1, sizeof(double));
	tpr = cairn_xcalloc(ng ? ng : 1, sizeof(double));
	fpr = cairn_xcalloc(ng ? ng : 1, sizeof(double));
	for (size_t k = 0; k < ng; k++) {
		sel[k] = (double)g[k].selected / (double)g[k].rows;
		tpr[k] = g[k].pos ? (double)g[k].tp / (double)g[k].pos : NAN;
		fpr[k] = g[k].neg ? (double)g[k].fp / (double)g[k].neg : NAN;
		json_object_set_new(groups, g[k].name, json_pack("{s:I, s:o, s:o, s:o, s:o}",
			"count", (json_int_t)g[k].rows, "selection_rate", real_or_null(sel[k]),
			"tpr", real_or_null(tpr[k]), "fpr", real_or_null(fpr[k]),
			"accuracy", real_or_null((double)g[k].correct / (double)g[k].rows)));
	}
	dpd = spread(sel, ng);
	if (range(sel, ng, &lo, &hi) >= 2 && hi > 0)
		ratio = lo / hi;
	t = spread(tpr, ng);
	f = spread(fpr, ng);
	eod = !isfinite(t) ? f : !isfinite(f) ? t : t > f ? t : f;
	out = json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:I}", "groups", groups,
			"demographic_parity_difference", real_or_null(dpd),
			"demographic_parity_ratio", real_or_null(ratio),
			"equalized_odds_difference", real_or_null(eod),
			"disparate_impact", real_or_null(ratio),
			"four_fifths", isfinite(ratio) ? json_string(ratio >= 0.8 ? "pass" : "fail") :
			json_null(), "left_out", (json_int_t)left_out);
	if (!out)
		cairn__oom(0);
	free(sel);
	free(tpr);
	free(fpr);
	free(g);
	return out;
}
