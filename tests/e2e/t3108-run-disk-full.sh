#!/bin/bash
# A disk that fills up while `cairn run` keeps the command's output: the
# run ends FAILED with the disk-full error (the output kept so far is let go
# first, so that the store has room to record the end), not RUNNING until
# someone notices that cairn is gone.
. "$(dirname "$0")/lib.sh"

test "$(id -u)" = 0 || test_skip_all "mounting a small file system needs root"
mkdir small &&
mount -t tmpfs -o size=3m cairn-test-small "$TRASH/small" 2>/dev/null ||
	test_skip_all "cannot mount a tmpfs (no permission in this container)"

test_expect_success 'setup: a workspace on a 3 MiB file system' '
	cd small &&
	cairn init >/dev/null
'

test_expect_success 'output larger than the free space: FAILED with the disk-full error, exit 1' '
	cd small &&
	test_expect_code 1 cairn -q run --name big -- sh -c "head -c 5000000 /dev/zero | tr \"\\0\" x" \
		>/dev/null 2>err &&
	test_grep "^cairn: error: cannot record the run: cannot keep the command.s stdout: No space left on device$" err &&
	! grep "cannot end run" err &&
	cairn runs list --json >runs.json &&
	test "$(jq_py "d[0][\"name\"], d[0][\"status\"]" <runs.json)" = "big FAILED" &&
	cairn runs show $(jq_py "d[0][\"id\"]" <runs.json) --json | jq_py "d[\"message\"]" >msg &&
	test "$(cat msg)" = "cannot record the run: cannot keep the command'"'"'s stdout: No space left on device"
'

test_expect_success 'the space is given back: a later run works' '
	cd small &&
	cairn -q run --name small -- echo hi >out &&
	test "$(cat out)" = hi &&
	test "$(cairn runs list --json | jq_py "d[0][\"status\"]")" = FINISHED
'

test_expect_success 'clean-up: unmount' '
	umount "$TRASH/small"
'

test_done
