#!/bin/bash
# Bad numbers in features and targets are bad data (exit 5) naming the
# column and row, in train, predict and evaluate: an infinity is refused, a
# NaN is a missing value in a feature and refused in a target.
. "$(dirname "$0")/lib.sh"

test_expect_success 'setup: iris, and copies with inf and nan' '
	cairn init >/dev/null &&
	cp "$DATASETS/iris.csv" iris.csv &&
	cairn data add iris.csv >/dev/null &&
	sed "4s/^4.7,/inf,/" iris.csv >inf.csv &&
	sed "4s/^4.7,/-inf,/" iris.csv >neginf.csv &&
	sed "4s/^4.7,/nan,/" iris.csv >nan.csv &&
	awk -F, -v OFS=, "NR > 1 && NR % 7 == 0 { \$1 = \"nan\" } 1" iris.csv >nans.csv &&
	cut -d, -f1-4 iris.csv | sed "5s/,[^,]*\$/,inf/" >inf-target.csv &&
	cut -d, -f1-4 iris.csv | sed "5s/,[^,]*\$/,nan/" >nan-target.csv &&
	for d in inf neginf nans inf-target nan-target; do
		cairn data add $d.csv >/dev/null || return 1
	done
'

for algo in logistic xgboost knn; do
	test_expect_success "train $algo: an infinite feature exits 5 naming the cell" "
		test_expect_code 5 cairn train --data inf --target species --algo $algo 2>err &&
		test_grep \"column .sepal_length. of .inf@1., data row 3: inf is not a finite number\" err &&
		test_expect_code 5 cairn train --data neginf --target species --algo $algo 2>err &&
		test_grep \"data row 3: -inf is not a finite number\" err
	"
done

test_expect_success 'an infinite or NaN regression target exits 5' '
	test_expect_code 5 cairn train --data inf-target --target petal_width --algo linear 2>err &&
	test_grep "column .petal_width. of .inf-target@1., data row 4: inf is not a finite number .the target." err &&
	test_expect_code 5 cairn train --data nan-target --target petal_width --algo xgboost 2>err &&
	test_grep "target column .petal_width. of .nan-target@1. is empty in 1 of 150" err
'

test_expect_success 'a NaN feature is a missing value: imputed like an empty cell' '
	cairn train --data nans --target species --algo logistic --json >nan.json &&
	run=$(jq_py "d[\"run_id\"]" <nan.json) &&
	acc=$(jq_py "d[\"metrics\"][\"train\"][\"accuracy\"]" <nan.json) &&
	python3 -c "import sys; sys.exit(0 if $acc >= 0.8 else 1)" &&
	sed "s/^nan,/,/" nans.csv >empty.csv &&
	cairn predict $run --data nans.csv >p-nan &&
	cairn predict $run --data empty.csv >p-empty &&
	test_cmp p-empty p-nan &&
	echo $run >run
'

test_expect_success 'predict and evaluate: an infinite feature exits 5' '
	run=$(cat run) &&
	test_expect_code 5 cairn predict $run --data inf.csv 2>err &&
	test_grep "column .sepal_length. of .inf.csv., data row 3: inf is not a finite number" err &&
	test_expect_code 5 cairn evaluate $run --data inf.csv 2>err &&
	test_grep "data row 3: inf is not a finite number" err &&
	test_expect_code 5 cairn evaluate $run --data neginf 2>err &&
	test_grep "data row 3: -inf is not a finite number" err
'

test_expect_success 'a word in a numeric feature still exits 5' '
	run=$(cat run) &&
	sed "6s/^5.0,/five,/" iris.csv >word.csv &&
	test_expect_code 5 cairn predict $run --data word.csv 2>err &&
	test_grep "five" err
'

test_done
