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

# python_with MODULE...: prints the first of python3 and /usr/bin/python3
# that imports every MODULE, or fails. Debian's python3-* packages are for
# Debian's python3, which may not be first on PATH.
python_with() {
	local candidate modules
	modules=$(IFS=,; echo "$*")
	for candidate in python3 /usr/bin/python3; do
		if "$candidate" -c "import $modules" 2>/dev/null; then
			echo "$candidate"
			return 0
		fi
	done
	return 1
}

# The smallest of its arguments.
best() { printf "%s\n" "$@" | sort -n | head -n 1; }
