#!/bin/sh
# The demo behind `make demo`: a fresh workspace in build/demo/, real datasets
# from examples/data/ stored by content, read back, listed and verified, a
# damaged copy that fsck catches; then the same data as versioned datasets:
# schema and profile, an HTML report, quality checks, splits and samples;
# then a training script run as tracked runs, searched, compared, traced in
# the lineage and reproduced; then a built-in model trained, used to predict
# and evaluated, and reproduced from its recipe; then registered and promoted
# through acceptance gates, and a worse model refused by them. Uses the freshly built ./cairn; safe to run
# again (it starts from scratch each time). CAIRN_DEMO_DIR=DIR puts the demo's
# files in DIR instead of build/demo (DIR is emptied first).
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
CAIRN="$ROOT/cairn"
DEMO=${CAIRN_DEMO_DIR:-$ROOT/build/demo}
DATA="$ROOT/examples/data"

if [ ! -x "$CAIRN" ]; then
	echo "demo: $CAIRN is not built; run 'make' (or 'make demo') first" >&2
	exit 1
fi
for f in iris.csv diamonds.csv; do
	if [ ! -f "$DATA/$f" ]; then
		echo "demo: $DATA/$f is missing" >&2
		exit 1
	fi
done

say() {
	printf '\n== %s\n' "$*"
}

# Shows a cairn command as the user would type it (quoting words with spaces).
show() {
	line='$ cairn'
	for word in "$@"; do
		case "$word" in
		*" "*) line="$line \"$word\"" ;;
		*) line="$line $word" ;;
		esac
	done
	printf '%s\n' "$line"
}

# Shows a cairn command, then runs it.
run() {
	show "$@"
	"$CAIRN" "$@"
}

rm -rf "$DEMO"
mkdir -p "$DEMO/project/data"
cd "$DEMO/project"
cp "$DATA/iris.csv" "$DATA/diamonds.csv" data/
unset CAIRN_DIR

say "cairn $("$CAIRN" --version | sed 's/^cairn //'), a fresh project in $DEMO/project"
echo "data/iris.csv:     $(wc -l <data/iris.csv) lines, Fisher's iris (150 flowers, 3 species)"
echo "data/diamonds.csv: $(wc -l <data/diamonds.csv) lines, ggplot2's diamonds (53,940 prices)"

say "1. Create a workspace: .cairn/ beside the code, found from any subdirectory"
run init
echo "It holds the metadata store (SQLite, WAL), the object store and the settings:"
find .cairn -mindepth 1 -maxdepth 1 | sort | sed 's/^/  /'

say "2. Store the datasets by content: each is named by its SHA-256"
show object put data/iris.csv data/diamonds.csv
"$CAIRN" object put data/iris.csv data/diamonds.csv >"$DEMO/hashes"
cat "$DEMO/hashes"
iris=$(sed -n 1p "$DEMO/hashes")
diamonds=$(sed -n 2p "$DEMO/hashes")
if command -v sha256sum >/dev/null 2>&1; then
	echo "The names are plain SHA-256 digests; sha256sum agrees:"
	sha256sum data/iris.csv data/diamonds.csv | sed 's/^/  /'
fi

say "3. The same bytes are stored once: putting them again changes nothing"
run object put --json data/iris.csv
stored=".cairn/objects/$(echo "$iris" | cut -c1-2)/$(echo "$iris" | cut -c3-)"
echo "It is stored once, read-only, as $stored:"
echo "  $(stat -c '%A %s bytes' "$stored")"

say "4. What is stored: hash, size in bytes, when it was first stored"
run object list

say "5. Read an object back, by a unique prefix of its hash"
short=$(echo "$iris" | cut -c1-8)
run object get "$short" | head -n 4
run object get "$diamonds" restored-diamonds.csv
if cmp -s restored-diamonds.csv data/diamonds.csv; then
	echo "restored-diamonds.csv is identical to data/diamonds.csv ($(wc -c <restored-diamonds.csv) bytes)"
else
	echo "demo: restored-diamonds.csv differs from data/diamonds.csv" >&2
	exit 1
fi

say "6. Verify the store: every object re-hashed and checked against its record"
run fsck

say "7. Damage one byte of an object in a copy of the project: fsck catches it"
cp -a "$DEMO/project" "$DEMO/damaged"
obj="$DEMO/damaged/.cairn/objects/$(echo "$iris" | cut -c1-2)/$(echo "$iris" | cut -c3-)"
chmod u+w "$obj"
printf 'X' | dd of="$obj" bs=1 seek=100 conv=notrunc 2>/dev/null
status=0
run -C "$DEMO/damaged" fsck || status=$?
if [ "$status" -ne 6 ]; then
	echo "demo: fsck on the damaged copy exited $status, expected 6 (corrupt data)" >&2
	exit 1
fi
echo "fsck exited $status: corrupt data (see docs/exit-codes.md)"

say "8. Datasets: versioned by content, parsed, catalogued and profiled"
run data add data/iris.csv
run data add data/diamonds.csv --description "ggplot2 diamonds: prices of 53,940 diamonds"
run data add data/iris.csv
run data show diamonds

say "9. The profile stored with each version, as text and as an HTML report"
run data profile iris
run data profile diamonds --html "$DEMO/diamonds-profile.html"

