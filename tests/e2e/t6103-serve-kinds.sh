#!/bin/bash
# cairn serve answers every model kind cairn trains, several models in one
# server, each under its name, and its answers equal cairn predict's for
# the same rows bit for bit (labels, probabilities, values, clusters).
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/helpers/serve.sh"

classifiers="xgboost random_forest logistic linear_svm knn naive_bayes"

test_expect_success 'setup: iris with a text column, diamonds, their splits' '
	cairn init >/dev/null &&
	awk -F, "NR == 1 { print \$0 \",garden\" } NR > 1 { print \$0 \",\" (NR % 3 ? \"north\" : \"south\") }" \
		"$DATASETS/iris.csv" >iris.csv &&
	head -n 1501 "$DATASETS/diamonds.csv" >diamonds.csv &&
	cairn data add iris.csv >/dev/null &&
	cairn data add diamonds.csv >/dev/null &&
	cairn data split iris --ratios 0.7,0.3 --stratify species --seed 3 >/dev/null &&
	cairn data checkout iris-test iris-test.csv >/dev/null &&
	cut -d, -f1-4,6 iris-test.csv >iris-rows.csv &&
	cut -d, -f1-6,8- diamonds.csv >diamond-rows.csv
'

register() {
	jq_py "d[\"run_id\"]" <"$1.json" >"$1.run" &&
	cairn models register "$1" --run "$(cat "$1.run")" >/dev/null
}

test_expect_success 'setup: a model of every kind, registered under its name' '
	for a in $classifiers; do
		cairn train --data iris-train --target species --algo $a --name $a --json >$a.json &&
		register $a || return 1
	done &&
	cairn train --data iris-train --algo ensemble --members $(cat xgboost.run),$(cat logistic.run),$(cat knn.run) \
		--json >ensemble.json && register ensemble &&
	cairn train --data diamonds --target price --algo linear --json >linear.json && register linear &&
	cairn train --data diamonds --target price --algo xgboost --json >xgbreg.json && register xgbreg &&
	cairn train --data iris --algo kmeans --param n_clusters=3 --seed 2 --json >kmeans.json &&
	register kmeans
'

models=""
for m in $classifiers ensemble linear xgbreg kmeans; do
	models="$models $m@1"
done
serve_start srv $models

cat >compare.py <<'EOF'
import csv, http.client, json, sys
port, model, rows_csv, pred_csv, kind = sys.argv[1:6]
def value(s):
    for t in (int, float):
        try:
            return t(s)
        except ValueError:
            pass
    return s
with open(rows_csv) as f:
    r = list(csv.reader(f))
cols, data = r[0], [[value(v) for v in row] for row in r[1:]]
def ask(params):
    body = {"dataframe_split": {"columns": cols, "data": data}}
    if params:
        body["params"] = params
    c = http.client.HTTPConnection("127.0.0.1", int(port))
    c.request("POST", "/models/%s/invocations" % model, json.dumps(body),
              {"Content-Type": "application/json"})
    resp = c.getresponse()
    out = json.loads(resp.read())
    assert resp.status == 200, out
    return out["predictions"]
with open(pred_csv) as f:
    want = list(csv.reader(f))
head, want = want[0], want[1:]
assert len(want) == len(data)
got = ask(None)
if kind == "class":
    assert got == [w[0] for w in want], (got[:5], want[:5])
    proba = ask({"predict_method": "predict_proba"})
    for g, w in zip(proba, want):
        # Both are the shortest text that reads back as the double: equal
        # values are equal bits.
        assert [float(x) for x in w[1:]] == g, (g, w)
elif kind == "cluster":
    assert got == [int(w[0]) for w in want], (got[:5], want[:5])
else:
    assert [float(w[0]) for w in want] == got, (got[:5], want[:5])
print(len(got), "rows equal")
EOF

for m in $classifiers ensemble; do
	test_expect_success "$m: the server's labels and probabilities equal cairn predict's" "
		cairn predict $m@1 --data iris-rows.csv --proba >$m.pred &&
		python3 compare.py $srv_port $m iris-rows.csv $m.pred class >out &&
		test_grep '^45 rows equal' out
	"
done

for m in linear xgbreg; do
	test_expect_success "$m (regression): the server's values equal cairn predict's" "
		cairn predict $m@1 --data diamond-rows.csv >$m.pred &&
		python3 compare.py $srv_port $m diamond-rows.csv $m.pred value >out &&
		test_grep '^1500 rows equal' out
	"
done

test_expect_success "kmeans: the server's clusters equal cairn predict's" '
	cairn predict kmeans@1 --data iris.csv >kmeans.pred &&
	python3 compare.py $srv_port kmeans iris.csv kmeans.pred cluster >out &&
	test_grep "^150 rows equal" out
'

test_expect_success 'several models: /invocations names them, v2 lists each by name' '
	echo "{\"inputs\": [[5.1, 3.5, 1.4, 0.2, \"setosa\", \"north\"]]}" >req.json &&
	serve_post $srv_port /invocations application/json req.json &&
	test "$(cat status)" = 404 && test_grep "models/NAME/invocations" body &&
	serve_post $srv_port /models/kmeans/invocations application/json req.json &&
	test "$(cat status)" = 200 &&
	for m in $classifiers ensemble linear xgbreg kmeans; do
		serve_get $srv_port /v2/models/$m/ready && test "$(cat status)" = 200 || return 1
	done
'

serve_stop srv

test_expect_success 'two models of one name are refused before listening' '
	test_expect_code 2 cairn serve logistic@1 logistic@1 --port 0 >out 2>err &&
	test_grep "two models named .logistic." err &&
	test_must_fail grep listening out
'

test_done
