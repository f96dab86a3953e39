#!/bin/sh
# Runs the unit tests and every end-to-end script, then prints one line
# "N passed, N failed" and exits non-zero on any failure. Skipped tests are
# listed with their reasons, and counted on a line "N skipped (...)" just
# before that last line.
# Usage: tests/run.sh [PATTERN]  (runs only matching e2e scripts and unit
# tests whose names contain PATTERN).
#
# TEST_JOBS scripts (default twice the cores, at least 4) run at a time,
# each in its own directory; their results are printed in order, each with
# the seconds it took. Most scripts spend their time waiting on processes,
# servers and signals rather than computing, so more run at once than there
# are cores. The longest (by tests/.e2e-times, kept from the last run, even
# by make clean) start first.
cd "$(dirname "$0")/.." || exit 1
pattern=${1:-}
cores=$(nproc 2>/dev/null || echo 2)
jobs=${TEST_JOBS:-$((cores > 2 ? 2 * cores : 4))}
passed=0
failed=0
skipped=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

count() { # $1: line with "N passed, N failed[, N skipped]"
	p=$(echo "$1" | sed -n 's/.* \([0-9][0-9]*\) passed.*/\1/p')
	f=$(echo "$1" | sed -n 's/.* \([0-9][0-9]*\) failed.*/\1/p')
	s=$(echo "$1" | sed -n 's/.* \([0-9][0-9]*\) skipped.*/\1/p')
	passed=$((passed + ${p:-0}))
	failed=$((failed + ${f:-0}))
	skipped=$((skipped + ${s:-0}))
}

# Job N runs a command into $tmp/N.out; $tmp/N.rc appears when it is done,
# holding "EXIT_STATUS SECONDS". The command starts with every signal at its
# default action: a job started in the background by this shell would have
# SIGINT and SIGQUIT ignored, and a run under nohup SIGHUP, and the tests of
# signals (t3003) need them as a terminal gives them.
if env --default-signal true 2>/dev/null; then
	default_signals="env --default-signal"
else
	default_signals=
fi
start_job() { # N COMMAND...
	n=$1
	shift
	(
		start=$(date +%s)
		$default_signals "$@" >"$tmp/$n.out" 2>&1 </dev/null
		rc=$?
		echo "$rc $(($(date +%s) - start))" >"$tmp/$n.rc.new"
		mv "$tmp/$n.rc.new" "$tmp/$n.rc"
	) &
}

report_unit() { # N
	echo "== unit tests"
	grep -v '^ok ' "$tmp/$1.out"
	line=$(grep '^unit: ' "$tmp/$1.out" | tail -n 1)
	if [ -z "$line" ]; then
		echo "unit tests crashed (exit $rc)"
		failed=$((failed + 1))
	else
		count "$line"
		[ "$rc" -ne 0 ] && ! echo "$line" | grep -q ' [1-9][0-9]* failed' &&
			failed=$((failed + 1))
	fi
}

report_e2e() { # N SCRIPT
	line=$(grep '^# t[0-9]' "$tmp/$1.out" | tail -n 1)
	grep -E '^(not ok|# kept)' -A 40 "$tmp/$1.out" | grep -v '^--$'
	name=${2##*/}
	sed -n "s|^.* # SKIP \(.*\)|  skipped in ${name%.sh}: \1|p" "$tmp/$1.out"
	if [ -z "$line" ]; then
		echo "$2: did not finish (exit $rc)"
		tail -n 20 "$tmp/$1.out"
		failed=$((failed + 1))
		return
	fi
	echo "$line (${secs}s)" | sed 's/^# //'
	count "$line"
}

# Prints the results of the finished jobs that come next in order.
next=1
flush() {
	while [ -f "$tmp/$next.rc" ]; do
		read -r rc secs <"$tmp/$next.rc"
		if [ $next -eq 1 ]; then
			report_unit $next
		else
			report_e2e $next "$(sed -n "${next}p" "$tmp/list")"
		fi
		next=$((next + 1))
	done
}

# Job 1 is the unit tests, then one job per script, numbered in the order
# their results are printed.
echo unit >"$tmp/list"
for t in tests/e2e/t[0-9]*.sh; do
	case "$t" in *"$pattern"*) echo "$t" >>"$tmp/list" ;; esac
done
total=$(wc -l <"$tmp/list")

# They start longest first, by the seconds each took last time, so that a
# long one does not start last; the ones not timed yet start after those,
# in order (so all of them in order the first time).
times=tests/.e2e-times
n=0
while read -r t; do
	n=$((n + 1))
	secs=$(awk -v t="$t" '$2 == t { print $1 }' "$times" 2>/dev/null)
	echo "${secs:-0} $n"
done <"$tmp/list" | sort -k1,1nr -k2,2n | awk '{ print $2 }' >"$tmp/order"

# Sets $finished to the number of finished jobs, without starting a process
# (it runs five times a second).
count_finished() {
	set -- "$tmp"/*.rc
	finished=$#
	[ -e "$1" ] || finished=0
}

started=0
while read -r n; do
	# Wait for a free slot: fewer than $jobs started jobs unfinished.
	while count_finished && [ $((started - finished)) -ge "$jobs" ]; do
		flush
		sleep 0.2
	done
	if [ "$n" -eq 1 ]; then
		start_job 1 ./build/tests/unit-tests $pattern
	else
		start_job "$n" bash "$(sed -n "${n}p" "$tmp/list")"
	fi
	started=$((started + 1))
done <"$tmp/order"

while [ $next -le "$total" ]; do
	flush
	[ $next -le "$total" ] && sleep 0.2
done
wait

# The seconds of each script, and of the unit tests (as "unit"), for the
# order of the next run.
n=0
while read -r t; do
	n=$((n + 1))
	echo "$(cut -d' ' -f2 "$tmp/$n.rc") $t"
done <"$tmp/list" >"$tmp/times"
awk 'NR == FNR { seen[$2] = 1; print; next } !($2 in seen)' \
	"$tmp/times" "$times" 2>/dev/null >"$tmp/times.all"
mv "$tmp/times.all" "$times"

[ $skipped -gt 0 ] && echo "$skipped skipped (each with its reason above)"
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
