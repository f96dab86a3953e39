#!/bin/bash
# kill -9 during `cairn object put` of a large file, at several moments: the
# object is afterwards either absent or complete, and fsck finds the store
# sound (no partial object under a final name, no record without its file).
# The moments are fractions of a full put's duration, measured first, so the
# kills fall in the same phases of the put for any size: 128 MiB takes long
# enough that they land apart (a put of a larger file only writes more).
. "$(dirname "$0")/lib.sh"

sha() { sha256sum "$1" | cut -d" " -f1; }

test_expect_success 'setup: a 128 MiB random file, and how long a put of it takes' '
	head -c 128M /dev/urandom >big &&
	sha big >big.sha &&
	best=999999 &&
	for try in 1 2; do
		rm -rf .cairn && cairn init >/dev/null && sync &&
		start=$(date +%s%N) &&
		cairn object put big >out &&
		ms=$((($(date +%s%N) - start) / 1000000)) &&
		test_cmp big.sha out &&
		if test $ms -lt $best; then best=$ms; fi
	done &&
	echo $best >put.ms &&
	echo "a full put takes $best ms"
'

# Kill at these fractions (in percent) of a full put's duration: while
# opening, early and late in the copy, and around the final fsync and link.
i=0
for pct in 2 15 35 55 75 90 97 100 105 115 130 170; do
	i=$((i + 1))
	test_expect_success "kill -9 at ${pct}% of a put leaves no object or a complete one" '
		rm -rf .cairn && cairn init >/dev/null && sync &&
		delay=$(awk "BEGIN { printf \"%.3f\", $(cat put.ms) * '"$pct"' / 100000 }") &&
		{ cairn object put big >out 2>err & } &&
		pid=$! &&
		sleep "$delay" &&
		{ kill -9 $pid 2>/dev/null || echo "the put had finished"; } &&
		{ wait $pid || echo "put exited $?"; } &&
		h=$(cat big.sha) &&
		f=".cairn/objects/${h:0:2}/${h:2}" &&
		files=$(find .cairn/objects -type f | wc -l) &&
		if test -e "$f"; then
			echo "object present after ${delay}s" &&
			test "$files" -eq 1 &&
			test "$(stat -c %s "$f")" -eq $((128 << 20)) &&
			cairn object get "$h" | cmp - big
		else
			echo "object absent after ${delay}s" &&
			test "$files" -eq 0 &&
			test -z "$(cairn object list)"
		fi &&
		cairn fsck >fsck.out &&
		test_grep " 0 corrupt, 0 missing, [01] unrecorded, 0 stray" fsck.out
	'
done

test_expect_success 'after the kills, a put completes and is sound' '
	cairn object put big >out &&
	test_cmp big.sha out &&
	cairn fsck >fsck.out &&
	test_grep "checked 1 object .* 0 corrupt, 0 missing" fsck.out
'

test_expect_success 'cleanup' '
	rm -rf big .cairn
'

test_done
