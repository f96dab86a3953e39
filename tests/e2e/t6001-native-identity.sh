#!/bin/bash
# The native evaluators (src/ml/native.h) predict the same bytes as the
# libraries: models trained with cairn train (xgboost and random forest:
# binary, multiclass, many classes, regression, deep trees, with missing
# values in training and prediction; logistic, linear SVM, linear) and
# XGBoost models of other objectives and base scores, and of categorical
# splits, trained by Python and imported with cairn models import, each
# predicting 10,000 rows with
# cairn_model_predict and with the libraries, all rows in one call and the
# first rows one call each (tests/e2e/helpers/native-identity.c).
#
# The Python models need Debian's python3-xgboost (not installed by
# scripts/install-deps.sh): skipped without it.
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
if ! test_have_py numpy; then
	test_skip_all "$PY cannot import numpy (Debian package python3-numpy)"
fi
if ! test -f "$SRC_ROOT/libcairn.a"; then
	test_skip_all "libcairn.a is not built (run make)"
fi
have_xgb=
if test_have_py xgboost && test "$(py_version xgboost)" = 1.7.4; then
	have_xgb=1
fi

cat >gen.py <<'EOF'
# Training rows and 10,000 rows to predict, with about 5% missing values;
# half the features are multiples of 0.25, so that many values fall exactly
# on split thresholds.
import numpy as np
rng = np.random.default_rng(20261207)

def frame(n):
    X = rng.normal(size=(n, 8))
    X[:, 4:] = np.round(X[:, 4:] * 4) / 4
    X[rng.random(size=X.shape) < 0.05] = np.nan
    return X

def write(path, X, targets):
    cols = ["f%d" % i for i in range(X.shape[1])] + [t[0] for t in targets]
    with open(path, "w") as f:
        f.write(",".join(cols) + "\n")
        for i, row in enumerate(X):
            cells = ["" if np.isnan(v) else repr(float(v)) for v in row]
            f.write(",".join(cells + [str(t[1][i]) for t in targets]) + "\n")

X = frame(2000)
z = np.nan_to_num(X)
n = len(X)
s = z[:, 0] + z[:, 1] * z[:, 2] + 0.5 * z[:, 4] + 0.5 * rng.normal(size=n)
targets = [
    ("yb", np.where(s > 0, "yes", "no")),
    ("ym", np.digitize(z[:, 0] + 0.5 * z[:, 3], [-0.5, 0.5])),
    ("yk", np.array(["c%02d" % v for v in np.digitize(s, np.linspace(-2.5, 2.5, 11))])),
    ("yr", np.round(3 * z[:, 0] - 2 * z[:, 1] ** 2 + np.sin(z[:, 5]) + rng.normal(size=n), 6)),
]
write("train.csv", X, targets)
np.save("train-x.npy", X)
for name, y in targets:
    np.save("train-%s.npy" % name, y)
write("x.csv", frame(10000), [])
EOF

cat >py.py <<'EOF'
# XGBoost models of the objectives cairn train does not produce, some with
# a base score of their own, and one of categorical splits, saved as MLflow
# xgboost directories.
import json, os
import numpy as np
import xgboost as xgb
X = np.load("train-x.npy")
z = np.nan_to_num(X)
yb = (np.load("train-yb.npy") == "yes").astype(float)
yr = np.load("train-yr.npy").astype(float)
ym = np.load("train-ym.npy").astype(float)
count = np.floor(np.exp(0.3 * z[:, 0] + 0.2 * z[:, 4]) * 2)
pos = np.exp(0.3 * z[:, 0]) + 0.1
models = {
    "logistic-base": ({"objective": "binary:logistic", "base_score": 0.3}, yb),
    "logitraw": ({"objective": "binary:logitraw"}, yb),
    "hinge": ({"objective": "binary:hinge"}, yb),
    "softmax": ({"objective": "multi:softmax", "num_class": 3}, ym),
    "reg-base": ({"objective": "reg:squarederror", "base_score": 7.25}, yr),
    "reg-logistic": ({"objective": "reg:logistic"}, (yr > 0).astype(float) * 0.8 + 0.1),
    "poisson": ({"objective": "count:poisson"}, count),
    "gamma": ({"objective": "reg:gamma", "base_score": 2.5}, pos),
    "tweedie": ({"objective": "reg:tweedie"}, count),
    "pseudohuber": ({"objective": "reg:pseudohubererror"}, yr),
    "absolute": ({"objective": "reg:absoluteerror"}, yr),
    "exact": ({"objective": "binary:logistic", "tree_method": "exact", "max_depth": 10}, yb),
}
cols = ["f%d" % i for i in range(X.shape[1])]
inputs = json.dumps([{"name": c, "type": "double", "required": True} for c in cols])
def save(name, b):
    os.mkdir(name)
    b.save_model(name + "/model.json")
    with open(name + "/MLmodel", "w") as f:
        f.write(f"""artifact_path: model
flavors:
  xgboost:
    code: null
    data: model.json
    model_class: xgboost.core.Booster
    model_format: json
    xgb_version: {xgb.__version__}
signature:
  inputs: '{inputs}'
  outputs: null
""")

for name, (params, y) in models.items():
    params = dict(params, seed=1, max_depth=params.get("max_depth", 5), nthread=1)
    save(name, xgb.train(params, xgb.DMatrix(X, label=y, missing=np.nan), 30))
