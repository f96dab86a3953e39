/* Regression metrics: RMSE, MAE, R², explained variance, max error and MAPE,
 * through sums that merge over sets of rows; see include/cairn/evaluate.h
 * and ml/metrics-internal.h. */
#include <math.h>
#include <string.h>
#include "cairn/buf.h"
#include "ml/metrics-internal.h"

/* 1 - num / den, with scikit-learn's force_finite for a constant target:
 * 1 for a perfect fit, else 0. */
static double one_minus_ratio(double num, double den)
{
	if (den == 0)
		return num == 0 ? 1 : 0;
	return 1 - num / den;
}

int cairn__eval_check_regression(cairn_ctx *ctx, const struct cairn_eval_data *d)
{
	if (!d->y || !d->pred)
		return cairn_error(ctx, CAIRN_EINVAL,
				   "cannot evaluate a regression without targets and predictions");
	if (!d->n)
		return cairn_error(ctx, CAIRN_EINVAL, "cannot evaluate a regression of no rows");
	for (size_t i = 0; i < d->n; i++) {
		if (!isfinite(d->y[i]))
			return cairn_error(ctx, CAIRN_EINVAL,
					   "cannot evaluate row %zu: the target is not a number", i + 1);
		if (!isfinite(d->pred[i]))
			return cairn_error(ctx, CAIRN_EINVAL,
					   "cannot evaluate row %zu: the prediction is not a number",
					   i + 1);
	}
	return 0;
}

void cairn__reg_sums_of(const struct cairn_eval_data *d, struct cairn__reg_sums *s)
{
	size_t n = d->n;

	memset(s, 0, sizeof(*s));
	if (!n)
		return;
	for (size_t i = 0; i < n; i++) {
		s->mean_y += d->y[i];
		s->mean_e += d->y[i] - d->pred[i];
	}
	s->rows = (double)n;
	s->mean_y /= (double)n;
	s->mean_e /= (double)n;
	/* Second pass: deviations from the means, which one pass of sums of
	 * squares would lose to cancellation. */
	for (size_t i = 0; i < n; i++) {
		double e = d->y[i] - d->pred[i], dy = d->y[i] - s->mean_y;
		s->sse += e * e;
		s->sae += fabs(e);
		s->m2_y += dy * dy;
		s->m2_e += (e - s->mean_e) * (e - s->mean_e);
		if (fabs(e) > s->max_error)
			s->max_error = fabs(e);
		if (d->y[i] != 0) {
			s->ape += fabs(e) / fabs(d->y[i]);
			s->ape_rows++;
		}
	}
}

/* The mean and sum of squared deviations of two sets of na and nb rows
 * into the first (Chan, Golub and LeVeque's update). */
static void merge_moments(double na, double nb, double *mean, double *m2, double mean_b,
			  double m2_b)
{
	double n = na + nb, delta = mean_b - *mean;

	*mean += delta * (nb / n);
	*m2 += m2_b + delta * delta * (na * nb / n);
}

void cairn__reg_sums_merge(struct cairn__reg_sums *s, const struct cairn__reg_sums *other)
{
	if (!other->rows)
		return;
	if (!s->rows) {
		*s = *other;
		return;
	}
	merge_moments(s->rows, other->rows, &s->mean_y, &s->m2_y, other->mean_y, other->m2_y);
	merge_moments(s->rows, other->rows, &s->mean_e, &s->m2_e, other->mean_e, other->m2_e);
	s->rows += other->rows;
	s->sse += other->sse;
	s->sae += other->sae;
	s->ape += other->ape;
	s->ape_rows += other->ape_rows;
	if (other->max_error > s->max_error)
		s->max_error = other->max_error;
}

json_t *cairn__reg_sums_metrics(const struct cairn__reg_sums *s)
{
	double n = s->rows, skipped = s->rows - s->ape_rows;
	json_t *o = json_object(), *notes = json_array();

	json_object_set_new(o, "rows", json_integer((json_int_t)n));
	json_object_set_new(o, "rmse", cairn__eval_real(sqrt(s->sse / n)));
	json_object_set_new(o, "mae", cairn__eval_real(s->sae / n));
	json_object_set_new(o, "r2", cairn__eval_real(one_minus_ratio(s->sse, s->m2_y)));
	json_object_set_new(o, "explained_variance",
			    cairn__eval_real(one_minus_ratio(s->m2_e, s->m2_y)));
	json_object_set_new(o, "max_error", cairn__eval_real(s->max_error));
	json_object_set_new(o, "mape", s->ape_rows ? cairn__eval_real(s->ape / s->ape_rows) :
			    json_null());
	json_object_set_new(o, "mape_skipped_rows", json_integer((json_int_t)skipped));
	if (skipped > 0) {
		cairn_buf b = CAIRN_BUF_INIT;
		cairn_buf_addf(&b, "%.0f of %.0f rows have a target of 0 and are left out of mape",
			       skipped, n);
		json_array_append_new(notes, json_string(b.buf));
		cairn_buf_release(&b);
	}
	if (s->m2_y == 0)
		json_array_append_new(notes, json_string("the target is constant: r2 and"
							 " explained_variance are 1 for a perfect"
							 " fit, else 0"));
	json_object_set_new(o, "notes", notes);
	return o;
}

json_t *cairn__eval_regression(const struct cairn_eval_data *d)
{
	struct cairn__reg_sums s;

	cairn__reg_sums_of(d, &s);
	return cairn__reg_sums_metrics(&s);
}
