#!/bin/bash
# Alert rules end to end: a real `cairn serve` answers requests that succeed
# and fail (400); `cairn monitor watch --once` scrapes its /metrics twice,
# the error-rate rule fires and POSTs its JSON to a webhook receiver on
# 127.0.0.1 (which fails the first attempt, so the retry is exercised) and
# runs a command; a rule with a long `for` stays pending; a third pass is in
# the cooldown. Then `cairn alerts list`, `show`, `ack` and the lineage.
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/helpers/serve.sh"
. "$TEST_DIRECTORY/helpers/predictions.sh"

test_expect_success 'setup: a registered model, a bad request, a notify script' '
	predictions_setup &&
	echo "{\"dataframe_records\": [{\"nope\": 1}]}" >bad.json &&
	printf "#!/bin/sh\nprintf \"%%s|%%s|%%s\\\\n\" \"\$1\" \"\$2\" \"\$3\" >>notified.txt\n" >notify.sh &&
	chmod +x notify.sh &&
	cat >receiver.py <<-\PY
	# Records each POST body as hook-N.json; answers 500 to the first.
	import http.server, sys
	n = 0
	class H(http.server.BaseHTTPRequestHandler):
	    def do_POST(self):
	        global n
	        n += 1
	        body = self.rfile.read(int(self.headers["Content-Length"]))
	        with open("hook-%d.json" % n, "wb") as f:
	            f.write(body)
	        with open("hook-%d.type" % n, "w") as f:
	            f.write(self.headers["Content-Type"])
	        self.send_response(500 if n == 1 else 200)
	        self.send_header("Content-Length", "0")
	        self.end_headers()
	    def log_message(self, *a):
	        pass
	s = http.server.HTTPServer(("127.0.0.1", 0), H)
	with open("receiver.port.tmp", "w") as f:
	    f.write(str(s.server_address[1]))
	import os
	os.rename("receiver.port.tmp", "receiver.port")
	s.serve_forever()
	PY
'

serve_start srv iris@1

test_expect_success 'setup: the webhook receiver on a free port' '
	python3 receiver.py &
	echo $! >receiver.pid &&
	while ! test -s receiver.port; do
		kill -0 $(cat receiver.pid) || exit 1
		sleep 0.05
	done
'
serve_pids="$serve_pids $(cat receiver.pid)"

test_expect_success 'setup: the rules' '
	cat >cairn.yaml <<-EOF
	alerts:
	  - name: serving-errors
	    model: iris
	    signal: error_rate
	    server: http://127.0.0.1:$srv_port
	    window: 5m
	    condition: "> 0.25"
	    for: 0s
	    severity: critical
	    cooldown: 1h
	    actions:
	      - record
	      - webhook: {url: "http://127.0.0.1:$(cat receiver.port)/hook", timeout: 5s, retries: 3, backoff: 100ms}
	      - command: ["./notify.sh", "{rule}", "{value}", "{alert}"]
	  - name: slow
	    model: iris
	    signal: p99_latency
	    server: http://127.0.0.1:$srv_port
	    condition: ">= 0"
	    for: 1h
	EOF
'

test_expect_success 'a first pass has no data yet (one scrape)' '
	cairn monitor watch --once --json >pass1.json &&
	jq_py "\" \".join(\"%s:%s:%s\" % (r[\"rule\"], r[\"state\"], r[\"value\"]) for r in d[\"rules\"])" <pass1.json >states &&
	echo "serving-errors:no_data:None slow:no_data:None" >expect &&
	test_cmp expect states &&
	cairn alerts list --json >list.json &&
	test "$(jq_py "len(d)" <list.json)" = 0
'

test_expect_success 'requests: 3 succeed, 2 fail with 400' '
	for f in req req bad req bad; do
		curl -sS -o /dev/null -w "%{http_code}\n" -H "Content-Type: application/json" \
			--data-binary @$f.json "http://127.0.0.1:$srv_port/invocations" || exit 1
	done >codes &&
	test "$(sort codes | uniq -c | tr -s " " | tr "\n" ";")" = " 3 200; 2 400;"
'

test_expect_success 'the second pass fires the error rule; the slow rule is pending' '
	cairn monitor watch --once --json >pass2.json 2>pass2.err &&
	jq_py "\" \".join(\"%s:%s\" % (r[\"rule\"], r[\"state\"]) for r in d[\"rules\"])" <pass2.json >states &&
	echo "serving-errors:firing slow:pending" >expect &&
	test_cmp expect states &&
	test "$(jq_py "d[\"rules\"][0][\"value\"]" <pass2.json)" = 0.4 &&
	jq_py "d[\"rules\"][0][\"alert\"][\"id\"]" <pass2.json >alert.id &&
	test_grep "webhook .* attempt 1 of 4 failed, retrying: HTTP status 500" pass2.err
'

test_expect_success 'the webhook got the alert as JSON on its second attempt' '
	test -f hook-1.json &&
	test -f hook-2.json &&
	! test -e hook-3.json &&
	test_cmp hook-1.json hook-2.json &&
	test "$(cat hook-2.type)" = application/json &&
	jq_py "\" \".join(sorted(d.keys()))" <hook-2.json >keys &&
	echo "alert condition fired_at model rule severity signal value" >expect &&
	test_cmp expect keys &&
	test "$(jq_py "d[\"alert\"]" <hook-2.json)" = "$(cat alert.id)" &&
	test "$(jq_py "\"|\".join(str(d[k]) for k in (\"rule\", \"model\", \"signal\", \"value\", \"condition\", \"severity\"))" <hook-2.json)" = "serving-errors|iris|error_rate|0.4|> 0.25|critical"
