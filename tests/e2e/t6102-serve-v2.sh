#!/bin/bash
# cairn serve, the Open Inference Protocol v2: health, metadata, infer with
# one tensor per column or one [rows, cols] tensor, the id echoed, errors as
# {"error": ...}; with curl and with a protocol-level client whose answers
# are validated against the protocol's OpenAPI schemas.
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/helpers/serve.sh"

client="$TEST_DIRECTORY/helpers/serve-client.py"
spec="$SRC_ROOT/../shared/specs/open-inference-protocol-rest.yaml"
cols='["sepal_length","sepal_width","petal_length","petal_width"]'
SQ="'"

test_expect_success 'setup: a logistic model of iris, registered twice' '
	cairn init >/dev/null &&
	cairn data add "$DATASETS/iris.csv" >/dev/null &&
	cairn train --data iris --target species --algo logistic --name l --json >train.json &&
	run=$(jq_py "d[\"run_id\"]" <train.json) &&
	cairn models register iris --run $run >/dev/null &&
	cairn models register iris --run $run >/dev/null &&
	cairn models alias set iris champion 2 >/dev/null
'

serve_start srv iris@champion

test_expect_success 'server and model health and metadata with curl' '
	serve_get $srv_port /v2/health/live && test "$(cat status)" = 200 &&
	serve_get $srv_port /v2/health/ready && test "$(cat status)" = 200 &&
	serve_get $srv_port /v2/models/iris/ready && test "$(cat status)" = 200 &&
	serve_get $srv_port /v2 && test "$(cat status)" = 200 &&
	jq_py "d[\"name\"], d[\"extensions\"]" <body >got && echo "cairn []" >want && test_cmp want got &&
	serve_get $srv_port /v2/models/iris/versions/2 && test "$(cat status)" = 200 &&
	jq_py "d[\"name\"], d[\"versions\"], d[\"platform\"], [o[\"name\"] for o in d[\"outputs\"]]" <body >got &&
	echo "iris [${SQ}2${SQ}] cairn [${SQ}predict${SQ}, ${SQ}predict_proba${SQ}]" >want && test_cmp want got
'

test_expect_success 'infer with curl: a [rows, cols] tensor, probabilities, the id echoed' '
	cat >req.json <<-\EOF &&
	{"id": "r-42", "inputs": [{"name": "x", "shape": [2, 4], "datatype": "FP32",
	  "data": [5.1, 3.5, 1.4, 0.2, 6.7, 3.0, 5.2, 2.3]}],
	 "outputs": [{"name": "predict"}, {"name": "predict_proba"}]}
	EOF
	serve_post $srv_port /v2/models/iris/versions/2/infer application/json req.json &&
	test "$(cat status)" = 200 &&
	jq_py "d[\"id\"], d[\"model_version\"], d[\"outputs\"][0][\"data\"], d[\"outputs\"][1][\"shape\"]" <body >got &&
	echo "r-42 2 [${SQ}setosa${SQ}, ${SQ}virginica${SQ}] [2, 3]" >want && test_cmp want got
'

test_expect_success 'infer errors: a version not served is 404, a bad tensor 400' '
	serve_post $srv_port /v2/models/iris/versions/1/infer application/json req.json &&
	test "$(cat status)" = 404 && test_grep "\"error\":" body &&
	echo "{\"inputs\": [{\"name\": \"x\", \"shape\": [2, 4], \"datatype\": \"FP32\", \"data\": [1]}]}" >bad.json &&
	serve_post $srv_port /v2/models/iris/infer application/json bad.json &&
	test "$(cat status)" = 400 && test_grep "shape \[2, 4\] holds 8 values, data has 1" body
'

if test -f "$spec" && python3 -c "import jsonschema, yaml" 2>/dev/null; then
	test_expect_success 'the protocol-level client, answers valid against the OpenAPI schemas' '
		python3 "$client" $srv_port v2 iris 2 "$cols" "[5.9, 3.0, 5.1, 1.8]" "$spec"
	'
else
	test_skip 'the protocol-level client with the OpenAPI schemas' \
		'the OpenAPI file or python3-jsonschema / python3-yaml is missing'
	test_expect_success 'the protocol-level client' '
		python3 "$client" $srv_port v2 iris 2 "$cols" "[5.9, 3.0, 5.1, 1.8]"
	'
fi

serve_stop srv

test_done
