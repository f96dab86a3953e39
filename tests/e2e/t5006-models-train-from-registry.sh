#!/bin/bash
# cairn train takes registered versions as --members and --init-model: an
# alias is pinned to the version it names when the run starts (the run's
# params and recipe say NAME@V), the run is linked in the lineage as having
# used the model version, and cairn reproduce trains it again identically.
. "$(dirname "$0")/lib.sh"

test_expect_success 'setup: two registered models' '
	cairn init >/dev/null &&
	cairn data add "$DATASETS/iris.csv" >/dev/null &&
	cairn train --data iris --target species --algo logistic --register lin >/dev/null &&
	cairn train --data iris --target species --algo knn --register near >/dev/null &&
	cairn train --data iris --target species --algo knn --param n_neighbors=7 --register near >/dev/null &&
	cairn models alias set lin champion 1 >/dev/null
'

test_expect_success 'an ensemble of registered versions records the versions it used' '
	cairn train --data iris --target species --algo ensemble \
		--members lin@champion,models:/near/latest --json >ens.json &&
	run=$(jq_py "d[\"run_id\"]" <ens.json) &&
	echo $run >run_id &&
	cairn runs show $run --json >show.json &&
	test "$(jq_py "d[\"params\"][\"members\"]" <show.json)" = "lin@1,near@2" &&
	test "$(jq_py "\",\".join(d[\"info\"][\"recipe\"][\"members\"])" <show.json)" = "lin@1,near@2" &&
	cairn lineage $run >lin &&
	test_grep "used model lin@1" lin &&
	test_grep "used model near@2" lin &&
	cairn lineage near@2 --down >down &&
	test_grep "used by run ${run%??????????????}" down
'

test_expect_success 'the alias moving later does not change what reproduce trains' '
	run=$(cat run_id) &&
	cairn train --data iris --target species --algo logistic --param C=0.01 --register lin >/dev/null &&
	cairn models alias set lin champion 2 >/dev/null &&
	cairn reproduce $run >out 2>err &&
	test_grep "^Reproduced: the run finished and every artifact and metric is identical.$" out
'

test_expect_success '--init-model takes a registered xgboost version' '
	cairn train --data iris --target species --algo xgboost --param n_estimators=5 \
		--register boost >/dev/null &&
	cairn models alias set boost base 1 >/dev/null &&
	cairn train --data iris --target species --algo xgboost --param n_estimators=5 \
		--init-model boost@base --json >cont.json &&
	run=$(jq_py "d[\"run_id\"]" <cont.json) &&
	test "$(cairn runs show $run --json | jq_py "d[\"params\"][\"init_model\"]")" = boost@1 &&
	cairn lineage $run >lin &&
	test_grep "used model boost@1" lin
'

test_expect_success 'an unknown registered version is refused before any run starts' '
	cairn runs list --json | jq_py "len(d)" >before &&
	test_expect_code 4 cairn train --data iris --target species --algo ensemble \
		--members lin@1,near@9 2>err &&
	test_grep "model .near. has no version 9" err &&
	cairn runs list --json | jq_py "len(d)" >after &&
	test_cmp before after
'

test_done
