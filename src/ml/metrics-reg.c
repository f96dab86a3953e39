/* Regression metrics: RMSE, MAE, R², explained variance, max error and MAPE;
 * see include/cairn/evaluate.h. */
#include <math.h>
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

json_t *cairn__eval_regression(const struct cairn_eval_data *d)
{
	size_t n = d->n, nmape = 0;
	double mean_y = 0, mean_e = 0, sse = 0, sae = 0, sst = 0, sve = 0, maxe = 0, ape = 0;
	json_t *o, *notes;

	for (size_t i = 0; i < n; i++) {
		mean_y += d->y[i];
		mean_e += d->y[i] - d->pred[i];
	}
	mean_y /= (double)n;
	mean_e /= (double)n;
	/* Second pass: deviations from the means, which one pass of sums of
	 * squares would lose to cancellation. */
	for (size_t i = 0; i < n; i++) {
		double e = d->y[i] - d->pred[i], dy = d->y[i] - mean_y;
		sse += e * e;
		sae += fabs(e);
		sst += dy * dy;
		sve += (e - mean_e) * (e - mean_e);
		if (fabs(e) > maxe)
			maxe = fabs(e);
		if (d->y[i] != 0) {
			ape += fabs(e) / fabs(d->y[i]);
			nmape++;
		}
	}

	o = json_object();
	notes = json_array();
	json_object_set_new(o, "rows", json_integer((json_int_t)n));
	json_object_set_new(o, "rmse", cairn__eval_real(sqrt(sse / (double)n)));
	json_object_set_new(o, "mae", cairn__eval_real(sae / (double)n));
	json_object_set_new(o, "r2", cairn__eval_real(one_minus_ratio(sse, sst)));
	json_object_set_new(o, "explained_variance", cairn__eval_real(one_minus_ratio(sve, sst)));
	json_object_set_new(o, "max_error", cairn__eval_real(maxe));
	json_object_set_new(o, "mape", nmape ? cairn__eval_real(ape / (double)nmape) : json_null());
	json_object_set_new(o, "mape_skipped_rows", json_integer((json_int_t)(n - nmape)));
	if (nmape < n) {
		cairn_buf b = CAIRN_BUF_INIT;
		cairn_buf_addf(&b, "%zu of %zu rows have a target of 0 and are left out of mape",
			       n - nmape, n);
		json_array_append_new(notes, json_string(b.buf));
		cairn_buf_release(&b);
	}
	if (sst == 0)
		json_array_append_new(notes, json_string("the target is constant: r2 and"
							 " explained_variance are 1 for a perfect"
							 " fit, else 0"));
	json_object_set_new(o, "notes", notes);
	return o;
}
