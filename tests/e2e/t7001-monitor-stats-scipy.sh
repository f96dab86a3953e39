#!/bin/bash
# The drift statistics of src/monitor/stats.h equal SciPy 1.10's on many
# generated cases (tests/e2e/helpers/stats-scipy.c runs cairn's side):
# ks_2samp (exact and asymptotic regimes, ties, n1 == n2 and not, sizes
# 1..20000), kstwo.sf, gammaincc/gammainc over a grid, chisquare,
# wasserstein_distance, jensenshannon, entropy (KL), anderson_ksamp of
# two samples (its p-value inside and outside its table); Evidently's Hellinger
# distance, PSI and Z-test written out with numpy and SciPy as Evidently
# computes them, and PSI's quantile bins with numpy's quantile.
# Statistics within 1e-9 relative, p-values within 1e-6 relative or 1e-12
# absolute.
#
# Needs Debian's python3-scipy (scripts/install-deps.sh, tests only).
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
if ! test_have_py numpy scipy; then
	test_skip_all "$PY cannot import scipy (Debian package python3-scipy)"
fi
if ! test -f "$SRC_ROOT/libcairn.a"; then
	test_skip_all "libcairn.a is not built (run make)"
fi

cat >gen.py <<'EOF'
# Writes cases.txt (the helper's input) and expected.txt (SciPy's answers,
# one line per case, the same fields as the helper prints).
import numpy as np
import scipy
from scipy import stats, special
assert scipy.__version__.startswith("1.10"), scipy.__version__
rng = np.random.default_rng(20261208)
cases, expected = [], []

def fmt(v):
    return " ".join(repr(float(x)) for x in v)

def sample(n, kind):
    if kind == 0:
        return rng.normal(size=n)
    if kind == 1:
        return np.round(rng.normal(size=n) * 2) / 2          # many ties
    if kind == 2:
        return rng.integers(0, 5, size=n).astype(float)      # few values
    if kind == 3:
        return rng.exponential(size=n)
    return rng.uniform(size=n)

def ks(x, y):
    r = stats.ks_2samp(x, y)
    exact = int(max(len(x), len(y)) <= 10000)
    cases.append("ks %d %d %s %s" % (len(x), len(y), fmt(x), fmt(y)))
    expected.append("%r %r" % (float(r.statistic), float(r.pvalue)))

ks([1.0, 2.0, 3.0], [1.0, 2.0, 3.0])
ks([1.0, 2.0, 3.0], [4.0, 5.0, 6.0])
ks([1.0], [2.0])
ks([0.0] * 5, [0.0] * 7)
sizes = [1, 2, 3, 5, 8, 13, 20, 50, 99, 100, 101, 140, 141, 300, 777, 1000,
         2500, 5000, 9999, 10000]
for i in range(160):
    n1 = int(rng.choice(sizes)) if i % 4 else int(rng.integers(1, 400))
    n2 = n1 if i % 3 == 0 else int(rng.choice(sizes))
    kind = i % 5
    shift = [0, 0.05, 0.2, 1.0][i % 4]
    scale = [1, 1.1][i % 2]
    ks(sample(n1, kind), sample(n2, kind) * scale + shift)
# The asymptotic regime (max(n1, n2) > 10000), n of kstwo across its methods.
for n1, n2, shift in [(10001, 10001, 0.0), (20000, 20000, 0.01), (20000, 15000, 0.02),
                      (20000, 300, 0.1), (12000, 5, 0.0), (20000, 20000, 0.0),
                      (15000, 150, 0.3), (20000, 1000, 0.05), (11000, 11000, 0.03)]:
    ks(sample(n1, 0), sample(n2, 0) + shift)
    ks(sample(n1, 1), sample(n2, 1) + shift)

for n in [1, 2, 5, 10, 50, 100, 140, 141, 500, 1000, 5000, 20000, 99999, 100001, 500000]:
    for d in [1e-4, 0.001, 0.004, 0.01, 0.02, 0.05, 0.08, 0.1, 0.2, 0.3, 0.45, 0.5, 0.6,
              0.9, 0.99]:
        cases.append("kstwo %d %r" % (n, d))
        expected.append("%r" % float(stats.kstwo.sf(d, n)))

