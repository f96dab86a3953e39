#!/bin/bash
# Malformed alert rules in cairn.yaml are refused before any pass, with the
# file, line, column and key of the fault (exit status 5); a missing project
# file is 4, a bad --interval 2; a file without alerts: watches nothing.
. "$(dirname "$0")/lib.sh"

test_expect_success 'setup' '
	cairn init >/dev/null
'

# refused NAME LINE-AND-KEY: cairn.yaml from stdin must fail with status 5
# and a message holding 'cairn.yaml' and LINE-AND-KEY.
refused() {
	cat >rules-$1.yaml &&
	test_expect_code 5 cairn monitor watch --once --config rules-$1.yaml >out 2>err &&
	test_grep "^cairn: error: .rules-$1.yaml. $2" err &&
	! test -s out
}

test_expect_success 'an unknown signal: the signals that exist are named' '
	refused signal "line 4 column 13: alerts\[0\].signal: unknown signal .drift_share. [(]one of error_rate, p99_latency[)]" <<-\EOF
	alerts:
	  - name: drift
	    model: iris
	    signal: drift_share
	    condition: "> 0.3"
	EOF
'

test_expect_success 'a condition without an operator' '
	refused cond "line 5 column 16: alerts\[0\].condition: .0.05. is no condition" <<-\EOF
	alerts:
	  - name: errors
	    signal: error_rate
	    server: http://127.0.0.1:5000
	    condition: 0.05
	EOF
'

test_expect_success 'a duration without a unit, in the second rule' '
	refused for "line 9 column 10: alerts\[1\].for: .5. is no duration" <<-\EOF
	alerts:
	  - name: a
	    signal: error_rate
	    server: http://127.0.0.1:5000
	    condition: "> 0.05"
	  - name: b
	    signal: p99_latency
	    server: http://127.0.0.1:5000
	    for: 5
	    condition: "> 0.5"
	EOF
'

test_expect_success 'a server signal without server:' '
	refused server "line 2 column 5: alerts\[0\]: missing .server." <<-\EOF
	alerts:
	  - name: a
	    signal: error_rate
	    condition: "> 0.05"
	EOF
'

test_expect_success 'an unknown key, a misspelt action, a duplicate name' '
	refused key "line 3 column 6: alerts\[0\]: unknown key .cooldwn." <<-\EOF &&
	alerts:
	  - {name: a, signal: error_rate, server: "http://x", condition: "> 1",
	     cooldwn: 5m}
	EOF
	refused action "line 7 column 9: alerts\[0\].actions\[\]: unknown action .email." <<-\EOF &&
	alerts:
	  - name: a
	    signal: error_rate
	    server: http://127.0.0.1:5000
	    condition: "> 1"
	    actions:
	      - email: ops@example.com
	EOF
	refused dup "line 3 column 12: alerts\[1\].name: a rule named .a. is already given" <<-\EOF
	alerts:
	  - {name: a, signal: error_rate, server: "http://x", condition: "> 1"}
	  - {name: a, signal: error_rate, server: "http://x", condition: "> 2"}
	EOF
'

test_expect_success 'a webhook without a url, a command as a string' '
	refused hook "line 7 column 18: alerts\[0\].actions\[\].webhook: missing .url." <<-\EOF &&
	alerts:
	  - name: a
	    signal: error_rate
	    server: http://127.0.0.1:5000
	    condition: "> 1"
	    actions:
	      - webhook: {timeout: 5s}
	EOF
	refused cmd "line 7 column 18: alerts\[0\].actions\[\].command: must be a non-empty list" <<-\EOF
	alerts:
	  - name: a
	    signal: error_rate
	    server: http://127.0.0.1:5000
	    condition: "> 1"
	    actions:
	      - command: ./notify.sh {rule}
	EOF
'

test_expect_success 'no project file is status 4, a bad --interval 2' '
	test_expect_code 4 cairn monitor watch --once 2>err &&
	test_grep "cairn.yaml" err &&
	test_expect_code 2 cairn monitor watch --once --interval 5 --config rules-cond.yaml 2>err &&
	test_grep "interval: .5. is no duration" err &&
	test_expect_code 2 cairn monitor watch --once --interval 0s --config rules-cond.yaml 2>err
'

test_expect_success 'a project file without alerts: watches nothing' '
	printf "models: {}\n" >cairn.yaml &&
	cairn monitor watch --once --json >out &&
	test "$(jq_py "d[\"rules\"]" <out)" = "[]"
'

test_done
