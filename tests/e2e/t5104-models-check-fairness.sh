#!/bin/bash
# cairn models check: the fairness gate's demographic parity and equalized
# odds differences over a group column equal the figures computed by hand
# (in Python, from cairn predict's labels) with Fairlearn's formulas; the
# gate needs a binary classifier.
. "$(dirname "$0")/lib.sh"

test -n "$SHARED_DATASETS" || test_skip_all 'no shared datasets (../shared/datasets)'

test_expect_success 'setup: breast_cancer with a group column, a model, its predictions' '
	cairn init >/dev/null &&
	awk -F, "BEGIN { OFS = \",\" } NR == 1 { print \"grp\", \$0; next }
		{ print (\$2 < 17 ? \"a\" : \$2 < 21 ? \"b\" : \"c\"), \$0 }" \
		"$SHARED_DATASETS/breast_cancer.csv" >bc.csv &&
	cairn data add bc.csv >/dev/null &&
	cairn data split bc --ratios 0.6,0.4 --stratify diagnosis --seed 2 >/dev/null &&
	cairn train --data bc-train --target diagnosis --algo logistic --drop grp --param C=0.01 --json >t.json &&
	jq_py "d[\"run_id\"]" <t.json >run &&
	cairn data checkout bc-test test.csv >/dev/null &&
	cairn predict $(cat run) --data test.csv >pred.csv &&
	cat >cairn.yaml <<-\EOY
	models:
	  bc:
	    holdout: bc-test
	    gates:
	      fairness:
	        - { column: grp, metric: demographic_parity_difference, max: 0.9 }
	        - { column: grp, metric: equalized_odds_difference, max: 0.01 }
	EOY
	python3 - <<-\PY
	import json
	rows = [l.rstrip("\n").split(",") for l in open("test.csv")][1:]
	pred = [l.strip() for l in open("pred.csv")][1:]
	assert len(rows) == len(pred)
	g = {}
	for r, p in zip(rows, pred):
	    s = g.setdefault(r[0], {"n": 0, "sel": 0, "pos": 0, "tp": 0, "neg": 0, "fp": 0})
	    s["n"] += 1
	    s["sel"] += p == "malignant"
	    if r[-1] == "malignant":
	        s["pos"] += 1; s["tp"] += p == "malignant"
	    else:
	        s["neg"] += 1; s["fp"] += p == "malignant"
	sel = [s["sel"] / s["n"] for s in g.values()]
	tpr = [s["tp"] / s["pos"] for s in g.values() if s["pos"]]
	fpr = [s["fp"] / s["neg"] for s in g.values() if s["neg"]]
	json.dump({"dp": max(sel) - min(sel),
	           "eo": max(max(tpr) - min(tpr), max(fpr) - min(fpr)),
	           "groups": len(g)}, open("hand.json", "w"))
	PY
'

test_expect_success 'the differences equal the hand-computed ones' '
	test_expect_code 1 cairn models check $(cat run) --json >r.json &&
	python3 - <<-\PY
	import json
	r, h = json.load(open("r.json")), json.load(open("hand.json"))
	g = {x["gate"]: x for x in r["gates"]}
	dp = g["fairness demographic_parity_difference by grp"]
	eo = g["fairness equalized_odds_difference by grp"]
	assert abs(dp["value"] - h["dp"]) < 1e-12, (dp, h)
	assert abs(eo["value"] - h["eo"]) < 1e-12, (eo, h)
	assert len(dp["groups"]) == h["groups"] == 3, dp
	assert dp["verdict"] == "pass" and eo["verdict"] == "fail", (dp, eo)
	assert h["dp"] > 0.05 and h["eo"] > 0.01, h
	PY
'

test_expect_success 'the table shows the figure, the bound and the positive class' '
	test_expect_code 1 cairn models check $(cat run) >out &&
	test_grep "^fairness equalized_odds_difference by grp  *0\.[0-9]*  *<= 0.01  *FAIL  *3 groups, positive class .malignant." out
'

test_expect_success 'the other class as positive gives the same differences' '
	sed "s/max: 0.9 }/max: 0.9, positive: benign }/; s/max: 0.01 }/max: 0.01, positive: benign }/" cairn.yaml >benign.yaml &&
	test_expect_code 1 cairn models check $(cat run) --config benign.yaml --json >b.json &&
	python3 - <<-\PY
	import json
	h = json.load(open("hand.json"))
	g = {x["gate"]: x for x in json.load(open("b.json"))["gates"]}
	assert abs(g["fairness demographic_parity_difference by grp"]["value"] - h["dp"]) < 1e-12
	assert abs(g["fairness equalized_odds_difference by grp"]["value"] - h["eo"]) < 1e-12
	PY
'

test_expect_success 'a positive class the model does not have is an error' '
	sed "s/max: 0.9 }/max: 0.9, positive: yes }/" cairn.yaml >bad.yaml &&
	test_expect_code 2 cairn models check $(cat run) --config bad.yaml 2>err &&
	test_grep "bad.yaml. line 6 column 11: models.bc.gates.fairness: the positive class .yes. is none of" err
'

test_expect_success 'fairness needs a binary classifier' '
	cairn data add "$SHARED_DATASETS/iris.csv" >/dev/null &&
	cairn train --data iris --target species --algo naive_bayes --json >i.json &&
	printf "models:\n  iris:\n    holdout: iris\n    gates:\n      fairness: { column: species, metric: demographic_parity_difference, max: 0.1 }\n" >iris.yaml &&
	test_expect_code 2 cairn models check $(jq_py "d[\"run_id\"]" <i.json) --config iris.yaml 2>err &&
	test_grep "models.iris.gates.fairness: needs a binary classifier with a positive class; the candidate has 3 classes" err
'

test_done
