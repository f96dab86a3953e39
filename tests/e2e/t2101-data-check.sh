#!/bin/bash
# cairn data suggest|check: a suggested suite passes on the data it came from;
# a failing hand-written suite exits 1 with counts and example rows that match
# the file (checked independently with Python's csv module); a broken suite
# exits 5 naming the file, line and column.
. "$(dirname "$0")/lib.sh"

test_expect_success 'setup' '
	cairn init >/dev/null &&
	cairn data add "$DATASETS/iris.csv" >/dev/null &&
	cairn data add "$DATASETS/diamonds.csv" >/dev/null
'

test_expect_success 'suggest on iris gives a suite that passes on iris' '
	cairn data suggest iris >iris.yml &&
	test_grep "^suite: iris$" iris.yml &&
	test_grep "^# iris@1 \(150 rows, 5 columns\)" iris.yml &&
	test_grep "^  - expect: row_count_between$" iris.yml &&
	test_grep "^    values: \[setosa, versicolor, virginica\]$" iris.yml &&
	test_grep "^    min: 4\.3$" iris.yml &&
	cairn data check iris --suite iris.yml >out &&
	test_grep "^All 17 expectations passed$" out &&
	! grep "^FAIL" out
'

test_expect_success 'suggest --out writes the file, and will not replace it without --force' '
	cairn data suggest iris --out s.yml >out &&
	test_grep "^Wrote 17 expectations for iris@1 to s\.yml$" out &&
	test_cmp iris.yml s.yml &&
	test_expect_code 1 cairn data suggest iris --out s.yml 2>err &&
	test_grep "^cairn: error: .s\.yml. already exists: use --force to replace it$" err &&
	cairn data suggest iris --out s.yml --force --margin 0.5 >/dev/null &&
	test_grep "^    min: 75$" s.yml &&
	test_expect_code 2 cairn data suggest iris --margin 2
'

test_expect_success 'suggest --json is a suite too' '
	cairn data suggest iris --json >iris.json &&
	python3 -c "import json; s = json.load(open(\"iris.json\")); assert s[\"suite\"] == \"iris\" and len(s[\"expectations\"]) == 17, s" &&
	cairn data check iris --suite iris.json --json >report.json &&
	python3 -c "import json; r = json.load(open(\"report.json\")); assert r[\"passed\"] and r[\"summary\"] == {\"expectations\": 17, \"passed\": 17, \"failed\": 0}, r[\"summary\"]"
'

test_expect_success 'suggest on diamonds passes on diamonds (quoted names and values)' '
	cairn data suggest diamonds >d.yml &&
	test_grep "^    columns: \[carat, cut, color, clarity, depth, table, price, x, \"y\", z\]$" d.yml &&
	test_grep "^    values: \[Ideal, Premium, \"Very Good\", Good, Fair\]$" d.yml &&
	cairn data check diamonds --suite d.yml >out &&
	test_grep "^All [0-9]+ expectations passed$" out
'

if test -n "$SHARED_DATASETS"; then
	test_expect_success 'suggest then check passes on the shared datasets' '
		for d in breast_cancer diabetes letter; do
			cairn data add "$SHARED_DATASETS/$d.csv" >/dev/null &&
			cairn data suggest $d --out $d.yml >/dev/null &&
			cairn data check $d --suite $d.yml >out &&
			test_grep "^All [0-9]+ expectations passed$" out || exit 1
		done
	'
else
	test_skip 'suggest then check passes on the shared datasets' 'no shared datasets'
fi

cat >bad.yml <<\EOF
suite: diamonds-quality
expectations:
  - expect: between
    column: price
    min: 0
    max: 10000
  - expect: greater_than
    column: x
    than: y
  - expect: in_set
    column: cut
    values: [Ideal, Premium, Very Good]
  - expect: not_null
    column: carat
  - expect: not_null
    column: weight
EOF

test_expect_success 'a failing suite exits 1 and says what failed' '
	test_expect_code 1 cairn data check diamonds --suite bad.yml >out &&
	test_grep "^Checking diamonds@1 \(53940 rows\) against suite .diamonds-quality. \(bad\.yml\)$" out &&
	test_grep "^FAIL +1  between price \(min 0, max 10000\): [0-9]+ of 53940 rows fail" out &&
	test_grep "^FAIL +2  greater_than x > y: " out &&
	test_grep "^FAIL +3  in_set cut .*unexpected values \"Good\" \([0-9]+\), \"Fair\" \([0-9]+\)" out &&
	test_grep "^ok +4  not_null carat" out &&
	test_grep "^FAIL +5  not_null weight: no column .weight.$" out &&
	test_grep "^ +row [0-9]+: price=[0-9]+$" out &&
	test_grep "^4 of 5 expectations failed$" out
'

