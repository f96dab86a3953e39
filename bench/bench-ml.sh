#!/bin/bash
# XGBoost through cairn against Python's pandas + xgboost on a 1,000,000-row
# x 20-feature CSV (bench/gen-ml.c; binary target from a noisy linear rule),
# both with 100 rounds of tree_method=hist, max_depth 6, eta 0.3 and 2 threads:
#   - train end to end: `cairn data add` + `cairn train --algo xgboost` (which
#     also records train-logloss per round, on a sample of 10,000 rows, and
#     the training metrics) vs pd.read_csv + XGBClassifier(...).fit, or, where
#     scikit-learn is missing, the xgb.train without evaluation sets that fit
#     makes, + save_model (goal: cairn at most 0.9x Python's time);
#   - batch prediction: `cairn predict MODEL --data big.csv --out p.csv` vs
#     pd.read_csv + predict + to_csv of the same model (goal: at most 1x).
# Best of BENCH_ML_RUNS (default 3), measured in this run, the file in the
# page cache. Skipped with a line when Debian's python3 lacks pandas or
# xgboost (python3-pandas, python3-xgboost: scripts/install-deps.sh).
cd "$(dirname "$0")/.." || exit 1
root=$PWD
. bench/lib.sh
cairn=$root/cairn
work=$root/bench/work/ml
rows=${BENCH_ML_ROWS:-1000000}
runs=${BENCH_ML_RUNS:-3}
threads=2

[ -x "$cairn" ] || { echo "ml: $cairn not built" >&2; exit 1; }
if ! py=$(python_with pandas xgboost); then
	echo "xgboost train and predict vs Python: SKIP (python3 with pandas and xgboost is not installed)"
	exit 0
fi

rm -rf "$work"
mkdir -p "$work" && cd "$work" || exit 1
trap 'cd "$root" && rm -rf "$work"' EXIT
unset CAIRN_DIR CAIRN_RUN_ID

cc -O2 -o gen-ml "$root/bench/gen-ml.c" -lm || exit 1
./gen-ml "$rows" >big.csv || exit 1
touch -d "1 minute ago" big.csv
sync

cat >train.py <<EOF
import sys
import pandas as pd
import xgboost as xgb
df = pd.read_csv("big.csv")
x, y = df.drop(columns="y"), df["y"]
try:
    import sklearn
    m = xgb.XGBClassifier(n_estimators=100, tree_method="hist", max_depth=6, learning_rate=0.3,
                          max_bin=256, n_jobs=$threads, random_state=0, eval_metric="logloss")
    m.fit(x, y)
    b = m.get_booster()
except ImportError:
    d = xgb.DMatrix(x, label=y, nthread=$threads)
    params = {"objective": "binary:logistic", "eval_metric": "logloss", "tree_method": "hist",
              "nthread": $threads, "max_depth": 6, "eta": 0.3, "max_bin": 256, "seed": 0}
    b = xgb.train(params, d, 100)
b.save_model(sys.argv[1])
EOF
fit=$("$py" -c "import sklearn; print('XGBClassifier.fit')" 2>/dev/null || echo "xgb.train")
cat >predict.py <<EOF
import sys
import pandas as pd
import xgboost as xgb
b = xgb.Booster(model_file=sys.argv[1])
b.set_param({"nthread": $threads})
df = pd.read_csv("big.csv")
p = b.predict(xgb.DMatrix(df[[c for c in df.columns if c != "y"]], nthread=$threads))
pd.DataFrame({"prediction": (p > 0.5).astype(int), "proba_0": 1 - p, "proba_1": p}).to_csv(sys.argv[2], index=False)
EOF

cairn_train() {
	rm -rf .cairn && "$cairn" init >/dev/null &&
	"$cairn" data add big.csv >/dev/null &&
	"$cairn" train --data big --target y --algo xgboost --param n_estimators=100 \
		--param tree_method=hist --threads $threads --json >train.json
}

ct=() pt=() cp=() pp=()
for i in $(seq "$runs"); do
	timed ct cairn_train
	timed pt "$py" train.py py-model.json
done
run=$("$py" -c 'import json; print(json.load(open("train.json"))["run_id"])')
for i in $(seq "$runs"); do
	timed cp "$cairn" predict "$run" --data big.csv --out c-pred.csv --force
	timed pp "$py" predict.py py-model.json p-pred.csv
done
[ "$(wc -l <c-pred.csv)" -eq $((rows + 1)) ] || { echo "ml: cairn predict wrote the wrong row count" >&2; exit 1; }

awk -v c="$(best "${ct[@]}")" -v p="$(best "${pt[@]}")" -v cp="$(best "${cp[@]}")" \
    -v pp="$(best "${pp[@]}")" -v rows="$rows" -v fit="$fit" 'BEGIN {
	n = rows >= 1e6 ? sprintf("%gM", rows / 1e6) : sprintf("%gk", rows / 1e3)
	printf "xgboost train end to end (%s x 20 CSV, 100 rounds): cairn %.1f s vs Python (pandas + %s) %.1f s = %.2fx (goal <= 0.9x)\n",
		n, c / 1e6, fit, p / 1e6, c / p
	printf "xgboost batch predict (%s rows CSV to CSV): cairn %.1f s vs Python %.1f s = %.2fx (goal <= 1x)\n",
		n, cp / 1e6, pp / 1e6, cp / pp
}'
