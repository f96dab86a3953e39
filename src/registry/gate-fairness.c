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
 * FPR) and is left out of that difference; see gates-internal.h. The
 * figures are ml's (src/ml/fairness.h), shared with `cairn monitor bias`.
 */
#include "ml/fairness.h"
#include "registry/gates-internal.h"

void cairn__fairness(enum cairn__fairness_metric metric, const int *y_true, const int *y_pred,
		     const char *const *group, size_t n, json_t **out)
{
	json_t *all = cairn__fairness_metrics(y_true, y_pred, group, n), *groups = json_object();
	const char *name;
	json_t *g;

	/* The gate's report keeps its own names: rows, not count. */
	json_object_foreach(json_object_get(all, "groups"), name, g)
		json_object_set_new(groups, name, json_pack("{s:O, s:O, s:O, s:O}",
			"rows", json_object_get(g, "count"),
			"selection_rate", json_object_get(g, "selection_rate"),
			"tpr", json_object_get(g, "tpr"), "fpr", json_object_get(g, "fpr")));
	*out = json_pack("{s:s, s:O, s:o, s:O}", "metric", metric == CAIRN__DEMOGRAPHIC_PARITY ?
			 "demographic_parity_difference" : "equalized_odds_difference",
			 "value", json_object_get(all, metric == CAIRN__DEMOGRAPHIC_PARITY ?
						  "demographic_parity_difference" :
						  "equalized_odds_difference"),
			 "groups", groups, "left_out", json_object_get(all, "left_out"));
	json_decref(all);
}
