#!/bin/bash
# cairn models check: each gate that can fail, fails with its figure: a
# metric under its threshold, the worst slice, the holdout's suite, a latency
# bound no prediction meets; the holdout named without a version is its
# latest, recorded in the report; target: names the holdout's true values for
# a model that calls them otherwise; outside a workspace it exits 3.
. "$(dirname "$0")/lib.sh"

test_expect_success 'setup: iris split, a classifier' '
	cairn init >/dev/null &&
	cairn data add "$DATASETS/iris.csv" >/dev/null &&
	cairn data split iris --ratios 0.7,0.3 --stratify species --seed 1 >/dev/null &&
	cairn train --data iris-train --target species --algo naive_bayes --json >t.json &&
	jq_py "d[\"run_id\"]" <t.json >run &&
	cat >suite.yaml <<-\EOS
	suite: small
	expectations:
	  - expect: row_count_between
	    max: 10
	EOS
'

test_expect_success 'a threshold no model meets, per slice too' '
	printf "models:\n  iris:\n    holdout: iris-test\n    gates:\n      metrics: { accuracy: \">= 0.999\", log_loss: \"<= 10\" }\n      by: species\n" >cairn.yaml &&
	test_expect_code 1 cairn models check $(cat run) --json >r.json &&
	cairn evaluate $(cat run) --data iris-test --by species --json >e.json &&
	python3 - <<-\PY
	import json
	r, e = json.load(open("r.json")), json.load(open("e.json"))
	g = {x["gate"]: x for x in r["gates"]}
	assert g["metric accuracy"]["value"] == e["accuracy"] < 0.999, g["metric accuracy"]
	assert g["metric accuracy"]["verdict"] == "fail"
	worst = min(e["slices"], key=lambda k: e["slices"][k]["accuracy"])
	s = g["metric accuracy by species"]
	assert s["slice"] == worst and s["value"] == e["slices"][worst]["accuracy"], (s, worst)
	# lower is better: the worst slice is the largest log loss
	worst = max(e["slices"], key=lambda k: e["slices"][k]["log_loss"])
	s = g["metric log_loss by species"]
	assert s["slice"] == worst and s["verdict"] == "pass", (s, worst)
	assert r["verdict"] == "fail" and r["failed"] == 2, r
	PY
'

test_expect_success 'the holdout fails its suite' '
	printf "models:\n  iris:\n    holdout: iris-test\n    gates:\n      expectations: suite.yaml\n" >cairn.yaml &&
	test_expect_code 1 cairn models check $(cat run) >out &&
	test_grep "^expectations  *1  all of suite.yaml pass  FAIL  *1 of 1 expectations failed on iris-test@1" out
'

test_expect_success 'a latency bound no prediction meets fails with p50 and p99' '
	printf "models:\n  iris:\n    gates:\n      latency_p99_ms: 0.000001\n" >cairn.yaml &&
	test_expect_code 1 cairn models check $(cat run) --json >r.json &&
	python3 - <<-\PY
	import json
	g = json.load(open("r.json"))["gates"][0]
	assert g["gate"] == "latency p99" and g["verdict"] == "fail", g
	assert g["predictions"] == 200 and 0 < g["p50_ms"] <= g["p99_ms"] == g["value"], g
	assert "of the input example" in g["detail"], g
	PY
'

test_expect_success 'a holdout named without a version is its latest, recorded' '
	cairn data checkout iris-test test.csv >/dev/null &&
	head -n 31 test.csv >smaller.csv &&
	cairn data add smaller.csv --name iris-test >/dev/null &&
	printf "models:\n  iris:\n    holdout: iris-test\n    gates:\n      metrics: { accuracy: \">= 0.5\" }\n" >cairn.yaml &&
	cairn models check $(cat run) --json >r.json &&
	jq_py "d[\"holdout\"][\"dataset\"], d[\"holdout\"][\"rows\"]" <r.json >h &&
	test "$(cat h)" = "iris-test@2 30"
'

test_expect_success 'target: names the true values of a holdout that calls them otherwise' '
	sed "1s/species/kind/" test.csv >renamed.csv &&
	cairn data add renamed.csv --name renamed >/dev/null &&
	printf "models:\n  iris:\n    holdout: renamed\n    gates:\n      metrics: { accuracy: \">= 0.5\" }\n" >cairn.yaml &&
	test_expect_code 4 cairn models check $(cat run) 2>err &&
	test_grep "cannot evaluate the candidate on renamed@1: no column .species." err &&
	printf "models:\n  iris:\n    holdout: renamed\n    target: kind\n    gates:\n      metrics: { accuracy: \">= 0.5\" }\n" >cairn.yaml &&
	cairn models check $(cat run) --json >r.json &&
	cairn evaluate $(cat run) --data iris-test@1 --json >e.json &&
	python3 -c "import json; r, e = json.load(open(\"r.json\")), json.load(open(\"e.json\")); assert r[\"gates\"][0][\"value\"] == e[\"accuracy\"], (r, e)"
'

test_expect_success 'outside a workspace it exits 3' '
	outside=$(mktemp -d "${TMPDIR:-/tmp}/cairn-outside.XXXXXX") &&
	(cd "$outside" && test_expect_code 3 cairn models check 01m8 2>err) &&
	test_grep "cairn init" "$outside/err" &&
	rm -rf "$outside"
'

test_done
