#!/bin/bash
# A signal during a checkout's copy stops it: the command exits 130 and
# leaves neither the destination nor its temporary file. To stop the command
# at a known point without timing, its stderr is a pipe filled up in
# advance: the debug line it writes just before copying (the link type
# reflink refused) blocks it there, its signal handlers installed.
. "$(dirname "$0")/lib.sh"

test -r /proc/self/wchan || test_skip_all "no /proc/PID/wchan to see where a process waits"

cairn init >/dev/null
head -c 20000000 /dev/urandom >big.bin
cairn object put big.bin >hash
if cairn object get --link reflink "$(cat hash)" probe 2>/dev/null; then
	test_skip_all "the file system clones files (reflink): no copy to interrupt"
fi

# Runs cairn with the arguments after $1 and stderr into a full pipe, waits
# until it blocks writing there, sends it signal $1, lets it go on; its exit
# status in ./status, its first lines of stderr in ./err.
interrupt() {
	local sig=$1
	shift
	rm -f err.fifo && mkfifo err.fifo &&
	exec 3<>err.fifo &&
	head -c 65536 /dev/zero >&3 || return 1
	# A shell starts background commands with SIGINT ignored, which cairn
	# respects (as nohup wants): start it with the default action instead.
	CAIRN_LOG=debug python3 -c "import os, signal, sys
signal.signal(signal.SIGINT, signal.SIG_DFL)
os.execvp(sys.argv[1], sys.argv[1:])" cairn "$@" 2>err.fifo &
	local pid=$! n=0
	until grep -q pipe_write /proc/$pid/wchan 2>/dev/null; do
		n=$((n + 1)) && test $n -lt 3000 || return 1
		sleep 0.1
	done
	kill -$sig $pid &&
	head -c 65536 <&3 >/dev/null || return 1
	wait $pid
	echo $? >status
	timeout 5 head -n 2 <&3 >err
	exec 3<&-
}

for sig in TERM INT HUP; do
	test_expect_success "SIG$sig during the copy: exit 130, nothing left behind" '
		interrupt '$sig' object get --link reflink,copy "$(cat hash)" out.bin &&
		test "$(cat status)" = 130 &&
		test_grep "cairn: error: interrupted by SIG'$sig'" err &&
		test ! -e out.bin &&
		test -z "$(ls -A | grep cairn-tmp)"
	'
done

test_expect_success 'SIGTERM during a data checkout: the same' '
	cairn data add big.bin --name big --format raw >/dev/null &&
	interrupt TERM data checkout --link reflink,copy big out.bin &&
	test "$(cat status)" = 130 &&
	test_grep "cairn: error: interrupted by SIGTERM" err &&
	test ! -e out.bin &&
	test -z "$(ls -A | grep cairn-tmp)"
'

test_expect_success 'without a signal the same command writes the file' '
	cairn object get --link reflink,copy "$(cat hash)" done.bin 2>/dev/null &&
	cmp big.bin done.bin
'

test_done
