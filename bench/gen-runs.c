/*
 * Writes SQL to stdout that fills a new workspace's metadata store with
 * finished runs for the search benchmark: RUNS runs (default 100,000) in one
 * experiment, one second apart, each with 10 params p0..p9 (values v0..v9)
 * and 10 metrics m0..m9 (one point each, uniform in [0, 1)), from a fixed
 * seed, in one transaction, into the schema that cairn created.
 * Usage: gen-runs [RUNS] | sqlite3 .cairn/cairn.db
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define PARAMS 10
#define METRICS 10
/* Rows per INSERT statement: fewer statements to parse. */
#define BATCH 500

static uint64_t state = 0x9e3779b97f4a7c15ULL;

static uint64_t next(void)
{
	uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* A run id as cairn makes them: 10 base32 characters of the time in ms,
 * then 16 random ones. */
static void make_id(uint64_t ms, char out[27])
{
	static const char digits[] = "0123456789abcdefghjkmnpqrstvwxyz";
	uint64_t r1 = next(), r2 = next();

	for (int i = 9; i >= 0; i--, ms >>= 5)
		out[i] = digits[ms & 31];
	for (int i = 10; i < 26; i++) {
		out[i] = digits[r1 & 31];
		r1 >>= 5;
		if (i == 17)
			r1 = r2;
	}
	out[26] = '\0';
}

/* Starts or continues a multi-row INSERT into table. */
static void row(const char *table, long n)
{
	if (n % BATCH == 0)
		printf("%sINSERT INTO %s VALUES\n", n ? ";\n" : "", table);
	else
		printf(",\n");
}

int main(int argc, char **argv)
{
	long runs = argc > 1 ? atol(argv[1]) : 100000, n;
	const uint64_t base = 1764000000000ULL; /* November 2025 */
	char id[27], exp[27];

	if (runs < 1) {
		fprintf(stderr, "usage: gen-runs [RUNS]\n");
		return 2;
	}
	printf("PRAGMA synchronous = OFF;\nBEGIN;\n");
	make_id(base, exp);
	printf("INSERT INTO experiments(id, name, created_ms) VALUES ('%s', 'bench', %llu);\n",
	       exp, (unsigned long long)base);
	for (long i = 0; i < runs; i++) {
		uint64_t start = base + (uint64_t)i * 1000;
		make_id(start, id);
		row("runs(seq, id, experiment_id, name, status, start_ms, end_ms, user, host)", i);
		printf("(%ld, '%s', '%s', 'run-%ld', 'FINISHED', %llu, %llu, 'bench', 'bench')", i + 1,
		       id, exp, i, (unsigned long long)start,
		       (unsigned long long)(start + 500 + next() % 5000));
	}
	printf(";\n");
	n = 0;
	for (long i = 0; i < runs; i++)
		for (int p = 0; p < PARAMS; p++, n++) {
			row("run_params(run, key, value)", n);
			printf("(%ld, 'p%d', 'v%d')", i + 1, p, (int)(next() % 10));
		}
	printf(";\n");
	n = 0;
	for (long i = 0; i < runs; i++)
		for (int m = 0; m < METRICS; m++, n++) {
			double v = (double)(next() >> 11) / 9007199254740992.0;
			uint64_t t = base + (uint64_t)i * 1000 + 400;
			row("run_latest_metrics(run, key, value, step, timestamp_ms)", n);
			printf("(%ld, 'm%d', %.17g, 0, %llu)", i + 1, m, v, (unsigned long long)t);
		}
	printf(";\nINSERT INTO run_metrics(run, key, step, timestamp_ms, value)"
	       " SELECT run, key, step, timestamp_ms, value FROM run_latest_metrics;\n");
	printf("COMMIT;\n");
	return 0;
}
