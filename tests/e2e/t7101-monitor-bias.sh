#!/bin/bash
# cairn monitor bias on a dataset version: a logistic model of the diabetes
# data made binary (progression above 140), grouped by its sex column; every
# group figure and the differences, ratio and four-fifths verdict checked
# against Fairlearn's definitions computed here from `cairn predict`'s
# predictions; one-vs-rest of a multiclass model; errors naming the column
# or class at fault.
. "$(dirname "$0")/lib.sh"

test -n "$SHARED_DATASETS" && test -f "$SHARED_DATASETS/diabetes.csv" ||
	test_skip_all "no ../shared/datasets/diabetes.csv"

test_expect_success 'setup: a binary classifier of the diabetes data, and one of iris' '
	cairn init >/dev/null &&
	awk -F, -f "$TEST_DIRECTORY/helpers/diabetes-binary.awk" "$SHARED_DATASETS/diabetes.csv" >dia.csv &&
	test $(wc -l <dia.csv) = 443 &&
	cairn data add dia.csv >/dev/null &&
	cairn train --data dia --target high --algo logistic --json >train.json &&
	cairn models register dia --run $(jq_py "d[\"run_id\"]" <train.json) >/dev/null &&
	cairn data add "$DATASETS/iris.csv" >/dev/null &&
	cairn train --data iris --target species --algo logistic --json >iris.json &&
	cairn models register iris --run $(jq_py "d[\"run_id\"]" <iris.json) >/dev/null
'

# check_bias REPORT DATA PREDICTIONS SENSITIVE LABEL POSITIVE: the report's
# figures equal Fairlearn's, computed from the rows and the predictions.
check_bias() {
	python3 - "$@" <<-\EOF
	import csv, json, sys
	report, data, preds, col, label, pos = sys.argv[1:]
	r = json.load(open(report))
	rows = list(csv.DictReader(open(data)))
	p = [x["prediction"] for x in csv.DictReader(open(preds))]
	assert len(rows) == len(p) == r["rows"], (len(rows), len(p), r["rows"])
	groups = {}
	for row, pred in zip(rows, p):
	    groups.setdefault(row[col], []).append((row[label] == pos, pred == pos))
	assert sorted(groups) == list(r["groups"]), (sorted(groups), list(r["groups"]))
	def rate(pairs):
	    return sum(s for _, s in pairs) / len(pairs) if pairs else None
	sel, tpr, fpr = {}, {}, {}
	for g, pairs in groups.items():
	    got = r["groups"][g]
	    sel[g] = rate(pairs)
	    tpr[g] = rate([x for x in pairs if x[0]])
	    fpr[g] = rate([x for x in pairs if not x[0]])
	    acc = sum(t == s for t, s in pairs) / len(pairs)
	    assert got["count"] == len(pairs), (g, got)
	    for k, want in (("selection_rate", sel[g]), ("tpr", tpr[g]), ("fpr", fpr[g]),
	                    ("accuracy", acc)):
	        assert (want is None and got[k] is None) or abs(got[k] - want) < 1e-12, (g, k, got[k], want)
	def diff(d):
	    v = [x for x in d.values() if x is not None]
	    return max(v) - min(v) if len(v) >= 2 else None
	dpd, t, f = diff(sel), diff(tpr), diff(fpr)
	eod = max(x for x in (t, f) if x is not None)
	ratio = min(sel.values()) / max(sel.values())
	for k, want in (("demographic_parity_difference", dpd), ("equalized_odds_difference", eod),
	                ("demographic_parity_ratio", ratio), ("disparate_impact", ratio)):
	    assert abs(r[k] - want) < 1e-12, (k, r[k], want)
	assert r["four_fifths"] == ("pass" if ratio >= 0.8 else "fail"), r["four_fifths"]
	assert r["positive"] == pos and r["sensitive"] == col and r["source"] == "data", r
	print(len(groups), round(dpd, 6), round(eod, 6), round(ratio, 6))
	EOF
}

test_expect_success 'bias on a dataset version: every figure as Fairlearn defines it' '
	cairn monitor bias dia@1 --sensitive sex --data dia --json >bias.json &&
	cairn predict dia@1 --data dia --out pred.csv &&
	check_bias bias.json dia.csv pred.csv sex high yes >figures &&
	cat figures &&
	test "$(cut -d" " -f1 figures)" = 2
'

test_expect_success 'the default positive class is the second; --positive the other' '
	jq_py "d[\"positive\"]" <bias.json >got && echo yes >want && test_cmp want got &&
	cairn monitor bias dia@1 --sensitive sex --data dia --positive no --json >no.json &&
	check_bias no.json dia.csv pred.csv sex high no >/dev/null
'

test_expect_success 'the table names the groups and the verdict' '
	cairn monitor bias dia@1 --sensitive sex --data dia.csv >table &&
	test_grep "^bias of dia@1 by sex \(positive class yes, 442 rows from data\)" table &&
	test_grep "^sex1 +[0-9]+ " table && test_grep "^sex2 +[0-9]+ " table &&
	test_grep "four-fifths rule: (pass|fail)" table
'

test_expect_success 'multiclass: one against the rest with --positive, an error without' '
	test_must_fail cairn monitor bias iris@1 --sensitive species --data iris 2>err &&
	test_grep "3 classes \(setosa, versicolor, virginica\): bias needs the positive class" err &&
	cairn monitor bias iris@1 --sensitive species --data iris --positive virginica --json >ovr.json &&
	cairn predict iris@1 --data iris --out ipred.csv &&
	check_bias ovr.json "$DATASETS/iris.csv" ipred.csv species species virginica >figures &&
	test "$(cut -d" " -f1 figures)" = 3 &&
	jq_py "d[\"groups\"][\"setosa\"][\"tpr\"]" <ovr.json >got && echo None >want &&
	test_cmp want got
'

test_expect_success 'errors name the column, the class, the window' '
	test_expect_code 4 cairn monitor bias dia@1 --sensitive gender --data dia 2>err &&
	test_grep "no column .gender." err &&
	test_expect_code 4 cairn monitor bias dia@1 --sensitive sex --data dia --label outcome 2>err &&
	test_grep "no column .outcome." err &&
	test_expect_code 2 cairn monitor bias dia@1 --sensitive sex --data dia --positive maybe 2>err &&
	test_grep "the positive class .maybe. is none of the model.s classes \(no, yes\)" err &&
	test_expect_code 2 cairn monitor bias dia@1 --sensitive sex 2>err &&
	test_grep "no labels in the window" err &&
	test_expect_code 2 cairn monitor bias dia@1 --data dia 2>err &&
	test_grep "needs MODELREF and --sensitive" err &&
	test_expect_code 2 cairn monitor bias dia@1 --sensitive sex --data dia --since 1h 2>err &&
	test_expect_code 2 cairn monitor bias dia@1 --sensitive sex --since yesterday 2>err &&
	test_grep "since: .yesterday. is neither" err &&
	test_expect_code 4 cairn monitor bias nope@1 --sensitive sex --data dia 2>err
'

test_expect_success 'a regression model has no bias figures' '
	cairn train --data dia --target bmi --algo linear --json >reg.json &&
	test_expect_code 2 cairn monitor bias $(jq_py "d[\"run_id\"]" <reg.json) --sensitive sex \
		--data dia 2>err &&
	test_grep "bias needs a classifier; the model is a regression model" err
'

test_done
