#!/bin/bash
# The prediction log of cairn serve: every prediction in `cairn predictions
# export` under its X-Request-ID (or the id the server made), with inputs,
# outputs and latency; list and its filters; CSV; --out; feedback by
# POST /feedback and by the command, joined on export; errors naming the
# argument at fault.
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/helpers/serve.sh"

split='{"dataframe_split": {"columns": ["sepal_length", "sepal_width", "petal_length", "petal_width"], "data": [[5.1, 3.5, 1.4, 0.2], [6.7, 3.0, 5.2, 2.3]]}}'

# post_id PORT PATH ID BODY: POST as JSON with X-Request-ID ID (none when
# ID is empty); the status in 'status', the headers in 'headers'.
post_id() {
	echo "$4" >req.json &&
	curl -sS -D headers -o body -w "%{http_code}\n" -X POST -H "Content-Type: application/json" \
		${3:+-H "X-Request-ID: $3"} --data-binary @req.json "http://127.0.0.1:$1$2" >status
}

test_expect_success 'setup: a registered logistic model of iris and a k-means one' '
	cairn init >/dev/null &&
	cairn data add "$DATASETS/iris.csv" >/dev/null &&
	cairn train --data iris --target species --algo logistic --json >train.json &&
	cairn models register iris --run $(jq_py "d[\"run_id\"]" <train.json) >/dev/null &&
	cut -d, -f1-4 "$DATASETS/iris.csv" >flowers.csv &&
	cairn data add flowers.csv >/dev/null &&
	cairn train --data flowers --algo kmeans --param n_clusters=3 --seed 2 --json >km.json &&
	cairn models register clusters --run $(jq_py "d[\"run_id\"]" <km.json) >/dev/null
'

serve_start srv iris@1 clusters@1 --predictions-flush-ms 50

