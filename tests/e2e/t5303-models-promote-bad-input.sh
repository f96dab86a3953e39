#!/bin/bash
# cairn models promote: bad input is refused with a clear error and its exit
# status, and leaves models list and the audit log unchanged: an unknown
# model or version, an archived version, a model cairn.yaml does not
# declare (with advice on declaring it), no cairn.yaml, a gate naming a
# metric the task does not have, a bad alias name or version.
. "$(dirname "$0")/lib.sh"

test_expect_success 'setup: two versions, version 2 archived' '
	cairn init >/dev/null &&
	cairn data add "$DATASETS/iris.csv" >/dev/null &&
	cairn train --data iris --target species --algo knn --register m >/dev/null &&
	cairn models register m --run $(cairn models show m@1 --json | jq_py "d[\"source\"][\"run_id\"]") >/dev/null &&
	cairn models archive m 2 >/dev/null &&
	cairn models list --json >list.before &&
	cairn models audit --json >audit.before &&
	find .cairn/objects -type f | sort >objects.before
'

unchanged() {
	cairn models list --json >list.after &&
	cairn models audit --json >audit.after &&
	find .cairn/objects -type f | sort >objects.after &&
	test_cmp list.before list.after &&
	test_cmp audit.before audit.after &&
	test_cmp objects.before objects.after
}

test_expect_success 'no cairn.yaml: exit 4 naming it, with advice' '
	test_expect_code 4 cairn models promote m 1 --to staging 2>err &&
	test_grep "cairn.yaml" err &&
	test_grep "^cairn: hint: declare the gates of .m. in cairn.yaml" err &&
	unchanged
'

test_expect_success 'a model the file does not declare: exit 4, with advice' '
	cat >cairn.yaml <<-\EOY &&
	models:
	  other:
	    gates:
	      smoke: true
	EOY
	test_expect_code 4 cairn models promote m 1 --to staging 2>err &&
	test_grep "declares no model .m." err &&
	test_grep "^      gates:" err &&
	unchanged
'

test_expect_success 'an unknown model or version: exit 4, nothing changed' '
	cat >cairn.yaml <<-\EOY &&
	models:
	  m:
	    holdout: iris@1
	    gates:
	      smoke: true
	  nosuch:
	    gates:
	      smoke: true
	EOY
	test_expect_code 4 cairn models promote nosuch 1 --to staging 2>err &&
	test_grep "nosuch" err &&
	test_expect_code 4 cairn models promote m 9 --to staging 2>err &&
	test_grep "9" err &&
	unchanged
'

test_expect_success 'an archived version: exit 2, nothing changed' '
	test_expect_code 2 cairn models promote m 2 --to staging 2>err &&
	test_grep "archived" err &&
	unchanged
'

test_expect_success 'a bad alias, version or missing --to: exit 2, nothing changed' '
	test_expect_code 2 cairn models promote m 1 --to "bad alias" 2>err &&
	test_expect_code 2 cairn models promote m 1 --to latest 2>err &&
	test_expect_code 2 cairn models promote m 0 --to staging 2>err &&
	test_expect_code 2 cairn models promote m x --to staging 2>err &&
	test_expect_code 2 cairn models promote m 1 2>err &&
	test_grep "\-\-to ALIAS" err &&
	unchanged
'

test_expect_success 'a gate naming a metric the task lacks: exit 2 naming the line, nothing changed' '
	cat >cairn.yaml <<-\EOY &&
	models:
	  m:
	    holdout: iris@1
	    gates:
	      metrics: { rmse: "<= 1" }
	EOY
	test_expect_code 2 cairn models promote m 1 --to staging 2>err &&
	test_grep "line 5 column 18: models.m.gates.metrics.rmse: the candidate is a classification model, which has no metric .rmse." err &&
	unchanged
'

test_expect_success 'a malformed cairn.yaml: exit 5 naming the key, nothing changed' '
	cat >cairn.yaml <<-\EOY &&
	models:
	  m:
	    gates:
	      smoke: maybe
	EOY
	test_expect_code 5 cairn models promote m 1 --to staging 2>err &&
	test_grep "models.m.gates.smoke: must be true or false" err &&
	unchanged
'

test_done
