#!/bin/bash
# A 0-byte cairn.db in a configured workspace is a damaged store (exit 6,
# saying how to recover), never silently a new empty workspace.
. "$(dirname "$0")/lib.sh"

test_expect_success 'setup: a workspace with a dataset, then its store truncated' '
	cairn init >/dev/null &&
	cairn data add "$DATASETS/iris.csv" >/dev/null &&
	: >.cairn/cairn.db &&
	rm -f .cairn/cairn.db-wal .cairn/cairn.db-shm
'

test_expect_success 'reading commands exit 6 and say how to recover' '
	test_expect_code 6 cairn data list >out 2>err &&
	test ! -s out &&
	test_grep "metadata store .*/\.cairn/cairn\.db. is empty \(0 bytes\): its records are lost; restore it from a backup" err &&
	test_grep "run .cairn init. to start an empty workspace" err &&
	test_expect_code 6 cairn runs list 2>err &&
	test_grep "is empty \(0 bytes\)" err
'

test_expect_success 'writing commands exit 6 and leave the file as it was' '
	test_expect_code 6 cairn data add "$DATASETS/iris.csv" 2>err &&
	test_grep "is empty \(0 bytes\)" err &&
	test ! -s .cairn/cairn.db
'

test_expect_success 'the recovery the message gives works' '
	mkdir aside &&
	mv .cairn/cairn.db .cairn/config aside/ &&
	cairn init >/dev/null &&
	cairn data add "$DATASETS/iris.csv" >out &&
	test_grep "^Added iris@1" out
'

test_done
