#!/bin/bash
# Concurrent changes to one model: alias sets and registers started at once
# all succeed one after the other (the store's write lock), the alias ends
# with exactly one holder, versions are numbered without gaps or repeats,
# and the audit chain verifies with one event per change.
. "$(dirname "$0")/lib.sh"

test_expect_success 'setup: four versions' '
	cairn init >/dev/null &&
	cairn data add "$DATASETS/iris.csv" >/dev/null &&
	cairn train --data iris --target species --algo knn --register m >/dev/null &&
	run=$(cairn models show m@1 --json | jq_py "d[\"source\"][\"run_id\"]") &&
	echo $run >run_id &&
	for i in 2 3 4; do cairn models register m --run $run >/dev/null || exit 1; done
'

test_expect_success 'four alias sets at once: all succeed, one holder, four events' '
	for v in 1 2 3 4; do
		cairn models alias set m champion $v --message "by $v" >out.$v 2>err.$v &
	done &&
	fail=0 &&
	for job in $(jobs -p); do wait $job || fail=1; done &&
	test $fail = 0 &&
	cat err.1 err.2 err.3 err.4 >errs && test_cmp /dev/null errs &&
	holder=$(cairn models show m --json | jq_py "d[\"aliases\"][\"champion\"]") &&
	case $holder in 1|2|3|4) ;; *) false ;; esac &&
	cairn models audit m --json >events.json &&
	test "$(jq_py "len([e for e in d if e[\"action\"] == \"alias-set\"])" <events.json)" = 4 &&
	test "$(jq_py "d[-1][\"after\"][\"version\"]" <events.json)" = "$holder" &&
	# each event saw the holder the one before it left
	python3 -c "
import json
ev = [e for e in json.load(open(\"events.json\")) if e[\"action\"] == \"alias-set\"]
assert ev[0][\"before\"][\"version\"] is None
for a, b in zip(ev, ev[1:]):
    assert b[\"before\"][\"version\"] == a[\"after\"][\"version\"], (a, b)
" &&
	cairn models audit --verify >out &&
	test_grep "^audit chain verified: 8 events" out
'

test_expect_success 'four registers at once: versions 5 to 8, each once' '
	run=$(cat run_id) &&
	for i in 1 2 3 4; do
		cairn models register m --run $run --json >reg.$i 2>rerr.$i &
	done &&
	fail=0 &&
	for job in $(jobs -p); do wait $job || fail=1; done &&
	test $fail = 0 &&
	cat reg.1 reg.2 reg.3 reg.4 | python3 -c "
import json, sys
text = sys.stdin.read()
dec, pos, vs = json.JSONDecoder(), 0, []
while pos < len(text):
    while pos < len(text) and text[pos].isspace():
        pos += 1
    if pos == len(text):
        break
    v, pos = dec.raw_decode(text, pos)
    vs.append(v[\"version\"])
assert sorted(vs) == [5, 6, 7, 8], vs
" &&
	test "$(cairn models show m --json | jq_py "len(d[\"versions\"])")" = 8 &&
	cairn models audit --verify >out &&
	test_grep "^audit chain verified: 12 events" out
'

test_done
