/*
 * The first Wasserstein distance of two unweighted samples (stats.h), as
 * scipy.stats.wasserstein_distance: one merge of the sorted samples.
 */
#include <math.h>
#include <stdlib.h>
#include "monitor/stats.h"

int cairn__wasserstein_sorted(cairn_ctx *ctx, const double *u, size_t nu,
			      const double *v, size_t nv, double *distance)
{
	int rc;
	if ((rc = cairn__stats_check_sample(ctx, "first", u, nu)) ||
	    (rc = cairn__stats_check_sample(ctx, "second", v, nv)))
		return rc;
	/* At each distinct value w, the ECDFs count the values <= w (SciPy's
	 * searchsorted(side='right')), and the area runs to the next value. */
	double sum = 0;
	size_t i = 0, j = 0;
	double w = u[0] < v[0] ? u[0] : v[0];
	for (;;) {
		while (i < nu && u[i] == w)
			i++;
		while (j < nv && v[j] == w)
			j++;
		if (i == nu && j == nv)
			break;
		double next = j == nv || (i < nu && u[i] <= v[j]) ? u[i] : v[j];
		sum += fabs((double)i / (double)nu - (double)j / (double)nv) * (next - w);
		w = next;
	}
	*distance = sum;
	return 0;
}

int cairn__wasserstein(cairn_ctx *ctx, const double *u, size_t nu, const double *v,
		       size_t nv, double *distance)
{
	double *us, *vs;
	int rc = cairn__stats_sorted_copies(ctx, u, nu, v, nv, &us, &vs);
	if (!rc)
		rc = cairn__wasserstein_sorted(ctx, us, nu, vs, nv, distance);
	free(us);
	free(vs);
	return rc;
}
