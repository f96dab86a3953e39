#!/bin/bash
# cairn evaluate: metrics of each task, slices, plots, logging inside a run,
# and refusals.
. "$(dirname "$0")/lib.sh"

test_expect_success 'setup: models for classification, regression and clustering' '
	cairn init >/dev/null &&
	cairn data add "$DATASETS/iris.csv" >/dev/null &&
	cairn data split iris --ratios 0.7,0.3 --stratify species --seed 1 >/dev/null &&
	cairn train --data iris-train --target species --algo naive_bayes --json >nb.json &&
	jq_py "d[\"run_id\"]" <nb.json >nb.run &&
	cairn train --data iris-train --target petal_width --algo knn --json >reg.json &&
	jq_py "d[\"run_id\"]" <reg.json >reg.run &&
	cairn train --data iris --algo kmeans --param n_clusters=3 --json >km.json &&
	jq_py "d[\"run_id\"]" <km.json >km.run
'

test_expect_success 'classification: the metrics agree with the predictions' '
	cairn evaluate $(cat nb.run) --data iris-test --json >m.json &&
	test "$(jq_py "d[\"rows\"]" <m.json)" = 45 &&
	cairn data checkout iris-test test.csv >/dev/null &&
	cairn predict $(cat nb.run) --data test.csv >pred.csv &&
	right=$(tail -n +2 test.csv | cut -d, -f5 | paste -d, - <(tail -n +2 pred.csv) | awk -F, "\$1 == \$2" | wc -l) &&
	python3 -c "import json; d = json.load(open(\"m.json\")); assert abs(d[\"accuracy\"] - $right / 45) < 1e-12, (d[\"accuracy\"], $right)" &&
	jq_py "sum(map(sum, d[\"confusion_matrix\"]))" <m.json >n && test "$(cat n)" = 45 &&
	jq_py "sorted(d[\"per_class\"])" <m.json >classes &&
	test_grep "setosa" classes &&
	jq_py "0.5 < d[\"roc_auc\"] <= 1 and d[\"log_loss\"] > 0" <m.json >ok && test "$(cat ok)" = True
'

test_expect_success '--by computes every metric per slice; --plots writes SVGs' '
	cairn evaluate $(cat nb.run) --data iris-test --by species --plots plots --json >m.json &&
	jq_py "sorted(d[\"slices\"])" <m.json >slices &&
	test "$(cat slices)" = "['"'"'setosa'"'"', '"'"'versicolor'"'"', '"'"'virginica'"'"']" &&
	jq_py "d[\"slices\"][\"setosa\"][\"rows\"]" <m.json >n && test "$(cat n)" = 15 &&
	for p in roc pr confusion; do
		test -s plots/$p.svg &&
		python3 -c "import sys, xml.dom.minidom; xml.dom.minidom.parse(sys.argv[1])" plots/$p.svg || exit 1
	done
'

test_expect_success 'regression and clustering metrics' '
	cairn evaluate $(cat reg.run) --data iris-test --plots rplots --json >r.json &&
	jq_py "sorted(k for k in (\"rmse\", \"mae\", \"r2\", \"mape\") if k in d)" <r.json >keys &&
	test "$(cat keys)" = "['"'"'mae'"'"', '"'"'mape'"'"', '"'"'r2'"'"', '"'"'rmse'"'"']" &&
	jq_py "d[\"r2\"] > 0.8" <r.json >ok && test "$(cat ok)" = True &&
	test -s rplots/residuals.svg &&
	cairn evaluate $(cat km.run) --data iris --json >k.json &&
	jq_py "d[\"inertia\"] > 0 and 0 < d[\"silhouette\"] <= 1" <k.json >ok && test "$(cat ok)" = True
'

test_expect_success 'inside a run: metrics, plots and the input are logged to it' '
	cairn run -q --name eval -- cairn evaluate $(cat nb.run) --data iris-test >/dev/null &&
	run=$(cairn runs search "attributes.run_name = '"'"'eval'"'"'" --json | jq_py "d[0][\"id\"]") &&
	cairn runs show $run --json >show.json &&
	jq_py "\"eval_accuracy\" in d[\"metrics\"]" <show.json >ok && test "$(cat ok)" = True &&
	jq_py "[a[\"path\"] for a in d[\"artifacts\"] if a[\"path\"].startswith(\"plots/\")]" <show.json >plotlist &&
	test_grep "plots/roc.svg" plotlist &&
	jq_py "[(i[\"dataset\"], i[\"context\"]) for i in d[\"inputs\"]]" <show.json >inputs &&
	test_grep "iris-test@1" inputs
'

test_expect_success 'refusals: no target in the data, no such model, usage' '
	printf "sepal_length,sepal_width,petal_length,petal_width\n5,3,1,0.2\n" >nolabel.csv &&
	test_expect_code 4 cairn evaluate $(cat nb.run) --data nolabel.csv 2>err &&
	test_grep "species" err &&
	test_expect_code 4 cairn evaluate zzzz --data iris 2>err &&
	test_expect_code 2 cairn evaluate $(cat nb.run) 2>err &&
	test_expect_code 4 cairn evaluate $(cat nb.run) --data iris --by nope 2>err
'

test_expect_success 'train --cv K: per-fold values, mean and std, the folds stored' '
	cairn train --data iris --target species --algo naive_bayes --cv 5 --seed 3 --json >cv.json &&
	jq_py "d[\"run_id\"]" <cv.json >cv.run &&
	cat >check-cv.py <<-\EOF &&
	import json, statistics, sys
	res = json.load(open("cv.json"))
	acc = res["metrics"]["cv"]["accuracy"]
	assert len(acc["folds"]) == 5, acc
	assert abs(acc["mean"] - sum(acc["folds"]) / 5) < 1e-12, acc
	assert abs(acc["std"] - statistics.pstdev(acc["folds"])) < 1e-12, acc
	folds = json.load(open("folds.json"))
	assert folds["k"] == 5 and folds["seed"] == 3, folds
	rows = sorted(r for f in folds["test_rows"] for r in f)
	assert rows == list(range(150)), "every row in exactly one fold"
	species = [l.split(",")[4].strip() for l in open(sys.argv[1]).read().splitlines()[1:]]
	for f in folds["test_rows"]:
	    assert len(f) == 30, len(f)
	    for s in set(species):
	        assert sum(species[r] == s for r in f) == 10, "stratified by class"
	EOF
	cairn runs get-artifact $(cat cv.run) cv/folds.json folds.json &&
	python3 check-cv.py "$DATASETS/iris.csv" &&
	cairn runs show $(cat cv.run) --json >show.json &&
	jq_py "d[\"metrics\"][\"cv_accuracy_mean\"] == json.load(open(\"cv.json\"))[\"metrics\"][\"cv\"][\"accuracy\"][\"mean\"]" <show.json >ok &&
	test "$(cat ok)" = True &&
	cairn train --data iris --target species --algo naive_bayes --cv 5 --seed 3 --json >cv2.json &&
	cairn runs get-artifact $(jq_py "d[\"run_id\"]" <cv2.json) cv/folds.json folds2.json &&
	test_cmp folds.json folds2.json
'

test_expect_success 'train --cv refuses 1 fold and more folds than rows' '
	test_expect_code 2 cairn train --data iris --target species --algo knn --cv 1 2>err &&
	test_grep "cv" err &&
	test_expect_code 2 cairn train --data iris --target species --algo knn --cv 151 2>err &&
	test_grep "151" err
'

test_done