# Categorical splits on f4, trained on its values as categories 0..12; the
# rows to predict hold negative and fractional values there too.
Xc = X.copy()
Xc[:, 4] = np.abs(np.round(Xc[:, 4] * 4))
d = xgb.DMatrix(Xc, label=yb, missing=np.nan, enable_categorical=True,
                feature_types=["q"] * 4 + ["c"] + ["q"] * 3)
save("categorical", xgb.train({"objective": "binary:logistic", "tree_method": "hist",
                                "max_cat_to_onehot": 1, "max_depth": 5, "seed": 1,
                                "nthread": 1}, d, 30))
EOF

# same MODELREF: native and library predictions of x.csv are the same
# bytes, and the model predicts natively; its output in NAME.out.
same() {
	./native-identity $(jq_py "d[\"run_id\"]" <"$1.json") x.csv >"$1.out" &&
	cat "$1.out" &&
	test_grep "^identical: 10000 rows x [0-9]* outputs [(]native[)]" "$1.out"
}

# trained NAME ARGS...: cairn train ARGS on the dataset train, as NAME.
trained() {
	name=$1
	shift
	cairn train --data train --name "$name" --seed 7 --json "$@" >"$name.json"
}

test_expect_success 'setup: data, the checker' '
	cairn init >/dev/null &&
	"$PY" gen.py &&
	test $(wc -l <x.csv) -eq 10001 &&
	cairn data add train.csv >/dev/null &&
	san=$(grep -o -e "-fsanitize=[^ ]*" "$SRC_ROOT/build/FLAGS" 2>/dev/null | head -n 1) &&
	${CC:-cc} -std=c11 -D_GNU_SOURCE -O1 -g $san -I"$SRC_ROOT/include" -I"$SRC_ROOT/src" \
		-I"$SRC_ROOT" $(pkg-config --cflags jansson) -o native-identity \
		"$SRC_ROOT/tests/e2e/helpers/native-identity.c" "$SRC_ROOT/libcairn.a" \
		$(pkg-config --libs libcrypto jansson sqlite3 yaml-0.1 libzstd) -llbfgs -ldl \
		-pthread -lm
'

test_expect_success 'xgboost binary, with missing values in training and prediction' '
	trained xgb-binary --target yb --drop ym,yk,yr --algo xgboost &&
	same xgb-binary
'

test_expect_success 'xgboost multiclass' '
	trained xgb-multi --target ym --drop yb,yk,yr --algo xgboost --param n_estimators=60 &&
	same xgb-multi
'

test_expect_success 'xgboost with many classes' '
	trained xgb-many --target yk --drop yb,ym,yr --algo xgboost --param n_estimators=20 &&
	same xgb-many &&
	test_grep "x 1[0-9] outputs" xgb-many.out
'

test_expect_success 'xgboost regression' '
	trained xgb-reg --target yr --drop yb,ym,yk --algo xgboost &&
	same xgb-reg
'

test_expect_success 'xgboost regression of deep trees (lossguide, exact splits)' '
	trained xgb-deep --target yr --drop yb,ym,yk --algo xgboost --param max_depth=0 \
		--param grow_policy=lossguide --param max_leaves=256 --param min_child_weight=0 \
		--param n_estimators=30 &&
	same xgb-deep
'

test_expect_success 'random forest binary' '
	trained rf-binary --target yb --drop ym,yk,yr --algo random_forest --param n_estimators=50 &&
	same rf-binary
'

test_expect_success 'random forest multiclass' '
	trained rf-multi --target ym --drop yb,yk,yr --algo random_forest --param n_estimators=30 &&
	same rf-multi
'

test_expect_success 'random forest regression' '
	trained rf-reg --target yr --drop yb,ym,yk --algo random_forest --param n_estimators=30 &&
	same rf-reg
'

test_expect_success 'logistic (one-vs-rest and multinomial), linear SVM, linear' '
	trained lr-binary --target yb --drop ym,yk,yr --algo logistic &&
	same lr-binary &&
	trained lr-ovr --target ym --drop yb,yk,yr --algo logistic --param multi_class=ovr &&
	same lr-ovr &&
	trained lr-multinomial --target ym --drop yb,yk,yr --algo logistic &&
	same lr-multinomial &&
	trained svm --target ym --drop yb,yk,yr --algo linear_svm &&
	same svm &&
	trained svm-binary --target yb --drop ym,yk,yr --algo linear_svm &&
	same svm-binary &&
	trained linear --target yr --drop yb,ym,yk --algo linear &&
	same linear
'

test_expect_success 'an ensemble combines its members natively' '
	cairn train --data train --target ym --drop yb,yk,yr --algo ensemble \
		--members $(jq_py "d[\"run_id\"]" <xgb-multi.json),$(jq_py "d[\"run_id\"]" <lr-ovr.json) \
		--json >ens.json &&
	./native-identity $(jq_py "d[\"run_id\"]" <ens.json) x.csv >ens.out &&
	test_grep "^identical: 10000 rows x 3 outputs" ens.out
'

if test -n "$have_xgb"; then
test_expect_success 'Python models of other objectives, base scores, categorical splits' '
	"$PY" py.py &&
	for m in logistic-base logitraw hinge softmax reg-base reg-logistic poisson gamma \
		 tweedie pseudohuber absolute exact categorical
	do
		labels= &&
		case $m in softmax) labels="--target-labels a,b,c" ;; esac &&
		cairn models import $m $labels --name $m --json >$m.json &&
		same $m || exit 1
	done
'
else
	test_skip 'Python models of other objectives' "$PY cannot import xgboost 1.7.4 (python3-xgboost)"
fi

test_done
