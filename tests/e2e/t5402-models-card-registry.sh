#!/bin/bash
# cairn models card takes every registry reference (NAME@V, NAME@ALIAS,
# NAME@latest, models:/...): the package comes from the object store, the
# card shows what the registry records (name, version, aliases, status,
# source, description as the intended use, tags) and says that no gate
# report was recorded; cairn models show NAME@V lists the version's gate
# reports (none here: the unit test card_of_a_registered_version appends
# promotion events). A package directory that looks like a reference is
# still the directory; unknown versions exit 4 with nothing written.
. "$(dirname "$0")/lib.sh"

test_expect_success 'setup: a model trained, registered twice, with an alias' '
	cairn init >/dev/null &&
	cairn data add "$DATASETS/iris.csv" --name iris >/dev/null &&
	cairn train --data iris --target species --algo logistic --test-split 0.3 --seed 3 \
		--register iris-clf --json >train.json 2>/dev/null &&
	jq_py "d[\"run_id\"]" <train.json >run_id &&
	cairn models register iris-clf --run $(cat run_id) --description "sorts irises" \
		--tag owner=botany >/dev/null &&
	cairn models alias set iris-clf champion 2 >/dev/null
'

test_expect_success 'the card of NAME@ALIAS has the registry facts and the training run' '
	cairn models card iris-clf@champion --json >facts.json &&
	python3 - <<-\PY
	import json
	d = json.load(open("facts.json"))
	run = open("run_id").read().strip()
	reg = d["registry"]
	assert reg["name"] == "iris-clf" and reg["version"] == 2, reg
	assert reg["ref"] == "iris-clf@2" and reg["aliases"] == ["champion"], reg
	assert reg["status"] == "active" and reg["tags"] == {"owner": "botany"}, reg
	assert reg["source"] == {"kind": "run", "run_id": run, "path": "model"}, reg
	assert reg["gate_reports"] == [] and d["gates"] == [], d["gates"]
	assert d["model"]["source"] == "registry" and d["model"]["run_id"] == run, d["model"]
	assert d["model"]["ref"] == "iris-clf@champion", d["model"]
	assert d["run"]["id"] == run, d["run"]
	assert d["intended_use"] == "sorts irises", d["intended_use"]
	assert d["evaluation"]["rows"] == 45, d["evaluation"]
	PY
'

test_expect_success 'the Markdown card of models:/NAME/V names the version and its source' '
	cairn models card models:/iris-clf/2 >card.md &&
	test_grep "^# Model card: iris-clf version 2$" card.md &&
	test_grep "^\| Package \| the registered version iris-clf@2, from the object store \|" card.md &&
	test_grep "^\| Registered from \| run $(cat run_id), artifact model \|" card.md &&
	test_grep "^\| Status \| active \|" card.md &&
	test_grep "^\| Tag owner \| botany \|" card.md &&
	test_grep "^\*None recorded: .cairn models promote. records the gate report" card.md &&
	test_grep "^sorts irises$" card.md &&
	cairn models card iris-clf@latest --format html >card.html &&
	test_grep "<h3>Gate reports</h3>" card.html
'

test_expect_success 'a version registered from a directory: the run its MLmodel names' '
	cairn runs get-artifact $(cat run_id) model pkg >/dev/null &&
	cairn models register iris-clf --package pkg >/dev/null &&
	cairn models card iris-clf@3 --json >dir.json &&
	test "$(jq_py "d[\"registry\"][\"source\"][\"kind\"], d[\"registry\"][\"source\"][\"run_id\"], d[\"run\"][\"id\"]" \
		<dir.json)" = "package None $(cat run_id)" &&
	cairn models card iris-clf@3 >dir.md &&
	test_grep "^\| Registered from \| the package directory .*/pkg \|" dir.md
'

test_expect_success 'models show NAME@V lists its gate reports (none), --json too' '
	cairn models show iris-clf@champion >show.txt &&
	test_grep "^  gate reports  none$" show.txt &&
	cairn models show iris-clf@2 --json >show.json &&
	test "$(jq_py "d[\"gate_reports\"]" <show.json)" = "[]" &&
	cairn models show iris-clf --json >model.json &&
	test "$(jq_py "\"gate_reports\" in d" <model.json)" = False
'

test_expect_success 'an unknown version or alias exits 4, and --out writes nothing' '
	test_expect_code 4 cairn models card iris-clf@9 --out c.md 2>err &&
	test_grep "has no version 9" err &&
	test ! -e c.md &&
	test_expect_code 4 cairn models card models:/iris-clf@nope 2>err &&
	test_grep "no alias .nope." err &&
	test_expect_code 4 cairn models show iris-clf@9 2>err
'

test_expect_success 'a directory named like a reference is the directory' '
	cp -r pkg iris-clf@1 &&
	cairn models card iris-clf@1 --json >same.json &&
	test "$(jq_py "d[\"model\"][\"source\"], d[\"registry\"]" <same.json)" = "directory None"
'

test_done
