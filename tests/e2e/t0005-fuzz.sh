#!/bin/bash
# A short libFuzzer run of every fuzz target (fuzz/fuzz-*.c) from its seed
# corpus; `make fuzz` runs them for longer. Skipped when clang is missing.
. "$(dirname "$0")/lib.sh"

command -v clang >/dev/null 2>&1 ||
	test_skip_all "clang (with libFuzzer) is missing, so no fuzz target is built"

for src in "$SRC_ROOT"/fuzz/fuzz-*.c; do
	name=$(basename "$src" .c)
	name=${name#fuzz-}
	f="$SRC_ROOT/build/fuzz/fuzz-$name"
	test_expect_success "fuzz target $name survives 50,000 inputs" "
		mkdir -p corpus-$name &&
		'$f' -runs=50000 -seed=1 corpus-$name '$SRC_ROOT/fuzz/corpus/$name' 2>log &&
		grep -q 'Done 50000 runs' log
	"
done

test_done
