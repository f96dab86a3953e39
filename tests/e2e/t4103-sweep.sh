#!/bin/bash
# cairn sweep: a grid of trials as child runs of one sweep run, the best one
# tagged, random samples that repeat with their seed, bad grids refused
# before any run, failing trials reported, and SIGTERM ending every run KILLED.
. "$(dirname "$0")/lib.sh"

test_expect_success 'setup: iris' '
	cairn init >/dev/null &&
	cairn data add "$DATASETS/iris.csv" >/dev/null
'

test_expect_success 'a 2x2 knn grid, two at a time: four child runs of the sweep run' '
	cairn sweep --data iris --target species --algo knn --test-split 0.3 --seed 2 -j 2 \
		--grid n_neighbors=1,15 --grid weights=uniform,distance --json >sweep.json 2>err &&
	parent=$(jq_py "d[\"parent\"]" <sweep.json) && echo $parent >parent &&
	test "$(jq_py "d[\"metric\"]" <sweep.json)" = test_accuracy &&
	test "$(jq_py "d[\"direction\"]" <sweep.json)" = maximize &&
	test "$(jq_py "len(d[\"trials\"])" <sweep.json)" = 4 &&
	test "$(jq_py "\" \".join(t[\"status\"] for t in d[\"trials\"])" <sweep.json)" = \
		"FINISHED FINISHED FINISHED FINISHED" &&
	jq_py "sorted(t[\"run_id\"] for t in d[\"trials\"])" <sweep.json >trial-runs &&
	cairn runs show $parent --json >show.json &&
	test "$(jq_py "d[\"status\"]" <show.json)" = FINISHED &&
	jq_py "sorted(d[\"children\"])" <show.json >children &&
	test_cmp trial-runs children &&
	test "$(jq_py "d[\"params\"][\"algorithm\"]" <show.json)" = knn &&
	test "$(jq_py "d[\"params\"][\"mode\"]" <show.json)" = grid &&
	test "$(jq_py "d[\"params\"][\"metric\"]" <show.json)" = test_accuracy &&
	for c in $(jq_py "\" \".join(d[\"children\"])" <show.json); do
		cairn runs show $c --json >child.json &&
		test "$(jq_py "d[\"parent\"]" <child.json)" = $parent &&
		test "$(jq_py "d[\"status\"]" <child.json)" = FINISHED || exit 1
	done
'

test_expect_success 'the best trial is the max of the children and is tagged on the sweep run' '
	parent=$(cat parent) &&
	cairn runs show $parent --json >show.json &&
	best=$(jq_py "d[\"tags\"][\"best_run\"]" <show.json) &&
	for c in $(jq_py "\" \".join(d[\"children\"])" <show.json); do
		cairn runs show $c --json | jq_py "d[\"metrics\"][\"test_accuracy\"]" >>values || exit 1
	done &&
	max=$(python3 -c "print(max(float(l) for l in open(\"values\")))") &&
	bestval=$(cairn runs show $best --json | jq_py "d[\"metrics\"][\"test_accuracy\"]") &&
	python3 -c "import sys; sys.exit(0 if $bestval == $max else 1)" &&
	python3 -c "import sys; sys.exit(0 if $(jq_py "d[\"tags\"][\"best_test_accuracy\"]" <show.json) == $max else 1)" &&
	test "$(jq_py "d[\"metrics\"][\"best_test_accuracy\"]" <show.json)" = "$bestval" &&
	jq_py "d[\"tags\"][\"best_params\"]" <show.json >best-params &&
	cairn runs show $best --json | jq_py "d[\"params\"][\"n_neighbors\"]" >nn &&
	test_grep "\"n_neighbors\":\"$(cat nn)\"" best-params &&
	test "$(jq_py "d[\"best\"][\"run_id\"]" <sweep.json)" = $best &&
	cairn runs search "tags.best_run = '"'"'$best'"'"'" --json | jq_py "[r[\"id\"] for r in d]" >found &&
	test_grep $parent found
'

test_expect_success 'the human output lists the trials best first and names the best' '
	cairn sweep --data iris --target species --algo knn --test-split 0.3 --seed 2 \
		--grid n_neighbors=1,15 >out 2>err &&
	test_grep "^Sweep run .*: 2 trials, metric test_accuracy \(maximize\)" out &&
	test_grep "^Best: trial [12], run " out &&
	test $(grep -c "FINISHED" out) = 2 &&
	awk "/FINISHED/ { print \$3 }" out >vals && sort -rn vals >sorted && test_cmp sorted vals &&
	test_grep "^trial [12]/2 \(n_neighbors=" err
'

