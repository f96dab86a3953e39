#!/bin/bash
# cairn train --param early_stopping_rounds=N: the test rows (--test or
# --test-split) are the validation set, scored after every round as the
# valid-* metrics; training stops N rounds after the best one, which is the
# metric best_iteration, and the saved model keeps the rounds up to it.
. "$(dirname "$0")/lib.sh"

test_expect_success 'setup: diamonds' '
	cairn init >/dev/null &&
	head -n 3001 "$DATASETS/diamonds.csv" >diamonds.csv &&
	cairn data add diamonds.csv >/dev/null &&
	cairn data split diamonds --ratios 0.8,0.2 --seed 1 >/dev/null
'

test_expect_success 'with a test split: valid-* per round, best_iteration, stopped early' '
	cairn train --data diamonds --target price --algo xgboost --test-split 0.25 \
		--param n_estimators=500 --param learning_rate=0.7 \
		--param early_stopping_rounds=4 --json >es.json &&
	run=$(jq_py "d[\"run_id\"]" <es.json) &&
	best=$(jq_py "d[\"metrics\"][\"best_iteration\"]" <es.json) &&
	cairn metrics history $run valid-rmse --json >valid.json &&
	n=$(jq_py "len(d)" <valid.json) &&
	test $n -lt 500 &&
	test $n -eq $((best + 1 + 4)) &&
	argmin=$(jq_py "min(range(len(d)), key=lambda i: (d[i][\"value\"], i))" <valid.json) &&
	test $argmin -eq $best &&
	cairn runs show $run --json >show.json &&
	test "$(jq_py "d[\"metrics\"][\"best_iteration\"]" <show.json)" = "$best.0" &&
	echo $run >run && echo $best >best
'

test_expect_success 'the saved model holds the rounds up to the best one' '
	run=$(cat run) && best=$(cat best) &&
	cairn runs get-artifact $run model/model.json model.json >/dev/null &&
	jq_py "d[\"learner\"][\"gradient_booster\"][\"model\"][\"gbtree_model_param\"][\"num_trees\"]" \
		<model.json >trees &&
	test "$(cat trees)" = $((best + 1)) &&
	jq_py "d[\"learner\"][\"attributes\"][\"best_iteration\"]" <model.json >attr &&
	test "$(cat attr)" = $best
'

test_expect_success 'with a test dataset too; classification logs valid-logloss' '
	cairn train --data diamonds-train --test diamonds-test --target cut --algo xgboost \
		--param n_estimators=300 --param learning_rate=0.8 --param early_stopping_rounds=3 \
		--json >cls.json &&
	run=$(jq_py "d[\"run_id\"]" <cls.json) &&
	best=$(jq_py "d[\"metrics\"][\"best_iteration\"]" <cls.json) &&
	cairn metrics history $run valid-mlogloss --json >valid.json &&
	test $(jq_py "len(d)" <valid.json) -le $((best + 1 + 3))
'

test_expect_success 'without validation data it is a usage error, with no run' '
	test_expect_code 2 cairn train --data diamonds --target price --algo xgboost \
		--param early_stopping_rounds=4 2>err &&
	test_grep "early_stopping_rounds needs validation data: a test dataset or a test split" err
'

test_done
