#!/bin/bash
# Every command that writes a file replaces one that exists only with
# --force, and says so with the same message (exit 1); with --force the
# file is replaced atomically.
. "$(dirname "$0")/lib.sh"
. "$SRC_ROOT/tests/e2e/helpers/outputs.sh"

test_expect_success 'setup' '
	outputs_setup
'

test_expect_success 'without --force an existing file is kept: one message, exit 1' '
	output_writers >cmds &&
	while read -r cmd; do
		echo precious >dest &&
		test_expect_code 1 cairn $cmd dest >out 2>err &&
		echo "cairn: error: '\''dest'\'' already exists: use --force to replace it" >expect &&
		test_cmp expect err &&
		test "$(cat dest)" = precious || exit 1
	done <cmds
'

test_expect_success 'with --force it is replaced' '
	output_writers >cmds &&
	while read -r cmd; do
		echo precious >dest &&
		cairn $cmd dest --force >out &&
		test "$(cat dest)" != precious && test -s dest || exit 1
	done <cmds
'

test_expect_success 'runs get-artifact of a directory: an existing file below DEST needs --force' '
	mkdir pkg && echo precious >pkg/params.json &&
	test_expect_code 1 cairn runs get-artifact $(cat run) model pkg 2>err &&
	test_grep "pkg/params.json. already exists: use --force to replace it" err &&
	test "$(cat pkg/params.json)" = precious && test "$(ls pkg)" = params.json &&
	cairn runs get-artifact --force $(cat run) model pkg &&
	cairn runs get-artifact $(cat run) model/params.json p.json &&
	test_cmp p.json pkg/params.json
'

test_expect_success 'evaluate --plots: existing plots need --force, and none is written before' '
	mkdir plots && echo precious >plots/pr.svg &&
	test_expect_code 1 cairn evaluate $(cat run) --data iris.csv --plots plots 2>err &&
	test_grep "plots/pr.svg. already exists: use --force to replace it" err &&
	test "$(ls plots)" = pr.svg &&
	cairn evaluate $(cat run) --data iris.csv --plots plots --force >out &&
	test_grep "^<svg" plots/pr.svg && test -s plots/roc.svg
'

test_expect_success 'a data checkout of a directory version: files that exist need --force' '
	mkdir tree && echo one >tree/a.txt &&
	cairn data add tree --name tree >/dev/null &&
	mkdir -p co/sub && echo two >tree/sub.txt && echo precious >co/sub.txt &&
	cairn data add tree --name tree >/dev/null &&
	test_expect_code 1 cairn data checkout tree co 2>err &&
	test_grep "co/sub.txt. already exists: use --force to replace it" err &&
	test "$(cat co/sub.txt)" = precious && test ! -e co/a.txt &&
	cairn data checkout --force tree co >/dev/null &&
	test "$(cat co/sub.txt)" = two && test "$(cat co/a.txt)" = one
'

test_expect_success 'every writer documents --force in its --help and its page' '
	for cmd in "object get" "runs get-artifact" "data checkout" "data suggest" \
		   "data profile" predict "metrics history" evaluate; do
		cairn $cmd --help >help &&
		test_grep "^  --force " help || exit 1
	done &&
	for page in object runs data data-suggest predict metrics evaluate; do
		test_grep "\-\-force" "$SRC_ROOT/docs/commands/$page.md" || exit 1
	done
'

test_done
