#!/bin/bash
# cairn runs end: a run whose process died on another host (or in a
# container with another hostname) stays RUNNING until ended by hand, FAILED
# or KILLED, at the last time it was seen alive; a run that has ended, or
# whose process is alive on this host, is refused.
. "$(dirname "$0")/lib.sh"

wait_for() {
	local i=0
	while [ ! -s "$1" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
	test -s "$1"
}

# Moves run $1 to another host, as if it had run in a container.
elsewhere() {
	python3 - "$1" <<-\PY
	import sqlite3, sys
	db = sqlite3.connect(".cairn/cairn.db")
	db.execute("UPDATE runs SET host = 'container-7f3a' WHERE id = ?", [sys.argv[1]])
	db.commit()
	PY
}

test_expect_success 'setup: a run that died in a container' '
	cairn init >/dev/null &&
	{ cairn -q run --name boxed -- sh -c "cairn log metric step 1 && echo \$\$ >ready &&
		exec sleep 300" >/dev/null 2>&1 & } &&
	pid=$! &&
	wait_for ready &&
	cairn runs list --json | jq_py "d[0][\"id\"]" >run &&
	elsewhere $(cat run) &&
	kill -KILL $pid &&
	wait $pid || true &&
	test "$(cairn runs show $(cat run) --json | jq_py "d[\"status\"]")" = RUNNING
'

test_expect_success 'runs end --status KILLED --message ends it, at its last record' '
	before=$(python3 -c "import time; print(int(time.time() * 1000))") &&
	cairn runs end $(cat run) --status KILLED --message "the container was removed" --json >show.json &&
	python3 - "$before" <<-\PY
	import json, sys
	r = json.load(open("show.json"))
	assert r["status"] == "KILLED" and r["message"] == "the container was removed", r
	assert r["start_ms"] <= r["end_ms"] <= int(sys.argv[1]), (r["end_ms"], sys.argv[1])
	PY
'

test_expect_success 'a run that has ended is refused, naming its status' '
	test_expect_code 2 cairn runs end $(cat run) --status FAILED 2>err &&
	test_grep "^cairn: error: run $(cat run) has already ended \(KILLED\)$" err
'

test_expect_success 'without --message, the message says it was ended by hand' '
	cairn -q run -- true &&
	cairn runs list --json | jq_py "d[0][\"id\"]" >run2 &&
	python3 - "$(cat run2)" <<-\PY
	import sqlite3, sys
	db = sqlite3.connect(".cairn/cairn.db")
	db.execute("UPDATE runs SET status = ?, end_ms = NULL, host = ?, owner_pid = 1,"
	           " owner_identity = ? WHERE id = ?", ["RUNNING", "other", "x", sys.argv[1]])
	db.commit()
	PY
	cairn runs end $(cat run2) --status FAILED >out &&
	test_grep "^Run $(cat run2) ended FAILED: ended by hand by .*: its process on other was gone$" out
'

test_expect_success 'a run whose process is alive on this host is refused' '
	rm -f ready &&
	{ cairn -q run -- sh -c "echo \$\$ >ready; exec sleep 300" >/dev/null 2>&1 & } &&
	pid=$! &&
	wait_for ready &&
	live=$(cairn runs list --json | jq_py "d[0][\"id\"]") &&
	test_expect_code 2 cairn runs end $live --status KILLED 2>err &&
	kill -TERM $pid &&
	wait $pid || true &&
	test_grep "is owned by process $pid on this host, which is alive" err
'

test_expect_success 'usage: --status is FAILED or KILLED, and required' '
	test_expect_code 2 cairn runs end $(cat run) 2>err &&
	test_grep "status FAILED or KILLED is required" err &&
	test_expect_code 2 cairn runs end $(cat run) --status FINISHED 2>err &&
	test_grep "FAILED or KILLED" err &&
	test_expect_code 4 cairn runs end 01zzzzzz --status FAILED 2>err &&
	cairn runs end --help >out &&
	test_grep "^usage: cairn runs end RUN --status FAILED\|KILLED" out
'

test_done
