#!/bin/bash
# YAML alias bombs: a few lines whose aliases expand to billions of nodes are
# refused with the file, the line and the limit, in an MLmodel manifest and in
# an expectation suite, instead of eating gigabytes; ordinary aliases still read.
. "$(dirname "$0")/lib.sh"

bomb() {
	printf '%s\n' \
	'  a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]' \
	'  b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]' \
	'  c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]' \
	'  d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]' \
	'  e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]' \
	'  f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]' \
	'  g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]' \
	'  h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]' \
	'  i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]'
}

test_expect_success 'setup' '
	cairn init >/dev/null &&
	cairn data add "$DATASETS/iris.csv" >/dev/null
'

test_expect_success 'an MLmodel alias bomb is refused with the line and the limit' '
	mkdir m &&
	{ echo "flavors:" && bomb; } >m/MLmodel &&
	capped test_expect_code 5 cairn models import m 2>err &&
	test_grep "m/MLmodel. line 8 column 6: more than 1000000 YAML nodes once aliases are expanded" err
'

test_expect_success 'a suite repeating a long list by alias is refused' '
	python3 -c "
print(\"suite: s\\nexpectations:\")
print(\"  - &e {expect: in_set, column: species, values: [%s]}\" % \", \".join(\"v%d\" % i for i in range(10000)))
for i in range(9999):
    print(\"  - *e\")
" >s.yaml &&
	capped test_expect_code 5 cairn data check iris --suite s.yaml 2>err &&
	test_grep "s\.yaml. line 3 column 50: expectation 101 .in_set.: more than 1000000 YAML nodes once aliases are expanded" err
'

test_expect_success 'ordinary aliases in a suite still read' '
	cat >ok.yaml <<-\EOT &&
	suite: ok
	expectations:
	  - expect: not_null
	    column: &col sepal_length
	  - expect: between
	    column: *col
	    min: 0
	    max: 100
	EOT
	cairn data check iris --suite ok.yaml >out &&
	test_grep "^All 2 expectations passed$" out
'

test_done
