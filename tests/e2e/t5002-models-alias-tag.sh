#!/bin/bash
# cairn models alias, tag, describe, archive and rename: each change as
# documented, each an audit event shown by history.
. "$(dirname "$0")/lib.sh"

test_expect_success 'setup: three versions of one model' '
	cairn init >/dev/null &&
	cairn data add "$DATASETS/iris.csv" >/dev/null &&
	cairn train --data iris --target species --algo knn --register iris >/dev/null &&
	run=$(cairn models show iris@1 --json | jq_py "d[\"source\"][\"run_id\"]") &&
	cairn models register iris --run $run >/dev/null &&
	cairn models register iris --run $run >/dev/null
'

test_expect_success 'alias set points an alias at a version and moves it' '
	cairn models alias set iris champion 1 --message "first" >out &&
	test_grep "^iris@champion -> version 1$" out &&
	cairn models alias set iris champion 2 >out &&
	test_grep "^iris@champion -> version 2 \(was 1\)$" out &&
	cairn models alias set iris Stage_2-b 3 >/dev/null &&
	cairn models show iris --json >m.json &&
	test "$(jq_py "d[\"aliases\"][\"champion\"], d[\"aliases\"][\"Stage_2-b\"]" <m.json)" = "2 3" &&
	cairn models show iris@champion --json | jq_py "d[\"version\"], \",\".join(d[\"aliases\"])" >v &&
	echo "2 champion" >expect &&
	test_cmp expect v
'

test_expect_success 'alias names: letters, digits, _ and -, not all digits, not latest' '
	test_expect_code 2 cairn models alias set iris 42 1 2>err &&
	test_grep "not all digits" err &&
	test_expect_code 2 cairn models alias set iris latest 1 2>err &&
	test_grep "reserved" err &&
	test_expect_code 2 cairn models alias set iris LATEST 1 2>err &&
	test_expect_code 2 cairn models alias set iris "a.b" 1 2>err &&
	test_grep "character .\.. at column 2" err
'

test_expect_success 'alias rm removes it; NAME@ALIAS is then unknown' '
	cairn models alias rm iris Stage_2-b >out &&
	test_grep "Removed the alias Stage_2-b of iris" out &&
	test_expect_code 4 cairn models show iris@Stage_2-b 2>err &&
	test_grep "model .iris. has no alias .Stage_2-b." err
'

test_expect_success 'tag sets and removes tags of a model and of a version' '
	cairn models tag iris owner=ml "note=hello world" >/dev/null &&
	cairn models tag iris@2 reviewed=yes >/dev/null &&
	cairn models tag iris --rm note >/dev/null &&
	cairn models show iris --json >m.json &&
	test "$(jq_py "\",\".join(k + \"=\" + v for k, v in sorted(d[\"tags\"].items()))" <m.json)" = "owner=ml" &&
	cairn models show iris@2 --json | jq_py "d[\"tags\"][\"reviewed\"]" >t &&
	echo yes >expect && test_cmp expect t
'

test_expect_success 'describe sets the description of a model and of a version' '
	cairn models describe iris "Classifies irises" >/dev/null &&
	cairn models describe iris@champion "The current champion" >/dev/null &&
	test "$(cairn models show iris --json | jq_py "d[\"description\"]")" = "Classifies irises" &&
	test "$(cairn models show iris@2 --json | jq_py "d[\"description\"]")" = "The current champion"
'

test_expect_success 'archive: the holder of an alias is refused, others archive and restore' '
	test_expect_code 2 cairn models archive iris 2 2>err &&
	test_grep "holds the alias .champion." err &&
	test "$(cairn models show iris@2 --json | jq_py "d[\"status\"]")" = active &&
	cairn models archive iris 3 >out &&
	test_grep "^Archived iris version 3$" out &&
	test "$(cairn models show iris@3 --json | jq_py "d[\"status\"]")" = archived &&
	test "$(cairn models show iris@latest --json | jq_py "d[\"version\"]")" = 2 &&
	cairn predict iris@3 --data "$DATASETS/iris.csv" >/dev/null &&
	test_expect_code 2 cairn models archive iris 3 2>err &&
	test_grep "already archived" err &&
	cairn models archive iris 3 --restore >out &&
	test_grep "^Restored iris version 3$" out &&
	test "$(cairn models show iris@latest --json | jq_py "d[\"version\"]")" = 3
'

test_expect_success 'rename keeps the id, versions and aliases; history finds either name' '
	id=$(cairn models show iris --json | jq_py "d[\"id\"]") &&
	cairn models rename iris flowers >out &&
	test_grep "^Renamed iris to flowers$" out &&
	test "$(cairn models show flowers --json | jq_py "d[\"id\"]")" = "$id" &&
	test "$(cairn models show flowers@champion --json | jq_py "d[\"version\"]")" = 2 &&
	test_expect_code 4 cairn models show iris 2>err &&
	cairn models history iris --json >old.json &&
	cairn models history flowers --json >new.json &&
	test_cmp old.json new.json &&
	jq_py "\" \".join(e[\"action\"] for e in d)" <new.json >actions &&
	echo "register register register alias-set alias-set alias-set alias-rm tag tag tag describe describe archive restore rename" >expect &&
	test_cmp expect actions
'

test_expect_success 'history shows who, what, before and after, and the message' '
	cairn models history flowers >h &&
	test_grep "^ +4 .* $(id -un)@$(hostname) +iris alias-set .*\"version\":null.* -> .*\"version\":1.*: first$" h &&
	cairn models history flowers --json >h.json &&
	test "$(jq_py "d[4][\"before\"][\"version\"], d[4][\"after\"][\"version\"]" <h.json)" = "1 2" &&
	test "$(jq_py "d[-1][\"before\"][\"name\"], d[-1][\"after\"][\"name\"], d[-1][\"model\"]" <h.json)" = "iris flowers flowers"
'

test_done
