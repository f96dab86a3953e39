#!/bin/bash
# cairn gc never takes an object a writer is about to reference: a put that
# finds its content already stored marks the object as just used, so an old
# unreferenced object that a new dataset version or artifact is about to
# name stays; writers and gc running at once leave a sound store.
. "$(dirname "$0")/lib.sh"

old() { touch -d '2 hours ago' "$@"; }
objpath() { echo ".cairn/objects/$(cut -c1-2 <"$1")/$(cut -c3- <"$1")"; }

test_expect_success 'setup: an old object that no record names' '
	cairn init >/dev/null &&
	cp "$DATASETS/iris.csv" data.csv &&
	cairn object put data.csv >hash &&
	old "$(objpath hash)" &&
	cairn gc --dry-run >out &&
	test_grep "^would remove object $(cat hash) " out
'

test_expect_success 'storing the same content again marks it as just used: gc keeps it' '
	cairn object put data.csv >again && test_cmp hash again &&
	test "$(stat -c %Y "$(objpath hash)")" -gt "$(date -d "1 hour ago" +%s)" &&
	cairn gc >out &&
	test_grep "^removed 0 unreferenced objects .* 1 unreferenced but recent object kept$" out &&
	test -f "$(objpath hash)"
'

test_expect_success 'a data add of that content (the put before its record) keeps it, then references it' '
	old "$(objpath hash)" &&
	cairn data add data.csv --name d >/dev/null &&
	cairn gc >out &&
	test_grep "^removed 0 unreferenced objects" out &&
	cairn data checkout d out.csv >/dev/null && cmp out.csv data.csv
'

test_expect_success 'the same for a small content (hashed in memory) and a run artifact' '
	echo small >small.txt &&
	cairn object put small.txt >small && old "$(objpath small)" &&
	cairn train --data d --target species --algo naive_bayes >/dev/null &&
	cairn object put small.txt >/dev/null &&
	cairn gc >out && test -f "$(objpath small)"
'

test_expect_success 'writers and gc at once: every version is intact afterwards' '
	for i in 1 2 3 4 5 6; do
		sed "s/setosa/setosa$i/" data.csv >v$i.csv || exit 1
	done &&
	(for i in 1 2 3 4 5 6; do cairn data add v$i.csv --name v >/dev/null || exit 1; done) &
	writer=$! &&
	for i in 1 2 3 4 5 6; do cairn gc >/dev/null || exit 1; done &&
	wait $writer &&
	cairn gc >/dev/null &&
	cairn fsck >out && test_grep " 0 corrupt, 0 missing" out &&
	for i in 1 2 3 4 5 6; do
		cairn data checkout v@$i c$i.csv >/dev/null && cmp c$i.csv v$i.csv || exit 1
	done
'

test_done
