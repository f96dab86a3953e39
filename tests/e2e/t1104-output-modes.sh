#!/bin/bash
# Files that commands write get mode 0666 narrowed by the umask, as any
# program's files do: not -rw-rw-rw- whatever the umask.
. "$(dirname "$0")/lib.sh"
. "$SRC_ROOT/tests/e2e/helpers/outputs.sh"

test_expect_success 'setup' '
	outputs_setup
'

# Every writer into directory $1 (one file each), evaluate's plots too.
write_all() {
	local i=0 cmd
	output_writers >cmds &&
	while read -r cmd; do
		i=$((i + 1)) &&
		cairn $cmd $1/out$i >/dev/null || return 1
	done <cmds &&
	cairn evaluate $(cat run) --data iris.csv --plots $1/plots >/dev/null
}

test_expect_success 'umask 027: every file is -rw-r-----' '
	mkdir u027 &&
	(umask 027 && write_all u027) &&
	find u027 -type f >files && test $(wc -l <files) -ge 10 &&
	find u027 -type f ! -perm 640 >wrong &&
	test_cmp /dev/null wrong
'

test_expect_success 'umask 077: every file is -rw-------' '
	mkdir u077 &&
	(umask 077 && write_all u077) &&
	find u077 -type f ! -perm 600 >wrong &&
	test_cmp /dev/null wrong
'

test_expect_success 'umask 002: group-writable, never world-writable' '
	mkdir u002 &&
	(umask 002 && write_all u002) &&
	find u002 -type f ! -perm 664 >wrong &&
	test_cmp /dev/null wrong
'

test_done
