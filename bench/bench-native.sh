#!/bin/bash
# Single-row prediction latency of the native tree evaluator against
# libxgboost (src/ml/native.h) for an xgboost classifier of 100 trees of
# depth 6 on 20 features (bench/gen-ml.c), through cairn_model_predict as a
# server calls it: microseconds per call of each, their ratio (goal: the
# native evaluator at least 10x faster), what one row's preprocessing costs,
# each evaluator alone on a preprocessed row, 100,000 rows in one call
# (libxgboost on its threads, the native evaluator on as many), and the
# native evaluator alone in nanoseconds per tree per row, for calls of one
# row and of 1,000 rows. Best of BENCH_NATIVE_RUNS (default 3), measured in
# this run.
cd "$(dirname "$0")/.." || exit 1
root=$PWD
cairn=$root/cairn
prog=$root/build/bench/bench-native
work=$root/bench/work/native
runs=${BENCH_NATIVE_RUNS:-3}
trees=100
calls=${BENCH_NATIVE_CALLS:-20000}

[ -x "$cairn" ] && [ -x "$prog" ] || { echo "native: build cairn and $prog first (make bench)" >&2; exit 1; }
rm -rf "$work"
mkdir -p "$work" && cd "$work" || exit 1
trap 'cd "$root" && rm -rf "$work"' EXIT
unset CAIRN_DIR CAIRN_RUN_ID

cc -O2 -o gen-ml "$root/bench/gen-ml.c" -lm || exit 1
./gen-ml 100000 >rows.csv || exit 1
"$cairn" init >/dev/null &&
"$cairn" data add rows.csv >/dev/null &&
"$cairn" train --data rows --target y --algo xgboost --param n_estimators=$trees \
	--param max_depth=6 --threads 2 --json >train.json || exit 1
run=$(sed -n 's/.*"run_id": *"\([^"]*\)".*/\1/p' train.json | head -n 1)
[ -n "$run" ] || { echo "native: no run id from cairn train" >&2; exit 1; }

best=
for i in $(seq "$runs"); do
	line=$("$prog" "$run" rows.csv "$calls") || { echo "native: bench-native failed" >&2; exit 1; }
	if [ -z "$best" ] || [ "$(echo "$line" | cut -d" " -f1 | tr -d .)" -lt \
				"$(echo "$best" | cut -d" " -f1 | tr -d .)" ]; then
		best=$line
	fi
done
echo "$best" | awk -v trees="$trees" '{
	printf "xgboost single-row predict (100 trees, depth 6, 20 features): native %.1f us vs libxgboost %.1f us per call = %.1fx faster (goal >= 10x)\n",
		$1, $2, $2 / $1
	printf "  of which: preprocessing one row %.1f us; evaluator alone native %.2f us vs libxgboost %.1f us; 100k rows in one call native %.0f ms vs libxgboost %.0f ms\n",
		$3, $4, $5, $6 / 1e3, $7 / 1e3
	printf "  native evaluator alone per tree per row: %.1f ns in calls of 1 row, %.1f ns in calls of 1,000 rows\n",
		$4 * 1e3 / trees, $8 / trees
}'
