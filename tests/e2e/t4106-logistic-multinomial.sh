#!/bin/bash
# cairn train --algo logistic: multinomial (softmax) for more than two
# classes, one-vs-rest with --param multi_class=ovr or for two classes; the
# package says which, and predict's probabilities follow it (checked against
# the weights in Python); older packages and bare liblinear files are
# one-vs-rest; bad values are refused naming the param.
. "$(dirname "$0")/lib.sh"

# check_proba PKG MODE PROBA.csv: the probabilities in PROBA.csv (cairn
# predict --proba on iris) are, within 1e-12, those computed here from the
# package's preprocess.json and model.liblinear: the softmax of the decision
# values (MODE softmax) or each class's logistic function, normalised (ovr).
check_proba() {
	python3 - "$DATASETS/iris.csv" "$@" <<-\EOF
	import csv, json, math, struct, sys
	data, pkg, mode, proba = sys.argv[1:]
	def f32(v):  # the models see float features
	    return struct.unpack("f", struct.pack("f", v))[0]
	prep = json.load(open(pkg + "/preprocess.json"))
	text = open(pkg + "/model.liblinear").read().split()
	head = dict(zip(text[:text.index("w")][::2], text[:text.index("w")][1::2]))
	nr_class, bias = int(head["nr_class"]), float(head["bias"])
	labels = [int(v) for v in text[text.index("label") + 1:text.index("label") + 1 + nr_class]]
	w = [float(v) for v in text[text.index("w") + 1:]]
	nw = 1 if nr_class == 2 else nr_class
	cols = prep["columns"]
	got = list(csv.DictReader(open(proba)))
	names = [c for c in got[0] if c.startswith("proba_")]
	for row, out in zip(csv.DictReader(open(data)), got):
	    x = [f32((float(row[c["name"]]) - c["mean"]) / c["std"]) for c in cols] + [bias]
	    dec = [sum(x[f] * w[f * nw + j] for f in range(len(x))) for j in range(nw)]
	    if nw == 1:
	        p = [1 / (1 + math.exp(-dec[0]))]
	        p.append(1 - p[0])
	    elif mode == "softmax":
	        m = max(dec)
	        e = [math.exp(d - m) for d in dec]
	        p = [v / sum(e) for v in e]
	    else:
	        s = [1 / (1 + math.exp(-d)) for d in dec]
	        p = [v / sum(s) for v in s]
	    for j, label in enumerate(labels):
	        have = float(out[names[label]])
	        assert abs(have - p[j]) < 1e-12, (mode, row, names[label], have, p[j])
	EOF
}

test_expect_success 'setup: iris, and iris without setosa (two classes)' '
	cairn init >/dev/null &&
	cairn data add "$DATASETS/iris.csv" >/dev/null &&
	grep -v setosa "$DATASETS/iris.csv" >two.csv &&
	cairn data add two.csv >/dev/null
'

test_expect_success 'logistic on three classes is multinomial, and its package says so' '
	cairn train --data iris --target species --algo logistic --json >multi.json &&
	run=$(jq_py "d[\"run_id\"]" <multi.json) && echo $run >multi.run &&
	cairn runs get-artifact $run model multi &&
	test "$(jq_py "d[\"multi_class\"]" <multi/liblinear.json)" = multinomial &&
	test_grep "^nr_class 3$" multi/model.liblinear &&
	cairn runs show $run --json >show.json &&
	test "$(jq_py "d[\"params\"][\"multi_class\"], d[\"params\"][\"max_iter\"], d[\"params\"][\"tol\"]" <show.json)" = "auto 100 0.0001" &&
	acc=$(jq_py "d[\"metrics\"][\"train\"][\"accuracy\"]" <multi.json) &&
	python3 -c "import sys; sys.exit(0 if $acc >= 0.97 else 1)"
'

test_expect_success 'each L-BFGS iteration logs train-logloss, which falls' '
	cairn metrics history $(cat multi.run) train-logloss --json >loss.json &&
	python3 -c "
