#!/bin/bash
# A derived version (split part, sample, augmented data) may not take its
# source's name: it would silently become the source's latest version.
. "$(dirname "$0")/lib.sh"

test_expect_success 'setup' '
	cairn init >/dev/null &&
	cairn data add "$DATASETS/iris.csv" >/dev/null
'

test_expect_success 'split --names with the source name is refused, nothing recorded' '
	test_expect_code 2 cairn data split iris --ratios 0.8,0.2 --seed 1 --names iris,iris-test 2>err &&
	test_grep "the derived version would be named .iris., as its source iris@1: it would become the latest .iris." err &&
	cairn data list >list &&
	test_grep "^iris@1 " list &&
	! grep "iris@2\|iris-test" list &&
	cairn data show iris --json >show.json &&
	python3 -c "import json; v = json.load(open(\"show.json\")); assert v[\"ref\"] == \"iris@1\", v"
'

test_expect_success 'sample and augment --name with the source name are refused' '
	test_expect_code 2 cairn data sample iris --n 10 --seed 1 --name iris 2>err &&
	test_grep "would become the latest .iris." err &&
	test_expect_code 2 cairn data augment iris --noise 0.1 --seed 1 --name iris 2>err &&
	test_grep "would become the latest .iris." err &&
	! cairn data list | grep "iris@2"
'

test_expect_success 'other names still work' '
	cairn data split iris --ratios 0.8,0.2 --seed 1 --names tr,te >out &&
	test_grep "^Created tr@1 \(120 rows, derived from iris@1\)" out
'

test_done
