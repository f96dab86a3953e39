#!/bin/bash
# cairn monitor performance of a regressor: rmse, mae and r2 of the served
# predictions against numeric feedback, in windows of labelled predictions,
# computed here from the export; a label that is not a number counted
# apart; one window without --window; a run served as a package, its
# records told apart from the registered version's.
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/helpers/serve.sh"
. "$TEST_DIRECTORY/helpers/monitor.sh"

# ask ID SL SW PL: one row of model $model under X-Request-ID ID.
model=width
ask() {
	monitor_invoke $model "$1" "{\"dataframe_split\": {\"columns\": [\"sepal_length\", \"sepal_width\", \"petal_length\"], \"data\": [[$2, $3, $4]]}}"
}

label() {
	monitor_label "$@"
}

test_expect_success 'setup: a linear model of the petal width, registered' '
	cairn init >/dev/null &&
	cut -d, -f1-4 "$DATASETS/iris.csv" >petals.csv &&
	cairn data add petals.csv >/dev/null &&
	cairn train --data petals --target petal_width --algo linear --json >train.json &&
	cairn models register width --run $(jq_py "d[\"run_id\"]" <train.json) >/dev/null
'

serve_start srv width@1 --predictions-flush-ms 50

test_expect_success 'predictions with numeric labels, one not a number' '
	ask a 5.1 3.5 1.4 && label a 0.2 &&
	ask b 6.3 3.3 6.0 && label b 2.5 &&
	ask c 5.9 3.0 4.2 && label c 1.5 &&
	ask d 6.7 3.1 5.6 && label d 2.4 &&
	ask e 5.0 3.4 1.5 && label e "\"tall\"" &&
	ask f 6.0 2.7 5.1 && label f 1.6
'

serve_stop srv

test_expect_success 'rmse, mae and r2 per window of 3 labelled predictions' '
	cairn predictions export >log.jsonl &&
	cairn monitor performance width@1 --window 3 --json >perf.json &&
	python3 - <<-\EOF
	import json, math
	recs = sorted(map(json.loads, open("log.jsonl")), key=lambda r: r["time_ms"])
	rows = [(r["outputs"][0], r["feedback"]["label"]) for r in recs]
	got = json.load(open("perf.json"))
	assert got["task"] == "regression" and got["labelled"] == 6, got
	w1, w2 = got["windows"]
	assert w1["labelled"] == 3 and w2["labelled"] == 3 and w2["unknown_labels"] == 1, got
	for w, part in ((w1, rows[:3]), (w2, [x for x in rows[3:] if not isinstance(x[1], str)])):
	    e = [y - p for p, y in part]
	    ys = [y for _, y in part]
	    mean = sum(ys) / len(ys)
	    want = {"rmse": math.sqrt(sum(x * x for x in e) / len(e)),
	            "mae": sum(abs(x) for x in e) / len(e),
	            "r2": 1 - sum(x * x for x in e) / sum((y - mean) ** 2 for y in ys)}
	    for k, v in want.items():
	        assert abs(w["metrics"][k] - v) < 1e-9, (k, w["metrics"], want)
	assert got["baseline"]["from"] == "train" and got["baseline"]["rmse"] > 0, got
	EOF
'

test_expect_success 'without --window: one window of everything' '
	cairn monitor performance width@1 --json >all.json &&
	jq_py "d[\"window\"], len(d[\"windows\"]), d[\"windows\"][0][\"predictions\"], d[\"windows\"][0][\"labelled\"]" <all.json >got &&
	echo "None 1 6 6" >want && test_cmp want got &&
	cairn monitor performance width@1 >table &&
	test_grep "rmse=[0-9.]+ mae=[0-9.]+ r2=" table
'

test_expect_success 'a run served as a package: its records by the run' '
	run=$(jq_py "d[\"run_id\"]" <train.json) &&
	cairn monitor performance $run --json >run.json &&
	jq_py "d[\"predictions\"], d[\"baseline\"]" <run.json >got &&
	echo "0 None" >want && test_cmp want got
'

run=$(jq_py "d[\"run_id\"]" <"$TRASH/train.json")
serve_start srv $run --predictions-flush-ms 50

test_expect_success 'predictions of the run, labelled' '
	model=$run &&
	ask g 5.1 3.5 1.4 && label g 0.3 &&
	ask h 6.3 3.3 6.0 && label h 2.5
'

serve_stop srv

test_expect_success 'the run'\''s records apart from the version'\''s' '
	cairn monitor performance $run --json >run.json &&
	jq_py "d[\"predictions\"], d[\"labelled\"]" <run.json >got &&
	echo "2 2" >want && test_cmp want got &&
	cairn monitor performance width@1 --json >all.json &&
	jq_py "d[\"predictions\"]" <all.json >got &&
	echo 6 >want && test_cmp want got
'

test_done
