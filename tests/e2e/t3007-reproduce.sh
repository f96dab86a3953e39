#!/bin/bash
# cairn reproduce: a deterministic script reproduces identically and the new
# run is linked to the original; non-deterministic output is reported; the
# recorded changes and input data are put back; a diff that does not apply
# is refused.
. "$(dirname "$0")/lib.sh"

test_have git || test_skip_all "git is not installed"

last_run() {
	cairn runs list --max 1 --json | jq_py 'd[0]["id"]'
}

pcairn() {
	(cd "$TRASH/proj" && cairn "$@")
}

# Reproductions go to a directory of our own, to check what is left there.
export TMPDIR="$TRASH/tmp"

test_expect_success 'setup: a repository with a training script, data outside git' '
	mkdir proj tmp &&
	cd proj &&
	git init -q . &&
	git config user.name cairn-test &&
	git config user.email test@example.invalid &&
	cat >train.sh <<-\EOF &&
	# A deterministic "training": reads the data where it was checked out,
	# uses the seed param, writes a model and a report.
	set -e
	test -n "$CAIRN_RUN_ID"
	cairn log input iris --context train
	mkdir -p out
	{ echo "seed=$CAIRN_PARAM_seed"; sort data/iris.csv | sha256sum; } >out/model.txt
	wc -l <data/iris.csv >out/rows.txt
	cairn log artifact out
	cairn log metric rows $(cat out/rows.txt)
	echo "trained on $(cat out/rows.txt) rows"
	EOF
	cat >noisy.sh <<-\EOF &&
	date +%s%N >stamp.txt
	cairn log artifact stamp.txt
	echo same >same.txt
	cairn log artifact same.txt
	EOF
	printf "data/\nout/\n*.txt\n" >.gitignore &&
	git add . &&
	git commit -q -m "training scripts" &&
	mkdir data &&
	cp "$DATASETS/iris.csv" data/ &&
	cairn init >/dev/null &&
	cairn data add data/iris.csv --name iris >/dev/null
'
export CAIRN_DIR="$TRASH/proj/.cairn"

test_expect_success 'the original run records where its input lay in the repository' '
	pcairn -q run --name train --param seed=42 -- sh train.sh >out &&
	test_grep "^trained on 151 rows$" out &&
	cairn runs show $(last_run) --json >orig.json &&
	test "$(jq_py "d[\"status\"], d[\"info\"][\"input_paths\"][\"iris@1\"]" <orig.json)" = "FINISHED data/iris.csv" &&
	jq_py "d[\"id\"]" <orig.json >orig-id
'

test_expect_success 'a deterministic run reproduces: every artifact identical, exit 0' '
	orig=$(cat orig-id) &&
	pcairn reproduce $orig --json >report.json 2>err &&
	test_grep "^cairn: reproducing run $orig as run " err &&
	python3 - <<-\PY
	import json
	lines = open("report.json").read()
	r = json.loads(lines[lines.index("{\n"):])
	assert r["reproduced"] is True, r
	assert r["status"] == "FINISHED" and r["exit_status"] == 0, r
	assert r["original"] == open("orig-id").read().strip(), r
	assert r["diff_applied"] is False and r["workdir"] is None, r
	arts = {a["path"]: a["result"] for a in r["artifacts"]}
	assert arts == {"out/model.txt": "identical", "out/rows.txt": "identical"}, arts
	assert (r["identical"], r["different"], r["missing"], r["new"]) == (2, 0, 0, 0), r
	assert r["metrics"] == [{"child": None, "key": "rows", "original": 151.0, "value": 151.0,
	                         "result": "identical"}], r["metrics"]
	assert r["kind"] == "command" and r["outcome"] == "identical" and r["children"] == [], r
	assert r["inputs"][0]["dataset"] == "iris@1", r["inputs"]
	json.dump(r, open("report-only.json", "w"))
	PY
'

test_expect_success 'the new run is tagged, has the same params, and is linked in the lineage' '
	orig=$(cat orig-id) &&
	new=$(jq_py "d[\"run\"]" <report-only.json) &&
	cairn runs show $new --json >new.json &&
	test "$(jq_py "d[\"tags\"][\"cairn.reproduced_from\"], d[\"info\"][\"reproduced_from\"]" <new.json)" = "$orig $orig" &&
	test "$(jq_py "d[\"params\"][\"seed\"], d[\"name\"], d[\"experiment\"]" <new.json)" = "42 train-repro Default" &&
	test "$(jq_py "d[\"info\"][\"code\"][\"commit\"]" <new.json)" = "$(jq_py "d[\"info\"][\"code\"][\"commit\"]" <orig.json)" &&
	test "$(jq_py "d[\"info\"][\"code\"][\"dirty\"]" <new.json)" = False &&
	python3 - "$new" "$orig" <<-\PY
	import sqlite3, sys
	db = sqlite3.connect("proj/.cairn/cairn.db")
	n = db.execute("SELECT count(*) FROM lineage WHERE src_type = ?1 AND src_id = ?2"
	               " AND relation = ?3 AND dst_type = ?1 AND dst_id = ?4",
	               ["run", sys.argv[1], "reproduces", sys.argv[2]]).fetchone()[0]
	assert n == 1, n
	PY
