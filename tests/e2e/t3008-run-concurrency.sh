#!/bin/bash
# Many runs logging to one workspace at once: 8 concurrent `cairn run`
# processes each logging 10,000 metric points (every point stored, no
# process fails), and a run killed in the middle of logging (the store stays
# consistent, the run is shown FAILED).
. "$(dirname "$0")/lib.sh"

example=$SRC_ROOT/build/examples/track-example
[ -x "$example" ] || test_skip_all "build/examples/track-example is not built (make test builds it)"
cairn help run >/dev/null 2>&1 || test_skip_all "this build has no 'cairn run'"

sql() {
	sqlite3 .cairn/cairn.db "$1"
}

test_expect_success 'setup' '
	cairn init >/dev/null
'

# track-example N logs N batches of two points (loss, accuracy), each batch
# one transaction: 5,000 batches are 10,000 points.
test_expect_success '8 concurrent cairn run processes each log 10,000 points' '
	for i in 1 2 3 4 5 6 7 8; do
		(cairn -q run --name worker-$i --experiment load -- "$example" 5000 >out-$i 2>err-$i;
		 echo $? >status-$i) &
	done &&
	wait &&
	for i in 1 2 3 4 5 6 7 8; do
		test "$(cat status-$i)" = 0 || { cat err-$i; exit 1; }
		! grep -q "locked" err-$i
	done &&
	test "$(sql "SELECT count(*) FROM run_metrics")" = 80000 &&
	sql "SELECT count(*) FROM run_metrics GROUP BY run" | sort -u >counts &&
	echo 10000 >expect && test_cmp expect counts &&
	test "$(cairn runs list --experiment load --status FINISHED --json | python3 -c "import json, sys; print(len(json.load(sys.stdin)))")" = 8
'

test_expect_success 'every run has its last point as the latest value' '
	sql "SELECT DISTINCT step FROM run_latest_metrics l JOIN runs r ON r.seq = l.run JOIN experiments e ON e.id = r.experiment_id WHERE e.name = '"'"'load'"'"'" >steps &&
	echo 4999 >expect && test_cmp expect steps
'

test_expect_success 'a run killed in the middle of logging leaves a consistent store' '
	"$example" 1000000 >/dev/null 2>&1 &
	pid=$! &&
	for i in $(seq 100); do
		n=$(sql "SELECT count(*) FROM runs r JOIN run_metrics m ON m.run = r.seq WHERE r.status = '"'"'RUNNING'"'"'" 2>/dev/null || echo 0)
		[ "$n" -gt 1000 ] && break
		sleep 0.1
	done &&
	kill -9 $pid && wait $pid || true &&
	run=$(sql "SELECT id FROM runs WHERE name = '"'"'track-example'"'"' AND end_ms IS NULL") &&
	test -n "$run" &&
	cairn runs show $run --json >show.json &&
	python3 -c "import json; d = json.load(open(\"show.json\")); assert d[\"status\"] == \"FAILED\", d[\"status\"]; assert \"ended without ending it\" in d[\"message\"]" &&
	seq_=$(sql "SELECT seq FROM runs WHERE id = '"'"'$run'"'"'") &&
	loss=$(sql "SELECT count(*) FROM run_metrics WHERE run = $seq_ AND key = '"'"'loss'"'"'") &&
	acc=$(sql "SELECT count(*) FROM run_metrics WHERE run = $seq_ AND key = '"'"'accuracy'"'"'") &&
	test "$loss" -gt 0 && test "$loss" = "$acc" &&
	test "$(sql "PRAGMA integrity_check")" = ok &&
	cairn fsck >out &&
	test_grep " 0 corrupt, 0 missing" out
'

test_done
