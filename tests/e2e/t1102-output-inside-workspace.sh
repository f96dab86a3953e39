#!/bin/bash
# No command writes a file inside the workspace's .cairn, however the path is
# spelled (relative, absolute, through .., through a symbolic link to a
# directory): the check compares devices and inodes, not names.
. "$(dirname "$0")/lib.sh"
. "$SRC_ROOT/tests/e2e/helpers/outputs.sh"

test_expect_success 'setup' '
	outputs_setup &&
	mkdir sub && ln -s .cairn alias && ln -s "$PWD/.cairn/objects" sub/objs &&
	cp .cairn/cairn.db db.before
'

test_expect_success 'object get --force onto .cairn/cairn.db is refused, the workspace intact' '
	test_expect_code 2 cairn object get --force "$(cat hash)" .cairn/cairn.db 2>err &&
	test_grep "cannot write .\.cairn/cairn\.db.: it is inside the workspace.s .*\.cairn. directory" err &&
	cairn data list >out && test_grep "^iris" out
'

test_expect_success 'every spelling of a path into .cairn is refused' '
	for dest in "$PWD/.cairn/config" sub/../.cairn/new alias/cairn.db alias/new \
		    sub/objs/new ./.cairn/tmp-new; do
		test_expect_code 2 cairn object get --force "$(cat hash)" "$dest" 2>err &&
		test_grep "is inside the workspace" err || exit 1
	done &&
	test ! -e .cairn/new && test ! -e .cairn/objects/new && test ! -e .cairn/tmp-new &&
	cairn fsck >out && test_grep " 0 corrupt, 0 missing" out
'

test_expect_success 'every writer refuses a destination in .cairn' '
	cat >cmds <<-EOF &&
	data checkout --force iris alias/iris.csv
	runs get-artifact --force $(cat run) model/params.json alias/p.json
	data suggest iris --force --out alias/s.yml
	data profile iris --force --html alias/p.html
	predict $(cat run) --data iris.csv --force --out alias/p.csv
	metrics history $(cat run) train_accuracy --force --svg alias/m.svg
	evaluate $(cat run) --data iris.csv --force --plots .cairn
	EOF
	while read -r cmd; do
		test_expect_code 2 cairn $cmd 2>err &&
		test_grep "is inside the workspace" err || exit 1
	done <cmds &&
	test -z "$(ls .cairn | grep -v "^cairn.db\|^config$\|^objects$\|^tmp$")" &&
	cairn data list >out && test_grep "^iris" out
'

test_expect_success 'a checkout into .cairn through a directory link: refused, as a dir version' '
	mkdir tree && echo one >tree/a.txt &&
	cairn data add tree --name tree >/dev/null &&
	test_expect_code 2 cairn data checkout --force tree alias/objects 2>err &&
	test_grep "is inside the workspace" err &&
	cairn fsck >out && test_grep " 0 corrupt, 0 missing, 0 unrecorded, 0 stray" out
'

test_done
