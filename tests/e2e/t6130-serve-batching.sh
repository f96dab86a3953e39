#!/bin/bash
# cairn serve --max-batch: concurrent requests for one model are evaluated
# together, and each answer equals cairn predict's for its rows, bit for
# bit (labels and probabilities, text columns included); a batch holds one
# model's requests only; a request larger than --max-batch runs alone. The
# batches are made deterministic, not timed: the delay is far longer than
# the test, so a batch closes when its rows fill it. The metrics' batch
# size counts evaluations, not requests.
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/helpers/serve.sh"

test_expect_success 'setup: xgboost and logistic models of iris with a text column' '
	cairn init >/dev/null &&
	awk -F, "NR == 1 { print \$0 \",garden\" } NR > 1 { print \$0 \",\" (NR % 3 ? \"north\" : \"south\") }" \
		"$DATASETS/iris.csv" >iris.csv &&
	cairn data add iris.csv >/dev/null &&
	cut -d, -f1-4,6 iris.csv >rows.csv &&
	for a in xgboost logistic; do
		cairn train --data iris --target species --algo $a --json >$a.json &&
		cairn models register $a --run $(jq_py "d[\"run_id\"]" <$a.json) >/dev/null &&
		cairn predict $a@1 --data rows.csv --proba >$a.pred || return 1
	done
'

# Three requests of 50 rows for each model, all at once: each model's
# batch is full (150 rows) once its three have come.
serve_start srv xgboost@1 logistic@1 --threads 8 --max-batch 150 --max-delay-us 10000000 \
	--access-log access.log

cat >batch.py <<'EOF'
import csv, http.client, json, sys, threading
port = int(sys.argv[1])
def value(s):
    try:
        return float(s)
    except ValueError:
        return s
with open("rows.csv") as f:
    r = list(csv.reader(f))
cols, data = r[0], [[value(v) for v in row] for row in r[1:]]
want = {}
for m in ("xgboost", "logistic"):
    with open(m + ".pred") as f:
        want[m] = list(csv.reader(f))[1:]
results, jobs = {}, []
def ask(model, part, params):
    body = {"dataframe_split": {"columns": cols, "data": data[part * 50:(part + 1) * 50]}}
    if params:
        body["params"] = params
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    c.request("POST", "/models/%s/invocations" % model, json.dumps(body),
              {"Content-Type": "application/json"})
    resp = c.getresponse()
    results[model, part] = (resp.status, json.loads(resp.read()))
for m in ("xgboost", "logistic"):
    for part in range(3):
        params = {"predict_method": "predict_proba"} if part == 1 else None
        jobs.append(threading.Thread(target=ask, args=(m, part, params)))
for j in jobs:
    j.start()
for j in jobs:
    j.join()
for (m, part), (status, out) in sorted(results.items()):
    assert status == 200, (m, part, out)
    w = want[m][part * 50:(part + 1) * 50]
    got = out["predictions"]
    if part == 1:
        # Both are the shortest text that reads back as the double: equal
        # values are equal bits.
        assert got == [[float(x) for x in row[1:]] for row in w], (m, got[:3], w[:3])
    else:
        assert got == [row[0] for row in w], (m, got[:3], w[:3])
print(len(results), "answers equal")
EOF

cat >batches.py <<'EOF'
import json, sys
for line in sys.stdin:
    d = json.loads(line)
    print(d["model"], d["rows"], d.get("batch_rows"))
EOF

test_expect_success 'concurrent requests, batched, answer what cairn predict does' '
	python3 batch.py $srv_port >out &&
	test_grep "^6 answers equal" out
'

test_expect_success 'each model had one evaluation of its three requests (150 rows)' '
	python3 batches.py <access.log | sort >got &&
	cat >want <<-\EOF &&
	logistic 50 150
	logistic 50 150
	logistic 50 150
	xgboost 50 150
	xgboost 50 150
	xgboost 50 150
	EOF
	test_cmp want got
'

test_expect_success 'the metrics count one evaluation of 150 rows per model' '
	serve_get $srv_port /metrics && test "$(cat status)" = 200 &&
	grep "^cairn_batch_rows_\(count\|sum\)" body | sort >got &&
	cat >want <<-\EOF &&
	cairn_batch_rows_count{model="logistic"} 1
	cairn_batch_rows_count{model="xgboost"} 1
	cairn_batch_rows_sum{model="logistic"} 150
	cairn_batch_rows_sum{model="xgboost"} 150
	EOF
	test_cmp want got
'

test_expect_success 'a request of --max-batch rows or more is evaluated alone, at once' '
	python3 -c "import csv, json
r = list(csv.reader(open(\"rows.csv\")))
print(json.dumps({\"dataframe_split\": {\"columns\": r[0], \"data\": [[float(v) for v in x[:4]] + [x[4]] for x in r[1:]]}}))" >all.json &&
	serve_post $srv_port /models/xgboost/invocations application/json all.json &&
	test "$(cat status)" = 200 &&
	jq_py "len(d[\"predictions\"])" <body >got && echo 150 >want && test_cmp want got &&
	tail -n 1 access.log | python3 batches.py >got &&
	echo "xgboost 150 150" >want && test_cmp want got
'

serve_stop srv
serve_start one xgboost@1 --access-log one.log

test_expect_success 'without --max-batch, no batch is reported' '
	serve_post $one_port /invocations application/json all.json &&
	test "$(cat status)" = 200 &&
	python3 batches.py <one.log >got &&
	echo "xgboost 150 None" >want && test_cmp want got
'

serve_stop one

test_done
