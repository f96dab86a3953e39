#!/bin/bash
# The lineage of a served prediction: `cairn lineage prediction:ID` walks
# from the request to the deployment that answered it, the model version,
# its run (with the commit of its code) and the dataset version it trained
# on (its content hash); the model version leads down to the deployment
# and the segment of the prediction log.
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/helpers/serve.sh"

test_expect_success 'setup: a model trained in a git repository, registered' '
	git init -q . &&
	cp "$DATASETS/iris.csv" iris.csv &&
	echo "train: iris" >README &&
	git add README && git -c user.email=t@example.com -c user.name=t commit -q -m "the code" &&
	git rev-parse HEAD >commit &&
	cairn init >/dev/null &&
	cairn data add iris.csv >/dev/null &&
	cairn data show iris --json >data.json &&
	cairn train --data iris --target species --algo logistic --json >train.json &&
	cairn models register iris --run $(jq_py "d[\"run_id\"]" <train.json) >/dev/null
'

serve_start srv iris@1 --predictions-flush-ms 50

test_expect_success 'a prediction is answered under its request id' '
	echo "{\"dataframe_records\": [{\"sepal_length\": 5.1, \"sepal_width\": 3.5, \"petal_length\": 1.4, \"petal_width\": 0.2}]}" >req.json &&
	curl -sS -o body -w "%{http_code}\n" -H "X-Request-ID: trace-me" -H "Content-Type: application/json" \
		--data-binary @req.json "http://127.0.0.1:$srv_port/invocations" >status &&
	test "$(cat status)" = 200
'

serve_stop srv

test_expect_success 'lineage prediction:ID reaches the model version, run, commit and data' '
	cairn lineage prediction:trace-me --format json >lineage.json &&
	python3 - "$(cat commit)" <<-\EOF
	import json, sys
	g = json.load(open("lineage.json"))
	data = json.load(open("data.json"))
	run = json.load(open("train.json"))["run_id"]
	nodes = {(n["type"], n["id"]): n for n in g["nodes"]}
	root = g["nodes"][0]
	assert (root["type"], root["id"]) == ("prediction", "trace-me"), root
	assert root["info"]["segment"].endswith(".jsonl.zst") and root["info"]["model"] == "iris", root
	types = [n["type"] for n in g["nodes"]]
	for t in ("deployment", "model_version", "run", "dataset_version"):
	    assert t in types, (t, types)
	r = nodes[("run", run)]
	assert r["info"]["code"]["commit"] == sys.argv[1], r
	dv = [n for n in g["nodes"] if n["type"] == "dataset_version"][0]
	assert dv["info"]["hash"] == data["hash"], (dv, data)
	rel = {(e["src_type"], e["relation"], e["dst_type"]) for e in g["edges"]}
	assert ("deployment", "generated", "prediction") in rel, rel
	assert ("deployment", "used", "model_version") in rel, rel
	EOF
'

test_expect_success 'the text tree names the prediction, model and commit' '
	cairn lineage prediction:trace-me --ascii >tree &&
	test_grep "^prediction trace-me .iris iris@1" tree &&
	test_grep "used model iris@1" tree &&
	test_grep "commit $(cut -c1-12 commit)" tree
'

test_expect_success 'down from the model version: the deployment and its prediction batch' '
	cairn lineage model:iris@1 --down --format json >down.json &&
	jq_py "sorted(set(n[\"type\"] for n in d[\"nodes\"]))" <down.json >types &&
	test_grep "deployment" types && test_grep "prediction_batch" types
'

test_expect_success 'an unknown request id is not found (exit 4)' '
	test_expect_code 4 cairn lineage prediction:nobody 2>err &&
	test_grep "no prediction .nobody. in the prediction log" err &&
	test_expect_code 2 cairn lineage prediction: 2>err
'

test_done
