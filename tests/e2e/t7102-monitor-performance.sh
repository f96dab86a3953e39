#!/bin/bash
# cairn monitor performance on served predictions: requests with
# X-Request-ID, labels by POST /feedback (one arriving after the next
# window began, one for a request of two rows as an array, one that fits
# neither of its two rows), windows of labelled predictions with their counts and metrics
# computed here from the export (accuracy, macro F1, one-vs-rest ROC AUC of
# the logged probabilities), a window without labels, the version's stored
# metrics as the baseline, time windows.
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/helpers/serve.sh"
. "$TEST_DIRECTORY/helpers/predictions.sh"
. "$TEST_DIRECTORY/helpers/monitor.sh"

# ask ID SL SW PL PW...: one request of the rows (4 numbers each) under
# X-Request-ID ID, the probabilities asked for.
ask() {
	id=$1
	shift
	rows=
	while test $# -ge 4; do
		rows="$rows${rows:+, }[$1, $2, $3, $4]"
		shift 4
	done
	monitor_invoke iris "$id" "{\"dataframe_split\": {\"columns\": [\"sepal_length\", \"sepal_width\", \"petal_length\", \"petal_width\"], \"data\": [$rows]}, \"params\": {\"predict_method\": \"predict_proba\"}}"
}

label() {
	monitor_label "$@"
}

test_expect_success 'setup: iris@1 registered' '
	predictions_setup
'

serve_start srv iris@1 --predictions-flush-ms 50

test_expect_success 'predictions, and labels given late or not at all' '
	ask r1 5.1 3.5 1.4 0.2 &&
	ask r2 6.0 2.7 5.1 1.6 &&
	label r2 "\"virginica\"" &&
	ask r3 6.3 3.3 6.0 2.5 &&
	ask r4 7.0 3.2 4.7 1.4 &&
	label r3 "\"virginica\"" &&
	label r4 "\"versicolor\"" &&
	label r1 "\"setosa\"" &&
	ask r5 5.9 3.0 4.2 1.5 6.7 3.1 5.6 2.4 &&
	label r5 "[\"versicolor\", \"versicolor\"]" &&
	ask r6 5.0 3.6 1.4 0.2 6.4 2.8 5.6 2.2 &&
	label r6 "\"setosa\"" &&
	ask r7 5.7 2.8 4.1 1.3 &&
	ask r8 4.9 3.0 1.4 0.2 &&
	label r7 "\"virginica\""
'

serve_stop srv

test_expect_success 'windows of 2 labelled predictions: counts and metrics' '
	cairn predictions export >log.jsonl &&
	test $(wc -l <log.jsonl) = 8 &&
	cairn monitor performance iris@1 --window 2 --json >perf.json &&
	python3 - <<-\EOF
	import json
	recs = sorted(map(json.loads, open("log.jsonl")), key=lambda r: r["time_ms"])
	rows = []  # (request, probabilities, predicted, label or None)
	for r in recs:
	    n = len(r["outputs"]["predictions"])
	    fb = r["feedback"]["label"] if r["feedback"] else None
	    for i in range(n):
	        lab = fb[i] if isinstance(fb, list) and len(fb) == n else fb if n == 1 else None
	        rows.append((r["id"], r["outputs"]["probabilities"][i], r["outputs"]["predictions"][i], lab))
	classes = ["setosa", "versicolor", "virginica"]
	# Windows of 2 labelled rows, cut at the first labelled row of each.
	windows, seen = [[]], 0
	for row in rows:
	    if row[3] is not None:
	        if seen and seen % 2 == 0:
	            windows.append([])
	        seen += 1
	    windows[-1].append(row)
	def f1s(y, p):
	    out = []
	    for c in sorted(set(y) | set(p)):
	        tp = sum(a == c and b == c for a, b in zip(y, p))
	        prec = tp / sum(b == c for b in p) if c in p else 0
	        rec = tp / sum(a == c for a in y) if c in y else 0
	        out.append(2 * prec * rec / (prec + rec) if prec + rec else 0)
	    return sum(out) / len(out)
	def auc(y, proba):
	    aucs = []
	    for k, c in enumerate(classes):
	        pos = [pr[k] for a, pr in zip(y, proba) if a == c]
	        neg = [pr[k] for a, pr in zip(y, proba) if a != c]
	        if not pos:
	            continue
	        if not neg:
	            return None
	        s = sum((p > q) + 0.5 * (p == q) for p in pos for q in neg)
	        aucs.append(s / (len(pos) * len(neg)))
	    return sum(aucs) / len(aucs)
	got = json.load(open("perf.json"))
	assert got["predictions"] == len(rows) == 10 and got["labelled"] == 7, got
	assert got["unjoined"] == 1 and got["window"] == {"rows": 2}, got
	assert len(got["windows"]) == len(windows) == 4, (got["windows"], windows)
	for w, want in zip(got["windows"], windows):
	    lab = [r for r in want if r[3] is not None]
	    assert w["predictions"] == len(want) and w["labelled"] == len(lab), (w, want)
	    y, p = [r[3] for r in lab], [r[2] for r in lab]
	    m = w["metrics"]
	    acc = sum(a == b for a, b in zip(y, p)) / len(y)
	    assert abs(m["accuracy"] - acc) < 1e-12, (m, acc)
	    assert abs(m["f1"] - f1s(y, p)) < 1e-12, (m, f1s(y, p))
	    a = auc(y, [r[1] for r in lab])
	    assert (a is None and m["roc_auc"] is None) or abs(m["roc_auc"] - a) < 1e-12, (m, a)
	# r1 labelled last of the first four counts in the first window.
	assert [r[0] for r in windows[0]] == ["r1", "r2"], windows[0]
	assert [r[0] for r in windows[2]] == ["r5", "r5", "r6", "r6"], windows[2]
	assert [r[0] for r in windows[3]] == ["r7", "r8"], windows[3]
	assert sum(w["metrics"]["roc_auc"] is not None for w in got["windows"]) >= 2, got
	print([(w["metrics"]["accuracy"], w["metrics"]["roc_auc"]) for w in got["windows"]])
	EOF
