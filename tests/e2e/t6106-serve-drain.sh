#!/bin/bash
# SIGTERM drains cairn serve: a request in flight (its headers read, its
# body still coming) is answered, then the server exits 0 and listens no
# more. SIGINT does the same.
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/helpers/serve.sh"

client="$TEST_DIRECTORY/helpers/serve-client.py"

test_expect_success 'setup: a linear_svm model package' '
	cairn init >/dev/null &&
	cairn data add "$DATASETS/iris.csv" >/dev/null &&
	cairn train --data iris --target species --algo linear_svm --json >train.json &&
	cairn runs get-artifact $(jq_py "d[\"run_id\"]" <train.json) model svm >/dev/null
'

serve_start srv svm
echo $srv_pid >srv.pid

test_expect_success 'SIGTERM with a request in flight: the request is answered' '
	python3 "$client" $srv_port drain svm srv.pid "{\"inputs\": [[5.1, 3.5, 1.4, 0.2]]}"
'

wait $srv_pid
echo $? >srv.exit

test_expect_success 'then the server exits 0 and listens no more' '
	test "$(cat srv.exit)" = 0 &&
	test_must_fail curl -sS http://127.0.0.1:$srv_port/ping 2>err
'

# A background job of a script starts with SIGINT ignored, and cairn keeps
# an ignored signal ignored: the server is started with SIGINT at its
# default, as from a terminal.
python3 -c "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.execvp(sys.argv[1], sys.argv[1:])" \
	cairn serve svm --port 0 >again.out 2>again.err &
again_pid=$!
serve_pids="$serve_pids $again_pid"
while ! grep -q "^listening on " again.out && kill -0 $again_pid 2>/dev/null; do
	sleep 0.05
done
kill -INT $again_pid
wait $again_pid
echo $? >again.exit

test_expect_success 'SIGINT stops it too, with status 0' '
	test "$(cat again.exit)" = 0
'

test_done
