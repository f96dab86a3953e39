#!/bin/bash
# cairn data augment: SMOTE (and SMOTE-NC) balancing classes, Gaussian noise
# copies, exact original bytes, lineage and parameters, byte-identical
# re-runs, and clean refusals.
. "$(dirname "$0")/lib.sh"

field() {
	cairn data show "$1" --json | python3 -c "import json, sys; print(json.load(sys.stdin)[\"$2\"])"
}

# Prints "class count" lines for column $2 of CSV file $1 (header skipped).
class_counts() {
	tail -n +2 "$1" | awk -F, -v c="$2" '{ n[$c]++ } END { for (k in n) print k, n[k] }' | sort
}

nversions() {
	n=0
	for name in $(cairn data list --json | python3 -c "import json, sys; print(\" \".join(v[\"name\"] for v in json.load(sys.stdin)))"); do
		n=$((n + $(cairn data list "$name" --json | python3 -c "import json, sys; print(len(json.load(sys.stdin)))")))
	done
	echo $n
}

test_expect_success 'setup: an imbalanced sample of iris' '
	cairn init >/dev/null &&
	cp "$DATASETS/iris.csv" . &&
	cairn data add iris.csv >/dev/null &&
	cairn data sample iris --n 40 --seed 1 --name small >/dev/null &&
	cairn data checkout small small.csv >/dev/null &&
	class_counts small.csv 5 >counts &&
	test "$(cut -d" " -f2 counts | sort -u | wc -l)" -gt 1
'

test_expect_success 'SMOTE (auto) raises every class to the majority count' '
	cairn data augment small --smote --target species --seed 7 >out &&
	max=$(cut -d" " -f2 counts | sort -n | tail -1) &&
	made=$(( 3 * max - 40 )) &&
	test_grep "^Created small-smote@1 \($((40 + made)) rows, $made synthetic, derived from small@1\)$" out &&
	cairn data checkout small-smote smote.csv >/dev/null &&
	class_counts smote.csv 5 >actual &&
	printf "setosa %s\nversicolor %s\nvirginica %s\n" $max $max $max >expect &&
	test_cmp expect actual
'

test_expect_success 'the output is the source bytes followed by synthetic rows' '
	cmp small.csv <(head -n 41 smote.csv) &&
	tail -n +42 smote.csv | python3 -c "