test_expect_success '--random 2 --seed 1 runs two trials, the same two again' '
	cairn sweep --data iris --target species --algo knn --grid n_neighbors=1,3,5,7,9 \
		--grid weights=uniform,distance --random 2 --seed 1 --json >r1.json &&
	cairn sweep --data iris --target species --algo knn --grid n_neighbors=1,3,5,7,9 \
		--grid weights=uniform,distance --random 2 --seed 1 --json >r2.json &&
	test "$(jq_py "len(d[\"trials\"])" <r1.json)" = 2 &&
	jq_py "sorted(str(t[\"params\"]) for t in d[\"trials\"])" <r1.json >p1 &&
	jq_py "sorted(str(t[\"params\"]) for t in d[\"trials\"])" <r2.json >p2 &&
	test_cmp p1 p2 &&
	test "$(jq_py "len(set(str(t[\"params\"]) for t in d[\"trials\"]))" <r1.json)" = 2 &&
	cairn runs show $(jq_py "d[\"parent\"]" <r1.json) --json | jq_py "d[\"params\"][\"mode\"]" >mode &&
	test "$(cat mode)" = random &&
	cairn sweep --data iris --target species --algo knn --grid n_neighbors=1,3 --random 5 \
		--json >r3.json 2>err &&
	test "$(jq_py "len(d[\"trials\"])" <r3.json)" = 2 &&
	test $(grep -c "more than the 2 combinations" err) = 1
'

test_expect_success 'a minimized metric with cross-validation' '
	cairn sweep --data iris --target species --algo knn --grid n_neighbors=1,9 --cv 3 \
		--metric log_loss --json >ll.json &&
	test "$(jq_py "d[\"metric\"]" <ll.json)" = cv_log_loss_mean &&
	test "$(jq_py "d[\"direction\"]" <ll.json)" = minimize &&
	jq_py "[t[\"value\"] for t in d[\"trials\"]]" <ll.json >v &&
	python3 -c "import ast, sys; v = ast.literal_eval(open(\"v\").read()); sys.exit(0 if v == sorted(v) else 1)"
'

test_expect_success 'a bad grid or algorithm is a usage error and starts no run' '
	cairn runs list --json | jq_py "len(d)" >before &&
	test_expect_code 2 cairn sweep --data iris --target species --algo knn --grid n_neighbors 2>err &&
	test_grep "grid .n_neighbors. is not KEY=V1,V2" err &&
	test_expect_code 2 cairn sweep --data iris --target species --algo knn --grid n_neighbors= 2>err &&
	test_grep "empty value" err &&
	test_expect_code 2 cairn sweep --data iris --target species --algo knn --grid n_neighbors=1,,3 2>err &&
	test_grep "empty value" err &&
	test_expect_code 2 cairn sweep --data iris --target species --algo knn \
		--grid n_neighbors=1 --grid n_neighbors=3 2>err &&
	test_grep "given twice" err &&
	test_expect_code 2 cairn sweep --data iris --target species --algo magic --grid a=1 2>err &&
	test_grep "unknown algorithm .magic." err &&
	test_expect_code 2 cairn sweep --data iris --target species --algo knn 2>err &&
	test_expect_code 4 cairn sweep --data nosuch --target species --algo knn --grid n_neighbors=1 2>err &&
	cairn runs list --json | jq_py "len(d)" >after &&
	test_cmp before after
'

test_expect_success 'an unknown param is refused before any run, exit 2' '
	cairn runs list --json >runs.before &&
	test_expect_code 2 cairn sweep --data iris --target species --algo knn --grid k=1,3 -j 2 \
		--json >bad.json 2>err &&
	test_grep "knn has no param .k." err &&
	cairn runs list --json >runs.after &&
	test_cmp runs.before runs.after
'

test_expect_success 'a bad value in every trial: the sweep run ends FAILED, exit 1' '
	test_expect_code 1 cairn sweep --data iris --target species --algo knn \
		--grid n_neighbors=zero,one -j 2 --json >bad.json 2>err &&
	test_grep "not an integer" err &&
	test_grep "^trial 1 \(n_neighbors=zero\) FAILED" err &&
	test_grep "every trial failed" err &&
	parent=$(jq_py "d[\"parent\"]" <bad.json) &&
	cairn runs show $parent --json >show.json &&
	test "$(jq_py "d[\"status\"]" <show.json)" = FAILED &&
	test "$(jq_py "\" \".join(t[\"status\"] for t in d[\"trials\"])" <bad.json)" = "FAILED FAILED"
'

test_expect_success 'a failed trial does not fail the sweep' '
	cairn sweep --data iris --target species --algo knn --grid n_neighbors=3,zero \
		--json >mixed.json 2>err &&
	test_grep "trial 2 \(n_neighbors=zero\) FAILED" err &&
	test "$(jq_py "\" \".join(t[\"status\"] for t in d[\"trials\"])" <mixed.json)" = \
		"FINISHED FAILED" &&
	cairn runs show $(jq_py "d[\"parent\"]" <mixed.json) --json | jq_py "d[\"status\"]" >st &&
	test "$(cat st)" = FINISHED
'

test_expect_success 'SIGTERM stops the trials and ends every run KILLED' '
	cairn data add "$DATASETS/diamonds.csv" >/dev/null &&
	{ cairn sweep --data diamonds --target price --algo xgboost --test-split 0.2 -j 2 \
		--param max_depth=10 --grid n_estimators=400,401,402 --json >killed.json 2>err & } &&
	pid=$! &&
	running=0 &&
	for i in $(seq 300); do
		test $(cairn runs list --status RUNNING --json | jq_py "len(d)") -ge 3 && running=1 && break
		sleep 0.2
	done &&
	test $running = 1 &&
	kill -TERM $pid &&
	rc=0 && wait $pid || rc=$? &&
	test $rc = 130 &&
	parent=$(jq_py "d[\"parent\"]" <killed.json) &&
	cairn runs show $parent --json >show.json &&
	test "$(jq_py "d[\"status\"]" <show.json)" = KILLED &&
	for c in $(jq_py "\" \".join(d[\"children\"])" <show.json); do
		cairn runs show $c --json | jq_py "d[\"status\"]" >>child-status || exit 1
	done &&
	test "$(sort -u child-status)" = KILLED &&
	test $(wc -l <child-status) = 2 &&
	test "$(jq_py "\" \".join(t[\"status\"] for t in d[\"trials\"])" <killed.json)" = \
		"KILLED KILLED SKIPPED" &&
	test "$(cairn runs list --status RUNNING --json | jq_py "len(d)")" = 0
'

test_expect_success 'cairn sweep --help' '
	cairn sweep --help >out &&
	test_grep "^usage: cairn sweep" out &&
	test_grep "grid KEY=V1,V2" out
'

test_done
