#!/bin/bash
# The model package of xgboost carries what MLflow's pyfunc loader reads:
# the python_function flavor (loader_module mlflow.xgboost, python_version,
# env files written in the package), the xgboost flavor with xgb_version,
# mlflow_version, and an output signature of what Booster.predict returns.
# model.json names its features, so that Python's xgboost and cairn predict
# both refuse a frame whose columns were reordered.
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3

test_expect_success 'setup: iris, and a multiclass and a binary xgboost package' '
	cairn init >/dev/null &&
	cp "$DATASETS/iris.csv" iris.csv &&
	cairn data add iris.csv >/dev/null &&
	cairn train --data iris --target species --algo xgboost --param n_estimators=10 \
		--json >multi.json &&
	cairn runs get-artifact $(jq_py "d[\"run_id\"]" <multi.json) model multi >/dev/null &&
	awk -F, -v OFS=, "NR > 1 { \$5 = (\$5 == \"virginica\") } 1" iris.csv >binary.csv &&
	cairn data add binary.csv >/dev/null &&
	cairn train --data binary --target species --task classification --algo xgboost \
		--param n_estimators=10 --json >binary.json &&
	cairn runs get-artifact $(jq_py "d[\"run_id\"]" <binary.json) model binary >/dev/null
'

# mlmodel DIR EXPR: a Python expression over the MLmodel as `m`.
mlmodel() {
	python3 -c "import sys, yaml; m = yaml.safe_load(open(sys.argv[1] + \"/MLmodel\")); print($2)" "$1"
}

test_expect_success 'MLmodel: the python_function and xgboost flavors, mlflow_version' '
	test "$(mlmodel multi "m[\"flavors\"][\"python_function\"][\"loader_module\"]")" = mlflow.xgboost &&
	test "$(mlmodel multi "m[\"flavors\"][\"python_function\"][\"data\"]")" = model.json &&
	mlmodel multi "m[\"flavors\"][\"python_function\"][\"python_version\"]" >pyver &&
	test_grep "^3\.[0-9]*\.[0-9]*$" pyver &&
	test "$(mlmodel multi "m[\"flavors\"][\"python_function\"][\"env\"]")" = \
		"{'"'"'conda'"'"': '"'"'conda.yaml'"'"', '"'"'virtualenv'"'"': '"'"'python_env.yaml'"'"'}" &&
	test "$(mlmodel multi "m[\"flavors\"][\"xgboost\"][\"model_format\"]")" = json &&
	test "$(mlmodel multi "m[\"flavors\"][\"xgboost\"][\"data\"]")" = model.json &&
	mlmodel multi "m[\"flavors\"][\"xgboost\"][\"xgb_version\"]" >xgbver &&
	test_grep "^[0-9]*\.[0-9]*\.[0-9]*$" xgbver &&
	mlmodel multi "m[\"mlflow_version\"]" >mlver &&
	test_grep "^2\.[0-9]*\.[0-9]*$" mlver
'

test_expect_success 'the env files are in the package and pin xgboost' '
	xgb=$(cat xgbver) && py=$(cat pyver) &&
	test_grep "^xgboost==$xgb$" multi/requirements.txt &&
	test_grep "^mlflow==" multi/requirements.txt &&
	test_grep "^- python=$py$" multi/conda.yaml &&
	test_grep "^  - xgboost==$xgb$" multi/conda.yaml &&
	test_grep "^python: $py$" multi/python_env.yaml &&
	test_grep "^- -r requirements.txt$" multi/python_env.yaml
'

test_expect_success 'the output signature is what Booster.predict returns' '
	mlmodel multi "m[\"signature\"][\"outputs\"]" >out &&
	echo "[{\"tensor-spec\":{\"dtype\":\"float32\",\"shape\":[-1,3]},\"type\":\"tensor\"}]" >expect &&
	test_cmp expect out &&
	mlmodel binary "m[\"signature\"][\"outputs\"]" >out &&
	echo "[{\"tensor-spec\":{\"dtype\":\"float32\",\"shape\":[-1]},\"type\":\"tensor\"}]" >expect &&
	test_cmp expect out &&
	mlmodel multi "m[\"signature\"][\"inputs\"]" | grep "\"name\":\"sepal_length\""
'

test_expect_success 'a model without a pyfunc flavor keeps the label output' '
	cairn train --data iris --target species --algo logistic --json >lr.json &&
	cairn runs get-artifact $(jq_py "d[\"run_id\"]" <lr.json) model lr >/dev/null &&
	test "$(mlmodel lr "sorted(m[\"flavors\"])")" = "['"'"'cairn'"'"']" &&
	! test -f lr/requirements.txt &&
	mlmodel lr "m[\"signature\"][\"outputs\"]" | grep "\"name\":\"prediction\""
'

test_expect_success 'model.json names its features and their types' '
	jq_py "d[\"learner\"][\"feature_names\"]" <multi/model.json >names &&
	echo "['"'"'sepal_length'"'"', '"'"'sepal_width'"'"', '"'"'petal_length'"'"', '"'"'petal_width'"'"']" >expect &&
	test_cmp expect names &&
	jq_py "set(d[\"learner\"][\"feature_types\"])" <multi/model.json >types &&
	echo "{'"'"'float'"'"'}" >expect &&
	test_cmp expect types
'

test_expect_success 'cairn predict refuses reordered columns, naming one (exit 5)' '
	awk -F, -v OFS=, "{ print \$2, \$1, \$3, \$4 }" iris.csv >reordered.csv &&
	test_expect_code 5 cairn predict multi --data reordered.csv 2>err &&
	test_grep "column .sepal_width. of .reordered.csv. comes before .sepal_length." err &&
	awk -F, -v OFS=, "{ print \$5, \$1, \$2, \$3, \$4 }" iris.csv >extra-first.csv &&
	cairn predict multi --data extra-first.csv >pred &&
	test $(wc -l <pred) -eq 151
'

if ! test_have_py xgboost pandas yaml; then
	test_skip 'Python xgboost loads the package as the pyfunc loader does' \
		"$PY cannot import xgboost and pandas (Debian packages python3-xgboost, python3-pandas)"
else
	test_expect_success 'Python xgboost loads the package as the pyfunc loader does' '
		cairn predict multi --data iris.csv --proba >cairn.csv &&
		"$PY" - <<-\PYEOF
		import os, yaml, numpy as np, pandas as pd, xgboost as xgb
		m = yaml.safe_load(open("multi/MLmodel"))
		pf = m["flavors"]["python_function"]
		assert pf["loader_module"] == "mlflow.xgboost"
		# mlflow.xgboost._load_pyfunc: the xgboost flavor'"'"'s data file as a Booster
		b = xgb.Booster()
		b.load_model(os.path.join("multi", m["flavors"]["xgboost"]["data"]))
		assert b.feature_names == ["sepal_length", "sepal_width", "petal_length", "petal_width"]
		df = pd.read_csv("iris.csv").drop(columns=["species"])
		p = b.predict(xgb.DMatrix(df))
		assert p.shape == (150, 3) and p.dtype == np.float32
		c = pd.read_csv("cairn.csv")
		assert np.allclose(p, c[["proba_setosa", "proba_versicolor", "proba_virginica"]].values, atol=1e-6)
		try:
		    b.predict(xgb.DMatrix(df[["sepal_width", "sepal_length", "petal_length", "petal_width"]]))
		except ValueError as e:
		    assert "feature_names mismatch" in str(e), e
		else:
		    raise SystemExit("a reordered frame was accepted")
		PYEOF
	'
fi

test_done
