#!/bin/bash
# Storing a 256 MiB file streams it: the peak resident memory of `cairn
# object put` stays under 64 MiB, for a new file, for one already stored (the
# hash-first path) and for standard input. The file is four times the limit,
# so a command that held it whole, or any fourth of it, would exceed it; a
# larger file would only write more to the disk.
. "$(dirname "$0")/lib.sh"

limit_kb=$((64 * 1024))
size=$((256 << 20))

# Runs the command and prints its peak RSS in KiB: /usr/bin/time when there
# is one, else the VmHWM of /proc/PID/status read until the process ends.
peak_rss() {
	if [ -x /usr/bin/time ]; then
		/usr/bin/time -f "%M" -o rss.out "$@" >cmd.out &&
		tail -n 1 rss.out
		return
	fi
	"$@" >cmd.out &
	local pid=$! hwm=0 v
	while kill -0 $pid 2>/dev/null; do
		v=$(awk '/^VmHWM:/ { print $2 }' /proc/$pid/status 2>/dev/null)
		[ -n "$v" ] && [ "$v" -gt "$hwm" ] && hwm=$v
		sleep 0.02
	done
	wait $pid || return 1
	echo $hwm
}

test_expect_success 'setup: a 256 MiB file' '
	cairn init >/dev/null &&
	truncate -s $size big &&
	test "$(stat -c %s big)" -eq $size
'

test_expect_success 'put of a new 256 MiB file: peak RSS under 64 MiB' '
	kb=$(peak_rss cairn object put big) &&
	echo "peak RSS $kb KiB" &&
	test "$kb" -gt 0 && test "$kb" -lt $limit_kb &&
	sha256sum big | cut -d" " -f1 >expect &&
	test_cmp expect cmd.out
'

test_expect_success 'put of it again (hash-first path): peak RSS under 64 MiB' '
	kb=$(peak_rss cairn object put --json big) &&
	echo "peak RSS $kb KiB" &&
	test "$kb" -gt 0 && test "$kb" -lt $limit_kb &&
	grep "\"existed\": true" cmd.out
'

test_expect_success 'put of 256 MiB from standard input: peak RSS under 64 MiB' '
	kb=$(peak_rss sh -c "cat big | cairn object put -") &&
	echo "peak RSS $kb KiB" &&
	test "$kb" -gt 0 && test "$kb" -lt $limit_kb &&
	test_cmp expect cmd.out
'

test_expect_success 'get of it to a file is streamed too' '
	kb=$(peak_rss cairn object get --link copy "$(cat expect)" back) &&
	echo "peak RSS $kb KiB" &&
	test "$kb" -lt $limit_kb &&
	test "$(stat -c %s back)" -eq $size
'

test_expect_success 'cleanup' '
	rm -rf big back .cairn
'

test_done
