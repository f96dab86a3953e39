#!/bin/bash
# cairn ci: the data checks, training, registration and promotion that
# cairn.yaml declares, in one command with one exit status: 0 promoted; 1
# when a worse model (trained on data whose labels were shuffled) is
# refused by the regression gate, the version staying registered and the
# alias unmoved; 1 when a data check fails, with nothing trained. --json
# prints the summary, --summary appends it as Markdown.
. "$(dirname "$0")/lib.sh"

test_expect_success 'setup: a holdout and a training file, a suite, cairn.yaml' '
	cairn init >/dev/null &&
	cairn data add "$DATASETS/iris.csv" >/dev/null &&
	cairn data split iris --ratios 0.8,0.2 --stratify species --seed 1 >/dev/null &&
	cairn data checkout iris-train train.csv >/dev/null &&
	cp train.csv good.csv &&
	cat >suite.yaml <<-\EOS &&
	suite: iris
	expectations:
	  - expect: columns_present
	    columns: [sepal_length, species]
	  - expect: in_set
	    column: species
	    values: [setosa, versicolor, virginica]
	EOS
	cat >cairn.yaml <<-\EOY
	models:
	  iris:
	    holdout: iris-test@1
	    gates:
	      metrics: { accuracy: ">= 0.5" }
	      max_drop: { accuracy: 0.05 }
	      training_data_checked: true
	      smoke: true
	    ci:
	      to: staging
	      datasets:
	        - add: train.csv
	          name: flowers
	          expectations: suite.yaml
	        - dataset: iris-test@1
	          expectations: suite.yaml
	      train:
	        data: flowers
	        test: iris-test@1
	        target: species
	        algorithm: knn
	        params: { n_neighbors: 5 }
	        seed: 7
	EOY
'

test_expect_success 'the first job promotes version 1, with both summaries' '
	echo "# job page" >page.md &&
	cairn ci --summary page.md >out &&
	test_grep "^Checked flowers@1 \(added\) against suite.yaml: 2 expectations, 0 failed$" out &&
	test_grep "^Checked iris-test@1 against suite.yaml: 2 expectations, 0 failed$" out &&
	test_grep "^Trained run [0-9a-z]+$" out &&
	test_grep "^Registered iris@1$" out &&
	test_grep "^metric accuracy .* pass" out &&
	test_grep "^Promoted iris@1 to staging$" out &&
	test "$(cairn models show iris --json | jq_py "d[\"aliases\"][\"staging\"]")" = 1 &&
	test_grep "^# job page$" page.md &&
	test_grep "^## cairn ci: iris to staging: promoted$" page.md &&
	test_grep "^- version: .iris@1.$" page.md &&
	test_grep "^\| flowers@1 \(added\) \| suite.yaml \| 2 \| 0 \| pass \|$" page.md &&
	test_grep "^\| metric accuracy \| 0\.9[0-9]* \| \\\\>= 0.5 \| pass \|" page.md &&
	test_grep "^\| max\\\\_drop accuracy \| - \| \\\\<= 0.05 \| skip \| no holder to compare with \|$" page.md
'

test_expect_success 'the summary JSON names the run, the version, the holdout evaluation' '
	cairn ci --json >s.json &&
	python3 - <<-\PY
	import json
	s = json.load(open("s.json"))
	assert s["outcome"] == "promoted" and s["version"] == 2 and s["alias"] == "staging", s
	assert [c["dataset"] for c in s["checks"]] == ["flowers@1", "iris-test@1"], s["checks"]
	assert s["checks"][0]["added"] is False, s["checks"]
	assert s["promotion"]["moved"] and s["promotion"]["holder"] == 1, s["promotion"]
	assert s["evaluation"]["rows"] == 30 and "accuracy" in s["evaluation"], s["evaluation"]
	assert s["report"]["verdict"] == "pass" and s["run_id"] and s["error"] is None, s
	PY
	test "$(cairn models show iris --json | jq_py "d[\"aliases\"][\"staging\"]")" = 2
'

test_expect_success 'shuffled labels: version 3 is registered, refused by max_drop, exit 1' '
	awk -F, "BEGIN { OFS = \",\"; srand(5) }
		NR == 1 { print; next }
		{ row[NR] = \$0; label[NR] = \$NF; n = NR }
		END {
			for (i = n; i > 2; i--) { j = 2 + int(rand() * (i - 1)); t = label[i]; label[i] = label[j]; label[j] = t }
			for (i = 2; i <= n; i++) { \$0 = row[i]; \$NF = label[i]; print }
		}" good.csv >train.csv &&
	! cmp -s good.csv train.csv &&
	test_expect_code 1 cairn ci --summary page.md >out &&
	test_grep "^Checked flowers@2 \(added\)" out &&
	test_grep "^Registered iris@3$" out &&
	test_grep "^max_drop accuracy  *0\.[0-9]*  *<= 0.05  *FAIL  *candidate 0\.[0-9]*, holder 0\.9[0-9]* on iris-test@1" out &&
	test_grep "^Refused: a gate failed; the version stays registered, staging is unchanged$" out &&
	test "$(cairn models show iris --json | jq_py "d[\"aliases\"][\"staging\"]")" = 2 &&
	test "$(cairn models show iris@3 --json | jq_py "d[\"status\"]")" = active &&
	test_grep "^## cairn ci: iris to staging: refused: a gate failed$" page.md &&
	test_grep "^- version: .iris@3. \(registered, not promoted\)$" page.md &&
	test_grep "^\| max\\\\_drop accuracy \| 0\.[0-9]* \| \\\\<= 0.05 \| \*\*FAIL\*\* \|" page.md &&
	cairn models audit iris --json | jq_py "d[-1][\"action\"]" >action &&
	echo promote-refused >expect && test_cmp expect action
'

test_expect_success 'a failed data check: exit 1, nothing trained or registered' '
	sed "s/,virginica$/,virginia/" good.csv >train.csv &&
	cairn runs list --json >runs.before &&
	test_expect_code 1 cairn ci --json >s.json &&
	python3 - <<-\PY &&
	import json
	s = json.load(open("s.json"))
	assert s["outcome"] == "check-failed", s
	assert s["checks"][0]["passed"] is False and s["checks"][0]["failed"] == 1, s["checks"]
	assert s["run_id"] is None and s["version"] is None and s["report"] is None, s
	PY
	cairn runs list --json >runs.after &&
	test_cmp runs.before runs.after &&
	test "$(cairn models show iris --json | jq_py "len(d[\"versions\"])")" = 3
'

test_expect_success '--to and --model choose the alias and the model' '
	cp good.csv train.csv &&
	cairn ci --to candidate --model iris >out &&
	test_grep "^Promoted iris@4 to candidate$" out &&
	test "$(cairn models show iris --json | jq_py "d[\"aliases\"][\"candidate\"]")" = 4
'

test_done
