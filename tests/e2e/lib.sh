# The end-to-end test library, in the style of git's t/test-lib.sh.
#
# A script sources this file, then calls test_expect_success 'what' 'body'
# for each test and test_done at the end. Each script runs in a fresh
# directory tests/e2e/trash.<script>/ (removed when every test passed), with
# the freshly built cairn first on PATH, then /usr/bin, and no CAIRN_DIR. Each body runs in a
# subshell with `set -e`, so its first failing command fails the test.
#
# Helpers: test_must_fail CMD (fails, but did not crash), test_expect_code N CMD,
# test_cmp EXPECTED ACTUAL, test_grep PATTERN FILE, test_have TOOL, jq_py EXPR (a JSON value of stdin),
# capped CMD (at most 1 GB of address space),
# test_skip_all REASON, test_free_port, test_have_py MODULE... (Python has
# them), py_version MODULE.
# Set TEST_VERBOSE=1 to see every body's output, TEST_TIMES=1 to see the
# seconds each test took (to find where a slow script spends its time).

set -u
TEST_NAME=$(basename "$0" .sh)
TEST_DIRECTORY=$(cd "$(dirname "$0")" && pwd)
SRC_ROOT=$(cd "$TEST_DIRECTORY/../.." && pwd)
DATASETS=${CAIRN_DATASETS:-$SRC_ROOT/examples/data}
SHARED_DATASETS=$(cd "$SRC_ROOT/../shared/datasets" 2>/dev/null && pwd || echo "")
TRASH="$TEST_DIRECTORY/trash.$TEST_NAME"

# The tools are those of the Debian packages that scripts/install-deps.sh
# installs: /usr/bin comes before the rest of PATH. A version manager's
# python3 found first (a pyenv shim is a chain of bash scripts) costs up to
# a second per call on a loaded machine, the scripts call python3 hundreds
# of times, and lacks the modules the tests use from Debian (python3-xgboost).
PATH="$SRC_ROOT:/usr/bin:$PATH"
export PATH
unset CAIRN_DIR CAIRN_LOG CAIRN_LOG_FORMAT
export HOME="$TRASH" LC_ALL=C TZ=UTC
# The trash directories lie inside cairn's own repository: git commands run
# in a test must not find that repository above them.
export GIT_CEILING_DIRECTORIES="$TEST_DIRECTORY"
export GIT_AUTHOR_NAME=cairn-test GIT_AUTHOR_EMAIL=test@example.invalid
export GIT_COMMITTER_NAME=cairn-test GIT_COMMITTER_EMAIL=test@example.invalid

rm -rf "$TRASH"
mkdir -p "$TRASH" || exit 1
cd "$TRASH" || exit 1

test_count=0
test_passed=0
test_failed=0
test_skipped=0

test_expect_success() {
	test_count=$((test_count + 1))
	local desc="$1" body="$2" log="$TRASH/.test-$test_count.log" rc start
	[ "${TEST_TIMES:-}" = 1 ] && start=$(date +%s%N)
	( set -e; eval "$body" ) </dev/null >"$log" 2>&1
	rc=$?
	[ "${TEST_TIMES:-}" = 1 ] &&
		echo "# $((($(date +%s%N) - start) / 1000000)) ms: $desc"
	if [ $rc -eq 0 ]; then
		test_passed=$((test_passed + 1))
		echo "ok $test_count - $desc"
		[ "${TEST_VERBOSE:-}" = 1 ] && sed 's/^/    /' "$log"
	else
		test_failed=$((test_failed + 1))
		echo "not ok $test_count - $desc (exit $rc)"
		echo "$body" | sed 's/^/    > /'
		sed 's/^/    | /' "$log" | tail -n 40
	fi
	cd "$TRASH"
	return 0
}

test_skip() {
	test_count=$((test_count + 1))
	test_skipped=$((test_skipped + 1))
	echo "ok $test_count # SKIP $1 ($2)"
}

test_skip_all() {
	echo "1..0 # SKIP $TEST_NAME: $1"
	echo "# $TEST_NAME: 0 passed, 0 failed, 1 skipped"
	cd "$TEST_DIRECTORY" && rm -rf "$TRASH"
	exit 0
}

test_done() {
	echo "# $TEST_NAME: $test_passed passed, $test_failed failed, $test_skipped skipped"
	if [ $test_failed -eq 0 ]; then
		cd "$TEST_DIRECTORY" && rm -rf "$TRASH"
		exit 0
	fi
	echo "# kept $TRASH"
	exit 1
}

# Runs the command; fails when it succeeded or was killed by a signal (a crash),
# since a clean error is what is expected.
test_must_fail() {
	local rc=0
	"$@" || rc=$?
	if [ $rc -eq 0 ]; then
		echo "test_must_fail: '$*' succeeded" >&2
		return 1
	elif [ $rc -gt 128 ]; then
		echo "test_must_fail: '$*' died of signal $((rc - 128))" >&2
		return 1
	fi
	return 0
}

test_expect_code() {
	local want=$1 rc=0
	shift
	"$@" || rc=$?
	if [ $rc -ne "$want" ]; then
		echo "test_expect_code: '$*' exited $rc, expected $want" >&2
		return 1
	fi
	return 0
}

test_cmp() {
	diff -u "$1" "$2"
}

test_grep() {
	if ! grep -E -e "$1" "$2" >/dev/null; then
		echo "test_grep: no line of '$2' matches '$1'; it holds:" >&2
		sed 's/^/    /' "$2" >&2
		return 1
	fi
}

# Prints a JSON value from stdin: $1 is a Python expression over `d`.
jq_py() {
	python3 -c "import json, sys; d = json.load(sys.stdin); print($1)"
}

# Runs a command with at most 1 GB of address space, to show that an input
# is refused before it grows; sanitizer builds reserve terabytes of address
# space up front, so they run without the cap.
capped() {
	if ldd "$(command -v cairn)" 2>/dev/null | grep -q libasan; then
		"$@"
	else
		(ulimit -v 1000000 && "$@")
	fi
}

test_have() {
	command -v "$1" >/dev/null 2>&1
}

# Whether /usr/bin/python3 has the modules, and the version of one, found
# without importing them: importing xgboost takes seconds.
test_have_py() {
	/usr/bin/python3 -c 'import importlib.util as u, sys
sys.exit(any(u.find_spec(m) is None for m in sys.argv[1:]))' "$@" 2>/dev/null
}

py_version() {
	/usr/bin/python3 -c 'import importlib.metadata as m, sys
print(m.version(sys.argv[1]))' "$1" 2>/dev/null
}

# Prints a TCP port on 127.0.0.1 that nothing listens on now.
test_free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
