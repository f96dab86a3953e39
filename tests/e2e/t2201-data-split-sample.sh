#!/bin/bash
# cairn data split and sample: sizes, stratification, exact bytes, lineage
# and parameters, byte-identical re-runs, and clean refusals.
. "$(dirname "$0")/lib.sh"

# Prints the value of a top-level field of `cairn data show REF --json`.
field() {
	cairn data show "$1" --json | python3 -c "import json, sys; print(json.load(sys.stdin)[\"$2\"])"
}

# Prints "class count" lines for column $2 of CSV file $1 (header skipped).
class_counts() {
	tail -n +2 "$1" | awk -F, -v c="$2" '{ n[$c]++ } END { for (k in n) print k, n[k] }' | sort
}

# The number of versions in the catalog.
nversions() {
	n=0
	for name in $(cairn data list --json | python3 -c "import json, sys; print(\" \".join(v[\"name\"] for v in json.load(sys.stdin)))"); do
		n=$((n + $(cairn data list "$name" --json | python3 -c "import json, sys; print(len(json.load(sys.stdin)))")))
	done
	echo $n
}

test_expect_success 'setup' '
	cairn init >/dev/null &&
	cp "$DATASETS/iris.csv" . &&
	cairn data add iris.csv >/dev/null
'

test_expect_success 'split 0.8,0.2 stratified by species: 120/30 rows, 40/10 per class' '
	cairn data split iris --ratios 0.8,0.2 --stratify species --seed 42 >out &&
	test_grep "^Created iris-train@1 \(120 rows, derived from iris@1\)$" out &&
	test_grep "^Created iris-test@1 \(30 rows, derived from iris@1\)$" out &&
	cairn data checkout iris-train train.csv >/dev/null &&
	cairn data checkout iris-test test.csv >/dev/null &&
	class_counts train.csv 5 >actual &&
	printf "setosa 40\nversicolor 40\nvirginica 40\n" >expect &&
	test_cmp expect actual &&
	class_counts test.csv 5 >actual &&
	printf "setosa 10\nversicolor 10\nvirginica 10\n" >expect &&
	test_cmp expect actual
'

test_expect_success 'the parts hold every source row once, byte for byte, in source order' '
	head -n 1 iris.csv >expect && head -n 1 train.csv >actual && test_cmp expect actual &&
	head -n 1 test.csv >actual && test_cmp expect actual &&
	(tail -n +2 train.csv; tail -n +2 test.csv) | sort >actual &&
	tail -n +2 iris.csv | sort >expect &&
	test_cmp expect actual &&
	# Source order: the part is a subsequence of the source lines.
	python3 - <<-\PY
	src = open("iris.csv", "rb").read().split(b"\n")
	for part in ("train.csv", "test.csv"):
	    lines = open(part, "rb").read().split(b"\n")[1:-1]
	    pos = {}
	    for i, l in enumerate(src):
	        pos.setdefault(l, []).append(i)
	    at = [pos[l].pop(0) for l in lines]
	    assert at == sorted(at), part
	PY
'

test_expect_success 'show lists derived_from, source kind and the parameters' '
	cairn data show iris-train >show &&
	test_grep "^  derived from iris@1$" show &&
	test_grep "^  source       iris@1 \(derived\)$" show &&
	test_grep "\"op\":\"split\"" show &&
	test_grep "\"seed\":42" show &&
	test_grep "\"stratify\":\"species\"" show &&
	cairn data show iris-test --json >show.json &&
	python3 - <<-\PY
	import json
	v = json.load(open("show.json"))
	assert v["derived_from"] == ["iris@1"], v["derived_from"]
	p = v["params"]
	assert p["op"] == "split" and p["part"] == 2 and p["seed"] == 42, p
	assert p["ratios"] == [0.8, 0.2] and p["parts"] == ["iris-train", "iris-test"], p
	assert v["source_kind"] == "derived"
	PY
'

test_expect_success 'a re-run in a fresh workspace gives byte-identical parts' '
	train=$(field iris-train hash) && test_=$(field iris-test hash) &&
	mkdir fresh && (
		cd fresh && cairn init >/dev/null &&
		cairn data add ../iris.csv >/dev/null &&
		cairn data split iris --ratios 0.8,0.2 --stratify species --seed 42 >/dev/null &&
		test "$(field iris-train hash)" = "$train" &&
		test "$(field iris-test hash)" = "$test_"
	) &&
	cairn data split iris --ratios 0.8,0.2 --stratify species --seed 42 >out &&
	test_grep "^iris-train@1 already holds this content" out
