#!/bin/bash
# SIGHUP makes cairn serve load every model again from its reference (it no
# longer stops it): a package directory replaced on disk answers with the
# new model; a reload that fails keeps the old model serving, with a
# warning and a line in the access log; SIGTERM still stops the server.
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/helpers/serve.sh"
. "$TEST_DIRECTORY/helpers/serve-reload.sh"

test_expect_success 'setup: two versions of iris, version 1 as a package directory' '
	reload_setup &&
	mkdir pkg &&
	cairn runs get-artifact $(jq_py "d[\"run_id\"]" <train1.json) model pkg/iris >/dev/null &&
	cairn runs get-artifact $(jq_py "d[\"run_id\"]" <train2.json) model v2pkg >/dev/null
'

serve_start srv ./pkg/iris --reload-interval 0 --access-log access.log
serve_start pinned iris@1 --reload-interval 0 --access-log pinned.log

test_expect_success 'SIGHUP loads the package directory again: the new model answers' '
	answered_by $srv_port >got && echo "200 1 $(cat v1.json)" >want && test_cmp want got &&
	rm -rf pkg/iris && cp -R v2pkg pkg/iris &&
	kill -HUP $srv_pid &&
	wait_lines access.log "\"event\": *\"reload\"" 1 &&
	answered_by $srv_port >got && echo "200 1 $(cat v2.json)" >want && test_cmp want got &&
	kill -0 $srv_pid
'

test_expect_success 'a pinned registry version reloads as itself' '
	kill -HUP $pinned_pid &&
	wait_lines pinned.log "\"event\": *\"reload\"" 1 &&
	grep "\"event\": *\"reload\"" pinned.log >line &&
	test_grep "\"version\": *\"1\"" line && test_grep "\"from\": *\"1\"" line &&
	answered_by $pinned_port >got && echo "200 1 $(cat v1.json)" >want && test_cmp want got
'

test_expect_success 'a reload that fails keeps the old model serving, said in the logs' '
	rm -rf pkg/iris && mkdir pkg/iris && echo junk >pkg/iris/MLmodel &&
	kill -HUP $srv_pid &&
	wait_lines access.log "\"event\": *\"reload-failed\"" 1 &&
	grep "\"event\": *\"reload-failed\"" access.log >line &&
	test_grep "\"ref\": *\"./pkg/iris\"" line && test_grep "\"error\"" line &&
	test_grep "cannot reload ...pkg/iris. \\(version 1 keeps serving\\)" srv.err &&
	answered_by $srv_port >got && echo "200 1 $(cat v2.json)" >want && test_cmp want got &&
	curl -sS http://127.0.0.1:$srv_port/metrics >metrics &&
	test_grep "^cairn_model_loads_total\{.*result=\"error\"\} 1$" metrics
'

serve_stop srv
echo $? >srv.exit

test_expect_success 'SIGTERM still stops it, with status 0' '
	test "$(cat srv.exit)" = 0
'

test_done
