#!/bin/bash
# cairn data add from files and directories: versions, unchanged content,
# parsed schema, the stat cache, and checkout.
. "$(dirname "$0")/lib.sh"

test_expect_success 'setup' '
	cairn init >/dev/null &&
	cp "$DATASETS/iris.csv" "$DATASETS/diamonds.csv" .
'

test_expect_success 'a CSV file becomes NAME@1 with rows, columns and types' '
	cairn data add iris.csv >out &&
	test_grep "^Added iris@1 \(sha256 [0-9a-f]{12}, 3.8 KiB, 150 rows x 5 columns\)$" out &&
	cairn data show iris --json >show.json &&
	python3 - <<-\PY
	import json, hashlib
	v = json.load(open("show.json"))
	assert v["ref"] == "iris@1" and v["rows"] == 150 and v["cols"] == 5, v
	assert v["hash"] == hashlib.sha256(open("iris.csv", "rb").read()).hexdigest()
	types = {c["name"]: c["type"] for c in v["schema"]}
	assert types == {"sepal_length": "float", "sepal_width": "float",
	                 "petal_length": "float", "petal_width": "float",
	                 "species": "string"}, types
	assert v["source_kind"] == "file" and v["format"] == "csv"
	PY
'

test_expect_success 'adding unchanged content says so and adds nothing' '
	cairn data add iris.csv >out &&
	test_grep "^iris@1 already holds this content" out &&
	cairn data list iris --json >list.json &&
	test "$(python3 -c "import json; print(len(json.load(open(\"list.json\"))))")" = 1
'

test_expect_success 'changed content makes version 2; the old one stays' '
	head -n 101 iris.csv >iris-small.csv &&
	cp iris-small.csv iris.csv &&
	cairn data add iris.csv >out &&
	test_grep "^Added iris@2 .*100 rows x 5 columns" out &&
	cairn data show iris@1 --json | grep -q "\"rows\": 150" &&
	cairn data show iris --json | grep -q "\"ref\": \"iris@2\"" &&
	cairn data show iris@latest --json | grep -q "\"ref\": \"iris@2\""
'

test_expect_success 'a version is found by a prefix of its content hash' '
	h=$(cairn data show iris@1 --json | python3 -c "import json,sys; print(json.load(sys.stdin)[\"hash\"])") &&
	cairn data show "iris@${h:0:8}" --json | grep -q "\"ref\": \"iris@1\""
'

test_expect_success 'R-style quoted headers and strings (diamonds)' '
	cairn data add diamonds.csv --name gems >out &&
	test_grep "53940 rows x 10 columns" out &&
	cairn data show gems >show &&
	test_grep "^    cut +string +0 nulls$" show &&
	test_grep "^    price +integer +0 nulls$" show &&
	test_grep "^    carat +float +0 nulls$" show
'

test_expect_success 'TSV and JSON lines are parsed too' '
	printf "a\tb\n1\tx\n2\ty\n" >t.tsv &&
	cairn data add t.tsv >out &&
	test_grep "2 rows x 2 columns" out &&
	printf "{\"a\": 1, \"b\": \"x\"}\n{\"a\": 2.5, \"b\": null}\n" >j.jsonl &&
	cairn data add j.jsonl >out &&
	test_grep "2 rows x 2 columns" out &&
	cairn data show j --json | grep -q "\"format\": \"jsonl\""
'

test_expect_success 'a directory is stored as a manifest of its files' '
	mkdir -p imgs/sub &&
	printf "one" >imgs/a.bin && printf "two" >imgs/sub/b.bin &&
	cairn data add imgs >out &&
	test_grep "^Added imgs@1 .*2 files\)$" out &&
	cairn data add imgs >out &&
	test_grep "already holds" out &&
	printf "three" >imgs/sub/c.bin &&
	cairn data add imgs >out &&
	test_grep "^Added imgs@2 .*3 files" out
'

test_expect_success 'checkout writes a version back, a directory as a tree' '
	cairn data checkout iris@1 restored/ &&
	cmp restored/iris.csv "$DATASETS/iris.csv" &&
	cairn data checkout imgs@1 tree &&
	test "$(cat tree/a.bin)" = one && test "$(cat tree/sub/b.bin)" = two &&
	test ! -e tree/sub/c.bin
'

test_expect_success 'checkout refuses to overwrite other content without --force' '
	echo local >restored/iris.csv &&
	test_expect_code 1 cairn data checkout iris@1 restored/ 2>err &&
	test_grep "restored/iris.csv. already exists: use --force to replace it" err &&
	cairn data checkout --force iris@1 restored/ &&
	cmp restored/iris.csv "$DATASETS/iris.csv" &&
	cairn data checkout iris@1 restored/ >out &&
	test_grep "^Unchanged" out
'

test_expect_success 'the stat cache skips hashing an unchanged file' '
	head -c 3000000 /dev/urandom >blob.bin &&
	touch -d "2020-01-01" blob.bin &&
	cairn data add blob.bin >/dev/null &&
	CAIRN_LOG=debug cairn data add blob.bin >out 2>err &&
	test_grep "already holds" out &&
	test_grep "stat cache" err &&
	printf "x" >>blob.bin && touch -d "2020-01-01" blob.bin &&
	CAIRN_LOG=debug cairn data add blob.bin >out 2>err &&
	test_grep "^Added blob@2" out &&
	! grep -q "stat cache" err
'

test_expect_success 'names: default from the file, invalid ones refused' '
	test_expect_code 2 cairn data add iris.csv --name "bad name" 2>err &&
	test_grep "invalid dataset name" err &&
	test_expect_code 2 cairn data add 2>err &&
	test_grep "give a SOURCE" err
'

test_done
