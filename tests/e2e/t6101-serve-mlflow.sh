#!/bin/bash
# cairn serve, MLflow's scoring protocol: every body format with curl and
# with a protocol-level client, /ping, /health, /version, errors that name
# the column and the row, 415, 404, the class probabilities.
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/helpers/serve.sh"

client="$TEST_DIRECTORY/helpers/serve-client.py"
cols='["sepal_length","sepal_width","petal_length","petal_width","garden"]'

test_expect_success 'setup: an xgboost model of iris with a text column, registered' '
	cairn init >/dev/null &&
	awk -F, "NR == 1 { print \$0 \",garden\" } NR > 1 { print \$0 \",\" (NR % 3 ? \"north\" : \"south\") }" \
		"$DATASETS/iris.csv" >iris.csv &&
	cairn data add iris.csv >/dev/null &&
	cairn train --data iris --target species --algo xgboost --name x --json >train.json &&
	cairn models register iris --run $(jq_py "d[\"run_id\"]" <train.json) >/dev/null
'

serve_start srv iris@1

test_expect_success 'the listening line names the port, and the server answers /ping' '
	test -n "$srv_port" &&
	serve_get $srv_port /ping && test "$(cat status)" = 200 &&
	serve_get $srv_port /health && test "$(cat status)" = 200 &&
	serve_get $srv_port /version && test "$(cat status)" = 200 &&
	test "$(cat body)" = "$(cairn version | sed -n "s/^cairn \([^ ]*\).*/\1/p")"
'

test_expect_success 'dataframe_split with curl: class labels' '
	cat >req.json <<-\EOF &&
	{"dataframe_split": {"columns": ["sepal_length", "sepal_width", "petal_length", "petal_width", "garden"],
	 "data": [[5.1, 3.5, 1.4, 0.2, "north"], [6.7, 3.0, 5.2, 2.3, "south"]]}}
	EOF
	serve_post $srv_port /invocations application/json req.json &&
	test "$(cat status)" = 200 &&
	test "$(cat body)" = "{\"predictions\":[\"setosa\",\"virginica\"]}"
'

test_expect_success 'params.predict_method predict_proba gives the class probabilities' '
	cat >req.json <<-\EOF &&
	{"dataframe_records": [{"sepal_length": 5.1, "sepal_width": 3.5, "petal_length": 1.4,
	  "petal_width": 0.2, "garden": "north"}], "params": {"predict_method": "predict_proba"}}
	EOF
	serve_post $srv_port /invocations "application/json; charset=utf-8" req.json &&
	test "$(cat status)" = 200 &&
	jq_py "len(d[\"predictions\"][0]), abs(sum(d[\"predictions\"][0]) - 1) < 1e-6" <body >got &&
	echo "3 True" >want && test_cmp want got
'

test_expect_success 'text/csv with curl' '
	head -n 3 iris.csv | cut -d, -f1-4,6 >rows.csv &&
	serve_post $srv_port /invocations text/csv rows.csv &&
	test "$(cat status)" = 200 &&
	test "$(cat body)" = "{\"predictions\":[\"setosa\",\"setosa\"]}"
'

test_expect_success 'a word in a numeric column is a 400 naming the column and the row' '
	cat >req.json <<-\EOF &&
	{"instances": [{"sepal_length": 5.1, "sepal_width": 3.5, "petal_length": 1.4, "petal_width": 0.2, "garden": "north"},
	 {"sepal_length": 5.1, "sepal_width": "wide", "petal_length": 1.4, "petal_width": 0.2, "garden": "north"}]}
	EOF
	serve_post $srv_port /invocations application/json req.json &&
	test "$(cat status)" = 400 &&
	jq_py "d[\"error_code\"], d[\"message\"]" <body >got &&
	test_grep "BAD_REQUEST" got &&
	test_grep "column .sepal_width. row 2: .wide. is not a number" got
'

test_expect_success 'a missing or unknown column is a 400 naming it' '
	echo "{\"dataframe_split\": {\"columns\": [\"sepal_length\"], \"data\": [[1]]}}" >req.json &&
	serve_post $srv_port /invocations application/json req.json &&
	test "$(cat status)" = 400 && test_grep "missing column .sepal_width." body &&
	echo "{\"instances\": [{\"sepal_length\": 1, \"sepal_width\": 1, \"petal_length\": 1, \"petal_width\": 1, \"garden\": \"x\", \"colour\": 2}]}" >req.json &&
	serve_post $srv_port /invocations application/json req.json &&
	test "$(cat status)" = 400 && test_grep "row 1: unknown column .colour." body
'

test_expect_success 'other content types are 415, other paths 404' '
	echo "a=1" >form &&
	serve_post $srv_port /invocations application/x-www-form-urlencoded form &&
	test "$(cat status)" = 415 && test_grep "error_code" body &&
	serve_get $srv_port /nothing && test "$(cat status)" = 404
'

test_expect_success 'the protocol-level client: every format, headers, errors' '
	python3 "$client" $srv_port mlflow iris "$cols" "[5.9, 3.0, 5.1, 1.8, \"north\"]"
'

test_expect_success 'the access log has one JSON line per request, with its id' '
	python3 -c "
import json, sys
lines = [json.loads(l) for l in open(\"srv.err\")]
assert len(lines) >= 20, len(lines)
ids = [l[\"id\"] for l in lines]
assert \"req-instances\" in ids, ids
inv = [l for l in lines if l[\"path\"] == \"/invocations\" and l[\"status\"] == 200]
assert inv and all(l[\"model\"] == \"iris\" and l[\"version\"] == \"1\" for l in inv), inv
"
'

serve_stop srv
echo $? >srv.exit

test_expect_success 'SIGTERM stops the server with status 0' '
	test "$(cat srv.exit)" = 0
'

test_done
