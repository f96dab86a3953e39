#!/bin/bash
# The xgboost and random_forest algorithms against Python's xgboost of the
# same version: on the same float32 matrix with the same params, seed and one
# thread, cairn and xgb.train write the same model.json bytes, report the
# same metrics and predict the same values to the last bit; models saved by
# Python (JSON and UBJSON) load in cairn and the reverse.
#
# The algorithms are driven by tests/e2e/helpers/xgb-driver.c, built here
# against libcairn.a. Needs Debian's python3-xgboost (not installed by
# scripts/install-deps.sh): skipped without it.
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
if ! test_have_py numpy xgboost; then
	test_skip_all "$PY cannot import xgboost (Debian package python3-xgboost)"
fi
if [ "$(py_version xgboost)" != 1.7.4 ]; then
	test_skip_all "python xgboost is $(py_version xgboost), not the 1.7.4 of libxgboost0"
fi
if ! test -f "$SRC_ROOT/libcairn.a"; then
	test_skip_all "libcairn.a is not built (run make)"
fi

cat >py.py <<'EOF'
# Python's side: data generation, xgb.train, prediction, importance.
import json, sys, traceback
import numpy as np
import xgboost as xgb

def save(prefix, X, y):
    X = np.ascontiguousarray(X, dtype="<f4")
    np.asarray(y, dtype="<f4").tofile(prefix + ".y")
    X.tofile(prefix + ".x")
    with open(prefix + ".shape", "w") as f:
        f.write("%d %d\n" % X.shape)

def load(prefix):
    with open(prefix + ".shape") as f:
        r, c = map(int, f.read().split())
    return (np.fromfile(prefix + ".x", dtype="<f4").reshape(r, c),
            np.fromfile(prefix + ".y", dtype="<f4"))

def gen(argv):
    rng = np.random.default_rng(20240601)
    n, k = 3000, 8
    X = rng.normal(size=(n, k)).astype(np.float32)
    X[rng.random(size=(n, k)) < 0.05] = np.nan
    z = np.nan_to_num(X)
    binary = (z[:, 0] + z[:, 1] * z[:, 2] + rng.normal(size=n)) > 0
    multi = np.digitize(z[:, 0] + 0.5 * z[:, 3] + 0.3 * rng.normal(size=n), [-0.7, 0, 0.7])
    reg = 3 * z[:, 0] - 2 * z[:, 1] ** 2 + np.sin(z[:, 2]) + rng.normal(size=n)
    for name, y in (("binary", binary), ("multi", multi), ("reg", reg)):
        save(name + "-train", X[:2000], y[:2000])
        save(name + "-valid", X[2000:], y[2000:])

def train(argv):
    # PARAMS ROUNDS DATA OUTDIR [VALID|-] [EARLY_STOPPING] [INIT_MODEL|-]
    params, rounds = json.loads(argv[0]), int(argv[1])
    X, y = load(argv[2])
    d = xgb.DMatrix(X, label=y, missing=np.nan)
    evals = [(d, "train")]
    if len(argv) > 4 and argv[4] != "-":
        Xv, yv = load(argv[4])
        evals.append((xgb.DMatrix(Xv, label=yv, missing=np.nan), "valid"))
    callbacks = []
    if len(argv) > 5 and argv[5] != "0":
        callbacks.append(xgb.callback.EarlyStopping(rounds=int(argv[5]), save_best=True))
    init = argv[6] if len(argv) > 6 and argv[6] != "-" else None
    start = xgb.Booster(model_file=init).num_boosted_rounds() if init else 0
    hist = {}
    b = xgb.train(params, d, rounds, evals=evals, evals_result=hist, verbose_eval=False,
                  callbacks=callbacks, xgb_model=init)
    b.save_model(argv[3] + "/model.json")
    b.save_model(argv[3] + "/model.ubj")
    with open(argv[3] + "/metrics", "w") as f:
        for i in range(len(next(iter(hist["train"].values())))):
            for s in hist:
                for m in hist[s]:
                    f.write("%d %s-%s %.17g\n" % (start + i, s, m, hist[s][m][i]))

