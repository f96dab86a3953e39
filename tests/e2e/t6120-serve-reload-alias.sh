#!/bin/bash
# cairn serve NAME@ALIAS follows the alias: under load from two clients on
# keep-alive connections, 20 promotions back and forth between two versions
# with different answers fail no request, every answer comes from the
# version its X-Cairn-Model-Version header names, and once a swap is seen
# every new request is answered by the new version. NAME@V is pinned.
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/helpers/serve.sh"
. "$TEST_DIRECTORY/helpers/serve-reload.sh"

swaps="$TEST_DIRECTORY/helpers/serve-swaps.py"

test_expect_success 'setup: two versions of iris with different answers' '
	reload_setup
'

serve_start srv iris@champion --reload-interval 0.05 --access-log access.log
serve_start pinned iris@1 --reload-interval 0.05

test_expect_success 'the version that answers is in X-Cairn-Model-Version' '
	answered_by $srv_port >got &&
	echo "200 1 $(cat v1.json)" >want &&
	test_cmp want got
'

python3 "$swaps" $srv_port /invocations "$(cat req.json)" stop \
	"{\"1\": $(cat v1.json), \"2\": $(cat v2.json)}" 2 300 >load.json &
load_pid=$!
serve_pids="$serve_pids $load_pid"

test_expect_success '20 swaps under load: each new version answers once promoted' '
	for i in $(seq 1 20); do
		v=$((i % 2 ? 2 : 1)) &&
		cairn models alias set iris champion $v >/dev/null &&
		wait_version $srv_port $v &&
		for k in 1 2 3; do
			answered_by $srv_port >got &&
			echo "200 $v $(cat v$v.json)" >want &&
			test_cmp want got || exit 1
		done || exit 1
	done
'

touch stop
wait $load_pid

test_expect_success 'the load saw no failure and both versions, each with its own answer' '
	cat load.json &&
	jq_py "list(d[\"statuses\"]), d[\"errors\"], d[\"wrong\"]" <load.json >got &&
	echo "[\"200\"] 0 0" | tr "\"" "\047" >want &&
	test_cmp want got &&
	jq_py "d[\"versions\"][\"1\"] > 0 and d[\"versions\"][\"2\"] > 0" <load.json >got &&
	echo True >want && test_cmp want got
'

test_expect_success 'the access log has a line for each swap' '
	grep "\"event\": *\"reload\"" access.log >reloads &&
	test $(wc -l <reloads) = 20
'

test_expect_success 'a pinned NAME@V does not follow the alias' '
	answered_by $pinned_port >got &&
	echo "200 1 $(cat v1.json)" >want &&
	test_cmp want got
'

serve_stop srv
echo $? >srv.exit

test_expect_success 'SIGTERM still stops a server that reloads, with status 0' '
	test "$(cat srv.exit)" = 0
'

test_done
