#!/bin/bash
# A run whose process died without ending it ends FAILED at the last time
# it was seen alive (its last metric or artifact), not when the death was
# noticed.
. "$(dirname "$0")/lib.sh"

# Waits up to 10 s for file $1 to exist and not be empty.
wait_for() {
	local i=0
	while [ ! -s "$1" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
	test -s "$1"
}

now_ms() {
	python3 -c "import time; print(int(time.time() * 1000))"
}

test_expect_success 'setup' '
	cairn init >/dev/null
'

test_expect_success 'kill -9 of cairn run: the run ends at its last record' '
	{ cairn -q run --name doomed -- sh -c "cairn log metric loss 0.5 && echo \$\$ >ready &&
		exec sleep 300" >/dev/null 2>&1 & } &&
	pid=$! &&
	wait_for ready &&
	killed=$(now_ms) &&
	kill -KILL $pid &&
	wait $pid || true &&
	# Noticed well after the death: the end must not be the time it was noticed.
	sleep 0.3 &&
	cairn runs show $(cairn runs list --json | jq_py "d[0][\"id\"]") --json >show.json &&
	python3 - "$killed" <<-\PY
	import json, sys
	r = json.load(open("show.json"))
	killed = int(sys.argv[1])
	assert r["status"] == "FAILED", r["status"]
	assert "ended without ending it" in r["message"], r["message"]
	assert r["end_ms"] <= killed, (r["end_ms"], killed)
	assert r["end_ms"] >= r["start_ms"], r
	PY
'

test_done
