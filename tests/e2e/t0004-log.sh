#!/bin/bash
# Logging: -v/-q, CAIRN_LOG, and JSON lines on stderr with --log-json or
# CAIRN_LOG_FORMAT=json; stdout carries only the command's output.
. "$(dirname "$0")/lib.sh"

test_have python3 || test_skip_all "python3 is needed to parse JSON lines"

# Fails unless every line of $1 is a JSON object with ts, level, msg and pid.
check_json_lines() {
	python3 - "$1" <<'PY'
import json, sys
lines = open(sys.argv[1]).read().splitlines()
if not lines:
    sys.exit("no log lines")
for n, line in enumerate(lines, 1):
    o = json.loads(line)
    assert isinstance(o, dict), "line %d is not an object" % n
    assert set(o) == {"ts", "level", "msg", "pid"}, "line %d keys: %s" % (n, sorted(o))
    assert o["level"] in ("error", "warn", "info", "debug", "trace"), o["level"]
    assert isinstance(o["pid"], int) and o["pid"] > 0
    assert len(o["ts"]) == 24 and o["ts"].endswith("Z"), o["ts"]
PY
}

# Prints the msg of every line of $1 at level $2.
json_msgs() {
	python3 -c '
import json, sys
for line in open(sys.argv[1]):
    o = json.loads(line)
    if o["level"] == sys.argv[2]:
        print(o["msg"])' "$1" "$2"
}

test_expect_success 'by default a successful command logs nothing' '
	cairn init plain >out 2>err &&
	test ! -s err &&
	test_grep "^Initialized cairn workspace" out
'

test_expect_success '-v -v --log-json logs the migrations as JSON lines' '
	cairn -v -v --log-json init a >out 2>err &&
	check_json_lines err &&
	json_msgs err debug >msgs &&
	test_grep "^applying schema migration 1 " msgs &&
	test_grep "^Initialized cairn workspace" out &&
	test $(wc -l <out) -eq 1
'

test_expect_success '-vv is -v -v' '
	cairn -vv --log-json init b 2>err &&
	check_json_lines err &&
	json_msgs err debug >msgs &&
	test_grep "^applying schema migration 1 " msgs
'

test_expect_success 'CAIRN_LOG=debug and CAIRN_LOG_FORMAT=json do the same' '
	CAIRN_LOG=debug CAIRN_LOG_FORMAT=json cairn init c >out 2>err &&
	check_json_lines err &&
	json_msgs err debug >msgs &&
	test_grep "^applying schema migration 1 " msgs &&
	test_grep "^Initialized" out
'

test_expect_success 'CAIRN_LOG=debug alone logs text lines' '
	CAIRN_LOG=debug cairn init d 2>err &&
	test_grep "^cairn: debug: applying schema migration 1 " err &&
	! grep -v "^cairn: [a-z]*: " err
'

test_expect_success 'one -v is the info level: no debug lines' '
	cairn -v init e 2>err &&
	! grep "debug" err
'

test_expect_success '-q silences the log even with CAIRN_LOG=debug' '
	CAIRN_LOG=debug cairn -q init f >out 2>err &&
	test ! -s err &&
	test_grep "^Initialized" out
'

test_expect_success 'an open workspace is not migrated again' '
	cd a &&
	CAIRN_LOG=debug cairn --log-json object list >out 2>err &&
	! grep "applying schema migration" err
'

test_done
