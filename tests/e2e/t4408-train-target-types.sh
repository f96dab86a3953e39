#!/bin/bash
# Class targets that are not text are matched by value: a boolean target
# (true/false) trains and evaluates as two classes (every row used to be
# taken for "true", the last class), a datetime target as its dates, and
# integer labels written as 1.0 in the evaluation data are the class 1.
. "$(dirname "$0")/lib.sh"

# 400 rows of x in [0, 1) and y = x > 0.5 as true/false.
write_bool_csv() {
	echo x,y
	for i in $(seq 0 399); do
		x=$((i * 7919 % 1000))
		printf '0.%03d,%s\n' $x $([ $x -gt 500 ] && echo true || echo false)
	done
}

test_expect_success 'setup: a boolean target that follows x' '
	cairn init >/dev/null &&
	write_bool_csv >b.csv &&
	cairn data add b.csv >/dev/null
'

test_expect_success 'a boolean target trains on both classes' '
	cairn train --data b --target y --algo logistic --json >b.json &&
	jq_py "d[\"metrics\"][\"train\"][\"confusion_matrix\"]" <b.json >cm &&
	jq_py "d[\"metrics\"][\"train\"][\"accuracy\"] > 0.95" <b.json >acc &&
	test "$(cat acc)" = True &&
	jq_py "d[\"metrics\"][\"train\"][\"per_class\"][\"false\"][\"support\"]" <b.json >nf &&
	test "$(cat nf)" = $(grep -c false b.csv)
'

test_expect_success 'evaluate reads the boolean labels by value' '
	cairn evaluate $(jq_py "d[\"run_id\"]" <b.json) --data b.csv --json >ev.json &&
	jq_py "d[\"accuracy\"] > 0.95" <ev.json >eok &&
	test "$(cat eok)" = True
'

test_expect_success 'integer classes match labels written as 1.0' '
	awk -F, -v OFS=, "NR == 1 { print; next } { print \$1, (\$2 == \"true\") }" b.csv >i.csv &&
	cairn data add i.csv >/dev/null &&
	cairn train --data i --target y --task classification --algo logistic --json >i.json &&
	awk -F, -v OFS=, "NR == 1 { print; next } { print \$1, \$2 \".0\" }" i.csv >f.csv &&
	cairn evaluate $(jq_py "d[\"run_id\"]" <i.json) --data f.csv --json >fe.json &&
	jq_py "d[\"accuracy\"] > 0.95" <fe.json >ok &&
	test "$(cat ok)" = True
'

test_expect_success 'a datetime target is two classes, not one' '
	awk -F, -v OFS=, "NR == 1 { print; next } { print \$1, \$2 == \"true\" ? \"2026-01-02\" : \"2025-06-30\" }" \
		b.csv >d.csv &&
	cairn data add d.csv >/dev/null &&
	cairn train --data d --target y --task classification --algo logistic --json >d.json &&
	jq_py "d[\"metrics\"][\"train\"][\"accuracy\"] > 0.95" <d.json >dok &&
	test "$(cat dok)" = True
'

test_done
