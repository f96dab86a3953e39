#!/bin/bash
# cairn train --cv K stores the out-of-fold predictions as the artifact
# cv/oof_predictions.csv: every training row once, with its fold (as in
# cv/folds.json), its true value, the prediction of the model that did not
# see it, and the class probabilities.
. "$(dirname "$0")/lib.sh"

test_expect_success 'setup' '
	cairn init >/dev/null &&
	cairn data add "$DATASETS/iris.csv" >/dev/null &&
	head -n 401 "$DATASETS/diamonds.csv" >diamonds.csv &&
	cairn data add diamonds.csv >/dev/null
'

test_expect_success 'classification: rows, folds, labels and probabilities' '
	cairn train --data iris --target species --algo logistic --cv 5 --seed 2 --json >cv.json &&
	run=$(jq_py "d[\"run_id\"]" <cv.json) &&
	cairn runs get-artifact $run cv/oof_predictions.csv oof.csv >/dev/null &&
	cairn runs get-artifact $run cv/folds.json folds.json >/dev/null &&
	test "$(head -n 1 oof.csv)" = "row,fold,true,prediction,proba_setosa,proba_versicolor,proba_virginica" &&
	test $(wc -l <oof.csv) -eq 151 &&
	python3 - <<-\PYEOF
	import csv, json
	rows = list(csv.DictReader(open("oof.csv")))
	folds = json.load(open("folds.json"))["test_rows"]
	fold_of = {r: f for f, rs in enumerate(folds) for r in rs}
	assert [int(r["row"]) for r in rows] == list(range(150)), "every row once, in order"
	for r in rows:
	    assert fold_of[int(r["row"])] == int(r["fold"]), r
	    p = [float(r["proba_" + c]) for c in ("setosa", "versicolor", "virginica")]
	    assert abs(sum(p) - 1) < 1e-9, r
	    assert r["prediction"] == ("setosa", "versicolor", "virginica")[p.index(max(p))], r
	correct = sum(r["true"] == r["prediction"] for r in rows)
	assert correct >= 135, correct
	PYEOF
'

test_expect_success 'the true column is the data'"'"'s target' '
	tail -n +2 "$DATASETS/iris.csv" | cut -d, -f5 >expect &&
	tail -n +2 oof.csv | cut -d, -f3 >actual &&
	test_cmp expect actual
'

test_expect_success 'regression with a held-out split: only the training rows' '
	cairn train --data diamonds --target price --algo xgboost --cv 3 --test-split 0.25 \
		--param n_estimators=20 --json >reg.json &&
	run=$(jq_py "d[\"run_id\"]" <reg.json) &&
	cairn runs get-artifact --force $run cv/oof_predictions.csv oof.csv >/dev/null &&
	cairn runs get-artifact $run split/test_rows.json split.json >/dev/null &&
	test "$(head -n 1 oof.csv)" = "row,fold,true,prediction" &&
	test $(wc -l <oof.csv) -eq 301 &&
	python3 - <<-\PYEOF
	import csv, json
	rows = list(csv.DictReader(open("oof.csv")))
	held = set(json.load(open("split.json"))["test_rows"])
	assert not held & {int(r["row"]) for r in rows}
	for r in rows:
	    float(r["prediction"])
	PYEOF
'

test_done
