#!/bin/bash
# cairn models promote: two promotions of two versions to one alias started
# at once leave exactly one holder and two promotion events, and the audit
# chain verifies. The design: each promotion moves the alias only if it
# still holds what the gates compared against, so the second either moved
# after the first (its event names the first as the holder) or was refused
# because the holder changed (exit 1, a promote-refused event with the
# reason); the second case is also made certain by holding the gates on a
# FIFO while the alias moves. A schema change (an input column removed) is
# refused.
. "$(dirname "$0")/lib.sh"

test_expect_success 'setup: two versions of a classifier, gates that both pass' '
	cairn init >/dev/null &&
	cairn data add "$DATASETS/iris.csv" >/dev/null &&
	cairn data split iris --ratios 0.8,0.2 --stratify species --seed 1 >/dev/null &&
	cairn train --data iris-train --target species --algo knn --register m >/dev/null &&
	cairn train --data iris-train --target species --algo logistic --register m >/dev/null &&
	cat >cairn.yaml <<-\EOY
	models:
	  m:
	    holdout: iris-test@1
	    gates:
	      metrics: { accuracy: ">= 0.5" }
	      smoke: true
	      schema: compatible
	EOY
'

test_expect_success 'two promotions at once: one holder, two events, the chain holds' '
	cairn models promote m 1 --to champion >out.1 2>err.1 &
	p1=$!
	cairn models promote m 2 --to champion >out.2 2>err.2 &
	p2=$!
	s1=0 && s2=0 &&
	{ wait $p1 || s1=$?; } && { wait $p2 || s2=$?; } &&
	echo "$s1 $s2" >statuses &&
	holder=$(cairn models show m --json | jq_py "d[\"aliases\"][\"champion\"]") &&
	case $holder in 1|2) ;; *) false ;; esac &&
	cairn models audit m --json >events.json &&
	S1=$s1 S2=$s2 HOLDER=$holder python3 - <<-\PY &&
	import json, os
	ev = [e for e in json.load(open("events.json")) if e["action"].startswith("promote")]
	assert len(ev) == 2, ev
	status = {1: int(os.environ["S1"]), 2: int(os.environ["S2"])}
	holder = int(os.environ["HOLDER"])
	first, second = ev
	assert first["action"] == "promote" and first["details"]["holder"] is None, first
	assert status[first["details"]["version"]] == 0, (first, status)
	v2 = second["details"]["version"]
	assert v2 != first["details"]["version"], ev
	if second["action"] == "promote":
	    # it ran its gates against the version of the first, then moved
	    assert second["details"]["holder"] == first["details"]["version"], second
	    assert status[v2] == 0 and holder == v2, (status, holder)
	else:
	    # it compared against no holder; the first moved meanwhile
	    assert second["action"] == "promote-refused", second
	    assert second["details"]["holder"] is None, second
	    assert "moved meanwhile" in second["details"]["reason"], second
	    assert second["details"]["verdict"] == "pass", second
	    assert status[v2] == 1 and holder == first["details"]["version"], (status, holder)
	PY
	cairn models audit --verify >out &&
	test_grep "^audit chain verified" out
'

test_expect_success 'an alias moved while the gates ran: refused, nothing moved by the promotion' '
	# The suite is a FIFO: the promotion blocks reading it, after it read
	# the holder (none) and before it moves the alias; the alias moves then.
	mkfifo suite.fifo &&
	cat >cairn.yaml <<-\EOY
	models:
	  m:
	    holdout: iris-test@1
	    gates:
	      metrics: { accuracy: ">= 0.5" }
	      expectations: suite.fifo
	EOY
	cairn models promote m 1 --to gold >out 2>err &
	pid=$!
	# should the promotion end without opening the FIFO, open it here so
	# that the writer below does not wait forever
	( while kill -0 $pid 2>/dev/null; do sleep 0.1; done; exec 4<suite.fifo; cat <&4 >/dev/null ) &
	guard=$!
	exec 3>suite.fifo &&
	cairn models alias set m gold 2 --message meanwhile >/dev/null &&
	printf "suite: s\nexpectations:\n  - expect: columns_present\n    columns: [species]\n" >&3 &&
	exec 3>&- &&
	status=0 && { wait $pid || status=$?; } &&
	kill $guard 2>/dev/null; wait $guard || :
	test $status = 1 &&
	test_grep "alias .gold. of .m. points at version 2, not 0 as expected: it moved meanwhile" err &&
	test_grep "^Not promoted: gold moved while the gates ran" out &&
	test "$(cairn models show m --json | jq_py "d[\"aliases\"][\"gold\"]")" = 2 &&
	cairn models audit m --json >events.json &&
	python3 - <<-\PY &&
	import json
	ev = json.load(open("events.json"))
	assert ev[-2]["action"] == "alias-set" and ev[-2]["message"] == "meanwhile", ev[-2]
	e = ev[-1]
	assert e["action"] == "promote-refused", e
	d = e["details"]
	assert d["holder"] is None and d["verdict"] == "pass" and d["version"] == 1, d
	assert "moved meanwhile" in d["reason"], d
	assert e["before"]["version"] == 2 or e["before"]["version"] is None, e
	PY
	cairn models audit --verify >out &&
	test_grep "^audit chain verified" out
'

test_expect_success 'a schema change (a column removed) is refused and nothing moves' '
	cat >cairn.yaml <<-\EOY &&
	models:
	  m:
	    holdout: iris-test@1
	    gates:
	      metrics: { accuracy: ">= 0.5" }
	      schema: compatible
	EOY
	cairn train --data iris-train --target species --algo knn --drop petal_width --register m >/dev/null &&
	holder=$(cairn models show m --json | jq_py "d[\"aliases\"][\"champion\"]") &&
	test_expect_code 1 cairn models promote m 3 --to champion >out &&
	test_grep "^schema  *1 .*FAIL .*petal_width" out &&
	test "$(cairn models show m --json | jq_py "d[\"aliases\"][\"champion\"]")" = "$holder" &&
	cairn models audit m --json | jq_py "d[-1][\"action\"]" >action &&
	echo promote-refused >expect && test_cmp expect action
'

test_done
