#!/bin/bash
# cairn models import: XGBoost models saved by Python (JSON, UBJSON, an
# MLflow xgboost directory) predict exactly what Python predicts; a liblinear
# model file predicts what the package it came from predicts; refused imports
# exit 2, 4 or 5 and leave no run behind.
#
# The XGBoost part needs Debian's python3-xgboost (not installed by
# scripts/install-deps.sh) and is skipped without it.
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
have_xgb=
if test_have_py numpy xgboost; then
	have_xgb=1
fi

test_expect_success 'setup' '
	cairn init >/dev/null
'

if test -n "$have_xgb"; then
cat >py.py <<'EOF'
# Python's side: a binary and a 3-class model on data with missing values,
# saved as JSON, UBJSON and an MLflow directory, and their predictions
# written as cairn predict --proba writes them (the shortest text that reads
# back as the same double).
import json, os, sys
import numpy as np
import xgboost as xgb

def num(v):
    r = repr(float(v))
    return r[:-2] if r.endswith(".0") else r

rng = np.random.default_rng(20240611)
n, cols = 400, ["a", "b", "c", "d", "e"]
X = rng.normal(size=(n, len(cols)))
X[rng.random(size=X.shape) < 0.05] = np.nan
z = np.nan_to_num(X)
with open("x.csv", "w") as f:
    f.write(",".join(cols) + "\n")
    for row in X:
        f.write(",".join("" if np.isnan(v) else repr(float(v)) for v in row) + "\n")
d = xgb.DMatrix(X.astype(np.float32), missing=np.nan)

yb = (z[:, 0] + z[:, 1] * z[:, 2] + 0.5 * rng.normal(size=n)) > 0
b = xgb.train({"objective": "binary:logistic", "seed": 1, "max_depth": 4, "eta": 0.3},
              xgb.DMatrix(X, label=yb, missing=np.nan), 30)
b.save_model("bin.json")
b.save_model("bin.ubj")
with open("bin.expect", "w") as f:
    f.write("prediction,proba_0,proba_1\n")
    for p in b.predict(d):
        q = [1.0 - float(p), float(p)]
        f.write("%d,%s,%s\n" % (int(np.argmax(q)), num(q[0]), num(q[1])))

ym = np.digitize(z[:, 0] + 0.5 * z[:, 3], [-0.5, 0.5])
m = xgb.train({"objective": "multi:softprob", "num_class": 3, "seed": 2, "max_depth": 3},
              xgb.DMatrix(X, label=ym, missing=np.nan), 20)
labels = ["high", "low", "mid"]
with open("multi.expect", "w") as f:
    f.write("prediction," + ",".join("proba_" + l for l in labels) + "\n")
    for row in m.predict(d):
        f.write(labels[int(np.argmax(row))] + "," + ",".join(num(v) for v in row) + "\n")