import json
v = [p[\"value\"] for p in json.load(open(\"loss.json\"))]
assert 5 <= len(v) <= 100 and v[-1] < v[0] < 1.0986, v
"
'

test_expect_success 'multinomial probabilities are the softmax of W x + b' '
	cairn predict $(cat multi.run) --data iris --proba --out multi.csv &&
	check_proba multi softmax multi.csv
'

test_expect_success '--param multi_class=ovr trains liblinear one-vs-rest, as before' '
	cairn train --data iris --target species --algo logistic --param multi_class=ovr \
		--json >ovr.json &&
	run=$(jq_py "d[\"run_id\"]" <ovr.json) &&
	cairn runs get-artifact $run model ovr &&
	test "$(jq_py "d[\"multi_class\"]" <ovr/liblinear.json)" = ovr &&
	cairn predict $run --data iris --proba --out ovr.csv &&
	check_proba ovr ovr ovr.csv &&
	! cmp -s multi.csv ovr.csv &&
	! cmp -s multi/model.liblinear ovr/model.liblinear
'

test_expect_success 'two classes: ovr unless multinomial is asked for (one vector, w0 - w1)' '
	cairn train --data two --target species --algo logistic --json >two.json &&
	run=$(jq_py "d[\"run_id\"]" <two.json) &&
	cairn runs get-artifact $run model/liblinear.json two-auto.json &&
	test "$(jq_py "d[\"multi_class\"]" <two-auto.json)" = ovr &&
	cairn train --data two --target species --algo logistic \
		--param multi_class=multinomial --json >two-m.json &&
	run=$(jq_py "d[\"run_id\"]" <two-m.json) &&
	cairn runs get-artifact $run model two-m &&
	test "$(jq_py "d[\"multi_class\"]" <two-m/liblinear.json)" = multinomial &&
	test_grep "^nr_class 2$" two-m/model.liblinear &&
	test $(sed -n "/^w$/,\$p" two-m/model.liblinear | awk "NR > 1 { print NF }" | sort -u) = 1
'

test_expect_success 'a package without multi_class (older cairn) predicts one-vs-rest' '
	cp -r multi old &&
	python3 -c "
import json
p = \"old/liblinear.json\"
d = json.load(open(p))
del d[\"multi_class\"]
json.dump(d, open(p, \"w\"))
" &&
	cairn predict ./old --data iris --proba --out old.csv &&
	check_proba old ovr old.csv &&
	! cmp -s old.csv multi.csv &&
	sed "s/\"multinomial\"/\"softmax\"/" multi/liblinear.json >old/liblinear.json &&
	test_expect_code 5 cairn predict ./old --data iris 2>err &&
	test_grep "multi_class must be \"ovr\" or \"multinomial\"" err
'

test_expect_success 'a multinomial model file imported alone is one-vs-rest' '
	cairn models import multi/model.liblinear --target-labels setosa,versicolor,virginica \
		--signature sepal_length:double,sepal_width:double,petal_length:double,petal_width:double \
		--json >imp.json &&
	run=$(jq_py "d[\"run_id\"]" <imp.json) &&
	cairn runs get-artifact $run model/liblinear.json imp-info.json &&
	test "$(jq_py "d[\"multi_class\"]" <imp-info.json)" = ovr
'

test_expect_success 'bad values are refused naming the param; max_iter reached is a warning' '
	test_expect_code 2 cairn train --data iris --target species --algo logistic \
		--param multi_class=softmax 2>err &&
	test_grep "multi_class" err &&
	test_grep "auto|ovr|multinomial" err &&
	test_expect_code 2 cairn train --data iris --target species --algo logistic \
		--param max_iter=0 2>err &&
	test_grep "max_iter" err &&
	test_expect_code 2 cairn train --data iris --target species --algo logistic \
		--param tol=-1 2>err &&
	test_grep "tol" err &&
	cairn train --data iris --target species --algo logistic --param max_iter=2 \
		--json >short.json 2>err &&
	test_grep "did not converge in 2 iterations" err
'

test_done
