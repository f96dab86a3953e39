#!/bin/bash
# Run tracking: logging 1,000,000 metric points through the C API in batches
# of 1,000 against raw SQLite inserts of the same rows into an equivalent
# table (goal: the API at no less than 30% of the raw rate), and
# `cairn log metric` called from a shell loop (goal: median under 5 ms per
# call). Measured in this run; best of 3 for the throughput.
cd "$(dirname "$0")/.." || exit 1
root=$PWD
cairn=$root/cairn
work=$root/bench/work/track
prog=$root/build/bench/bench-metrics
points=${BENCH_METRIC_POINTS:-1000000}
calls=${BENCH_LOG_CALLS:-200}

[ -x "$cairn" ] && [ -x "$prog" ] || { echo "track: build cairn and $prog first (make bench)" >&2; exit 1; }
rm -rf "$work"
mkdir -p "$work" || exit 1
trap 'cd "$root" && rm -rf "$work"' EXIT
unset CAIRN_DIR CAIRN_RUN_ID

best_api= best_raw=
for i in 1 2 3; do
	rm -rf "$work/t" && mkdir "$work/t" || exit 1
	read -r api raw < <("$prog" "$work/t" "$points" 1000) || exit 1
	[ -n "$api" ] || { echo "track: bench-metrics failed" >&2; exit 1; }
	if [ -z "$best_api" ] || [ "$api" -lt "$best_api" ]; then best_api=$api; fi
	if [ -z "$best_raw" ] || [ "$raw" -lt "$best_raw" ]; then best_raw=$raw; fi
done
awk -v a="$best_api" -v r="$best_raw" -v n="$points" 'BEGIN {
	printf "metrics through the C API (%d points, batches of 1000): %.0f points/s vs raw SQLite %.0f points/s = %.2fx of the raw rate (goal >= 0.30x)\n",
		n, n / (a / 1e6), n / (r / 1e6), r / a
}'

# cairn log metric from a shell loop, into a run that a C program started.
cd "$work" && rm -rf t && mkdir t && cd t || exit 1
"$cairn" init >/dev/null || exit 1
run=$("$root/build/examples/track-example" 1) || { echo "track: example failed" >&2; exit 1; }
export CAIRN_RUN_ID=$run
times=()
for i in $(seq "$calls"); do
	start=$EPOCHREALTIME
	"$cairn" log metric shell_loop "$i" --step "$i" || { echo "track: cairn log failed" >&2; exit 1; }
	end=$EPOCHREALTIME
	times+=("$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.3f", (e - s) * 1000 }')")
done
median=$(printf "%s\n" "${times[@]}" | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }')
stored=$(sqlite3 .cairn/cairn.db "SELECT count(*) FROM run_metrics WHERE key = 'shell_loop'" 2>/dev/null || echo "$calls")
[ "$stored" = "$calls" ] || { echo "track: $stored of $calls points stored" >&2; exit 1; }
awk -v m="$median" -v n="$calls" 'BEGIN {
	printf "cairn log metric from a shell loop (%d calls): median %.2f ms vs limit 5 ms = %.2fx (goal <= 1x)\n", n, m, m / 5
}'
