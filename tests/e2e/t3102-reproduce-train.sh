#!/bin/bash
# cairn reproduce of a built-in training run and of a sweep trial: the run
# records its recipe (algorithm, params, seed, dataset versions, cairn
# version), reproduce trains again from it on those versions and compares
# the model bytes and the metrics; a recipe that no longer gives the same
# model shows the difference.
. "$(dirname "$0")/lib.sh"

test_expect_success 'setup: a dataset and a training run' '
	cairn init >/dev/null &&
	cairn data add "$DATASETS/iris.csv" --name iris >/dev/null &&
	cairn train --data iris --target species --algo xgboost --param max_depth=3 \
		--param n_estimators=20 --test-split 0.25 --seed 5 --experiment exp1 \
		--name fit --json >train.json &&
	jq_py "d[\"run_id\"]" <train.json >orig
'

test_expect_success 'the training run records its recipe' '
	cairn runs show $(cat orig) --json >orig.json &&
	python3 - <<-\PY
	import json
	r = json.load(open("orig.json"))["info"]["recipe"]
	assert r["algorithm"] == "xgboost" and r["target"] == "species", r
	assert r["seed"] == "5" and r["data"] == "iris@1" and r["test_split"] == 0.25, r
	assert r["params"] == {"max_depth": "3", "n_estimators": "20"}, r
	assert r["cairn_version"], r
	PY
'

test_expect_success 'reproduce trains again on the recorded version: the same model, byte for byte' '
	head -n 100 "$DATASETS/iris.csv" >iris-part.csv &&
	cairn data add iris-part.csv --name iris >/dev/null &&
	cairn reproduce $(cat orig) --json >report.json 2>err &&
	test_grep "^cairn: reproduced run $(cat orig) as run [0-9a-z]+, trained again from its recipe$" err &&
	python3 - <<-\PY
	import json
	r = json.load(open("report.json"))
	assert r["kind"] == "train" and r["outcome"] == "identical" and r["reproduced"], r
	assert r["status"] == "FINISHED", r
	arts = {a["path"]: a["result"] for a in r["artifacts"]}
	assert arts["model/model.json"] == "identical", arts
	assert arts["split/test_rows.json"] == "identical", arts
	assert "model/MLmodel" not in arts, arts
	assert r["metrics_different"] == 0 and r["metrics_identical"] > 10, r
	assert [i["dataset"] for i in r["inputs"]] == ["iris@1"], r["inputs"]
	open("new", "w").write(r["run"])
	PY
	cairn runs show $(cat new) --json >new.json &&
	test "$(jq_py "d[\"experiment\"], d[\"name\"], d[\"inputs\"][0][\"dataset\"]" <new.json)" = \
		"exp1 fit-repro iris@1" &&
	test "$(jq_py "d[\"tags\"][\"cairn.reproduced_from\"]" <new.json)" = "$(cat orig)" &&
	cairn runs get-artifact $(cat orig) model/model.json a.json &&
	cairn runs get-artifact $(cat new) model/model.json b.json &&
	cmp a.json b.json
'

test_expect_success 'the text report says so' '
	cairn -q reproduce $(cat orig) >out &&
	test_grep "^  recipe   xgboost, seed 5, cairn " out &&
	test_grep "^  identical  model/model.json$" out &&
	test_grep "^Reproduced: " out
'

test_expect_success 'a recipe that gives another model shows the difference: exit 1' '
	python3 - "$(cat orig)" <<-\PY
	import json, sqlite3, sys
	db = sqlite3.connect(".cairn/cairn.db")
	info = json.loads(db.execute("SELECT info FROM runs WHERE id = ?", [sys.argv[1]]).fetchone()[0])
	info["recipe"]["params"]["max_depth"] = "1"
	db.execute("UPDATE runs SET info = ? WHERE id = ?", [json.dumps(info), sys.argv[1]])
	db.commit()
	PY
	test_expect_code 1 cairn -q reproduce $(cat orig) >out &&
	test_grep "^  different  model/model.json$" out &&
	test_grep "^Not reproduced: some artifacts differ" out
'

test_expect_success 'a sweep trial is reproduced the same way' '
	cairn sweep --data iris@1 --target species --algo knn --grid n_neighbors=3,5 -j 1 \
		--json >sweep.json 2>/dev/null &&
	trial=$(jq_py "d[\"trials\"][0][\"run_id\"]" <sweep.json) &&
	cairn -q reproduce $trial --json >report.json &&
	test "$(jq_py "d[\"kind\"], d[\"outcome\"], d[\"recipe\"][\"params\"][\"n_neighbors\"]" <report.json)" = \
		"train identical $(jq_py "d[\"trials\"][0][\"params\"][\"n_neighbors\"]" <sweep.json)"
'

test_expect_success 'a run with neither command nor recipe is refused' '
	cairn runs show $(jq_py "d[\"parent\"]" <sweep.json) --json >/dev/null &&
	test_expect_code 2 cairn reproduce $(jq_py "d[\"parent\"]" <sweep.json) 2>err &&
	test_grep "recorded no command and no training recipe" err
'

test_done
