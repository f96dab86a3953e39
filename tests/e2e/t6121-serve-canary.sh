#!/bin/bash
# cairn serve --canary NAME@SEL=SHARE%: the canary answers its share of the
# requests (within a tolerance over 2000 ids, and exactly the ids whose
# FNV-1a hash modulo 10000 is below the share in hundredths of a percent),
# a request id always gets the same version, the header names it, v2
# metadata of the name is the champion's, the canary follows its alias, and
# a bad share is a usage error.
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/helpers/serve.sh"
. "$TEST_DIRECTORY/helpers/serve-reload.sh"

ids="$TEST_DIRECTORY/helpers/serve-ids.py"

# The documented rule, computed independently: "canary" or "champion".
cat >rule.py <<-\EOF
import sys
share = float(sys.argv[1])
for line in sys.stdin:
    h = 14695981039346656037
    for b in line.strip().encode():
        h = ((h ^ b) * 1099511628211) % (1 << 64)
    print(line.strip(), "canary" if h % 10000 < round(share * 100) else "champion")
EOF

test_expect_success 'setup: two versions of iris with different answers' '
	reload_setup &&
	seq -f "req-%g" 1 2000 >ids
'

serve_start srv iris@champion --canary iris@challenger=10% --reload-interval 0.05

test_expect_success '10% of 2000 ids go to the canary (8% to 12%), the rest to the champion' '
	python3 "$ids" $srv_port /invocations "$(cat req.json)" <ids >got &&
	test "$(cut -d" " -f2 got | sort -u)" = 200 &&
	canary=$(grep -c " 2$" got) && champion=$(grep -c " 1$" got) &&
	test $((canary + champion)) = 2000 &&
	test $canary -ge 160 && test $canary -le 240
'

test_expect_success 'exactly the ids the documented rule gives the canary' '
	python3 rule.py 10 <ids | sed -e "s/ canary$/ 200 2/" -e "s/ champion$/ 200 1/" >want &&
	test_cmp want got
'

test_expect_success 'the same id gets the same version again, with its answer' '
	head -n 50 ids >some &&
	python3 "$ids" $srv_port /invocations "$(cat req.json)" <some >again &&
	head -n 50 got >first && test_cmp first again &&
	id=$(grep " 2$" got | head -n 1 | cut -d" " -f1) &&
	answered_by $srv_port $id >out && echo "200 2 $(cat v2.json)" >want && test_cmp want out &&
	id=$(grep " 1$" got | head -n 1 | cut -d" " -f1) &&
	answered_by $srv_port $id >out && echo "200 1 $(cat v1.json)" >want && test_cmp want out
'

test_expect_success 'v2: a version asked for by number is the champion or the canary' '
	echo "{\"inputs\": [{\"name\": \"x\", \"shape\": [1, 4], \"datatype\": \"FP64\", \"data\": [5.1, 3.5, 1.4, 0.2]}]}" >v2.req &&
	curl -sS -o body -D headers -d @v2.req \
		http://127.0.0.1:$srv_port/v2/models/iris/versions/2/infer &&
	tr -d "\r" <headers | grep -i "^X-Cairn-Model-Version: 2$" &&
	jq_py "d[\"model_version\"]" <body >v2got && echo 2 >want && test_cmp want v2got
'

test_expect_success 'v2 metadata of the name is the champion, also for an id the canary answers' '
	id=$(grep " 2$" got | head -n 1 | cut -d" " -f1) &&
	curl -sS -o body -H "X-Request-ID: $id" http://127.0.0.1:$srv_port/v2/models/iris &&
	jq_py "d[\"versions\"][0]" <body >meta && echo 1 >want && test_cmp want meta &&
	curl -sS -o body -w "%{http_code}" -H "X-Request-ID: $id" \
		http://127.0.0.1:$srv_port/v2/models/iris/versions/2 >status &&
	test "$(cat status)" = 200
'

test_expect_success 'the canary follows its alias, the champion its own' '
	canary_id=$(grep " 2$" got | head -n 1 | cut -d" " -f1) &&
	cairn models alias set iris champion 2 >/dev/null &&
	cairn models alias set iris challenger 1 >/dev/null &&
	wait_version $srv_port 2 &&
	wait_answer $srv_port $canary_id "200 1 $(cat v1.json)"
'

serve_start all iris@1 --canary iris@2=100 --reload-interval 0
serve_start none iris@1 --canary iris@2=0% --reload-interval 0

test_expect_success 'a share of 100% answers every request with the canary, 0% none' '
	head -n 100 ids | python3 "$ids" $all_port /invocations "$(cat req.json)" >got &&
	test "$(cut -d" " -f2,3 got | sort -u)" = "200 2" &&
	head -n 100 ids | python3 "$ids" $none_port /invocations "$(cat req.json)" >got &&
	test "$(cut -d" " -f2,3 got | sort -u)" = "200 1"
'

test_expect_success 'a bad share or a canary of a model not served is a clear error' '
	test_expect_code 2 cairn serve iris@1 --canary iris@2=150% --port 0 2>err &&
	test_grep "canary .iris@2=150%.: the share must be a percentage from 0 to 100" err &&
	test_expect_code 2 cairn serve iris@1 --canary iris@2=ten --port 0 2>err &&
	test_grep "not .ten." err &&
	test_expect_code 2 cairn serve iris@1 --canary iris@2 --port 0 2>err &&
	test_grep "is not MODELREF=SHARE%" err &&
	test_expect_code 2 cairn serve iris@1 --canary iris@2=10.555% --port 0 2>err &&
	test_grep "two decimals at most" err &&
	cairn runs get-artifact $(jq_py "d[\"run_id\"]" <train2.json) model other >/dev/null &&
	test_expect_code 2 cairn serve iris@1 --canary other=10% --port 0 2>err &&
	test_grep "a version of .other., which is not served" err &&
	test_expect_code 2 cairn serve iris@1 --canary iris@2=10% --canary iris@1=5% --port 0 2>err &&
	test_grep "two canaries" err
'

test_done
