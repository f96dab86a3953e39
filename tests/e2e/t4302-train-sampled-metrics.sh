#!/bin/bash
# Training metrics on large data come from a fixed sample of the training
# rows: xgboost's per-round train-* metrics from at most 10,000 rows evenly
# strided over them, knn's final training metrics from at most 5,000.
. "$(dirname "$0")/lib.sh"

# 12,000 rows: y follows f1 + f2 but for rows 5, 11, 17, ... (every 6th),
# which are flipped; 10,000 rows strided over 12,000 (row int(i * 1.2)) leave
# out exactly those, so the sample's loss is far below the loss of all rows.
test_expect_success 'setup: 12,000 rows whose skipped rows are mislabelled' '
	cairn init >/dev/null &&
	awk "BEGIN {
		print \"f1,f2,f3,y\"
		for (i = 0; i < 12000; i++) {
			a = (i * 37) % 100; b = (i * 11) % 100; y = a + b > 100
			if (i % 6 == 5) y = 1 - y
			printf \"%d,%d,%d,%d\n\", a, b, i % 7, y
		}
	}" >big.csv &&
	cairn data add big.csv >/dev/null
'

test_expect_success 'xgboost: train-logloss per round is the loss of the strided sample' '
	cairn train --data big --target y --task classification --algo xgboost \
		--param n_estimators=3 --param max_depth=3 --json >train.json &&
	run=$(jq_py "d[\"run_id\"]" <train.json) &&
	cairn metrics history $run train-logloss --json >history.json &&
	jq_py "[p[\"step\"] for p in d]" <history.json >steps &&
	echo "[0, 1, 2]" >expect &&
	test_cmp expect steps &&
	jq_py "d[-1][\"value\"]" <history.json >last &&
	cairn predict $run --data big.csv --proba --out pred.csv &&
	python3 - <<-\EOF
	import csv, math
	y = [int(r["y"]) for r in csv.DictReader(open("big.csv"))]
	p = [float(r["proba_1"]) for r in csv.DictReader(open("pred.csv"))]
	def loss(rows):
	    return sum(-math.log(p[r] if y[r] else 1 - p[r]) for r in rows) / len(rows)
	n, m = len(y), 10000
	sample = loss([int(i * n / m) for i in range(m)])
	whole = loss(range(n))
	last = float(open("last").read())
	print("per round %g, sample %g, all rows %g" % (last, sample, whole))
	assert abs(last - sample) < 1e-4 * max(1, sample), "not the sample"
	assert abs(last - whole) > 0.05, "the sample should differ from all rows"
	EOF
'

test_expect_success 'knn: the training metrics come from 5,000 of the 12,000 rows' '
	cairn train --data big --target y --algo knn --json >knn.json &&
	test "$(jq_py "d[\"metrics\"][\"train\"][\"sampled_from_rows\"]" <knn.json)" = 12000 &&
	run=$(jq_py "d[\"run_id\"]" <knn.json) &&
	cairn runs show $run --json | jq_py "d[\"metrics\"][\"train_accuracy\"]" >acc &&
	test -s acc
'

test_done
