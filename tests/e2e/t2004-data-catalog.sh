#!/bin/bash
# The dataset catalog: list, show, tag, describe, search, profile, diff.
. "$(dirname "$0")/lib.sh"

test_expect_success 'setup: iris twice and diamonds' '
	cairn init >/dev/null &&
	cairn data add "$DATASETS/iris.csv" >/dev/null &&
	head -n 101 "$DATASETS/iris.csv" >iris.csv &&
	cairn data add iris.csv >/dev/null &&
	cairn data add "$DATASETS/diamonds.csv" --description "ggplot2 diamonds" >/dev/null
'

test_expect_success 'list shows the latest version of each dataset' '
	cairn data list >out &&
	test_grep "^diamonds@1 +53940 x 10 " out &&
	test_grep "^iris@2 +100 x 5 " out &&
	! grep -q "^iris@1" out &&
	cairn data list iris --json >l.json &&
	python3 -c "import json; v = json.load(open(\"l.json\")); assert [x[\"ref\"] for x in v] == [\"iris@1\", \"iris@2\"], v"
'

test_expect_success 'tags are set, replaced and removed' '
	cairn data tag iris@1 owner=ana stage=raw >out &&
	test_grep "owner=ana stage=raw" out &&
	cairn data tag iris@1 stage=clean --remove owner --json >tags.json &&
	python3 -c "import json; assert json.load(open(\"tags.json\")) == {\"stage\": \"clean\"}" &&
	test_expect_code 4 cairn data tag iris@1 --remove nope 2>err &&
	test_grep "has no tag .nope." err &&
	test_expect_code 2 cairn data tag iris@1 novalue 2>err
'

test_expect_success 'describe and show' '
	cairn data describe iris@2 "first 100 rows" --json >d.json &&
	python3 -c "import json; assert json.load(open(\"d.json\")) == {\"ref\": \"iris@2\", \"description\": \"first 100 rows\"}" &&
	cairn data show iris@2 >out &&
	test_grep "^  description  first 100 rows$" out &&
	test_grep "^  shape        100 rows x 5 columns$" out &&
	test_grep "^    species +string +0 nulls$" out &&
	cairn data show iris@1 >out &&
	test_grep "^  tags         stage=clean$" out
'

test_expect_success 'search finds names, descriptions, tags and columns' '
	cairn data search ggplot >out && test_grep "^diamonds@1" out &&
	cairn data search CLEAN >out && test_grep "^iris@1" out &&
	cairn data search clarity >out && test_grep "^diamonds@1" out && ! grep -q iris out &&
	cairn data search "100 rows" --json >s.json &&
	python3 -c "import json; assert [x[\"ref\"] for x in json.load(open(\"s.json\"))] == [\"iris@2\"]" &&
	cairn data search "%" >out && test_grep "No dataset version matches" out
'

test_expect_success 'unknown references fail with exit 4 and say why' '
	test_expect_code 4 cairn data show nosuch 2>err &&
	test_grep "no dataset .nosuch." err &&
	test_expect_code 4 cairn data show iris@9 2>err &&
	test_grep "has no version 9 \(the latest is iris@2\)" err &&
	test_expect_code 2 cairn data show "iris@" 2>err
'

test_expect_success 'profile: text, JSON and HTML with one chart per column' '
	cairn data profile diamonds >out &&
	test_grep "^price +integer +53940 +0 " out &&
	test_grep "^cut +string .*top: Ideal \(21551\)" out &&
	cairn data profile iris@1 --json >p.json &&
	python3 - <<-\PY &&
	import json
	p = json.load(open("p.json"))
	assert p["rows"] == 150
	sl = p["columns"][0]
	assert sl["name"] == "sepal_length" and abs(sl["mean"] - 5.843333) < 1e-5, sl
	assert len(sl["percentiles"]) == 101 and sum(sl["histogram"]["counts"]) == 150
	sp = p["columns"][4]
	assert {t["value"]: t["count"] for t in sp["top"]} == {"setosa": 50, "versicolor": 50, "virginica": 50}
	PY
	cairn data profile diamonds --html report.html >out &&
	test_grep "^Wrote the profile of diamonds@1 to report.html$" out &&
	python3 - <<-\PY
	from html.parser import HTMLParser
	class P(HTMLParser):
	    def __init__(self):
	        super().__init__(); self.svg = 0; self.rect = 0
	    def handle_starttag(self, tag, attrs):
	        self.svg += tag == "svg"; self.rect += tag == "rect"
	p = P(); p.feed(open("report.html").read())
	assert p.svg == 10 and p.rect > 100, (p.svg, p.rect)
	PY
'

test_expect_success 'diff: rows, means and category shares' '
	cairn data diff iris@1 iris@2 >out &&
	test_grep "^rows: 150 -> 100 \(-50\)$" out &&
	test_grep "^species .*virginica 33.3% -> 0.0%" out &&
	cairn data diff iris@1 iris@2 --json >d.json &&
	python3 - <<-\PY &&
	import json
	d = json.load(open("d.json"))
	assert d["from"] == "iris@1" and d["to"] == "iris@2"
	assert d["rows"]["change"] == -50
	assert d["columns_added"] == [] and d["columns_removed"] == []
	m = [c for c in d["columns"] if c["name"] == "petal_length"][0]["mean"]
	assert abs(m["change"] - (2.861 - 3.758)) < 1e-3, m
	PY
	cairn data diff iris diamonds --json >d2.json &&
	python3 -c "import json; d = json.load(open(\"d2.json\")); assert len(d[\"columns_added\"]) == 10 and len(d[\"columns_removed\"]) == 5"
'

test_expect_success 'profile and diff of non-tabular data fail clearly' '
	head -c 100 /dev/urandom >raw.bin &&
	cairn data add raw.bin --format raw >/dev/null &&
	test_expect_code 2 cairn data profile raw 2>err &&
	test_grep "is not tabular data" err
'

test_done
