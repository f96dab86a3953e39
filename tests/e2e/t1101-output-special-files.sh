#!/bin/bash
# Every command that writes a file refuses a destination that is not a
# regular file (a device, a FIFO, a directory, a symbolic link of the user's,
# /proc/self/fd/1), with --force too, and leaves it as it was.
. "$(dirname "$0")/lib.sh"
. "$SRC_ROOT/tests/e2e/helpers/outputs.sh"

test_expect_success 'setup: a dataset, a run with a model and metrics' '
	outputs_setup
'

test_expect_success 'a FIFO is refused by every writer, and stays a FIFO' '
	mkfifo fifo &&
	output_writers >cmds &&
	while read -r cmd; do
		test_expect_code 2 cairn $cmd fifo --force 2>err &&
		test_grep "cannot write .fifo.: it exists and is not a regular file" err &&
		test -p fifo || exit 1
	done <cmds
'

test_expect_success 'a symbolic link to a device, or to /proc/self/fd/1, is refused' '
	ln -s /dev/null to-null &&
	ln -s /proc/self/fd/1 to-stdout &&
	output_writers >cmds &&
	while read -r cmd; do
		for dest in to-null to-stdout; do
			test_expect_code 2 cairn $cmd $dest --force >out 2>err &&
			test_grep "cannot write .$dest.: it is a symbolic link" err &&
			test -L $dest && test ! -s out || exit 1
		done
	done <cmds &&
	test "$(readlink to-null)" = /dev/null
'

test_expect_success 'a symbolic link to a regular file is refused too: nothing is written through it' '
	echo mine >mine.txt &&
	ln -s mine.txt to-file &&
	test_expect_code 2 cairn object get --force "$(cat hash)" to-file 2>err &&
	test_grep "it is a symbolic link, which cairn neither follows nor replaces" err &&
	test -L to-file && test "$(cat mine.txt)" = mine
'

test_expect_success 'the device itself is refused, whoever runs cairn' '
	test_expect_code 2 cairn object get --force "$(cat hash)" /dev/null 2>err &&
	test_grep "cannot write ./dev/null.: it exists and is not a regular file" err &&
	test -c /dev/null &&
	test_expect_code 2 cairn object get "$(cat hash)" /proc/self/fd/1 >out 2>err &&
	test_grep "symbolic link" err && test ! -s out
'

test_expect_success 'a directory is refused (evaluate refuses a plot name taken by one)' '
	mkdir adir plots plots/roc.svg &&
	test_expect_code 2 cairn object get --force "$(cat hash)" adir/ 2>err &&
	test_grep "adir/.: it names a directory" err &&
	test_expect_code 2 cairn evaluate $(cat run) --data iris.csv --plots plots --force 2>err &&
	test_grep "plots/roc.svg.: it is a directory" err &&
	test -d plots/roc.svg && test -z "$(ls plots | grep -v roc.svg)"
'

test_expect_success 'nothing temporary is left beside the refused destinations' '
	test -z "$(ls -A . plots | grep cairn-tmp)"
'

test_done
