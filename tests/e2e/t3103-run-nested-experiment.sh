#!/bin/bash
# A run nested under another (cairn train or sweep inside `cairn run`, a run
# with --parent) lands in its parent's experiment unless it names its own.
. "$(dirname "$0")/lib.sh"

# experiment of each run, by name: "name=experiment ..." sorted
experiments() {
	cairn runs list --json | jq_py '" ".join(sorted(r["name"] + "=" + r["experiment"] for r in d))'
}

test_expect_success 'setup' '
	cairn init >/dev/null &&
	cairn data add "$DATASETS/iris.csv" --name iris >/dev/null
'

test_expect_success 'cairn train and sweep under cairn run --experiment join that experiment' '
	cairn -q run --experiment churn --name wrap -- sh -c "cairn train --data iris \
		--target species --algo knn --name child >/dev/null &&
		cairn sweep --data iris --target species --algo knn --grid n_neighbors=3 \
		--name sw >/dev/null 2>&1" &&
	test "$(experiments)" = "child=churn sw-1=churn sw=churn wrap=churn"
'

test_expect_success 'a child that names its own experiment keeps it' '
	cairn -q run --experiment churn --name wrap2 -- cairn train --data iris \
		--target species --algo knn --name own --experiment other >/dev/null &&
	experiments | tr " " "\n" | grep -E "^(own|wrap2)=" >got &&
	printf "own=other\nwrap2=churn\n" >expect &&
	test_cmp expect got
'

test_expect_success 'cairn run --parent joins the parent'"'"'s experiment' '
	cairn runs list --json | jq_py "[r[\"id\"] for r in d if r[\"name\"] == \"wrap\"][0]" >wrap &&
	cairn -q run --parent $(cat wrap) --name late -- true &&
	experiments | tr " " "\n" | grep "^late=" >got &&
	test "$(cat got)" = late=churn
'

test_expect_success 'a run without a parent or experiment is in Default' '
	cairn -q run --name alone -- true &&
	experiments | tr " " "\n" | grep "^alone=" >got &&
	test "$(cat got)" = alone=Default
'

test_done
