#!/bin/bash
# cairn models card: a model trained on a split with --test, inside a run
# started in a git repository, gets a card in Markdown and in one HTML file
# that names the data's content hashes (those of cairn data show), the
# commit, the derivation of the data and the metrics; --json prints the
# facts; --by adds metrics per slice.
. "$(dirname "$0")/lib.sh"

test_have git || test_skip_all "git is not installed"

test_expect_success 'setup: a repository, a split, a model trained inside a run' '
	git init -q . &&
	git config user.name Test &&
	git config user.email test@example.invalid &&
	echo "print(1)" >train.py &&
	git add train.py &&
	git commit -q -m "the training code" &&
	cairn init >/dev/null &&
	cairn data add "$DATASETS/iris.csv" --name iris >/dev/null &&
	cairn data split iris --ratios 0.7,0.3 --seed 11 --stratify species >/dev/null &&
	cairn run -- cairn train --data iris-train --test iris-test --target species \
		--algo logistic --json >train.json 2>/dev/null &&
	jq_py "d[\"run_id\"]" <train.json >run_id
'

test_expect_success 'the Markdown card has every section' '
	cairn models card $(cat run_id) >card.md &&
	for s in "Model details" "Intended use" "Factors" "Metrics" "Evaluation data" \
		"Training data" "Quantitative analyses" "Ethical considerations" \
		"Caveats and recommendations"; do
		test_grep "^## $s\$" card.md || exit 1
	done
'

test_expect_success 'the card names the content hashes cairn data show gives' '
	for ds in iris-train iris-test iris; do
		cairn data show $ds --json | jq_py "d[\"hash\"]" >hash &&
		test_grep "$(cat hash)" card.md || exit 1
	done
'

test_expect_success 'the card names the commit the run started at, and the derivation' '
	test_grep "Commit \| \`$(git rev-parse HEAD)\`" card.md &&
	test_grep "split of iris@1 .*seed 11" card.md &&
	test_grep "Algorithm \| logistic" card.md &&
	test_grep "sepal\\\\_length \| float" card.md
'

test_expect_success 'the card gives the metrics recorded at training' '
	acc=$(jq_py "\"%.6g\" % d[\"metrics\"][\"test\"][\"accuracy\"]" <train.json) &&
	test_grep "^\| accuracy \| $acc \|" card.md &&
	test_grep "^### On the test data" card.md
'

test_expect_success 'the HTML card is one file: style and plots inline, nothing fetched' '
	cairn models card $(cat run_id) --format html >card.html &&
	test_grep "^<!DOCTYPE html>" card.html &&
	test_grep "<style>" card.html &&
	test "$(grep -c "<svg" card.html)" -ge 3 &&
	! grep -Ei "<script|<link|<img|src=|href=|url\\([^#]|@import" card.html &&
	test "$(grep -o "id=\"plot-area-p[0-9]*\"" card.html | sort -u | wc -l)" = 2 &&
	test "$(grep -o "https\\?://[^\"]*" card.html | sort -u)" = "http://www.w3.org/2000/svg" &&
	test_grep "$(git rev-parse HEAD)" card.html &&
	cairn data show iris-test --json | jq_py "d[\"hash\"]" >hash &&
	test_grep "$(cat hash)" card.html
'

test_expect_success 'the HTML card parses, with its plots' '
	python3 - <<-\EOF
	from html.parser import HTMLParser
	class P(HTMLParser):
	    def __init__(self):
	        super().__init__()
	        self.stack, self.svgs, self.h2 = [], 0, []
	        self.grab = False
	    def handle_starttag(self, tag, attrs):
	        if tag == "svg":
	            self.svgs += 1
	        self.grab = tag == "h2"
	    def handle_data(self, data):
	        if self.grab:
	            self.h2.append(data)
	            self.grab = False
	p = P()
	p.feed(open("card.html").read())
	assert p.svgs >= 3, p.svgs
	assert p.h2[0] == "Model details" and p.h2[-1] == "Caveats and recommendations", p.h2
	EOF
'

test_expect_success 'the same package gives the same card, byte for byte' '
	cairn models card $(cat run_id) >again.md &&
	test_cmp card.md again.md &&
	cairn models card $(cat run_id) --format html >again.html &&
	cmp card.html again.html
'

test_expect_success '--json prints the facts the card is written from' '
	cairn models card $(cat run_id) --json >facts.json &&
	test "$(jq_py "d[\"run\"][\"code\"][\"commit\"]" <facts.json)" = "$(git rev-parse HEAD)" &&
	test "$(jq_py "\",\".join(x[\"context\"] for x in d[\"data\"])" <facts.json)" = train,test &&
	test "$(jq_py "d[\"data\"][1][\"derivation\"][\"params\"][\"seed\"]" <facts.json)" = 11 &&
	test "$(jq_py "\",\".join(sorted(d[\"evaluation\"][\"plots\"]))" <facts.json)" = \
		confusion.svg,importance.svg,pr.svg,roc.svg &&
	test "$(jq_py "\",\".join(d[\"model\"][\"classes\"])" <facts.json)" = \
		setosa,versicolor,virginica
'

test_expect_success '--by gives the metrics per value of a column of the test data' '
	cairn models card $(cat run_id) --by species >by.md &&
	test_grep "^### Per value of species" by.md &&
	test_grep "^\| setosa \| 15 \|" by.md &&
	cairn models card $(cat run_id) --by species --json >by.json &&
	test "$(jq_py "d[\"evaluation\"][\"slices\"][\"species\"][\"virginica\"][\"rows\"]" <by.json)" = 15
'

test_expect_success '--by a column the test data lacks is a usage error' '
	test_expect_code 2 cairn models card $(cat run_id) --by nosuch 2>err &&
	test_grep "cannot slice by .nosuch.: the test data iris-test@1 has no such column" err
'

test_expect_success 'tags of the training run fill intended use, ethics and caveats' '
	cairn runs tag $(cat run_id) "intended_use=Sorting irises in a garden" \
		"limitations=Only three species" "ethical_considerations=None: flowers" \
		factors=species >/dev/null &&
	cairn models card $(cat run_id) >tagged.md &&
	test_grep "^Sorting irises in a garden" tagged.md &&
	test_grep "^- Only three species \(tag limitations of run" tagged.md &&
	test_grep "^- None: flowers" tagged.md &&
	test_grep "^### Per value of species" tagged.md
'

test_expect_success 'an ensemble card names its members' '
	cairn train --data iris-train --test iris-test --target species --algo naive_bayes \
		--json >nb.json 2>/dev/null &&
	nb=$(jq_py "d[\"run_id\"]" <nb.json) &&
	cairn train --algo ensemble --members $(cat run_id),$nb --data iris-train --test iris-test \
		--target species --json >ens.json 2>/dev/null &&
	cairn models card $(jq_py "d[\"run_id\"]" <ens.json) >ens.md &&
	test_grep "^\| Ensemble of \| $(cat run_id), $nb \|" ens.md &&
	test_grep "^### iris-test@1 \(test\)" ens.md
'

test_expect_success 'a --format other than md or html is a usage error' '
	test_expect_code 2 cairn models card $(cat run_id) --format pdf 2>err &&
	test_grep "format takes md or html" err
'

test_done
