/* The seeded generator (xoshiro256** seeded by splitmix64) used by splits,
 * samples and augmentation; see src/core/rng.h for the exact definitions. */
#include <math.h>
#include "core/rng.h"

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

void cairn__rng_seed(struct cairn__rng *r, uint64_t seed)
{
	uint64_t x = seed;

	/* splitmix64 never yields four zero words, the one state xoshiro forbids. */
	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix64(&x);
}

uint64_t cairn__rng_next(struct cairn__rng *r)
{
	uint64_t *s = r->s;
	uint64_t result = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

uint64_t cairn__rng_below(struct cairn__rng *r, uint64_t n)
{
	/* Outputs below 2^64 mod n would make small results more likely. */
	uint64_t threshold = (0 - n) % n, x;

	do
		x = cairn__rng_next(r);
	while (x < threshold);
	return x % n;
}

double cairn__rng_uniform(struct cairn__rng *r)
{
	return (double)(cairn__rng_next(r) >> 11) * 0x1.0p-53;
}

double cairn__rng_normal(struct cairn__rng *r)
{
	double u1 = cairn__rng_uniform(r), u2 = cairn__rng_uniform(r);

	return sqrt(-2.0 * log(1.0 - u1)) * cos(2.0 * M_PI * u2);
}

void cairn__rng_shuffle(struct cairn__rng *r, size_t *a, size_t n)
{
	for (size_t i = n; i > 1; i--) {
		size_t j = (size_t)cairn__rng_below(r, i), t = a[i - 1];
		a[i - 1] = a[j];
		a[j] = t;
	}
}
