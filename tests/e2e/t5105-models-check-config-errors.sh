#!/bin/bash
# cairn models check: a malformed cairn.yaml is refused with the file, line,
# column and key (exit 5); a gate naming a metric the model's task does not
# have is an error naming the gate (exit 2); a missing project file, model or
# holdout exits 4. Nothing is checked in any of these cases.
. "$(dirname "$0")/lib.sh"

test_expect_success 'setup: a classifier and a regressor' '
	cairn init >/dev/null &&
	cairn data add "$DATASETS/iris.csv" >/dev/null &&
	cairn train --data iris --target species --algo naive_bayes --json >c.json &&
	jq_py "d[\"run_id\"]" <c.json >clf &&
	cairn train --data iris --target petal_width --algo knn --json >r.json &&
	jq_py "d[\"run_id\"]" <r.json >reg
'

# $1: the file's text; $2: what the error must say.
refused() {
	printf "%s\n" "$1" >cairn.yaml &&
	test_expect_code 5 cairn models check $(cat clf) >out 2>err &&
	test_cmp /dev/null out &&
	test_grep "$2" err
}

# $1: the exit status; $2: the file holding the run; $3: the file's text (a
# printf format); $4: what the error must say.
fails_with() {
	printf "$3" >cairn.yaml &&
	test_expect_code "$1" cairn models check $(cat "$2") >out 2>err &&
	test_cmp /dev/null out &&
	test_grep "$4" err
}

test_expect_success 'a bad operator names the line, the column and the key' '
	refused "models:
  iris:
    holdout: iris
    gates:
      metrics: { accuracy: \"=> 0.9\" }" \
		"^cairn: error: .*/cairn.yaml. line 5 column 28: models.iris.gates.metrics.accuracy: the threshold must be an operator"
'

test_expect_success 'an unknown key lists the known ones' '
	refused "models:
  iris:
    holdout: iris
    gates:
      smoke: true
      latency: 5" \
		"line 6 column 7: models.iris.gates: unknown key .latency. \(gates takes metrics, by, max_drop, expectations, training_data_checked, smoke, latency_p99_ms, schema, fairness\)"
'

test_expect_success 'a wrong type names the key' '
	refused "models:
  iris:
    gates:
      latency_p99_ms: fast" \
		"line 4 column 23: models.iris.gates.latency_p99_ms: must be a number" &&
	refused "models:
  iris:
    holdout: iris
    gates:
      max_drop: { accuracy: \"0.1\" }" \
		"line 5 column 29: models.iris.gates.max_drop.accuracy: must be a number, not the string .0.1. \(drop the quotes\)"
'

test_expect_success 'a misspelt metric, a missing holdout, an unknown section' '
	refused "models:
  iris:
    holdout: iris
    gates:
      metrics: { acuracy: \">= 0.9\" }" \
		"line 5 column 18: models.iris.gates.metrics.acuracy: unknown metric .acuracy. \(known: accuracy," &&
	refused "models:
  iris:
    gates:
      metrics: { accuracy: \">= 0.9\" }" \
		"line 3 column 5: models.iris: missing .holdout." &&
	refused "modles:
  iris: {}" "line 1 column 1: unknown key .modles. \(a project file takes models, alerts\)"
'

test_expect_success 'malformed YAML names the line' '
	refused "models:
  iris: [holdout" "^cairn: error: .*/cairn.yaml. line 3 column 1: "
'

test_expect_success 'a metric the task does not have is an error naming the gate' '
	fails_with 2 clf "models:\n  iris:\n    holdout: iris\n    gates:\n      metrics: { rmse: \"<= 0.5\" }\n" \
		"line 5 column 18: models.iris.gates.metrics.rmse: the candidate is a classification model, which has no metric .rmse. \(it has accuracy, " &&
	fails_with 2 reg "models:\n  iris:\n    holdout: iris\n    target: petal_width\n    gates:\n      max_drop: { accuracy: 0.1 }\n" \
		"line 6 column 19: models.iris.gates.max_drop.accuracy: the candidate is a regression model, which has no metric .accuracy. \(it has rmse, mae, r2, explained_variance, max_error, mape\)" &&
	fails_with 2 clf "models:\n  iris:\n    holdout: iris\n    gates:\n      metrics: { f1: \">= 0.5\" }\n" \
		"no metric .f1. \(it has accuracy, balanced_accuracy, roc_auc, roc_auc_weighted, average_precision, log_loss, macro.precision"
'

test_expect_success 'the regressor passes its own metrics' '
	printf "models:\n  iris:\n    holdout: iris\n    gates:\n      metrics: { r2: \">= 0.8\", rmse: \"<= 0.5\" }\n" >cairn.yaml &&
	cairn models check $(cat reg) >out &&
	test_grep "^metric rmse  *0\.[0-9]*  *<= 0.5  *pass" out
'

test_expect_success 'no project file, no such model, no such holdout exit 4' '
	rm cairn.yaml &&
	test_expect_code 4 cairn models check $(cat clf) 2>err &&
	test_grep "cannot read the project file: cannot open .*cairn.yaml" err &&
	printf "models:\n  iris:\n    holdout: iris@7\n    gates:\n      smoke: true\n" >cairn.yaml &&
	test_expect_code 4 cairn models check $(cat clf) --model churn 2>err &&
	test_grep "declares no model .churn." err &&
	test_expect_code 4 cairn models check $(cat clf) 2>err &&
	test_grep "line 3 column 14: models.iris.holdout: " err
'

test_expect_success 'a missing suite or target column names its key' '
	fails_with 4 clf "models:\n  iris:\n    holdout: iris\n    gates:\n      expectations: none.yaml\n" \
		"line 5 column 21: models.iris.gates.expectations: cannot open .*/none.yaml." &&
	fails_with 4 clf "models:\n  iris:\n    holdout: iris\n    target: kind\n    gates:\n      smoke: true\n" \
		"line 4 column 13: models.iris.target: iris@1 has no column .kind."
'

test_expect_success 'several models need --model' '
	printf "models:\n  a:\n    gates: { smoke: true }\n  b:\n    gates: { smoke: true }\n" >cairn.yaml &&
	test_expect_code 2 cairn models check $(cat clf) 2>err &&
	test_grep "declares 2 models: name the one to check" err &&
	cairn models check $(cat clf) --model b >out &&
	test_grep "^Gates of b " out
'

test_done