import sys
for line in sys.stdin:
    f = line.rstrip(\"\\n\").split(\",\")
    assert len(f) == 5 and f[4] in (\"setosa\", \"versicolor\", \"virginica\"), line
    [float(x) for x in f[:4]]
"
'

test_expect_success 'show lists derived_from and the SMOTE parameters' '
	cairn data show small-smote >show &&
	test_grep "^  derived from small@1$" show &&
	cairn data show small-smote --json >show.json &&
	python3 - <<-\PY
	import json
	v = json.load(open("show.json"))
	assert v["derived_from"] == ["small@1"], v
	p = v["params"]
	assert p["op"] == "augment" and p["method"] == "smote" and p["target"] == "species", p
	assert p["k_neighbors"] == 5 and p["sampling_strategy"] == "auto" and p["seed"] == 7, p
	assert v["source_kind"] == "derived"
	PY
'

test_expect_success 'a re-run in a fresh workspace gives byte-identical output' '
	h=$(field small-smote hash) &&
	mkdir fresh && (
		cd fresh && cairn init >/dev/null &&
		cairn data add ../iris.csv >/dev/null &&
		cairn data sample iris --n 40 --seed 1 --name small >/dev/null &&
		cairn data augment small --smote --target species --seed 7 >/dev/null &&
		test "$(field small-smote hash)" = "$h"
	) &&
	cairn data augment small --smote --target species --seed 8 --name other >/dev/null &&
	test "$(field other hash)" != "$h"
'

test_expect_success 'minority and ratio strategies' '
	min=$(sort -k2 -n counts | head -1) &&
	max=$(cut -d" " -f2 counts | sort -n | tail -1) &&
	cairn data augment small --smote --target species --seed 1 --sampling-strategy minority --name m >out &&
	cairn data checkout m m.csv >/dev/null &&
	class_counts m.csv 5 >actual &&
	test_grep "^${min% *} $max$" actual &&
	test "$(tail -n +2 m.csv | wc -l)" -eq $(( 40 + max - ${min#* } )) &&
	cairn data augment small --smote --target species --seed 1 --sampling-strategy 0.9 --k-neighbors 3 --name r >out &&
	cairn data show r --json | grep -q "\"sampling_strategy\": 0.9" &&
	cairn data show r --json | grep -q "\"k_neighbors\": 3"
'

test_expect_success 'SMOTE-NC: string features take a category of the class' '
	{
		echo "x,y,colour,label"
		for i in $(seq 1 30); do echo "$i.5,$((i % 7)),red,big"; done
		for i in 1 2 3 4 5 6; do echo "$i,$((i * 2)),blue,small"; done
		echo "7,1,green,small"
	} >mixed.csv &&
	cairn data add mixed.csv >/dev/null &&
	cairn data augment mixed --smote --target label --seed 2 --k-neighbors 3 >out &&
	test_grep "\(60 rows, 23 synthetic" out &&
	cairn data checkout mixed-smote ms.csv >/dev/null &&
	tail -n +39 ms.csv | cut -d, -f3,4 | sort -u >actual &&
	printf "blue,small\n" >expect &&
	test_cmp expect actual &&
	test -z "$(tail -n +39 ms.csv | cut -d, -f2 | grep -vx "[0-9][0-9]*")"
'

test_expect_success 'noise: copies with noise on numeric columns, the target unchanged' '
	cairn data augment iris --noise 0.1 --copies 2 --target species --seed 3 >out &&
	test_grep "^Created iris-noise@1 \(450 rows, 300 synthetic, derived from iris@1\)$" out &&
	cairn data checkout iris-noise noise.csv >/dev/null &&
	cmp iris.csv <(head -n 151 noise.csv) &&
	test_cmp <(tail -n +2 iris.csv | cut -d, -f5) <(sed -n 152,301p noise.csv | cut -d, -f5) &&
	test_cmp <(tail -n +2 iris.csv | cut -d, -f5) <(sed -n 302,451p noise.csv | cut -d, -f5) &&
	python3 - <<-\PY
	import statistics
	rows = [l.rstrip("\n").split(",") for l in open("noise.csv")][1:]
	orig, noisy = rows[:150], rows[150:]
	for c in range(4):
	    sd = statistics.pstdev(float(r[c]) for r in orig)
	    d = [float(n[c]) - float(orig[i % 150][c]) for i, n in enumerate(noisy)]
	    ratio = statistics.pstdev(d) / (0.1 * sd)
	    assert 0.8 < ratio < 1.2, (c, ratio)
	PY
	cairn data show iris-noise --json >show.json &&
	python3 -c "import json; p = json.load(open(\"show.json\"))[\"params\"]; assert p[\"method\"] == \"noise\" and p[\"noise_sd\"] == 0.1 and p[\"copies\"] == 2 and p[\"target\"] == \"species\", p"
'

test_expect_success 'usage errors exit 2 and record nothing' '
	before=$(nversions) &&
	test_expect_code 2 cairn data augment small --smote --seed 1 2>err &&
	test_grep "needs --target" err &&
	test_expect_code 2 cairn data augment small --target species --seed 1 2>err &&
	test_grep "choose one method" err &&
	test_expect_code 2 cairn data augment small --smote --noise 0.1 --target species --seed 1 2>err &&
	test_expect_code 2 cairn data augment small --smote --target species 2>err &&
	test_grep "seed is required" err &&
	test_expect_code 2 cairn data augment small --smote --target species --seed 1 --sampling-strategy most 2>err &&
	test_grep "auto, minority or a ratio" err &&
	test_expect_code 2 cairn data augment small --smote --target species --seed 1 --sampling-strategy 0 2>err &&
	test_expect_code 2 cairn data augment small --smote --target species --seed 1 --k-neighbors 0 2>err &&
	test_expect_code 2 cairn data augment small --smote --target species --seed 1 --copies 2 2>err &&
	test_expect_code 2 cairn data augment small --noise 0 --seed 1 2>err &&
	test_expect_code 2 cairn data augment small --noise -1 --seed 1 2>err &&
	test_expect_code 2 cairn data augment small --noise 0.1 --seed 1 --k-neighbors 3 2>err &&
	test "$(nversions)" = "$before"
'

test_expect_success 'unknown names exit 4; data SMOTE cannot use exits 5; nothing recorded' '
	test_expect_code 4 cairn data augment nosuch --smote --target species --seed 1 2>err &&
	test_expect_code 4 cairn data augment small --smote --target kind --seed 1 2>err &&
	test_grep "no column .kind. in .small@1. \(columns: sepal_length" err &&
	{ echo "x,y"; for i in $(seq 1 40); do echo "$i,$i.$((i % 10))5"; done; } >reg.csv &&
	printf "x,z,y\n1,2,a\n,3,a\n3,4,b\n5,6,b\n" >nulls.csv &&
	printf "x,y\n1,a\n2,b\n3,b\n" >tiny.csv &&
	printf "x,y\n" >empty.csv &&
	for f in reg nulls tiny empty; do cairn data add $f.csv >/dev/null || exit 1; done &&
	before=$(nversions) &&
	test_expect_code 5 cairn data augment reg --smote --target y --seed 1 2>err &&
	test_grep "looks like a regression target" err &&
	test_expect_code 5 cairn data augment nulls --smote --target y --seed 1 2>err &&
	test_grep "feature column .x. of .nulls@1. has 1 null value of 4" err &&
	test_expect_code 5 cairn data augment tiny --smote --target y --seed 1 2>err &&
	test_grep "class .a. of target .y. has only 1 row" err &&
	test_expect_code 5 cairn data augment empty --smote --target y --seed 1 2>err &&
	test_grep "has no rows" err &&
	test_expect_code 5 cairn data augment empty --noise 0.1 --seed 1 2>err &&
	test "$(nversions)" = "$before" &&
	test -z "$(ls .cairn/tmp 2>/dev/null)"
'

if [ -z "$SHARED_DATASETS" ]; then
	test_skip 'breast_cancer: SMOTE balances the diagnosis' 'no shared datasets'
	test_skip 'diabetes: SMOTE refuses the regression target' 'no shared datasets'
else
	test_expect_success 'breast_cancer: SMOTE balances the diagnosis' '
		cairn data add "$SHARED_DATASETS/breast_cancer.csv" >/dev/null &&
		cairn data augment breast_cancer --smote --target diagnosis --seed 11 >out &&
		test_grep "^Created breast_cancer-smote@1 \(714 rows, 145 synthetic" out &&
		cairn data checkout breast_cancer-smote bc.csv >/dev/null &&
		class_counts bc.csv 31 >actual &&
		printf "benign 357\nmalignant 357\n" >expect &&
		test_cmp expect actual &&
		h=$(field breast_cancer-smote hash) &&
		mkdir fresh2 && (
			cd fresh2 && cairn init >/dev/null &&
			cairn data add "$SHARED_DATASETS/breast_cancer.csv" >/dev/null &&
			cairn data augment breast_cancer --smote --target diagnosis --seed 11 >/dev/null &&
			test "$(field breast_cancer-smote hash)" = "$h"
		)
	'
	test_expect_success 'diabetes: SMOTE refuses the regression target' '
		cairn data add "$SHARED_DATASETS/diabetes.csv" >/dev/null &&
		test_expect_code 5 cairn data augment diabetes --smote --target progression --seed 1 2>err &&
		test_grep "regression target" err &&
		cairn data augment diabetes --noise 0.05 --target progression --seed 1 >out &&
		test_grep "\(884 rows, 442 synthetic" out
	'
fi

test_expect_success 'help' '
	cairn data augment --help >out && test_grep "^usage: cairn data augment" out &&
	test_grep "SMOTE-NC" out
'

test_done