for a in [0.01, 0.1, 0.5, 1, 1.5, 2, 3.5, 5, 10, 24.5, 50, 100, 499.5, 1000, 4999.5, 20000]:
    for f in [0.001, 0.1, 0.5, 0.9, 0.99, 1.0, 1.01, 1.1, 1.5, 2, 3, 10]:
        x = a * f
        cases.append("gammaincc %r %r" % (a, x))
        expected.append("%r %r" % (float(special.gammaincc(a, x)), float(special.gammainc(a, x))))

for i in range(60):
    k = int(rng.integers(2, 40))
    e = rng.uniform(0.5, 50, size=k)
    o = rng.poisson(e).astype(float)
    e = e / e.sum() * o.sum() if o.sum() > 0 else e
    if o.sum() == 0:
        o[0] = 1; e = e / e.sum()
    r = stats.chisquare(o, e)
    cases.append("chisquare %d %s %s" % (k, fmt(o), fmt(e)))
    expected.append("%r %r" % (float(r.statistic), float(r.pvalue)))

for i in range(80):
    n1 = int(rng.choice(sizes + [20000])) if i % 3 else int(rng.integers(1, 300))
    n2 = n1 if i % 4 == 0 else int(rng.choice(sizes + [20000]))
    kind = i % 5
    x, y = sample(n1, kind), sample(n2, kind) * [1, 1.3][i % 2] + [0, 0.1, 2][i % 3]
    cases.append("wasserstein %d %d %s %s" % (n1, n2, fmt(x), fmt(y)))
    expected.append("%r" % float(stats.wasserstein_distance(x, y)))

def floor_zeros(p):
    p = p.copy()
    least = min(p[p != 0])
    np.place(p, p == 0, least / 10**6 if least <= 0.0001 else 0.0001)
    return p

def divergences(p, q, base):
    js = distance.jensenshannon(p, q, base if base > 0 else None)
    kl = stats.entropy(p, q)
    pn, qn = p / p.sum(), q / q.sum()
    he = np.sqrt(1 - np.clip(np.sum(np.sqrt(pn * qn)), 0, 1))
    r, c = floor_zeros(p), floor_zeros(q)
    psi = np.sum((r - c) * np.log(r / c))
    cases.append("divergences %d %r %s %s" % (len(p), base, fmt(p), fmt(q)))
    expected.append("%r %r %r %r" % (float(js), float(kl), float(he), float(psi)))

from scipy.spatial import distance
for i in range(60):
    k = int(rng.integers(1, 40))
    p = rng.integers(0, 50, size=k).astype(float)
    q = p + rng.integers(0, 20, size=k) if i % 3 else rng.integers(1, 50, size=k).astype(float)
    p[0] += 1
    q[0] += 1
    if i % 2:
        p, q = p / p.sum(), q / q.sum()
    divergences(p, q, [0, 2, 10][i % 3])

def quantile_shares(x, y, nb):
    edges = np.quantile(x, [i / nb for i in range(1, nb)])
    cx = np.searchsorted(np.sort(x), edges, side="right")
    cy = np.searchsorted(np.sort(y), edges, side="right")
    cx = np.diff(np.concatenate(([0], cx, [len(x)]))) / len(x)
    cy = np.diff(np.concatenate(([0], cy, [len(y)]))) / len(y)
    return list(cx) + list(cy)

for i in range(40):
    n1 = int(rng.choice(sizes + [20000]))
    n2 = int(rng.choice(sizes + [20000]))
    kind = i % 5
    nb = [10, 10, 1, 3, 20][i % 5]
    x, y = sample(n1, kind), sample(n2, kind) + [0, 0.3][i % 2]
    cases.append("psibins %d %d %d %s %s" % (nb, n1, n2, fmt(x), fmt(y)))
    expected.append(" ".join(repr(float(v)) for v in quantile_shares(x, y, nb)))

