#!/bin/bash
# cairn train and sweep: a test split holds out exactly the rows of `cairn
# data split`, a stop signal ends a training run KILLED, and a sweep trains
# every trial on the dataset version it resolved at its start, whatever is
# added under that name meanwhile.
. "$(dirname "$0")/lib.sh"

test_expect_success 'setup: iris with a row id' '
	cairn init >/dev/null &&
	awk -F, "BEGIN { OFS = \",\" } NR == 1 { print \"id\", \$0; next } { print NR - 1, \$0 }" \
		"$DATASETS/iris.csv" >ids.csv &&
	cairn data add ids.csv >/dev/null
'

test_expect_success 'train --test-split F --seed S holds out the rows of data split 1-F,F' '
	cairn train --data ids --target species --algo knn --test-split 0.2 --seed 7 \
		--json >train.json &&
	run=$(jq_py "d[\"run_id\"]" <train.json) &&
	cairn runs get-artifact $run split/test_rows.json rows.json &&
	test "$(jq_py "d[\"stratify\"]" <rows.json)" = species &&
	jq_py "\"\\n\".join(str(r + 1) for r in d[\"test_rows\"])" <rows.json >train-ids &&
	test $(wc -l <train-ids) = 30 &&
	cairn data split ids --ratios 0.8,0.2 --stratify species --seed 7 >/dev/null &&
	cairn data checkout ids-test@1 split-test.csv >/dev/null &&
	awk -F, "NR > 1 { print \$1 }" split-test.csv >split-ids &&
	test_cmp split-ids train-ids
'

test_expect_success 'another seed holds out other rows, the same as data split again' '
	cairn train --data ids --target species --algo knn --test-split 0.2 --seed 8 \
		--json >train8.json &&
	cairn runs get-artifact $(jq_py "d[\"run_id\"]" <train8.json) split/test_rows.json rows8.json &&
	jq_py "\"\\n\".join(str(r + 1) for r in d[\"test_rows\"])" <rows8.json >train8-ids &&
	! test_cmp train-ids train8-ids >/dev/null &&
	cairn data split ids --ratios 0.8,0.2 --stratify species --seed 8 \
		--names s8-train,s8-test >/dev/null &&
	cairn data checkout s8-test@1 s8-test.csv >/dev/null &&
	awk -F, "NR > 1 { print \$1 }" s8-test.csv >s8-ids &&
	test_cmp s8-ids train8-ids
'

test_expect_success 'SIGTERM stops cairn train: the run ends KILLED, exit 130' '
	cairn data add "$DATASETS/diamonds.csv" >/dev/null &&
	{ cairn train --data diamonds --target price --algo xgboost --param n_estimators=5000 \
		--param max_depth=8 --name long >out 2>err & } &&
	pid=$! &&
	for i in $(seq 100); do
		test $(cairn runs list --status RUNNING --json | jq_py "len(d)") -ge 1 && break
		sleep 0.1
	done &&
	sleep 1 &&
	kill -TERM $pid &&
	rc=0 && wait $pid || rc=$? &&
	test $rc = 130 &&
	test_grep "interrupted by SIGTERM" err &&
	test_grep "run .* KILLED" err &&
	cairn runs list --json | jq_py "\" \".join(r[\"status\"] for r in d if r[\"name\"] == \"long\")" >st &&
	test "$(cat st)" = KILLED
'

test_expect_success 'a version added during a sweep: every trial used the one resolved first' '
	{ cairn sweep --data diamonds --target price --algo xgboost --param max_depth=6 \
		--grid n_estimators=60,61,62,63 -j 1 --json >sweep.json 2>sweep.err & } &&
	pid=$! &&
	for i in $(seq 200); do
		test $(cairn runs list --status RUNNING --json | jq_py "len(d)") -ge 2 && break
		sleep 0.1
	done &&
	head -n 2000 "$DATASETS/diamonds.csv" >diamonds.csv &&
	cairn data add diamonds.csv --name diamonds >/dev/null &&
	cairn data show diamonds --json | jq_py "d[\"version\"]" >v &&
	test "$(cat v)" = 2 &&
	cairn runs list --json | jq_py "len([r for r in d if r[\"parent\"] and r[\"name\"].endswith((\"-3\", \"-4\"))])" >later &&
	wait $pid &&
	test "$(cat later)" = 0 &&
	test "$(jq_py "\" \".join(t[\"status\"] for t in d[\"trials\"])" <sweep.json)" = \
		"FINISHED FINISHED FINISHED FINISHED" &&
	for r in $(jq_py "\" \".join(t[\"run_id\"] for t in d[\"trials\"])" <sweep.json); do
		cairn runs show $r --json | jq_py "d[\"inputs\"][0][\"dataset\"]" >>inputs || exit 1
	done &&
	test "$(sort -u inputs)" = diamonds@1 &&
	cairn runs show $(jq_py "d[\"parent\"]" <sweep.json) --json |
		jq_py "d[\"inputs\"][0][\"dataset\"]" >parent-input &&
	test "$(cat parent-input)" = diamonds@1
'

test_done
