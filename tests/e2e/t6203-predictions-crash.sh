#!/bin/bash
# A crash of the server loses at most the last flush interval of the
# prediction log: after kill -9, every request acknowledged more than two
# intervals before is in the log; a segment whose last frame is cut short
# still reads, and a damaged frame is skipped with a warning naming the
# segment and byte offset.
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/helpers/serve.sh"
. "$TEST_DIRECTORY/helpers/predictions.sh"

interval_ms=200

test_expect_success 'setup: a registered model' '
	predictions_setup
'

serve_start srv iris@1 --predictions-flush-ms $interval_ms

# send PREFIX N: N requests X-Request-ID PREFIX-i, each answered 200.
send() {
	for i in $(seq 1 $2); do
		curl -sS -o /dev/null -w "%{http_code}\n" -H "X-Request-ID: $1-$i" \
			-H "Content-Type: application/json" --data-binary @req.json \
			"http://127.0.0.1:$srv_port/invocations" || return 1
	done >codes &&
	test "$(sort -u codes)" = 200
}

test_expect_success 'requests answered, then five flush intervals pass, then more' '
	send early 40 &&
	sleep $(python3 -c "print(5 * $interval_ms / 1000)") &&
	send late 20
'

kill -9 $srv_pid
{ wait $srv_pid; } 2>/dev/null

test_expect_success 'after kill -9, every request acknowledged two intervals before is there' '
	cairn predictions export >all.jsonl 2>err &&
	grep -c "\"id\":\"early-" all.jsonl >early &&
	echo 40 >want && test_cmp want early &&
	python3 -c "
import json
ids = [json.loads(l)[\"id\"] for l in open(\"all.jsonl\")]
late = [i for i in ids if i.startswith(\"late-\")]
# What was logged of the last interval is a prefix, in order.
assert late == [\"late-%d\" % (k + 1) for k in range(len(late))], late
"
'

test_expect_success 'a segment whose last frame is cut short still reads, quietly' '
	seg=$(ls .cairn/predictions/*.jsonl.zst | tail -1) &&
	cairn predictions export >before.jsonl &&
	head -c 30 "$seg" >>"$seg" &&
	cairn predictions export >after.jsonl 2>err &&
	test_cmp before.jsonl after.jsonl &&
	test ! -s err
'

test_expect_success 'a damaged frame is skipped with a warning naming the segment and offset' '
	seg=$(ls .cairn/predictions/*.jsonl.zst | tail -1) &&
	python3 -c "
import sys
p = sys.argv[1]
b = bytearray(open(p, \"rb\").read())
b[20] ^= 0xff
open(p, \"wb\").write(b)
" "$seg" &&
	cairn predictions export >damaged.jsonl 2>err &&
	test_grep "$(basename "$seg").*at byte 0" err &&
	test $(wc -l <damaged.jsonl) -lt $(wc -l <before.jsonl)
'

ls .cairn/predictions >segs.before
serve_start again iris@1

test_expect_success 'a new server answers' '
	curl -sS -o /dev/null -H "X-Request-ID: after-restart" -H "Content-Type: application/json" \
		--data-binary @req.json "http://127.0.0.1:$again_port/invocations"
'

serve_stop again

test_expect_success 'it wrote a new segment, appending nothing to the torn one' '
	ls .cairn/predictions >segs.after &&
	test $(wc -l <segs.after) = $(($(wc -l <segs.before) + 1)) &&
	cairn predictions export 2>/dev/null | grep -q "\"id\":\"after-restart\""
'

test_done
