#!/bin/bash
# cairn train --federated: federated averaging of logistic and linear over
# shards, each trained by a process that loads only its own shard.
. "$(dirname "$0")/lib.sh"

test_expect_success 'setup: iris in 3 shards, and a shard of another schema' '
	cairn init >/dev/null &&
	cairn data add "$DATASETS/iris.csv" >/dev/null &&
	cairn data split iris --ratios 0.34,0.33,0.33 --stratify species --seed 3 >/dev/null &&
	awk -F, "BEGIN { OFS = \",\" } { print \$2, \$1, \$3, \$4, \$5 }" \
		"$DATASETS/iris.csv" >swapped.csv &&
	cairn data add swapped.csv >/dev/null
'

test_expect_success 'federated logistic: a normal package, each site loading only its shard' '
	CAIRN_LOG=debug cairn train --federated iris-train,iris-val,iris-test --target species \
		--algo logistic --test iris --json >fed.json 2>fed.err &&
	jq_py "d[\"run_id\"]" <fed.json >fed.run &&
	grep "federated site" fed.err >sites &&
	test $(wc -l <sites) = 3 &&
	for s in iris-train iris-val iris-test; do
		test $(grep -c "loaded only dataset .$s@1.$" sites) = 1 || return 1
	done &&
	test $(sed "s/.*pid \([0-9]*\).*/\1/" sites | sort -u | wc -l) = 3 &&
	run=$(cat fed.run) &&
	cairn runs show $run --json >show.json &&
	python3 -c "
