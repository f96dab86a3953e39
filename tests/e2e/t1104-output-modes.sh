#!/bin/bash
# Files that commands write get mode 0666 narrowed by the umask, as any
# program's files do: not -rw-rw-rw- whatever the umask.
. "$(dirname "$0")/lib.sh"

test_expect_success 'setup' '
	cairn init >/dev/null &&
	cp "$DATASETS/iris.csv" iris.csv &&
	cairn data add iris.csv >/dev/null &&
	cairn object put iris.csv >hash &&
	cairn train --data iris --target species --algo naive_bayes --json >train.json &&
	python3 -c "import json; print(json.load(open(\"train.json\"))[\"run_id\"])" >run
'

write_all() {
	cairn object get --link copy "$(cat hash)" $1/object.csv &&
	cairn runs get-artifact $(cat run) model/params.json $1/params.json &&
	cairn data checkout --link copy iris $1/iris.csv >/dev/null &&
	cairn data suggest iris --out $1/suite.yml >/dev/null &&
	cairn data profile iris --html $1/profile.html >/dev/null &&
	cairn predict $(cat run) --data iris.csv --out $1/pred.csv &&
	cairn metrics history $(cat run) train_accuracy --svg $1/acc.svg >/dev/null &&
	cairn evaluate $(cat run) --data iris.csv --plots $1/plots >/dev/null
}

test_expect_success 'umask 027: every file is -rw-r-----' '
	mkdir u027 &&
	(umask 027 && write_all u027) &&
	find u027 -type f >files && test $(wc -l <files) -ge 10 &&
	find u027 -type f ! -perm 640 >wrong &&
	test_cmp /dev/null wrong
'

test_expect_success 'umask 077: every file is -rw-------' '
	mkdir u077 &&
	(umask 077 && write_all u077) &&
	find u077 -type f ! -perm 600 >wrong &&
	test_cmp /dev/null wrong
'

test_expect_success 'umask 002: group-writable, never world-writable' '
	mkdir u002 &&
	(umask 002 && write_all u002) &&
	find u002 -type f ! -perm 664 >wrong &&
	test_cmp /dev/null wrong
'

test_done
