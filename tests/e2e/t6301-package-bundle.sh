#!/bin/bash
# cairn package --out: a bundle file from a registered version, an alias, a
# run or a package directory; atomic and refusing to replace without
# --force; the same bytes for the same package; its manifest and lineage
# summary; a bundle as a MODELREF for predict and evaluate, also where
# there is no workspace, with the package's own predictions.
. "$(dirname "$0")/lib.sh"

# A directory with no .cairn above it.
outside=$(mktemp -d "${TMPDIR:-/tmp}/cairn-outside.XXXXXX")
trap 'rm -rf "$outside"' EXIT

test_expect_success 'setup: a registered xgboost model with an alias' '
	cairn init >/dev/null &&
	cairn data add "$DATASETS/iris.csv" >/dev/null &&
	cairn train --data iris --target species --algo xgboost --param n_estimators=5 \
		--register iris --json >train.json &&
	jq_py "d[\"run_id\"]" <train.json >run_id &&
	cairn models alias set iris champion 1 >/dev/null &&
	cairn runs get-artifact $(cat run_id) model pkg >/dev/null &&
	head -21 "$DATASETS/iris.csv" >rows.csv
'

test_expect_success 'package NAME@V --out writes a bundle and says what it holds' '
	cairn package iris@1 --out model.cairn >out &&
	test_grep "^Wrote model.cairn: iris@1, [0-9]+ files, [0-9]+ bytes, sha256 [0-9a-f]{64}$" out &&
	sha=$(sha256sum model.cairn | cut -d" " -f1) &&
	test_grep "sha256 $sha$" out &&
	test -z "$(ls -A . | grep cairn-tmp)"
'

test_expect_success 'the bundle is a ustar archive whose first file is the manifest' '
	tar tf model.cairn >list &&
	test "$(head -n 1 list)" = cairn-bundle.json &&
	test_grep "^model/MLmodel$" list &&
	test_grep "^model/model.json$" list &&
	test_grep "^model/preprocess.json$" list &&
	test_grep "^model/profile.json$" list &&
	test_grep "^model/metrics.json$" list &&
	test_grep "^model/lineage.json$" list &&
	test_grep "^model/input_example.json$" list &&
	test_grep "^signature.json$" list &&
	test_grep "^summary.json$" list &&
	python3 -c "import tarfile, sys; t = tarfile.open(\"model.cairn\"); sys.exit(any(m.type != tarfile.REGTYPE for m in t))"
'

