#!/bin/bash
# cairn models promote: an alias moves only through passing gates; a worse
# candidate (trained on a copy of the data whose labels were shuffled) is
# refused by the regression gate with both numbers shown, nothing moves,
# and the refusal is audited with its stored report; --force --message
# moves it anyway, audited as forced; --dry-run stores and records nothing.
. "$(dirname "$0")/lib.sh"

test -n "$SHARED_DATASETS" || test_skip_all 'no shared datasets (../shared/datasets)'

test_expect_success 'setup: version 1 on the real labels, version 2 on shuffled ones' '
	cairn init >/dev/null &&
	cairn data add "$SHARED_DATASETS/breast_cancer.csv" --name bc >/dev/null &&
	cairn data split bc --ratios 0.7,0.3 --stratify diagnosis --seed 1 >/dev/null &&
	cairn train --data bc-train --target diagnosis --algo logistic --register bc >/dev/null &&
	cairn data checkout bc-train train.csv >/dev/null &&
	awk -F, "BEGIN { OFS = \",\"; srand(3) }
		NR == 1 { print; next }
		{ row[NR] = \$0; label[NR] = \$NF; n = NR }
		END {
			for (i = n; i > 2; i--) { j = 2 + int(rand() * (i - 1)); t = label[i]; label[i] = label[j]; label[j] = t }
			for (i = 2; i <= n; i++) { \$0 = row[i]; \$NF = label[i]; print }
		}" train.csv >shuffled.csv &&
	! cmp -s train.csv shuffled.csv &&
	cairn data add shuffled.csv --name bc-shuffled >/dev/null &&
	cairn train --data bc-shuffled --target diagnosis --algo logistic --register bc >/dev/null &&
	cat >cairn.yaml <<-\EOY
	models:
	  bc:
	    holdout: bc-test@1
	    gates:
	      metrics: { accuracy: ">= 0.5" }
	      max_drop: { accuracy: 0.01 }
	      smoke: true
	EOY
'

test_expect_success 'a dry run prints the table and stores and records nothing' '
	cairn models audit bc --json >before.json &&
	find .cairn/objects -type f | sort >objects.before &&
	cairn models promote bc 1 --to staging --dry-run >out &&
	test_grep "^metric accuracy  *0\.9[0-9]*  *>= 0.5  *pass" out &&
	test_grep "^max_drop accuracy  *-  *<= 0.01  *skip  *no holder to compare with" out &&
	test_grep "^Dry run: bc@1 would be promoted" out &&
	cairn models audit bc --json >after.json &&
	test_cmp before.json after.json &&
	find .cairn/objects -type f | sort >objects.after &&
	test_cmp objects.before objects.after &&
	test "$(cairn models show bc --json | jq_py "d[\"aliases\"]")" = "{}"
'

test_expect_success 'version 1 passes its gates and takes the alias' '
	cairn models promote bc 1 --to staging --message "first" >out &&
	test_grep "^PASS" out &&
	test_grep "^Promoted bc@1 to staging \(it was unset\); gate report [0-9a-f]{64}, event [0-9]+$" out &&
	test "$(cairn models show bc --json | jq_py "d[\"aliases\"][\"staging\"]")" = 1 &&
	cairn models audit bc --json >ev.json &&
	python3 - <<-\PY
	import json
	e = json.load(open("ev.json"))[-1]
	assert e["action"] == "promote" and e["forced"] in (False, 0), e
	d = e["details"]
	assert d["alias"] == "staging" and d["version"] == 1 and d["verdict"] == "pass", d
	assert d["forced"] is False and d["holder"] is None, d
	assert e["before"]["version"] is None and e["after"]["version"] == 1, e
	assert e["message"] == "first", e
	open("report1", "w").write(d["gate_report"])
	PY
	cairn object get $(cat report1) >r1.json &&
	jq_py "d[\"verdict\"]" <r1.json >verdict && echo pass >expect && test_cmp expect verdict &&
	jq_py "d[\"candidate\"][\"ref\"]" <r1.json >ref && echo bc@1 >expect && test_cmp expect ref
'

test_expect_success 'the worse version 2 is refused by the regression gate with its numbers' '
	test_expect_code 1 cairn models promote bc 2 --to staging >out &&
	test_grep "^max_drop accuracy  *0\.[0-9]*  *<= 0.01  *FAIL  *candidate 0\.[0-9]*, holder 0\.9[0-9]* on bc-test@1" out &&
	test_grep "^Refused: bc@2 failed a gate; staging is unchanged" out &&
	test "$(cairn models show bc --json | jq_py "d[\"aliases\"][\"staging\"]")" = 1 &&
	cairn models history bc >hist &&
	test_grep " bc promote-refused .* details {.*\"verdict\":\"fail\"" hist &&
	cairn models audit bc --json >ev.json &&
	python3 - <<-\PY
	import json, subprocess
	e = json.load(open("ev.json"))[-1]
	assert e["action"] == "promote-refused", e
	d = e["details"]
	assert d["verdict"] == "fail" and d["forced"] is False and d["holder"] == 1, d
	assert d["version"] == 2 and d["alias"] == "staging", d
	r = json.loads(subprocess.check_output(["cairn", "object", "get", d["gate_report"]]))
	assert r["verdict"] == "fail" and r["holder"]["ref"] == "bc@1", r
	PY
'

test_expect_success '--force needs --message' '
	test_expect_code 2 cairn models promote bc 2 --to staging --force 2>err &&
	test_grep "needs --message" err &&
	test "$(cairn models show bc --json | jq_py "d[\"aliases\"][\"staging\"]")" = 1
'

test_expect_success '--force --message moves it and the audit says forced' '
	cairn models promote bc 2 --to staging --force --message "hotfix, accepted" >out &&
	test_grep "^max_drop accuracy .*FAIL" out &&
	test_grep "^Promoted bc@2 to staging by force despite failed gates \(it held version 1\)" out &&
	test "$(cairn models show bc --json | jq_py "d[\"aliases\"][\"staging\"]")" = 2 &&
	cairn models audit bc --json >ev.json &&
	python3 - <<-\PY
	import json
	e = json.load(open("ev.json"))[-1]
	assert e["action"] == "promote" and e["forced"] in (True, 1), e
	d = e["details"]
	assert d["forced"] is True and d["verdict"] == "fail" and d["holder"] == 1, d
	assert e["message"] == "hotfix, accepted", e
	PY
	cairn models audit --verify >out &&
	test_grep "^audit chain verified" out
'

test_expect_success 'the stored gate reports survive gc' '
	cairn gc >/dev/null &&
	cairn object get $(cat report1) >r1again.json &&
	test_cmp r1.json r1again.json
'

test_expect_success '--json gives the result and the report' '
	cairn models promote bc 1 --to prod --dry-run --json >p.json &&
	python3 - <<-\PY
	import json
	p = json.load(open("p.json"))
	assert p["moved"] is False and p["holder"] is None and p["alias"] == "prod", p
	assert p["dry_run"] is True and p["gate_report"] is None and p["event"] is None, p
	assert p["report"]["verdict"] == "pass" and p["report"]["candidate"]["ref"] == "bc@1", p
	PY
	cairn models promote bc 1 --to prod --json >p.json &&
	jq_py "d[\"moved\"]" <p.json >moved && echo True >expect && test_cmp expect moved
'

test_done
