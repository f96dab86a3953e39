#!/bin/bash
# Stored names, values, params and tags are printed with control characters
# escaped (\x1b, \u009b) in every human output: a CSV header holding
# ESC ] 0 ; ... BEL must not set the terminal's title. JSON output is
# escaped by jansson.
. "$(dirname "$0")/lib.sh"

ESC=$(printf "\033")
# No raw C0 control (but newline and tab) nor DEL nor C1 (U+0080..U+009F) in a file.
clean() {
	! LC_ALL=C grep -q "[$(printf "\001-\010\013-\037\177")]" "$1" &&
	! LC_ALL=C grep -q "$(printf "\302")[$(printf "\200-\237")]" "$1"
}

test_expect_success 'setup: a CSV whose header sets the terminal title' '
	cairn init >/dev/null &&
	printf "a${ESC}]0;pwned\007,b$(printf "\302\233")2J\nx${ESC}[2Jy,2\n" >evil.csv &&
	cairn data add evil.csv >out 2>err &&
	test_grep "^Added evil@1" out
'

test_expect_success 'data show, list and profile escape column names and values' '
	cairn data show evil >out &&
	clean out &&
	test_grep "a\\\\x1b]0;pwned\\\\x07" out &&
	test_grep "b\\\\u009b2J" out &&
	cairn data list >out && clean out &&
	cairn data profile evil >out &&
	clean out &&
	test_grep "a\\\\x1b]0;pwned\\\\x07" out &&
	test_grep "x\\\\x1b\[2Jy" out
'

test_expect_success 'tags and descriptions are escaped' '
	cairn data tag evil "k=v${ESC}[31mred" >out 2>err &&
	clean out &&
	cairn data describe evil "line1${ESC}]2;t$(printf "\007")" >out &&
	cairn data show evil >out &&
	clean out &&
	test_grep "k=v\\\\x1b\[31mred" out &&
	test_grep "description  line1\\\\x1b]2;t\\\\x07" out
'

test_expect_success 'JSON output holds the escapes of JSON, never a raw control' '
	cairn data show evil --json >out.json &&
	clean out.json &&
	test_grep "a\\\\u001b]0;pwned\\\\u0007" out.json
'

test_expect_success 'runs show, list and compare escape names, params and tags' '
	cairn run --name "r${ESC}[2J" -- true 2>/dev/null &&
	run=$(cairn runs list --json | python3 -c "import json,sys; print(json.load(sys.stdin)[0][\"id\"])") &&
	cairn log param p "v${ESC}]0;x$(printf "\007")" --run $run &&
	cairn log tag t "w${ESC}[5m" --run $run &&
	cairn runs show $run >out && clean out &&
	test_grep "v\\\\x1b]0;x\\\\x07" out &&
	test_grep "w\\\\x1b\[5m" out &&
	test_grep "r\\\\x1b\[2J" out &&
	cairn runs list >out && clean out &&
	test_grep "r\\\\x1b\[2J" out &&
	cairn run --name other -- true 2>/dev/null &&
	other=$(cairn runs list --json | python3 -c "import json,sys; print([r[\"id\"] for r in json.load(sys.stdin) if r[\"name\"] == \"other\"][0])") &&
	cairn runs compare $run $other >out && clean out &&
	test_grep "v\\\\x1b]0;x\\\\x07" out
'

test_expect_success 'errors printed by the program are escaped' '
	test_must_fail cairn data show "n${ESC}]0;x$(printf "\007")" >out 2>err &&
	clean err &&
	test_grep "x1b" err &&
	printf "a,b\n1,2,3${ESC}[2J\n" >bad${ESC}name.csv &&
	test_must_fail cairn data add "bad${ESC}name.csv" --name bad >out 2>err &&
	clean err &&
	test_grep "bad\\\\x1bname.csv" err
'

test_expect_success 'lineage text escapes what it shows' '
	run=$(cairn runs list --json | python3 -c "import json,sys; print([r[\"id\"] for r in json.load(sys.stdin) if r[\"name\"] != \"other\"][0])") &&
	cairn log input evil --run $run &&
	cairn lineage evil --down >out &&
	clean out
'

test_expect_success 'cairn run escapes its messages; an artifact path may hold no control' '
	test_must_fail cairn run -- "no${ESC}]0;x$(printf "\007")such" >out 2>err &&
	clean err &&
	test_grep "no\\\\x1b]0;x\\\\x07such" err &&
	printf "x\n" >"a${ESC}[2J.txt" &&
	test_expect_code 2 cairn log artifact "a${ESC}[2J.txt" --run $(cairn runs list --json |
		python3 -c "import json,sys; print(json.load(sys.stdin)[0][\"id\"])") 2>err &&
	clean err &&
	test_grep "holds a control character" err
'

test_done
