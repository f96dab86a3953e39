#!/bin/bash
# cairn train and cairn sweep record the code version of the directory they
# run in, as cairn run does: the commit, the dirty flag and the uncommitted
# changes as artifact code/diff.patch, shown by runs show --json and in the
# model card; outside a git work tree the card says it was not recorded. A
# training run with a code version is reproduced as before.
. "$(dirname "$0")/lib.sh"

test_have git || test_skip_all "git is not installed"

test_expect_success 'setup: a repository holding the workspace, committed' '
	mkdir proj &&
	cd proj &&
	git init -q . &&
	cp "$DATASETS/iris.csv" iris.csv &&
	echo "train on iris" >README &&
	git add README iris.csv &&
	git commit -q -m "first" &&
	git rev-parse HEAD >../commit &&
	cairn init >/dev/null &&
	cairn data add iris.csv --name iris >/dev/null
'

test_expect_success 'a plain cairn train in a clean tree records the commit, not dirty' '
	cd proj &&
	cairn train --data iris --target species --algo logistic --seed 2 \
		--json >../clean.json 2>../err &&
	test ! -s ../err &&
	run=$(jq_py "d[\"run_id\"]" <../clean.json) &&
	echo $run >../clean_run &&
	cairn runs show $run --json >../show.json &&
	test "$(jq_py "d[\"info\"][\"code\"][\"commit\"]" <../show.json)" = "$(cat ../commit)" &&
	test "$(jq_py "d[\"info\"][\"code\"][\"dirty\"]" <../show.json)" = False &&
	test "$(jq_py "d[\"info\"][\"code\"][\"repository\"]" <../show.json)" = "$(pwd -P)" &&
	test "$(jq_py "[a[\"path\"] for a in d[\"artifacts\"] if a[\"path\"].startswith(\"code/\")]" \
		<../show.json)" = "[]"
'

test_expect_success 'the model card shows the commit of the training run itself' '
	cd proj &&
	cairn models card $(cat ../clean_run) --json >../facts.json &&
	cd .. &&
	test "$(jq_py "d[\"run\"][\"code\"][\"commit\"], d[\"run\"][\"code\"][\"dirty\"], d[\"run\"][\"code_run\"] == d[\"run\"][\"id\"]" \
		<facts.json)" = "$(cat commit) False True" &&
	(cd proj && cairn models card $(cat ../clean_run)) >clean.md &&
	test_grep "^\| Commit \| \`$(cat commit)\` \|" clean.md &&
	test_grep "^\| Uncommitted changes \| no \|" clean.md
'

test_expect_success 'in a changed tree: dirty, and the changes are the artifact code/diff.patch' '
	cd proj &&
	echo "a change not committed" >>README &&
	cairn train --data iris --target species --algo logistic --seed 2 \
		--json >../dirty.json 2>/dev/null &&
	run=$(jq_py "d[\"run_id\"]" <../dirty.json) &&
	cairn runs show $run --json >../dshow.json &&
	test "$(jq_py "d[\"info\"][\"code\"][\"dirty\"], d[\"info\"][\"code\"][\"diff\"]" <../dshow.json)" = \
		"True code/diff.patch" &&
	cairn runs get-artifact $run code/diff.patch ../diff.patch >/dev/null &&
	test_grep "^\+a change not committed$" ../diff.patch &&
	! grep -q "\.cairn/" ../diff.patch &&
	cairn models card $run >../dirty.md &&
	test_grep "^\| Uncommitted changes \| yes \(the run stored them as a diff\) \|" ../dirty.md &&
	git checkout -q README
'

test_expect_success 'a sweep records the code version on its parent run' '
	cd proj &&
	cairn sweep --data iris --target species --algo logistic --grid C=0.5,1 \
		--json >../sweep.json 2>/dev/null &&
	parent=$(jq_py "d[\"parent\"]" <../sweep.json) &&
	cairn runs show $parent --json >../pshow.json &&
	test "$(jq_py "d[\"info\"][\"code\"][\"commit\"]" <../pshow.json)" = "$(cat ../commit)" &&
	trial=$(jq_py "d[\"trials\"][0][\"run_id\"]" <../sweep.json) &&
	cairn models card $trial --json >../trial.json &&
	test "$(jq_py "d[\"run\"][\"code\"][\"commit\"], d[\"run\"][\"code_run\"]" <../trial.json)" = \
		"$(cat ../commit) $parent"
'

test_expect_success 'a training run with a code version is reproduced from its recipe' '
	cd proj &&
	cairn reproduce $(cat ../clean_run) --json >../repro.json 2>/dev/null &&
	test "$(jq_py "d[\"kind\"], d[\"outcome\"]" <../repro.json)" = "train identical"
'

test_expect_success 'outside a git work tree: code null, and the card says not recorded' '
	mkdir outside &&
	cd outside &&
	cairn init >/dev/null &&
	cairn data add "$DATASETS/iris.csv" --name iris >/dev/null &&
	cairn train --data iris --target species --algo logistic --json >../out.json 2>../err &&
	test ! -s ../err &&
	run=$(jq_py "d[\"run_id\"]" <../out.json) &&
	cairn runs show $run --json >../oshow.json &&
	test "$(jq_py "d[\"info\"][\"code\"]" <../oshow.json)" = None &&
	cairn models card $run >../out.md &&
	test_grep "^\*Not recorded: the training run ran outside a git work tree" ../out.md &&
	test_grep "^- no code version was recorded: the training run ran outside a git work tree" \
		../out.md
'

test_done
