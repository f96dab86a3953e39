#!/bin/bash
# cairn help: the command list, and a help text for every command in it
# (taken from `cairn help` itself, so that new commands are covered at once).
. "$(dirname "$0")/lib.sh"

# The command names that `cairn help` lists under "Commands:".
list_commands() {
	cairn help | sed -n '/^Commands:/,/^$/p' | awk 'NR > 1 && NF { print $1 }'
}

commands=$(list_commands)

test_expect_success 'cairn help prints the usage and lists the commands' '
	cairn help >out 2>err &&
	test_grep "^usage: cairn " out &&
	test_grep "^Commands:" out &&
	test ! -s err &&
	list_commands >commands &&
	test_grep "^init$" commands &&
	test_grep "^help$" commands &&
	test_grep "^version$" commands &&
	# one name per line, no duplicates
	sort commands >sorted && sort -u commands >unique && test_cmp sorted unique
'

test_expect_success 'cairn with no command, -h and --help print the same help' '
	cairn help >expect &&
	cairn >out && test_cmp expect out &&
	cairn -h >out && test_cmp expect out &&
	cairn --help >out && test_cmp expect out
'

for cmd in $commands; do
	test_expect_success "cairn $cmd --help and cairn help $cmd print its usage" "
		cairn $cmd --help >out 2>err &&
		test_grep '^usage: cairn $cmd( |\$)' out &&
		test ! -s err &&
		cairn help $cmd >out2 &&
		test_cmp out out2 &&
		cairn $cmd -h >out3 &&
		test_cmp out out3
	"

	test_expect_success "cairn $cmd has its page in docs/commands/" "
		test -s '$SRC_ROOT/docs/commands/$cmd.md' &&
		grep -q 'cairn $cmd' '$SRC_ROOT/docs/commands/$cmd.md'
	"
done

test_expect_success 'cairn --version and cairn version print the version' '
	echo "cairn $(cat "$SRC_ROOT/VERSION")" >expect &&
	cairn --version >out && test_cmp expect out &&
	cairn version >out && test_cmp expect out
'

test_expect_success 'cairn version --json names the libraries' '
	cairn version --json >out &&
	test_grep "\"cairn\": \"$(cat "$SRC_ROOT/VERSION")\"" out &&
	test_grep "\"sqlite\": \"3\." out &&
	test_grep "\"openssl\": \"OpenSSL " out &&
	test_grep "\"jansson\": " out
'

test_expect_success 'an unknown command exits 2 and says so' '
	test_expect_code 2 cairn no-such-command >out 2>err &&
	test_grep "no-such-command.* is not a cairn command" err &&
	test ! -s out
'

test_expect_success 'cairn help for an unknown command exits 2' '
	test_expect_code 2 cairn help no-such-command 2>err &&
	test_grep "no-such-command.* is not a cairn command" err &&
	test_expect_code 2 cairn help init version 2>err &&
	test_grep "at most one command" err
'

test_expect_success 'an unknown global option exits 2' '
	test_expect_code 2 cairn --no-such-option 2>err &&
	test_grep "unknown option .--no-such-option" err &&
	test_expect_code 2 cairn -C 2>err &&
	test_grep "needs a directory" err &&
	test_expect_code 2 cairn -C "$TRASH/missing" help 2>err &&
	test_grep "cannot change to" err
'

test_expect_success 'an unknown option of a command exits 2 with its synopsis' '
	test_expect_code 2 cairn version --no-such-option 2>err &&
	test_grep "no-such-option" err &&
	test_grep "^usage: cairn version" err
'

test_done
