#!/bin/bash
# cairn object get HASH DEST with each link type (reflink, hardlink, symlink,
# copy), the fallback order, the workspace default, and atomic replacement.
. "$(dirname "$0")/lib.sh"

sha() { sha256sum "$1" | cut -d" " -f1; }

test_expect_success 'setup' '
	cairn init >/dev/null &&
	head -c 200000 /dev/urandom >data &&
	cairn object put data >hash &&
	h=$(cat hash) &&
	obj="$TRASH/.cairn/objects/${h:0:2}/${h:2}" &&
	echo "$obj" >obj.path
'

test_expect_success 'copy: an independent, writable file' '
	cairn object get --link copy "$(cat hash)" out.copy &&
	cmp data out.copy &&
	test "$(stat -c %i out.copy)" != "$(stat -c %i "$(cat obj.path)")" &&
	test "$(stat -c %h out.copy)" -eq 1 &&
	test -w out.copy &&
	echo changed >>out.copy &&
	cairn fsck >out && test_grep "0 corrupt" out
'

test_expect_success 'hardlink: the stored file itself, read-only' '
	cairn object get --link hardlink "$(cat hash)" out.hard &&
	cmp data out.hard &&
	test "$(stat -c %i out.hard)" = "$(stat -c %i "$(cat obj.path)")" &&
	test "$(stat -c %a out.hard)" = 444 &&
	cairn object get --force --link hardlink "$(cat hash)" out.hard &&
	test "$(stat -c %h "$(cat obj.path)")" -eq 2
'

test_expect_success 'symlink: a link into the store' '
	cairn object get --link symlink "$(cat hash)" out.sym &&
	test -L out.sym &&
	test "$(readlink out.sym)" = "$(cat obj.path)" &&
	cmp data out.sym
'

if cp --reflink=always data reflink.probe 2>/dev/null; then
	test_expect_success 'reflink: a clone on a file system that has them' '
		cairn object get --link reflink --json "$(cat hash)" out.ref >out.json &&
		grep "\"link\": \"reflink\"" out.json &&
		cmp data out.ref
	'
else
	test_expect_success 'reflink alone fails where the file system cannot clone' '
		test_expect_code 1 cairn object get --link reflink "$(cat hash)" out.ref 2>err &&
		test_grep "refuses every link type tried \(reflink\)" err &&
		test ! -e out.ref
	'
fi

test_expect_success 'the types are tried in order: reflink,copy falls back as needed' '
	cairn object get --link reflink,copy --json "$(cat hash)" out.rc >out.json &&
	grep -E "\"link\": \"(reflink|copy)\"" out.json &&
	cmp data out.rc &&
	test "$(stat -c %i out.rc)" != "$(stat -c %i "$(cat obj.path)")"
'

test_expect_success 'the default comes from the workspace setting link_types' '
	grep "\"link_types\": \"reflink,copy\"" .cairn/config &&
	cairn object get --json "$(cat hash)" out.def >out.json &&
	grep -E "\"link\": \"(reflink|copy)\"" out.json &&
	sed -i "s/\"reflink,copy\"/\"symlink,copy\"/" .cairn/config &&
	cairn object get "$(cat hash)" out.def2 &&
	test -L out.def2 &&
	sed -i "s/\"symlink,copy\"/\"teleport\"/" .cairn/config &&
	test_expect_code 5 cairn object get "$(cat hash)" out.bad 2>err &&
	test_grep "unknown link type .teleport." err &&
	test ! -e out.bad &&
	sed -i "s/\"teleport\"/\"reflink,copy\"/" .cairn/config
'

test_expect_success 'dest is replaced atomically with --force; a link of the user never' '
	echo old >out.replace &&
	test_expect_code 1 cairn object get --link copy "$(cat hash)" out.replace &&
	test "$(cat out.replace)" = old &&
	cairn object get --force --link copy "$(cat hash)" out.replace &&
	cmp data out.replace &&
	ln -sf /nonexistent/elsewhere out.link &&
	test_expect_code 2 cairn object get --force --link copy "$(cat hash)" out.link 2>err &&
	test_grep "out.link.: it is a symbolic link, which cairn neither follows nor replaces" err &&
	test -L out.link &&
	cairn object get --force --link copy "$(cat hash)" out.sym &&
	test ! -L out.sym &&
	test "$(stat -c %a "$(cat obj.path)")" = 444 &&
	cairn fsck >out && test_grep "0 corrupt" out
'

test_expect_success 'no temporary files are left behind' '
	test -z "$(ls -A | grep cairn-tmp)"
'

test_expect_success 'bad destinations and link types fail clearly' '
	mkdir -p adir &&
	test_must_fail cairn object get --link copy "$(cat hash)" adir 2>err &&
	test_grep "adir.: it is a directory" err &&
	test_must_fail cairn object get --link copy "$(cat hash)" no/such/dir/f 2>err &&
	test_grep "no/such/dir/f" err &&
	test_expect_code 2 cairn object get --link teleport "$(cat hash)" x 2>err &&
	test_grep "unknown link type .teleport." err &&
	test ! -e x
'

test_done
