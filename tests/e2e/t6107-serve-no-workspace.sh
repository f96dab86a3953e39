#!/bin/bash
# cairn serve needs no workspace for a package directory or --bundle (the
# model is all it reads), and says which reference needs one otherwise.
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/helpers/serve.sh"

test_expect_success 'setup: a package copied out of a workspace' '
	mkdir ws elsewhere &&
	(cd ws && cairn init >/dev/null &&
	 cairn data add "$DATASETS/iris.csv" >/dev/null &&
	 cairn train --data iris --target species --algo logistic --json >train.json &&
	 cairn runs get-artifact $(jq_py "d[\"run_id\"]" <train.json) model ../elsewhere/flowers >/dev/null) &&
	test -f elsewhere/flowers/MLmodel &&
	echo "{\"inputs\": [[5.1, 3.5, 1.4, 0.2]]}" >req.json
'

cd elsewhere
serve_start srv --bundle flowers
cd ..

test_expect_success 'served without a workspace, under the directory name' '
	test ! -e elsewhere/.cairn &&
	serve_post $srv_port /models/flowers/invocations application/json req.json &&
	test "$(cat status)" = 200 &&
	test "$(cat body)" = "{\"predictions\":[\"setosa\"]}"
'

serve_stop srv

test_expect_success 'a registry reference outside a workspace exits 3 naming it' '
	(cd elsewhere && test_expect_code 3 cairn serve flowers@1 --port 0 >../out 2>../err) &&
	test_grep "cannot serve .flowers@1.*cairn init" err &&
	test ! -s out
'

test_done
