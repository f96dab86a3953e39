#!/bin/bash
# cairn serve --token-file: every endpoint but /ping, /health and
# /v2/health/* needs "Authorization: Bearer TOKEN" (401 with a Bearer
# challenge otherwise); the token is never on the command line, in ps or in
# the access log.
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/helpers/serve.sh"

client="$TEST_DIRECTORY/helpers/serve-client.py"
token=s3cr3t-t0ken-$$

test_expect_success 'setup: a naive_bayes model package and a token file' '
	cairn init >/dev/null &&
	cairn data add "$DATASETS/iris.csv" >/dev/null &&
	cairn train --data iris --target species --algo naive_bayes --json >train.json &&
	cairn runs get-artifact $(jq_py "d[\"run_id\"]" <train.json) model m >/dev/null &&
	printf "%s\n" "$token" >token &&
	echo "{\"inputs\": [[5.1, 3.5, 1.4, 0.2]]}" >req.json
'

serve_start srv m --token-file token --access-log access.log

test_expect_success 'without the token: 401 with WWW-Authenticate; health is open' '
	curl -sS -D headers -o body -w "%{http_code}\n" -X POST -H "Content-Type: application/json" \
		--data-binary @req.json http://127.0.0.1:$srv_port/invocations >status &&
	test "$(cat status)" = 401 &&
	test_grep "^WWW-Authenticate: Bearer" headers &&
	jq_py "d[\"error_code\"]" <body >code && echo UNAUTHENTICATED >want && test_cmp want code &&
	serve_get $srv_port /health && test "$(cat status)" = 200 &&
	serve_get $srv_port /v2/health/live && test "$(cat status)" = 200
'

test_expect_success 'with the token: answered' '
	curl -sS -o body -w "%{http_code}\n" -X POST -H "Content-Type: application/json" \
		-H "Authorization: Bearer $token" --data-binary @req.json \
		http://127.0.0.1:$srv_port/invocations >status &&
	test "$(cat status)" = 200 && test_grep "predictions" body
'

test_expect_success 'the protocol-level client: wrong tokens, schemes and lengths are 401' '
	python3 "$client" $srv_port auth "$token"
'

test_expect_success 'the token is not in ps, the access log or the output' '
	ps -eo args >ps.txt &&
	test_grep "cairn serve m --token-file token" ps.txt &&
	test_must_fail grep -F "$token" ps.txt &&
	test -s access.log &&
	test_must_fail grep -F "$token" access.log srv.out srv.err
'

serve_stop srv

test_expect_success 'an empty or missing token file is refused before listening' '
	: >empty &&
	test_expect_code 2 cairn serve m --token-file empty --port 0 >out 2>err &&
	test_grep "token file .empty. is empty" err &&
	test_expect_code 4 cairn serve m --token-file nosuch --port 0 >out 2>err &&
	test_must_fail grep listening out
'

test_done