'

test_expect_success 'another seed gives another split' '
	cairn data split iris --ratios 0.8,0.2 --stratify species --seed 43 --names s43a,s43b >out &&
	test "$(field s43a hash)" != "$(field iris-train hash)" &&
	test "$(field s43a rows)" = 120
'

test_expect_success 'three parts default to NAME-train, NAME-val, NAME-test; --json is an array' '
	cairn data split iris --ratios 0.7,0.15,0.15 --seed 1 --json >out.json &&
	python3 - <<-\PY
	import json
	v = json.load(open("out.json"))
	assert [x["ref"] for x in v] == ["iris-train@2", "iris-val@1", "iris-test@2"], v
	assert [x["rows"] for x in v] == [105, 23, 22], [x["rows"] for x in v]
	assert all(x["unchanged"] is False for x in v)
	PY
'

test_expect_success 'four parts are NAME-split1..4; --names names them' '
	cairn data split iris --ratios 0.25,0.25,0.25,0.25 --seed 1 >out &&
	test_grep "^Created iris-split4@1 \(37 rows" out &&
	test_grep "^Created iris-split1@1 \(38 rows" out &&
	cairn data split iris --ratios 0.5,0.5 --seed 1 --names left,right >out &&
	test_grep "^Created left@1 \(75 rows" out &&
	test_grep "^Created right@1 \(75 rows" out
'

test_expect_success 'sample --n draws that many rows; the same seed draws the same' '
	cairn data sample iris --n 30 --seed 7 >out &&
	test_grep "^Created iris-sample@1 \(30 rows, derived from iris@1\)$" out &&
	cairn data checkout iris-sample s.csv >/dev/null &&
	test $(tail -n +2 s.csv | sort -u | wc -l) -eq 30 &&
	tail -n +2 s.csv | while IFS= read -r l; do grep -Fxq "$l" iris.csv; done &&
	cairn data sample iris --n 30 --seed 7 >out &&
	test_grep "already holds this content" out &&
	cairn data show iris-sample --json >show.json &&
	python3 -c "import json; p = json.load(open(\"show.json\"))[\"params\"]; assert p == {\"op\": \"sample\", \"n\": 30, \"frac\": None, \"stratify\": None, \"seed\": 7}, p"
'

test_expect_success 'sample --frac with --stratify keeps class shares' '
	cairn data sample iris --frac 0.2 --stratify species --seed 3 --name strat >out &&
	test_grep "^Created strat@1 \(30 rows" out &&
	cairn data checkout strat strat.csv >/dev/null &&
	class_counts strat.csv 5 >actual &&
	printf "setosa 10\nversicolor 10\nvirginica 10\n" >expect &&
	test_cmp expect actual
'

test_expect_success 'a smaller plain sample with the same seed is a subset of a larger one' '
	cairn data sample iris --n 10 --seed 9 --name s10 >/dev/null &&
	cairn data sample iris --n 50 --seed 9 --name s50 >/dev/null &&
	cairn data checkout s10 s10.csv >/dev/null && cairn data checkout s50 s50.csv >/dev/null &&
	test -z "$(comm -23 <(tail -n +2 s10.csv | sort) <(tail -n +2 s50.csv | sort))"
'

test_expect_success 'usage errors exit 2 and record nothing' '
	before=$(nversions) &&
	test_expect_code 2 cairn data split iris --ratios 0.8,0.3 --seed 1 2>err &&
	test_grep "sum to 1.1, not 1" err &&
	test_expect_code 2 cairn data split iris --ratios 1,0 --seed 1 2>err &&
	test_grep "above 0" err &&
	test_expect_code 2 cairn data split iris --ratios 0.8,x --seed 1 2>err &&
	test_expect_code 2 cairn data split iris --ratios 1 --seed 1 2>err &&
	test_grep "at least two ratios" err &&
	test_expect_code 2 cairn data split iris --ratios 0.8,0.2 2>err &&
	test_grep "seed is required" err &&
	test_expect_code 2 cairn data split iris --ratios 0.8,0.2 --seed -1 2>err &&
	test_expect_code 2 cairn data split iris --ratios 0.8,0.2 --seed 1 --names a 2>err &&
	test_grep "1 names for 2 ratios" err &&
	test_expect_code 2 cairn data split iris --ratios 0.8,0.2 --seed 1 --names a,a 2>err &&
	test_expect_code 2 cairn data split iris --ratios 0.8,0.2 --seed 1 --names "a b,c" 2>err &&
	test_expect_code 2 cairn data split iris --ratios 0.999,0.001 --seed 1 2>err &&
	test_grep "part 2 of the split would hold no rows" err &&
	test_expect_code 2 cairn data sample iris --n 151 --seed 1 2>err &&
	test_grep "cannot draw 151 rows from .iris@1., which has 150" err &&
	test_expect_code 2 cairn data sample iris --n 0 --seed 1 2>err &&
	test_expect_code 2 cairn data sample iris --n 5 --frac 0.5 --seed 1 2>err &&
	test_expect_code 2 cairn data sample iris --frac 1.5 --seed 1 2>err &&
	test_expect_code 2 cairn data sample iris --frac 0.001 --seed 1 2>err &&
	test_grep "selects no row" err &&
	test_expect_code 2 cairn data sample iris --n 5 2>err &&
	test "$(nversions)" = "$before"
