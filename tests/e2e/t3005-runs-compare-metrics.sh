#!/bin/bash
# cairn runs compare (runs side by side, differences marked) and cairn
# metrics history (points by step, JSON, a sparkline on a terminal only, an
# SVG plot written atomically).
. "$(dirname "$0")/lib.sh"

example=$SRC_ROOT/build/examples/track-example
[ -x "$example" ] || test_skip_all "build/examples/track-example is not built (make test builds it)"

test_expect_success 'setup: two runs that differ in some params and metrics' '
	cairn init >/dev/null &&
	"$example" 3 >r1 &&
	"$example" 5 >r2 &&
	cairn log param model xgb --run $(cat r1) &&
	cairn log metric f1 0.5 --run $(cat r2) &&
	cairn log metric f1 0.75 --step 1 --run $(cat r2)
'

test_expect_success 'compare shows one column per run and marks the rows that differ' '
	cairn runs compare $(cat r1) $(cat r2) >out &&
	test_grep "^  RUN +$(cat r1)  $(cat r2)$" out &&
	test_grep "^  status +FINISHED +FINISHED$" out &&
	test_grep "^  experiment +examples +examples$" out &&
	test_grep "^  name +track-example +track-example$" out &&
	test_grep "^  started +20" out &&
	test_grep "^  duration " out &&
	test_grep "^params$" out &&
	test_grep "^\* epochs +3 +5$" out &&
	test_grep "^  learning_rate +0.5 +0.5$" out &&
	test_grep "^\* model +xgb +-$" out &&
	test_grep "^metrics$" out &&
	test_grep "^\* f1 +- +0.75$" out &&
	test_grep "^\* loss +0.125 +0.03125$" out &&
	test_grep "^tags$" out &&
	test_grep "^  language +c +c$" out
'

test_expect_success 'compare --json gives runs, values by run and the keys that differ' '
	cairn runs compare $(cat r2) $(cat r1) --json >out.json &&
	r1=$(cat r1) r2=$(cat r2) python3 -c "
