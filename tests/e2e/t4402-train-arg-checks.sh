#!/bin/bash
# cairn train refuses mistakes in its arguments (an unknown algorithm or
# param, a missing target, early stopping without validation data, an init
# model or member that is no model) with an error
# before any run is created.
. "$(dirname "$0")/lib.sh"

test_expect_success 'setup' '
	cairn init >/dev/null &&
	cairn data add "$DATASETS/iris.csv" >/dev/null &&
	cairn runs list --json >runs.before
'

no_new_run() {
	cairn runs list --json >runs.after &&
	test_cmp runs.before runs.after
}

test_expect_success 'an unknown algorithm: exit 2, the known ones listed, no run' '
	test_expect_code 2 cairn train --data iris --target species --algo xgbost 2>err &&
	test_grep "unknown algorithm .xgbost. .known: xgboost, " err &&
	no_new_run
'

test_expect_success 'an unknown param: exit 2, naming it, no run' '
	test_expect_code 2 cairn train --data iris --target species --algo xgboost \
		--param max_dpth=3 2>err &&
	test_grep "xgboost has no param .max_dpth." err &&
	test_expect_code 2 cairn train --data iris --target species --algo logistic \
		--param C=-1 2>err &&
	test_grep "param .C. of logistic" err &&
	no_new_run
'

test_expect_success 'a missing target says so, with no run' '
	test_expect_code 2 cairn train --data iris --algo xgboost 2>err &&
	test_grep "xgboost needs a target column" err &&
	! grep "does not do clustering" err &&
	test_expect_code 2 cairn train --data iris --algo linear 2>err &&
	test_grep "linear needs a target column: it learns regression" err &&
	no_new_run
'

test_expect_success 'early stopping without validation data is refused, with no run' '
	test_expect_code 2 cairn train --data iris --target species --algo xgboost \
		--param early_stopping_rounds=5 2>err &&
	test_grep "early_stopping_rounds needs validation data" err &&
	no_new_run
'

test_expect_success 'an init model or member that is no model: exit 4, no run' '
	test_expect_code 4 cairn train --data iris --target species --algo xgboost \
		--init-model nosuch 2>err &&
	test_grep "no model .nosuch." err &&
	test_expect_code 4 cairn train --data iris --target species --algo ensemble \
		--members ./missing-dir,nosuch 2>err &&
	test_grep "no model package .\\./missing-dir" err &&
	no_new_run
'

test_expect_success 'a good command still makes its run' '
	cairn train --data iris --target species --algo logistic >out &&
	test_grep "^Trained run " out &&
	cairn runs list --json >runs.after &&
	test_must_fail test_cmp runs.before runs.after
'

test_done