'

test_expect_success 'unknown datasets and columns exit 4; bad data exits 5; nothing recorded' '
	before=$(nversions) &&
	test_expect_code 4 cairn data split nosuch --ratios 0.8,0.2 --seed 1 2>err &&
	test_expect_code 4 cairn data split iris --ratios 0.8,0.2 --seed 1 --stratify colour 2>err &&
	test_grep "no column .colour. in .iris@1. \(columns: sepal_length, sepal_width, petal_length, petal_width, species\)" err &&
	test_expect_code 4 cairn data sample iris --n 5 --seed 1 --stratify colour 2>err &&
	printf "a,b\n" >empty.csv && cairn data add empty.csv >/dev/null &&
	printf "a,b\n1,x\n2,\n3,y\n4,x\n" >nulls.csv && cairn data add nulls.csv >/dev/null &&
	mkdir -p adir && echo hi >adir/f && cairn data add adir >/dev/null &&
	before=$((before + 3)) &&
	test_expect_code 5 cairn data split empty --ratios 0.5,0.5 --seed 1 2>err &&
	test_grep "has no rows" err &&
	test_expect_code 5 cairn data sample empty --n 1 --seed 1 2>err &&
	test_expect_code 5 cairn data split nulls --ratios 0.5,0.5 --stratify b --seed 1 2>err &&
	test_grep "stratify column .b. of .nulls@1. has 1 null value of 4" err &&
	test_expect_code 2 cairn data split adir --ratios 0.5,0.5 --seed 1 2>err &&
	test_grep "not tabular" err &&
	test "$(nversions)" = "$before" &&
	test -z "$(ls .cairn/tmp 2>/dev/null)"
'

if [ -z "$SHARED_DATASETS" ]; then
	test_skip 'breast_cancer: stratified split keeps the diagnosis shares' 'no shared datasets'
else
	test_expect_success 'breast_cancer: stratified split keeps the diagnosis shares' '
		cairn data add "$SHARED_DATASETS/breast_cancer.csv" >/dev/null &&
		cairn data split breast_cancer --ratios 0.75,0.25 --stratify diagnosis --seed 5 >out &&
		test_grep "^Created breast_cancer-train@1 \(427 rows" out &&
		test_grep "^Created breast_cancer-test@1 \(142 rows" out &&
		cairn data checkout breast_cancer-train bt.csv >/dev/null &&
		cairn data checkout breast_cancer-test bs.csv >/dev/null &&
		python3 - <<-\PY
		import collections
		def counts(p):
		    return collections.Counter(l.rstrip("\n").split(",")[-1] for l in list(open(p))[1:])
		src = counts("'"$SHARED_DATASETS"'/breast_cancer.csv")
		for part, r in (("bt.csv", 0.75), ("bs.csv", 0.25)):
		    c = counts(part)
		    for k in src:
		        assert abs(c[k] - src[k] * r) < 1, (part, k, c[k], src[k] * r)
		PY
		cairn data sample breast_cancer --n 100 --stratify diagnosis --seed 5 >out &&
		test_grep "\(100 rows" out
	'
fi

test_expect_success 'help' '
	cairn data split --help >out && test_grep "^usage: cairn data split" out &&
	cairn data sample --help >out && test_grep "^usage: cairn data sample" out &&
	cairn data --help >out && test_grep "split" out && test_grep "sample" out
'

test_done
