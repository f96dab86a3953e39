#!/bin/bash
# cairn serve --shadow NAME@SEL: the shadow runs on every request of its
# model, after the answer; its answer goes to the access log (a line with
# "shadow": true, its version, the champion's and its predictions) and to
# the prediction log (a record with "shadow": true), never to the client;
# a shadow that fails never fails a request. With batching too, on a frame
# with a text column (which the prediction log keeps as well).
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/helpers/serve.sh"
. "$TEST_DIRECTORY/helpers/serve-reload.sh"

ids="$TEST_DIRECTORY/helpers/serve-ids.py"

# exported N: the prediction log exported to log.jsonl has N shadow records.
exported() {
	cairn predictions export --format jsonl >log.jsonl &&
	test "$(grep -c "\"shadow\": *true" log.jsonl)" -ge $1
}

test_expect_success 'setup: two versions of iris, and a model of iris with one more column' '
	reload_setup &&
	awk -F, "NR == 1 { print \$0 \",garden\" } NR > 1 { print \$0 \",north\" }" \
		"$DATASETS/iris.csv" >garden.csv &&
	cairn data add garden.csv >/dev/null &&
	cairn train --data garden --target species --algo linear_svm --json >train3.json &&
	mkdir bad &&
	cairn runs get-artifact $(jq_py "d[\"run_id\"]" <train3.json) model bad/iris >/dev/null &&
	seq -f "shadowed-%g" 1 20 >ids
'

serve_start srv iris@champion --shadow iris@challenger --access-log access.log \
	--predictions-flush-ms 50

test_expect_success 'every answer is the champion'"'"'s' '
	python3 "$ids" $srv_port /invocations "$(cat req.json)" <ids >got &&
	sed "s/$/ 200 1/" ids >want && test_cmp want got &&
	answered_by $srv_port one-more >got &&
	echo "200 1 $(cat v1.json)" >want && test_cmp want got
'

test_expect_success 'the shadow answered each request in the access log, and only there' '
	wait_lines access.log "\"shadow\": *true" 21 &&
	grep "\"shadow\": *true" access.log >shadow.log &&
	python3 -c "
import json, sys
for line in open(\"shadow.log\"):
    d = json.loads(line)
    print(d[\"id\"], d[\"model\"], d[\"version\"], d[\"champion\"], d[\"rows\"], *d[\"predictions\"])
" | sort >got &&
	(cat ids; echo one-more) | sed "s/$/ iris 2 1 1 virginica/" | sort >want &&
	test_cmp want got &&
	test_must_fail grep virginica body
'

test_expect_success 'the prediction log has each request twice: answered, and shadowed' '
	poll_until exported 21 &&
	python3 -c "
import json
for line in open(\"log.jsonl\"):
    d = json.loads(line)
    print(d[\"id\"], d.get(\"shadow\", False), d[\"version\"], d[\"status\"], *d[\"outputs\"])
" | sort >got &&
	(cat ids; echo one-more) | sed "s/$/ False iris@1 200 setosa/" >want.1 &&
	(cat ids; echo one-more) | sed "s/$/ True iris@2 200 virginica/" >want.2 &&
	sort want.1 want.2 >want &&
	test_cmp want got
'

test_expect_success 'a shadow is not counted as a request in the metrics' '
	curl -sS http://127.0.0.1:$srv_port/metrics >metrics &&
	test_grep "^cairn_requests_total\{.*version=\"1\"" metrics &&
	test_must_fail grep "^cairn_requests_total{.*version=\"2\"" metrics
'

test_expect_success 'the requests'"'"' own lines name the champion' '
	grep "\"id\": *\"shadowed-1\"" access.log | grep -v "\"shadow\"" >line &&
	test_grep "\"version\": *\"1\"" line
'

serve_start bad iris@1 --shadow ./bad/iris --access-log bad.log

test_expect_success 'a shadow that fails never fails the request, and its error is logged' '
	python3 "$ids" $bad_port /invocations "$(cat req.json)" <ids >got &&
	sed "s/$/ 200 1/" ids >want && test_cmp want got &&
	wait_lines bad.log "\"shadow\": *true" 20 &&
	grep "\"shadow\": *true" bad.log >shadow.log &&
	test "$(grep -c "\"error\"" shadow.log)" = 20 &&
	test_grep "garden" shadow.log
'

# Batching answers on a pool thread; a frame with a text column is one the
# prediction log would otherwise take over.
serve_start text ./bad/iris --shadow ./bad/iris --max-batch 4 --max-delay-us 0 \
	--access-log text.log --predictions-flush-ms 50

text_records() {
	cairn predictions export --format jsonl >log.jsonl &&
	test "$(grep -c "\"text-[12]\"" log.jsonl)" = 4
}

test_expect_success 'with batching, a text column: the version header, the shadow, both records whole' '
	for id in text-1 text-2; do
		curl -sS -D headers -o body -H "Content-Type: application/json" \
			-H "X-Request-ID: $id" --data-binary "{\"dataframe_split\": {\"columns\":
			[\"sepal_length\", \"sepal_width\", \"petal_length\", \"petal_width\",
			\"garden\"], \"data\": [[5.1, 3.5, 1.4, 0.2, \"north\"]]}}" \
			http://127.0.0.1:$text_port/invocations >/dev/null &&
		test_grep "^HTTP/1.1 200" headers &&
		grep -qi "^X-Cairn-Model-Version: ." headers || return 1
	done &&
	wait_lines text.log "\"shadow\": *true" 2 &&
	test "$(grep "\"shadow\": *true" text.log | grep -c "\"error\"")" = 0 &&
	poll_until text_records &&
	grep "\"text-[12]\"" log.jsonl >text.jsonl &&
	test "$(grep -c "\"garden\": *\[\"north\"\]" text.jsonl)" = 4 &&
	test "$(grep -c "\"shadow\": *true" text.jsonl)" = 2
'

test_expect_success 'a shadow of a model not served, or two shadows of one, are refused' '
	cairn runs get-artifact $(jq_py "d[\"run_id\"]" <train2.json) model other >/dev/null &&
	test_expect_code 2 cairn serve iris@1 --shadow other --port 0 2>err &&
	test_grep "the shadow .other. is a version of .other., which is not served" err &&
	test_expect_code 2 cairn serve iris@1 --shadow iris@2 --shadow iris@1 --port 0 2>err &&
	test_grep "two shadows" err
'

test_done
