#!/bin/bash
# cairn models card on what records less: an imported model, a package
# directory, a package whose run and data live in another workspace, a
# model trained without test data; each renders with clear "not recorded"
# notes instead of failing. An unknown MODELREF exits as predict does; --out
# follows the one output policy.
. "$(dirname "$0")/lib.sh"

test_expect_success 'setup: a model trained with cairn train alone' '
	cairn init >/dev/null &&
	cairn data add "$DATASETS/iris.csv" --name iris >/dev/null &&
	cairn train --data iris --target species --algo logistic --json >train.json 2>/dev/null &&
	jq_py "d[\"run_id\"]" <train.json >run_id
'

test_expect_success 'an imported model renders, saying what was not recorded' '
	cairn runs get-artifact $(cat run_id) model/model.liblinear model.liblinear >/dev/null &&
	cairn models import model.liblinear --target-labels setosa,versicolor,virginica \
		--signature sepal_length:double,sepal_width:double,petal_length:double,petal_width:double \
		--json >imp.json &&
	run=$(jq_py "d[\"run_id\"]" <imp.json) &&
	cairn models card $run >imp.md &&
	test_grep "^\| Run param source \| model.liblinear \|" imp.md &&
	test_grep "^\*Not recorded: the package holds no metrics" imp.md &&
	test_grep "^\*Not recorded: the package names no training data" imp.md &&
	test_grep "^\*Not recorded: the training run ran outside a git work tree" imp.md &&
	test_grep "^- no test data was recorded with the model" imp.md &&
	cairn models card $run --format html >imp.html &&
	test_grep "class=\"missing\">Not recorded: the package holds no metrics" imp.html
'

test_expect_success 'a model trained without --test: no evaluation, said so' '
	cairn models card $(cat run_id) >plain.md &&
	test_grep "^\*No test metrics: the model was not evaluated on held-out data" plain.md &&
	test_grep "^\*Not available: the model was not evaluated again" plain.md &&
	test_grep "^- no code version was recorded" plain.md &&
	test_grep "^\| cairn \| [0-9]" plain.md
'

test_expect_success 'a model tested on rows held out of its data is evaluated on them again' '
	cairn train --data iris --target species --algo logistic --test-split 0.3 --seed 4 \
		--json >split.json 2>/dev/null &&
	run=$(jq_py "d[\"run_id\"]" <split.json) &&
	cairn models card $run --by species --json >split-facts.json &&
	test "$(jq_py "d[\"held_out\"][\"rows\"], d[\"held_out\"][\"seed\"]" <split-facts.json)" = "45 4" &&
	jq_py "d[\"metrics\"][\"test\"][\"accuracy\"]" <split.json >expect &&
	jq_py "d[\"evaluation\"][\"metrics\"][\"accuracy\"]" <split-facts.json >actual &&
	test_cmp expect actual &&
	test "$(jq_py "sum(s[\"rows\"] for s in d[\"evaluation\"][\"slices\"][\"species\"].values())" \
		<split-facts.json)" = 45 &&
	cairn models card $run >split.md &&
	test_grep "^The 45 rows held out of the training data iris@1 \(fraction 0.3, seed 4, stratified by species\)" split.md &&
	test_grep "^- roc.svg \(drawn in the HTML card\)" split.md
'

test_expect_success 'a clustering model has no target, and says so' '
	cairn train --data iris --algo kmeans --param n_clusters=3 --drop species \
		--json >km.json 2>/dev/null &&
	cairn models card $(jq_py "d[\"run_id\"]" <km.json) >km.md &&
	test_grep "^\| Target \| none \(clustering\) \|" km.md &&
	test_grep "^\| Task \| clustering \|" km.md
'

test_expect_success 'a package directory renders; its hashes are those of the files' '
	cairn runs get-artifact $(cat run_id) model pkg >/dev/null &&
	cairn models card ./pkg --json >dir.json &&
	test "$(jq_py "d[\"model\"][\"source\"]" <dir.json)" = directory &&
	sha256sum pkg/MLmodel | cut -d" " -f1 >expect &&
	jq_py "[f[\"sha256\"] for f in d[\"model\"][\"files\"] if f[\"path\"] == \"MLmodel\"][0]" \
		<dir.json >actual &&
	test_cmp expect actual
'

test_expect_success 'a package from another workspace: its run and data are notes' '
	other=$(mktemp -d) &&
	cp -r pkg "$other/pkg" &&
	(cd "$other" && cairn init >/dev/null && cairn models card pkg) >other.md &&
	rm -rf "$other" &&
	test_grep "^- the training run $(cat run_id) is not in this workspace" other.md &&
	test_grep "^- the train data iris@1 is not in this workspace" other.md &&
	test_grep "^\| In this workspace \| \*no: only the hash above is known\* \|" other.md &&
	cairn data show iris --json | jq_py "d[\"hash\"]" >hash &&
	test_grep "$(cat hash)" other.md &&
	test_grep "^\| sepal\\\\_length \| float \| 0 \| 4.3 \| 7.9 \|" other.md
'

test_expect_success 'an unknown MODELREF exits as predict does (4)' '
	test_expect_code 4 cairn predict nosuchmodel --data "$DATASETS/iris.csv" 2>perr &&
	test_expect_code 4 cairn models card nosuchmodel 2>err &&
	test_grep "no model .nosuchmodel. \(a package directory, a run id or RUN/PATH\)" err &&
	test_expect_code 4 cairn models card ./nosuchdir 2>err &&
	test_grep "no model package ..\/nosuchdir." err &&
	test_expect_code 4 cairn models card $(cat run_id)/nosuch 2>err
'

test_expect_success '--out refuses an existing file without --force, and leaves it' '
	echo keep >card.md &&
	test_expect_code 1 cairn models card $(cat run_id) --out card.md 2>err &&
	test_grep "already exists" err &&
	test_grep "force" err &&
	test "$(cat card.md)" = keep &&
	cairn models card $(cat run_id) --out card.md --force >out &&
	test_grep "^Wrote the model card of $(cat run_id) to card.md" out &&
	test_grep "^## Model details" card.md &&
	! ls -a | grep cairn-tmp
'

test_expect_success '--out writes with the umask, and never inside .cairn' '
	(umask 077 && cairn models card $(cat run_id) --format html --out private.html >/dev/null) &&
	test "$(stat -c %a private.html)" = 600 &&
	test_must_fail cairn models card $(cat run_id) --out .cairn/card.md 2>err &&
	test_grep "cairn" err &&
	! test -e .cairn/card.md
'

test_expect_success 'outside a workspace: exit 3' '
	outside=$(mktemp -d) &&
	(cd "$outside" && test_expect_code 3 cairn models card x 2>/dev/null) &&
	rm -rf "$outside"
'

test_done
