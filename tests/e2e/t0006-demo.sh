#!/bin/bash
# The demo (make demo): runs start to finish, twice, on the real datasets.
. "$(dirname "$0")/lib.sh"

test -f "$SRC_ROOT/examples/data/iris.csv" || test_skip_all "examples/data is missing"

test_expect_success 'the demo runs and shows each step' '
	CAIRN_DEMO_DIR="$TRASH/demo" sh "$SRC_ROOT/scripts/demo.sh" >out 2>err &&
	test_grep "^Initialized cairn workspace in $TRASH/demo/project/.cairn" out &&
	test_grep "^9cc1c345c71bcc9b486b74cbf6063fa66f4bb5e0f603a4b3c3471ec2e5e8e355$" out &&
	test_grep "^9574730b03aba241d899c4a97511c5061b19358fab89510774fb6c24168345c4$" out &&
	test_grep "^sepal_length,sepal_width" out &&
	test_grep "identical to data/diamonds.csv" out &&
	test_grep "^checked 2 objects .*: 0 corrupt, 0 missing" out &&
	test_grep "^corrupt 9cc1c345" out &&
	test_grep "fsck exited 6" out &&
	test_grep "^Added diamonds@1 .*53940 rows x 10 columns" out &&
	test_grep "^All 17 expectations passed$" out &&
	test_grep "^Created iris-train@1 \(120 rows, derived from iris@1\)$" out &&
	test_grep "^  derived from iris@1$" out &&
	test -s "$TRASH/demo/diamonds-profile.html" &&
	test_grep "^cairn: run [0-9a-z]* FINISHED" err &&
	test_grep "^accuracy 0.9" out &&
	test_grep "^\* distance  *euclidean  *manhattan$" out &&
	test_grep "^    └── used iris-train@1$" out &&
	test_grep "^  identical  model/model.txt$" out &&
	test_grep "^Reproduced: the run finished and every artifact and metric is identical.$" out &&
	test_grep "^Trained run [0-9a-z]*$" out &&
	test_grep "^  test    accuracy 0\.[89]" out &&
	test_grep "^  prediction,proba_setosa,proba_versicolor,proba_virginica$" out &&
	test $(wc -l <"$TRASH/demo/iris-predictions.csv") -eq 31 &&
	test_grep "^  accuracy  *0\.[89]" out &&
	test -s "$TRASH/demo/iris-plots/roc.svg" &&
	test_grep "^  identical  model/model.json$" out &&
	test $(grep -c "^Reproduced: the run finished and every artifact and metric is identical.$" out) -eq 2 &&
	test_grep "^Promoted iris@1 to champion \(it was unset\)" out &&
	test_grep "^schema  *2 .*FAIL  *removed: petal_length, petal_width$" out &&
	test_grep "^promote exited 1; champion still holds version 1$" out &&
	test_grep "^audit chain verified: 4 events" out
'

test_expect_success 'the demo runs again from scratch' '
	CAIRN_DEMO_DIR="$TRASH/demo" sh "$SRC_ROOT/scripts/demo.sh" >out2 2>err &&
	test_grep "^Initialized cairn workspace" out2 &&
	test $(cairn -C demo/project data list --json | grep -c "\"ref\"") -eq 5 &&
	cairn -C demo/project fsck
'

test_done
