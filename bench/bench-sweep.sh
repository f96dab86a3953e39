#!/bin/bash
# Sweep trials sharing the machine: `cairn sweep -j 2` against `-j 1` over the
# same 6 trials (xgboost, 5-fold cross-validation, max_depth x learning_rate)
# on a small dataset, breast_cancer (569 x 31) from ../shared/datasets or else
# iris from examples/data, the trials' threads left to cairn. Goal: -j 2 no
# slower than -j 1 (<= 1x; about 0.6x where two cores are free). Best of
# BENCH_SWEEP_RUNS (default 2), measured in this run.
cd "$(dirname "$0")/.." || exit 1
root=$PWD
. bench/lib.sh
cairn=$root/cairn
work=$root/bench/work/sweep
runs=${BENCH_SWEEP_RUNS:-2}

[ -x "$cairn" ] || { echo "sweep: $cairn not built" >&2; exit 1; }
if [ -f "$root/../shared/datasets/breast_cancer.csv" ]; then
	data=$root/../shared/datasets/breast_cancer.csv name=breast_cancer target=diagnosis
else
	data=$root/examples/data/iris.csv name=iris target=species
fi

rm -rf "$work"
mkdir -p "$work" && cd "$work" || exit 1
trap 'cd "$root" && rm -rf "$work"' EXIT
unset CAIRN_DIR CAIRN_RUN_ID
"$cairn" init >/dev/null && "$cairn" data add "$data" >/dev/null || exit 1

sweep() {
	"$cairn" -q sweep --data "$name" --target "$target" --algo xgboost --cv 5 -j "$1" \
		--grid max_depth=2,4,6 --grid learning_rate=0.1,0.3
}

j1=() j2=()
for i in $(seq "$runs"); do
	timed j1 sweep 1
	timed j2 sweep 2
done

awk -v a="$(best "${j1[@]}")" -v b="$(best "${j2[@]}")" -v name="$name" 'BEGIN {
	printf "sweep of 6 xgboost trials, 5-fold CV on %s: -j 2 %.1f s vs -j 1 %.1f s = %.2fx (goal <= 1x, ideally ~0.6x)\n",
		name, b / 1e6, a / 1e6, b / a
}'
