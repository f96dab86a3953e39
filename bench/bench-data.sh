#!/bin/bash
# cairn data add of a 1 GiB CSV (20 numeric and 5 categorical columns, about
# 6.5 million rows; hashing, storing, parsing and profiling) against
# `openssl dgst -sha256` of the same file (goal: at most 3x), re-adding it
# unchanged against a 50 ms limit (the stat cache), and, where python3-pandas
# is installed, against pandas read_csv + describe() (goal: cairn at least 3x
# faster). Best of 3, measured in this run, the file in the page cache.
cd "$(dirname "$0")/.." || exit 1
root=$PWD
. bench/lib.sh
cairn=$root/cairn
work=$root/bench/work/data
bytes=${BENCH_DATA_BYTES:-1073741824}
runs=3

[ -x "$cairn" ] || { echo "data add: $cairn not built" >&2; exit 1; }
rm -rf "$work"
mkdir -p "$work" && cd "$work" || exit 1
trap 'cd "$root" && rm -rf "$work"' EXIT
unset CAIRN_DIR

cc -O2 -o gen-csv "$root/bench/gen-csv.c" || exit 1
./gen-csv "$bytes" >big.csv || exit 1
# An existing file, not one written this instant (which the stat cache
# rightly refuses to trust).
touch -d "1 minute ago" big.csv
sync

add=() dgst=() again=()
for i in $(seq $runs); do
	rm -rf .cairn && "$cairn" init >/dev/null
	sync
	timed dgst openssl dgst -sha256 big.csv
	timed add "$cairn" data add big.csv
done
for i in $(seq $runs); do
	timed again "$cairn" data add big.csv
done
"$cairn" data show big --json | grep -q '"cols": 25' || { echo "data add: wrong schema" >&2; exit 1; }

t_add=$(best "${add[@]}") t_dgst=$(best "${dgst[@]}") t_again=$(best "${again[@]}")
mib=$((bytes / 1048576))
awk -v a="$t_add" -v d="$t_dgst" -v g="$t_again" -v mib="$mib" 'BEGIN {
	printf "data add (new, %d MiB CSV): %.2f s vs openssl dgst %.2f s = %.2fx (goal <= 3x)\n",
		mib, a / 1e6, d / 1e6, a / d
	printf "data add (unchanged, %d MiB CSV): %.1f ms vs limit 50 ms = %.2fx (goal <= 1x)\n",
		mib, g / 1e3, g / 50e3
}'

if py=$(python_with pandas); then
	pandas=()
	for i in $(seq $runs); do
		timed pandas "$py" -c "import pandas as pd; pd.read_csv('big.csv').describe()"
	done
	t_pd=$(best "${pandas[@]}")
	awk -v a="$t_add" -v p="$t_pd" -v mib="$mib" 'BEGIN {
		printf "data add vs pandas read_csv + describe() (%d MiB CSV): %.2f s vs %.2f s = cairn %.2fx faster (goal >= 3x)\n",
			mib, a / 1e6, p / 1e6, p / a
	}'
else
	echo "data add vs pandas: SKIP (python3-pandas is not installed)"
fi
