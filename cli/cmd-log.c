/* cairn log: log a metric, param, tag, artifact or input to the current run
 * (CAIRN_RUN_ID, set by 'cairn run') or to the run named by --run. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cairn/error.h"
#include "cairn/run.h"
#include "cli/cli.h"

static const char usage[] =
	"usage: cairn log metric KEY VALUE [--step N] [--run RUN]\n"
	"   or: cairn log param KEY VALUE [--run RUN]\n"
	"   or: cairn log tag KEY VALUE [--run RUN]\n"
	"   or: cairn log artifact PATH [--path DEST] [--run RUN]\n"
	"   or: cairn log input DATASET_REF [--context CONTEXT] [--run RUN]\n"
	"\n"
	"Logs to the run in CAIRN_RUN_ID (set for the command that 'cairn run'\n"
	"starts) or to RUN. Params are write-once: the same value again is fine,\n"
	"a different one is an error. Metrics keep their whole history; VALUE is a\n"
	"number (nan and inf are accepted). An artifact directory is stored file\n"
	"by file.\n"
	"\n"
	"Options:\n"
	"  --run RUN          the run to log to (an id or unique prefix)\n"
	"  --step N           the metric's step (default 0; may be negative)\n"
	"  --path DEST        the artifact's path inside the run (default: PATH's\n"
	"                     base name)\n"
	"  --context CONTEXT  how the input was used: train, test, validation or\n"
	"                     other (default other)\n"
	"  -h, --help         this help\n";

enum what { METRIC, PARAM, TAG, ARTIFACT, INPUT };

static const struct { const char *name; enum what what; int nargs; } kinds[] = {
	{ "metric", METRIC, 2 }, { "param", PARAM, 2 }, { "tag", TAG, 2 },
	{ "artifact", ARTIFACT, 1 }, { "input", INPUT, 1 },
};

static int parse_step(const char *s, int64_t *out)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || end == s || *end)
		return -1;
	*out = v;
	return 0;
}

static int parse_value(const char *s, double *out)
{
	char *end;

	*out = strtod(s, &end);
	return end == s || *end ? -1 : 0;
}

int cmd_log(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "run", required_argument, NULL, 'r' },
		{ "step", required_argument, NULL, 's' },
		{ "path", required_argument, NULL, 'p' },
		{ "context", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *run_ref = NULL, *dest = NULL, *context = NULL, *step_arg = NULL;
	int c, rc = 0, status = 0, k, nkinds = (int)(sizeof(kinds) / sizeof(kinds[0]));
	int64_t step = 0;
	double value = 0;
	cairn_run *run = NULL;
	cairn_ctx *ctx;
	char **args;

	while ((c = cli_getopt(argc, argv, "+h", opts)) != -1) {
		switch (c) {
		case 'r': run_ref = optarg; break;
		case 's': step_arg = optarg; break;
		case 'p': dest = optarg; break;
		case 'c': context = optarg; break;
		case 'h': return cli_help(usage);
		default: return cli_bad_option(usage);
		}
	}
	if (optind >= argc)
		return cli_usage_error(usage, "expected what to log: metric, param, tag, artifact or input");
	for (k = 0; k < nkinds && strcmp(kinds[k].name, argv[optind]); k++)
		;
	if (k == nkinds)
		return cli_usage_error(usage, "cannot log '%s' (metric, param, tag, artifact or input)",
				       argv[optind]);
	/* Options may also follow the subcommand's arguments. */
	optind++;
	{
		int sub_argc = argc - optind + 1;
		char **sub_argv = argv + optind - 1;
		cli_reset_getopt();
		while ((c = cli_getopt(sub_argc, sub_argv, "h", opts)) != -1) {
			switch (c) {
			case 'r': run_ref = optarg; break;
			case 's': step_arg = optarg; break;
			case 'p': dest = optarg; break;
			case 'c': context = optarg; break;
			case 'h': return cli_help(usage);
			default: return cli_bad_option(usage);
			}
		}
		if (sub_argc - optind != kinds[k].nargs)
			return cli_usage_error(usage, "log %s takes %s", kinds[k].name,
					       kinds[k].nargs == 2 ? "KEY VALUE" :
					       kinds[k].what == ARTIFACT ? "one PATH" : "one DATASET_REF");
		args = sub_argv + optind;
	}
	if (step_arg && (kinds[k].what != METRIC || parse_step(step_arg, &step)))
		return cli_usage_error(usage, kinds[k].what != METRIC ? "--step applies to metrics only"
				       : "--step '%s' is not an integer", step_arg);
	if (dest && kinds[k].what != ARTIFACT)
		return cli_usage_error(usage, "--path applies to artifacts only");
	if (context && kinds[k].what != INPUT)
		return cli_usage_error(usage, "--context applies to inputs only");
	if (kinds[k].what == METRIC && parse_value(args[1], &value))
		return cli_usage_error(usage, "metric '%s': '%s' is not a number", args[0], args[1]);
	if (!(ctx = cli_open_workspace(&status)))
		return status;
	if ((rc = run_ref ? cairn_run_attach(ctx, run_ref, &run) : cairn_run_from_env(ctx, &run)))
		goto out;
	switch (kinds[k].what) {
	case METRIC: rc = cairn_run_log_metric(run, args[0], value, step); break;
	case PARAM: rc = cairn_run_log_param(run, args[0], args[1]); break;
	case TAG: rc = cairn_run_set_tag(run, args[0], args[1]); break;
	case ARTIFACT: rc = cairn_run_log_artifact(run, args[0], dest); break;
	case INPUT: rc = cairn_run_log_input(run, args[0], context ? context : "other"); break;
	}
out:
	if (rc)
		status = cli_fail(ctx, rc);
	cairn_run_free(run);
	cairn_ctx_free(ctx);
	return status;
}
