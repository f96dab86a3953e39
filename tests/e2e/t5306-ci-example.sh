#!/bin/bash
# The CI example of docs/ci.md: the cairn.yaml, suite and workflow shown
# there are the files in examples/ci/, and the cairn.yaml runs: cairn ci on
# a split of iris promotes a first and a second version through its gates.
. "$(dirname "$0")/lib.sh"

EX="$SRC_ROOT/examples/ci"

test_expect_success 'docs/ci.md shows the files of examples/ci as they are' '
	python3 - "$SRC_ROOT/docs/ci.md" "$EX" <<-\PY
	import re, sys
	doc = open(sys.argv[1]).read()
	blocks = re.findall(r"```yaml\n(.*?)```", doc, re.S)
	files = ["cairn.yaml", "suites/iris.yaml", "github-actions.yml"]
	assert len(blocks) == 3, len(blocks)
	for block, name in zip(blocks, files):
	    assert block == open(sys.argv[2] + "/" + name).read(), name
	PY
'

test_expect_success 'the workflow installs, builds and runs cairn ci with the summary' '
	test_grep "sh cairn/scripts/install-deps.sh" "$EX/github-actions.yml" &&
	test_grep "make -C cairn" "$EX/github-actions.yml" &&
	test_grep "cairn ci --to staging --summary \"\\\$GITHUB_STEP_SUMMARY\"" "$EX/github-actions.yml" &&
	if python3 -c "import yaml" 2>/dev/null; then
		python3 -c "import sys, yaml; w = yaml.safe_load(open(sys.argv[1])); assert w[\"jobs\"][\"promote\"][\"steps\"]" "$EX/github-actions.yml"
	fi
'

test_expect_success 'setup: the example project on iris' '
	cp "$EX/cairn.yaml" . &&
	mkdir suites data &&
	cp "$EX/suites/iris.yaml" suites/ &&
	awk "NR == 1 || NR % 5 != 1" "$DATASETS/iris.csv" >data/iris-train.csv &&
	awk "NR == 1 || NR % 5 == 1" "$DATASETS/iris.csv" >data/iris-holdout.csv &&
	cairn init >/dev/null
'

test_expect_success 'the example cairn.yaml parses and its gates run' '
	cairn models check --help >/dev/null &&
	cairn ci --json >s.json &&
	python3 - <<-\PY
	import json
	s = json.load(open("s.json"))
	assert s["outcome"] == "promoted" and s["version"] == 1, s
	assert [c["dataset"] for c in s["checks"]] == ["iris-train@1", "iris-holdout@1"], s["checks"]
	gates = [g["gate"] for g in s["report"]["gates"]]
	assert gates == ["metric accuracy", "metric macro.f1", "max_drop accuracy", "expectations",
	                 "training_data_checked", "smoke", "schema"], gates
	assert s["report"]["holdout"]["dataset"] == "iris-holdout@1", s["report"]["holdout"]
	PY
'

test_expect_success 'a second job promotes the next version against the first' '
	cairn ci --summary page.md >out &&
	test_grep "^Promoted iris@2 to staging$" out &&
	test_grep "^max_drop accuracy  *0  *<= 0.02  *pass" out &&
	test_grep "^## cairn ci: iris to staging: promoted$" page.md &&
	cairn models check iris@2 --against iris@1 >out &&
	test_grep "^PASS: 7 passed" out
'

test_done
