#!/bin/bash
# cairn train and sweep --features/--drop: the model's feature columns are
# the ones chosen, recorded as params and in the package, and predict uses
# them alone; unknown names are refused before a run starts; k-means never
# takes the target as a column to learn from.
. "$(dirname "$0")/lib.sh"

# The columns the model package of run $1 takes, one a line.
model_columns() {
	cairn runs get-artifact --force $1 model/preprocess.json prep.json >/dev/null &&
	jq_py '"\n".join(c["name"] for c in d["columns"])' <prep.json
}

test_expect_success 'setup: iris with an id and a timestamp' '
	cairn init >/dev/null &&
	awk -F, "NR == 1 { print \"id,\" \$0 \",timestamp\" }
		 NR > 1 { print NR - 1 \",\" \$0 \",2024-01-\" (NR % 28 + 1) }" \
		"$DATASETS/iris.csv" >iris.csv &&
	cairn data add iris.csv >/dev/null
'

test_expect_success '--drop leaves the columns out of the model' '
	cairn train --data iris --target species --algo logistic --drop id,timestamp \
		--json >drop.json &&
	run=$(jq_py "d[\"run_id\"]" <drop.json) &&
	model_columns $run >cols &&
	printf "%s\n" sepal_length sepal_width petal_length petal_width >expect &&
	test_cmp expect cols &&
	cairn runs show $run --json >show.json &&
	test "$(jq_py "d[\"params\"][\"drop\"]" <show.json)" = id,timestamp
'

test_expect_success '--features keeps only those; predict and evaluate need no other column' '
	cairn train --data iris --target species --algo xgboost \
		--features petal_width,petal_length --json >feat.json &&
	run=$(jq_py "d[\"run_id\"]" <feat.json) &&
	model_columns $run >cols &&
	printf "%s\n" petal_length petal_width >expect &&
	test_cmp expect cols &&
	cairn runs show $run --json >show.json &&
	test "$(jq_py "d[\"params\"][\"features\"]" <show.json)" = petal_width,petal_length &&
	cut -d, -f4,5,6 iris.csv >petals.csv &&
	cairn predict $run --data petals.csv >pred.csv &&
	test $(wc -l <pred.csv) -eq 151 &&
	cairn evaluate $run --data petals.csv >eval.out
'

test_expect_success 'unknown names are an error naming them all, and no run is made' '
	cairn runs list --json >before.json &&
	test_expect_code 4 cairn train --data iris --target species --algo logistic \
		--features petal_width,colour,size 2>err &&
	test_grep "no columns .colour., .size. in .iris@1." err &&
	test_expect_code 4 cairn train --data iris --target species --algo logistic \
		--drop ident 2>err &&
	test_grep "no column .ident. in .iris@1." err &&
	cairn runs list --json >after.json &&
	test_cmp before.json after.json
'

test_expect_success 'the target is never a feature nor dropped' '
	test_expect_code 2 cairn train --data iris --target species --algo logistic \
		--features species,petal_width 2>err &&
	test_grep "the target column .species. cannot be a feature" err &&
	test_expect_code 2 cairn train --data iris --target species --algo logistic \
		--drop species 2>err &&
	test_grep "cannot be dropped" err
'

test_expect_success 'kmeans with a target is refused: it would cluster without it' '
	test_expect_code 2 cairn train --data iris --target species --algo kmeans 2>err &&
	test_grep "kmeans clusters rows without a target: drop column .species." err &&
	cairn train --data iris --algo kmeans --drop id,species,timestamp --json >km.json &&
	run=$(jq_py "d[\"run_id\"]" <km.json) &&
	model_columns $run >cols &&
	printf "%s\n" sepal_length sepal_width petal_length petal_width >expect &&
	test_cmp expect cols
'

test_expect_success 'sweep passes the feature columns to every trial' '
	cairn sweep --data iris --target species --algo logistic --grid C=0.5,2 \
		--features petal_length,petal_width --json >sweep.json &&
	jq_py "\"\n\".join(t[\"run_id\"] for t in d[\"trials\"])" <sweep.json >trials &&
	test $(wc -l <trials) -eq 2 &&
	for run in $(cat trials); do
		model_columns $run >cols &&
		printf "%s\n" petal_length petal_width >expect &&
		test_cmp expect cols || return 1
	done &&
	test_expect_code 2 cairn sweep --data iris --target species --algo logistic \
		--grid C=1,2 --drop species 2>err &&
	test_grep "cannot be dropped" err
'

test_expect_success 'sweep refuses unknown columns before its run starts' '
	cairn runs list --json >before.json &&
	test_expect_code 4 cairn sweep --data iris --target species --algo logistic --grid C=1,2 \
		--features petal_length,nosuch --drop other 2>err &&
	test_grep "no columns .nosuch., .other. in .iris@1." err &&
	test_expect_code 4 cairn sweep --data iris --target specie --algo logistic --grid C=1,2 2>err &&
	test_grep "no column .specie." err &&
	cairn runs list --json >after.json &&
	test_cmp before.json after.json
'

test_done
