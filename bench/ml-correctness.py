#!/usr/bin/python3
"""Scores every supervised algorithm of cairn against scikit-learn's matching
estimator, with default settings, on the same 5 cross-validation folds.

For each dataset and algorithm it runs `cairn train --cv 5` (a tracked run in
a temporary workspace), reads the folds cairn used from the run's artifact
cv/folds.json, and fits the scikit-learn estimator on exactly those folds.
The score is accuracy for classification and R^2 for regression, as a mean
over the folds; the gap is cairn's mean minus scikit-learn's, in points
(hundredths). A gap below -LIMIT points fails.

    /usr/bin/python3 bench/ml-correctness.py [--cairn ./cairn] [--data DIR]
        [--only DATASET] [--markdown] [--limit 1.5]

scikit-learn gets the same feature encoding cairn uses: categorical columns
one-hot encoded, and, for the linear and distance-based estimators, numeric
columns standardized on each training fold (scikit-learn's documented
practice for them; cairn does the same inside the model). Everything else
is the estimator's default (random_state is fixed for the forests, so that
the figures repeat). For xgboost the matching estimator is xgboost's own
scikit-learn interface; scikit-learn's HistGradientBoosting is shown beside
it for reference, not gated.

A development and benchmark aid only: scikit-learn (Debian python3-sklearn)
is never a dependency of cairn. Without it the script says so and exits 0.
Exit status: 0 when every gap is within the limit, 1 otherwise.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))

try:
    import numpy as np
    import pandas as pd
    from sklearn.compose import ColumnTransformer
    from sklearn.ensemble import (HistGradientBoostingClassifier,
                                  HistGradientBoostingRegressor, RandomForestClassifier,
                                  RandomForestRegressor)
    from sklearn.linear_model import LinearRegression, LogisticRegression
    from sklearn.naive_bayes import GaussianNB
    from sklearn.neighbors import KNeighborsClassifier, KNeighborsRegressor
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler
    from sklearn.svm import LinearSVC
    import warnings
    from sklearn.exceptions import ConvergenceWarning
except ImportError as e:
    print(f"SKIP: scikit-learn is not installed ({e}); apt-get install python3-sklearn")
    sys.exit(0)
try:
    from xgboost import XGBClassifier, XGBRegressor
except ImportError:
    XGBClassifier = XGBRegressor = None

# dataset file -> (target, task)
DATASETS = {
    "iris": ("species", "classification"),
    "breast_cancer": ("diagnosis", "classification"),
    "letter": ("lettr", "classification"),
    "diabetes": ("progression", "regression"),
    "diamonds": ("price", "regression"),
}

# cairn algorithm -> (scaled?, classification estimator, regression estimator)
ESTIMATORS = {
    "logistic": (True, lambda: LogisticRegression(), None),
    "linear_svm": (True, lambda: LinearSVC(), None),
    "linear": (True, None, lambda: LinearRegression()),
    "knn": (True, lambda: KNeighborsClassifier(), lambda: KNeighborsRegressor()),
    "naive_bayes": (False, lambda: GaussianNB(), None),
    "random_forest": (False, lambda: RandomForestClassifier(random_state=0),
                      lambda: RandomForestRegressor(random_state=0)),
    "xgboost": (False, XGBClassifier and (lambda: XGBClassifier()),
                XGBRegressor and (lambda: XGBRegressor())),
}
# Not gated: scikit-learn's own gradient boosting beside xgboost, for reference.
REFERENCES = {
    "xgboost": ("HistGradientBoosting", lambda: HistGradientBoostingClassifier(random_state=0),
                lambda: HistGradientBoostingRegressor(random_state=0)),
}
PEER = {
    "logistic": "LogisticRegression", "linear_svm": "LinearSVC",
    "linear": "LinearRegression", "knn": "KNeighbors", "naive_bayes": "GaussianNB",
    "random_forest": "RandomForest", "xgboost": "xgboost.XGB (sklearn API)",
}


def cairn(binary, ws, *args):
    out = subprocess.run([binary, *args], cwd=ws, capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"cairn {' '.join(args)} failed ({out.returncode}): {out.stderr.strip()}")
    return out.stdout


def cairn_cv(binary, ws, name, target, algo):
    """(per-fold scores, test rows per fold, seconds)."""
    t0 = time.monotonic()
    res = json.loads(cairn(binary, ws, "train", "--data", name, "--target", target,
                           "--algo", algo, "--cv", "5", "--json"))
    took = time.monotonic() - t0
    dest = os.path.join(ws, "folds.json")
    cairn(binary, ws, "runs", "get-artifact", res["run_id"], "cv/folds.json", dest)
    with open(dest) as f:
        folds = json.load(f)["test_rows"]
    os.unlink(dest)
    key = "accuracy" if "accuracy" in res["metrics"]["cv"] else "r2"
    return res["metrics"]["cv"][key]["folds"], folds, took


def sklearn_cv(frame, target, task, scaled, make, folds):
    x = frame.drop(columns=[target])
    y = frame[target].to_numpy()
    text = [c for c in x.columns if x[c].dtype == object]
    num = [c for c in x.columns if c not in text]
    if task == "classification":
        y = np.unique(y, return_inverse=True)[1]
    scores = []
    t0 = time.monotonic()
    for test in folds:
        mask = np.zeros(len(y), dtype=bool)
        mask[test] = True
        steps = []
        if text:
            steps.append(("onehot", OneHotEncoder(handle_unknown="ignore"), text))
        steps.append(("num", StandardScaler() if scaled else "passthrough", num))
        model = make_pipeline(ColumnTransformer(steps), make())
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            model.fit(x[~mask], y[~mask])
        scores.append(model.score(x[mask], y[mask]))
    return scores, time.monotonic() - t0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cairn", default=os.path.join(HERE, "..", "cairn"))
    ap.add_argument("--data", default=os.path.join(HERE, "..", "..", "shared", "datasets"))
    ap.add_argument("--only", action="append", help="a dataset (repeatable)")
    ap.add_argument("--algo", action="append", help="an algorithm (repeatable)")
    ap.add_argument("--limit", type=float, default=1.5)
    ap.add_argument("--markdown", action="store_true")
    a = ap.parse_args()
    binary = os.path.abspath(a.cairn)
    failed = 0
    rows = []
    references = []
    with tempfile.TemporaryDirectory(prefix="cairn-ml-correctness.") as ws:
        cairn(binary, ws, "init")
        for name, (target, task) in DATASETS.items():
            if a.only and name not in a.only:
                continue
            path = os.path.join(a.data, name + ".csv")
            if not os.path.exists(path):
                print(f"SKIP {name}: {path} not found", file=sys.stderr)
                continue
            cairn(binary, ws, "data", "add", path, "--name", name)
            frame = pd.read_csv(path)
            for algo, (_, make_c, make_r) in ESTIMATORS.items():
                if a.algo and algo not in a.algo:
                    continue
                if (make_c if task == "classification" else make_r) is None:
                    continue
                ours, folds, t_ours = cairn_cv(binary, ws, name, target, algo)
                scaled = ESTIMATORS[algo][0]
                make = make_c if task == "classification" else make_r
                theirs, t_theirs = sklearn_cv(frame, target, task, scaled, make, folds)
                gap = 100 * (np.mean(ours) - np.mean(theirs))
                ok = gap >= -a.limit
                failed += not ok
                rows.append((name, algo, "accuracy" if task == "classification" else "R²",
                             np.mean(ours), np.std(ours), np.mean(theirs), np.std(theirs),
                             gap, ok, t_ours, t_theirs))
                if not a.markdown:
                    print(f"{name:14} {algo:14} cairn {np.mean(ours):.4f} ± {np.std(ours):.4f}"
                          f"  {PEER[algo]} {np.mean(theirs):.4f} ± {np.std(theirs):.4f}"
                          f"  gap {gap:+.2f} points  {'ok' if ok else 'FAIL'}"
                          f"  ({t_ours:.1f} s vs {t_theirs:.1f} s)", flush=True)
                if algo in REFERENCES:
                    peer, ref_c, ref_r = REFERENCES[algo]
                    ref, _ = sklearn_cv(frame, target, task, False,
                                        ref_c if task == "classification" else ref_r, folds)
                    references.append((name, algo, np.mean(ours), peer, np.mean(ref), np.std(ref)))
    if a.markdown:
        print("| dataset | algorithm | score | cairn (mean ± std) | scikit-learn peer"
              " | peer (mean ± std) | gap (points) |")
        print("|---|---|---|---|---|---|---|")
        for (name, algo, metric, m1, s1, m2, s2, gap, ok, _, _) in rows:
            print(f"| {name} | {algo} | {metric} | {m1:.4f} ± {s1:.4f} | {PEER[algo]}"
                  f" | {m2:.4f} ± {s2:.4f} | {gap:+.2f} |")
    for (name, algo, m1, peer, m2, s2) in references:
        print(f"reference (not gated): {name} {algo} {m1:.4f} vs scikit-learn's {peer}"
              f" {m2:.4f} ± {s2:.4f}, {100 * (m1 - m2):+.2f} points")
    print(f"{len(rows) - failed} of {len(rows)} within {a.limit} points of scikit-learn",
          file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
