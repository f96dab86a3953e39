/*
 * Fairness of binary predictions across the groups of a sensitive column,
 * as Fairlearn defines it (fairlearn.metrics, method "between_groups"):
 *
 *   selection rate of group g   P(pred = 1 | g)
 *   TPR of g                    P(pred = 1 | y = 1, g)
 *   FPR of g                    P(pred = 1 | y = 0, g)
 *   demographic_parity_difference  max_g selection rate - min_g selection rate
 *   equalized_odds_difference      max(TPR difference, FPR difference), each
 *                                  max_g - min_g over the groups
 *
 * A group without positive rows has no TPR (without negative rows, no
 * FPR) and is left out of that difference; see gates-internal.h.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "registry/gates-internal.h"

struct group {
	const char *name;
	size_t rows, selected, pos, tp, neg, fp;
};

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct group *)a)->name, ((const struct group *)b)->name);
}

static json_t *real_or_null(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

/* max - min of the defined values. */
static double spread(const double *v, size_t n)
{
	double lo = INFINITY, hi = -INFINITY;
	size_t defined = 0;

	for (size_t i = 0; i < n; i++)
		if (isfinite(v[i])) {
			lo = v[i] < lo ? v[i] : lo;
			hi = v[i] > hi ? v[i] : hi;
			defined++;
		}
	return defined >= 2 ? hi - lo : NAN;
}

void cairn__fairness(enum cairn__fairness_metric metric, const int *y_true, const int *y_pred,
		     const char *const *group, size_t n, json_t **out)
{
	struct group *g = cairn_xcalloc(n ? n : 1, sizeof(*g));
	size_t ng = 0, left_out = 0;
	double *sel, *tpr, *fpr, value;
	json_t *groups = json_object();

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
		json_object_set_new(groups, g[k].name, json_pack("{s:I, s:o, s:o, s:o}",
			"rows", (json_int_t)g[k].rows, "selection_rate", real_or_null(sel[k]),
			"tpr", real_or_null(tpr[k]), "fpr", real_or_null(fpr[k])));
	}
	if (metric == CAIRN__DEMOGRAPHIC_PARITY) {
		value = spread(sel, ng);
	} else {
		double t = spread(tpr, ng), f = spread(fpr, ng);
		value = !isfinite(t) ? f : !isfinite(f) ? t : t > f ? t : f;
	}
	*out = json_pack("{s:s, s:o, s:o, s:I}", "metric", metric == CAIRN__DEMOGRAPHIC_PARITY ?
			 "demographic_parity_difference" : "equalized_odds_difference",
			 "value", real_or_null(value), "groups", groups,
			 "left_out", (json_int_t)left_out);
	free(sel);
	free(tpr);
	free(fpr);
	free(g);
}