test_expect_success 'predictions of both protocols, and a refused one, are answered' '
	post_id $srv_port /models/iris/invocations req-a1 "$split" &&
	test "$(cat status)" = 200 &&
	post_id $srv_port /models/iris/invocations "" "$split" &&
	test "$(cat status)" = 200 &&
	sed -n "s/^X-Request-ID: \([^\r]*\).*/\1/Ip" headers >made-id &&
	test -s made-id &&
	post_id $srv_port /v2/models/clusters/infer req-v2 "{\"inputs\": [
		{\"name\": \"sepal_length\", \"shape\": [1], \"datatype\": \"FP64\", \"data\": [5.0]},
		{\"name\": \"sepal_width\", \"shape\": [1], \"datatype\": \"FP64\", \"data\": [3.4]},
		{\"name\": \"petal_length\", \"shape\": [1], \"datatype\": \"FP64\", \"data\": [1.5]},
		{\"name\": \"petal_width\", \"shape\": [1], \"datatype\": \"FP64\", \"data\": [0.2]}]}" &&
	test "$(cat status)" = 200 &&
	post_id $srv_port /models/iris/invocations req-bad "{\"dataframe_split\": {\"columns\": [\"sepal_length\"], \"data\": [[1]]}}" &&
	test "$(cat status)" = 400 &&
	serve_get $srv_port /ping && test "$(cat status)" = 200
'

test_expect_success 'feedback by POST /feedback: an id not logged yet is accepted' '
	post_id $srv_port /feedback "" "{\"request_id\": \"req-a1\", \"label\": \"setosa\"}" &&
	test "$(cat status)" = 201 &&
	jq_py "d[\"request_id\"], d[\"label\"], d[\"source\"]" <body >got &&
	echo "req-a1 setosa http" >want && test_cmp want got &&
	post_id $srv_port /feedback "" "{\"request_id\": \"not-yet-seen\", \"label\": 1}" &&
	test "$(cat status)" = 201
'

test_expect_success 'POST /feedback refuses what is not {request_id, label}' '
	post_id $srv_port /feedback "" "{\"label\": 1}" &&
	test "$(cat status)" = 400 && grep -q "request_id" body &&
	post_id $srv_port /feedback "" "{\"request_id\": \"x\"}" &&
	test "$(cat status)" = 400 && grep -q "label" body &&
	post_id $srv_port /feedback "" "[1, 2" &&
	test "$(cat status)" = 400 && grep -q "cannot parse .the request body. line" body &&
	serve_get $srv_port /feedback && test "$(cat status)" = 405
'

serve_stop srv

test_expect_success 'the server drained and closed the log on SIGTERM' '
	ls .cairn/predictions >segments &&
	test $(wc -l <segments) = 1 &&
	grep -q "^[0-9a-z]\{26\}\.jsonl\.zst$" segments
'

test_expect_success 'export: every prediction under its id, with inputs, outputs, latency' '
	cairn predictions export >all.jsonl &&
	test $(wc -l <all.jsonl) = 4 &&
	python3 - "$(cat made-id)" <<-\EOF
	import json, sys
	recs = {r["id"]: r for r in map(json.loads, open("all.jsonl"))}
	assert set(recs) == {"req-a1", sys.argv[1], "req-v2", "req-bad"}, recs.keys()
	a = recs["req-a1"]
	assert a["model"] == "iris" and a["version"] == "iris@1" and a["protocol"] == "mlflow", a
	assert a["status"] == 200 and a["outputs"] == ["setosa", "virginica"], a
	assert a["inputs"]["sepal_length"] == [5.1, 6.7], a
	assert a["latency_s"] > 0 and a["deployment"], a
	assert a["feedback"]["label"] == "setosa" and a["feedback"]["source"] == "http", a
	v2 = recs["req-v2"]
	assert v2["model"] == "clusters" and v2["protocol"] == "v2" and isinstance(v2["outputs"][0], int), v2
	assert recs["req-bad"]["status"] == 400 and recs["req-bad"]["outputs"] is None
	assert recs[sys.argv[1]]["feedback"] is None
	EOF
'

test_expect_success 'feedback by the command replaces the label in exports' '
	cairn predictions feedback req-a1 versicolor >out &&
	test_grep "feedback for req-a1: \"versicolor\"" out &&
	cairn predictions feedback req-v2 2 --source labeller --json >fb.json &&
	jq_py "d[\"label\"], d[\"source\"]" <fb.json >got &&
	echo "2 labeller" >want && test_cmp want got &&
	cairn predictions export --model iris --format csv >iris.csv &&
	head -1 iris.csv >got &&
	echo "id,time,model,version,protocol,status,latency_s,label,label_time,inputs,outputs" >want &&
	test_cmp want got &&
	test $(wc -l <iris.csv) = 4 &&
	grep "^req-a1," iris.csv >row &&
	python3 -c "import csv; r = next(csv.reader(open(\"row\"))); assert r[7] == \"versicolor\" and r[10] == \"[\\\"setosa\\\", \\\"virginica\\\"]\" or r[10] == \"[\\\"setosa\\\",\\\"virginica\\\"]\", r"
'

test_expect_success 'list: the segment, its records per model; filters' '
	cairn predictions list >list &&
	test_grep "iris=3" list && test_grep "clusters=1" list &&
	cairn predictions list --model clusters --json >l.json &&
	jq_py "len(d), d[0][\"records\"], \",\".join(d[0][\"models\"])" <l.json >got &&
	echo "1 1 clusters" >want && test_cmp want got &&
	cairn predictions list --since 1h --json >l.json &&
	jq_py "sum(s[\"records\"] for s in d)" <l.json >got && echo 4 >want && test_cmp want got &&
	cairn predictions export --until 2000-01-01 >none && test ! -s none &&
	cairn predictions export --since 2000-01-01T00:00:00Z --model iris >some &&
	test $(wc -l <some) = 3
'

test_expect_success 'export --out writes a file, and replaces it only with --force' '
	cairn predictions export --out out.jsonl 2>err &&
	test $(wc -l <out.jsonl) = 4 &&
	test_expect_code 1 cairn predictions export --out out.jsonl 2>err &&
	test_grep "already exists" err &&
	cairn predictions export --out out.jsonl --force --format csv &&
	test $(wc -l <out.jsonl) = 5
'

test_expect_success 'bad arguments are named' '
	test_expect_code 2 cairn predictions export --since yesterday 2>err &&
	test_grep "since: .yesterday. is neither" err &&
	test_expect_code 2 cairn predictions list --until 2026-12-07T20:00:00 2>err &&
	test_grep "until: .2026-12-07T20:00:00." err &&
	test_expect_code 2 cairn predictions export --format parquet 2>err &&
	test_grep "format is csv or jsonl, not .parquet." err &&
	test_expect_code 2 cairn predictions feedback "" 1 2>err &&
	test_grep "REQUEST_ID is empty" err &&
	test_expect_code 2 cairn predictions feedback only-an-id 2>err
'

rm -rf .cairn/predictions
serve_start quiet iris@1 --no-prediction-log

test_expect_success 'a server with --no-prediction-log writes no segment' '
	post_id $quiet_port /invocations req-q "$split" &&
	test "$(cat status)" = 200 &&
	test ! -e .cairn/predictions
'

test_done
