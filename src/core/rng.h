/*
 * The seeded pseudo-random generator behind every split, sample and
 * augmentation: the same seed gives the same sequence on every machine, so
 * derived datasets can be rebuilt byte for byte.
 *
 * The generator is xoshiro256** (Blackman and Vigna, 2018) whose 256-bit
 * state is filled from the 64-bit seed by four successive outputs of
 * splitmix64. Derived quantities, each fixed here because the bytes of
 * derived datasets depend on them:
 *   below(n)  an integer in [0, n): 64-bit outputs x are drawn until
 *             x >= (2^64 - n) mod n, and x mod n is returned (no bias);
 *   uniform   (x >> 11) * 2^-53, a double in [0, 1);
 *   normal    Box-Muller with one pair of uniforms per value:
 *             sqrt(-2 ln(1 - u1)) * cos(2 pi u2); the sine half is unused;
 *   shuffle   Fisher-Yates from the last element down: for i = n-1 .. 1,
 *             swap a[i] with a[below(i + 1)].
 *
 * Not for cryptography. Not thread-safe; one generator per thread.
 */
#ifndef CAIRN_CORE_RNG_H
#define CAIRN_CORE_RNG_H

#include <stddef.h>
#include <stdint.h>

struct cairn__rng {
	uint64_t s[4];
};

void cairn__rng_seed(struct cairn__rng *r, uint64_t seed);
uint64_t cairn__rng_next(struct cairn__rng *r);
/* Uniform in [0, n); n must be at least 1. */
uint64_t cairn__rng_below(struct cairn__rng *r, uint64_t n);
/* Uniform in [0, 1). */
double cairn__rng_uniform(struct cairn__rng *r);
/* Standard normal (mean 0, standard deviation 1). */
double cairn__rng_normal(struct cairn__rng *r);
/* Shuffles a[0..n) in place. */
void cairn__rng_shuffle(struct cairn__rng *r, size_t *a, size_t n);

#endif
