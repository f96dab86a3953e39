# Served requests and their labels for the monitor's e2e tests (sourced
# after lib.sh and helpers/serve.sh, with a server started as srv).
#   monitor_invoke MODEL ID BODY   POSTs the MLflow request BODY to MODEL
#                                  under X-Request-ID ID; fails unless 200
#   monitor_label ID LABEL         POST /feedback of LABEL (JSON) for ID;
#                                  fails unless 201
monitor_invoke() {
	echo "$3" >req.json &&
	curl -sS -o body -w "%{http_code}\n" -X POST -H "Content-Type: application/json" \
		-H "X-Request-ID: $2" --data-binary @req.json \
		"http://127.0.0.1:$srv_port/models/$1/invocations" >status &&
	test "$(cat status)" = 200
}

monitor_label() {
	echo "{\"request_id\": \"$1\", \"label\": $2}" >fb.json &&
	curl -sS -o body -w "%{http_code}\n" -X POST --data-binary @fb.json \
		"http://127.0.0.1:$srv_port/feedback" >status &&
	test "$(cat status)" = 201
}
