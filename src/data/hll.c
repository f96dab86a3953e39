/* HyperLogLog with Ertl's improved estimator; see src/data/hll.h. */
#include <math.h>
#include "cairn/buf.h"
#include "data/hll.h"

#define Q (64 - CAIRN__HLL_P)

struct cairn__hll *cairn__hll_new(void)
{
	return cairn_xcalloc(1, sizeof(struct cairn__hll));
}

void cairn__hll_merge(struct cairn__hll *into, const struct cairn__hll *from)
{
	for (uint32_t i = 0; i < CAIRN__HLL_M; i++)
		if (from->reg[i] > into->reg[i])
			into->reg[i] = from->reg[i];
}

static double sigma(double x)
{
	double y = 1, z = x, prev;

	if (x == 1)
		return INFINITY;
	do {
		x *= x;
		prev = z;
		z += x * y;
		y += y;
	} while (z != prev);
	return z;
}

static double tau(double x)
{
	double y = 1, z = 1 - x, prev;

	if (x == 0 || x == 1)
		return 0;
	do {
		x = sqrt(x);
		prev = z;
		y *= 0.5;
		z -= (1 - x) * (1 - x) * y;
	} while (z != prev);
	return z / 3;
}

double cairn__hll_estimate(const struct cairn__hll *h)
{
	const double m = CAIRN__HLL_M;
	uint32_t c[Q + 2] = { 0 };
	double z;

	for (uint32_t i = 0; i < CAIRN__HLL_M; i++)
		c[h->reg[i]]++;
	if (c[0] == CAIRN__HLL_M)
		return 0;
	z = m * tau(1 - c[Q + 1] / m);
	for (int k = Q; k >= 1; k--)
		z = 0.5 * (z + c[k]);
	z += m * sigma(c[0] / m);
	return 0.5 / log(2) * m * m / z;
}
