#!/bin/bash
# Every command that writes a file refuses a destination that is not a
# regular file (a device, a FIFO, a directory, a symbolic link of the user's,
# /proc/self/fd/1), with --force too, and leaves it as it was.
. "$(dirname "$0")/lib.sh"

test_expect_success 'setup: a dataset, a run with a model and metrics' '
	cairn init >/dev/null &&
	cp "$DATASETS/iris.csv" iris.csv &&
	cairn data add iris.csv >/dev/null &&
	cairn object put iris.csv >hash &&
	cairn train --data iris --target species --algo naive_bayes --json >train.json &&
	python3 -c "import json; print(json.load(open(\"train.json\"))[\"run_id\"])" >run
'

# Each writer, with the destination as its last argument.
writers() {
	echo "object get --force --link copy $(cat hash)"
	echo "runs get-artifact --force $(cat run) model/params.json"
	echo "data checkout --force iris"
	echo "data suggest iris --force --out"
	echo "data profile iris --force --html"
	echo "predict $(cat run) --data iris.csv --force --out"
	echo "metrics history $(cat run) train_accuracy --force --svg"
}

test_expect_success 'a FIFO is refused by every writer, and stays a FIFO' '
	mkfifo fifo &&
	writers >cmds &&
	while read -r cmd; do
		test_expect_code 2 cairn $cmd fifo 2>err &&
		test_grep "cannot write .fifo.: it exists and is not a regular file" err &&
		test -p fifo || exit 1
	done <cmds
'

test_expect_success 'a symbolic link to a device, or to /proc/self/fd/1, is refused' '
	ln -s /dev/null to-null &&
	ln -s /proc/self/fd/1 to-stdout &&
	writers >cmds &&
	while read -r cmd; do
		for dest in to-null to-stdout; do
			test_expect_code 2 cairn $cmd $dest >out 2>err &&
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