def predict(argv):
    # MODEL DATA NCLASSES: cairn's outputs (two columns for binary) as text
    b = xgb.Booster(model_file=argv[0])
    X, _ = load(argv[1])
    p = b.predict(xgb.DMatrix(X, missing=np.nan)).astype(np.float64)
    nclasses = int(argv[2])
    for row in p:
        vals = [1.0 - row, row] if nclasses == 2 else list(row) if nclasses > 2 else [row]
        print(" ".join("%.17g" % v for v in vals))

def importance(argv):
    # MODEL NFEATURES: each feature's share of the total gain
    s = xgb.Booster(model_file=argv[0]).get_score(importance_type="total_gain")
    t = sum(s.values())
    for i in range(int(argv[1])):
        print("%.6f" % (s.get("f%d" % i, 0) / t))

def others(argv):
    # A model with feature names (multi:softmax), one of an objective cairn
    # does not read (rank:pairwise), and the rows "three" with their argmax.
    rng = np.random.default_rng(1)
    X = rng.normal(size=(300, 3)).astype(np.float32)
    y = np.digitize(X[:, 0], [-0.5, 0.5]).astype(np.float32)
    d = xgb.DMatrix(X, label=y, feature_names=["a", "b", "c"])
    b = xgb.train({"objective": "multi:softmax", "num_class": 3, "seed": 1}, d, 5)
    b.save_model("softmax.ubj")
    m = b.predict(d, output_margin=True).astype(np.float64)
    p = np.exp(m - m.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    np.savetxt("softmax-argmax", p.argmax(axis=1), fmt="%d")
    yb = (X[:, 1] > 0).astype(np.float32)
    xgb.train({"objective": "rank:pairwise"}, xgb.DMatrix(X, label=yb), 2).save_model("rank.json")
    y.tofile("three.y")
    X.tofile("three.x")
    with open("three.shape", "w") as f:
        f.write("300 3\n")

commands = {"gen": gen, "train": train, "predict": predict, "importance": importance,
            "others": others}

# Importing xgboost takes seconds: one process serves every command. For
# each line on standard input it runs the command whose arguments py.args
# holds (NUL-separated), its output into py.out, and answers with its exit
# status (1, and the traceback in py.err, when it raised).
for line in sys.stdin:
    with open("py.args", "rb") as f:
        argv = [a.decode() for a in f.read().split(b"\0")[:-1]]
    status = 0
    with open("py.out", "w") as out, open("py.err", "w") as err:
        sys.stdout = out
        try:
            commands[argv[0]](argv[1:])
        except Exception:
            traceback.print_exc(file=err)
            status = 1
        sys.stdout = sys.__stdout__
    print(status, flush=True)
EOF

# py COMMAND ARGS...: runs COMMAND in the one process of py.py, started here
# between two pipes.
mkfifo py.to py.from
"$PY" py.py <py.to >py.from &
py_pid=$!
exec 8>py.to 9<py.from

py() {
	local status
	printf "%s\0" "$@" >"$TRASH/py.args" &&
	echo >&8 &&
	read -r status <&9 &&
	cat "$TRASH/py.out" &&
	cat "$TRASH/py.err" >&2 &&
	return "$status"
}

# same NAME NCLASSES VALID: cairn's c-NAME and Python's p-NAME hold the same
# model and metrics, and both predict VALID as each other does.
same() {
	test_cmp p-$1/model.json c-$1/model.json &&
	test_cmp p-$1/metrics c-$1/metrics &&
	./xgb-driver predict c-$1/model.json $3 >c-$1/pred &&
	py predict c-$1/model.json $3 $2 >p-$1/pred-of-cairn &&
	py predict p-$1/model.json $3 $2 >p-$1/pred &&
	./xgb-driver predict p-$1/model.ubj $3 >c-$1/pred-of-ubj &&
	test_cmp p-$1/pred c-$1/pred &&
	test_cmp c-$1/pred p-$1/pred-of-cairn &&
	test_cmp c-$1/pred c-$1/pred-of-ubj
}

test_expect_success 'the driver builds against libcairn.a' '
	san=$(grep -o -e "-fsanitize=[^ ]*" "$SRC_ROOT/build/FLAGS" 2>/dev/null | head -n 1) &&
	${CC:-cc} -std=c11 -D_GNU_SOURCE -O1 -g $san -I"$SRC_ROOT/include" -I"$SRC_ROOT/src" \
		-I"$SRC_ROOT" $(pkg-config --cflags jansson) -o xgb-driver \
		"$SRC_ROOT/tests/e2e/helpers/xgb-driver.c" "$SRC_ROOT/libcairn.a" \
		$(pkg-config --libs libcrypto jansson sqlite3 yaml-0.1) -llbfgs -ldl -pthread -lm &&
	py gen &&
	test -s binary-train.x
'

test_expect_success 'binary classification: same model, metrics and predictions' '
	mkdir c-bin p-bin &&
	./xgb-driver fit -v binary-valid -s 42 -t 1 xgboost classification 2 binary-train c-bin \
		n_estimators=50 max_depth=4 learning_rate=0.1 subsample=0.8 \
		colsample_bytree=0.7 >c-bin/metrics &&
	py train "{\"objective\": \"binary:logistic\", \"eval_metric\": \"logloss\",
		   \"seed\": 42, \"nthread\": 1, \"tree_method\": \"hist\", \"max_depth\": 4,
		   \"eta\": 0.1, \"subsample\": 0.8, \"colsample_bytree\": 0.7}" \
		50 binary-train p-bin binary-valid &&
	test $(wc -l <c-bin/metrics) -eq 100 &&
	same bin 2 binary-valid
'

test_expect_success 'multiclass classification, column sampling by node and regularization' '
	mkdir c-multi p-multi &&
	./xgb-driver fit -v multi-valid -s 7 -t 1 xgboost classification 4 multi-train c-multi \
		n_estimators=30 max_depth=5 subsample=0.9 colsample_bynode=0.5 reg_lambda=2 \
		reg_alpha=0.5 gamma=0.1 min_child_weight=2 >c-multi/metrics &&
	py train "{\"objective\": \"multi:softprob\", \"num_class\": 4,
		   \"eval_metric\": \"mlogloss\", \"seed\": 7, \"nthread\": 1,
		   \"tree_method\": \"hist\", \"max_depth\": 5, \"subsample\": 0.9,
		   \"colsample_bynode\": 0.5, \"lambda\": 2, \"alpha\": 0.5, \"gamma\": 0.1,
		   \"min_child_weight\": 2}" 30 multi-train p-multi multi-valid &&
	same multi 4 multi-valid
'

test_expect_success 'regression with the approx and exact tree methods' '
	mkdir c-reg p-reg c-exact p-exact &&
	./xgb-driver fit -v reg-valid -s 3 -t 1 xgboost regression 0 reg-train c-reg \
		n_estimators=40 tree_method=approx max_bin=64 >c-reg/metrics &&
	py train "{\"objective\": \"reg:squarederror\", \"eval_metric\": \"rmse\", \"seed\": 3,
		   \"nthread\": 1, \"tree_method\": \"approx\", \"max_bin\": 64}" \
		40 reg-train p-reg reg-valid &&
	same reg 0 reg-valid &&
	./xgb-driver fit -v reg-valid -s 3 -t 1 xgboost regression 0 reg-train c-exact \
		n_estimators=20 tree_method=exact subsample=0.5 >c-exact/metrics &&
	py train "{\"objective\": \"reg:squarederror\", \"eval_metric\": \"rmse\", \"seed\": 3,
		   \"nthread\": 1, \"tree_method\": \"exact\", \"subsample\": 0.5}" \
		20 reg-train p-exact reg-valid &&
	same exact 0 reg-valid
'

# The forest defaults: rows sampled as a bootstrap keeps 0.632 of them, the
# square root of the 8 features (2 of 8) per split, leaves of one row.
test_expect_success 'random_forest is XGBoost'"'"'s random-forest mode' '
	mkdir c-rf p-rf &&
	./xgb-driver fit -v binary-valid -s 5 -t 1 random_forest classification 2 binary-train \
		c-rf n_estimators=40 max_depth=5 >c-rf/metrics &&
	py train "{\"objective\": \"binary:logistic\", \"eval_metric\": \"logloss\", \"seed\": 5,
		   \"nthread\": 1, \"tree_method\": \"hist\", \"num_parallel_tree\": 40,
		   \"max_depth\": 5, \"learning_rate\": 1, \"subsample\": 0.632,
		   \"colsample_bynode\": 0.25, \"min_child_weight\": 0.001,
		   \"reg_lambda\": 1e-5}" 1 binary-train p-rf binary-valid &&
	same rf 2 binary-valid &&
	./xgb-driver info c-rf/model.json >info &&
	echo "binary:logistic classification 2 8 1" >expect &&
	test_cmp expect info
'

test_expect_success 'early stopping keeps the best rounds, as EarlyStopping(save_best=True)' '
	mkdir c-es p-es &&
	./xgb-driver fit -v binary-valid -s 9 -t 1 xgboost classification 2 binary-train c-es \
		n_estimators=300 learning_rate=0.5 early_stopping_rounds=5 >c-es/metrics &&
	py train "{\"objective\": \"binary:logistic\", \"eval_metric\": \"logloss\", \"seed\": 9,
		   \"nthread\": 1, \"tree_method\": \"hist\", \"eta\": 0.5}" \
		300 binary-train p-es binary-valid 5 &&
	same es 2 binary-valid &&
	rounds=$(./xgb-driver info c-es/model.json | cut -d" " -f5) &&
	last=$(tail -n 1 c-es/metrics | cut -d" " -f1) &&
	test "$rounds" -lt 300 &&
	test "$rounds" -eq $((last + 1 - 5))
'

test_expect_success 'warm start continues a model as xgb.train(xgb_model=...) does' '
	mkdir c-warm p-warm &&
	./xgb-driver fit -s 1 -t 1 -i c-bin xgboost classification 2 binary-valid c-warm \
		n_estimators=10 max_depth=3 >c-warm/metrics &&
	py train "{\"objective\": \"binary:logistic\", \"eval_metric\": \"logloss\", \"seed\": 1,
		   \"nthread\": 1, \"tree_method\": \"hist\", \"max_depth\": 3}" \
		10 binary-valid p-warm - 0 c-bin/model.json &&
	same warm 2 binary-valid &&
	head -n 1 c-warm/metrics | grep "^50 train-logloss " &&
	./xgb-driver info c-warm/model.json | grep " 60$" &&
	test_must_fail ./xgb-driver fit -s 1 -t 1 -i c-bin xgboost classification 4 multi-train \
		c-bad 2>err &&
	test_grep "its objective is binary:logistic, this data needs multi:softprob" err
'

test_expect_success 'importance is the share of total gain that Python reports' '
	./xgb-driver importance c-multi/model.json >c-imp &&
	py importance p-multi/model.json 8 >p-imp &&
	test_cmp p-imp c-imp
'

test_expect_success 'a Python model with feature names and another objective loads' '
	py others &&
	./xgb-driver info softmax.ubj >info &&
	echo "multi:softmax classification 3 3 5" >expect &&
	test_cmp expect info &&
	./xgb-driver predict softmax.ubj three >pred &&
	awk "{ m = 1; for (i = 2; i <= NF; i++) if (\$i > \$m) m = i; print m - 1 }" pred >argmax &&
	test_cmp softmax-argmax argmax &&
	test_must_fail ./xgb-driver info rank.json 2>err &&
	test_grep "objective .rank:pairwise. is not supported" err
'

exec 8>&- 9<&-
wait $py_pid
test_done
