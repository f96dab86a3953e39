#!/bin/bash
# cairn models check: a good model passes every gate cairn.yaml declares
# (metrics evaluated now on the holdout, per slice, the holdout's suite,
# recorded checks of the training data, smoke, latency, schema against a
# holder); the report names the holdout version it resolved; a recorded
# failed data check fails training_data_checked.
. "$(dirname "$0")/lib.sh"

test -n "$SHARED_DATASETS" || test_skip_all 'no shared datasets (../shared/datasets)'

test_expect_success 'setup: breast_cancer with a group column, split, a logistic model' '
	cairn init >/dev/null &&
	awk -F, "BEGIN { OFS = \",\" } NR == 1 { print \"band\", \$0; next }
		{ print (\$2 < 19 ? \"low\" : \"high\"), \$0 }" "$SHARED_DATASETS/breast_cancer.csv" >bc.csv &&
	cairn data add bc.csv >/dev/null &&
	cairn data split bc --ratios 0.7,0.3 --stratify diagnosis --seed 1 >/dev/null &&
	cairn train --data bc-train --target diagnosis --algo logistic --json >t.json &&
	jq_py "d[\"run_id\"]" <t.json >run &&
	cat >suite.yaml <<-\EOS &&
	suite: holdout
	expectations:
	  - expect: columns_present
	    columns: [band, mean_radius, diagnosis]
	  - expect: in_set
	    column: diagnosis
	    values: [benign, malignant]
	EOS
	cat >cairn.yaml <<-\EOY
	models:
	  bc:
	    holdout: bc-test
	    gates:
	      metrics: { accuracy: ">= 0.9", roc_auc: ">= 0.95", log_loss: "< 0.5" }
	      by: band
	      max_drop: { accuracy: 0.01 }
	      expectations: suite.yaml
	      training_data_checked: true
	      smoke: true
	      latency_p99_ms: 10000
	      schema: compatible
	EOY
	cairn data check bc-train --suite suite.yaml >/dev/null
'

test_expect_success 'a good model passes: exit 0 and a table row per gate' '
	cairn models check $(cat run) --against $(cat run) >out &&
	test_grep "^Gates of bc" out &&
	test_grep "^metric accuracy  *0\.9[0-9]*  *>= 0.9  *pass" out &&
	test_grep "^metric accuracy by band .* pass  *worst of 2 slices: band = " out &&
	test_grep "^max_drop accuracy  *0  *<= 0.01  *pass  *candidate .*, holder .* on bc-test@1" out &&
	test_grep "^expectations  *0  .*pass  *0 of 2 expectations failed on bc-test@1" out &&
	test_grep "^training_data_checked  *1  .*pass" out &&
	test_grep "^smoke  *5  .*pass  *5 rows predicted" out &&
	test_grep "^latency p99 .*pass  *p50 .* ms, p99 .* ms over 200 single-row predictions" out &&
	test_grep "^schema  *0  .*pass  *the same 31 input columns" out &&
	test_grep "^PASS: 12 passed, 0 failed, 0 skipped" out
'

test_expect_success 'the metrics are those cairn evaluate computes now on the holdout' '
	cairn models check $(cat run) --json >r.json &&
	cairn evaluate $(cat run) --data bc-test --json >e.json &&
	python3 - <<-\PY
	import json
	r, e = json.load(open("r.json")), json.load(open("e.json"))
	g = {x["gate"]: x for x in r["gates"]}
	for m in ("accuracy", "roc_auc", "log_loss"):
	    assert g["metric " + m]["value"] == e[m], (m, g["metric " + m], e[m])
	assert r["verdict"] == "pass" and r["failed"] == 0, r
	assert r["holdout"]["dataset"] == "bc-test@1" and r["holdout"]["rows"] == e["rows"], r["holdout"]
	assert r["candidate"]["run_id"] == open("run").read().strip(), r["candidate"]
	assert r["holder"] is None and r["model"] == "bc", r
	assert g["max_drop accuracy"]["verdict"] == "skip", g["max_drop accuracy"]
	assert g["schema"]["verdict"] == "skip", g["schema"]
	assert r["skipped"] == 2 and r["passed"] == 10, r
	for row in r["gates"]:
	    assert set(row) >= {"gate", "value", "threshold", "verdict", "detail"}, row
	PY
'

test_expect_success 'a data check is recorded on the version it checked' '
	cairn data show bc-train --json >show.json &&
	jq_py "json.loads(d[\"tags\"][\"cairn.check:holdout\"])[\"passed\"]" <show.json >passed &&
	test "$(cat passed)" = True
'

test_expect_success 'a failed recorded check of the training data fails the gate' '
	cat >strict.yaml <<-\EOS &&
	suite: strict
	expectations:
	  - expect: row_count_between
	    max: 10
	EOS
	test_expect_code 1 cairn data check bc-train --suite strict.yaml >/dev/null &&
	test_expect_code 1 cairn models check $(cat run) >out &&
	test_grep "^training_data_checked  *0 .*FAIL  *bc-train@1 failed suite .strict. \(1 of 1 expectations\)" out &&
	test_grep "^FAIL: " out
'

test_expect_success 'a training version never checked fails the gate' '
	cairn train --data bc --target diagnosis --algo logistic --json >t2.json &&
	test_expect_code 1 cairn models check $(jq_py "d[\"run_id\"]" <t2.json) >out &&
	test_grep "^training_data_checked .*FAIL  *bc@1 has no recorded data check" out
'

test_done
