#!/bin/bash
# Every fuzz target (fuzz/fuzz-*.c) replays its seed corpus, then a short
# libFuzzer run from it: 5,000 inputs of seed 1, the same inputs each time.
# FUZZ_SECONDS=N fuzzes each target for N seconds instead (as `make fuzz`
# does, without keeping what it finds). Skipped when clang is missing.
. "$(dirname "$0")/lib.sh"

command -v clang >/dev/null 2>&1 ||
	test_skip_all "clang (with libFuzzer) is missing, so no fuzz target is built"

if [ -n "${FUZZ_SECONDS:-}" ]; then
	run="-max_total_time=$FUZZ_SECONDS" done="Done [0-9]* runs" what="${FUZZ_SECONDS}s of fuzzing"
else
	run="-runs=5000 -seed=1" done="Done 5000 runs" what="5,000 inputs"
fi

for src in "$SRC_ROOT"/fuzz/fuzz-*.c; do
	name=$(basename "$src" .c)
	name=${name#fuzz-}
	f="$SRC_ROOT/build/fuzz/fuzz-$name"
	seeds="$SRC_ROOT/fuzz/corpus/$name"
	test_expect_success "fuzz target $name replays its seeds, then survives $what" "
		'$f' '$seeds'/* 2>log &&
		test \$(grep -c '^Executed ' log) -eq \$(ls '$seeds' | wc -l) &&
		mkdir -p corpus-$name &&
		'$f' $run corpus-$name '$seeds' 2>log &&
		grep -q '$done' log
	"
done

test_done