'

test_expect_success 'the command ran with the placeholders substituted, without a shell' '
	echo "serving-errors|0.40000000000000002|$(cat alert.id)" >expect &&
	test_cmp expect notified.txt
'

test_expect_success 'a third pass is in the cooldown: no new alert' '
	cairn monitor watch --once --json >pass3.json &&
	test "$(jq_py "d[\"rules\"][0][\"state\"]" <pass3.json)" = cooldown &&
	test "$(jq_py "d[\"rules\"][1][\"state\"]" <pass3.json)" = pending &&
	! test -e hook-3.json &&
	test "$(wc -l <notified.txt)" = 1
'

test_expect_success 'alerts list --json shows it with each action outcome' '
	cairn alerts list --json >list.json &&
	test "$(jq_py "len(d)" <list.json)" = 1 &&
	test "$(jq_py "d[0][\"id\"]" <list.json)" = "$(cat alert.id)" &&
	jq_py "\" \".join(\"%s:%s:%s:%s:%s\" % (a[\"action\"], a[\"ok\"], a.get(\"attempts\"), a.get(\"status\"), a.get(\"exit_status\")) for a in d[0][\"actions\"])" <list.json >actions &&
	echo "record:True:None:None:None webhook:True:2:200:None command:True:None:None:0" >expect &&
	test_cmp expect actions &&
	test "$(jq_py "d[0][\"acked_at\"]" <list.json)" = None
'

test_expect_success 'alerts show by a prefix of the id' '
	cairn alerts show $(cut -c1-10 alert.id) >show.txt &&
	test_grep "^rule       serving-errors$" show.txt &&
	test_grep "^signal     error_rate = 0.4 [(]condition > 0.25[)]$" show.txt &&
	test_grep "^action     webhook: ok$" show.txt &&
	cairn alerts show --json $(cat alert.id) >show.json &&
	test "$(jq_py "d[\"severity\"]" <show.json)" = critical &&
	test_expect_code 4 cairn alerts show 0000nope
'

test_expect_success 'alerts ack: gone from the list, kept with --all' '
	cairn alerts ack $(cat alert.id) >ack.txt &&
	test_grep "^acknowledged alert $(cat alert.id) " ack.txt &&
	cairn alerts list --json >list.json &&
	test "$(jq_py "len(d)" <list.json)" = 0 &&
	cairn alerts list --all --json >all.json &&
	test "$(jq_py "d[0][\"acked_at\"] is not None" <all.json)" = True
'

test_expect_success 'the alert is in the lineage, generated by its rule' '
	cairn lineage alert:$(cat alert.id) >lineage.txt &&
	test_grep "generated by alert_rule serving-errors" lineage.txt
'

test_expect_success 'a p99 latency rule with no cooldown fires at every pass it holds' '
	cat >latency.yaml <<-EOF &&
	alerts:
	  - {name: latency, model: iris, signal: p99_latency, server: "http://127.0.0.1:$srv_port", condition: "> 0", severity: info}
	EOF
	cairn monitor watch --once --json --config latency.yaml >l1.json &&
	test "$(jq_py "d[\"rules\"][0][\"state\"]" <l1.json)" = no_data &&
	curl -sS -o /dev/null -H "Content-Type: application/json" --data-binary @req.json \
		"http://127.0.0.1:$srv_port/invocations" &&
	cairn monitor watch --once --json --config latency.yaml >l2.json &&
	cairn monitor watch --once --json --config latency.yaml >l3.json &&
	test "$(jq_py "d[\"rules\"][0][\"state\"]" <l2.json)" = firing &&
	test "$(jq_py "d[\"rules\"][0][\"state\"]" <l3.json)" = firing &&
	test "$(jq_py "0 < d[\"rules\"][0][\"value\"] <= 10" <l2.json)" = True &&
	cairn alerts list --json >list.json &&
	test "$(jq_py "\" \".join(a[\"rule\"] + \":\" + a[\"severity\"] for a in d)" <list.json)" = "latency:info latency:info"
'

test_expect_success 'a server that does not answer is an error of its rule, not of the pass' '
	cat >down.yaml <<-EOF &&
	alerts:
	  - {name: down, signal: error_rate, server: "http://127.0.0.1:$(test_free_port)", condition: "> 0"}
	EOF
	cairn monitor watch --once --json --config down.yaml >down.json 2>down.err &&
	test "$(jq_py "d[\"rules\"][0][\"state\"]" <down.json)" = error &&
	test_grep "alert rule .down.: cannot read .http://127.0.0.1:[0-9]*/metrics." down.err
'

test_expect_success 'watch stops on SIGTERM between passes with status 0' '
	cairn monitor watch --interval 1h --config down.yaml >watch.out 2>watch.err &
	pid=$! &&
	while ! test -s watch.err; do kill -0 $pid || exit 1; sleep 0.05; done &&
	kill -TERM $pid &&
	wait $pid
'

serve_stop srv

test_done
