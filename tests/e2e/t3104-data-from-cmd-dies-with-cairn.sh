#!/bin/bash
# data add --from-cmd: when cairn is killed (SIGKILL, nothing to clean up),
# the command it runs is stopped too (parent-death signal), as the command
# of `cairn run` is; a command that runs to its end is stored as before.
. "$(dirname "$0")/lib.sh"

# Waits up to 10 s for file $1 to exist and not be empty.
wait_for() {
	local i=0
	while [ ! -s "$1" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
	test -s "$1"
}

# Waits up to 10 s for process $1 to be gone.
wait_gone() {
	local i=0
	while kill -0 "$1" 2>/dev/null && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
	! kill -0 "$1" 2>/dev/null
}

test_expect_success 'setup' '
	cairn init >/dev/null
'

test_expect_success 'a command that ends is stored' '
	cairn data add --from-cmd "printf \"a,b\\n1,2\\n\"" --name small >/dev/null &&
	cairn data checkout small@1 small.csv >/dev/null &&
	test "$(cat small.csv)" = "$(printf "a,b\n1,2")"
'

test_expect_success 'kill -9 of cairn stops the command it runs' '
	{ cairn data add --from-cmd "echo \$\$ >cmd.pid; exec sleep 300" --name slow \
		>/dev/null 2>&1 & } &&
	pid=$! &&
	wait_for cmd.pid &&
	cmd=$(cat cmd.pid) &&
	kill -0 $cmd &&
	kill -KILL $pid &&
	wait $pid || true &&
	wait_gone $cmd
'

test_done
