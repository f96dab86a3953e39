#!/bin/bash
# cairn monitor bias on served predictions: the groups of an input column
# of the requests (a garden, added to iris), the labels of POST
# /feedback joined by request id, --since bounding the window; errors for
# a column no request sent and a window without labels.
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/helpers/serve.sh"
. "$TEST_DIRECTORY/helpers/monitor.sh"

# ask ID GARDEN SL SW PL PW: one row under X-Request-ID ID.
ask() {
	monitor_invoke iris "$1" "{\"dataframe_records\": [{\"sepal_length\": $3, \"sepal_width\": $4, \"petal_length\": $5, \"petal_width\": $6, \"garden\": \"$2\"}]}"
}

label() {
	monitor_label "$1" "\"$2\""
}

test_expect_success 'setup: a model of iris with the garden of each flower, registered' '
	cairn init >/dev/null &&
	awk -F, "{ print \$0 \",\" (NR == 1 ? \"garden\" : NR % 2 ? \"north\" : \"south\") }" \
		"$DATASETS/iris.csv" >gardens.csv &&
	head -2 gardens.csv | tail -1 | grep -q ",setosa,south$" &&
	cairn data add gardens.csv >/dev/null &&
	cairn train --data gardens --target species --algo logistic --json >train.json &&
	cairn models register iris --run $(jq_py "d[\"run_id\"]" <train.json) >/dev/null
'

serve_start srv iris@1 --predictions-flush-ms 50

test_expect_success 'requests from two gardens, labelled' '
	ask n1 north 6.3 3.3 6.0 2.5 && label n1 virginica &&
	ask n2 north 5.9 3.0 5.1 1.8 && label n2 virginica &&
	ask n3 north 5.1 3.5 1.4 0.2 && label n3 setosa &&
	ask n4 north 6.0 2.7 5.1 1.6 && label n4 versicolor &&
	ask s1 south 7.0 3.2 4.7 1.4 && label s1 versicolor &&
	ask s2 south 6.4 2.8 5.6 2.2 && label s2 virginica &&
	ask s3 south 4.9 3.0 1.4 0.2 &&
	ask s4 south 6.1 2.6 5.6 1.4 && label s4 virginica
'

serve_stop srv

test_expect_success 'bias of the log: the figures of the joined rows' '
	cairn monitor bias iris@1 --sensitive garden --positive virginica --json >bias.json &&
	cairn predictions export >log.jsonl &&
	python3 - <<-\EOF
	import json
	r = json.load(open("bias.json"))
	groups = {}
	for rec in map(json.loads, open("log.jsonl")):
	    if rec["feedback"]:
	        groups.setdefault(rec["inputs"]["garden"][0], []).append(
	            (rec["feedback"]["label"] == "virginica", rec["outputs"][0] == "virginica"))
	assert r["source"] == "predictions" and r["rows"] == 7 and r["positive"] == "virginica", r
	sel = {g: sum(s for _, s in p) / len(p) for g, p in groups.items()}
	tpr = {g: sum(s for t, s in p if t) / sum(t for t, _ in p) for g, p in groups.items()}
	fpr = {g: sum(s for t, s in p if not t) / sum(not t for t, _ in p) for g, p in groups.items()}
	for g in groups:
	    got = r["groups"][g]
	    assert got["count"] == len(groups[g]), (g, got)
	    assert abs(got["selection_rate"] - sel[g]) < 1e-12, (g, got, sel)
	    assert abs(got["tpr"] - tpr[g]) < 1e-12 and abs(got["fpr"] - fpr[g]) < 1e-12, (g, got)
	dpd = max(sel.values()) - min(sel.values())
	eod = max(max(tpr.values()) - min(tpr.values()), max(fpr.values()) - min(fpr.values()))
	assert abs(r["demographic_parity_difference"] - dpd) < 1e-12, r
	assert abs(r["equalized_odds_difference"] - eod) < 1e-12, r
	print(sel, tpr, fpr)
	EOF
'

test_expect_success '--since bounds the window; no labels is an error naming it' '
	since=$(python3 -c "import json; print([r[\"time\"] for r in map(json.loads, open(\"log.jsonl\")) if r[\"id\"] == \"s3\"][0])") &&
	cairn monitor bias iris@1 --sensitive garden --positive virginica --since "$since" --json >late.json &&
	jq_py "d[\"rows\"], \",\".join(d[\"groups\"])" <late.json >got &&
	echo "1 south" >want && test_cmp want got &&
	test_expect_code 2 cairn monitor bias iris@1 --sensitive garden --positive virginica \
		--since 2099-01-01 2>err &&
	test_grep "no labels in the window" err
'

test_expect_success 'a column no request sent is named' '
	test_expect_code 2 cairn monitor bias iris@1 --sensitive region --positive virginica 2>err &&
	test_grep "the sensitive column .region. is in none of the inputs" err
'

test_done
