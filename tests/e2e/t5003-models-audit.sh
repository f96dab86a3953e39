#!/bin/bash
# cairn models audit --verify: the hash chain holds after real changes, and
# finds an event edited, deleted or reordered with sqlite3 behind cairn's
# back, naming the first event at fault (exit 1).
. "$(dirname "$0")/lib.sh"

if ! test_have sqlite3; then
	test_skip_all "sqlite3 is not installed"
fi

# Puts the store back as it was after setup.
restore() {
	rm -f .cairn/cairn.db-wal .cairn/cairn.db-shm &&
	cp pristine.db .cairn/cairn.db
}

test_expect_success 'setup: a model with a few changes, and a copy of the store' '
	cairn init >/dev/null &&
	cairn data add "$DATASETS/iris.csv" >/dev/null &&
	cairn train --data iris --target species --algo knn --register a >/dev/null &&
	run=$(cairn models show a@1 --json | jq_py "d[\"source\"][\"run_id\"]") &&
	cairn models register b --run $run >/dev/null &&
	cairn models alias set a champion 1 -m "ok by review" >/dev/null &&
	cairn models tag a@1 owner=x >/dev/null &&
	cairn models describe b "second" >/dev/null &&
	sqlite3 .cairn/cairn.db ".backup pristine.db"
'

test_expect_success 'the chain verifies and names its head' '
	cairn models audit --verify >out &&
	head=$(cairn models audit --json | jq_py "d[-1][\"hash\"]") &&
	echo "audit chain verified: 5 events, head $head" >expect &&
	test_cmp expect out &&
	cairn models audit --verify --json >v.json &&
	test "$(jq_py "d[\"ok\"], d[\"events\"], d[\"bad_seq\"]" <v.json)" = "True 5 None"
'

test_expect_success 'audit NAME lists that model'"'"'s events; the chain links them all' '
	cairn models audit a --json >a.json &&
	test "$(jq_py "\" \".join(str(e[\"seq\"]) for e in d)" <a.json)" = "1 3 4" &&
	cairn models audit --json >all.json &&
	python3 -c "
import json
d = json.load(open(\"all.json\"))
assert d[0][\"prev_hash\"] == \"0\" * 64
for a, b in zip(d, d[1:]):
    assert b[\"prev_hash\"] == a[\"hash\"], (a, b)
"
'

test_expect_success 'audit NAME --verify takes a model'"'"'s current or former name' '
	cairn models rename b b2 >/dev/null &&
	cairn models audit b --verify >out &&
	test_grep "^audit chain verified: 6 events" out &&
	cairn models audit b2 --verify >/dev/null &&
	test_expect_code 4 cairn models audit nosuch --verify 2>err &&
	test_grep "no registered model .nosuch." err &&
	restore
'

test_expect_success 'an edited message is found at that event (exit 1)' '
	sqlite3 .cairn/cairn.db "UPDATE model_audit SET message = '"'"'approved'"'"' WHERE seq = 3" &&
	test_expect_code 1 cairn models audit --verify >out 2>err &&
	test_grep "audit chain broken at event 3: event 3 was edited" err &&
	test_expect_code 1 cairn models audit --verify --json >v.json 2>/dev/null &&
	test "$(jq_py "d[\"ok\"], d[\"bad_seq\"]" <v.json)" = "False 3"
'

test_expect_success 'an edit that also rewrites the event'"'"'s hash is found at the next event' '
	restore &&
	sqlite3 .cairn/cairn.db "UPDATE model_audit SET after_json = replace(after_json, '"'"'1}'"'"', '"'"'2}'"'"'), hash = '"'"'0000000000000000000000000000000000000000000000000000000000000001'"'"' WHERE seq = 3" &&
	test_expect_code 1 cairn models audit --verify 2>err &&
	test_grep "event 3 was edited" err
'

test_expect_success 'a deleted event is found (exit 1)' '
	restore &&
	cairn models audit --verify >/dev/null &&
	sqlite3 .cairn/cairn.db "DELETE FROM model_audit WHERE seq = 2" &&
	test_expect_code 1 cairn models audit --verify 2>err &&
	test_grep "audit chain broken at event 2: event 2 is missing" err
'

test_expect_success 'a deletion hidden by renumbering is found by the broken link' '
	restore &&
	sqlite3 .cairn/cairn.db "DELETE FROM model_audit WHERE seq = 2; UPDATE model_audit SET seq = seq + 100 WHERE seq > 2; UPDATE model_audit SET seq = seq - 101 WHERE seq > 100" &&
	test_expect_code 1 cairn models audit --verify 2>err &&
	test_grep "audit chain broken at event 2" err
'

test_expect_success 'two events swapped are found' '
	restore &&
	sqlite3 .cairn/cairn.db "UPDATE model_audit SET seq = 100 WHERE seq = 4; UPDATE model_audit SET seq = 4 WHERE seq = 5; UPDATE model_audit SET seq = 5 WHERE seq = 100" &&
	test_expect_code 1 cairn models audit --verify 2>err &&
	test_grep "audit chain broken at event 4" err
'

test_expect_success 'the pristine copy still verifies' '
	restore &&
	cairn models audit --verify >out &&
	test_grep "^audit chain verified: 5 events" out
'

test_done
