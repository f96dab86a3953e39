#!/bin/bash
# cairn data add from an HTTP server, a command and SQL databases (SQLite and
# a real PostgreSQL server started for the test on 127.0.0.1).
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/helpers/pg.sh"

cleanup() {
	[ -n "${http_pid:-}" ] && kill "$http_pid" 2>/dev/null
	pg_stop
}
trap cleanup EXIT

test_expect_success 'setup: a workspace and an HTTP server on 127.0.0.1' '
	cairn init >/dev/null &&
	mkdir -p www/sub &&
	cp "$DATASETS/iris.csv" www/ &&
	printf "a,b\n1,2\n3,4\n" >www/sub/small.csv
'
http_port=$(test_free_port)
python3 -m http.server "$http_port" --bind 127.0.0.1 --directory www >http.log 2>&1 &
http_pid=$!
for i in $(seq 50); do
	curl -s -o /dev/null "http://127.0.0.1:$http_port/" && break
	sleep 0.1
done
url="http://127.0.0.1:$http_port"

test_expect_success 'a URL is downloaded, parsed and versioned' '
	cairn data add "$url/iris.csv" >out &&
	test_grep "^Added iris@1 .*150 rows x 5 columns" out &&
	cairn data show iris --json >v.json &&
	python3 - "$url" <<-\PY
	import json, sys
	v = json.load(open("v.json"))
	assert v["source_kind"] == "url" and v["source"] == sys.argv[1] + "/iris.csv", v
	assert v["params"]["http"]["status"] == 200, v
	PY
	cmp "$(cairn data checkout iris@1 got.csv >/dev/null && echo got.csv)" "$DATASETS/iris.csv"
'

test_expect_success 'redirects are followed' '
	cairn data add "$url/sub" --name listing --format raw >out &&
	test_grep "^Added listing@1" out &&
	cairn data show listing --json | grep -q "$url/sub/"
'

test_expect_success 'HTTP 404 is a clear error and records nothing' '
	test_expect_code 4 cairn data add "$url/nope.csv" 2>err &&
	test_grep "cannot fetch .*/nope.csv.: the server answered HTTP 404" err &&
	test_expect_code 4 cairn data show nope 2>/dev/null &&
	test -z "$(ls .cairn/tmp)"
'

test_expect_success 'a refused connection is a clear error' '
	dead=$(test_free_port) &&
	test_must_fail cairn data add "http://127.0.0.1:$dead/x.csv" 2>err &&
	test_grep "cannot fetch" err
'

test_expect_success 'the output of a command' '
	cairn data add --from-cmd "printf \"x,y\\n1,a\\n2,b\\n\"" --name gen >out &&
	test_grep "^Added gen@1 .*2 rows x 2 columns" out &&
	cairn data show gen --json | grep -q "\"source_kind\": \"cmd\""
'

test_expect_success 'a failing command records nothing' '
	test_must_fail cairn data add --from-cmd "echo partial; exit 3" --name broken 2>err &&
	test_grep "failed with exit status 3" err &&
	test_expect_code 4 cairn data show broken 2>/dev/null
'

test_expect_success 'an interrupted add leaves no temporary file' '
	cairn data add --from-cmd "printf \"a,b\\n\"; sleep 2" --name slow &
	pid=$! &&
	i=0 &&
	while test -z "$(ls .cairn/tmp)"; do
		i=$((i + 1)) && test $i -lt 200 && sleep 0.01 || exit 1
	done &&
	kill -TERM $pid &&
	{ wait $pid; test $? -eq 143; } &&
	test -z "$(ls .cairn/tmp)" &&
	test_expect_code 4 cairn data show slow 2>/dev/null
'

test_expect_success 'a SQL query against an SQLite file' '
	sqlite3 shop.db "CREATE TABLE items(id INTEGER, name TEXT, price REAL);
		INSERT INTO items VALUES (1, \"tea, green\", 2.5), (2, NULL, 3), (3, \"\", 4.25);" &&
	cairn data add --sql shop.db "SELECT * FROM items ORDER BY id" --name items >out &&
	test_grep "^Added items@1 .*3 rows x 3 columns" out &&
	cairn data checkout items items.csv >/dev/null &&
	printf "id,name,price\n1,\"tea, green\",2.5\n2,,3.0\n3,\"\",4.25\n" >expect &&
	test_cmp expect items.csv
'

test_expect_success 'a SQL error names the database and the problem' '
	test_must_fail cairn data add --sql shop.db "SELECT * FROM missing_table" --name bad 2>err &&
	test_grep "SQL error in .shop.db.: no such table: missing_table" err &&
	test_expect_code 4 cairn data show bad 2>/dev/null
'

if ! pg_start -A trust; then
	test_skip 'a SQL query against PostgreSQL' 'no PostgreSQL server binaries, or not root'
else
	dsn="postgresql://cairn@127.0.0.1:$pg_port/postgres"

	test_expect_success 'a SQL query against a PostgreSQL server' '
		psql "$dsn" -q -c "CREATE TABLE t(id int, label text, score float8);
			INSERT INTO t SELECT g, CASE WHEN g % 2 = 0 THEN \$\$even, \"x\"\$\$ END, g / 4.0 FROM generate_series(1, 1000) g" &&
		cairn data add --sql "$dsn" "SELECT * FROM t ORDER BY id" --name pg >out &&
		test_grep "^Added pg@1 .*1000 rows x 3 columns" out &&
		cairn data show pg >show &&
		test_grep "^    id +integer +0 nulls$" show &&
		test_grep "^    label +string +500 nulls$" show &&
		cairn data checkout pg pg.csv >/dev/null &&
		sed -n 3p pg.csv >line &&
		echo "2,\"even, \"\"x\"\"\",0.5" >expect &&
		test_cmp expect line
	'

	test_expect_success 'PostgreSQL errors are clear; queries are read-only' '
		test_must_fail cairn data add --sql "$dsn" "SELECT * FROM missing" --name pgbad 2>err &&
		test_grep "PostgreSQL SQL error: .*missing" err &&
		test_must_fail cairn data add --sql "$dsn" "DELETE FROM t RETURNING *" --name pgdel 2>err &&
		test_grep "read-only transaction" err &&
		test "$(psql "$dsn" -Atc "SELECT count(*) FROM t")" = 1000 &&
		dead=$(test_free_port) &&
		test_must_fail cairn data add --sql "postgresql://cairn@127.0.0.1:$dead/postgres" "SELECT 1" --name x 2>err &&
		test_grep "PostgreSQL connection failed" err
	'
fi

test_done
