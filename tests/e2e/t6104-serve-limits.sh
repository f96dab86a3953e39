#!/bin/bash
# cairn serve's limits: a body past --max-body is 413 (announced or
# chunked), headers past --max-header 431, a request past --timeout 504,
# connections past --max-connections refused; the server lives on.
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/helpers/serve.sh"

test_expect_success 'setup: a knn model package' '
	cairn init >/dev/null &&
	cairn data add "$DATASETS/iris.csv" >/dev/null &&
	cairn train --data iris --target species --algo knn --json >train.json &&
	cairn runs get-artifact $(jq_py "d[\"run_id\"]" <train.json) model iris-knn >/dev/null &&
	echo "{\"inputs\": [[5.1, 3.5, 1.4, 0.2]]}" >small.json &&
	python3 -c "print(\"{\\\"inputs\\\": [\" + \",\".join([\"[5.1, 3.5, 1.4, 0.2]\"] * 100) + \"]}\")" >big.json
'

serve_start srv iris-knn --max-body 1000 --max-header 4096 --threads 1 --max-connections 3

test_expect_success 'a body within the limit is answered' '
	serve_post $srv_port /invocations application/json small.json &&
	test "$(cat status)" = 200
'

test_expect_success 'a larger body is 413, announced or chunked' '
	serve_post $srv_port /invocations application/json big.json &&
	test "$(cat status)" = 413 &&
	jq_py "d[\"error_code\"]" <body >code && echo BAD_REQUEST >want && test_cmp want code &&
	test_grep "limit of 1000 bytes" body &&
	curl -sS -o body -w "%{http_code}\n" -X POST -H "Content-Type: application/json" \
		-H "Transfer-Encoding: chunked" --data-binary @big.json \
		http://127.0.0.1:$srv_port/invocations >status &&
	test "$(cat status)" = 413 &&
	serve_post $srv_port /v2/models/iris-knn/infer application/json big.json &&
	test "$(cat status)" = 413 && test_grep "^{\"error\":" body
'

test_expect_success 'headers past the limit are 431' '
	long=$(python3 -c "print(\"x\" * 6000)") &&
	curl -sS -o body -w "%{http_code}\n" -H "X-Long: $long" \
		http://127.0.0.1:$srv_port/ping >status &&
	test "$(cat status)" = 431
'

test_expect_success 'connections past the cap are closed at once, the others served' '
	python3 - $srv_port <<-\EOF
	import socket, sys
	port = int(sys.argv[1])
	def ping(s):
	    s.sendall(b"GET /ping HTTP/1.1\r\nHost: x\r\n\r\n")
	    got = b""
	    while b"\r\n\r\n" not in got:
	        chunk = s.recv(4096)
	        if not chunk:
	            return got
	        got += chunk
	    return got
	held = [socket.create_connection(("127.0.0.1", port)) for _ in range(3)]
	for s in held:
	    assert ping(s).startswith(b"HTTP/1.1 200"), "a connection within the cap"
	extra = socket.create_connection(("127.0.0.1", port))
	extra.settimeout(30)
	try:
	    got = ping(extra)
	except ConnectionResetError:
	    got = b""
	assert got == b"", got
	held[0].close()
	EOF
'

test_expect_success 'the server still answers' '
	serve_get $srv_port /ping && test "$(cat status)" = 200
'

serve_stop srv

serve_start slow iris-knn --timeout 0.000001

test_expect_success 'a request past --timeout is 504, health is not timed' '
	serve_post $slow_port /invocations application/json small.json &&
	test "$(cat status)" = 504 &&
	jq_py "d[\"error_code\"]" <body >code && echo DEADLINE_EXCEEDED >want && test_cmp want code &&
	echo "{\"inputs\": [{\"name\": \"x\", \"shape\": [1, 4], \"datatype\": \"FP64\", \"data\": [5.1, 3.5, 1.4, 0.2]}]}" >v2.json &&
	serve_post $slow_port /v2/models/iris-knn/infer application/json v2.json &&
	test "$(cat status)" = 504 && test_grep "^{\"error\":" body &&
	serve_get $slow_port /ping && test "$(cat status)" = 200
'

serve_stop slow

test_expect_success 'bad limits are usage errors' '
	test_expect_code 2 cairn serve iris-knn --timeout -1 2>err &&
	test_grep "seconds" err &&
	test_expect_code 2 cairn serve iris-knn --max-body 0 2>err &&
	test_expect_code 2 cairn serve iris-knn --port 70000 2>err
'

test_done
