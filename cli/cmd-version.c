/* cairn version: the versions of cairn and the libraries it runs on. */
#include <jansson.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include "cairn/version.h"
#include "cli/cli.h"
#include "core/json.h"

static const char usage[] =
	"usage: cairn version [--json]\n"
	"\n"
	"Prints the version of cairn (also 'cairn --version'); with --json, the\n"
	"versions of the libraries it was built with as well.\n"
	"\n"
	"Options:\n"
	"  --json      print as JSON\n"
	"  -h, --help  this help\n";

int cmd_version(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	int json = 0, c;

	while ((c = cli_getopt(argc, argv, "h", opts)) != -1) {
		switch (c) {
		case 'j': json = 1; break;
		case 'h': return cli_help(usage);
		default: return cli_bad_option(usage);
		}
	}
	if (optind < argc)
		return cli_usage_error(usage, "version takes no arguments");
	if (json) {
		json_t *o = json_pack("{s:s, s:{s:s, s:s, s:s}}", "cairn", cairn_version(),
				      "libraries", "sqlite", cairn_sqlite_version(),
				      "openssl", OpenSSL_version(OPENSSL_VERSION),
				      "jansson", JANSSON_VERSION);
		cairn_json_print(stdout, o, 1);
		json_decref(o);
	} else {
		printf("cairn %s\n", cairn_version());
	}
	return 0;
}
