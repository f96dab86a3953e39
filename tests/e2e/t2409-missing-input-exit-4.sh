#!/bin/bash
# A missing input file is exit status 4 (not found) for every command that
# reads one, with a message naming it; a model package given as a path that
# does not exist says so, rather than looking for a run.
. "$(dirname "$0")/lib.sh"

test_expect_success 'setup: a dataset, a package and a run' '
	cairn init >/dev/null &&
	cairn data add "$DATASETS/iris.csv" >/dev/null &&
	cairn train --data iris --target species --algo knn --json >train.json &&
	run=$(python3 -c "import json; print(json.load(open(\"train.json\"))[\"run_id\"])") &&
	echo $run >run &&
	cairn runs get-artifact $run model pkg
'

# missing PATTERN CMD...: exits 4, prints nothing and a line matching PATTERN (ERE) on stderr
missing() {
	what=$1
	shift
	test_expect_code 4 "$@" >out 2>err &&
	test ! -s out &&
	grep -E "$what" err >/dev/null || {
		echo "no mention of $what in:" && cat err && return 1
	}
}

test_expect_success 'data add, data check --suite' '
	missing nope.csv cairn data add nope.csv &&
	missing nope.jsonl cairn data add nope.jsonl --format jsonl &&
	ln -s "$TRASH/nowhere.csv" dangling.csv &&
	missing dangling.csv cairn data add dangling.csv &&
	missing nope.yaml cairn data check iris --suite nope.yaml
'

test_expect_success 'predict, evaluate: --data and the package' '
	missing nope.csv cairn predict pkg --data nope.csv &&
	missing nope.csv cairn evaluate pkg --data nope.csv &&
	missing "no model package .$TRASH/nopkg.: No such file or directory" \
		cairn predict "$TRASH/nopkg" --data iris &&
	missing "no model package .\./nopkg.: No such file" cairn evaluate ./nopkg --data iris &&
	mkdir empty &&
	missing "no model package .\./empty.: it holds no MLmodel" cairn predict ./empty --data iris
'

test_expect_success 'train --data and --test, models import, object put' '
	missing nope.csv cairn train --data nope.csv --target species --algo knn &&
	missing nope.csv cairn train --data iris --target species --algo knn --test nope.csv &&
	missing nope.json cairn models import nope.json --signature a:double &&
	missing nope-dir cairn models import nope-dir/ &&
	missing nope.bin cairn object put nope.bin
'

test_expect_success 'log artifact and log input' '
	missing nope.txt cairn log artifact nope.txt --run $(cat run) &&
	missing nope.csv cairn log input nope.csv --run $(cat run)
'

test_done
