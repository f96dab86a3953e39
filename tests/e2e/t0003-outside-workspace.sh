#!/bin/bash
# Every command that needs a workspace, run where there is none, exits 3 and
# says how to create one. The commands come from `cairn help`, so new ones are
# covered at once; the table below gives each a plausible argument list.
. "$(dirname "$0")/lib.sh"

# Commands that need no workspace.
no_workspace_needed=" init help version "

# Argument lists to try for a command, one per line (none: no arguments).
args_for() {
	case "$1" in
	serve)
		echo "iris@1"
		;;
	object)
		echo "list"
		echo "list --json"
		echo "get 9cc1c345c71bcc9b486b74cbf6063fa66f4bb5e0f603a4b3c3471ec2e5e8e355"
		echo "put $DATASETS/iris.csv"
		echo "put -"
		;;
	fsck)
		echo ""
		echo "--json"
		;;
	data)
		echo "list"
		echo "add $DATASETS/iris.csv"
		echo "show iris"
		;;
	runs)
		echo "list"
		echo "show 01m8"
		echo "experiments --json"
		echo "search metrics.acc=0.5 --order-by metrics.acc"
		echo "compare 01m8 01m9 --json"
		;;
	log)
		echo "metric loss 0.5 --run 01m8"
		echo "param lr 0.1"
		;;
	run)
		echo "-- true"
		echo "--param lr=0.1 --json -- sh -c exit"
		;;
	reproduce)
		echo "01m8"
		echo "01m8 --json --keep"
		;;
	lineage)
		echo "iris --down --format openlineage"
		echo "01m8/model.json --depth 2 --format json"
		;;
	predictions)
		echo "list --since 1h --json"
		echo "export --format csv"
		echo "feedback req-1 1"
		;;
	monitor)
		echo "bias iris@1 --sensitive species --data $DATASETS/iris.csv"
		echo "performance iris@1 --window 1h --json"
		echo "watch --once --json"
		;;
	alerts)
		echo "list --json"
		echo "show 01m9"
		echo "ack 01m9"
		;;
	metrics)
		echo "history 01m8 loss"
		echo "history 01m8 loss --svg plot.svg"
		;;
	sweep) echo "--data iris --target species --algo knn --grid n_neighbors=1,3" ;;
	train)
		echo "--data iris --target species --algo logistic"
		;;
	models)
		echo "import model.json --signature a:double"
		echo "register churn --run 01m8"
		echo "list --json"
		echo "show churn@champion"
		echo "alias set churn champion 1"
		echo "audit --verify"
		;;
	predict|evaluate)
		echo "01m8 --data $DATASETS/iris.csv"
		;;
	package)
		echo "iris@1 --out model.cairn"
		echo "01m8 --oci-archive image.tar"
		;;
	*)
		echo ""
		;;
	esac
}

# The trash directory lies inside the source tree; use one under /tmp so
# that no .cairn can be above it.
outside=$(mktemp -d "${TMPDIR:-/tmp}/cairn-outside.XXXXXX")
commands=$(cairn help | sed -n '/^Commands:/,/^$/p' | awk 'NR > 1 && NF { print $1 }')

test_expect_success 'no workspace above the test directory' '
	test -n "$commands" &&
	d=$outside &&
	while [ "$d" != / ]; do test ! -e "$d/.cairn"; d=$(dirname "$d"); done &&
	test ! -e /.cairn
'

for cmd in $commands; do
	case "$no_workspace_needed" in *" $cmd "*) continue ;; esac
	while IFS= read -r args; do
		test_expect_success "cairn $cmd${args:+ $args} outside a workspace exits 3" "
			(cd '$outside' && test_expect_code 3 cairn $cmd $args >'$TRASH/out' 2>'$TRASH/err') &&
			test_grep \"cairn init\" err &&
			test_grep '^cairn: error: ' err &&
			test \$(wc -l <err) -eq 1 &&
			test ! -s out &&
			test -z \"\$(ls -A '$outside')\"
		"
	done <<<"$(args_for "$cmd")"

	test_expect_success "cairn -C DIR $cmd exits 3 without a workspace in DIR" "
		test_expect_code 3 cairn -C '$outside' $cmd $(args_for "$cmd" | head -n 1) 2>err &&
		test_grep 'cairn init' err
	"

	test_expect_success "cairn $cmd with CAIRN_DIR naming no workspace exits 3" "
		mkdir -p empty &&
		CAIRN_DIR='$TRASH/empty' test_expect_code 3 cairn $cmd $(args_for "$cmd" | head -n 1) 2>err &&
		test_grep 'CAIRN_DIR' err &&
		test_grep 'cairn init' err &&
		test ! -e empty/.cairn
	"
done

test_expect_success 'the commands that need no workspace work outside one' '
	(cd "$outside" && cairn help >/dev/null && cairn version >/dev/null) &&
	test -z "$(ls -A "$outside")" &&
	(cd "$outside" && cairn init >/dev/null) &&
	test -f "$outside/.cairn/config"
'

rm -rf "$outside"
test_done
