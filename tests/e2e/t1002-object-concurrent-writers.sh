#!/bin/bash
# Eight `cairn object put` processes at once, each storing 1,000 small files
# in one invocation (each object its own commit): every object is stored and
# recorded, and no writer fails or sees "database is locked".
. "$(dirname "$0")/lib.sh"

test_expect_success 'setup: 8 x 1000 distinct small files' '
	cairn init >/dev/null &&
	awk "BEGIN {
		for (p = 0; p < 8; p++) {
			system(\"mkdir -p in/\" p)
			for (i = 0; i < 1000; i++) {
				f = \"in/\" p \"/f\" i
				printf \"writer %d file %d\\n\", p, i > f
				close(f)
			}
		}
	}" &&
	test "$(find in -type f | wc -l)" -eq 8000
'

test_expect_success '8 concurrent writers all succeed' '
	for p in 0 1 2 3 4 5 6 7; do
		(cd in/$p && ls | sort -V) >list.$p &&
		(cd in/$p && exec cairn object put $(cat ../../list.$p)) >out.$p 2>err.$p &
		eval "pid$p=\$!"
	done &&
	failed=0 &&
	for p in 0 1 2 3 4 5 6 7; do
		eval "wait \$pid$p" || { echo "writer $p exited $?"; failed=1; }
	done &&
	cat err.* &&
	test $failed -eq 0
'

test_expect_success 'no writer reported a locked database or any error' '
	for p in 0 1 2 3 4 5 6 7; do
		test ! -s err.$p || { cat err.$p; false; }
	done &&
	! grep -i "locked" err.*
'

test_expect_success 'each writer printed the right 1000 hashes' '
	for p in 0 1 2 3 4 5 6 7; do
		(cd in/$p && sha256sum $(cat ../../list.$p) | cut -d" " -f1) >expect.$p &&
		test_cmp expect.$p out.$p || exit 1
	done
'

test_expect_success 'object list has exactly the 8000 objects' '
	cairn object list >list &&
	test "$(wc -l <list)" -eq 8000 &&
	cut -d" " -f1 list >listed &&
	sort -u out.* >expect &&
	test_cmp expect listed &&
	test "$(find .cairn/objects -type f | wc -l)" -eq 8000
'

test_expect_success 'fsck agrees' '
	cairn fsck >out &&
	test_grep "checked 8000 objects.*0 corrupt, 0 missing, 0 unrecorded, 0 stray" out
'

test_done
