#!/bin/bash
# Artifact paths read back from the metadata store are checked as strictly
# as when they were logged: a tampered row never makes get-artifact write
# outside its destination.
. "$(dirname "$0")/lib.sh"

test_have sqlite3 || test_skip_all "sqlite3 (the command-line shell) is not installed"

test_expect_success 'setup: a run with a directory artifact, then rows edited behind cairn' '
	mkdir ws && cd ws &&
	cairn init >/dev/null &&
	cp "$DATASETS/iris.csv" iris.csv &&
	cairn data add iris.csv >/dev/null &&
	cairn train --data iris --target species --algo naive_bayes --json >train.json &&
	python3 -c "import json; print(json.load(open(\"train.json\"))[\"run_id\"])" >run &&
	sqlite3 .cairn/cairn.db "UPDATE run_artifacts SET path = '\''model/../../../escaped'\'' WHERE path = '\''model/params.json'\''" &&
	sqlite3 .cairn/cairn.db "UPDATE run_artifacts SET path = '\''model/./dot'\'' WHERE path = '\''model/MLmodel'\''" &&
	sqlite3 .cairn/cairn.db "UPDATE run_artifacts SET path = '\''/abs/x'\'' WHERE path = '\''model/lineage.json'\''"
'

test_expect_success 'get-artifact of the directory refuses the bad rows and writes nothing' '
	cd ws &&
	test_expect_code 6 cairn runs get-artifact $(cat run) model out 2>err &&
	test_grep "run .* has a bad artifact record: artifact path .model/(\.\./\.\./\.\./escaped|\./dot). holds .\.. or .\.\.." err &&
	test ! -e out && test ! -e ../escaped && test ! -e ../../escaped && test ! -e escaped
'

test_expect_success 'the file itself is refused too, whatever DEST' '
	cd ws &&
	test_expect_code 6 cairn runs get-artifact $(cat run) model/../../../escaped x 2>err &&
	test_grep "bad artifact record" err &&
	test ! -e x && test ! -e ../escaped
'

test_expect_success 'the good files of the run still come out' '
	cd ws &&
	cairn runs get-artifact $(cat run) model/model.json m.json &&
	test_grep "naive_bayes|classes|\{" m.json
'

test_done
