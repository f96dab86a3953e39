#!/bin/bash
# cairn run: output streamed and stored, exit statuses, params, the run in
# the command's environment, code version (commit, dirty diff), environment
# and resources, a command that does not exist.
. "$(dirname "$0")/lib.sh"

test_have git || test_skip_all "git is not installed"

# The id of the newest run.
last_run() {
	cairn runs list --max 1 --json | jq_py 'd[0]["id"]'
}

# cairn in the project (a git repository holding the workspace); what the
# tests write stays outside it, so that its tree is clean.
pcairn() {
	(cd "$TRASH/proj" && cairn "$@")
}

test_expect_success 'setup: a git repository holding the workspace' '
	mkdir proj &&
	cd proj &&
	git init -q . &&
	git config user.name cairn-test &&
	git config user.email test@example.invalid &&
	printf "echo trained\n" >train.sh &&
	git add train.sh &&
	git commit -q -m "first" &&
	git rev-parse HEAD >../commit &&
	cairn init >/dev/null
'
export CAIRN_DIR="$TRASH/proj/.cairn"

test_expect_success 'stdout and stderr are shown and stored identically' '
	pcairn -q run -- sh -c "echo out-1; echo err-1 >&2; seq 1 200000; echo err-2 >&2" \
		>out 2>err &&
	run=$(last_run) &&
	test $(wc -l <out) = 200001 &&
	printf "err-1\nerr-2\n" >expect-err &&
	test_cmp expect-err err &&
	cairn runs get-artifact $run logs/stdout.txt stored-out &&
	cairn runs get-artifact $run logs/stderr.txt stored-err &&
	cmp out stored-out &&
	cmp err stored-err
'

test_expect_success 'the run id is printed on stderr at start and the end, not with -q' '
	pcairn run -- true 2>err &&
	run=$(last_run) &&
	test_grep "^cairn: run $run started$" err &&
	test_grep "^cairn: run $run FINISHED \(" err &&
	pcairn -q run -- true 2>err &&
	test ! -s err &&
	pcairn run -q -- sh -c "echo to-stderr >&2" 2>err &&
	test "$(cat err)" = to-stderr
'

test_expect_success 'exit 0 is FINISHED; exit N is FAILED with exit status N' '
	pcairn -q run -- true &&
	test "$(cairn runs show $(last_run) --json | jq_py "d[\"status\"], d[\"message\"]")" = "FINISHED " &&
	test_expect_code 3 pcairn -q run -- sh -c "exit 3" &&
	cairn runs show $(last_run) --json >show.json &&
	test "$(jq_py "d[\"status\"], d[\"message\"]" <show.json)" = "FAILED exit status 3" &&
	test "$(jq_py "d[\"info\"][\"resources\"][\"exit_code\"]" <show.json)" = 3
'

test_expect_success 'a command killed by a signal exits 128+N and FAILED says which' '
	test_expect_code 137 pcairn -q run -- sh -c "kill -KILL \$\$" &&
	cairn runs show $(last_run) --json >show.json &&
	test "$(jq_py "d[\"status\"], d[\"message\"]" <show.json)" = "FAILED killed by signal 9 (SIGKILL)" &&
	test "$(jq_py "d[\"info\"][\"resources\"][\"signal\"], d[\"info\"][\"resources\"][\"exit_code\"]" <show.json)" = "9 None"
'

test_expect_success 'a command that does not exist: clear error, FAILED, exit 127' '
	test_expect_code 127 pcairn -q run -- cairn-no-such-command arg 2>err &&
	test_grep "^cairn: error: cannot run .cairn-no-such-command.: command not found$" err &&
	cairn runs show $(last_run) --json >show.json &&
	test "$(jq_py "d[\"status\"]" <show.json)" = FAILED &&
	test_grep "command not found" show.json
'

test_expect_success 'a command that is not executable exits 126' '
	printf "echo x\n" >not-exec.sh && chmod -x not-exec.sh &&
	test_expect_code 126 pcairn -q run -- "$TRASH/not-exec.sh" 2>err &&
	test_grep "cannot run .$TRASH/not-exec.sh.: Permission denied" err
'

