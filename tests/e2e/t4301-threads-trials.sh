#!/bin/bash
# Thread counts of training: the run's param "threads" says what each fit was
# given; small data trains on one thread, a sweep's trials share the cores
# (cores / trials at once, at least one), --threads overrides both; OpenMP
# sleeps instead of spinning unless the user chose otherwise.
. "$(dirname "$0")/lib.sh"

# Runs `cairn sweep ARGS... --json` and checks that every trial's run has
# the param threads=$1.
sweep_threads() {
	local expect=$1
	shift
	cairn sweep "$@" --json >sweep.json &&
	for r in $(jq_py "\" \".join(t[\"run_id\"] for t in d[\"trials\"])" <sweep.json); do
		cairn runs show $r --json | jq_py "d[\"params\"][\"threads\"]" || return 1
	done | sort -u >threads &&
	echo $expect >expect &&
	test_cmp expect threads
}

cores=$(python3 -c "import os; print(len(os.sched_getaffinity(0)))")
half=$((cores / 2 > 0 ? cores / 2 : 1))

test_expect_success 'setup: iris, and 6,000 rows x 20 features (120,000 cells)' '
	cairn init >/dev/null &&
	cairn data add "$DATASETS/iris.csv" >/dev/null &&
	awk "BEGIN {
		printf \"y\"; for (j = 1; j <= 20; j++) printf \",f%d\", j; print \"\"
		for (i = 0; i < 6000; i++) {
			printf \"%d\", i % 2
			for (j = 1; j <= 20; j++) printf \",%d\", (i * 7 + j * 13) % 101 + i % 2 * j
			print \"\"
		}
	}" >wide.csv &&
	cairn data add wide.csv >/dev/null
'

test_expect_success 'small data trains on one thread' '
	cairn train --data iris --target species --algo xgboost --param n_estimators=5 \
		--json >train.json &&
	run=$(jq_py "d[\"run_id\"]" <train.json) &&
	test "$(cairn runs show $run --json | jq_py "d[\"params\"][\"threads\"]")" = 1
'

test_expect_success 'larger data trains on every usable core' '
	cairn train --data wide --target y --algo naive_bayes --json >train.json &&
	run=$(jq_py "d[\"run_id\"]" <train.json) &&
	test "$(cairn runs show $run --json | jq_py "d[\"params\"][\"threads\"]")" = $cores
'

test_expect_success '--threads is what every fit gets, whatever the size' '
	cairn train --data iris --target species --algo knn --threads 3 --json >train.json &&
	run=$(jq_py "d[\"run_id\"]" <train.json) &&
	test "$(cairn runs show $run --json | jq_py "d[\"params\"][\"threads\"]")" = 3
'

test_expect_success 'sweep -j 1: each trial gets the usable cores' '
	sweep_threads $cores --data wide --target y --algo naive_bayes --cv 2 -j 1 \
		--grid var_smoothing=1e-9,1e-8
'

test_expect_success 'sweep -j 2: the trials share them (cores / 2, at least 1)' '
	sweep_threads $half --data wide --target y --algo naive_bayes --cv 2 -j 2 \
		--grid var_smoothing=1e-9,1e-8
'

test_expect_success 'sweep -j 2 on small data: one thread per trial' '
	sweep_threads 1 --data iris --target species --algo xgboost --cv 5 -j 2 \
		--grid max_depth=2,3 --param n_estimators=5
'

test_expect_success 'sweep --threads N gives each trial N' '
	sweep_threads 2 --data iris --target species --algo knn -j 2 --threads 2 \
		--grid n_neighbors=1,3
'

test_expect_success 'the --threads help of train and sweep says what the default is' '
	cairn train --help >help &&
	test_grep "default 0: one when the" help &&
	cairn sweep --help >help &&
	test_grep "divided by the" help
'

test_expect_success 'OpenMP waits passively unless OMP_WAIT_POLICY is set (not empty)' '
	(unset OMP_WAIT_POLICY && cairn run -- sh -c "echo \$OMP_WAIT_POLICY") >policy &&
	echo passive >expect &&
	test_cmp expect policy &&
	OMP_WAIT_POLICY= cairn run -- sh -c "echo \$OMP_WAIT_POLICY" >policy &&
	test_cmp expect policy &&
	OMP_WAIT_POLICY=active cairn run -- sh -c "echo \$OMP_WAIT_POLICY" >policy &&
	echo active >expect &&
	test_cmp expect policy
'

test_done
