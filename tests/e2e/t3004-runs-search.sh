#!/bin/bash
# cairn runs search: MLflow's filter grammar over metrics, params, tags and
# attributes (every comparator, quoted keys, IN, LIKE/ILIKE, AND), orders
# with missing keys last, --max, --experiment, --json, and the column named
# by an error.
. "$(dirname "$0")/lib.sh"

example=$SRC_ROOT/build/examples/track-example
[ -x "$example" ] || test_skip_all "build/examples/track-example is not built (make test builds it)"

# The ids of the runs that `cairn runs search ARGS...` prints, as r1..r4.
found() {
	cairn runs search "$@" --json >found.json &&
	python3 -c '
import json, sys
names = {open("r%d" % i).read().strip(): "r%d" % i for i in range(1, 5)}
print(" ".join(names[r["id"]] for r in json.load(open("found.json"))))'
}

# expect "r3 r1" ARGS...: the search finds exactly these runs in this order.
expect() {
	local want=$1 got
	shift
	got=$(found "$@") || return 1
	if [ "$got" != "$want" ]; then
		echo "runs search $*: found '$got', expected '$want'" >&2
		return 1
	fi
}

test_expect_success 'setup: four runs with metrics, params and tags' '
	cairn init >/dev/null &&
	for i in 1 2 3 4; do "$example" $i >r$i || exit 1; done &&
	cairn log param model xgb --run $(cat r1) &&
	cairn log param model linear --run $(cat r2) &&
	cairn log param model xgb --run $(cat r3) &&
	cairn log tag "team name" Vision --run $(cat r1) &&
	cairn log tag "team name" nlp --run $(cat r2) &&
	cairn log metric "my metric" 7 --run $(cat r3) &&
	cairn log metric f1 0.9 --run $(cat r1) &&
	cairn log metric f1 0.8 --run $(cat r3)
'

test_expect_success 'an empty filter finds every run, newest first' '
	expect "r4 r3 r2 r1" &&
	expect "r4 r3 r2 r1" "" &&
	expect "r4 r3 r2 r1" "  "
'

test_expect_success 'metrics compare with = != < <= > >= on the latest value' '
	expect "r4 r3" "metrics.accuracy > 0.8" &&
	expect "r4 r3" "metrics.accuracy >= 0.875" &&
	expect "r1" "metrics.accuracy < 0.75" &&
	expect "r2 r1" "metrics.accuracy <= 0.75" &&
	expect "r3" "metrics.accuracy = 0.875" &&
	expect "r4 r2 r1" "metrics.accuracy != 0.875" &&
	expect "r4" "metrics.loss < 1e-1" &&
	expect "" "metrics.accuracy > 1"
'

test_expect_success 'params compare with = != LIKE ILIKE IN and NOT IN' '
	expect "r3 r1" "params.model = '"'xgb'"'" &&
	expect "r3 r1" "params.model = \"xgb\"" &&
	expect "r2" "params.model != '"'xgb'"'" &&
	expect "r3 r1" "params.model LIKE '"'x%'"'" &&
	expect "" "params.model LIKE '"'X%'"'" &&
	expect "r3 r1" "params.model ILIKE '"'X_B'"'" &&
	expect "r2" "params.model IN ('"'linear'"', '"'knn'"')" &&
	expect "r3 r1" "params.model NOT IN ('"'linear'"')" &&
	expect "r2" "params.epochs = '"'2'"'"
'

test_expect_success 'keys with spaces are quoted with backticks or double quotes' '
	expect "r2" "tags.\`team name\` = '"'nlp'"'" &&
	expect "r1" "tags.\"team name\" ILIKE '"'VISION'"'" &&
	expect "r3" "metrics.\`my metric\` >= 7"
'

test_expect_success 'clauses join with AND in any case' '
	expect "r3" "params.model = '"'xgb'"' and metrics.loss < 0.2 AND tags.language = '"'c'"'" &&
	expect "r1" "params.model = '"'xgb'"' And metrics.loss > 0.2"
'

test_expect_success 'attributes: status, name, id, experiment, times' '
	expect "r4 r3 r2 r1" "attributes.status = '"'FINISHED'"' and attributes.run_name LIKE '"'track%'"'" &&
	expect "r2" "attributes.run_id = '"'$(cat r2)'"'" &&
	expect "r4 r1" "run_id IN ('"'$(cat r1)'"', '"'$(cat r4)'"')" &&
	expect "r4 r3 r2 r1" "attribute.experiment = '"'examples'"' and end_time > 1000 and duration >= 0" &&
	expect "" "status = '"'FAILED'"'" &&
	expect "r4 r3 r2 r1" "" --experiment examples &&
	expect "" "" --experiment other
