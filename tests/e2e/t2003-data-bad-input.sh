#!/bin/bash
# Malformed tabular data is refused with the source, the line and the
# problem, a non-zero exit, and no dataset version recorded.
. "$(dirname "$0")/lib.sh"

# refuse FILE PATTERN: adding FILE exits 5 naming PATTERN, and records nothing.
refuse() {
	test_expect_code 5 cairn data add "$1" --name bad 2>err &&
	test_grep "$2" err &&
	test_expect_code 4 cairn data show bad 2>/dev/null &&
	test -z "$(ls .cairn/tmp 2>/dev/null)"
}

test_expect_success 'setup' '
	cairn init >/dev/null
'

test_expect_success 'ragged rows' '
	printf "a,b,c\n1,2,3\n4,5\n6,7,8\n" >ragged.csv &&
	refuse ragged.csv "^cairn: error: .ragged.csv. line 3: 2 fields, expected 3$"
'

test_expect_success 'invalid UTF-8' '
	printf "name,n\nok,1\n\xc3\x28bad,2\n" >utf8.csv &&
	refuse utf8.csv "^cairn: error: .utf8.csv. line 3: field 1 is not valid UTF-8"
'

test_expect_success 'an unterminated quote' '
	printf "a,b\n1,\"open\n2,3\n4,5\n" >quote.csv &&
	refuse quote.csv "^cairn: error: .quote.csv. line 2: field 2 opens a quote that is never closed$"
'

test_expect_success 'text after a closing quote' '
	printf "a,b\n1,\"x\"y\n" >after.csv &&
	refuse after.csv "line 2: field 2 has .y. after its closing quote"
'

test_expect_success 'an empty file' '
	: >empty.csv &&
	refuse empty.csv "^cairn: error: .empty.csv. is empty$"
'

test_expect_success 'a 10 MB line' '
	{ echo "a,b"; printf "1,"; head -c 10000000 /dev/zero | tr "\0" x; echo; } >long.csv &&
	refuse long.csv "^cairn: error: .long.csv. line 2: the record is longer than"
'

test_expect_success 'a binary file' '
	head -c 4096 /dev/urandom >bin.csv &&
	printf "\0\0\0" >>bin.csv &&
	refuse bin.csv "bin.csv.* (NUL bytes|not valid UTF-8)"
'

test_expect_success 'bad JSON lines' '
	printf "{\"a\": 1}\n{\"a\": \n" >bad.jsonl &&
	refuse bad.jsonl "^cairn: error: .bad.jsonl. line 2 column [0-9]+: invalid JSON" &&
	printf "{\"a\": 1}\n[1, 2]\n" >arr.jsonl &&
	refuse arr.jsonl "line 2: expected a JSON object"
'

test_expect_success 'a missing source, a directory that is empty, a device' '
	test_expect_code 4 cairn data add nowhere.csv 2>err &&
	test_grep "cannot add .nowhere.csv.: No such file" err &&
	mkdir hollow &&
	test_expect_code 2 cairn data add hollow 2>err &&
	test_grep "holds no files" err &&
	test_expect_code 2 cairn data add /dev/null --name devnull 2>err &&
	test_grep "not a regular file" err
'

test_expect_success 'after all that, nothing is in the catalog' '
	cairn data list --json >list.json &&
	test "$(cat list.json)" = "[]"
'

test_expect_success 'a file of unknown format that does not parse is stored as raw data' '
	head -c 1000 /dev/urandom >blob.dat &&
	cairn data add blob.dat >out &&
	test_grep "^Added blob@1 \(sha256 [0-9a-f]{12}, 1000 B\)$" out
'

test_done
