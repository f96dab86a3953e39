#!/bin/bash
# SIGINT ends training runs KILLED, never FAILED "ended without ending it":
# cairn train stops within a round also while cross-validating (where no
# round is reported), a sweep ends its trials KILLED, and a training run
# whose process a stopped `cairn run` had to kill ends KILLED with it.
. "$(dirname "$0")/lib.sh"

# Runs "$@" in a process group of its own with SIGINT at its default (as a
# terminal's foreground job, which a background job of a script is not),
# and sends SIGINT to that group, $SIGINTS times, once a run named $NAME is
# RUNNING; prints the exit status. Gives up after 60 s.
interrupt() {
	python3 - "$@" <<-\PY
	import json, os, signal, subprocess, sys, time
	p = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=open("err", "w"),
	                     start_new_session=True,
	                     preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
	deadline = time.time() + 60
	while time.time() < deadline:
	    runs = json.loads(subprocess.run(["cairn", "runs", "list", "--status", "RUNNING", "--json"],
	                                     capture_output=True, text=True).stdout)
	    if any(r["name"] == os.environ["NAME"] for r in runs):
	        break
	    time.sleep(0.1)
	time.sleep(0.5)
	for i in range(int(os.environ.get("SIGINTS", "1"))):
	    os.killpg(p.pid, signal.SIGINT)
	    time.sleep(0.3)
	try:
	    print(p.wait(timeout=60))
	except subprocess.TimeoutExpired:
	    os.killpg(p.pid, signal.SIGKILL)
	    print("timeout")
	PY
}

status_of() {
	cairn runs list --json | jq_py "\" \".join(r[\"status\"] for r in d if r[\"name\"] == \"$1\")"
}

test_expect_success 'setup' '
	cairn init >/dev/null &&
	cairn data add "$DATASETS/diamonds.csv" >/dev/null
'

test_expect_success 'SIGINT during cross-validation: the run ends KILLED, exit 130' '
	NAME=cv SIGINTS=1 interrupt cairn train --data diamonds --target price --algo xgboost \
		--param n_estimators=100000 --param max_depth=8 --cv 3 --name cv >rc &&
	test "$(cat rc)" = 130 &&
	test_grep "interrupted by SIGINT" err &&
	test "$(status_of cv)" = KILLED
'

test_expect_success 'SIGINT to a sweep: the sweep and its trials end KILLED' '
	NAME=sw SIGINTS=1 interrupt cairn sweep --data diamonds --target price --algo xgboost \
		--param max_depth=8 --cv 2 --grid n_estimators=100000,99999 -j 2 --name sw >rc &&
	test "$(cat rc)" = 130 &&
	test "$(status_of sw)" = KILLED &&
	test "$(status_of sw-1)" = KILLED &&
	test "$(status_of sw-2)" = KILLED
'

test_expect_success 'a training run that a stopped cairn run had to kill ends KILLED' '
	# The training ignores SIGINT, so the second one makes cairn run kill it.
	NAME=deaf SIGINTS=2 interrupt cairn run --name wrap -- sh -c "trap \"\" INT;
		exec cairn train --data diamonds --target price --algo xgboost \
		--param n_estimators=100000 --name deaf" >rc &&
	test "$(cat rc)" = 137 &&
	test "$(status_of wrap)" = KILLED &&
	test "$(status_of deaf)" = KILLED &&
	cairn runs list --json | jq_py "[r[\"id\"] for r in d if r[\"name\"] == \"deaf\"][0]" >deaf &&
	cairn runs show $(cat deaf) --json | jq_py "d[\"message\"]" >msg &&
	test_grep "^stopped with its parent run [0-9a-z]+ \(interrupted by SIGINT" msg
'

test_done
