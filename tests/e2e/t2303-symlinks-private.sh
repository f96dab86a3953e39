#!/bin/bash
# cairn data add DIR and cairn log artifact DIR: a symbolic link that leads
# out of the directory (to a private key, to /etc) is refused unless
# --follow-symlinks; one that stays inside is stored as a link and checked
# out as a link (data), or stored as the file it names (artifacts).
. "$(dirname "$0")/lib.sh"

test_expect_success 'setup: a tree with a link to a private key outside it' '
	cairn init >/dev/null &&
	mkdir -p private tree/sub &&
	echo "BEGIN PRIVATE KEY s3cretkey" >private/id_key &&
	chmod 600 private/id_key &&
	printf "a,b\n1,2\n" >tree/a.csv &&
	echo inner >tree/sub/x.txt &&
	ln -s ../private/id_key tree/key
'

test_expect_success 'data add refuses the link, naming it and its target; nothing is stored' '
	test_expect_code 2 cairn data add tree 2>err &&
	test_grep "cannot add .tree/key.: it is a symbolic link to .\.\./private/id_key., outside the directory" err &&
	test_grep "hint: --follow-symlinks" err &&
	test_expect_code 4 cairn data show tree 2>/dev/null &&
	! grep -rq s3cretkey .cairn/objects
'

test_expect_success 'a link to /etc and an absolute link out are refused too' '
	mkdir t2 && echo x >t2/f &&
	ln -s /etc t2/etc &&
	test_expect_code 2 cairn data add t2 2>err &&
	test_grep "t2/etc.: it is a symbolic link to ./etc." err &&
	rm t2/etc && ln -s "$PWD/private/id_key" t2/abs &&
	test_expect_code 2 cairn data add t2 2>err &&
	test_grep "t2/abs.: it is a symbolic link to .$PWD/private/id_key." err &&
	rm t2/abs && ln -s sub/../../private/id_key t2/sneaky &&
	test_expect_code 2 cairn data add t2 2>err &&
	test_grep "t2/sneaky" err
'

test_expect_success 'a chain of links that ends outside is refused' '
	mkdir t3 && echo x >t3/f &&
	ln -s ../private t3/out &&
	ln -s out/id_key t3/chain &&
	test_expect_code 2 cairn data add t3 2>err &&
	test_grep "symbolic link to" err
'

test_expect_success 'links inside the tree are stored and checked out as links' '
	rm tree/key &&
	ln -s a.csv tree/alias.csv &&
	ln -s sub tree/subdir &&
	ln -s ../a.csv tree/sub/up.csv &&
	ln -s "$PWD/tree/sub/x.txt" tree/abs.txt &&
	cairn data add tree >out &&
	test_grep "^Added tree@1 .*6 files" out &&
	cairn data checkout tree@1 co >/dev/null &&
	test -f co/a.csv && ! test -L co/a.csv &&
	test -L co/alias.csv && test "$(readlink co/alias.csv)" = a.csv &&
	test -L co/subdir && test "$(readlink co/subdir)" = sub &&
	test -L co/sub/up.csv && test "$(readlink co/sub/up.csv)" = ../a.csv &&
	test -L co/abs.txt && test "$(readlink co/abs.txt)" = sub/x.txt &&
	test "$(cat co/abs.txt)" = inner &&
	cmp tree/a.csv co/alias.csv &&
	cairn data add tree >out &&
	test_grep "already holds" out
'

test_expect_success 'a directory without links keeps the manifest (and hash) it always had' '
	mkdir plain && echo 1 >plain/one &&
	cairn data add plain --json >v.json &&
	h=$(python3 -c "import json; print(json.load(open(\"v.json\"))[\"hash\"])") &&
	cat ".cairn/objects/${h:0:2}/${h:2}" | grep -q "\"format\":1}$"
'

test_expect_success 'log artifact DIR refuses a link out; a link inside stores the file' '
	ln -s ../private/id_key tree/key &&
	test_must_fail cairn run --name refused -- cairn log artifact tree 2>err &&
	test_grep "cannot log .tree/key.: it is a symbolic link to .\.\./private/id_key., outside the directory" err &&
	! grep -rq s3cretkey .cairn/objects &&
	rm tree/key &&
	cairn run --name kept -- cairn log artifact tree >/dev/null 2>err &&
	test_grep "tree/subdir. is a symbolic link to .sub., not to a file: skipped" err &&
	run=$(cairn runs list --json | python3 -c "import json,sys; print([r[\"id\"] for r in json.load(sys.stdin) if r.get(\"name\") == \"kept\"][0])") &&
	cairn runs artifacts $run >list &&
	test_grep " tree/alias.csv$" list &&
	test_grep " tree/sub/x.txt$" list &&
	! grep -q " tree/subdir" list &&
	cairn runs get-artifact $run tree/alias.csv got.csv &&
	cmp tree/a.csv got.csv
'

test_expect_success '--follow-symlinks stores what the links point to' '
	mkdir t4 && echo local >t4/f && ln -s ../private t4/priv &&
	cairn data add t4 --follow-symlinks >out &&
	test_grep "^Added t4@1 .*2 files" out &&
	cairn data checkout t4@1 co4 >/dev/null &&
	! test -L co4/priv &&
	test_grep s3cretkey co4/priv/id_key
'

test_expect_success 'log artifact --follow-symlinks stores what a link out points to' '
	mkdir t5 && ln -s ../private/id_key t5/key &&
	cairn run --name followed -- cairn log artifact t5 --follow-symlinks >/dev/null &&
	grep -rq s3cretkey .cairn/objects
'

test_done
