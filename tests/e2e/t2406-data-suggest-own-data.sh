#!/bin/bash
# cairn data suggest never writes a suite that its own data fails: columns of
# nulls only, a header without rows, -inf and inf values (and numbers beyond a
# double's range, read as infinities); the profile says when min and max are
# the finite extremes of a column that also holds infinities.
. "$(dirname "$0")/lib.sh"

test_expect_success 'setup' '
	cairn init >/dev/null &&
	printf "a,b,c\n1,,x\n2,,y\n3,,z\n" >nulls.csv &&
	printf "a,b\n" >header-only.csv &&
	printf "a,b,c,d\n1,inf,1,-inf\n2,-inf,inf,1.5\n3,5,2,2.5\n" >inf.csv &&
	printf "a,b\n1,1e309\n2,3\n3,-1e309\n" >huge.csv
'

for f in nulls header-only inf huge; do
	test_expect_success "the suite suggested for $f.csv passes on it" "
		cairn data add $f.csv >/dev/null &&
		cairn data suggest $f --out $f.yaml >out &&
		test_grep '^Wrote [0-9]* expectations for $f@1 to $f\\.yaml$' out &&
		cairn data check $f --suite $f.yaml >report &&
		test_grep '^All [0-9]* expectations passed$' report
	"
done

test_expect_success 'no in_set without values, no bound on an infinite side' '
	! grep -A2 "expect: in_set" nulls.yaml | grep "column: b" &&
	! grep "values: \[\]" nulls.yaml header-only.yaml &&
	python3 -c "
import re
text = open(\"inf.yaml\").read()
items = text.split(\"  - expect: \")
between = {re.search(r\"column: (\w+)\", i).group(1): i for i in items if i.startswith(\"between\")}
assert \"b\" not in between, between
assert \"min: 1\" in between[\"c\"] and \"max:\" not in between[\"c\"], between[\"c\"]
assert \"max: 2.5\" in between[\"d\"] and \"min:\" not in between[\"d\"], between[\"d\"]
assert \"min: 1\" in between[\"a\"] and \"max: 3\" in between[\"a\"], between[\"a\"]
" &&
	test_grep "^  # b: float, 0 nulls, 3 distinct, 2 infinite" inf.yaml
'

test_expect_success 'the profile says which extremes are infinite' '
	cairn data profile inf --json >p.json &&
	python3 -c "
import json
cols = {c[\"name\"]: c for c in json.load(open(\"p.json\"))[\"columns\"]}
b, c, d, a = cols[\"b\"], cols[\"c\"], cols[\"d\"], cols[\"a\"]
assert (b[\"infinite\"], b[\"min_infinite\"], b[\"max_infinite\"], b[\"min\"], b[\"max\"]) == (2, True, True, 5, 5), b
assert (c[\"infinite\"], c[\"min_infinite\"], c[\"max_infinite\"], c[\"min\"], c[\"max\"]) == (1, False, True, 1, 2), c
assert (d[\"min_infinite\"], d[\"max_infinite\"]) == (True, False), d
assert \"infinite\" not in a and \"min_infinite\" not in a, a
" &&
	cairn data profile huge --json >h.json &&
	python3 -c "
import json
b = json.load(open(\"h.json\"))[\"columns\"][1]
assert (b[\"type\"], b[\"infinite\"], b[\"min_infinite\"], b[\"max_infinite\"], b[\"min\"]) == (\"float\", 2, True, True, 3), b
"
'

test_done
