#!/bin/bash
# Bad input to the registry: unknown models, versions and aliases, an alias
# on an archived version, a run without a model package, bad tags and names.
# Each is a clear error with its documented exit status, and changes
# nothing (the model list and the audit log are as before).
. "$(dirname "$0")/lib.sh"

test_expect_success 'setup: a model with two versions, the second archived' '
	cairn init >/dev/null &&
	cairn data add "$DATASETS/iris.csv" >/dev/null &&
	cairn train --data iris --target species --algo knn --register m >/dev/null &&
	run=$(cairn models show m@1 --json | jq_py "d[\"source\"][\"run_id\"]") &&
	cairn models register m --run $run >/dev/null &&
	cairn models alias set m champion 1 >/dev/null &&
	cairn models archive m 2 >/dev/null &&
	echo $run >run_id
'

# Records the state to compare with after a refused change.
snapshot() {
	cairn models list --json >"$1.list" &&
	cairn models show m --json >"$1.show" &&
	cairn models audit --json >"$1.audit"
}

unchanged() {
	snapshot after &&
	test_cmp before.list after.list &&
	test_cmp before.show after.show &&
	test_cmp before.audit after.audit
}

test_expect_success 'snapshot' '
	snapshot before
'

test_expect_success 'unknown model, version or alias: exit 4 naming it' '
	test_expect_code 4 cairn models show nosuch 2>err &&
	test_grep "no registered model .nosuch." err &&
	test_expect_code 4 cairn models show m@7 2>err &&
	test_grep "model .m. has no version 7" err &&
	test_expect_code 4 cairn models show m@staging 2>err &&
	test_grep "model .m. has no alias .staging." err &&
	test_expect_code 4 cairn predict m@9 --data "$DATASETS/iris.csv" 2>err &&
	test_grep "model .m. has no version 9" err &&
	test_expect_code 4 cairn predict models:/nosuch/1 --data "$DATASETS/iris.csv" 2>err &&
	test_grep "no registered model .nosuch." err &&
	test_expect_code 4 cairn evaluate m@staging --data "$DATASETS/iris.csv" 2>err &&
	test_grep "has no alias .staging." err &&
	test_expect_code 4 cairn lineage models:/m@staging 2>err &&
	test_grep "has no alias .staging." err &&
	test_expect_code 4 cairn models alias set m champion 7 2>err &&
	test_grep "model .m. has no version 7" err &&
	test_expect_code 4 cairn models alias set nosuch champion 1 2>err &&
	test_expect_code 4 cairn models alias rm m staging 2>err &&
	test_grep "model .m. has no alias .staging." err &&
	test_expect_code 4 cairn models archive m 7 2>err &&
	test_expect_code 4 cairn models tag m@7 a=b 2>err &&
	test_expect_code 4 cairn models tag m --rm nokey 2>err &&
	test_grep "has no tag .nokey." err &&
	test_expect_code 4 cairn models describe nosuch text 2>err &&
	test_expect_code 4 cairn models rename nosuch other 2>err &&
	test_expect_code 4 cairn models history nosuch 2>err &&
	unchanged
'

test_expect_success 'an archived version takes no alias: exit 2, nothing changed' '
	test_expect_code 2 cairn models alias set m champion 2 2>err &&
	test_grep "version 2 of .m. is archived: it cannot take the alias .champion." err &&
	test_expect_code 2 cairn models alias set m staging 2 2>err &&
	test "$(cairn models show m@champion --json | jq_py "d[\"version\"]")" = 1 &&
	unchanged
'

test_expect_success 'register --run of a run without a model package: exit 4, nothing recorded' '
	cairn run -- true 2>run.err &&
	bare=$(sed -n "s/^cairn: run \([0-9a-z]*\) started$/\1/p" run.err) &&
	test -n "$bare" &&
	test_expect_code 4 cairn models register m --run $bare 2>err &&
	test_grep "run $bare has no model package at .model." err &&
	test_expect_code 4 cairn models register fresh --run $bare 2>err &&
	test_expect_code 4 cairn models register m --run 0000nosuchrun 2>err &&
	test_expect_code 4 cairn models register m --run $(cat run_id) --path nothere 2>err &&
	test_grep "no model package at .nothere." err &&
	test_expect_code 4 cairn models register m --package nodir 2>err &&
	test_grep "no package directory .nodir." err &&
	mkdir notpkg && echo x >notpkg/file &&
	cairn object list >objects.before &&
	test_expect_code 2 cairn models register m --package notpkg 2>err &&
	test_grep "cannot register package .notpkg.: not a model package: it holds no MLmodel" err &&
	cairn object list >objects.after &&
	test_cmp objects.before objects.after &&
	unchanged
'

test_expect_success 'a package holding a symbolic link: exit 2 naming it, nothing recorded' '
	run=$(cat run_id) &&
	cairn runs get-artifact $run model linked &&
	ln -s /etc/hostname linked/extra &&
	test_expect_code 2 cairn models register m --package linked 2>err &&
	test_grep "package .linked. holds .extra., which is not a regular file or directory" err &&
	unchanged
'

test_expect_success 'a bad tag: exit 2 naming it, nothing recorded' '
	run=$(cat run_id) &&
	test_expect_code 2 cairn models register m --run $run --tag novalue 2>err &&
	test_grep "invalid tag .novalue.: a tag is KEY=VALUE" err &&
	test_expect_code 2 cairn models register m --run $run --tag =v 2>err &&
	test_expect_code 2 cairn models tag m good=1 "=bad" 2>err &&
	test_grep "invalid tag .=bad." err &&
	test "$(cairn models show m --json | jq_py "len(d[\"tags\"])")" = 0 &&
	unchanged
'

test_expect_success 'a model name that is not a valid name: exit 2, nothing recorded' '
	run=$(cat run_id) &&
	test_expect_code 2 cairn models register "bad/name" --run $run 2>err &&
	test_grep "invalid model name .bad/name.: character ./. at column 4" err &&
	test_expect_code 2 cairn models register ".hidden" --run $run 2>err &&
	test_grep "starts with a letter or digit" err &&
	test_expect_code 2 cairn models register "a@b" --run $run 2>err &&
	test_expect_code 2 cairn models rename m "no space" 2>err &&
	test_expect_code 2 cairn train --data iris --target species --algo knn --register "x y" 2>err &&
	test_grep "invalid model name" err &&
	test "$(cairn runs list --json | jq_py "len(d)")" = 2 &&
	unchanged
'

test_expect_success 'usage errors: exit 2' '
	test_expect_code 2 cairn models register m 2>err &&
	test_grep "give one of --run and --package" err &&
	test_expect_code 2 cairn models register m --run x --package y 2>err &&
	test_expect_code 2 cairn models alias set m champion 0 2>err &&
	test_expect_code 2 cairn models alias set m champion 2>err &&
	test_expect_code 2 cairn models show "m@" 2>err &&
	test_expect_code 2 cairn models show "models:/m/Production" 2>err &&
	test_grep "aliases, not stages" err &&
	test_expect_code 2 cairn models rename m 2>err &&
	unchanged
'

test_expect_success 'rename onto an existing model: exit 1, nothing changed' '
	run=$(cat run_id) &&
	cairn models register other --run $run >/dev/null &&
	snapshot before &&
	test_expect_code 1 cairn models rename m other 2>err &&
	test_grep "a registered model .other. already exists" err &&
	unchanged
'

test_done
