#!/bin/bash
# Crafted XGBoost models (a split on a feature the model does not have, a
# child index out of range, a cycle, non-finite leaves and thresholds, trees
# that do not match the classes, arrays of different lengths) are refused
# before libxgboost sees them: exit 6 naming the tree and the node, on import
# (JSON, UBJSON, the older binary format) and when a package is loaded.
. "$(dirname "$0")/lib.sh"

SIG=sepal_length:double,sepal_width:double,petal_length:double,petal_width:double

# craft.py MODEL KIND OUT: MODEL with one defect of the kind KIND, as JSON or
# (OUT ending in .ubj) as UBJSON written without typed arrays.
cat >craft.py <<'EOF'
import json, struct, sys

def ubj(v):
    if isinstance(v, dict):
        out = b"{"
        for k, x in v.items():
            kb = k.encode()
            out += b"L" + struct.pack(">q", len(kb)) + kb + ubj(x)
        return out + b"}"
    if isinstance(v, list):
        return b"[" + b"".join(ubj(x) for x in v) + b"]"
    if isinstance(v, bool):
        return b"T" if v else b"F"
    if isinstance(v, int):
        return b"L" + struct.pack(">q", v)
    if isinstance(v, float):
        return b"d" + struct.pack(">f", v)
    if isinstance(v, str):
        b = v.encode()
        return b"SL" + struct.pack(">q", len(b)) + b
    return b"Z"

src, kind, out = sys.argv[1:4]
j = json.load(open(src))
trees = j["learner"]["gradient_booster"]["model"]["trees"]
info = j["learner"]["gradient_booster"]["model"]["tree_info"]
t = trees[1]
leaf = t["left_children"].index(-1)
if kind == "split":
    trees[0]["split_indices"][0] = 99
elif kind == "child":
    t["left_children"][0] = 500
elif kind == "cycle":
    # an inner node below the root's children: its parent becomes its left child
    i = next(i for i in range(len(t["parents"])) if t["left_children"][i] != -1 and t["parents"][i] not in (0, 2147483647))
    t["left_children"][i] = t["parents"][i]
elif kind == "nan-leaf":
    t["split_conditions"][leaf] = float("nan")
elif kind == "inf-threshold":
    t["split_conditions"][0] = float("inf")
elif kind == "classes":
    info[5] = 7
elif kind == "count":
    trees.pop()
elif kind == "lengths":
    trees[2]["right_children"].pop()
text = json.dumps(j)
if kind == "huge":
    # a threshold beyond a double's range: the first of tree 0
    k = text.index("[", text.index('"split_conditions"')) + 1
    text = text[:k] + "1e999" + text[text.index(",", k):]
if out.endswith(".ubj"):
    open(out, "wb").write(ubj(json.loads(text)))
else:
    open(out, "w").write(text)
EOF

test_expect_success 'setup: a trained xgboost package' '
	cairn init >/dev/null &&
	cairn data add "$DATASETS/iris.csv" >/dev/null &&
	cairn train --data iris --target species --algo xgboost --json >train.json &&
	run=$(python3 -c "import json; print(json.load(open(\"train.json\"))[\"run_id\"])") &&
	cairn runs get-artifact $run model pkg &&
	cairn models import pkg/model.json --signature $SIG >out &&
	test_grep "^Imported pkg/model.json" out
'

# craft KIND: writes KIND.json from the package's model; import exits 6.
refused() {
	python3 craft.py pkg/model.json "$1" "$1.${3:-json}" &&
	test_expect_code 6 cairn models import "$1.${3:-json}" --signature $SIG >out 2>err &&
	test ! -s out &&
	test_grep "^cairn: error: damaged xgboost model .$1\.${3:-json}.: $2" err
}

test_expect_success 'a split on a feature beyond the feature count' '
	refused split "tree 0 node 0: split feature 99 is beyond the model.s 4 features$"
'

test_expect_success 'a child index out of range' '
	refused child "tree 1 node 0: left child 500 is not a node \(the tree has [0-9]+\)$"
'

test_expect_success 'a cycle' '
	refused cycle "tree 1 node [0-9]+: child [0-9]+ is reached twice \(a cycle"
'

test_expect_success 'a NaN leaf, an infinite threshold, one beyond a double' '
	refused nan-leaf "tree 1 node [0-9]+: the leaf value is not a finite number$" &&
	refused inf-threshold "tree 1 node 0: the split threshold is not a finite number$" &&
	refused huge "tree 0 node 0: the split threshold is not a finite number$"
'

test_expect_success 'trees that do not match the classes or num_trees' '
	refused classes "tree 5 is for output 7, the model has 3$" &&
	refused count ".trees. has 299 entries, expected 300$"
'

test_expect_success 'per-node arrays of different lengths' '
	refused lengths "tree 2 .right_children. has [0-9]+ entries, expected [0-9]+$"
'

test_expect_success 'UBJSON is checked the same way, and a sound one imports' '
	refused split "tree 0 node 0: split feature 99" ubj &&
	python3 craft.py pkg/model.json none sound.ubj &&
	cairn models import sound.ubj --signature $SIG >out &&
	test_grep "^Imported sound.ubj \(xgboost-ubj" out &&
	printf "{L\\0\\0\\0\\0\\0\\0\\0\\x7flearner" >short.ubj &&
	test_expect_code 5 cairn models import short.ubj --signature $SIG 2>err &&
	test_grep "cannot parse .short\.ubj. \(UBJSON\) at byte 1: a length or count larger than the data left" err
'

test_expect_success 'a damaged model.json in a package is refused by predict' '
	cp -r pkg bad-pkg &&
	python3 craft.py pkg/model.json cycle bad-pkg/model.json &&
	test_expect_code 6 cairn predict bad-pkg --data iris >out 2>err &&
	test ! -s out &&
	test_grep "damaged xgboost model .*bad-pkg/model\.json.: tree 1 node" err &&
	cairn predict pkg --data iris >out &&
	test $(wc -l <out) -eq 151
'

if test_have_py xgboost; then
test_expect_success 'the older binary format is checked once libxgboost has read it' '
	python3 craft.py pkg/model.json split split.json &&
	/usr/bin/python3 -c "
import warnings, xgboost
warnings.simplefilter(\"ignore\")
b = xgboost.Booster(model_file=\"split.json\")
b.save_model(\"split.model\")
b = xgboost.Booster(model_file=\"pkg/model.json\")
b.save_model(\"sound.model\")
" &&
	test_expect_code 6 cairn models import split.model --signature $SIG 2>err &&
	test_grep "damaged xgboost model .split\.model.: tree 0 node 0: split feature 99" err &&
	cairn models import sound.model --signature $SIG >out &&
	test_grep "^Imported sound.model \(xgboost-binary" out
'
else
	test_skip "the older binary format is checked once libxgboost has read it" \
		"/usr/bin/python3 cannot import xgboost (Debian package python3-xgboost)"
fi

test_done
