/*
 * Metric logging throughput: 1,000,000 points through the C API
 * (cairn_run_log_metrics in batches) against raw SQLite inserts of the same
 * rows, in batches of the same size, into an equivalent table (same columns,
 * same index, same journal mode and synchronous setting), in one run.
 *
 * usage: bench-metrics DIR [POINTS] [BATCH]   (DIR: an empty scratch directory)
 * Prints "api_us raw_us" on stdout.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include "cairn/ctx.h"
#include "cairn/run.h"
#include "cairn/workspace.h"

static const char *const keys[] = { "loss", "val_loss", "accuracy", "val_accuracy", "auc",
				    "precision", "recall", "f1", "lr", "grad_norm" };
#define NKEYS 10

static long long now_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000000 + t.tv_nsec / 1000;
}

static void die(const char *what, const char *msg)
{
	fprintf(stderr, "bench-metrics: %s: %s\n", what, msg);
	exit(1);
}

/* The points of batch b: NKEYS keys at consecutive steps. */
static void fill(struct cairn_metric *m, long batch, long n)
{
	for (long i = 0; i < n; i++) {
		long k = batch * n + i;
		m[i].key = keys[k % NKEYS];
		m[i].step = k / NKEYS;
		m[i].value = 1.0 / (double)(k + 1);
		m[i].timestamp_ms = 1700000000000 + k;
	}
}

static long long bench_api(long points, long batch, struct cairn_metric *m)
{
	cairn_ctx *ctx = cairn_ctx_new();
	enum cairn_init_result r;
	cairn_run *run;
	long long t0, t1;

	if (cairn_workspace_init(ctx, "api", 0, &r) || cairn_workspace_open(ctx, "api") ||
	    cairn_run_start(ctx, NULL, &run))
		die("api", cairn_errmsg(ctx));
	t0 = now_us();
	for (long b = 0; b < points / batch; b++) {
		fill(m, b, batch);
		if (cairn_run_log_metrics(run, m, (size_t)batch))
			die("api", cairn_errmsg(ctx));
	}
	t1 = now_us();
	cairn_run_end(run, CAIRN_RUN_FINISHED, NULL);
	cairn_run_free(run);
	cairn_ctx_free(ctx);
	return t1 - t0;
}

static void exec_or_die(sqlite3 *db, const char *sql)
{
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
		die("sqlite", sqlite3_errmsg(db));
}

static long long bench_raw(long points, long batch, struct cairn_metric *m)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	long long t0, t1;

	if (sqlite3_open("raw.db", &db) != SQLITE_OK)
		die("sqlite", "cannot open raw.db");
	exec_or_die(db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;"
		    "CREATE TABLE metrics (run INTEGER NOT NULL, key TEXT NOT NULL,"
		    " step INTEGER NOT NULL, timestamp_ms INTEGER NOT NULL, value REAL);"
		    "CREATE INDEX metrics_by_key ON metrics(run, key, step);");
	if (sqlite3_prepare_v2(db, "INSERT INTO metrics(run, key, step, timestamp_ms, value)"
			       " VALUES (?, ?, ?, ?, ?)", -1, &st, NULL) != SQLITE_OK)
		die("sqlite", sqlite3_errmsg(db));
	t0 = now_us();
	for (long b = 0; b < points / batch; b++) {
		fill(m, b, batch);
		exec_or_die(db, "BEGIN IMMEDIATE");
		for (long i = 0; i < batch; i++) {
			sqlite3_bind_int64(st, 1, 1);
			sqlite3_bind_text(st, 2, m[i].key, -1, SQLITE_STATIC);
			sqlite3_bind_int64(st, 3, m[i].step);
			sqlite3_bind_int64(st, 4, m[i].timestamp_ms);
			sqlite3_bind_double(st, 5, m[i].value);
			if (sqlite3_step(st) != SQLITE_DONE)
				die("sqlite", sqlite3_errmsg(db));
			sqlite3_reset(st);
		}
		exec_or_die(db, "COMMIT");
	}
	t1 = now_us();
	sqlite3_finalize(st);
	sqlite3_close(db);
	return t1 - t0;
}

int main(int argc, char **argv)
{
	long points = argc > 2 ? atol(argv[2]) : 1000000, batch = argc > 3 ? atol(argv[3]) : 1000;
	struct cairn_metric *m;
	long long api, raw;

	if (argc < 2 || batch <= 0 || points < batch || chdir(argv[1]))
		die("usage", "bench-metrics DIR [POINTS] [BATCH]");
	if (!(m = calloc((size_t)batch, sizeof(*m))))
		die("memory", "out of memory");
	raw = bench_raw(points, batch, m);
	api = bench_api(points, batch, m);
	printf("%lld %lld\n", api, raw);
	free(m);
	return 0;
}