import json, os
r1, r2 = os.environ[\"r1\"], os.environ[\"r2\"]
c = json.load(open(\"out.json\"))
assert c[\"runs\"] == [r2, r1], c[\"runs\"]
assert c[\"params\"][\"epochs\"] == {r1: \"3\", r2: \"5\"}, c[\"params\"]
assert c[\"params\"][\"model\"] == {r1: \"xgb\"}, c[\"params\"]
assert c[\"metrics\"][\"f1\"] == {r2: 0.75}, c[\"metrics\"]
assert c[\"attributes\"][\"status\"] == {r1: \"FINISHED\", r2: \"FINISHED\"}
d = c[\"differs\"]
assert d[\"params\"] == [\"epochs\", \"model\"], d
assert d[\"metrics\"] == [\"accuracy\", \"f1\", \"loss\"], d
assert d[\"tags\"] == [], d
assert d[\"attributes\"] == [], d
"
'

test_expect_success 'compare needs two distinct, existing runs' '
	test_expect_code 2 cairn runs compare $(cat r1) 2>err &&
	test_grep "at least two runs" err &&
	test_expect_code 2 cairn runs compare $(cat r1) $(cat r1) 2>err &&
	test_grep "is given twice" err &&
	test_expect_code 4 cairn runs compare $(cat r1) zzzzzzzz 2>err &&
	test_grep "no run matches .zzzzzzzz." err
'

test_expect_success 'metrics history prints every point by step' '
	cairn metrics history $(cat r1) loss >out &&
	test_grep "^ +STEP +VALUE +TIME$" out &&
	awk "NR > 1 { print \$1, \$2 }" out >got &&
	printf "0 0.5\n1 0.25\n2 0.125\n" >want &&
	test_cmp want got &&
	test_grep "^ +0 +0.5 +20[0-9][0-9]-[0-9][0-9]-[0-9][0-9]T" out
'

test_expect_success 'metrics history --json; a run prefix works' '
	r=$(cat r2) &&
	cairn metrics history ${r%??????????} f1 --json >out.json &&
	python3 -c "
import json
h = json.load(open(\"out.json\"))
assert [(p[\"step\"], p[\"value\"]) for p in h] == [(0, 0.5), (1, 0.75)], h
assert all(isinstance(p[\"timestamp_ms\"], int) for p in h), h
"
'

test_expect_success 'a NaN point is shown as nan and null' '
	cairn log metric f1 nan --step 2 --run $(cat r2) &&
	cairn metrics history $(cat r2) f1 >out &&
	test_grep "^ +2 +nan " out &&
	cairn metrics history $(cat r2) f1 --json >out.json &&
	python3 -c "import json; assert json.load(open(\"out.json\"))[2][\"value\"] is None"
'

test_expect_success 'no sparkline when stdout is not a terminal' '
	cairn metrics history $(cat r1) loss >out &&
	! grep -q "$(printf "\342\226")" out &&
	test $(wc -l <out) = 4
'

if test_have script; then
	test_expect_success 'a sparkline on a terminal' '
		script -qc "cairn metrics history $(cat r1) loss" /dev/null >out &&
		test_grep "^$(printf "\342\226\210\342\226\203\342\226\201")  0.125 .. 0.5" out
	'
else
	test_skip 'a sparkline on a terminal' 'script (util-linux) is not installed'
fi

test_expect_success '--svg writes a well-formed SVG line plot' '
	mkdir plots &&
	cairn metrics history $(cat r2) f1 --svg plots/f1.svg >out &&
	test_grep "^ +1 +0.75 " out &&
	python3 -c "import xml.dom.minidom, sys; xml.dom.minidom.parse(sys.argv[1])" plots/f1.svg &&
	grep -q "<polyline" plots/f1.svg &&
	grep -q "<title>$(cat r2)/f1</title>" plots/f1.svg &&
	grep -q ">step</text>" plots/f1.svg &&
	test "$(ls -A plots)" = f1.svg &&
	cairn metrics history $(cat r1) loss --svg plots/f1.svg --force --json >out.json &&
	grep -q "<title>$(cat r1)/loss</title>" plots/f1.svg &&
	test "$(ls -A plots)" = f1.svg
'

test_expect_success 'one point and a constant series still plot' '
	"$example" 1 >r3 &&
	cairn log metric flat 2 --step 0 --run $(cat r3) &&
	cairn log metric flat 2 --step 1 --run $(cat r3) &&
	cairn metrics history $(cat r3) flat --svg flat.svg >/dev/null &&
	python3 -c "import xml.dom.minidom, sys; xml.dom.minidom.parse(sys.argv[1])" flat.svg &&
	grep -q "<polyline" flat.svg &&
	cairn log metric single 3 --run $(cat r3) &&
	cairn metrics history $(cat r3) single --svg single.svg >/dev/null &&
	python3 -c "import xml.dom.minidom, sys; xml.dom.minidom.parse(sys.argv[1])" single.svg &&
	grep -q "<circle" single.svg
'

test_expect_success 'metrics history errors' '
	test_expect_code 4 cairn metrics history $(cat r1) nope 2>err &&
	test_grep "has no metric .nope." err &&
	test_expect_code 4 cairn metrics history zzzzzzzz loss 2>err &&
	test_expect_code 2 cairn metrics history $(cat r1) 2>err &&
	test_grep "expected RUN KEY" err &&
	test_expect_code 4 cairn metrics history $(cat r1) nope --svg x.svg 2>err &&
	test ! -e x.svg &&
	test_must_fail cairn metrics history $(cat r1) loss --svg no/such/dir/x.svg 2>err &&
	test_grep "no/such/dir/x.svg" err &&
	test_expect_code 2 cairn metrics 2>err &&
	test_grep "history" err &&
	test_expect_code 2 cairn metrics nope 2>err &&
	test_grep "is not a .cairn metrics. subcommand" err
'

test_done
