/*
 * Writes the machine-learning benchmark's CSV to stdout: a header, then ROWS
 * rows of 20 roughly normal features (4 decimals) and a binary target y
 * from a noisy linear rule, all from a fixed seed. Usage: gen-ml ROWS
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define NFEAT 20

static uint64_t state = 0x2545f4914f6cdd1dULL;

static uint64_t next(void)
{
	uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Irwin-Hall: the sum of 4 uniforms, centred and scaled to variance 1. */
static double normal(void)
{
	double s = 0;

	for (int i = 0; i < 4; i++)
		s += (double)(next() >> 11) / 9007199254740992.0;
	return (s - 2) * 1.7320508075688772;
}

int main(int argc, char **argv)
{
	long long rows = argc > 1 ? atoll(argv[1]) : 1000000;
	double w[NFEAT];

	for (int c = 0; c < NFEAT; c++) {
		w[c] = (c % 3 == 0 ? 1.0 : c % 3 == 1 ? -0.5 : 0.2) / (1 + c / 5);
		printf("f%d,", c);
	}
	printf("y\n");
	for (long long r = 0; r < rows; r++) {
		double z = 0;
		for (int c = 0; c < NFEAT; c++) {
			double x = round(normal() * 10000) / 10000;
			z += w[c] * x;
			printf("%.4f,", x);
		}
		printf("%d\n", z + normal() > 0);
	}
	return ferror(stdout) || fflush(stdout) ? 1 : 0;
}
