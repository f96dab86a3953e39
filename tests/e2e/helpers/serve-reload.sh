# Two versions of one model for the reload, canary and shadow tests
# (sourced after lib.sh and serve.sh).
#   reload_setup          a workspace where model iris has version 1 (trained
#                         on iris) and version 2 (trained with setosa and
#                         virginica swapped), aliases champion -> 1 and
#                         challenger -> 2; req.json a request whose answer
#                         is v1.json from version 1 and v2.json from 2
#   answered_by PORT [ID] POSTs req.json (with X-Request-ID ID) and prints
#                         the status, the version header and the body
#   poll_until CMD...     runs CMD until it succeeds (at most 600 times,
#                         50 ms apart)
#   wait_answer PORT ID LINE  polls until answered_by PORT ID prints LINE
#   wait_version PORT V   polls until version V answers with its answer
#   wait_lines FILE PATTERN N  polls until FILE has N lines matching PATTERN

reload_setup() {
	cairn init >/dev/null &&
	cairn data add "$DATASETS/iris.csv" >/dev/null &&
	sed -e "s/,setosa/,tmp/" -e "s/,virginica/,setosa/" -e "s/,tmp/,virginica/" \
		"$DATASETS/iris.csv" >swapped.csv &&
	cairn data add swapped.csv >/dev/null &&
	cairn train --data iris --target species --algo linear_svm --json >train1.json &&
	cairn train --data swapped --target species --algo linear_svm --json >train2.json &&
	cairn models register iris --run $(jq_py "d[\"run_id\"]" <train1.json) >/dev/null &&
	cairn models register iris --run $(jq_py "d[\"run_id\"]" <train2.json) >/dev/null &&
	cairn models alias set iris champion 1 >/dev/null &&
	cairn models alias set iris challenger 2 >/dev/null &&
	echo "{\"inputs\": [[5.1, 3.5, 1.4, 0.2]]}" >req.json &&
	printf "{\"predictions\":[\"setosa\"]}" >v1.json &&
	printf "{\"predictions\":[\"virginica\"]}" >v2.json
}

# Two processes, not eight: the tests call it hundreds of times, some while
# a load generator takes the cores.
answered_by() {
	local line body=
	line=$(curl -sS -o body -w "%{http_code} %header{X-Cairn-Model-Version}" \
		-H "Content-Type: application/json" ${2:+-H "X-Request-ID: $2"} \
		--data-binary @req.json "http://127.0.0.1:$1/invocations") &&
	{ IFS= read -r body || :; } <body &&
	printf "%s %s\n" "$line" "$body"
}

poll_until() {
	_tries=600
	until "$@"; do
		_tries=$((_tries - 1))
		if test $_tries = 0; then
			echo "never true: $*" >&2
			return 1
		fi
		sleep 0.05
	done
}

answer_is() {
	test "$(answered_by $1 $2)" = "$3"
}

wait_answer() {
	poll_until answer_is "$1" "$2" "$3"
}

wait_version() {
	wait_answer $1 "" "200 $2 $(cat v$2.json)"
}

lines_at_least() {
	test "$(grep -c "$2" "$1")" -ge "$3"
}

wait_lines() {
	poll_until lines_at_least "$@"
}
