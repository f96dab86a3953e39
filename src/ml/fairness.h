/*
 * The fairness figures of binary predictions across groups, as Fairlearn
 * defines them (fairlearn.metrics, method "between_groups"): pure, over
 * arrays; behind `cairn monitor bias` (include/cairn/monitor.h) and the
 * fairness gate of promotion (src/registry/gate-fairness.c).
 *
 *   count                n rows of the group
 *   selection_rate       P(pred = 1 | group)
 *   tpr                  P(pred = 1 | y = 1, group): null without positives
 *   fpr                  P(pred = 1 | y = 0, group): null without negatives
 *   accuracy             P(pred = y | group)
 *   demographic_parity_difference  max - min selection rate
 *   demographic_parity_ratio       min / max selection rate (null when the
 *                                  max is 0)
 *   equalized_odds_difference      the larger of the TPR difference and the
 *                                  FPR difference (each max - min)
 *   disparate_impact               the demographic parity ratio, with
 *   four_fifths                    "pass" when it is at least 0.8
 *
 * A rate a group does not define (no positives: no TPR) is left out of its
 * difference, as pandas' max and min skip NaN in Fairlearn's MetricFrame;
 * a difference over fewer than two groups that define it is null, and the
 * equalized odds difference is the defined one of its two (null when
 * neither is).
 */
#ifndef CAIRN_ML_FAIRNESS_H
#define CAIRN_ML_FAIRNESS_H

#include <jansson.h>
#include <stddef.h>

/* y_true and y_pred are 1 for the positive class, 0 otherwise; group[i]
 * names row i's group (NULL: left out, counted in "left_out"). A new
 * object {groups: {NAME: {count, selection_rate, tpr, fpr, accuracy}},
 * the figures above, left_out}, the groups in name order. */
json_t *cairn__fairness_metrics(const int *y_true, const int *y_pred, const char *const *group,
			    size_t n);

#endif
