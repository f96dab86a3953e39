#!/bin/bash
# cairn run and signals: SIGTERM passed on once and the run KILLED, Ctrl-C at
# a terminal reaching the command exactly once, a second signal killing it,
# and kill -9 of cairn itself (the run FAILED, the store clean).
. "$(dirname "$0")/lib.sh"

last_run() {
	cairn runs list --max 1 --json | jq_py 'd[0]["id"]'
}

# Waits up to 10 s for file $1 to exist and not be empty.
wait_for() {
	local i=0
	while [ ! -s "$1" ] && [ $i -lt 600 ]; do sleep 0.05; i=$((i + 1)); done
	test -s "$1"
}

# A command that writes each signal it receives to sig.log, one line per
# delivery (set_wakeup_fd sees every delivery, even of a signal already being
# handled), says "ready", and exits 7 half a second after the first signal
# (time enough for a duplicate to arrive); with "stubborn" it never exits by
# itself.
cat >child.py <<'EOF'
import os, signal, sys, time
r, w = os.pipe()
os.set_blocking(r, False)
os.set_blocking(w, False)
signal.set_wakeup_fd(w)
for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
    signal.signal(s, lambda *a: None)

def drain():
    try:
        got = os.read(r, 64)
    except BlockingIOError:
        return 0
    with open("sig.log", "a") as f:
        for n in got:
            f.write(signal.Signals(n).name[3:] + "\n")
    return len(got)

open("child.pid", "w").write(str(os.getpid()))
print("started", flush=True)
open("ready", "w").write("ready")
deadline = time.time() + 20
while time.time() < deadline:
    time.sleep(0.05)
    if drain() and sys.argv[1:] != ["stubborn"]:
        time.sleep(0.5)
        drain()
        sys.exit(7)
EOF

test_expect_success 'setup' '
	cairn init >/dev/null
'

test_expect_success 'SIGTERM to cairn run reaches the command once; the run is KILLED' '
	rm -f sig.log ready &&
	{ cairn -q run -- python3 child.py >out 2>err & } &&
	pid=$! &&
	wait_for ready &&
	kill -TERM $pid &&
	rc=0 && wait $pid || rc=$? &&
	test $rc = 7 &&
	test "$(cat sig.log)" = TERM &&
	cairn runs show $(last_run) --json >show.json &&
	test "$(jq_py "d[\"status\"], d[\"message\"]" <show.json)" = "KILLED interrupted by SIGTERM; exit status 7" &&
	test "$(jq_py "d[\"info\"][\"resources\"][\"interrupted_by\"]" <show.json)" = SIGTERM
'

test_expect_success 'SIGHUP is passed on as well' '
	rm -f sig.log ready &&
	{ cairn -q run -- python3 child.py >out 2>err & } &&
	pid=$! &&
	wait_for ready &&
	kill -HUP $pid &&
	rc=0 && wait $pid || rc=$? &&
	test $rc = 7 &&
	test "$(cat sig.log)" = HUP &&
	test "$(cairn runs show $(last_run) --json | jq_py "d[\"status\"]")" = KILLED
'

test_expect_success 'Ctrl-C at a terminal reaches the command exactly once' '
	rm -f sig.log ready &&
	python3 - <<-\PY &&
	import os, pty, sys, time
	pid, fd = pty.fork()
	if pid == 0:
	    os.execvp("cairn", ["cairn", "-q", "run", "--", "python3", "child.py"])
	for _ in range(600):
	    if os.path.exists("ready") and os.path.getsize("ready"):
	        break
	    time.sleep(0.05)
	os.write(fd, b"\x03")  # the terminal driver signals the foreground group
	out = b""
	while True:
	    try:
	        chunk = os.read(fd, 1024)
	    except OSError:
	        break
	    if not chunk:
	        break
	    out += chunk
	_, status = os.waitpid(pid, 0)
	open("status", "w").write(str(os.waitstatus_to_exitcode(status)))
	PY
	test "$(cat status)" = 7 &&
	test "$(cat sig.log)" = INT &&
	cairn runs show $(last_run) --json >show.json &&
	test "$(jq_py "d[\"status\"], d[\"message\"]" <show.json)" = "KILLED interrupted by SIGINT; exit status 7"
'

test_expect_success 'a second signal kills the command with SIGKILL; the run is KILLED with its logs' '
	rm -f sig.log ready &&
	{ cairn -q run -- python3 child.py stubborn >out 2>err & } &&
	pid=$! &&
	wait_for ready &&
	kill -TERM $pid &&
	wait_for sig.log &&
	kill -TERM $pid &&
	rc=0 && wait $pid || rc=$? &&
	test $rc = 137 &&
	test "$(cat sig.log)" = TERM &&
	run=$(last_run) &&
	cairn runs show $run --json >show.json &&
	test "$(jq_py "d[\"status\"], d[\"message\"]" <show.json)" = "KILLED interrupted by SIGTERM; killed by signal 9 (SIGKILL)" &&
	cairn runs get-artifact $run logs/stdout.txt stdout &&
	test "$(cat stdout)" = started &&
	! kill -0 $(cat child.pid) 2>/dev/null
'

test_expect_success 'kill -9 of cairn run: the run is FAILED, the command told to stop, fsck clean' '
	rm -f sig.log ready &&
	{ cairn -q run -- python3 child.py >out 2>err & } &&
	pid=$! &&
	wait_for ready &&
	run=$(last_run) &&
	test "$(cairn runs show $run --json | jq_py "d[\"status\"]")" = RUNNING &&
	kill -KILL $pid &&
	rc=0 && wait $pid || rc=$? &&
	test $rc = 137 &&
	cairn runs show $run --json >show.json &&
	test "$(jq_py "d[\"status\"]" <show.json)" = FAILED &&
	test_grep "process $pid, which owned the run, ended without ending it" show.json &&
	wait_for sig.log &&
	test "$(cat sig.log)" = TERM &&
	cairn fsck >fsck.out &&
	test -z "$(find .cairn -name "tmp-*")" &&
	i=0 && while kill -0 $(cat child.pid) 2>/dev/null && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done &&
	! kill -0 $(cat child.pid) 2>/dev/null
'

test_expect_success 'a signal ignored when cairn run started stays ignored for the command' '
	(trap "" TERM && exec cairn -q run -- sh -c "kill -TERM \$\$; echo alive" >out) &&
	test "$(cat out)" = alive &&
	test "$(cairn runs show $(last_run) --json | jq_py "d[\"status\"]")" = FINISHED
'

test_done
