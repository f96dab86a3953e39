#!/bin/bash
# cairn data add: credentials in a URL or a DSN serve the fetch and are never
# recorded (source, params, lineage, OpenLineage events, messages).
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/helpers/pg.sh"

cleanup() {
	[ -n "${http_pid:-}" ] && kill "$http_pid" 2>/dev/null
	pg_stop
}
trap cleanup EXIT

# Nothing cairn keeps (the store, the objects, the version, its lineage) and
# nothing it printed names the secret.
no_secret() {
	cairn data show "$1" --json >show.json &&
	cairn data show "$1" >show.txt &&
	cairn lineage "$1" --format openlineage >ol.json &&
	cairn lineage "$1" --format json >lineage.json &&
	! grep -rq "$2" .cairn show.json show.txt ol.json lineage.json out err
}

test_expect_success 'setup: a workspace and an HTTP server asking for a password' '
	cairn init >/dev/null &&
	mkdir www &&
	printf "a,b\n1,2\n3,4\n" >www/small.csv &&
	cat >server.py <<-\PY
	import base64, http.server, sys
	class H(http.server.SimpleHTTPRequestHandler):
	    def do_GET(self):
	        want = "Basic " + base64.b64encode(b"alice:s3cret").decode()
	        if self.headers.get("Authorization") != want:
	            self.send_response(401)
	            self.send_header("WWW-Authenticate", "Basic realm=x")
	            self.end_headers()
	            return
	        super().do_GET()
	http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])),
	    lambda *a: H(*a, directory="www")).serve_forever()
	PY
	true
'
http_port=$(test_free_port)
python3 server.py "$http_port" >http.log 2>&1 &
http_pid=$!
for i in $(seq 50); do
	curl -s -o /dev/null "http://127.0.0.1:$http_port/" && break
	sleep 0.1
done

test_expect_success 'a URL with user and password is fetched with them and recorded without' '
	CAIRN_LOG=trace cairn data add "http://alice:s3cret@127.0.0.1:$http_port/small.csv" >out 2>err &&
	test_grep "^Added small@1 .*2 rows x 2 columns" out &&
	no_secret small s3cret &&
	test_grep "\"source\": \"http://127.0.0.1:$http_port/small.csv\"" show.json &&
	! grep -q alice show.json
'

test_expect_success 'a failed fetch names the URL without its credentials' '
	test_must_fail cairn data add "http://alice:wr0ng@127.0.0.1:$http_port/small.csv" \
		--name other >out 2>err &&
	test_grep "cannot fetch .http://127.0.0.1:$http_port/small.csv.: the server answered HTTP 401" err &&
	! grep -rq wr0ng err .cairn
'

test_expect_success 'credentials from ~/.netrc are used and not recorded' '
	mkdir netrc-home &&
	printf "machine 127.0.0.1 login alice password s3cret\n" >netrc-home/.netrc &&
	chmod 600 netrc-home/.netrc &&
	HOME=$PWD/netrc-home cairn data add "http://127.0.0.1:$http_port/small.csv" --name viarc >out 2>err &&
	test_grep "^Added viarc@1" out &&
	no_secret viarc s3cret
'

echo pgs3cret >pgpass.txt && chmod 644 pgpass.txt
if ! pg_start -A scram-sha-256 --pwfile="$PWD/pgpass.txt"; then
	test_skip 'SQL DSNs with a password' 'no PostgreSQL server binaries, or not root'
else

	# A DSN with a password, and how it must be recorded.
	while IFS="|" read -r name dsn recorded; do
		test_expect_success "$name: it connects and is recorded without the password" '
			cairn data add --sql "$dsn" "SELECT 1 AS x" --name $name >out 2>err &&
			test_grep "^Added $name@1" out &&
			no_secret $name pgs3cret &&
			test_grep "\"dsn\": \"$recorded\"" show.json
		'
	done <<-EOF
	uri|postgresql://cairn:pgs3cret@127.0.0.1:$pg_port/postgres|postgresql://127.0.0.1:$pg_port/postgres
	keyvalue|host=127.0.0.1 port=$pg_port user=cairn password=pgs3cret dbname=postgres|host=127.0.0.1 port=$pg_port user=cairn dbname=postgres
	EOF

	test_expect_success 'PGPASSWORD serves a DSN without a password' '
		PGPASSWORD=pgs3cret cairn data add --sql "postgresql://cairn@127.0.0.1:$pg_port/postgres" \
			"SELECT 3 AS x" --name q3 >out 2>err &&
		test_grep "^Added q3@1" out
	'
fi

test_done
