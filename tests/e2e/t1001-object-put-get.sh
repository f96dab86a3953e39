#!/bin/bash
# cairn object put/get/list: storing content by its SHA-256, reading it back,
# prefixes, and clean failures on bad input.
. "$(dirname "$0")/lib.sh"

sha() { sha256sum "$1" | cut -d" " -f1; }

test_expect_success 'setup' '
	cairn init >/dev/null &&
	printf "hello\n" >hello &&
	printf "world\n" >world &&
	head -c 3000000 /dev/urandom >big
'

test_expect_success 'put prints the SHA-256 of the content' '
	cairn object put hello >out &&
	echo "$(sha hello)" >expect &&
	test_cmp expect out &&
	h=$(sha hello) &&
	test -f ".cairn/objects/${h:0:2}/${h:2}"
'

test_expect_success 'stored objects are read-only' '
	h=$(sha hello) &&
	test "$(stat -c %a ".cairn/objects/${h:0:2}/${h:2}")" = 444
'

test_expect_success 'put of several files prints one hash per file, each stored once' '
	cairn object put hello world big hello >out &&
	printf "%s\n" "$(sha hello)" "$(sha world)" "$(sha big)" "$(sha hello)" >expect &&
	test_cmp expect out &&
	test "$(cairn object list | wc -l)" -eq 3 &&
	test "$(find .cairn/objects -type f | wc -l)" -eq 3
'

test_expect_success 'put - reads standard input (small and large)' '
	cairn object put - <world >out &&
	sha world >expect &&
	test_cmp expect out &&
	head -c 5000000 /dev/urandom >piped &&
	cat piped | cairn object put - >out &&
	sha piped >expect &&
	test_cmp expect out &&
	cairn object get "$(cat out)" >back &&
	cmp piped back
'

test_expect_success 'put --json gives hash, size and whether it existed' '
	cairn object put --json big >out.json &&
	python3 - "$(sha big)" <<-\PY
	import json, sys
	v = json.load(open("out.json"))
	assert v == [{"path": "big", "hash": sys.argv[1], "size": 3000000, "existed": True}], v
	PY
	printf "new content\n" >new &&
	cairn object put --json new >out.json &&
	grep "\"existed\": false" out.json
'

test_expect_success 'get writes the content to standard output' '
	cairn object get "$(sha big)" >out &&
	cmp big out
'

test_expect_success 'get accepts a unique prefix of 4 or more hex digits, in any case' '
	h=$(sha big) &&
	cairn object get "${h:0:8}" >out &&
	cmp big out &&
	cairn object get "$(echo "${h:0:10}" | tr a-f A-F)" >out &&
	cmp big out
'

test_expect_success 'get HASH DEST writes a file' '
	cairn object get "$(sha world)" copy &&
	cmp world copy
'

test_expect_success 'get of an ambiguous prefix names the candidates' '
	python3 - <<-\PY
	import hashlib
	seen = {}
	i = 0
	while True:
	    data = ("content %d\n" % i).encode()
	    h = hashlib.sha256(data).hexdigest()
	    if h[:4] in seen:
	        open("amb1", "wb").write(seen[h[:4]])
	        open("amb2", "wb").write(data)
	        break
	    seen[h[:4]] = data
	    i += 1
	PY
	cairn object put amb1 amb2 >hashes &&
	h1=$(sed -n 1p hashes) && h2=$(sed -n 2p hashes) &&
	test "${h1:0:4}" = "${h2:0:4}" &&
	test_expect_code 4 cairn object get "${h1:0:4}" >out 2>err &&
	test_grep "ambiguous" err &&
	test_grep "$h1" err &&
	test_grep "$h2" err &&
	test ! -s out
'

test_expect_success 'get of an unknown or malformed hash fails clearly' '
	test_expect_code 4 cairn object get 0000000 2>err &&
	test_grep "no object matches .0000000." err &&
	test_expect_code 2 cairn object get xyz1 2>err &&
	test_grep "xyz1" err &&
	test_expect_code 2 cairn object get abc 2>err &&
	test_grep "4 to 64 hex digits" err &&
	test_expect_code 4 cairn object get 0000000000000000000000000000000000000000000000000000000000000000 2>err &&
	test_grep "not in the store" err
