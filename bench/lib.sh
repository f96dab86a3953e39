# Helpers of the benchmarks (bench/bench-*.sh source this file).

# Runs a command with its output discarded and prints its wall time in
# microseconds; exits the benchmark when the command fails.
timed() {
	local start end
	start=$(date +%s%N)
	"$@" >/dev/null || { echo "benchmark command failed: $*" >&2; exit 1; }
	end=$(date +%s%N)
	echo $(((end - start) / 1000))
}

# The smallest of its arguments.
best() { printf "%s\n" "$@" | sort -n | head -n 1; }
