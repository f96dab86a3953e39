#!/bin/bash
# cairn init records the umask of the user who made the workspace, and every
# process creates the workspace's files with it: objects 0444 & ~umask,
# cairn.db and the config 0666 & ~umask, directories 0777 & ~umask.
. "$(dirname "$0")/lib.sh"

mode() { stat -c %a "$1"; }
objects_modes() { find .cairn/objects -type f -exec stat -c %a {} + | sort -u | tr "\n" " "; }
fanout_modes() { find .cairn/objects -mindepth 1 -type d -exec stat -c %a {} + | sort -u | tr "\n" " "; }

test_expect_success 'umask 027: private to the group, and the config says so' '
	mkdir w027 && cd w027 &&
	(umask 027 && cairn init >/dev/null) &&
	test_grep "\"umask\": \"0027\"" .cairn/config &&
	test "$(mode .cairn)" = 750 &&
	test "$(mode .cairn/objects)" = 750 &&
	test "$(mode .cairn/cairn.db)" = 640 &&
	test "$(mode .cairn/config)" = 640 &&
	printf "a,b\n1,2\n" >f.csv && chmod 600 f.csv &&
	(umask 027 && cairn data add f.csv >/dev/null) &&
	test "$(objects_modes)" = "440 " &&
	test "$(fanout_modes)" = "750 "
'

test_expect_success 'another process with another umask still uses the recorded one' '
	cd w027 &&
	printf "c\n3\n" >g.csv &&
	(umask 077 && cairn data add g.csv >/dev/null) &&
	test "$(objects_modes)" = "440 " &&
	test "$(fanout_modes)" = "750 " &&
	(umask 000 && cairn data add --from-cmd "printf \"d\\n4\\n\"" --name h >/dev/null) &&
	test "$(objects_modes)" = "440 " &&
	test "$(fanout_modes)" = "750 " &&
	test "$(mode .cairn/tmp)" = 750
'

test_expect_success 'the temporary directory of a derivation takes the recorded umask too' '
	cd w027 &&
	rm -rf .cairn/tmp &&
	printf "a,b\n1,2\n3,4\n5,6\n7,8\n" >s.csv &&
	cairn data add s.csv >/dev/null &&
	(umask 000 && cairn data split s --ratios 0.5,0.5 --seed 1 >/dev/null) &&
	test "$(mode .cairn/tmp)" = 750
'

test_expect_success 'umask 002: a group-writable workspace gets a group-writable cairn.db' '
	mkdir w002 && cd w002 &&
	(umask 002 && cairn init >/dev/null) &&
	test "$(mode .cairn/cairn.db)" = 664 &&
	printf "a\n1\n" >f.csv &&
	(umask 022 && cairn data add f.csv >/dev/null) &&
	test "$(objects_modes)" = "444 " &&
	test "$(fanout_modes)" = "775 " &&
	for f in .cairn/cairn.db-wal .cairn/cairn.db-shm; do
		! test -e $f || test "$(mode $f)" = 664 || exit 1
	done
'

test_expect_success 'a workspace whose config records no umask keeps the old modes' '
	mkdir wold && cd wold &&
	cairn init >/dev/null &&
	python3 -c "import json; c = json.load(open(\".cairn/config\")); del c[\"umask\"]; json.dump(c, open(\".cairn/config\", \"w\"))" &&
	printf "a\n1\n" >f.csv &&
	(umask 077 && cairn data add f.csv >/dev/null) &&
	test "$(objects_modes)" = "444 "
'

test_expect_success 'a bad umask in the config is a clear error' '
	mkdir wbad && cd wbad &&
	cairn init >/dev/null &&
	python3 -c "import json; c = json.load(open(\".cairn/config\")); c[\"umask\"] = \"9\"; json.dump(c, open(\".cairn/config\", \"w\"))" &&
	printf "a\n1\n" >f.csv &&
	test_expect_code 5 cairn data add f.csv 2>err &&
	test_grep "umask must be a string of octal digits" err
'

test_done
