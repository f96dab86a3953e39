#!/bin/bash
# cairn train and cairn predict: each algorithm as a tracked run with a model
# package, predictions with the original labels, unseen categories, bad
# input refused with FAILED runs, byte-identical models for one seed.
. "$(dirname "$0")/lib.sh"

test_expect_success 'setup: iris with a text column, and its splits' '
	cairn init >/dev/null &&
	awk -F, "NR == 1 { print \$0 \",garden\" } NR > 1 { print \$0 \",\" (NR % 3 ? \"north\" : \"south\") }" \
		"$DATASETS/iris.csv" >iris.csv &&
	cairn data add iris.csv >/dev/null &&
	cairn data split iris --ratios 0.8,0.2 --stratify species --seed 3 >/dev/null
'

for algo in logistic linear_svm knn naive_bayes; do
	test_expect_success "train $algo on iris: a FINISHED run with a model package" "
		cairn train --data iris-train --test iris-test --target species --algo $algo \
			--name $algo --json >$algo.json &&
		run=\$(jq_py 'd[\"run_id\"]' <$algo.json) &&
		echo \$run >$algo.run &&
		acc=\$(jq_py 'd[\"metrics\"][\"test\"][\"accuracy\"]' <$algo.json) &&
		python3 -c \"import sys; sys.exit(0 if \$acc >= 0.8 else 1)\" &&
		cairn runs show \$run --json >show.json &&
		test \"\$(jq_py 'd[\"status\"]' <show.json)\" = FINISHED &&
		test \"\$(jq_py 'd[\"params\"][\"algorithm\"]' <show.json)\" = $algo &&
		jq_py '[a[\"path\"] for a in d[\"artifacts\"]]' <show.json >paths &&
		test_grep \"model/MLmodel\" paths &&
		test_grep \"model/preprocess.json\" paths &&
		test_grep \"model/profile.json\" paths &&
		jq_py 'sorted((i[\"dataset\"], i[\"context\"]) for i in d[\"inputs\"])' <show.json >inputs &&
		test_grep \"iris-test@1\" inputs
	"
done

test_expect_success 'predict returns the original labels, and probabilities with --proba' '
	run=$(cat logistic.run) &&
	cairn data checkout iris-test test.csv >/dev/null &&
	cairn predict $run --data test.csv >pred.csv &&
	test "$(head -n 1 pred.csv)" = prediction &&
	test $(wc -l <pred.csv) = 31 &&
	tail -n +2 pred.csv | sort -u >labels &&
	printf "%s\n" setosa versicolor virginica >expect &&
	test_cmp expect labels &&
	cairn predict $run --data iris-test --proba --out proba.csv &&
	test "$(head -n 1 proba.csv)" = "prediction,proba_setosa,proba_versicolor,proba_virginica" &&
	awk -F, "NR > 1 { s = \$2 + \$3 + \$4; if (s < 0.999 || s > 1.001) exit 1 }" proba.csv
'

test_expect_success 'a category unseen in training and extra columns are fine; a missing column is not' '
	run=$(cat knn.run) &&
	printf "sepal_length,sepal_width,petal_length,petal_width,garden,extra\n5.1,3.5,1.4,0.2,east,x\n" >odd.csv &&
	cairn predict $run --data odd.csv >out &&
	test "$(tail -n 1 out)" = setosa &&
	printf "sepal_length,sepal_width,petal_length,garden\n5.1,3.5,1.4,north\n" >short.csv &&
	test_expect_code 4 cairn predict $run --data short.csv 2>err &&
	test_grep "petal_width" err &&
	printf "sepal_length,sepal_width,petal_length,petal_width,garden\n5.1,3.5,1.4,wide,north\n" >word.csv &&
	test_expect_code 5 cairn predict $run --data word.csv 2>err &&
	test_grep "petal_width.*row 1: .wide. is not a number" err
'

test_expect_success 'the MLmodel manifest has the cairn flavor, a signature and the run id' '
	run=$(cat naive_bayes.run) &&
	cairn runs get-artifact $run model/MLmodel MLmodel &&
	test_grep "^run_id: $run$" MLmodel &&
	test_grep "^    algorithm: naive_bayes$" MLmodel &&
	test_grep "^  inputs: .*sepal_length.*double" MLmodel &&
	test_grep "^model_uuid: " MLmodel
'

test_expect_success 'regression: linear on diamonds with a held-out split' '
	cairn data add "$DATASETS/diamonds.csv" >/dev/null &&
	cairn train --data diamonds --target price --algo linear --test-split 0.2 --seed 1 --json >lin.json &&
	r2=$(jq_py "d[\"metrics\"][\"test\"][\"r2\"]" <lin.json) &&
	python3 -c "import sys; sys.exit(0 if $r2 > 0.85 else 1)"
'

test_expect_success 'clustering: kmeans with no target' '
	cairn train --data iris --algo kmeans --param n_clusters=3 --seed 2 --json >km.json &&
	run=$(jq_py "d[\"run_id\"]" <km.json) &&
	cairn predict $run --data iris.csv | tail -n +2 | sort -u >clusters &&
	printf "%s\n" 0 1 2 >expect &&
	test_cmp expect clusters
'

test_expect_success 'the same seed and data give a byte-identical model file' '
	cairn train --data iris --target species --algo logistic --seed 5 --json >a.json &&
	cairn train --data iris --target species --algo logistic --seed 5 --json >b.json &&
	a=$(jq_py "d[\"run_id\"]" <a.json) && b=$(jq_py "d[\"run_id\"]" <b.json) &&
	cairn runs artifacts $a --json | jq_py "[x[\"hash\"] for x in d if x[\"path\"].startswith(\"model/model.\")]" >ha &&
	cairn runs artifacts $b --json | jq_py "[x[\"hash\"] for x in d if x[\"path\"].startswith(\"model/model.\")]" >hb &&
	test_cmp ha hb && test "$(cat ha)" != "[]"
'

test_expect_success 'bad input: a clear error, a non-zero exit; a run that started ends FAILED' '
	test_expect_code 4 cairn train --data iris --target nope --algo logistic 2>err &&
	test_grep "no column .nope." err &&
	! grep "run .* FAILED" err &&
	test_expect_code 2 cairn train --data iris --target species --algo magic 2>err &&
	test_grep "unknown algorithm .magic." err &&
	test_expect_code 2 cairn train --data iris --target species --algo knn --param k=3 2>err &&
	test_grep "knn has no param .k." err &&
	test_expect_code 2 cairn train --data iris --target species --algo knn --param n_neighbors=zero 2>err &&
	test_grep "not an integer" err &&
	printf "a,b\n1,x\n2,x\n3,x\n" >const.csv && cairn data add const.csv >/dev/null &&
	test_expect_code 2 cairn train --data const --target b --algo logistic 2>err &&
	test_grep "constant" err &&
	test_expect_code 2 cairn train --data iris --target species --algo linear 2>err &&
	test_grep "linear does not do classification" err &&
	cairn runs list --status FAILED --json | jq_py "len(d)" >n &&
	test "$(cat n)" = 2 &&
	test_expect_code 2 cairn train --data iris --algo logistic --test iris-test --test-split 0.2 2>err &&
	test_expect_code 4 cairn train --data nosuch --target y --algo logistic 2>err
'

test_done
