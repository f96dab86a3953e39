#!/bin/bash
# Numbers at the edges of their types: length_between bounds up to the
# largest 64-bit integer are printed as written; a metric beyond a double's
# range (1e309) is a usage error, not a silent infinity (inf is still one).
. "$(dirname "$0")/lib.sh"

test_expect_success 'setup' '
	cairn init >/dev/null &&
	printf "id,name\n1,ab\n2,abc\n" >t.csv &&
	cairn data add t.csv >/dev/null
'

test_expect_success 'length_between prints a 64-bit max exactly' '
	cat >s.yaml <<-\EOT &&
	suite: s
	expectations:
	  - expect: length_between
	    column: name
	    min: 0
	    max: 9223372036854775807
	  - expect: length_between
	    column: name
	    max: 9007199254740993
	EOT
	cairn data check t --suite s.yaml >out &&
	test_grep "^ok     1  length_between name \(min 0, max 9223372036854775807\)" out &&
	test_grep "^ok     2  length_between name \(max 9007199254740993\)" out &&
	cairn data check t --suite s.yaml --json >out.json &&
	python3 -c "
text = open(\"out.json\").read()
assert \"9223372036854775807\" in text and \"9007199254740993\" in text, text
"
'

test_expect_success 'a length bound beyond 64 bits is a suite error saying the range' '
	printf "suite: s\nexpectations:\n  - expect: length_between\n    column: name\n    max: 18446744073709551615\n" >big.yaml &&
	test_expect_code 5 cairn data check t --suite big.yaml 2>err &&
	test_grep "must be whole numbers from 0 to 9223372036854775807" err
'

test_expect_success 'log metric refuses 1e309 and -1e309, takes inf' '
	cairn run --name m -- sh -c "
		echo \$CAIRN_RUN_ID >run
		cairn log metric loss 1e309 2>err1; echo \$? >rc1
		cairn log metric loss -1e309 2>err2; echo \$? >rc2
		cairn log metric loss inf && cairn log metric loss 1e-400
	" &&
	test "$(cat rc1)" = 2 && test "$(cat rc2)" = 2 &&
	test_grep "metric .loss.: .1e309. is beyond the range of a double \(write inf or -inf for an infinity\)" err1 &&
	test_grep "metric .loss.: .-1e309. is beyond the range" err2 &&
	cairn metrics history $(cat run) loss --json >pts.json &&
	python3 -c "
import json
pts = json.load(open(\"pts.json\"))
assert [p[\"value\"] for p in pts] == [\"Infinity\", 0.0], pts
"
'

test_done