import json
d = json.load(open(\"show.json\"))
p = d[\"params\"]
assert p[\"federated\"] == \"true\" and p[\"shards\"] == \"3\", p
assert p[\"rounds\"] == \"20\" and p[\"local_epochs\"] == \"5\", p
assert p[\"algorithm\"] == \"logistic\", p
train = sorted(i[\"dataset\"] for i in d[\"inputs\"] if i[\"context\"] == \"train\")
assert train == [\"iris-test@1\", \"iris-train@1\", \"iris-val@1\"], d[\"inputs\"]
" &&
	cairn metrics history $run federated_loss --json >loss.json &&
	python3 -c "
import json
v = [p[\"value\"] for p in json.load(open(\"loss.json\"))]
assert len(v) == 21 and v[-1] < v[0] / 2, v
"
'

test_expect_success 'federated accuracy is within a few points of central training' '
	run=$(cat fed.run) &&
	cairn train --data iris --target species --algo logistic --test iris --json >central.json &&
	fed=$(jq_py "d[\"metrics\"][\"test\"][\"accuracy\"]" <fed.json) &&
	central=$(jq_py "d[\"metrics\"][\"test\"][\"accuracy\"]" <central.json) &&
	python3 -c "import sys; sys.exit(0 if $fed > 0.85 and abs($fed - $central) <= 0.05 else 1)" &&
	cairn predict $run --data iris --out pred.csv &&
	test $(wc -l <pred.csv) = 151 &&
	cairn evaluate $run --data iris --json >eval.json &&
	test "$(jq_py "d[\"metrics\"][\"accuracy\"] if \"metrics\" in d else d[\"accuracy\"]" <eval.json)" = "$fed"
'

test_expect_success 'federated linear regression comes close to central' '
	cairn train --federated iris-train,iris-val,iris-test --target petal_width \
		--algo linear --test iris --json >lin.json &&
	cairn train --data iris --target petal_width --algo linear --test iris --json >clin.json &&
	fed=$(jq_py "d[\"metrics\"][\"test\"][\"r2\"]" <lin.json) &&
	central=$(jq_py "d[\"metrics\"][\"test\"][\"r2\"]" <clin.json) &&
	python3 -c "import sys; sys.exit(0 if abs($fed - $central) <= 0.03 else 1)"
'

# Compares the train metrics of a run's metrics.json ($1) with a `cairn
# evaluate --json` of the same model ($2): every number to 1e-9 relative,
# but the approximate ranking metrics of a classification (roc_auc_approx),
# which must be within 0.01 of the exact ones.
cmp_train_metrics() {
	python3 - "$1" "$2" <<-\EOF
	import json, sys
	fed = json.load(open(sys.argv[1]))["train"]
	ev = json.load(open(sys.argv[2]))
	def leaves(d, path=()):
	    if isinstance(d, dict):
	        for k, v in d.items():
	            yield from leaves(v, path + (k,))
	    elif isinstance(d, list):
	        for i, v in enumerate(d):
	            yield from leaves(v, path + (i,))
	    elif isinstance(d, (int, float)) and not isinstance(d, bool):
	        yield path, d
	f, e = dict(leaves(fed)), dict(leaves(ev))
	ranking = ("roc_auc", "roc_auc_weighted", "average_precision")
	approx = fed.get("roc_auc_approx") is True
	assert approx == ("classes" in fed), fed.keys()
	checked = 0
	for path, want in e.items():
	    assert path in f, ("missing", path)
	    got = f[path]
	    if approx and path[-1] in ranking:
	        assert abs(got - want) <= 0.01, (path, got, want)
	    else:
	        assert abs(got - want) <= 1e-9 * max(1.0, abs(want)), (path, got, want)
	        checked += 1
	extra = set(f) - set(e)
	assert extra == {("federated_loss",)}, extra
	assert checked >= 8, checked
	print(checked, "metrics equal")
	EOF
}

test_expect_success 'the train metrics are those of the final model on every row' '
	run=$(cat fed.run) &&
	for s in iris-train iris-val iris-test; do
		cairn data checkout $s $s.csv >/dev/null || return 1
	done &&
	head -n 1 iris-train.csv >union.csv &&
	for s in iris-train iris-val iris-test; do
		tail -n +2 $s.csv >>union.csv || return 1
	done &&
	test $(wc -l <union.csv) = 151 &&
	cairn data add union.csv >/dev/null &&
	cairn runs get-artifact $run model/metrics.json metrics.json &&
	cairn evaluate $run --data union --json >union-eval.json &&
	cmp_train_metrics metrics.json union-eval.json &&
	python3 -c "
import json
m = json.load(open(\"metrics.json\"))[\"train\"]
assert m[\"rows\"] == 150 and m[\"roc_auc_approx\"] is True, m
assert sum(map(sum, m[\"confusion_matrix\"])) == 150, m
assert any(\"approximate\" in n for n in m[\"notes\"]), m[\"notes\"]
# multinomial: the federated loss is the mean cross-entropy, the log loss
assert abs(m[\"federated_loss\"] - m[\"log_loss\"]) <= 1e-9, m
" &&
	cairn runs show $run --json >show.json &&
	python3 -c "
import json
d = json.load(open(\"show.json\"))[\"metrics\"]
m = json.load(open(\"metrics.json\"))[\"train\"]
assert d[\"train_accuracy\"] == m[\"accuracy\"], d
assert d[\"train_per_class_virginica_recall\"] == m[\"per_class\"][\"virginica\"][\"recall\"]
assert d[\"train_log_loss\"] == m[\"log_loss\"] and d[\"train_rows\"] == 150, d
"
'

test_expect_success 'federated linear: train metrics equal an evaluation of the union' '
	cairn train --federated iris-train,iris-val,iris-test --target petal_width \
		--algo linear --json >lin-train.json &&
	run=$(jq_py "d[\"run_id\"]" <lin-train.json) &&
	cairn runs get-artifact $run model/metrics.json lin-metrics.json &&
	cairn evaluate $run --data union --json >lin-eval.json &&
	cmp_train_metrics lin-metrics.json lin-eval.json
'

test_expect_success 'the same shards, params and seed give the same model bytes' '
	cairn train --federated iris-train,iris-val,iris-test --target species \
		--algo logistic --json >again.json &&
	a=$(jq_py "d[\"run_id\"]" <again.json) &&
	cairn runs get-artifact $(cat fed.run) model/model.liblinear m1 &&
	cairn runs get-artifact $a model/model.liblinear m2 &&
	test_cmp m1 m2
'

test_expect_success 'bad input: an algorithm other than logistic or linear, one shard' '
	test_expect_code 2 cairn train --federated iris-train,iris-val --target species \
		--algo xgboost 2>err &&
	test_grep "logistic or linear" err &&
	test_expect_code 2 cairn train --federated iris-train --target species \
		--algo logistic 2>err &&
	test_grep "at least 2 shards" err &&
	test_expect_code 2 cairn train --federated iris-train,iris-val --data iris \
		--target species --algo logistic 2>err
'

test_expect_success 'federated params are refused without --federated, checked with it' '
	test_expect_code 2 cairn train --data iris --target species --algo logistic \
		--param rounds=3 2>err &&
	test_grep "no param .rounds." err &&
	test_expect_code 2 cairn train --federated iris-train,iris-val --target species \
		--algo logistic --param rounds=0 2>err &&
	test_grep "rounds" err &&
	cairn train --federated iris-train,iris-val --target species --algo logistic \
		--param rounds=2 --param local_epochs=1 --param learning_rate=0.3 --json >p.json
'

test_expect_success 'class_weight=balanced weights the rows by the global class counts' '
	awk -F, "NR == 1 || \$5 == \"versicolor\" || (\$5 == \"virginica\" && n++ < 10)" \
		"$DATASETS/iris.csv" >imb.csv &&
	awk "NR == 1 || NR % 2 == 0" imb.csv >imb-a.csv &&
	awk "NR == 1 || NR % 2 == 1" imb.csv >imb-b.csv &&
	for f in imb imb-a imb-b; do
		cairn data add $f.csv >/dev/null || return 1
	done &&
	cairn train --federated imb-a,imb-b --target species --algo logistic \
		--json >plain.json &&
	cairn train --federated imb-a,imb-b --target species --algo logistic \
		--param class_weight=balanced --json >bal.json &&
	plain=$(jq_py "d[\"run_id\"]" <plain.json) &&
	bal=$(jq_py "d[\"run_id\"]" <bal.json) &&
	cairn runs get-artifact $plain model/model.liblinear plain.model &&
	cairn runs get-artifact $bal model/model.liblinear bal.model &&
	! cmp -s plain.model bal.model &&
	cairn runs show $bal --json >bal-show.json &&
	test "$(jq_py "d[\"params\"][\"class_weight\"]" <bal-show.json)" = balanced &&
	python3 -c "
import json
p = json.load(open(\"plain.json\"))[\"metrics\"][\"train\"]
b = json.load(open(\"bal.json\"))[\"metrics\"][\"train\"]
# 50 versicolor, 10 virginica: balanced predicts the rare class more often
# and finds more of it.
pred = lambda m: sum(row[1] for row in m[\"confusion_matrix\"])
assert pred(b) > pred(p), (p[\"confusion_matrix\"], b[\"confusion_matrix\"])
assert b[\"recall\"] >= p[\"recall\"] and b[\"balanced_accuracy\"] >= p[\"balanced_accuracy\"] - 0.02
" &&
	cairn runs get-artifact $bal model/metrics.json bal-metrics.json &&
	cairn evaluate $bal --data imb --json >bal-eval.json &&
	cmp_train_metrics bal-metrics.json bal-eval.json
'

test_expect_success 'params federated training does not use are refused, by name' '
	test_expect_code 2 cairn train --federated iris-train,iris-val --target species \
		--algo logistic --param eps=0.1 2>err &&
	test_grep "does not use param .eps. of logistic" err &&
	test_expect_code 2 cairn train --federated iris-train,iris-val --target petal_width \
		--algo linear --param eps=0.1 2>err &&
	test_grep "does not use param .eps. of linear" err &&
	test_grep "C, bias, p, rounds" err &&
	cairn train --federated iris-train,iris-val --target petal_width --algo linear \
		--param p=0.5 --json >p.json &&
	run=$(jq_py "d[\"run_id\"]" <p.json) &&
	cairn runs show $run --json >p-show.json &&
	python3 -c "
import json
p = json.load(open(\"p-show.json\"))[\"params\"]
assert p[\"p\"] == \"0.5\" and \"eps\" not in p, p
" &&
	cairn runs get-artifact $run model/model.liblinear p.model &&
	cairn train --federated iris-train,iris-val --target petal_width --algo linear \
		--json >p0.json &&
	cairn runs get-artifact $(jq_py "d[\"run_id\"]" <p0.json) model/model.liblinear p0.model &&
	! cmp -s p.model p0.model &&
	test_expect_code 2 cairn train --federated iris-train,iris-val --target petal_width \
		--algo linear --param learning_rate=1000 2>err &&
	test_grep "diverged in round [0-9]* of 20: .*learning_rate 1000 is too large" err
'

test_expect_success 'a site that dies mid-protocol fails the run, naming its shard' '
	(CAIRN_LOG=debug timeout 300 cairn train --federated iris-train,iris-val,iris-test \
		--target species --algo logistic --param rounds=100000 \
		--param local_epochs=1000 >/dev/null 2>killed.err && echo 0 >killed.rc ||
		echo $? >killed.rc) &
	for i in $(seq 300); do
		test $(grep -c "federated site" killed.err 2>/dev/null || echo 0) = 3 && break
		sleep 0.1
	done &&
	pid=$(sed -n "s/.*federated site 2 (pid \([0-9]*\)).*/\1/p" killed.err) &&
	test -n "$pid" &&
	kill -9 $pid &&
	wait &&
	test "$(cat killed.rc)" = 1 &&
	test_grep "the site of shard .iris-val. stopped .*killed by signal 9" killed.err &&
	cairn runs list --json >runs.json &&
	python3 -c "
import json
runs = json.load(open(\"runs.json\"))
runs = runs[\"runs\"] if isinstance(runs, dict) else runs
assert runs[0][\"status\"] == \"FAILED\", runs[0]
"
'

test_expect_success 'a shard with a different schema is a clear error' '
	test_expect_code 2 cairn train --federated iris-train,swapped --target species \
		--algo logistic 2>err &&
	test_grep "shard .swapped. has a different schema from shard .iris-train." err &&
	test_expect_code 4 cairn train --federated iris-train,nosuch --target species \
		--algo logistic 2>err &&
	test_grep "nosuch" err
'

test_done
