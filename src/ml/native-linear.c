/* liblinear's decision values and probabilities, computed as liblinear 2.x
 * computes them, from its loaded model; see ml/native.h. */
#include <math.h>
#include <linear.h>
#include "ml/native.h"

/* liblinear sums products in double, with no multiply-add. */
#if defined(__clang__)
#pragma clang fp contract(off)
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif

/* MCSVM_CS keeps one weight vector per class even for two classes. */
static int weight_vectors(const struct model *m)
{
	return m->nr_class == 2 && m->param.solver_type != MCSVM_CS ? 1 : m->nr_class;
}

void cairn__native_linear_values(const struct model *m, const float *row, double *dec)
{
	const int nr_w = weight_vectors(m), n = m->nr_feature;
	const double *w = m->w;

	for (int i = 0; i < nr_w; i++)
		dec[i] = 0;
	/* liblinear's sparse row: the non-zero features in order, then the
	 * bias feature. */
	for (int j = 0; j < n; j++) {
		double v = row[j];
		if (row[j] == 0)
			continue;
		for (int i = 0; i < nr_w; i++)
			dec[i] += w[j * nr_w + i] * v;
	}
	if (m->bias >= 0)
		for (int i = 0; i < nr_w; i++)
			dec[i] += w[n * nr_w + i] * m->bias;
}

void cairn__native_linear_probability(const struct model *m, const float *row, double *p)
{
	const int k = m->nr_class, nr_w = k == 2 ? 1 : k;
	double sum = 0;

	cairn__native_linear_values(m, row, p);
	for (int i = 0; i < nr_w; i++)
		p[i] = 1 / (1 + exp(-p[i]));
	if (k == 2) {
		p[1] = 1. - p[0];
		return;
	}
	for (int i = 0; i < k; i++)
		sum += p[i];
	for (int i = 0; i < k; i++)
		p[i] = p[i] / sum;
}
