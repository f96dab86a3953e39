#!/bin/bash
# cairn models check: the schema gate against the holder refuses an input
# column removed (train --drop) or retyped, and other classes; a column added
# is allowed.
. "$(dirname "$0")/lib.sh"

test -n "$SHARED_DATASETS" || test_skip_all 'no shared datasets (../shared/datasets)'

train() {
	cairn train --target diagnosis --algo logistic --json "$@" | jq_py 'd["run_id"]'
}

test_expect_success 'setup: a holder and candidates with other inputs and classes' '
	cairn init >/dev/null &&
	cp "$SHARED_DATASETS/breast_cancer.csv" bc.csv &&
	cairn data add bc.csv >/dev/null &&
	awk -F, "BEGIN { OFS = \",\" } NR > 1 { \$2 = \"t\" \$2 } { print }" bc.csv >retyped.csv &&
	cairn data add retyped.csv >/dev/null &&
	sed "s/,benign\$/,B/; s/,malignant\$/,M/" bc.csv >relabelled.csv &&
	cairn data add relabelled.csv >/dev/null &&
	train --data bc >holder &&
	train --data bc --drop mean_radius >dropped &&
	train --data retyped >retyped &&
	train --data relabelled >relabelled &&
	printf "models:\n  bc:\n    gates:\n      schema: compatible\n" >cairn.yaml
'

test_expect_success 'the same inputs pass' '
	cairn models check $(cat holder) --against $(cat holder) >out &&
	test_grep "^schema  *0  .*pass  *the same 30 input columns" out
'

test_expect_success 'a column dropped is refused' '
	test_expect_code 1 cairn models check $(cat dropped) --against $(cat holder) >out &&
	test_grep "^schema  *1  .*FAIL  *removed: mean_radius\$" out &&
	test_grep "^FAIL: 0 passed, 1 failed" out
'

test_expect_success 'a column retyped is refused' '
	test_expect_code 1 cairn models check $(cat retyped) --against $(cat holder) --json >r.json &&
	jq_py "d[\"gates\"][0][\"detail\"]" <r.json >detail &&
	test_grep "^retyped: mean_texture \(double -> string\)\$" detail
'

test_expect_success 'other classes are refused' '
	test_expect_code 1 cairn models check $(cat relabelled) --against $(cat holder) >out &&
	test_grep "FAIL  *classes \[B, M\], the holder.s \[benign, malignant\]" out
'

test_expect_success 'a column added is allowed' '
	cairn models check $(cat holder) --against $(cat dropped) >out &&
	test_grep "^schema  *0  .*pass  *added \(allowed\): mean_radius\$" out
'

test_expect_success 'without a holder the schema gate is skipped' '
	cairn models check $(cat dropped) >out &&
	test_grep "^schema .*skip  *no holder to compare with" out
'

test_done
