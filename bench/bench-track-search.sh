#!/bin/bash
# cairn runs search over 100,000 runs, each with 10 params and 10 metrics,
# against a 100 ms limit: a metric filter, a param filter and an order on
# another metric, the first 100 runs (the median of 7 runs of the whole
# command, after one to warm the page cache). A second line times a filter
# that half of the runs pass, where the order's index does the work. The runs
# are written by bench/gen-runs.c as SQL into the schema cairn made.
cd "$(dirname "$0")/.." || exit 1
root=$PWD
. bench/lib.sh
cairn=$root/cairn
work=$root/bench/work/track-search
runs=${BENCH_SEARCH_RUNS:-100000}
times=7

[ -x "$cairn" ] || { echo "runs search: $cairn not built" >&2; exit 1; }
if ! command -v sqlite3 >/dev/null 2>&1; then
	echo "runs search: SKIP (the sqlite3 command is not installed, needed to load the runs)"
	exit 0
fi
rm -rf "$work"
mkdir -p "$work" && cd "$work" || exit 1
trap 'cd "$root" && rm -rf "$work"' EXIT
unset CAIRN_DIR

cc -O2 -o gen-runs "$root/bench/gen-runs.c" || exit 1
"$cairn" init >/dev/null || exit 1
./gen-runs "$runs" | sqlite3 .cairn/cairn.db || { echo "runs search: loading failed" >&2; exit 1; }
[ "$(sqlite3 .cairn/cairn.db 'SELECT count(*) FROM runs')" -eq "$runs" ] ||
	{ echo "runs search: expected $runs runs" >&2; exit 1; }

median() { printf "%s\n" "$@" | sort -n | sed -n "$(( ($# + 1) / 2 ))p"; }

# Prints the median time of a search, after checking that it finds 100 runs
# in order.
measure() {
	local t=() filter=$1 order=$2
	"$cairn" runs search "$filter" --order-by "$order" --max 100 --json >found.json ||
		{ echo "runs search failed" >&2; exit 1; }
	python3 - "$order" <<-'EOF' >&2 || exit 1
		import json, sys
		runs = json.load(open("found.json"))
		key = sys.argv[1].split()[0].split(".")[1]
		values = [r["metrics"][key] for r in runs]
		assert len(runs) == 100 and values == sorted(values, reverse=True), values
	EOF
	for i in $(seq $times); do
		timed t "$cairn" runs search "$filter" --order-by "$order" --max 100
	done
	median "${t[@]}"
}

narrow=$(measure "metrics.m3 > 0.5 and params.p1 = 'v7'" "metrics.m5 DESC")
broad=$(measure "metrics.m3 > 0.5" "metrics.m5 DESC")
label=$(echo "$runs" | sed -e ':a' -e 's/\B[0-9]\{3\}\>/,&/' -e 'ta')

awk -v n="$narrow" -v b="$broad" -v label="$label" 'BEGIN {
	printf "runs search over %s runs: %.1f ms = %.2fx of the 100 ms limit (goal <= 1x)\n",
		label, n / 1e3, n / 100e3
	printf "runs search over %s runs, half of them passing: %.1f ms = %.2fx of the 100 ms limit (goal <= 1x)\n",
		label, b / 1e3, b / 100e3
}'
