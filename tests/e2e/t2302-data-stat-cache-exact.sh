#!/bin/bash
# cairn data add: the stat cache and the reuse of an earlier parse are exact:
# a file rewritten in place with its mtime restored is noticed (ctime), and
# the reading options (--no-header, --delimiter, --format) are part of what
# a parse is reused for.
. "$(dirname "$0")/lib.sh"

columns() {
	cairn data show "$1" --json | python3 -c '
import json, sys
v = json.load(sys.stdin)
print(",".join(c["name"] for c in v["schema"] or []), v["rows"])'
}

test_expect_success 'setup' '
	cairn init >/dev/null &&
	printf "a,b\n1,2\n3,4\n" >t.csv &&
	touch -d "2020-01-01" t.csv
'

test_expect_success 'the same file with --no-header is read again, as a new version' '
	cairn data add t.csv >out &&
	test_grep "^Added t@1 .*2 rows x 2 columns" out &&
	test "$(columns t@1)" = "a,b 2" &&
	CAIRN_LOG=debug cairn data add t.csv --no-header >out 2>err &&
	test_grep "stat cache" err &&
	test_grep "^Added t@2 .*3 rows x 2 columns" out &&
	test "$(columns t@2)" != "a,b 2" &&
	test "$(columns t@2 | cut -d" " -f2)" = 3 &&
	cairn data show t@2 --json | grep -q "\"header\": false"
'

test_expect_success 'the same content and options again adds nothing' '
	cairn data add t.csv --no-header >out &&
	test_grep "^t@2 already holds this content" out
'

test_expect_success 'going back to detected options is a new version, parsed again' '
	cairn data add t.csv >out &&
	test_grep "^Added t@3 .*2 rows x 2 columns" out &&
	test "$(columns t@3)" = "a,b 2"
'

test_expect_success 'another delimiter or format is a new version too' '
	cairn data add t.csv --delimiter ";" >out &&
	test_grep "^Added t@4 .*2 rows x 1 columns" out &&
	cairn data add t.csv --format raw >out &&
	test_grep "^Added t@5" out &&
	cairn data show t@5 --json | grep -q "\"profile\": null"
'

test_expect_success 'a parse of the same content by another name is reused only under equal options' '
	cp -p t.csv u.csv &&
	cairn data add u.csv --header >out &&
	test_grep "^Added u@1 .*2 rows x 2 columns" out &&
	cairn data add u.csv --no-header --name u2 >out &&
	test_grep "^Added u2@1 .*3 rows x 2 columns" out
'

test_expect_success 'a file rewritten in place with the same size and mtime is noticed' '
	printf "aaaa" >blob.bin &&
	touch -d "2020-01-01" blob.bin &&
	cairn data add blob.bin >/dev/null &&
	CAIRN_LOG=debug cairn data add blob.bin >out 2>err &&
	test_grep "already holds" out &&
	test_grep "stat cache" err &&
	ino=$(stat -c %i blob.bin) &&
	printf "bbbb" >blob.bin && touch -d "2020-01-01" blob.bin &&
	test "$(stat -c %i blob.bin)" = "$ino" &&
	CAIRN_LOG=debug cairn data add blob.bin >out 2>err &&
	test_grep "^Added blob@2" out &&
	! grep -q "stat cache" err &&
	cairn data checkout blob@2 got.bin >/dev/null &&
	test "$(cat got.bin)" = bbbb
'

test_done
