#!/bin/bash
# The library boundary, read from the sources: libcairn holds no process
# state (the documented exceptions only), its modules include no header of a
# module above them, it prints nothing, and its SQL is the portable subset.
. "$(dirname "$0")/lib.sh"

src="$SRC_ROOT/src"

test_expect_success 'process state: only the documented exceptions' '
	(cd "$SRC_ROOT" && grep -rn "/proc/self/exe\|\<signal(\|sigaction\|getenv" src/) >found || true
	cut -d: -f1 <found | sort -u >files &&
	printf "%s\n" src/core/fs.c src/track/exec.c >allowed &&
	test_cmp allowed files &&
	test "$(grep -c getenv found)" = 1 &&
	grep -q "getenv(\"TMPDIR\")" found &&
	! grep -n "src/track/exec.c" found | grep -v sigaction
'

test_expect_success 'the exceptions are the ones docs/internals/core.md lists' '
	grep -q "getenv(\"TMPDIR\")" "$SRC_ROOT/docs/internals/core.md" &&
	grep -q "src/track/exec.c.*exec_child" "$SRC_ROOT/docs/internals/core.md"
'

# Prints "file: header" for each include of a module above file's own.
upward_includes() {
	for pair in "core:store data track ml registry serve monitor" "store:data track ml registry serve monitor" "data:track ml registry serve monitor" "track:ml registry serve monitor" "ml:registry serve monitor" "registry:serve monitor" "serve:monitor"; do
		mod=${pair%%:*}
		for above in ${pair#*:}; do
			grep -Hn "#include \"$above/" "$src/$mod"/*.[ch] || true
		done
	done
}

test_expect_success 'no module includes a header of a module above it' '
	upward_includes >up &&
	test_cmp /dev/null up
'

test_expect_success 'public headers include only public headers and system ones' '
	grep -h "#include \"" "$SRC_ROOT"/include/cairn/*.h | grep -v "#include \"cairn/" >private || true
	test_cmp /dev/null private
'

test_expect_success 'public headers declare inside CAIRN_BEGIN_DECLS ... CAIRN_END_DECLS' '
	for h in "$SRC_ROOT"/include/cairn/*.h; do
		case "$h" in */common.h) continue ;; esac
		grep -q "^CAIRN_BEGIN_DECLS" "$h" && grep -q "^CAIRN_END_DECLS" "$h" ||
			echo "$h"
	done >undeclared &&
	test_cmp /dev/null undeclared
'

test_expect_success 'the library writes to no standard stream (but the out-of-memory line)' '
	grep -rn "\bprintf(\|fprintf(std\|\bputs(\|fputs([^)]*std\|dprintf(\|write[a-z_]*(STD\(ERR\|OUT\)_FILENO\|\bperror(" "$src" |
		grep -v "^$src/core/buf.c:.*out of memory" >prints || true
	test_cmp /dev/null prints
'

test_expect_success 'SQL: no SQLite-only statements outside the SQLite driver and dialect.c' '
	grep -rln "INSERT OR \(IGNORE\|REPLACE\)\|REPLACE INTO\|json_each\|json_extract\|ifnull(\|group_concat" "$src" |
		grep -v "src/store/db-sqlite.c\|src/store/dialect.c" >sqlite_only || true
	test_cmp /dev/null sqlite_only
'

test_done
