#!/bin/sh
# Runs the unit tests and every end-to-end script, then prints one line
# "N passed, N failed" (skips added when there are any) and exits non-zero on
# any failure. Usage: tests/run.sh [PATTERN]  (runs only matching e2e scripts
# and unit tests whose names contain PATTERN).
cd "$(dirname "$0")/.." || exit 1
pattern=${1:-}
passed=0
failed=0
skipped=0
out=$(mktemp)
trap 'rm -f "$out"' EXIT

count() { # $1: line with "N passed, N failed[, N skipped]"
	p=$(echo "$1" | sed -n 's/.* \([0-9][0-9]*\) passed.*/\1/p')
	f=$(echo "$1" | sed -n 's/.* \([0-9][0-9]*\) failed.*/\1/p')
	s=$(echo "$1" | sed -n 's/.* \([0-9][0-9]*\) skipped.*/\1/p')
	passed=$((passed + ${p:-0}))
	failed=$((failed + ${f:-0}))
	skipped=$((skipped + ${s:-0}))
}

echo "== unit tests"
./build/tests/unit-tests $pattern >"$out" 2>&1
rc=$?
grep -v '^ok ' "$out"
line=$(grep '^unit: ' "$out" | tail -n 1)
if [ -z "$line" ]; then
	echo "unit tests crashed (exit $rc)"
	failed=$((failed + 1))
else
	count "$line"
	[ $rc -ne 0 ] && ! echo "$line" | grep -q ' [1-9][0-9]* failed' && failed=$((failed + 1))
fi

for t in tests/e2e/t[0-9]*.sh; do
	case "$t" in *"$pattern"*) ;; *) continue ;; esac
	start=$(date +%s)
	bash "$t" >"$out" 2>&1
	rc=$?
	line=$(grep '^# t[0-9]' "$out" | tail -n 1)
	grep -E '^(not ok|# kept)' -A 40 "$out" | grep -v '^--$'
	if [ -z "$line" ]; then
		echo "$t: did not finish (exit $rc)"
		tail -n 20 "$out"
		failed=$((failed + 1))
		continue
	fi
	echo "$line ($(( $(date +%s) - start ))s)" | sed 's/^# //'
	count "$line"
done

if [ $skipped -gt 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[ $failed -eq 0 ]
