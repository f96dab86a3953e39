#!/bin/bash
# A header line repeated inside the data (CSV files concatenated with their
# headers) is an error naming the line, not a row of strings.
. "$(dirname "$0")/lib.sh"

test_expect_success 'setup' '
	cairn init >/dev/null &&
	printf "a,b,c\n1,2.5,x\n2,3.5,y\n" >one.csv &&
	cat one.csv one.csv >twice.csv
'

test_expect_success 'data add refuses a concatenated CSV, naming the line' '
	test_expect_code 5 cairn data add twice.csv 2>err &&
	test_grep "^cairn: error: .twice\.csv. line 4: the header line again \(concatenated files\?\)" err &&
	test_expect_code 4 cairn data show twice
'

test_expect_success 'the repeated header is found far into a large file' '
	python3 -c "
print(\"a,b,c\")
for i in range(200000):
    if i == 150000:
        print(\"a,b,c\")
    print(\"%d,%d.5,x%d\" % (i, i, i % 7))
" >big.csv &&
	test_expect_code 5 cairn data add big.csv 2>err &&
	test_grep "big\.csv. line 150002: the header line again" err
'

test_expect_success 'a row equal to the header in a header-less file is data' '
	printf "1,2\n3,4\n1,2\n" >nohead.csv &&
	cairn data add nohead.csv >out &&
	test_grep "3 rows x 2 columns" out
'

test_done