'

test_expect_success 'put of a missing file names it and stores nothing' '
	before=$(cairn object list | wc -l) &&
	printf "never stored\n" >later &&
	test_expect_code 4 cairn object put no-such-file 2>err &&
	test_grep "cannot open .no-such-file.: No such file or directory" err &&
	test_must_fail cairn object put hello no-such-file later >out 2>err &&
	sha hello >expect &&
	test_cmp expect out &&
	test "$(cairn object list | wc -l)" -eq "$before" &&
	test "$(find .cairn/objects -type f | wc -l)" -eq "$before"
'

test_expect_success 'put of a directory is refused' '
	mkdir -p adir &&
	test_must_fail cairn object put adir 2>err &&
	test_grep "cannot store .adir.: it is a directory" err
'

if [ "$(id -u)" = 0 ]; then
	test_skip 'put of an unreadable file names it' 'running as root, which reads any file'
else
	test_expect_success 'put of an unreadable file names it' '
		printf "secret\n" >secret && chmod 000 secret &&
		test_must_fail cairn object put secret 2>err &&
		test_grep "cannot open .secret.: Permission denied" err
	'
fi

test_expect_success 'list shows hash, size and time; --json is valid JSON' '
	cairn object list >out &&
	grep "^$(sha big) *3000000 20[0-9][0-9]-" out &&
	cairn object list --json >out.json &&
	python3 -c "import json; v = json.load(open(\"out.json\")); assert len(v) == $(wc -l <out); assert all(set(o) == {\"hash\", \"size\", \"created_at\"} for o in v)"
'

test_expect_success 'usage errors exit 2' '
	test_expect_code 2 cairn object 2>err &&
	test_grep "put, get or list" err &&
	test_expect_code 2 cairn object frobnicate 2>err &&
	test_grep "frobnicate" err &&
	test_expect_code 2 cairn object put 2>err &&
	test_expect_code 2 cairn object put - - 2>err &&
	test_grep "only once" err &&
	test_expect_code 2 cairn object get 2>err &&
	test_expect_code 2 cairn object get --link copy abcd 2>err &&
	test_grep "needs a destination" err &&
	test_expect_code 2 cairn object list extra 2>err &&
	test_expect_code 2 cairn object put --bogus hello 2>err &&
	test_grep "bogus" err
'

test_expect_success 'every object command has --help' '
	cairn object --help >out && test_grep "^usage: cairn object" out &&
	cairn object put --help >out && test_grep "^usage: cairn object put" out &&
	cairn object get --help >out && test_grep "^usage: cairn object get" out &&
	cairn object list --help >out && test_grep "^usage: cairn object list" out &&
	cairn help object >out && test_grep "^usage: cairn object" out
'

test_expect_success 'outside a workspace: exit 3 and how to create one' '
	d=$(mktemp -d /tmp/cairn-t1001.XXXXXX) &&
	(cd "$d" && test_expect_code 3 cairn object put "$TRASH/hello") 2>err &&
	test_grep "cairn init" err &&
	rm -rf "$d"
'

test_expect_success 'fsck finds the store sound, having checked every object' '
	n=$(find .cairn/objects -type f -path "*/??/*" | wc -l) &&
	test "$n" -eq 7 &&
	test "$(cairn object list | wc -l)" -eq 7 &&
	cairn fsck >out &&
	test_grep "^checked $n objects \(.*\): 0 corrupt, 0 missing, 0 unrecorded, 0 stray(; warnings: [0-9]+ unreferenced, 0 temporary)?$" out &&
	cairn fsck --json >out.json &&
	python3 - "$n" <<-\PY
	import json, sys
	v = json.load(open("out.json"))
	assert v["ok"] is True, v
	assert v["objects_checked"] == int(sys.argv[1]), v
	assert v["bytes_checked"] > 0, v
	for kind in ("corrupt", "missing", "unrecorded", "stray", "dangling", "database"):
	    assert v[kind] == [], (kind, v)
	PY
'

test_done