'

test_expect_success '--order-by sorts, runs lacking the key last both ways' '
	expect "r1 r3 r4 r2" "" --order-by "metrics.f1 DESC" &&
	expect "r3 r1 r4 r2" "" --order-by "metrics.f1" &&
	expect "r3 r1 r4 r2" "" --order-by "metrics.f1 asc" &&
	expect "r2 r3 r1 r4" "" --order-by "params.model" &&
	expect "r1 r2 r3 r4" "" --order-by "attributes.start_time ASC" &&
	expect "r4 r3 r2 r1" "" --order-by "metrics.loss"
'

test_expect_success 'several orders break ties in turn' '
	expect "r3 r1 r2 r4" "" --order-by "params.model DESC" --order-by "metrics.loss ASC" &&
	expect "r1 r3 r2 r4" "" --order-by "params.model DESC" --order-by "metrics.loss DESC"
'

test_expect_success '--max keeps the first runs of the order' '
	expect "r4 r3" "" --max 2 &&
	expect "r1 r3" "" --order-by "metrics.f1 DESC" --max 2 &&
	expect "r1 r3 r4" "" --order-by "metrics.f1 DESC" --max 3 &&
	expect "r3" "metrics.accuracy > 0.5" --order-by "metrics.f1" --max 1 &&
	expect "r4 r3 r2 r1" "" --max 0
'

test_expect_success 'the table shows the ordered keys; --json adds params, metrics and tags' '
	cairn runs search "params.model = '"'xgb'"'" --order-by "metrics.f1 DESC" >out &&
	test_grep "^RUN +STATUS +STARTED +DURATION +metrics.f1 +EXPERIMENT +NAME$" out &&
	test_grep "^$(cat r1) +FINISHED .* 0\.9 +examples +track-example$" out &&
	test $(wc -l <out) = 3 &&
	cairn runs search "metrics.accuracy > 0.9" >out &&
	test_grep "^RUN +STATUS +STARTED +DURATION +EXPERIMENT +NAME$" out &&
	test_grep "^$(cat r4) +FINISHED" out &&
	cairn runs search "params.model = '"'linear'"'" --json >out.json &&
	python3 -c "
import json
[r] = json.load(open(\"out.json\"))
assert r[\"params\"] == {\"epochs\": \"2\", \"learning_rate\": \"0.5\", \"model\": \"linear\"}, r
assert r[\"metrics\"] == {\"accuracy\": 0.75, \"loss\": 0.25}, r
assert r[\"tags\"] == {\"language\": \"c\", \"team name\": \"nlp\"}, r
assert r[\"status\"] == \"FINISHED\" and r[\"experiment\"] == \"examples\", r
" &&
	cairn runs search "status = '"'KILLED'"'" >out &&
	test_grep "^No runs match" out
'

test_expect_success 'a filter that does not parse exits 2 naming the column' '
	test_expect_code 2 cairn runs search "metrics.accuracy" >out 2>err &&
	test_grep "^cairn: error: cannot parse filter at column 17: expected a comparator after .metrics.accuracy., found the end of the filter$" err &&
	test ! -s out &&
	test_expect_code 2 cairn runs search "metrics.loss > 0.5 or params.x = '"'y'"'" 2>err &&
	test_grep "column 20: OR is not supported" err &&
	test_expect_code 2 cairn runs search "params.model = xgb" 2>err &&
	test_grep "column 16: expected a quoted string after .params.model =., found .xgb." err &&
	test_expect_code 2 cairn runs search "metrics.loss LIKE '"'x'"'" 2>err &&
	test_grep "column 14: metrics compare with =, !=, <, <=, > or >=, not LIKE" err &&
	test_expect_code 2 cairn runs search "attributes.colour = '"'x'"'" 2>err &&
	test_grep "column 12: unknown attribute .colour." err &&
	test_expect_code 2 cairn runs search "tags.\`team name = '"'x'"'" 2>err &&
	test_grep "column 6: unterminated key" err &&
	test_expect_code 2 cairn runs search "" --order-by "metrics.f1 DOWN" 2>err &&
	test_grep "cannot parse order .metrics.f1 DOWN. at column 12: expected ASC, DESC or the end of the order" err &&
	test $(wc -l <err) = 1
'

test_expect_success 'usage errors exit 2' '
	test_expect_code 2 cairn runs search metrics.loss ">" 1 2>err &&
	test_grep "expected one FILTER" err &&
	test_grep "^usage: cairn runs search" err &&
	test_expect_code 2 cairn runs search "" --max many 2>err &&
	test_grep "non-negative integer" err &&
	cairn runs search --help >out &&
	test_grep "^usage: cairn runs search" out
'

test_done
