#!/bin/bash
# The input example of a model package: cairn train stores the first rows of
# its training input without the target (input_example.json, MLflow's split
# layout, named in MLmodel); an import keeps an MLflow model's example and
# has none otherwise; the smoke gate predicts it, fails on one the model
# cannot take, and is skipped without one.
. "$(dirname "$0")/lib.sh"

test_expect_success 'setup' '
	cairn init >/dev/null &&
	cairn data add "$DATASETS/iris.csv" >/dev/null &&
	printf "models:\n  iris:\n    gates:\n      smoke: true\n" >cairn.yaml
'

test_expect_success 'train stores the first training rows without the target' '
	cairn train --data iris --target species --algo xgboost --param n_estimators=5 --json >t.json &&
	run=$(jq_py "d[\"run_id\"]" <t.json) &&
	echo $run >run &&
	cairn runs get-artifact $run model pkg >/dev/null &&
	test_grep "^saved_input_example_info:" pkg/MLmodel &&
	test_grep "artifact_path: input_example.json" pkg/MLmodel &&
	test_grep "pandas_orient: split" pkg/MLmodel &&
	python3 - <<-\PY
	import json
	ex = json.load(open("pkg/input_example.json"))
	assert ex["columns"] == ["sepal_length", "sepal_width", "petal_length", "petal_width"], ex
	rows = [l.rstrip("\n").split(",") for l in open("'"$DATASETS"'/iris.csv")][1:6]
	assert ex["data"] == [[float(v) for v in r[:4]] for r in rows], (ex["data"], rows)
	PY
'

test_expect_success 'the example keeps only the columns the model takes' '
	cairn train --data iris --target species --algo naive_bayes --drop sepal_width --json >d.json &&
	cairn runs get-artifact $(jq_py "d[\"run_id\"]" <d.json) model dpkg >/dev/null &&
	jq_py "d[\"columns\"]" <dpkg/input_example.json >cols &&
	test "$(cat cols)" = "['"'"'sepal_length'"'"', '"'"'petal_length'"'"', '"'"'petal_width'"'"']"
'

test_expect_success 'the smoke gate predicts the example' '
	cairn models check $(cat run) >out &&
	test_grep "^smoke  *5  predicts its input example  pass  *5 rows predicted" out &&
	cairn models check ./pkg >out &&
	test_grep "^smoke  *5 .* pass" out
'

test_expect_success 'an example the model cannot take fails the smoke gate' '
	cp -R pkg broken &&
	sed "s/\"petal_width\"/\"petal_size\"/" pkg/input_example.json >broken/input_example.json &&
	test_expect_code 1 cairn models check ./broken >out &&
	test_grep "^smoke  *0  predicts its input example  FAIL  .*petal_width" out
'

test_expect_success 'an import without an example: smoke is skipped with a note' '
	cairn models import pkg/model.json --signature sepal_length:double,sepal_width:double,petal_length:double,petal_width:double \
		--target-labels setosa,versicolor,virginica --json >i.json &&
	imp=$(jq_py "d[\"run_id\"]" <i.json) &&
	cairn runs get-artifact $imp model ipkg >/dev/null &&
	! test -e ipkg/input_example.json &&
	! grep -q saved_input_example_info ipkg/MLmodel &&
	cairn models check $imp >out &&
	test_grep "^smoke  *-  predicts its input example  skip  *the package has no input example" out &&
	test_grep "^PASS: 0 passed, 0 failed, 1 skipped" out
'

test_expect_success 'an MLflow model with an input example keeps it' '
	mkdir mlflow &&
	cp pkg/model.json mlflow/ &&
	python3 - <<-\PY &&
	import json, yaml
	m = yaml.safe_load(open("pkg/MLmodel"))
	del m["flavors"]["cairn"]
	yaml.safe_dump(m, open("mlflow/MLmodel", "w"))
	ex = json.load(open("pkg/input_example.json"))
	json.dump({"dataframe_split": ex}, open("mlflow/input_example.json", "w"))
	PY
	cairn models import mlflow --json >m.json &&
	mrun=$(jq_py "d[\"run_id\"]" <m.json) &&
	cairn runs get-artifact $mrun model mpkg >/dev/null &&
	python3 -c "import json; a, b = (json.load(open(p)) for p in (\"mpkg/input_example.json\", \"pkg/input_example.json\")); assert a == b, (a, b)" &&
	cairn models check $mrun >out &&
	test_grep "^smoke  *5 .* pass" out
'

test_expect_success 'an MLflow example in no known layout is refused' '
	echo "[1, 2]" >mlflow/input_example.json &&
	test_expect_code 5 cairn models import mlflow 2>err &&
	test_grep "input_example.json. is no input example in the split layout" err
'

test_done
