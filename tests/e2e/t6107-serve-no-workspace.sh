#!/bin/bash
# cairn serve needs no workspace for a package directory or --bundle (the
# model is all it reads; `cairn package` and `cairn predict` of a package
# directory neither), and says which reference needs one otherwise;
# it listens on an IPv6 address as well as an IPv4 one.
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

if python3 -c "import socket; s = socket.socket(socket.AF_INET6); s.bind(('::1', 0))" 2>/dev/null; then
	cd elsewhere
	serve_start srv6 --bundle flowers --host ::1
	cd ..
	test_expect_success 'on ::1, the listening URL has the address in brackets and answers' '
		test_grep "^listening on http://\[::1\]:$srv6_port\$" elsewhere/srv6.out &&
		curl -sS -g -o body -X POST -H "Content-Type: application/json" \
			--data-binary @req.json "http://[::1]:$srv6_port/models/flowers/invocations" &&
		test "$(cat body)" = "{\"predictions\":[\"setosa\"]}"
	'
	serve_stop srv6
else
	test_skip 'on ::1, the listening URL has the address in brackets and answers' 'no IPv6 loopback'
fi

test_expect_success 'a host that is not a numeric address exits 2 naming it' '
	(cd elsewhere && test_expect_code 2 cairn serve --bundle flowers --host localhost6 --port 0 \
		>../out 2>../err) &&
	test_grep "localhost6. is not an IPv4 or IPv6 address" err
'

test_expect_success 'a package directory is packaged and predicted from without a workspace' '
	(cd elsewhere && cairn package flowers --out flowers.cairn >../pkg.out &&
	 cairn package flowers --oci-archive flowers.tar --json >../oci.json &&
	 echo "sepal_length,sepal_width,petal_length,petal_width" >rows.csv &&
	 echo "5.1,3.5,1.4,0.2" >>rows.csv &&
	 cairn predict flowers.cairn --data rows.csv >../pred.out) &&
	test ! -e elsewhere/.cairn && test -s elsewhere/flowers.cairn && test -s elsewhere/flowers.tar &&
	test_grep "^Wrote flowers.cairn" pkg.out && test_grep "setosa" pred.out
'

test_expect_success 'a registry reference outside a workspace exits 3 naming it' '
	(cd elsewhere && test_expect_code 3 cairn serve flowers@1 --port 0 >../out 2>../err) &&
	test_grep "cannot serve .flowers@1.*cairn init" err &&
	test ! -s out
'

test_done
