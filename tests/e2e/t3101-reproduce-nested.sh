#!/bin/bash
# cairn reproduce of a wrapper run (`cairn run -- cairn train ...`): the
# datasets the command names without a version are pinned to the versions
# the original's runs used, the child runs' artifacts and metrics are
# compared, a run that recorded nothing is "nothing to compare" (exit 7), a
# new run that fails is "failed" (exit 8), and --json prints only JSON.
. "$(dirname "$0")/lib.sh"

test_have git || test_skip_all "git is not installed"

# The newest run that is not a child run.
last_run() {
	cairn runs list --json | jq_py '[r["id"] for r in d if not r["parent"]][0]'
}

export TMPDIR="$TRASH/tmp"

test_expect_success 'setup: a repository, a dataset split in two, a wrapper run training on it' '
	mkdir tmp &&
	git init -q . &&
	echo "*.csv" >.gitignore &&
	git add .gitignore &&
	git commit -q -m init &&
	cairn init >/dev/null &&
	cairn data add "$DATASETS/iris.csv" --name wine >/dev/null &&
	cairn data split wine --ratios 0.7,0.3 --seed 1 --names wine-train,wine-test >/dev/null &&
	cairn -q run -- cairn train --data wine-train --test wine-test --target species \
		--algo logistic >/dev/null &&
	last_run >wrapper &&
	cairn runs show $(cat wrapper) --json | jq_py "d[\"children\"][0]" >child &&
	cairn runs show $(cat child) --json >child.json &&
	test "$(jq_py "sorted(i[\"dataset\"] for i in d[\"inputs\"])" <child.json)" = \
		"['"'"'wine-test@1'"'"', '"'"'wine-train@1'"'"']"
'

test_expect_success 'new versions of the datasets do not change the reproduction: pinned, identical, exit 0' '
	cairn data split wine --ratios 0.6,0.4 --seed 2 --names wine-train,wine-test >/dev/null &&
	test "$(cairn data show wine-train --json | jq_py "d[\"version\"]")" = 2 &&
	cairn reproduce $(cat wrapper) --json >report.json 2>err &&
	python3 - <<-\PY
	import json
	r = json.load(open("report.json"))   # stdout holds the report alone
	assert r["outcome"] == "identical" and r["reproduced"] is True, r
	assert sorted(r["pins"]) == ["wine-test@1", "wine-train@1"], r["pins"]
	assert [(c["child"], c["original_status"], c["status"]) for c in r["children"]] == \
	       [("1", "FINISHED", "FINISHED")], r["children"]
	model = [a for a in r["artifacts"] if a["path"] == "model/model.liblinear"]
	assert len(model) == 1 and model[0]["child"] == "1", r["artifacts"]
	assert model[0]["result"] == "identical", model
	# A model package names its run and time: not compared.
	assert not [a for a in r["artifacts"] if a["path"] in ("model/MLmodel", "model/lineage.json")]
	acc = [m for m in r["metrics"] if m["key"] == "test_accuracy"]
	assert acc and acc[0]["result"] == "identical" and acc[0]["child"] == "1", acc
	assert r["identical"] >= 5 and r["different"] == 0 and r["missing"] == 0, r
	open("new-child", "w").write(r["children"][0]["run"])
	PY
	test_grep "Trained run" err &&
	cairn runs show $(cat new-child) --json >new-child.json &&
	test "$(jq_py "sorted(i[\"dataset\"] for i in d[\"inputs\"])" <new-child.json)" = \
		"['"'"'wine-test@1'"'"', '"'"'wine-train@1'"'"']"
'

test_expect_success 'the text report names the child run and its artifacts' '
	cairn -q reproduce $(cat wrapper) >out 2>/dev/null &&
	test_grep "^  child 1  $(cat child) FINISHED -> [0-9a-z]+ FINISHED$" out &&
	test_grep "^  identical  \[child 1\] model/model.liblinear$" out &&
	test_grep "^  pinned   wine-train@1$" out &&
	test_grep "^Reproduced: " out
'

test_expect_success 'a child run the reproduction does not make is a difference: exit 1' '
	cairn -q run -- sh -c "test -n \"\$CAIRN_INPUTS_DIR\" || cairn train --data wine-train \
		--target species --algo knn" >/dev/null 2>&1 &&
	test_expect_code 1 cairn -q reproduce $(last_run) --json >report.json 2>/dev/null &&
	python3 - <<-\PY
	import json
	r = json.load(open("report.json"))
	assert r["outcome"] == "different" and r["reproduced"] is False, r
	assert r["children"][0]["run"] is None and r["children"][0]["status"] is None, r
	assert r["missing"] > 0 and r["metrics_missing"] > 0, r
	PY
'

test_expect_success 'a run that recorded nothing is nothing to compare: exit 7' '
	cairn -q run -- true &&
	empty=$(last_run) &&
	test_expect_code 7 cairn -q reproduce $empty >out &&
	test_grep "^0 identical, 0 different, 0 missing, 0 new$" out &&
	test_grep "^Nothing to compare: run $empty " out &&
	! grep "^Reproduced" out &&
	test_expect_code 7 cairn -q reproduce $empty --json >report.json &&
	test "$(jq_py "d[\"outcome\"], d[\"reproduced\"]" <report.json)" = "nothing to compare False"
'

test_expect_success 'a reproduction that fails is failed: exit 8' '
	cairn -q run -- sh -c "echo x >a.txt && cairn log artifact a.txt && test -z \"\$CAIRN_INPUTS_DIR\"" &&
	test_expect_code 8 cairn -q reproduce $(last_run) >out 2>/dev/null &&
	test_grep "^Not reproduced: the run did not finish" out
'

test_expect_success 'a metric that changes is a difference' '
	cairn -q run -- sh -c "cairn log metric n \$(test -n \"\$CAIRN_INPUTS_DIR\" && echo 2 || echo 1)" &&
	test_expect_code 1 cairn -q reproduce $(last_run) >out 2>/dev/null &&
	test_grep "^  n +1 -> 2  different$" out &&
	test_grep "^Not reproduced: some metrics differ" out
'

test_done
