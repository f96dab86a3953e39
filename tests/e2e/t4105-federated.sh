#!/bin/bash
# cairn train --federated: federated averaging of logistic and linear over
# shards, each trained by a process that loads only its own shard.
. "$(dirname "$0")/lib.sh"

# Prints a JSON value from stdin: $1 is a Python expression over `d`.
jq_py() {
	python3 -c "import json, sys; d = json.load(sys.stdin); print($1)"
}

test_expect_success 'setup: iris in 3 shards, and a shard of another schema' '
	cairn init >/dev/null &&
	cairn data add "$DATASETS/iris.csv" >/dev/null &&
	cairn data split iris --ratios 0.34,0.33,0.33 --stratify species --seed 3 >/dev/null &&
	awk -F, "BEGIN { OFS = \",\" } { print \$2, \$1, \$3, \$4, \$5 }" \
		"$DATASETS/iris.csv" >swapped.csv &&
	cairn data add swapped.csv >/dev/null
'

test_expect_success 'federated logistic: a normal package, each site loading only its shard' '
	CAIRN_LOG=debug cairn train --federated iris-train,iris-val,iris-test --target species \
		--algo logistic --test iris --json >fed.json 2>fed.err &&
	jq_py "d[\"run_id\"]" <fed.json >fed.run &&
	grep "federated site" fed.err >sites &&
	test $(wc -l <sites) = 3 &&
	for s in iris-train iris-val iris-test; do
		test $(grep -c "loaded only dataset .$s@1.$" sites) = 1 || return 1
	done &&
	test $(sed "s/.*pid \([0-9]*\).*/\1/" sites | sort -u | wc -l) = 3 &&
	run=$(cat fed.run) &&
	cairn runs show $run --json >show.json &&
	python3 -c "
import json
d = json.load(open(\"show.json\"))
p = d[\"params\"]
assert p[\"federated\"] == \"true\" and p[\"shards\"] == \"3\", p
assert p[\"rounds\"] == \"20\" and p[\"local_epochs\"] == \"5\", p
assert p[\"algorithm\"] == \"logistic\", p
train = sorted(i[\"dataset\"] for i in d[\"inputs\"] if i[\"context\"] == \"train\")
assert train == [\"iris-test@1\", \"iris-train@1\", \"iris-val@1\"], d[\"inputs\"]
" &&
	cairn metrics history $run federated_loss --json >loss.json &&
	python3 -c "
import json
v = [p[\"value\"] for p in json.load(open(\"loss.json\"))]
assert len(v) == 21 and v[-1] < v[0] / 2, v
"
'

test_expect_success 'federated accuracy is within a few points of central training' '
	run=$(cat fed.run) &&
	cairn train --data iris --target species --algo logistic --test iris --json >central.json &&
	fed=$(jq_py "d[\"metrics\"][\"test\"][\"accuracy\"]" <fed.json) &&
	central=$(jq_py "d[\"metrics\"][\"test\"][\"accuracy\"]" <central.json) &&
	python3 -c "import sys; sys.exit(0 if $fed > 0.85 and abs($fed - $central) <= 0.05 else 1)" &&
	cairn predict $run --data iris --out pred.csv &&
	test $(wc -l <pred.csv) = 151 &&
	cairn evaluate $run --data iris --json >eval.json &&
	test "$(jq_py "d[\"metrics\"][\"accuracy\"] if \"metrics\" in d else d[\"accuracy\"]" <eval.json)" = "$fed"
'

test_expect_success 'federated linear regression comes close to central' '
	cairn train --federated iris-train,iris-val,iris-test --target petal_width \
		--algo linear --test iris --json >lin.json &&
	cairn train --data iris --target petal_width --algo linear --test iris --json >clin.json &&
	fed=$(jq_py "d[\"metrics\"][\"test\"][\"r2\"]" <lin.json) &&
	central=$(jq_py "d[\"metrics\"][\"test\"][\"r2\"]" <clin.json) &&
	python3 -c "import sys; sys.exit(0 if abs($fed - $central) <= 0.03 else 1)"
'

test_expect_success 'the same shards, params and seed give the same model bytes' '
	cairn train --federated iris-train,iris-val,iris-test --target species \
		--algo logistic --json >again.json &&
	a=$(jq_py "d[\"run_id\"]" <again.json) &&
	cairn runs get-artifact $(cat fed.run) model/model.liblinear m1 &&
	cairn runs get-artifact $a model/model.liblinear m2 &&
	test_cmp m1 m2
'

test_expect_success 'bad input: an algorithm other than logistic or linear, one shard' '
	test_expect_code 2 cairn train --federated iris-train,iris-val --target species \
		--algo xgboost 2>err &&
	test_grep "logistic or linear" err &&
	test_expect_code 2 cairn train --federated iris-train --target species \
		--algo logistic 2>err &&
	test_grep "at least 2 shards" err &&
	test_expect_code 2 cairn train --federated iris-train,iris-val --data iris \
		--target species --algo logistic 2>err
'

test_expect_success 'federated params are refused without --federated, checked with it' '
	test_expect_code 2 cairn train --data iris --target species --algo logistic \
		--param rounds=3 2>err &&
	test_grep "no param .rounds." err &&
	test_expect_code 2 cairn train --federated iris-train,iris-val --target species \
		--algo logistic --param rounds=0 2>err &&
	test_grep "rounds" err &&
	cairn train --federated iris-train,iris-val --target species --algo logistic \
		--param rounds=2 --param local_epochs=1 --param learning_rate=0.3 --json >p.json
'

test_expect_success 'a shard with a different schema is a clear error' '
	test_expect_code 2 cairn train --federated iris-train,swapped --target species \
		--algo logistic 2>err &&
	test_grep "shard .swapped. has a different schema from shard .iris-train." err &&
	test_expect_code 4 cairn train --federated iris-train,nosuch --target species \
		--algo logistic 2>err &&
	test_grep "nosuch" err
'

test_done
