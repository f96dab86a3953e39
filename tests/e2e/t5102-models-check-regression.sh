#!/bin/bash
# cairn models check: a worse candidate, trained on a copy of the data whose
# labels were shuffled, is refused by the regression gate (max_drop) against
# the holder, with both numbers in the report, evaluated on the same holdout.
. "$(dirname "$0")/lib.sh"

test -n "$SHARED_DATASETS" || test_skip_all 'no shared datasets (../shared/datasets)'

test_expect_success 'setup: a holder on the real labels, a candidate on shuffled ones' '
	cairn init >/dev/null &&
	cairn data add "$SHARED_DATASETS/breast_cancer.csv" --name bc >/dev/null &&
	cairn data split bc --ratios 0.7,0.3 --stratify diagnosis --seed 1 >/dev/null &&
	cairn train --data bc-train --target diagnosis --algo logistic --json >h.json &&
	jq_py "d[\"run_id\"]" <h.json >holder &&
	cairn data checkout bc-train train.csv >/dev/null &&
	awk -F, "BEGIN { OFS = \",\"; srand(3) }
		NR == 1 { print; next }
		{ row[NR] = \$0; label[NR] = \$NF; n = NR }
		END {
			for (i = n; i > 2; i--) { j = 2 + int(rand() * (i - 1)); t = label[i]; label[i] = label[j]; label[j] = t }
			for (i = 2; i <= n; i++) { \$0 = row[i]; \$NF = label[i]; print }
		}" train.csv >shuffled.csv &&
	test "$(wc -l <shuffled.csv)" = "$(wc -l <train.csv)" &&
	! cmp -s train.csv shuffled.csv &&
	cairn data add shuffled.csv --name bc-shuffled >/dev/null &&
	cairn train --data bc-shuffled --target diagnosis --algo logistic --json >c.json &&
	jq_py "d[\"run_id\"]" <c.json >candidate &&
	cat >cairn.yaml <<-\EOY
	models:
	  bc:
	    holdout: bc-test@1
	    gates:
	      max_drop: { accuracy: 0.01, log_loss: 0.05 }
	EOY
'

test_expect_success 'the holder passes against itself' '
	cairn models check $(cat holder) --against $(cat holder) >out &&
	test_grep "^max_drop accuracy  *0  *<= 0.01  *pass" out &&
	test_grep "^PASS: 2 passed" out
'

test_expect_success 'the worse candidate is refused with its numbers' '
	test_expect_code 1 cairn models check $(cat candidate) --against $(cat holder) >out &&
	test_grep "^max_drop accuracy  *0\.[0-9]*  *<= 0.01  *FAIL  *candidate 0\.[0-9]*, holder 0\.9[0-9]* on bc-test@1" out &&
	test_grep "^max_drop log_loss .*FAIL" out &&
	test_grep "^FAIL: 0 passed, 2 failed" out
'

test_expect_success 'the report holds the numbers cairn evaluate gives on the holdout' '
	test_expect_code 1 cairn models check $(cat candidate) --against $(cat holder) --json >r.json &&
	cairn evaluate $(cat candidate) --data bc-test --json >ce.json &&
	cairn evaluate $(cat holder) --data bc-test --json >he.json &&
	python3 - <<-\PY
	import json
	r = json.load(open("r.json"))
	c, h = json.load(open("ce.json")), json.load(open("he.json"))
	g = {x["gate"]: x for x in r["gates"]}
	acc = g["max_drop accuracy"]
	assert acc["candidate"] == c["accuracy"] and acc["holder"] == h["accuracy"], acc
	assert abs(acc["value"] - (h["accuracy"] - c["accuracy"])) < 1e-12, acc
	assert acc["value"] > 0.01 and acc["verdict"] == "fail", acc
	# lower is better for log_loss: the drop is the increase of the candidate
	ll = g["max_drop log_loss"]
	assert abs(ll["value"] - (c["log_loss"] - h["log_loss"])) < 1e-12, ll
	assert r["verdict"] == "fail" and r["holder"]["run_id"] == open("holder").read().strip(), r
	PY
'

test_expect_success 'without a holder the regression gate is skipped with a note' '
	cairn models check $(cat candidate) >out &&
	test_grep "^max_drop accuracy  *-  *<= 0.01  *skip  *no holder to compare with" out &&
	test_grep "^PASS: 0 passed, 0 failed, 2 skipped" out
'

test_done