'

test_expect_success 'the baseline is the version'\''s stored evaluation' '
	cairn models show iris@1 --json >show.json &&
	python3 - <<-\EOF
	import json
	got = json.load(open("perf.json"))["baseline"]
	m = json.load(open("show.json"))["metrics"]["train"]
	assert got["from"] == "train", got
	assert got["accuracy"] == m["accuracy"] and got["f1"] == m["macro"]["f1"], (got, m)
	assert got["roc_auc"] == m["roc_auc"], (got, m)
	EOF
'

test_expect_success 'a window without labels is reported as such, not as zeros' '
	since=$(python3 -c "import json; print([r[\"time\"] for r in map(json.loads, open(\"log.jsonl\")) if r[\"id\"] == \"r8\"][0])") &&
	cairn monitor performance iris@1 --since "$since" --json >late.json &&
	jq_py "d[\"predictions\"], d[\"labelled\"], d[\"windows\"][0][\"metrics\"], d[\"windows\"][0][\"status\"]" <late.json >got &&
	echo "1 0 None no labels" >want && test_cmp want got &&
	cairn monitor performance iris@1 --since "$since" >table &&
	test_grep " 1 +0  no labels$" table
'

test_expect_success 'time windows: aligned on the clock, every prediction in one' '
	cairn monitor performance iris@1 --window 1h --json >hour.json &&
	python3 - <<-\EOF
	import json, datetime
	d = json.load(open("hour.json"))
	assert d["window"] == {"ms": 3600000}, d
	assert 1 <= len(d["windows"]) <= 2, d
	assert sum(w["predictions"] for w in d["windows"]) == 10, d
	assert sum(w["labelled"] for w in d["windows"]) == 7, d
	for w in d["windows"]:
	    assert w["start"].endswith(":00:00.000Z") and w["end"].endswith(":00:00.000Z"), w
	EOF
'

test_expect_success 'the table and errors' '
	cairn monitor performance iris@1 --window 2 >table &&
	test_grep "^performance of iris@1 \(classification\): 10 predictions, 7 labelled" table &&
	test_grep "^baseline \(train\): accuracy=" table &&
	test $(grep -c "accuracy=" table) = 5 &&
	test_expect_code 2 cairn monitor performance iris@1 --window 0 2>err &&
	test_grep "window: .0. is neither" err &&
	test_expect_code 2 cairn monitor performance iris@1 --window 5y 2>err &&
	test_expect_code 2 cairn monitor performance 2>err &&
	test_expect_code 4 cairn monitor performance nope@1 2>err &&
	cairn monitor performance --help >help &&
	test_grep "^usage: cairn monitor performance MODELREF" help
'

test_done
