#!/bin/bash
# GET /metrics of cairn serve: the Prometheus text exposition that
# `promtool check metrics` accepts, with the build info, requests by model,
# version, protocol and status, latency and batch histograms, model loads
# and the prediction log's counters; it follows the server's token rule.
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/helpers/serve.sh"
. "$TEST_DIRECTORY/helpers/predictions.sh"

test_expect_success 'setup: a registered model and a token' '
	predictions_setup &&
	echo "{\"dataframe_records\": [{\"sepal_length\": 5.1, \"sepal_width\": 3.5, \"petal_length\": 1.4, \"petal_width\": 0.2}, {\"sepal_length\": 6.7, \"sepal_width\": 3.0, \"petal_length\": 5.2, \"petal_width\": 2.3}]}" >req.json &&
	echo "s3cret-token" >token
'

serve_start srv iris@1

test_expect_success 'requests, a bad one, then GET /metrics' '
	for i in 1 2 3; do
		curl -sS -o /dev/null -H "Content-Type: application/json" --data-binary @req.json \
			"http://127.0.0.1:$srv_port/invocations" || exit 1
	done &&
	curl -sS -o /dev/null -H "Content-Type: text/plain" --data-binary @req.json \
		"http://127.0.0.1:$srv_port/invocations" &&
	curl -sS -D headers -o metrics.txt "http://127.0.0.1:$srv_port/metrics" && cp metrics.txt open-metrics.txt &&
	test_grep "^Content-Type: text/plain; version=0.0.4" headers
'

test_expect_success 'the exposition counts what was asked' '
	test_grep "^cairn_build_info{version=\"$(cairn version | sed -n "s/^cairn \([^ ]*\).*/\1/p")\"} 1$" metrics.txt &&
	test_grep "^cairn_requests_total{model=\"iris\",version=\"1\",protocol=\"mlflow\",status=\"200\"} 3$" metrics.txt &&
	test_grep "^cairn_requests_total{model=\"iris\",version=\"1\",protocol=\"mlflow\",status=\"415\"} 1$" metrics.txt &&
	test_grep "^cairn_request_duration_seconds_count{model=\"iris\",protocol=\"mlflow\"} 4$" metrics.txt &&
	test_grep "^cairn_request_duration_seconds_bucket{model=\"iris\",protocol=\"mlflow\",le=\"[+]Inf\"} 4$" metrics.txt &&
	test_grep "^cairn_batch_rows_sum{model=\"iris\"} 6$" metrics.txt &&
	test_grep "^cairn_model_loads_total{model=\"iris\",result=\"ok\"} 1$" metrics.txt &&
	test_grep "^cairn_model_load_duration_seconds_count{model=\"iris\"} 1$" metrics.txt &&
	test_grep "^cairn_requests_in_flight 1$" metrics.txt &&
	test_grep "^# TYPE cairn_prediction_log_dropped_total counter$" metrics.txt &&
	test_grep "^cairn_prediction_log_dropped_total 0$" metrics.txt
'

test_expect_success 'promtool check metrics accepts it' '
	if ! test_have promtool; then echo "SKIP: promtool is not installed" >&2; exit 0; fi &&
	promtool check metrics <metrics.txt >lint 2>&1 || { cat lint >&2; exit 1; }
'

test_expect_success 'POST /metrics is refused' '
	curl -sS -o body -w "%{http_code}\n" -X POST "http://127.0.0.1:$srv_port/metrics" >status &&
	test "$(cat status)" = 405
'

serve_stop srv
serve_start locked iris@1 --token-file token

test_expect_success 'with a token, /metrics needs it like every endpoint but health' '
	curl -sS -o body -w "%{http_code}\n" "http://127.0.0.1:$locked_port/metrics" >status &&
	test "$(cat status)" = 401 &&
	curl -sS -o metrics.txt -w "%{http_code}\n" -H "Authorization: Bearer s3cret-token" \
		"http://127.0.0.1:$locked_port/metrics" >status &&
	test "$(cat status)" = 200 &&
	test_grep "^cairn_requests_total{model=\"\",version=\"\",protocol=\"none\",status=\"401\"} 1$" metrics.txt
'

test_done
