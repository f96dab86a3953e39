#!/bin/bash
# cairn init: creating a workspace, finding it from below, and init twice.
. "$(dirname "$0")/lib.sh"

test_expect_success 'init creates .cairn with store, objects and config' '
	cairn init >out &&
	test_grep "Initialized cairn workspace in .*/.cairn" out &&
	test -d .cairn/objects &&
	test -f .cairn/cairn.db &&
	test -f .cairn/config
'

test_expect_success 'the metadata store is in WAL mode with migrations recorded' '
	test "$(sqlite3 .cairn/cairn.db "PRAGMA journal_mode")" = wal &&
	test "$(sqlite3 .cairn/cairn.db "SELECT count(*) FROM schema_migrations")" -ge 1
'

test_expect_success 'init twice says so and changes nothing' '
	cp .cairn/config config.before &&
	ls -l --time-style=full-iso .cairn >ls.before &&
	cairn init >out &&
	test_grep "already exists" out &&
	test_cmp config.before .cairn/config &&
	ls -l --time-style=full-iso .cairn >ls.after &&
	test_cmp ls.before ls.after
'

test_expect_success 'init in a subdirectory of a workspace changes nothing' '
	mkdir -p sub/dir &&
	(cd sub/dir && cairn init >../../out) &&
	test_grep "Already inside" out &&
	test ! -e sub/dir/.cairn
'

test_expect_success 'init --nested creates a separate workspace' '
	(cd sub && cairn init --nested --json >../out.json) &&
	test -f sub/.cairn/config &&
	grep "\"result\": \"created\"" out.json
'

test_expect_success 'init DIR and CAIRN_DIR name where to create it' '
	cairn init --nested "$TRASH/other" &&
	test -f other/.cairn/config &&
	CAIRN_DIR="$TRASH/third/.cairn" cairn init --nested &&
	test -f third/.cairn/config
'

test_expect_success 'init --json reports an existing workspace' '
	cairn init --json >out &&
	grep "\"created\": false" out &&
	grep "\"result\": \"existed\"" out
'

test_expect_success 'init rejects extra arguments and unknown options' '
	test_expect_code 2 cairn init a b 2>err &&
	test_grep "at most one directory" err &&
	test_expect_code 2 cairn init --bogus 2>err &&
	test_grep "bogus" err
'

test_done
