#!/bin/bash
# Tracked runs through the C API and `cairn log`: params (write-once),
# metrics with history, tags, notes, artifacts (files and directories),
# inputs, and `cairn runs list|show|artifacts|get-artifact|tag|note|experiments`.
. "$(dirname "$0")/lib.sh"

example=$SRC_ROOT/build/examples/track-example
[ -x "$example" ] || test_skip_all "build/examples/track-example is not built (make test builds it)"

test_expect_success 'setup: a workspace, a dataset, a run made through the C API' '
	cairn init >/dev/null &&
	cp "$DATASETS/iris.csv" . &&
	cairn data add iris.csv >/dev/null &&
	"$example" 5 >run-id &&
	test $(wc -c <run-id) = 27
'

test_expect_success 'the C example recorded params, metrics, a tag, an artifact and ended FINISHED' '
	run=$(cat run-id) &&
	cairn runs show $run --json >show.json &&
	test "$(jq_py "d[\"status\"], d[\"experiment\"], d[\"name\"]" <show.json)" = "FINISHED examples track-example" &&
	test "$(jq_py "*sorted(d[\"params\"].items())" <show.json)" = "('"'"'epochs'"'"', '"'"'5'"'"') ('"'"'learning_rate'"'"', '"'"'0.5'"'"')" &&
	test "$(jq_py "d[\"metrics\"][\"loss\"]" <show.json)" = 0.03125 &&
	test "$(jq_py "d[\"tags\"][\"language\"]" <show.json)" = c &&
	test "$(jq_py "[a[\"path\"] for a in d[\"artifacts\"]]" <show.json)" = "['"'"'summary.txt'"'"']" &&
	test "$(jq_py "d[\"end_ms\"] >= d[\"start_ms\"]" <show.json)" = True
'

test_expect_success 'a run is found by a unique prefix of its id' '
	run=$(cat run-id) &&
	cairn runs show ${run%????????????????} >out &&
	test_grep "^run $run" out
'

test_expect_success 'runs list shows the run; --json, --experiment, --status and --max filter' '
	run=$(cat run-id) &&
	cairn runs list >out &&
	test_grep "$run  FINISHED" out &&
	cairn runs list --json | jq_py "len(d)" >n && test $(cat n) = 1 &&
	cairn runs list --experiment nope --json | jq_py "len(d)" >n && test $(cat n) = 0 &&
	cairn runs list --status failed --json | jq_py "len(d)" >n && test $(cat n) = 0 &&
	cairn runs list --status finished --max 1 --json | jq_py "d[0][\"id\"]" >id && test "$(cat id)" = $run &&
	test_expect_code 2 cairn runs list --status DONE 2>err &&
	test_grep "unknown status" err
'

test_expect_success 'params are write-once: the same value is fine, a different one is refused' '
	run=$(cat run-id) &&
	cairn log param epochs 5 --run $run &&
	test_expect_code 1 cairn log param epochs 6 --run $run 2>err &&
	test_grep "param .epochs. of run $run is already .5." err &&
	cairn runs show $run --json | jq_py "d[\"params\"][\"epochs\"]" >v &&
	test "$(cat v)" = 5
'

test_expect_success 'metrics keep their whole history; the latest is the highest step' '
	run=$(cat run-id) &&
	CAIRN_RUN_ID=$run cairn log metric val_loss 0.9 --step 1 &&
	CAIRN_RUN_ID=$run cairn log metric val_loss 0.7 --step 3 &&
	CAIRN_RUN_ID=$run cairn log metric val_loss 0.8 --step 2 &&
	cairn log metric val_loss -1e-3 --step -4 --run $run &&
	cairn runs show $run --json | jq_py "d[\"metrics\"][\"val_loss\"]" >v &&
	test "$(cat v)" = 0.7 &&
	sqlite3 .cairn/cairn.db "SELECT step, value FROM run_metrics WHERE key = '"'"'val_loss'"'"' ORDER BY step" >hist &&
	printf "%s\n" "-4|-0.001" "1|0.9" "2|0.8" "3|0.7" >expect &&
	test_cmp expect hist
'

test_expect_success 'nan and inf are metric values; words are not' '
	run=$(cat run-id) &&
	cairn log metric odd nan --run $run &&
	cairn runs show $run --json | jq_py "d[\"metrics\"][\"odd\"]" >v &&
	test "$(cat v)" = None &&
	cairn log metric odd inf --step 1 --run $run &&
	cairn runs show $run --json | jq_py "d[\"metrics\"][\"odd\"]" >v &&
	test "$(cat v)" = Infinity &&
	test_expect_code 2 cairn log metric odd fast --run $run 2>err &&
	test_grep "not a number" err &&
	test_expect_code 2 cairn log metric odd 1 --step 1.5 --run $run 2>err &&
	test_grep "not an integer" err
'

test_expect_success 'logging needs a run: CAIRN_RUN_ID or --run' '
	test_expect_code 2 cairn log metric loss 1 2>err &&
	test_grep "CAIRN_RUN_ID is not set" err &&
	test_expect_code 4 cairn log metric loss 1 --run 0000000000 2>err &&
	test_grep "no run" err &&
	test_expect_code 4 cairn log metric loss 1 --run "not-an-id" 2>err
'

test_expect_success 'bad keys and usage are refused' '
	run=$(cat run-id) &&
	test_expect_code 2 cairn log metric "" 1 --run $run 2>err &&
	test_grep "name is empty" err &&
	test_expect_code 2 cairn log param "$(printf "a\tb")" 1 --run $run 2>err &&
	test_grep "control character" err &&
	test_expect_code 2 cairn log metric loss --run $run 2>err &&
	test_grep "KEY VALUE" err &&
	test_expect_code 2 cairn log weights w --run $run 2>err &&
	test_expect_code 2 cairn log param a b --step 3 --run $run 2>err &&
	test_grep "metrics only" err
'

test_expect_success 'tags are mutable and removable; the note is replaced' '
	run=$(cat run-id) &&
	cairn log tag stage dev --run $run &&
	cairn runs tag $run stage=prod owner=ml &&
	cairn runs tag $run --remove language &&
	cairn runs show $run --json | jq_py "sorted(d[\"tags\"].items())" >v &&
	test "$(cat v)" = "[('"'"'owner'"'"', '"'"'ml'"'"'), ('"'"'stage'"'"', '"'"'prod'"'"')]" &&
	cairn runs note $run "first try; lr too high" &&
	cairn runs show $run >out &&
	test_grep "note         first try; lr too high" out &&
	test_expect_code 2 cairn runs tag $run novalue 2>err
'

test_expect_success 'artifacts: a file, a directory, replacing, and reading back' '
	run=$(cat run-id) &&
	mkdir -p model/sub && echo weights >model/w.bin && echo meta >model/sub/meta.json &&
	echo "a,b" >metrics.csv &&
	cairn log artifact metrics.csv --run $run &&
	cairn log artifact model --path out/model --run $run &&
	cairn runs artifacts $run >list &&
	test_grep " out/model/sub/meta.json$" list &&
	test_grep " out/model/w.bin$" list &&
	test_grep " metrics.csv$" list &&
	cairn runs get-artifact $run out/model got &&
	test_cmp model/w.bin got/w.bin &&
	test_cmp model/sub/meta.json got/sub/meta.json &&
	test_expect_code 1 cairn runs get-artifact $run metrics.csv 2>err &&
	test_grep "metrics.csv. already exists: use --force" err &&
	cairn runs get-artifact --force $run metrics.csv &&
	test_cmp metrics.csv metrics.csv &&
	cairn runs get-artifact $run out/model/w.bin single &&
	test_cmp model/w.bin single &&
	rm model/sub/meta.json && echo weights2 >model/w.bin &&
	cairn log artifact model --path out/model --run $run &&
	cairn runs artifacts $run --json | jq_py "sorted(a[\"path\"] for a in d)" >paths &&
	test "$(cat paths)" = "['"'"'metrics.csv'"'"', '"'"'out/model/w.bin'"'"', '"'"'summary.txt'"'"']"
'

test_expect_success 'artifact errors: missing file, escaping paths, unknown artifact' '
	run=$(cat run-id) &&
	test_expect_code 4 cairn log artifact nothing-here --run $run 2>err &&
	test_grep "nothing-here" err &&
	test_expect_code 2 cairn log artifact metrics.csv --path ../x --run $run 2>err &&
	test_grep "holds .\.. or .\.\.." err &&
	test_expect_code 2 cairn log artifact metrics.csv --path /abs --run $run 2>err &&
	test_grep "relative" err &&
	test_expect_code 4 cairn runs get-artifact $run no/such 2>err &&
	test_grep "has no artifact .no/such." err
'

test_expect_success 'inputs: a dataset version with a context, and a lineage edge' '
	run=$(cat run-id) &&
	cairn log input iris --context train --run $run &&
	cairn log input iris@1 --context train --run $run &&
	cairn runs show $run --json | jq_py "[(i[\"dataset\"], i[\"context\"]) for i in d[\"inputs\"]]" >v &&
	test "$(cat v)" = "[('"'"'iris@1'"'"', '"'"'train'"'"')]" &&
	sqlite3 .cairn/cairn.db "SELECT relation, dst_type FROM lineage WHERE src_id = '"'"'$run'"'"' ORDER BY relation" >edges &&
	test_grep "^used|dataset_version$" edges &&
	test_grep "^generated|artifact$" edges &&
	test_expect_code 2 cairn log input iris --context training --run $run 2>err &&
	test_grep "not one of train, test, validation, other" err &&
	test_expect_code 4 cairn log input nosuch --run $run
'

test_expect_success 'experiments are listed with their run counts' '
	"$example" 2 >/dev/null &&
	cairn runs experiments >out &&
	test_grep "^examples  *2 " out &&
	cairn runs experiments --json | jq_py "d[0][\"runs\"]" >n &&
	test $(cat n) = 2
'

test_expect_success 'an unknown or ambiguous run is exit 4' '
	test_expect_code 4 cairn runs show zzzz 2>err &&
	test_grep "no run" err &&
	test_expect_code 4 cairn runs show 0 2>err
'

test_expect_success 'fsck is clean after all of this' '
	cairn fsck >out &&
	test_grep " 0 corrupt, 0 missing" out
'

test_done