test_expect_success 'the manifest lists every other file with its size and SHA-256' '
	mkdir x && tar xf model.cairn -C x &&
	(cd x && python3 -c "
import hashlib, json, os
m = json.load(open(\"cairn-bundle.json\"))
assert m[\"format\"] == \"cairn-bundle\" and m[\"format_version\"] == 1, m
assert m[\"model\"][\"ref\"] == \"iris@1\", m[\"model\"]
listed = sorted(f[\"path\"] for f in m[\"files\"])
found = sorted(os.path.relpath(os.path.join(d, n)) for d, _, ns in os.walk(\".\") for n in ns)
found.remove(\"cairn-bundle.json\")
assert listed == found, (listed, found)
for f in m[\"files\"]:
    b = open(f[\"path\"], \"rb\").read()
    assert len(b) == f[\"size\"] and hashlib.sha256(b).hexdigest() == f[\"sha256\"], f
") &&
	cmp x/model/model.json pkg/model.json
'

test_expect_success 'the summary names the version, run, data with hashes, params and code' '
	run=$(cat run_id) &&
	jq_py "d[\"model\"][\"name\"], d[\"model\"][\"version\"], d[\"run_id\"] == \"$run\"" \
		<x/summary.json >got &&
	echo "iris 1 True" >expect && test_cmp expect got &&
	jq_py "d[\"data\"][0][\"dataset\"], d[\"data\"][0][\"hash\"]" <x/summary.json >got &&
	echo "iris@1 $(sha256sum "$DATASETS/iris.csv" | cut -d" " -f1)" >expect &&
	test_cmp expect got &&
	jq_py "d[\"params\"][\"n_estimators\"], \"code\" in d, d[\"model\"][\"created_at\"] is not None" \
		<x/summary.json >got &&
	echo "5 True True" >expect && test_cmp expect got &&
	jq_py "[c[\"name\"] for c in d[\"inputs\"]]" <x/signature.json >got &&
	test_grep "sepal_length" got
'

test_expect_success 'an existing file is refused without --force and kept' '
	cp model.cairn before &&
	test_expect_code 1 cairn package iris@1 --out model.cairn 2>err &&
	test_grep "model.cairn. already exists: use --force" err &&
	cmp before model.cairn &&
	cairn package iris@1 --out model.cairn --force >/dev/null &&
	cmp before model.cairn
'

test_expect_success 'the alias, the run and the package directory give the same model files' '
	cairn package iris@champion --out alias.cairn --json >a.json &&
	test "$(jq_py "d[\"model\"], d[\"files\"] > 8, d[\"summary\"][\"model\"][\"version\"]" <a.json)" = "iris@1 True 1" &&
	cmp model.cairn alias.cairn &&
	cairn package $(cat run_id) --out run.cairn >/dev/null &&
	cairn package ./pkg --out dir.cairn >/dev/null &&
	mkdir r d && tar xf run.cairn -C r && tar xf dir.cairn -C d &&
	diff -r x/model r/model && diff -r x/model d/model &&
	test "$(jq_py "d[\"model\"][\"ref\"], d[\"model\"][\"version\"]" <d/summary.json)" = "./pkg None"
'

test_expect_success 'bundle predictions equal the package and the registered version' '
	cairn predict pkg --data rows.csv --proba >expect &&
	cairn predict model.cairn --data rows.csv --proba >got &&
	test_cmp expect got &&
	cairn predict iris@1 --data rows.csv --proba >got &&
	test_cmp expect got &&
	test $(wc -l <got) -eq 21
'

test_expect_success 'predict and evaluate take a bundle where there is no workspace' '
	cp model.cairn rows.csv "$outside"/ &&
	d=$outside && while [ "$d" != / ]; do test ! -e "$d/.cairn"; d=$(dirname "$d"); done &&
	(cd "$outside" && cairn predict model.cairn --data rows.csv --proba >got 2>err) &&
	test ! -s "$outside/err" &&
	test_cmp expect "$outside/got" &&
	(cd "$outside" && cairn evaluate model.cairn --data rows.csv --json >eval.json) &&
	jq_py "d[\"accuracy\"] > 0.9" <"$outside/eval.json" | grep -q True &&
	test ! -e "$outside/.cairn"
'

test_expect_success 'a bundle is recognised by its content, whatever its name' '
	cp model.cairn "$outside/iris@1" &&
	(cd "$outside" && cairn predict iris@1 --data rows.csv --proba >got2) &&
	test_cmp expect "$outside/got2"
'

test_expect_success 'the temporary package of a bundle is removed after use' '
	mkdir tmpd &&
	TMPDIR=$PWD/tmpd cairn predict model.cairn --data rows.csv >/dev/null &&
	test -z "$(ls -A tmpd)"
'

test_expect_success 'a bundle of a bundle, and bad usage, are refused' '
	test_expect_code 2 cairn package model.cairn --out again.cairn 2>err &&
	test_grep "is a bundle already" err &&
	test_expect_code 2 cairn package iris@1 2>err &&
	test_grep "one of --out, --oci and --oci-archive" err &&
	test_expect_code 2 cairn package iris@1 --out a --oci b 2>err &&
	test_expect_code 2 cairn package iris@1 --out a --tag t 2>err &&
	test_expect_code 4 cairn package iris@7 --out seven.cairn 2>err &&
	test_grep "no version 7" err &&
	test ! -e seven.cairn &&
	test ! -e again.cairn
'

test_done