def ztest(k1, n1, k2, n2):
    if (k1 == 0 and k2 == 0) or (k1 == n1 and k2 == n2):
        z, p = 0.0, 1.0
    else:
        p1, p2 = float(k1) / n1, float(k2) / n2
        P = float(p1 * n1 + p2 * n2) / (n1 + n2)
        z = (p1 - p2) / np.sqrt(P * (1 - P) * (1.0 / n1 + 1.0 / n2))
        p = 2 * (1 - stats.norm.cdf(np.abs(z)))
    cases.append("ztest %d %d %d %d" % (k1, n1, k2, n2))
    expected.append("%r %r" % (float(z), float(p)))

for i in range(60):
    n1, n2 = int(rng.integers(1, 5000)), int(rng.integers(1, 5000))
    k1 = int(rng.integers(0, n1 + 1))
    k2 = int(rng.binomial(n2, min(1.0, k1 / n1 + [0, 0.01, 0.1][i % 3])))
    ztest(k1, n1, k2, n2)
ztest(0, 10, 0, 20)
ztest(10, 10, 0, 20)

import warnings
warnings.simplefilter("ignore")       # anderson_ksamp warns when it caps
for i in range(60):
    n1 = int(rng.choice(sizes[3:] + [20000])) if i % 3 else int(rng.integers(2, 300))
    n2 = n1 if i % 4 == 0 else int(rng.choice(sizes[3:]))
    kind = i % 5
    x, y = sample(n1, kind), sample(n2, kind) + [0, 0.02, 0.1, 1][i % 4]
    r = stats.anderson_ksamp([x, y])
    cases.append("anderson %d %d %s %s" % (n1, n2, fmt(x), fmt(y)))
    expected.append("%r %r" % (float(r.statistic), float(r.significance_level)))

open("cases.txt", "w").write("\n".join(cases) + "\n")
open("expected.txt", "w").write("\n".join(expected) + "\n")
EOF

cat >cmp.py <<'EOF'
# Compares the helper's answers (got.txt) with SciPy's (expected.txt):
# the case kinds name which fields are statistics and which probabilities.
import math, sys
PROB = {"ks": [1], "kstwo": [0], "gammaincc": [0, 1], "chisquare": [1],
        "wasserstein": [], "divergences": [], "psibins": [], "ztest": [1], "anderson": [1]}
bad = 0
cases = [l.split(" ", 1)[0] for l in open("cases.txt")]
got = open("got.txt").read().splitlines()
exp = open("expected.txt").read().splitlines()
assert len(got) == len(exp) == len(cases), (len(got), len(exp), len(cases))
for i, (kind, g, e) in enumerate(zip(cases, got, exp)):
    gv = [float(v) for v in g.split()]
    ev = [float(v) for v in e.split()]
    for j, (a, b) in enumerate(zip(gv, ev)):
        if j in PROB[kind]:
            ok = abs(a - b) <= 1e-12 or abs(a - b) <= 1e-6 * abs(b)
        else:
            ok = a == b or abs(a - b) <= 1e-9 * abs(b)
        if not ok:
            bad += 1
            if bad <= 20:
                print("case %d (%s) field %d: cairn %r, scipy %r" % (i + 1, kind, j, a, b))
print("%d cases, %d differences" % (len(cases), bad))
sys.exit(1 if bad else 0)
EOF

test_expect_success 'setup: the cases and SciPy answers, the helper' '
	"$PY" gen.py &&
	san=$(grep -o -e "-fsanitize=[^ ]*" "$SRC_ROOT/build/FLAGS" 2>/dev/null | head -n 1) &&
	${CC:-cc} -std=c11 -D_GNU_SOURCE -O1 -g $san -I"$SRC_ROOT/include" -I"$SRC_ROOT/src" \
		-I"$SRC_ROOT" -o stats-scipy "$SRC_ROOT/tests/e2e/helpers/stats-scipy.c" \
		"$SRC_ROOT/libcairn.a" \
		$(pkg-config --libs libcrypto jansson sqlite3 yaml-0.1 libzstd) -llbfgs -ldl \
		-pthread -lm
'

test_expect_success 'every statistic and p-value equals SciPy'"'"'s' '
	./stats-scipy <cases.txt >got.txt &&
	"$PY" cmp.py >cmp.out &&
	cat cmp.out &&
	grep -q "^[0-9]* cases, 0 differences$" cmp.out
'

test_done
