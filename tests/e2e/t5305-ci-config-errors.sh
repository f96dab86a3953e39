#!/bin/bash
# cairn ci: a malformed ci: key of cairn.yaml is refused before anything
# runs, naming the file, line, column and key (exit 5); a model without ci:
# is exit 2; a bad option of the training names the train: key; a summary
# file that cannot be written stops the job first. Nothing is added,
# trained or registered.
. "$(dirname "$0")/lib.sh"

test_expect_success 'setup' '
	cairn init >/dev/null &&
	cairn data add "$DATASETS/iris.csv" >/dev/null &&
	printf "suite: s\nexpectations:\n  - expect: columns_present\n    columns: [species]\n" >suite.yaml &&
	cairn data list --json >data.before &&
	cairn runs list --json >runs.before
'

nothing_done() {
	cairn data list --json >data.after &&
	cairn runs list --json >runs.after &&
	test_cmp data.before data.after &&
	test_cmp runs.before runs.after &&
	cairn models list --json >models &&
	echo "[]" >expect && test_cmp expect models
}

# cairn.yaml with model m, then stdin (its ci: key) appended
config() {
	printf "models:\n  m:\n    holdout: iris@1\n    gates:\n      smoke: true\n" >cairn.yaml &&
	cat >>cairn.yaml
}

test_expect_success 'an unknown key under ci:' '
	config <<-\EOY &&
	    ci:
	      trian: { data: iris, algorithm: knn }
	EOY
	test_expect_code 5 cairn ci 2>err &&
	test_grep "cairn.yaml. line 7 column 7: models.m.ci: unknown key .trian. \(ci takes to, datasets, train\)" err &&
	nothing_done
'

test_expect_success 'train without data, and with test and test_split' '
	config <<-\EOY &&
	    ci:
	      train: { algorithm: knn }
	EOY
	test_expect_code 5 cairn ci 2>err &&
	test_grep "line 7 column 14: models.m.ci.train: missing .data." err &&
	config <<-\EOY &&
	    ci:
	      train: { data: iris, algorithm: knn, target: species, test: iris, test_split: 0.2 }
	EOY
	test_expect_code 5 cairn ci 2>err &&
	test_grep "models.m.ci.train.test_split: give .test. or .test_split., not both" err &&
	nothing_done
'

test_expect_success 'a dataset with both add and dataset, or no suite' '
	config <<-\EOY &&
	    ci:
	      datasets:
	        - { add: iris.csv, dataset: iris }
	      train: { data: iris, algorithm: knn }
	EOY
	test_expect_code 5 cairn ci 2>err &&
	test_grep "line 8 column 11: models.m.ci.datasets\[\]: give either .add." err &&
	config <<-\EOY &&
	    ci:
	      datasets:
	        - dataset: iris
	      train: { data: iris, algorithm: knn }
	EOY
	test_expect_code 5 cairn ci 2>err &&
	test_grep "models.m.ci.datasets\[\]: missing .expectations." err &&
	nothing_done
'

test_expect_success 'a seed that is no whole number, a param that is a list' '
	config <<-\EOY &&
	    ci:
	      train: { data: iris, algorithm: knn, seed: 1.5 }
	EOY
	test_expect_code 5 cairn ci 2>err &&
	test_grep "models.m.ci.train.seed: must be a whole number" err &&
	config <<-\EOY &&
	    ci:
	      train: { data: iris, algorithm: knn, params: { n_neighbors: [1, 2] } }
	EOY
	test_expect_code 5 cairn ci 2>err &&
	test_grep "models.m.ci.train.params.n_neighbors: must be a number or a word" err &&
	nothing_done
'

test_expect_success 'a model without ci: is exit 2, naming what is missing' '
	config <<-\EOY &&
	
	EOY
	test_expect_code 2 cairn ci 2>err &&
	test_grep "models.m has no .ci." err &&
	nothing_done
'

test_expect_success 'a bad param of the training names the train: key; no run is left' '
	config <<-\EOY &&
	    ci:
	      train: { data: iris, algorithm: knn, target: species, params: { k: 5 } }
	EOY
	test_expect_code 2 cairn ci 2>err &&
	test_grep "cairn.yaml. line 7 column 14: models.m.ci.train: knn has no param .k." err &&
	nothing_done
'

test_expect_success 'a summary file that cannot be written stops the job before it starts' '
	config <<-\EOY &&
	    ci:
	      datasets:
	        - { dataset: iris, expectations: suite.yaml }
	      train: { data: iris, algorithm: knn, target: species }
	EOY
	test_expect_code 1 cairn ci --summary no/such/dir/page.md 2>err &&
	test_grep "cannot append the summary to .no/such/dir/page.md." err &&
	nothing_done &&
	cairn data show iris@1 --json | jq_py "[k for k in d[\"tags\"] if k.startswith(\"cairn.check:\")]" >tags &&
	echo "[]" >expect && test_cmp expect tags
'

test_expect_success 'a missing suite: exit 4 naming it, nothing trained' '
	config <<-\EOY &&
	    ci:
	      datasets:
	        - { dataset: iris, expectations: nosuch.yaml }
	      train: { data: iris, algorithm: knn, target: species }
	EOY
	test_expect_code 4 cairn ci 2>err &&
	test_grep "nosuch.yaml" err &&
	nothing_done
'

test_done
