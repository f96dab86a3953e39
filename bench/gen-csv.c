/*
 * Writes the benchmark CSV to stdout: a header, then rows of 20 numeric
 * columns (roughly normal floats with 4 decimals, and 4 integer columns) and
 * 5 categorical columns, from a fixed seed, until BYTES bytes are written.
 * Usage: gen-csv BYTES
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static uint64_t state = 0x9e3779b97f4a7c15ULL;

static uint64_t next(void)
{
	uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

int main(int argc, char **argv)
{
	static const char *const cats[5][4] = {
		{ "red", "green", "blue", "yellow" }, { "small", "medium", "large", "huge" },
		{ "north", "south", "east", "west" }, { "alpha", "beta", "gamma", "delta" },
		{ "yes", "no", "maybe", "unknown" },
	};
	long long limit = argc > 1 ? atoll(argv[1]) : 1000000, written = 0;

	for (int c = 0; c < 20; c++)
		written += printf("num%d,", c);
	written += printf("cat0,cat1,cat2,cat3,cat4\n");
	while (written < limit) {
		for (int c = 0; c < 20; c++) {
			/* A sum of four uniforms: roughly normal, cheap and reproducible. */
			double v = 0;
			for (int k = 0; k < 4; k++)
				v += (double)(next() >> 11) / 9007199254740992.0;
			if (c < 4)
				written += printf("%ld,", (long)(v * 250));
			else
				written += printf("%.4f,", (v - 2) * (c % 4 + 1));
		}
		for (int c = 0; c < 5; c++)
			written += printf("%s%c", cats[c][next() & 3], c < 4 ? ',' : '\n');
	}
	return 0;
}
