#!/bin/bash
# The object store against the tools that do the same work: storing a new
# 1 GiB file vs `openssl dgst -sha256` + `cp` + `sync` (hash, copy, make
# durable), and storing it again vs `openssl dgst -sha256` alone. Best of 3
# for every figure, measured in this run on a file in the page cache; the
# store is dropped between the runs of a new put.
cd "$(dirname "$0")/.." || exit 1
root=$PWD
cairn=$root/cairn
work=$root/bench/work/objects
size_mib=${BENCH_OBJECTS_MIB:-1024}
runs=3

if ! command -v openssl >/dev/null 2>&1; then
	echo "object put: SKIP (openssl not installed, needed as the peer)"
	exit 0
fi
[ -x "$cairn" ] || { echo "object put: $cairn not built" >&2; exit 1; }

rm -rf "$work"
mkdir -p "$work" && cd "$work" || exit 1
trap 'cd "$root" && rm -rf "$work"' EXIT
unset CAIRN_DIR

head -c "${size_mib}M" /dev/urandom >big || exit 1
sync

# Prints the seconds (with nanoseconds) that the command took.
timed() {
	local start end
	sync
	start=$(date +%s%N)
	"$@" >/dev/null || { echo "benchmark command failed: $*" >&2; exit 1; }
	end=$(date +%s%N)
	echo $(((end - start) / 1000)) # microseconds
}

best() { # best of the arguments (microseconds)
	printf "%s\n" "$@" | sort -n | head -n 1
}

fresh_store() {
	rm -rf .cairn copy
	"$cairn" init >/dev/null || exit 1
}

cp_sync() {
	cp big copy && sync
}

put_new=() dgst=() cp_s=() put_again=()
for i in $(seq $runs); do
	fresh_store
	put_new+=("$(timed "$cairn" object put big)")
	dgst+=("$(timed openssl dgst -sha256 big)")
	rm -f copy
	cp_s+=("$(timed cp_sync)")
	rm -f copy
done
for i in $(seq $runs); do
	put_again+=("$(timed "$cairn" object put big)")
done
[ "$("$cairn" object list | wc -l)" -eq 1 ] || { echo "expected one object" >&2; exit 1; }

t_new=$(best "${put_new[@]}")
t_dgst=$(best "${dgst[@]}")
t_cp=$(best "${cp_s[@]}")
t_again=$(best "${put_again[@]}")
label=$([ "$size_mib" -eq 1024 ] && echo "1 GiB" || echo "$size_mib MiB")

awk -v new="$t_new" -v dgst="$t_dgst" -v cp="$t_cp" -v again="$t_again" -v label="$label" 'BEGIN {
	printf "object put (new, %s): %.2f s vs dgst+cp+sync %.2f s = %.2fx (goal <= 1.0x)\n",
		label, new / 1e6, (dgst + cp) / 1e6, new / (dgst + cp)
	printf "object put (again, %s): %.2f s vs dgst %.2f s = %.2fx (goal <= 1.1x)\n",
		label, again / 1e6, dgst / 1e6, again / dgst
}'
