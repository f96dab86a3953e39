#!/bin/bash
# cairn models register: versions from a run, a package directory, train
# --register and models import --register; every file by content with a
# manifest object; the version as a MODELREF (NAME@V, NAME@latest,
# models:/...) in predict, evaluate and lineage; gc keeps its objects.
. "$(dirname "$0")/lib.sh"

test_expect_success 'setup: a trained run' '
	cairn init >/dev/null &&
	cairn data add "$DATASETS/iris.csv" >/dev/null &&
	cairn train --data iris --target species --algo logistic --json >train.json &&
	run=$(jq_py "d[\"run_id\"]" <train.json) &&
	echo "$run" >run_id
'

test_expect_success 'register --run makes version 1, then 2' '
	run=$(cat run_id) &&
	cairn models register churn --run $run --description "first" --tag team=risk \
		--message "initial" >out &&
	test_grep "^Registered churn version 1 " out &&
	cairn models register churn --run ${run%????????????} --json >v2.json &&
	test "$(jq_py "d[\"version\"], d[\"ref\"], d[\"files\"] > 3" <v2.json)" = "2 churn@2 True"
'

test_expect_success 'show NAME@1 records the source, signature, classes, metrics and files' '
	run=$(cat run_id) &&
	cairn models show churn@1 --json >show.json &&
	jq_py "d[\"source\"][\"kind\"], d[\"source\"][\"run_id\"], d[\"source\"][\"path\"]" <show.json >src &&
	echo "run $run model" >expect && test_cmp expect src &&
	test "$(jq_py "d[\"status\"], d[\"description\"], d[\"tags\"][\"team\"]" <show.json)" = "active first risk" &&
	test "$(jq_py "\" \".join(d[\"classes\"])" <show.json)" = "setosa versicolor virginica" &&
	test "$(jq_py "[c[\"name\"] for c in d[\"signature\"][\"inputs\"]][0]" <show.json)" = sepal_length &&
	jq_py "d[\"metrics\"][\"train\"][\"accuracy\"] > 0.9" <show.json | grep -q True &&
	jq_py "\"\\n\".join(f[\"path\"] for f in d[\"files\"])" <show.json >files &&
	test_grep "^MLmodel$" files && test_grep "^preprocess.json$" files &&
	cairn models show churn@1 >text &&
	test_grep "^churn@1 \(active\)" text &&
	test_grep "source      run $run, artifact model" text
'

test_expect_success 'the manifest is an object naming every file by hash, paths sorted' '
	cairn models show churn@1 --json >show.json &&
	m=$(jq_py "d[\"manifest\"]" <show.json) &&
	cairn object get $m >manifest.json &&
	python3 -c "
import json, sys
m = json.load(open(\"manifest.json\"))
s = json.load(open(\"show.json\"))
assert list(m[\"files\"]) == sorted(m[\"files\"]), m
assert m[\"files\"] == {f[\"path\"]: f[\"hash\"] for f in s[\"files\"]}
" &&
	for h in $(jq_py "\" \".join(f[\"hash\"] for f in d[\"files\"])" <show.json); do
		cairn object get $h >/dev/null || exit 1
	done
'

test_expect_success 'NAME@V, NAME@latest and models:/ URIs predict what the run predicts' '
	run=$(cat run_id) &&
	cairn predict $run --data "$DATASETS/iris.csv" --proba >expect &&
	for ref in churn@1 churn@latest models:/churn/2 models:/churn/latest; do
		cairn predict $ref --data "$DATASETS/iris.csv" --proba >actual &&
		test_cmp expect actual || exit 1
	done &&
	cairn models alias set churn champion 1 >/dev/null &&
	cairn predict models:/churn@champion --data "$DATASETS/iris.csv" --proba >actual &&
	test_cmp expect actual &&
	cairn evaluate churn@champion --data "$DATASETS/iris.csv" --json >eval.json &&
	jq_py "d[\"accuracy\"] > 0.9" <eval.json | grep -q True
'

test_expect_success 'register --package stores a directory and its files survive the directory' '
	run=$(cat run_id) &&
	cairn runs get-artifact $run model pkg &&
	cairn models register churn --package pkg --json >v3.json &&
	test "$(jq_py "d[\"version\"]" <v3.json)" = 3 &&
	cairn models show churn@3 --json >show3.json &&
	test "$(jq_py "d[\"source\"][\"kind\"], d[\"source\"][\"run_id\"]" <show3.json)" = "package None" &&
	test "$(jq_py "d[\"source\"][\"path\"]" <show3.json)" = "$PWD/pkg" &&
	rm -rf pkg &&
	cairn predict churn@3 --data "$DATASETS/iris.csv" --proba >actual3 &&
	cairn predict $run --data "$DATASETS/iris.csv" --proba >expect &&
	test_cmp expect actual3
'

test_expect_success 'gc keeps the objects of registered versions, fsck counts them referenced' '
	cairn gc --grace 0 >gc.out &&
	cairn predict churn@3 --data "$DATASETS/iris.csv" >/dev/null &&
	cairn fsck >fsck.out &&
	! test_grep "unreferenced" fsck.out 2>/dev/null
'

test_expect_success 'an existing directory wins over a registry reference' '
	run=$(cat run_id) &&
	cairn runs get-artifact $run model "churn@1" &&
	test -f "churn@1/MLmodel" &&
	cairn predict "churn@1" --data "$DATASETS/iris.csv" >/dev/null &&
	rm -rf "churn@1"
'

test_expect_success 'train --register registers the FINISHED run as the next version' '
	cairn train --data iris --target species --algo knn --register churn --json >t.json &&
	test "$(jq_py "d[\"registered\"][\"name\"], d[\"registered\"][\"version\"]" <t.json)" = "churn 4" &&
	run=$(jq_py "d[\"run_id\"]" <t.json) &&
	cairn runs show $run --json | jq_py "d[\"status\"]" >status &&
	echo FINISHED >expect && test_cmp expect status &&
	cairn models show churn@4 --json | jq_py "d[\"source\"][\"run_id\"]" >src &&
	echo $run >expect && test_cmp expect src &&
	cairn train --data iris --target species --algo knn --register other >out &&
	test_grep "^Registered other version 1 " out
'

test_expect_success 'models import --register registers the imported package' '
	run=$(cat run_id) &&
	cairn runs get-artifact $run model/model.liblinear model.liblinear &&
	cairn models import model.liblinear --target-labels setosa,versicolor,virginica \
		--signature sepal_length:double,sepal_width:double,petal_length:double,petal_width:double \
		--register imported --json >imp.json &&
	test "$(jq_py "d[\"registered\"][\"name\"], d[\"registered\"][\"version\"]" <imp.json)" = "imported 1" &&
	irun=$(jq_py "d[\"run_id\"]" <imp.json) &&
	cairn models show imported@1 --json | jq_py "d[\"source\"][\"run_id\"]" >src &&
	echo $irun >expect && test_cmp expect src
'

test_expect_success 'lineage NAME@V walks from the version to its run and data' '
	run=$(cat run_id) &&
	cairn lineage churn@1 >lin &&
	head -n 1 lin >root &&
	test_grep "^model churn@1 \[model_version " root &&
	test_grep "generated by run ${run%??????????????}" lin &&
	test_grep "used iris@1" lin &&
	cairn lineage model:churn@champion --format json >lin.json &&
	test "$(jq_py "d[\"nodes\"][0][\"info\"][\"version\"]" <lin.json)" = 1 &&
	cairn lineage $run --down >down &&
	test_grep "model churn@1" down &&
	test_grep "model churn@2" down
'

test_expect_success 'list shows the models, their versions and aliases' '
	cairn models list >list &&
	test_grep "^churn +4 +4 .*champion=1" list &&
	cairn models list --json >list.json &&
	test "$(jq_py "\" \".join(m[\"name\"] for m in d)" <list.json)" = "churn imported other"
'

test_expect_success 'a version keeps its bytes when the run'"'"'s artifact is logged again' '
	run=$(cat run_id) &&
	cairn predict churn@1 --data "$DATASETS/iris.csv" --proba >expect &&
	echo junk >junk.txt &&
	cairn log artifact --run $run junk.txt --path model/preprocess.json &&
	test_must_fail cairn predict $run --data "$DATASETS/iris.csv" 2>err &&
	cairn gc --grace 0 >/dev/null &&
	cairn predict churn@1 --data "$DATASETS/iris.csv" --proba >actual &&
	test_cmp expect actual
'

test_expect_success 'fsck finds a registered version'"'"'s lost manifest (exit 6)' '
	cairn fsck >/dev/null &&
	m=$(cairn models show churn@3 --json | jq_py "d[\"manifest\"]") &&
	rm -f .cairn/objects/$(echo $m | cut -c1-2)/$(echo $m | cut -c3-) &&
	test_expect_code 6 cairn fsck >out 2>err &&
	test_grep "dangling model churn@3: its manifest, object $m, is not stored" out &&
	test_expect_code 6 cairn predict churn@3 --data "$DATASETS/iris.csv" 2>err &&
	test_grep "model churn@3: the manifest object $(echo $m | cut -c1-12) is not in the object store" err
'

test_done
