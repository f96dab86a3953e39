#!/bin/bash
# cairn fsck: a changed byte in an object is found and named (exit 6), as is
# a deleted object file; unrecorded objects are recorded again (a note) and
# stray files are reported without failing.
. "$(dirname "$0")/lib.sh"

sha() { sha256sum "$1" | cut -d" " -f1; }
obj() { echo ".cairn/objects/${1:0:2}/${1:2}"; }

test_expect_success 'setup: a workspace with three objects' '
	cairn init >/dev/null &&
	head -c 2500000 /dev/urandom >a &&
	printf "bee\n" >b &&
	printf "sea\n" >c &&
	cairn object put a b c >hashes &&
	ha=$(sha a) && hb=$(sha b) && hc=$(sha c)
'

test_expect_success 'fsck of a sound store exits 0' '
	cairn fsck >out &&
	test_grep "^checked 3 objects \(2\.4 MiB\): 0 corrupt, 0 missing, 0 unrecorded, 0 stray; warnings: 3 unreferenced, 0 temporary$" out
'

test_expect_success 'a changed byte: fsck exits 6 and names the object' '
	f=$(obj "$(sha a)") &&
	chmod u+w "$f" &&
	python3 -c "import sys; f = open(sys.argv[1], \"r+b\"); f.seek(1000000); b = f.read(1); f.seek(1000000); f.write(bytes([b[0] ^ 0xff]))" "$f" &&
	test_expect_code 6 cairn fsck >out 2>err &&
	test_grep "^corrupt $(sha a): content hashes to [0-9a-f]{64}$" out &&
	test_grep "1 corrupt, 0 missing" out &&
	test_grep "^cairn: error: .*1 corrupt object" err
'

test_expect_success 'fsck --json reports the corruption' '
	test_expect_code 6 cairn fsck --json >out.json 2>err &&
	python3 - "$(sha a)" <<-\PY
	import json, sys
	v = json.load(open("out.json"))
	assert v["ok"] is False, v
	assert v["objects_checked"] == 3, v
	assert [p["hash"] for p in v["corrupt"]] == [sys.argv[1]], v
	assert v["missing"] == [] and v["stray"] == [], v
	PY
'

test_expect_success 'a deleted object file is reported missing' '
	rm -f "$(obj "$(sha b)")" &&
	test_expect_code 6 cairn fsck >out 2>err &&
	test_grep "^missing $(sha b): " out &&
	test_grep "1 corrupt, 1 missing" out &&
	test_grep "1 corrupt object, 1 missing object" err
'

test_expect_success 'repairing: delete the bad object and store the content again' '
	rm -f "$(obj "$(sha a)")" &&
	cairn object put a b >/dev/null &&
	cairn fsck >out &&
	test_grep "0 corrupt, 0 missing" out
'

test_expect_success 'a stray file is reported but does not fail fsck' '
	echo junk >.cairn/objects/junk &&
	mkdir -p .cairn/objects/zz &&
	cairn fsck >out &&
	test_grep "^stray .*/objects/junk: " out &&
	test_grep "^stray .*/objects/zz: " out &&
	test_grep "0 corrupt, 0 missing, 0 unrecorded, 2 stray" out &&
	rm -rf .cairn/objects/junk .cairn/objects/zz
'

if test_have sqlite3; then
	test_expect_success 'an object without a record is recorded again (a note)' '
		sqlite3 .cairn/cairn.db "DELETE FROM objects WHERE hash = '"'"'$(sha c)'"'"'" &&
		test "$(cairn object list | wc -l)" -eq 2 &&
		cairn fsck >out &&
		test_grep "^unrecorded $(sha c): " out &&
		test_grep "0 corrupt, 0 missing, 1 unrecorded" out &&
		test "$(cairn object list | wc -l)" -eq 3 &&
		cairn fsck >out &&
		test_grep "0 unrecorded" out
	'
else
	test_skip 'an object without a record is recorded again (a note)' 'sqlite3 not installed'
fi

example=$SRC_ROOT/build/examples/track-example
if [ -x "$example" ]; then
	test_expect_success 'a run artifact whose object is gone is a dangling record' '
		run=$("$example" 1) &&
		hash=$(cairn runs artifacts $run --json | python3 -c "import json, sys; print(json.load(sys.stdin)[0][\"hash\"])") &&
		obj=.cairn/objects/$(echo $hash | cut -c1-2)/$(echo $hash | cut -c3-) &&
		mv $obj saved-object &&
		test_expect_code 6 cairn fsck >out 2>err &&
		test_grep "^missing $hash: " out &&
		test_grep "^dangling run $run artifact summary.txt: its content, object $hash, is not stored" out &&
		test_grep "1 missing object, 1 record without its object" err &&
		cairn fsck --json >out.json || true &&
		python3 -c "import json, sys; d = json.load(open(\"out.json\")); assert not d[\"ok\"] and d[\"dangling\"][0][\"record\"] == \"run $run artifact summary.txt\"" &&
		mv saved-object $obj &&
		cairn fsck >out &&
		test_grep "0 corrupt, 0 missing" out
	'
else
	test_skip 'a run artifact whose object is gone is a dangling record' 'track-example not built'
fi

test_expect_success 'fsck --help, and usage errors' '
	cairn fsck --help >out &&
	test_grep "^usage: cairn fsck" out &&
	test_expect_code 2 cairn fsck extra 2>err &&
	test_grep "no arguments" err
'

test_done
