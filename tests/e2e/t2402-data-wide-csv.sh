#!/bin/bash
# Very wide tabular files: more columns than CAIRN_CSV_MAX_COLUMNS (16384) are
# refused at once with a message naming the count and the limit (CSV and JSON
# lines); a wide file under the limit adds, and a repeated column name far
# into the header is found (the check is hashed, not quadratic).
. "$(dirname "$0")/lib.sh"

wide() { # COLUMNS ROWS [DUPLICATE-AT]
	python3 -c "
import sys
n, rows, dup = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
names = ['c%d' % i for i in range(n)]
if dup:
    names[dup] = names[1]
print(','.join(names))
for r in range(rows):
    print(','.join(str((i * 7 + r) % 13) for i in range(n)))
" "$1" "$2" "${3:-0}"
}

test_expect_success 'setup' '
	cairn init >/dev/null
'

test_expect_success 'a 100,000-column CSV is refused with the count and the limit' '
	wide 100000 2 >w100k.csv &&
	capped test_expect_code 5 cairn data add w100k.csv 2>err &&
	test_grep "^cairn: error: .w100k\.csv. line 1: 100000 columns, more than cairn reads \(16384\)$" err &&
	test_expect_code 4 cairn data show w100k
'

test_expect_success 'one column over the limit is refused, in a header-less file too' '
	wide 16385 1 | tail -n 1 >over.csv &&
	test_expect_code 5 cairn data add over.csv 2>err &&
	test_grep "16385 columns, more than cairn reads \(16384\)" err
'

test_expect_success 'a JSON lines file with too many keys is refused' '
	python3 -c "
import json
print(json.dumps({\"k%d\" % i: i for i in range(16400)}))
" >wide.jsonl &&
	test_expect_code 5 cairn data add wide.jsonl 2>err &&
	test_grep "^cairn: error: .wide\.jsonl. line 1: more than 16384 columns" err
'

test_expect_success 'a 5,000-column CSV adds' '
	wide 5000 3 >w5k.csv &&
	cairn data add w5k.csv >out &&
	test_grep "3 rows x 5000 columns" out
'

test_expect_success 'a name repeated far apart in a wide header is an error naming both fields' '
	wide 5000 2 4900 >dup.csv &&
	test_expect_code 5 cairn data add dup.csv --header 2>err &&
	test_grep "the header names column .c1. twice \(fields 2 and 4901\)" err
'

test_done