# As MLflow's xgboost flavor saves a model: the booster file and an MLmodel
# whose signature holds the column specs as JSON text.
os.mkdir("mlflow-model")
m.save_model("mlflow-model/model.json")
# MLflow's default model_format, xgb: XGBoost's older binary format.
os.mkdir("mlflow-xgb")
b.save_model("mlflow-xgb/model.xgb")
inputs = json.dumps([{"name": c, "type": "double", "required": True} for c in cols])
outputs = json.dumps([{"type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1, 3]}}])
with open("mlflow-model/MLmodel", "w") as f:
    f.write(f"""artifact_path: model
flavors:
  python_function:
    data: model.json
    env:
      conda: conda.yaml
      virtualenv: python_env.yaml
    loader_module: mlflow.xgboost
    python_version: 3.11.2
  xgboost:
    code: null
    data: model.json
    model_class: xgboost.core.Booster
    model_format: json
    xgb_version: {xgb.__version__}
mlflow_version: 2.9.2
model_uuid: 4d1c7f0e2a8b4b4f9d3c2e1f0a9b8c7d
run_id: 0b2f6c1d5e4a4c3b8a9f7e6d5c4b3a21
signature:
  inputs: '{inputs}'
  outputs: '{outputs}'
  params: null
utc_time_created: '2024-06-11 10:00:00.000000'
""")
with open("mlflow-xgb/MLmodel", "w") as f:
    f.write(f"""artifact_path: model
flavors:
  xgboost:
    code: null
    data: model.xgb
    model_class: xgboost.core.Booster
    model_format: xgb
    xgb_version: {xgb.__version__}
signature:
  inputs: '{inputs}'
  outputs: null
""")
EOF

test_expect_success 'Python saves its models and predictions' '
	"$PY" py.py &&
	test -s bin.json && test -s bin.ubj && test -s mlflow-model/MLmodel &&
	test $(wc -l <bin.expect) -eq 401
'

sig=a:double,b:double,c:double,d:double,e:double

test_expect_success 'a JSON model imported with --signature predicts exactly what Python does' '
	cairn models import bin.json --signature "$sig" --json >imp.json &&
	run=$(jq_py "d[\"run_id\"]" <imp.json) &&
	test "$(jq_py "d[\"format\"], d[\"task\"], *d[\"classes\"]" <imp.json)" = \
		"xgboost-json classification 0 1" &&
	cairn predict $run --data x.csv --proba >pred.csv &&
	test_cmp bin.expect pred.csv
'

test_expect_success 'the import is a FINISHED run in experiment imports with source and format' '
	run=$(jq_py "d[\"run_id\"]" <imp.json) &&
	cairn runs show $run --json >show.json &&
	test "$(jq_py "d[\"status\"], d[\"experiment\"], d[\"name\"]" <show.json)" = \
		"FINISHED imports bin.json" &&
	test "$(jq_py "d[\"params\"][\"source\"], d[\"params\"][\"format\"]" <show.json)" = \
		"bin.json xgboost-json" &&
	cairn runs get-artifact $run model pkg &&
	test_grep "^  xgboost:" pkg/MLmodel &&
	test_grep "^  cairn:" pkg/MLmodel &&
	test_grep "\"keep_missing\": true" pkg/preprocess.json
'

test_expect_success 'a UBJSON model imports and predicts the same' '
	cairn models import bin.ubj --signature " a:double, b:double,c:double,d:double,e:double " \
		--name ubj --json >imp.json &&
	run=$(jq_py "d[\"run_id\"]" <imp.json) &&
	cairn predict $run --data x.csv --proba >pred.csv &&
	test_cmp bin.expect pred.csv
'

test_expect_success 'an MLflow xgboost directory imports without --signature' '
	cairn models import mlflow-model --target-labels high,low,mid --json >imp.json &&
	test "$(jq_py "d[\"format\"], *[c[\"name\"] for c in d[\"features\"]]" <imp.json)" = \
		"mlflow-xgboost a b c d e" &&
	run=$(jq_py "d[\"run_id\"]" <imp.json) &&
	cairn predict $run --data x.csv --proba >pred.csv &&
	test_cmp multi.expect pred.csv
'

test_expect_success 'an MLflow directory in the xgb format imports too' '
	cairn models import mlflow-xgb --json >imp.json 2>err &&
	run=$(jq_py "d[\"run_id\"]" <imp.json) &&
	cairn predict $run --data x.csv --proba >pred.csv &&
	test_cmp bin.expect pred.csv
'

test_expect_success 'the feature count must match the booster' '
	test_expect_code 2 cairn models import bin.json --signature a:double,b:double 2>err &&
	test_grep "the signature names 2 columns, the model in .bin.json. takes 5 features" err
'

test_expect_success 'labels must be as many as the classes, in ascending order' '
	test_expect_code 2 cairn models import mlflow-model --target-labels a,b 2>err &&
	test_grep "names 2 classes, the model has 3" err &&
	test_expect_code 2 cairn models import mlflow-model --target-labels low,mid,high 2>err &&
	test_grep "ascending order" err
'
else
	test_skip "XGBoost models saved by Python import and predict the same" \
		"$PY cannot import xgboost (Debian package python3-xgboost)"
fi

# A liblinear file holds no multi_class: it imports as one-vs-rest, what
# multi_class=ovr trains (t4106 imports a multinomial one).
test_expect_success 'a liblinear model file predicts what its package predicts' '
	cairn data add "$DATASETS/iris.csv" >/dev/null &&
	cairn train --data iris --target species --algo logistic --param multi_class=ovr \
		--json >train.json &&
	trained=$(jq_py "d[\"run_id\"]" <train.json) &&
	cairn runs get-artifact $trained model/model.liblinear model.liblinear &&
	cairn runs get-artifact $trained model/preprocess.json prep.json &&
	# The package standardizes; the imported model takes standardized columns.
	python3 - <<-\PYEOF &&
	import csv, json
	p = json.load(open("prep.json"))
	cols = p["columns"]
	with open("'"$DATASETS"'/iris.csv") as f, open("std.csv", "w") as out:
	    r = csv.DictReader(f)
	    out.write(",".join(c["name"] for c in cols) + "\n")
	    for row in r:
	        out.write(",".join(repr((float(row[c["name"]]) - c["mean"]) / c["std"])
	                           for c in cols) + "\n")
	PYEOF
	cairn models import model.liblinear --target-labels setosa,versicolor,virginica \
		--signature sepal_length:double,sepal_width:double,petal_length:double,petal_width:double \
		--json >imp.json &&
	test "$(jq_py "d[\"format\"], d[\"algorithm\"]" <imp.json)" = "liblinear logistic" &&
	run=$(jq_py "d[\"run_id\"]" <imp.json) &&
	cairn predict $trained --data "$DATASETS/iris.csv" --proba >expect &&
	cairn predict $run --data std.csv --proba >actual &&
	test_cmp expect actual
'

test_expect_success 'a liblinear model without labels predicts classes 0, 1, 2' '
	cairn models import model.liblinear --name plain \
		--signature sepal_length:double,sepal_width:double,petal_length:double,petal_width:double \
		--json >imp.json &&
	run=$(jq_py "d[\"run_id\"]" <imp.json) &&
	cairn predict $run --data std.csv >pred &&
	tail -n +2 pred | sort -u >classes &&
	printf "%s\n" 0 1 2 >expect &&
	test_cmp expect classes
'

test_expect_success 'refused imports: clear messages, exit 2, 4 or 5, no run left' '
	cairn runs list --json >before &&
	test_expect_code 4 cairn models import missing.json --signature a:double 2>err &&
	test_grep "cannot import .missing.json.: no such file" err &&
	echo "hello" >notes.txt &&
	test_expect_code 5 cairn models import notes.txt --signature a:double 2>err &&
	test_grep "cannot import .notes.txt.: unknown format" err &&
	test_expect_code 2 cairn models import model.liblinear 2>err &&
	test_grep "needs its input columns: a signature" err &&
	test_grep "hint: give the input columns with --signature" err &&
	test_expect_code 2 cairn models import model.liblinear --signature "a-double" 2>err &&
	test_grep "is not NAME:TYPE" err &&
	test_expect_code 2 cairn models import model.liblinear \
		--signature a:double,b:string,c:double,d:double 2>err &&
	test_grep "column .b. has type .string." err &&
	test_expect_code 2 cairn models import model.liblinear \
		--signature a:double,a:double,c:double,d:double 2>err &&
	test_grep "column .a. is named twice" err &&
	test_expect_code 2 cairn models import model.liblinear --signature a:double 2>err &&
	test_grep "takes 4 features" err &&
	printf "solver_type L2R_LR\nnr_class 2\n" >trunc.liblinear &&
	test_expect_code 5 cairn models import trunc.liblinear --signature a:double 2>err &&
	mkdir sk && printf "flavors:\n  sklearn:\n    pickled_model: model.pkl\n" >sk/MLmodel &&
	test_expect_code 2 cairn models import sk 2>err &&
	test_grep "unknown format .MLmodel flavors: sklearn.; cairn imports the xgboost flavor" err &&
	mkdir empty &&
	test_expect_code 5 cairn models import empty 2>err &&
	test_grep "a directory without an MLmodel" err &&
	cairn runs list --json >after &&
	test_cmp before after
'

test_expect_success 'models without a subcommand lists them; import needs PATH' '
	test_expect_code 2 cairn models 2>err &&
	test_grep "import" err &&
	test_expect_code 2 cairn models import 2>err &&
	test_grep "import takes one PATH" err
'

test_done
