#!/usr/bin/python3
"""Compares cairn's learning algorithms with scikit-learn's on the example
datasets, by 5-fold cross-validation with row i in fold i % 5 and the features
standardized on each training fold (tests/unit/test-learners-cv.c does the
same on the cairn side).

    /usr/bin/python3 bench/compare-sklearn.py           # scikit-learn's figures
    CAIRN_CV_PREDICTIONS=/tmp/cv.csv ./build/tests/unit-tests learners_cv
    /usr/bin/python3 bench/compare-sklearn.py --cairn /tmp/cv.csv  # side by side, with gaps

A development aid only: scikit-learn (Debian python3-sklearn) is never a
dependency of cairn. Without it the script says so and exits 0.
"""
import argparse
import csv
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "examples", "data")
FOLDS = 5

try:
    import numpy as np
    from sklearn.cluster import KMeans
    from sklearn.linear_model import LinearRegression, LogisticRegression
    from sklearn.naive_bayes import GaussianNB
    from sklearn.neighbors import KNeighborsClassifier, KNeighborsRegressor
    from sklearn.svm import LinearSVC
except ImportError as e:
    print(f"SKIP: scikit-learn is not installed ({e}); apt-get install python3-sklearn")
    sys.exit(0)


def load(name, features, target):
    with open(os.path.join(DATA, name), newline="") as f:
        rows = list(csv.DictReader(f))
    x = np.array([[float(r[c]) for c in features] for r in rows])
    raw = [r[target] for r in rows]
    try:
        y = np.array([float(v) for v in raw])
        classes = None
    except ValueError:
        classes = list(dict.fromkeys(raw))  # in order of first appearance, as cairn
        y = np.array([classes.index(v) for v in raw], dtype=float)
    return x, y, classes is not None


def standardize(train, test):
    mean = train.mean(axis=0)
    sd = train.std(axis=0)
    sd[sd == 0] = 1
    return (train - mean) / sd, (test - mean) / sd


def score(classify, y_true, y_pred):
    if classify:
        return float(np.mean(y_true == y_pred))
    ss = np.sum((y_true - y_pred) ** 2)
    tot = np.sum((y_true - y_true.mean()) ** 2)
    return float(1 - ss / tot)


def cross_validate(x, y, classify, make):
    fold = np.arange(len(y)) % FOLDS
    scores = []
    for f in range(FOLDS):
        xtr, xte = standardize(x[fold != f], x[fold == f])
        model = make().fit(xtr, y[fold != f])
        scores.append(score(classify, y[fold == f], model.predict(xte)))
    return float(np.mean(scores))


def cairn_scores(path, datasets):
    """{(dataset, algorithm): mean fold score} from the predictions file."""
    preds = {}
    with open(path, newline="") as f:
        for r in csv.DictReader(f):
            preds.setdefault((r["dataset"], r["algorithm"]), []).append(
                (int(r["row"]), float(r["prediction"])))
    out = {}
    for (ds, algo), rows in preds.items():
        if ds not in datasets:
            continue
        _, y, classify = datasets[ds]
        # One algorithm may have run with several params: one run per len(y) rows.
        for run in range(len(rows) // len(y)):
            part = rows[run * len(y):(run + 1) * len(y)]
            pred = np.zeros(len(y))
            for row, v in part:
                pred[row] = v
            fold = np.arange(len(y)) % FOLDS
            s = np.mean([score(classify, y[fold == f], pred[fold == f]) for f in range(FOLDS)])
            out[(ds, algo, run)] = float(s)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cairn", help="CSV of cairn's held-out predictions")
    args = ap.parse_args()

    iris = ["sepal_length", "sepal_width", "petal_length", "petal_width"]
    datasets = {
        "iris.csv": load("iris.csv", iris, "species"),
    }
    iris_reg = load("iris.csv", iris[:3], "petal_width")
    diamonds = load("diamonds.csv", ["carat", "depth", "table", "x", "y", "z"], "price")

    # (dataset key, data, cairn algorithm, run index, label, sklearn factory)
    cases = [
        ("iris.csv", datasets["iris.csv"], "logistic", 0, "LogisticRegression (lbfgs, multinomial)",
         lambda: LogisticRegression(C=1.0, max_iter=1000)),
        ("iris.csv", datasets["iris.csv"], "logistic", 0, "LogisticRegression (liblinear, one-vs-rest)",
         lambda: LogisticRegression(C=1.0, solver="liblinear")),
        ("iris.csv", datasets["iris.csv"], "linear_svm", 0, "LinearSVC",
         lambda: LinearSVC(C=1.0, max_iter=10000)),
        ("iris.csv", datasets["iris.csv"], "knn", 0, "KNeighborsClassifier(5)",
         lambda: KNeighborsClassifier(5)),
        ("iris.csv", datasets["iris.csv"], "knn", 1, "KNeighborsClassifier(5, distance, manhattan)",
         lambda: KNeighborsClassifier(5, weights="distance", metric="manhattan")),
        ("iris.csv", datasets["iris.csv"], "naive_bayes", 0, "GaussianNB",
         lambda: GaussianNB()),
        ("iris-petal_width", iris_reg, "linear", 0, "LinearRegression",
         lambda: LinearRegression()),
        ("iris-petal_width", iris_reg, "knn", 0, "KNeighborsRegressor(5)",
         lambda: KNeighborsRegressor(5)),
        ("diamonds.csv", diamonds, "linear", 0, "LinearRegression",
         lambda: LinearRegression()),
    ]
    ours = {}
    if args.cairn:
        ours = cairn_scores(args.cairn, {"iris.csv": datasets["iris.csv"],
                                         "iris-petal_width": iris_reg,
                                         "diamonds.csv": diamonds})

    print(f"{'dataset':18} {'cairn':12} {'scikit-learn':46} {'sklearn':>8} {'cairn':>8} {'gap':>8}")
    for key, (x, y, classify), algo, run, label, make in cases:
        s = cross_validate(x, y, classify, make)
        c = ours.get((key, algo, run))
        cs = f"{c:8.4f}" if c is not None else f"{'-':>8}"
        gap = f"{(c - s) * 100:+7.2f}pt" if c is not None else ""
        print(f"{key:18} {algo:12} {label:46} {s:8.4f} {cs} {gap}")

    x, _, _ = datasets["iris.csv"]
    xs = (x - x.mean(axis=0)) / x.std(axis=0)
    km = KMeans(n_clusters=3, n_init=10, random_state=0).fit(xs)
    print(f"{'iris.csv':18} {'kmeans':12} {'KMeans(3, n_init=10) inertia':46} {km.inertia_:8.4f}")


if __name__ == "__main__":
    main()
