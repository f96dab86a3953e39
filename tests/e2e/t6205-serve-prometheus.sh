#!/bin/bash
# A real Prometheus scrapes cairn serve every second (with the server's
# bearer token, as a scrape config gives it) and answers queries for
# cairn_build_info and the request counter through its HTTP API.
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/helpers/serve.sh"
. "$TEST_DIRECTORY/helpers/predictions.sh"

prometheus=/usr/bin/prometheus
test -x $prometheus || test_skip_all "Prometheus is not installed ($prometheus)"

test_expect_success 'setup: a registered model and a token' '
	predictions_setup &&
	echo "scrape-token" >token
'

serve_start srv iris@1 --token-file token

test_expect_success 'five predictions are answered' '
	for i in 1 2 3 4 5; do
		curl -sS -o /dev/null -H "Authorization: Bearer scrape-token" \
			-H "Content-Type: application/json" --data-binary @req.json \
			"http://127.0.0.1:$srv_port/invocations" || exit 1
	done
'

prom_port=$(test_free_port)
cat >prometheus.yml <<EOF
global:
  scrape_interval: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: cairn
    authorization:
      credentials_file: $TRASH/token
    static_configs:
      - targets: ['127.0.0.1:$srv_port']
EOF
$prometheus --config.file=prometheus.yml --storage.tsdb.path=tsdb \
	--web.listen-address=127.0.0.1:$prom_port >prometheus.log 2>&1 &
prom_pid=$!
serve_pids="$serve_pids $prom_pid"

# query EXPR: the query's answer (JSON) in 'result'.
query() {
	curl -sS -G -o result "http://127.0.0.1:$prom_port/api/v1/query" --data-urlencode "query=$1"
}

# wait_for EXPR: polls the query (at most 60 s) until it has a sample.
wait_for() {
	for _ in $(seq 1 120); do
		if query "$1" 2>/dev/null &&
		   jq_py "len(d[\"data\"][\"result\"])" <result 2>/dev/null | grep -q "^[1-9]"; then
			return 0
		fi
		kill -0 $prom_pid 2>/dev/null || { cat prometheus.log >&2; return 1; }
		sleep 0.5
	done
	cat prometheus.log >&2
	return 1
}

test_expect_success 'Prometheus has scraped cairn_build_info' '
	wait_for "cairn_build_info" &&
	jq_py "d[\"data\"][\"result\"][0][\"metric\"][\"job\"], d[\"data\"][\"result\"][0][\"value\"][1]" <result >got &&
	echo "cairn 1" >want && test_cmp want got
'

test_expect_success 'and the request counter of the model' '
	wait_for "cairn_requests_total{model=\"iris\",status=\"200\"}" &&
	jq_py "d[\"data\"][\"result\"][0][\"metric\"][\"protocol\"], d[\"data\"][\"result\"][0][\"value\"][1]" <result >got &&
	echo "mlflow 5" >want && test_cmp want got
'

test_expect_success 'the target is up' '
	wait_for "up{job=\"cairn\"} == 1"
'

kill $prom_pid
{ wait $prom_pid; } 2>/dev/null

test_done
