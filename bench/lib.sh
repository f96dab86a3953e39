# Helpers of the benchmarks (bench/bench-*.sh source this file).

# timed ARRAY CMD...: runs CMD with its output discarded and appends its wall
# time in microseconds to the array ARRAY; exits the benchmark when CMD
# fails, so that no figure is printed from a failed measurement.
timed() {
	local -n times=$1
	local start end
	shift
	start=$(date +%s%N)
	"$@" >/dev/null || { echo "benchmark command failed: $*" >&2; exit 1; }
	end=$(date +%s%N)
	times+=($(((end - start) / 1000)))
}

# The smallest of its arguments.
best() { printf "%s\n" "$@" | sort -n | head -n 1; }