test_expect_success 'the command sees its run: CAIRN_RUN_ID, CAIRN_DIR, cairn log from a shell' '
	mkdir -p proj/sub &&
	(cd proj/sub && unset CAIRN_DIR &&
	 cairn -q run -- sh -c "echo \$CAIRN_RUN_ID >$TRASH/id; echo \$CAIRN_DIR >$TRASH/dir;
		cd / && cairn log metric acc 0.75 --step 2 && cairn log tag from shell") &&
	run=$(last_run) &&
	test "$(cat id)" = $run &&
	test "$(cat dir)" = "$TRASH/proj/.cairn" &&
	cairn runs show $run --json >show.json &&
	test "$(jq_py "d[\"metrics\"][\"acc\"], d[\"tags\"][\"from\"]" <show.json)" = "0.75 shell" &&
	test "$(jq_py "d[\"info\"][\"cwd\"]" <show.json)" = "$TRASH/proj/sub" &&
	test "$(jq_py "d[\"info\"][\"code\"][\"path\"]" <show.json)" = sub
'

test_expect_success '--param logs params before the command starts and exports them' '
	pcairn -q run --param lr=0.1 --param "my-key=a=b" -- \
		sh -c "cairn runs show \$CAIRN_RUN_ID --json >../during.json; echo \$CAIRN_PARAM_lr >../lr" &&
	test "$(jq_py "d[\"params\"][\"lr\"], d[\"params\"][\"my-key\"]" <during.json)" = "0.1 a=b" &&
	test "$(cat lr)" = 0.1 &&
	cairn runs show $(last_run) --json | jq_py "d[\"info\"][\"cli_params\"][\"my-key\"]" >v &&
	test "$(cat v)" = a=b
'

test_expect_success 'usage errors exit 2 and start no run' '
	before=$(cairn runs list --json | jq_py "len(d)") &&
	test_expect_code 2 pcairn run 2>err &&
	test_grep "expected the COMMAND" err &&
	test_expect_code 2 pcairn run --param lr -- true 2>err &&
	test_grep "not KEY=VALUE" err &&
	test_expect_code 2 pcairn run --param a=1 --param a=2 -- true 2>err &&
	test_grep "given twice" err &&
	test_expect_code 4 pcairn run --parent 01zzzz -- true 2>err &&
	test "$(cairn runs list --json | jq_py "len(d)")" = $before
'

test_expect_success '--name, --experiment, --parent; options after COMMAND are its own' '
	pcairn -q run --name parent-run --experiment exp-a -- true &&
	parent=$(last_run) &&
	pcairn -q run --parent $parent --name child -- sh -c "echo \"\$@\" >../args" sh --name x --json &&
	test "$(cat args)" = "--name x --json" &&
	cairn runs show $(last_run) --json >show.json &&
	test "$(jq_py "d[\"name\"], d[\"parent\"]" <show.json)" = "child $parent" &&
	test "$(jq_py "len(d[\"info\"][\"command\"]), \" \".join(d[\"info\"][\"command\"][3:])" <show.json)" = "7 sh --name x --json" &&
	cairn runs show $parent --json | jq_py "d[\"experiment\"]" >e &&
	test "$(cat e)" = exp-a
'

test_expect_success '--json prints the ended run after the command output' '
	pcairn -q run --json -- sh -c "echo first line" >out &&
	test "$(head -n 1 out)" = "first line" &&
	tail -n +2 out | jq_py "d[\"status\"], d[\"artifacts\"][0][\"path\"]" >v &&
	test "$(cat v)" = "FINISHED logs/stderr.txt"
'

test_expect_success 'a clean tree: the commit and branch, not dirty, no diff (.cairn left out)' '
	pcairn -q run -- true &&
	cairn runs show $(last_run) --json >show.json &&
	test "$(jq_py "d[\"info\"][\"code\"][\"commit\"]" <show.json)" = "$(cat commit)" &&
	test "$(jq_py "d[\"info\"][\"code\"][\"repository\"]" <show.json)" = "$TRASH/proj" &&
	test "$(jq_py "d[\"info\"][\"code\"][\"dirty\"]" <show.json)" = False &&
	test "$(jq_py "d[\"info\"][\"code\"][\"branch\"] is not None" <show.json)" = True &&
	test "$(jq_py "[a[\"path\"] for a in d[\"artifacts\"] if a[\"path\"].startswith(\"code/\")]" <show.json)" = "[]"
'

test_expect_success 'a dirty tree: the diff (untracked files too) is stored and applies' '
	(cd proj && printf "more\n" >>train.sh && printf "notes\n" >untracked.txt &&
	 git status --porcelain >../status-before) &&
	pcairn -q run -- true &&
	run=$(last_run) &&
	(cd proj && git diff --cached --quiet && git status --porcelain >../status-after) &&
	test_cmp status-before status-after &&
	cairn runs show $run --json >show.json &&
	test "$(jq_py "d[\"info\"][\"code\"][\"dirty\"], d[\"info\"][\"code\"][\"diff\"]" <show.json)" = "True code/diff.patch" &&
	cairn runs get-artifact $run code/diff.patch diff.patch &&
	test_grep "^\+more$" diff.patch &&
	test_grep "^\+\+\+ b/untracked.txt$" diff.patch &&
	! grep "\.cairn" diff.patch &&
	(cd proj && git checkout -q train.sh && rm untracked.txt &&
	 git apply --check ../diff.patch && git status --porcelain >../status &&
	 test "$(cat ../status)" = "?? .cairn/")
'

test_expect_success 'untracked files over 1 MiB are left out of the diff and listed' '
	head -c 2000000 /dev/zero >proj/big.bin &&
	pcairn run -- true 2>err &&
	test_grep "1 untracked file larger than 1024 KiB left out of the run.s code diff \(e.g. .big.bin.\)" err &&
	cairn runs show $(last_run) --json >show.json &&
	test "$(jq_py "d[\"info\"][\"code\"][\"untracked_skipped\"], d[\"info\"][\"code\"][\"dirty\"]" <show.json)" = "[$(printf "%s" "'"'"'big.bin'"'"'")] True" &&
	rm proj/big.bin
'

test_expect_success 'credentials are removed from the recorded remote URL' '
	(cd proj && git remote add origin https://someone:s3cret-token@git.example.invalid/r.git) &&
	pcairn -q run -- true &&
	(cd proj && git remote remove origin) &&
	cairn runs show $(last_run) --json >show.json &&
	test "$(jq_py "d[\"info\"][\"code\"][\"remote\"]" <show.json)" = https://git.example.invalid/r.git &&
	! grep s3cret show.json
'

test_expect_success 'outside a git repository the code version is null and the run works' '
	outside=$(mktemp -d "${TMPDIR:-/tmp}/cairn-norepo.XXXXXX") &&
	(cd "$outside" && CAIRN_DIR="$TRASH/proj/.cairn" cairn -q run -- sh -c "echo hi" >out 2>err) &&
	test ! -s "$outside/err" &&
	rm -rf "$outside" &&
	cairn runs show $(last_run) --json >show.json &&
	test "$(jq_py "d[\"status\"], d[\"info\"][\"code\"]" <show.json)" = "FINISHED None"
'

test_expect_success 'the environment: OS, kernel, CPU, memory, build; only allowlisted variables' '
	OMP_NUM_THREADS=3 MY_API_TOKEN=s3cret-token pcairn -q run -- sh -c "echo \$PYTHONUNBUFFERED >../pyu" &&
	test "$(cat pyu)" = 1 &&
	cairn runs show $(last_run) --json >show.json &&
	test "$(jq_py "d[\"info\"][\"environment\"][\"kernel\"][\"release\"]" <show.json)" = "$(uname -r)" &&
	test "$(jq_py "d[\"info\"][\"environment\"][\"cpu\"][\"cores\"]" <show.json)" = "$(getconf _NPROCESSORS_ONLN)" &&
	test "$(jq_py "d[\"info\"][\"environment\"][\"memory_kb\"] > 0" <show.json)" = True &&
	test "$(jq_py "d[\"info\"][\"environment\"][\"cairn\"][\"version\"]" <show.json)" = "$(cat "$SRC_ROOT/VERSION")" &&
	test "$(jq_py "d[\"info\"][\"environment\"][\"env\"][\"OMP_NUM_THREADS\"]" <show.json)" = 3 &&
	if [ -r /etc/os-release ]; then
		. /etc/os-release &&
		test "$(jq_py "d[\"info\"][\"environment\"][\"os\"][\"id\"]" <show.json)" = "$ID"
	fi &&
	! grep s3cret show.json
'

test_expect_success 'resources: CPU time and peak memory of the command' '
	pcairn -q run -- python3 -c "
import time
b = bytearray(60 * 1024 * 1024)
for i in range(0, len(b), 4096): b[i] = 1
t = time.process_time()
while time.process_time() - t < 0.3: pass
" &&
	cairn runs show $(last_run) --json >show.json &&
	test "$(jq_py "d[\"info\"][\"resources\"][\"peak_rss_kb\"] > 60000" <show.json)" = True &&
	test "$(jq_py "d[\"info\"][\"resources\"][\"cpu_user_ms\"] + d[\"info\"][\"resources\"][\"cpu_sys_ms\"] >= 250" <show.json)" = True &&
	test "$(jq_py "d[\"info\"][\"resources\"][\"wall_ms\"] >= 250" <show.json)" = True
'

test_expect_success 'a closed stdout does not stop the command or its log' '
	pcairn -q run -- seq 1 100000 | head -n 1 >first &&
	test "$(cat first)" = 1 &&
	run=$(last_run) &&
	test "$(cairn runs show $run --json | jq_py "d[\"status\"]")" = FINISHED &&
	cairn runs get-artifact $run logs/stdout.txt all &&
	test $(wc -l <all) = 100000
'

test_expect_success 'a background process holding the output does not keep cairn waiting' '
	start=$(date +%s%N) &&
	pcairn -q run -- sh -c "sleep 3 & echo done" >out &&
	end=$(date +%s%N) &&
	test "$(cat out)" = done &&
	test $(( (end - start) / 1000000 )) -lt 2500 &&
	test "$(cairn runs show $(last_run) --json | jq_py "d[\"status\"]")" = FINISHED
'

test_expect_success 'no temporary file is left in the workspace' '
	test -z "$(find proj/.cairn -name "tmp-*")"
'

test_done
