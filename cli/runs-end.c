/* cairn runs end: end by hand a run whose process died out of sight (on
 * another host, in a container). The work is cairn_run_end_dead(). */
#include <stdio.h>
#include <string.h>
#include "cairn/error.h"
#include "cairn/run.h"
#include "cli/cli.h"
#include "cli/output.h"
#include "cli/runs.h"
#include "core/json.h"

int runs_end(int argc, char **argv)
{
	static const char usage[] =
		"usage: cairn runs end RUN --status FAILED|KILLED [--message M] [--json]\n"
		"\n"
		"Ends a RUNNING run whose process is gone where cairn cannot see it: on\n"
		"another host, or in a container (another hostname). A run owned by a\n"
		"process of this host is ended by cairn itself once that process is gone;\n"
		"a live one is refused (stop its process instead), and so is a run that\n"
		"has already ended. The run's end time is the last time it was seen alive:\n"
		"the latest of its start, its metric points and its artifacts.\n"
		"\n"
		"Options:\n"
		"  --status S   FAILED or KILLED\n"
		"  --message M  why (default: ended by hand by USER: its process on HOST\n"
		"               was gone)\n"
		"  --json       print the ended run as JSON (as 'cairn runs show --json')\n"
		"  -h, --help   this help\n";
	static const struct option opts[] = {
		{ "status", required_argument, NULL, 's' },
		{ "message", required_argument, NULL, 'm' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *message = NULL;
	int c, json = 0, rc, status = 0, st = -1;
	json_t *show = NULL;
	cairn_ctx *ctx;

	while ((c = cli_getopt(argc, argv, "h", opts)) != -1) {
		switch (c) {
		case 's':
			st = cairn_run_status_parse(optarg);
			if (st != CAIRN_RUN_FAILED && st != CAIRN_RUN_KILLED)
				return cli_usage_error(usage, "--status '%s': a run is ended by hand"
						       " FAILED or KILLED", optarg);
			break;
		case 'm': message = optarg; break;
		case 'j': json = 1; break;
		case 'h': return cli_help(usage);
		default: return cli_bad_option(usage);
		}
	}
	if (argc - optind != 1)
		return cli_usage_error(usage, "expected one RUN");
	if (st < 0)
		return cli_usage_error(usage, "--status FAILED or KILLED is required");
	if (!(ctx = cli_open_workspace(&status)))
		return status;
	if ((rc = cairn_run_end_dead(ctx, argv[optind], (enum cairn_run_status)st, message)) ||
	    (rc = cairn_run_show(ctx, argv[optind], &show)))
		status = cli_fail(ctx, rc);
	else if (json)
		cairn_json_print(stdout, show, 1);
	else
		printf("Run %s ended %s: %s\n", json_string_value(json_object_get(show, "id")),
		       json_string_value(json_object_get(show, "status")),
		       cli_esc(json_string_value(json_object_get(show, "message"))));
	json_decref(show);
	cairn_ctx_free(ctx);
	return status;
}