test_expect_success 'the --json report has counts and example rows that match the file' '
	test_expect_code 1 cairn data check diamonds --suite bad.yml --json >report.json &&
	python3 - "$DATASETS/diamonds.csv" <<-\PY
	import csv, json, sys
	rows = list(csv.DictReader(open(sys.argv[1])))
	r = json.load(open("report.json"))
	assert r["dataset"] == "diamonds@1" and r["suite"] == "diamonds-quality", r
	assert r["passed"] is False and r["rows"] == 53940, r
	assert r["summary"] == {"expectations": 5, "passed": 1, "failed": 4}, r["summary"]
	res = r["results"]

	def expect(result, failing, values):
	    # Row numbers: the header is row 1, data row i (from 0) is row i + 2.
	    assert result["passed"] is False, result
	    assert result["failing_rows"] == len(failing), (result["failing_rows"], len(failing))
	    assert result["rows_checked"] == 53940, result
	    ex = result["examples"]
	    assert len(ex) == min(20, len(failing)), len(ex)
	    for e, i in zip(ex, failing):
	        assert e["row"] == i + 2, (e, i)
	        assert e["values"] == values(rows[i]), (e, rows[i])

	price = [i for i, row in enumerate(rows) if not 0 <= int(row["price"]) <= 10000]
	expect(res[0], price, lambda row: {"price": int(row["price"])})
	assert res[0]["observed"] == {"min": 326, "max": 18823}, res[0]["observed"]
	assert res[0]["line"] == 3 and res[0]["min"] == 0 and res[0]["max"] == 10000, res[0]

	xy = [i for i, row in enumerate(rows) if not float(row["x"]) > float(row["y"])]
	expect(res[1], xy, lambda row: {"x": float(row["x"]), "y": float(row["y"])})
	assert res[1]["than"] == "y" and res[1]["or_equal"] is False, res[1]

	cut = [i for i, row in enumerate(rows) if row["cut"] not in ("Ideal", "Premium", "Very Good")]
	expect(res[2], cut, lambda row: {"cut": row["cut"]})
	counts = {}
	for i in cut:
	    counts[rows[i]["cut"]] = counts.get(rows[i]["cut"], 0) + 1
	got = {u["value"]: u["count"] for u in res[2]["observed"]["unexpected_values"]}
	assert got == counts, (got, counts)

	assert res[3]["passed"] is True and res[3]["failing_rows"] == 0 and res[3]["examples"] == [], res[3]
	assert res[4]["passed"] is False and res[4]["error"] == "no column \x27weight\x27", res[4]
	PY
'

test_expect_success '--examples limits the example rows; mostly lets a few failures pass' '
	test_expect_code 1 cairn data check diamonds --suite bad.yml --json --examples 3 >report.json &&
	python3 -c "import json; r = json.load(open(\"report.json\")); assert [len(x.get(\"examples\", [])) for x in r[\"results\"]] == [3, 3, 3, 0, 0], r" &&
	cat >mostly.yml <<-\EOF &&
	expectations:
	  - {expect: between, column: price, max: 10000, mostly: 0.9}
	  - {expect: between, column: price, max: 10000, mostly: 0.95}
	EOF
	test_expect_code 1 cairn data check diamonds --suite mostly.yml >out &&
	test_grep "^ok +1  between price \(max 10000, mostly 0.9\): [0-9]+ of 53940 rows fail" out &&
	test_grep "^FAIL +2  between price \(max 10000, mostly 0.95\)" out
'

test_expect_success 'a broken suite exits 5 naming the file, line and column' '
	printf "suite: s\nexpectations:\n  - expect: not_null\n    column: carat\n   mostly: 0.5\n" >broken.yml &&
	test_expect_code 5 cairn data check diamonds --suite broken.yml 2>err &&
	test_grep "^cairn: error: .broken\.yml. line 5 column 4: " err &&
	printf "suite: s\nexpectations:\n  - expect: not_null\n    column: carat\n  - expect: between\n    column: price\n    min: cheap\n" >field.yml &&
	test_expect_code 5 cairn data check diamonds --suite field.yml 2>err &&
	echo "cairn: error: '\''field.yml'\'' line 7 column 10: expectation 2 (between): '\''min'\'' must be a number or a date, not '\''cheap'\''" >expect &&
	test_cmp expect err &&
	printf "expectations:\n  - expect: matches\n    column: clarity\n    regex: \"(SI\"\n" >re.yml &&
	test_expect_code 5 cairn data check diamonds --suite re.yml 2>err &&
	test_grep "line 4 column 12: expectation 1 \(matches\): invalid .regex. .\(SI.: " err &&
	printf "expectations:\n  - expect: not_nul\n    column: carat\n" >kind.yml &&
	test_expect_code 5 cairn data check diamonds --suite kind.yml 2>err &&
	test_grep "line 2 column 13: expectation 1: unknown expectation type .not_nul." err
'

test_expect_success 'usage errors and missing things' '
	test_expect_code 2 cairn data check diamonds 2>err &&
	test_grep "give the expectation suite with --suite FILE" err &&
	test_expect_code 4 cairn data check diamonds --suite nope.yml 2>err &&
	test_grep "nope\.yml" err &&
	test_expect_code 4 cairn data check nosuch --suite bad.yml &&
	test_expect_code 4 cairn data suggest nosuch &&
	cairn data check --help >out &&
	test_grep "^usage: cairn data check REF --suite FILE" out
'

test_expect_success 'the example suite in docs/commands/data-check.md is valid' '
	sed -n "/^\`\`\`yaml\$/,/^\`\`\`\$/p" "$SRC_ROOT/docs/commands/data-check.md" | sed "1d;\$d" >doc.yml &&
	test_grep "^suite: diamonds-quality$" doc.yml &&
	test_expect_code 1 cairn data check diamonds --suite doc.yml --json >report.json &&
	python3 -c "import json; r = json.load(open(\"report.json\")); assert r[\"summary\"][\"expectations\"] == 16, r[\"summary\"]; errs = sorted(x[\"error\"] for x in r[\"results\"] if \"error\" in x); assert errs == [\"no column \x27id\x27\", \"no column \x27sold_at\x27\"], errs"
'

test_done