'

test_expect_success 'the worktree and the temporary directory are gone; the repository is unchanged' '
	test -z "$(ls -A tmp)" &&
	test $(cd proj && git worktree list | wc -l) = 1 &&
	(cd proj && git status --porcelain) >status &&
	test "$(cat status)" = "?? .cairn/"
'

test_expect_success 'the text report says what was compared' '
	pcairn -q reproduce $(cat orig-id) >out &&
	test_grep "^  identical  out/model.txt$" out &&
	test_grep "^  rows +151 -> 151$" out &&
	test_grep "^2 identical, 0 different, 0 missing, 0 new$" out &&
	test_grep "^Reproduced: " out
'

test_expect_success '--keep keeps the worktree and the inputs (CAIRN_INPUTS_DIR)' '
	pcairn -q reproduce $(cat orig-id) --keep --json >out &&
	dir=$(sed -n "/^{/,\$p" out | jq_py "d[\"workdir\"]") &&
	test -d "$dir/src/.git" || test -f "$dir/src/.git" &&
	cmp "$dir/inputs/iris@1/iris.csv" "$DATASETS/iris.csv" &&
	cmp "$dir/src/data/iris.csv" "$DATASETS/iris.csv" &&
	test "$(cd proj && git worktree list | wc -l)" = 2 &&
	(cd proj && git worktree remove --force "$dir/src") &&
	rm -rf "$dir"
'

test_expect_success 'non-deterministic output is reported different: exit 1' '
	pcairn -q run -- sh noisy.sh &&
	noisy=$(last_run) &&
	test_expect_code 1 pcairn -q reproduce $noisy >out &&
	test_grep "^  different  stamp.txt$" out &&
	test_grep "^  identical  same.txt$" out &&
	test_grep "^1 identical, 1 different, 0 missing, 0 new$" out &&
	test_grep "^Not reproduced: some artifacts differ" out
'

test_expect_success 'an artifact the new run does not make is reported missing' '
	pcairn -q run -- sh -c "test -n \"\$CAIRN_INPUTS_DIR\" || { echo x >only.txt; cairn log artifact only.txt; }" &&
	test_expect_code 1 pcairn -q reproduce $(last_run) --json >out &&
	sed -n "/^{/,\$p" out | jq_py "d[\"missing\"], d[\"artifacts\"][0][\"result\"], d[\"reproduced\"]" >v &&
	test "$(cat v)" = "1 missing False"
'

test_expect_success 'a run made on uncommitted changes is reproduced with them' '
	(cd proj && printf "echo extra >out/extra.txt\ncairn log artifact out/extra.txt --path out/extra.txt\n" >>train.sh &&
	 printf "helper\n" >helper.sh) &&
	pcairn -q run --param seed=7 -- sh -c "sh train.sh && cp helper.sh out/helper.copy && cairn log artifact out/helper.copy" >/dev/null &&
	dirty=$(last_run) &&
	(cd proj && git checkout -q train.sh && rm helper.sh) &&
	test "$(cairn runs show $dirty --json | jq_py "d[\"info\"][\"code\"][\"dirty\"]")" = True &&
	pcairn -q reproduce $dirty --json >out &&
	sed -n "/^{/,\$p" out >report.json &&
	test "$(jq_py "d[\"diff_applied\"], d[\"reproduced\"], d[\"identical\"]" <report.json)" = "True True 4"
'

test_expect_success 'a recorded diff that does not apply is refused: exit 1, no new run' '
	printf "diff --git a/nope.txt b/nope.txt\n--- a/nope.txt\n+++ b/nope.txt\n@@ -1 +1 @@\n-a\n+b\n" >bad.patch &&
	(cd proj && printf "# changed\n" >>train.sh) &&
	pcairn -q run -- sh -c "cairn log artifact $TRASH/bad.patch --path code/diff.patch" &&
	bad=$(last_run) &&
	(cd proj && git checkout -q train.sh) &&
	before=$(cairn runs list --json | jq_py "len(d)") &&
	test_expect_code 1 pcairn reproduce $bad >out 2>err &&
	test_grep "^cairn: error: cannot apply the recorded changes of run $bad \(code/diff.patch\) to commit [0-9a-f]{12}: .*; refusing to run other code$" err &&
	test ! -s out &&
	test "$(cairn runs list --json | jq_py "len(d)")" = $before &&
	test -z "$(ls -A tmp)" &&
	test $(cd proj && git worktree list | wc -l) = 1
'

test_expect_success 'runs that cannot be reproduced are refused with the reason' '
	outside=$(mktemp -d /tmp/cairn-norepo.XXXXXX) &&
	(cd "$outside" && cairn -q run -- true) &&
	rm -rf "$outside" &&
	test_expect_code 2 cairn reproduce $(last_run) 2>err &&
	test_grep "recorded no code version" err &&
	test_expect_code 4 cairn reproduce 01zzzzzzzz 2>err &&
	test_grep "no run" err
'

test_done
