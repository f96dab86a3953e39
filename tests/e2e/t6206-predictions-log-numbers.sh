#!/bin/bash
# The prediction log keeps each input number of a dataframe_split body as
# the value the model got: the server copies the number's text from the
# body (no formatting on its thread), so every spelling a client may use
# ("5.10", "5", "-0", "1E0", 17 digits, 1e-30, null) must read back from
# `cairn predictions export` as exactly the double that was predicted on.
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/helpers/serve.sh"

test_expect_success 'setup: a registered logistic model of iris, bodies of odd spellings' '
	cairn init >/dev/null &&
	cairn data add "$DATASETS/iris.csv" >/dev/null &&
	cairn train --data iris --target species --algo logistic --json >train.json &&
	cairn models register iris --run $(jq_py "d[\"run_id\"]" <train.json) >/dev/null &&
	python3 - <<-\EOF
	import json, random
	cols = ["petal_width", "sepal_length", "sepal_width", "petal_length"]
	rows = [["0.2", "5.10", "3.5", "1.4"], ["2", "5", "-0", "1E0"],
	        ["0.30000000000000004", "6.7000000000000002", "1e-30", "null"],
	        ["-0.0", "123456789012345678", "2.5e+1", "0.1000000014901161193847656"]]
	rnd = random.Random(7)
	for _ in range(300):
	    rows.append([repr(rnd.uniform(0, 8)), "%.4f" % rnd.uniform(4, 8),
	                 "%.17g" % rnd.uniform(2, 4), str(rnd.randint(1, 7))])
	text = "[" + ",".join("[" + ", ".join(r) + "]" for r in rows) + "]"
	with open("req.json", "w") as f:
	    f.write("{\"dataframe_split\": {\"columns\": %s, \"data\": %s}}" % (json.dumps(cols), text))
	# What the model got: each text as JSON reads it (an integer as an integer).
	want = {c: [json.loads(r[i]) for r in rows] for i, c in enumerate(cols)}
	json.dump(want, open("want.json", "w"))
	EOF
'

serve_start srv iris@1 --predictions-flush-ms 50

test_expect_success 'the body is answered' '
	curl -sS -o body -w "%{http_code}" -H "Content-Type: application/json" \
		-H "X-Request-ID: odd" --data-binary @req.json \
		http://127.0.0.1:$srv_port/models/iris/invocations >status &&
	test "$(cat status)" = 200
'

serve_stop srv

test_expect_success 'every logged input is the value predicted on, and a real' '
	cairn predictions export >all.jsonl &&
	python3 - <<-\EOF
	import json, math, struct
	rec = [json.loads(l) for l in open("all.jsonl")][0]
	want = json.load(open("want.json"))
	got = rec["inputs"]
	assert sorted(got) == sorted(want), got.keys()
	bits = lambda v: struct.pack("<d", float(v))
	for col, values in want.items():
	    assert len(got[col]) == len(values), col
	    for i, (g, w) in enumerate(zip(got[col], values)):
	        if w is None:
	            assert g is None, (col, i, g)
	            continue
	        # -0 and -0.0 are read as the integer 0 and -0.0: the double the
	        # model got is +0.0 for the integer (JSON integers are integers).
	        want_bits = bits(0.0) if w == 0 and isinstance(w, int) else bits(w)
	        assert isinstance(g, float), (col, i, g)
	        assert bits(g) == want_bits, (col, i, g, w)
	EOF
'

test_done