say "10. Quality: suggest a suite from the profile, then check the data against it"
run data suggest iris --out "$DEMO/iris-suite.yml"
run data check iris --suite "$DEMO/iris-suite.yml"
cat >"$DEMO/diamonds-suite.yml" <<'YAML'
suite: diamonds-sanity
expectations:
  - expect: between
    column: price
    min: 300
    max: 15000
  - expect: greater_than
    column: x
    than: z
YAML
echo "A hand-written suite that the data does not meet:"
sed 's/^/  /' "$DEMO/diamonds-suite.yml"
status=0
run data check diamonds --suite "$DEMO/diamonds-suite.yml" || status=$?
echo "data check exited $status: some expectations failed"

say "11. Derived versions remember where they came from"
run data split iris --ratios 0.8,0.2 --stratify species --seed 42
run data sample diamonds --n 1000 --stratify cut --seed 7 --name diamonds-1k
run data show iris-train
run data diff iris iris-test
run data list

say "12. Tracked runs: a training script run twice, with different params"
# The project is a git repository: each run records the commit it ran from.
export PATH="$ROOT:$PATH" GIT_AUTHOR_NAME=demo GIT_AUTHOR_EMAIL=demo@example.invalid \
	GIT_COMMITTER_NAME=demo GIT_COMMITTER_EMAIL=demo@example.invalid
cp "$ROOT/examples/train-centroid.sh" train.sh
printf '/*\n!/train.sh\n!/.gitignore\n' >.gitignore
git init -q . && git add train.sh .gitignore && git commit -qm "a nearest-centroid classifier"
echo "train.sh logs with 'cairn log' (params, inputs, metrics, a model artifact):"
grep '^cairn log\|	cairn log' train.sh | sed 's/^[[:space:]]*/  /'
run run --name centroid-euclidean --experiment iris -- sh train.sh iris-train iris-test euclidean
run run --name centroid-manhattan --experiment iris -- sh train.sh iris-train iris-test manhattan
run runs list --experiment iris
first=$("$CAIRN" runs search "attributes.run_name = 'centroid-euclidean'" --json |
	sed -n 's/^ *"id": "\(.*\)",$/\1/p' | head -n 1)
second=$("$CAIRN" runs search "attributes.run_name = 'centroid-manhattan'" --json |
	sed -n 's/^ *"id": "\(.*\)",$/\1/p' | head -n 1)

say "13. Search with MLflow's filter grammar, compare side by side"
run runs search "metrics.accuracy > 0.8 and params.distance LIKE '%an'" --order-by "metrics.accuracy DESC"
run runs compare "$first" "$second"
run metrics history "$first" class_recall

say "14. Lineage: where the model came from, what came of the data"
run lineage "$first/model/model.txt"
run lineage iris --down --depth 2
run lineage "$first" --format openlineage | head -n 2 | cut -c1-160

say "15. Reproduce a run from its commit, inputs and params: same bytes?"
run reproduce -q "$first"
run runs show "$first"

say "16. Built-in training: a tracked run that leaves a model package"
run train --data iris-train --test iris-test --target species --algo xgboost \
	--param n_estimators=20 --seed 1 --name iris-xgboost --experiment iris --threads 1
model=$("$CAIRN" runs search "attributes.run_name = 'iris-xgboost'" --json |
	sed -n 's/^ *"id": "\(.*\)",$/\1/p' | head -n 1)
echo "The model package is the run's artifact 'model':"
"$CAIRN" runs artifacts "$model" | sed 's/^/  /'

say "17. Use the model: predictions with probabilities, and metrics on held-out rows"
run predict "$model" --data iris-test --proba --out "$DEMO/iris-predictions.csv"
head -n 4 "$DEMO/iris-predictions.csv" | sed 's/^/  /'
run evaluate "$model" --data iris-test --plots "$DEMO/iris-plots"
echo "Plots: $(ls "$DEMO/iris-plots" | tr '\n' ' ')"

say "18. Reproduce the training from its recipe: the same seed gives the same model bytes"
show reproduce "$model"
"$CAIRN" reproduce "$model" | grep -v -e ' -> ' -e '^metrics$'

say "19. Register the model and promote it to champion through the gates of cairn.yaml"
cat >cairn.yaml <<'EOF_YAML'
models:
  iris:
    holdout: iris-test@1
    gates:
      metrics: { accuracy: ">= 0.8" }
      max_drop: { accuracy: 0.02 }
      smoke: true
      schema: compatible
EOF_YAML
sed 's/^/  /' cairn.yaml
run models register iris --run "$model" --message "first xgboost"
run models promote iris 1 --to champion --message "passes its gates"

say "20. A model without the petal columns: registered, but refused by the gates"
"$CAIRN" train --data iris-train --test iris-test --target species --algo xgboost \
	--param n_estimators=20 --seed 1 --drop petal_length,petal_width --threads 1 \
	--register iris >/dev/null 2>&1
echo "(trained and registered as iris@2 without petal_length and petal_width)"
status=0
run models promote iris 2 --to champion || status=$?
echo "promote exited $status; champion still holds version $("$CAIRN" models show iris --json |
	sed -n 's/^ *"champion": \([0-9]*\).*/\1/p' | head -n 1)"
run models history iris
run models audit --verify

say "Done. The demo workspace is in $DEMO/project; try, for example:"
echo "  cd $DEMO/project && $CAIRN data list --json"
echo "  cd $DEMO/project && $CAIRN runs show $first --json"
echo "  open $DEMO/diamonds-profile.html in a browser"
