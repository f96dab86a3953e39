#!/bin/sh
# Runs every benchmark (bench/bench-*.sh) and prints their result lines; each
# prints its figure as a ratio against a peer or a limit measured in the same
# run. Timings never gate the test suite. Usage: bench/run.sh [PATTERN]
cd "$(dirname "$0")/.." || exit 1
status=0
for b in bench/bench-*.sh; do
	[ -e "$b" ] || continue
	case "$b" in *"${1:-}"*) ;; *) continue ;; esac
	bash "$b" || { echo "$b: failed"; status=1; }
done
exit $status
