# Starting and stopping `cairn serve` in e2e tests (sourced after lib.sh).
#   serve_start NAME ARGS...   starts `cairn serve ARGS --port 0` in the
#                              background, waits for its listening line, and
#                              sets NAME_pid and NAME_port; stdout and stderr
#                              (the access log) go to NAME.out and NAME.err
#   serve_stop NAME            SIGTERM, then waits for it to exit (its exit
#                              status is the function's)
# Every server started is killed by PID when the script exits.

serve_pids=
serve_cleanup() {
	for p in $serve_pids; do
		kill "$p" 2>/dev/null
	done
}
trap serve_cleanup EXIT

serve_start() {
	_name=$1
	shift
	cairn serve "$@" --port 0 >"$_name.out" 2>"$_name.err" &
	_pid=$!
	serve_pids="$serve_pids $_pid"
	eval "${_name}_pid=$_pid ${_name}_port=0"
	# The line comes once requests are accepted; a server that fails to
	# start exits, and the loop ends.
	while ! grep -q "^listening on " "$_name.out" 2>/dev/null; do
		kill -0 "$_pid" 2>/dev/null || { cat "$_name.err" >&2; return 1; }
		sleep 0.05
	done
	eval "${_name}_port=$(sed -n 's/^listening on http:\/\/.*:\([0-9]*\)$/\1/p' "$_name.out")"
}

serve_stop() {
	_pid=$(eval echo "\$${1}_pid")
	kill -TERM "$_pid" 2>/dev/null
	wait "$_pid"
}

# serve_post PORT PATH CONTENT-TYPE BODY-FILE: the status on the first
# line of 'status', the body in 'body'.
serve_post() {
	curl -sS -o body -w "%{http_code}\n" -X POST -H "Content-Type: $3" \
		--data-binary "@$4" "http://127.0.0.1:$1$2" >status
}

serve_get() {
	curl -sS -o body -w "%{http_code}\n" "http://127.0.0.1:$1$2" >status
}
