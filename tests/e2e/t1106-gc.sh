#!/bin/bash
# cairn gc: removes objects no record names and temporary files that
# interrupted writes left, once older than the grace period; keeps every
# referenced object (a directory version's files included); fsck names the
# same things as warnings.
. "$(dirname "$0")/lib.sh"

old() { touch -d '2 hours ago' "$@"; }
objpath() { echo ".cairn/objects/$(cut -c1-2 <"$1")/$(cut -c3- <"$1")"; }
tmpid=01m98end8rd02be0835b52fyeb

test_expect_success 'setup: datasets (a file, a directory), a run, loose objects, temporaries' '
	cairn init >/dev/null &&
	cp "$DATASETS/iris.csv" iris.csv &&
	cairn data add iris.csv >/dev/null &&
	mkdir -p tree/sub && echo one >tree/a.txt && echo two >tree/sub/b.txt &&
	cairn data add tree --name tree >/dev/null &&
	cairn train --data iris --target species --algo naive_bayes >/dev/null &&
	echo loose >loose.txt && cairn object put loose.txt >loose &&
	echo recent >recent.txt && cairn object put recent.txt >recent &&
	find .cairn/objects -type f -exec touch -d "2 hours ago" {} + &&
	touch -d "10 seconds ago" "$(objpath recent)" &&
	mkdir -p deep/er .cairn/tmp &&
	echo half >deep/er/.x.csv.cairn-tmp-$tmpid && old deep/er/.x.csv.cairn-tmp-$tmpid &&
	echo half >.y.cairn-tmp-$tmpid && touch -d "10 seconds ago" .y.cairn-tmp-$tmpid &&
	echo half >.cairn/tmp/acquire-$tmpid && old .cairn/tmp/acquire-$tmpid &&
	echo half >.cairn/objects/tmp-AbC123 && old .cairn/objects/tmp-AbC123 &&
	echo mine >deep/.notours.cairn-tmp-x && old deep/.notours.cairn-tmp-x
'

test_expect_success 'fsck names them as warnings and still exits 0' '
	cairn fsck >out &&
	test_grep "^unreferenced $(cat loose): no record names it" out &&
	test_grep "^unreferenced $(cat recent): " out &&
	test_grep "^temporary .*deep/er/\.x\.csv\.cairn-tmp-$tmpid: left by an interrupted write" out &&
	test_grep "^temporary .*\.cairn/tmp/acquire-$tmpid: " out &&
	test_grep "; warnings: 2 unreferenced, 3 temporary$" out &&
	cairn fsck --json >out.json &&
	python3 -c "
import json; r = json.load(open(\"out.json\"))
assert r[\"ok\"] and len(r[\"unreferenced\"]) == 2 and len(r[\"temporary\"]) == 3, r
"
'

test_expect_success 'gc --dry-run says what it would remove and removes nothing' '
	cairn gc --dry-run >out &&
	test_grep "^would remove object $(cat loose) \(6 bytes\)$" out &&
	test_grep "^would remove temporary .*deep/er/\.x\.csv\.cairn-tmp-$tmpid \(5 bytes\)$" out &&
	test_grep "^would remove 1 unreferenced object \(6 bytes\) and 3 temporary files \(15 bytes\); 1 unreferenced but recent object kept$" out &&
	test -f "$(objpath loose)" && test -f deep/er/.x.csv.cairn-tmp-$tmpid
'

test_expect_success 'gc removes the old unreferenced object and the stale temporaries only' '
	cairn gc >out &&
	test_grep "^removed 1 unreferenced object \(6 bytes\) and 3 temporary files \(15 bytes\); 1 unreferenced but recent object kept$" out &&
	test ! -e "$(objpath loose)" && test -f "$(objpath recent)" &&
	test ! -e deep/er/.x.csv.cairn-tmp-$tmpid && test ! -e .cairn/tmp/acquire-$tmpid &&
	test ! -e .cairn/objects/tmp-AbC123 &&
	test -f .y.cairn-tmp-$tmpid && test -f deep/.notours.cairn-tmp-x
'

test_expect_success 'everything referenced is intact: fsck is clean, checkouts work' '
	cairn fsck >out &&
	test_grep "0 corrupt, 0 missing, 0 unrecorded, 0 stray; warnings: 1 unreferenced, 0 temporary$" out &&
	cairn data checkout iris out.csv >/dev/null && cmp out.csv iris.csv &&
	cairn data checkout tree tree-out >/dev/null &&
	test "$(cat tree-out/sub/b.txt)" = two &&
	test_expect_code 4 cairn object get "$(cat loose)" 2>err &&
	cairn predict "$(cairn runs list --json | python3 -c "import json,sys; print(json.load(sys.stdin)[0][\"id\"])")" --data iris.csv >pred.csv &&
	test $(wc -l <pred.csv) = 151
'

test_expect_success 'gc --grace 0 takes the recent one too; --json reports it' '
	cairn gc --grace 0 --json >out.json &&
	python3 -c "
import json; r = json.load(open(\"out.json\"))
assert r[\"objects\"] == 1 and r[\"removed\"][0][\"hash\"] == open(\"recent\").read().strip(), r
assert r[\"temporaries\"] == 1 and r[\"removed\"][1][\"path\"].endswith(\".y.cairn-tmp-$tmpid\"), r
" &&
	cairn fsck >out && test_grep "0 stray$" out
'

test_expect_success 'gc --help, and bad arguments' '
	cairn gc --help >out && test_grep "^usage: cairn gc " out &&
	test_expect_code 2 cairn gc extra &&
	test_expect_code 2 cairn gc --grace soon
'

test_done
