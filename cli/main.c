/* cairn's entry point: global options and the table of commands. */
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cairn/log.h"
#include "cli/cli.h"
#include "cli/output.h"
#include "core/progress.h"

/* Adding a command: one row here, its cli/cmd-<name>.c, its doc in
 * docs/commands/ and its test in tests/e2e/. */
const struct cli_command cli_commands[] = {
	{ "init", cmd_init, "create a workspace (.cairn/) in the current directory" },
	{ "data", cmd_data, "version, catalog, profile, check and derive datasets" },
	{ "runs", cmd_runs, "list, show, search and compare tracked runs" },
	{ "log", cmd_log, "log a metric, param, tag, artifact or input to a run" },
	{ "run", cmd_run, "run a command as a tracked run (code, environment, output, resources)" },
	{ "reproduce", cmd_reproduce, "run a run again from its code, data and params, and compare" },
	{ "metrics", cmd_metrics, "show the history of a run's metric: values, sparkline, SVG plot" },
	{ "lineage", cmd_lineage, "show where a run, dataset version or artifact came from, and what came of it" },
	{ "train", cmd_train, "train a built-in algorithm on a dataset as a tracked run" },
	{ "predict", cmd_predict, "predict a file or dataset version with a model package" },
	{ "serve", cmd_serve, "serve models over HTTP (MLflow scoring protocol, Open Inference Protocol v2)" },
	{ "evaluate", cmd_evaluate, "the metrics and plots of a model on labelled data" },
	{ "models", cmd_models, "the model registry (versions, aliases, audit log); import models trained elsewhere" },
	{ "package", cmd_package, "a model as a verified bundle file or an OCI image (no container daemon)" },
	{ "predictions", cmd_predictions, "the prediction log of served models (list, export) and feedback" },
	{ "monitor", cmd_monitor, "a model's bias and performance on labelled or served predictions; alert rules on a schedule (watch)" },
	{ "ci", cmd_ci, "a CI job: check data, train, register and promote through the gates of cairn.yaml" },
	{ "alerts", cmd_alerts, "the alerts fired by the rules of cairn.yaml (list, show, ack)" },
	{ "sweep", cmd_sweep, "train over a grid of params as child runs and name the best" },
	{ "object", cmd_object, "store, read and list content-addressed objects (plumbing)" },
	{ "fsck", cmd_fsck, "verify the object store" },
	{ "gc", cmd_gc, "remove unreferenced objects and stale temporary files" },
	{ "version", cmd_version, "show the versions of cairn and its libraries" },
	{ "help", cmd_help, "show help for cairn or one of its commands" },
	{ NULL, NULL, NULL }
};

static const char main_usage[] =
	"usage: cairn [-C DIR] [-v | -q] [--log-json] COMMAND [ARGS]\n"
	"\n"
	"cairn takes a tabular ML problem from raw data to a monitored model,\n"
	"keeping every step traceable.\n"
	"\n"
	"Global options:\n"
	"  -C DIR        run as if started in DIR\n"
	"  -v, --verbose more log output (repeat for more)\n"
	"  -q, --quiet   errors only, no progress\n"
	"  --log-json    log as JSON lines on stderr\n"
	"  --version     print the version\n"
	"  -h, --help    this help\n"
	"\n"
	"Environment: CAIRN_DIR (the workspace to use), CAIRN_LOG (error, warn,\n"
	"info, debug, trace), CAIRN_LOG_FORMAT (text or json). OMP_WAIT_POLICY\n"
	"(OpenMP's, for xgboost) is passive unless set.\n"
	"\n"
	"Commands:\n";

int cmd_help(int argc, char **argv)
{
	static const char usage[] =
		"usage: cairn help [COMMAND]\n"
		"\n"
		"Shows the list of commands, or the help of COMMAND (the same as\n"
		"'cairn COMMAND --help').\n";
	const struct cli_command *c;

	if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")))
		return cli_help(usage);
	if (argc > 2)
		return cli_usage_error(usage, "help takes at most one command");
	if (argc == 2) {
		char *args[] = { argv[1], (char *)"--help", NULL };
		if (!(c = cli_find_command(argv[1])))
			return cli_usage_error(usage, "'%s' is not a cairn command (see 'cairn help')",
					       argv[1]);
		cli_reset_getopt();
		return c->fn(2, args);
	}
	fputs(main_usage, stdout);
	for (c = cli_commands; c->name; c++)
		printf("  %-10s %s\n", c->name, c->summary);
	puts("\nRun 'cairn help COMMAND' for the options of a command.\n"
	     "Exit codes: see docs/exit-codes.md (0 success, 1 failure, 2 usage,\n"
	     "3 no workspace, 4 not found, 5 invalid input, 6 corrupt data).");
	return 0;
}

int main(int argc, char **argv)
{
	const struct cli_command *c;
	const char *policy;
	int verbosity = 0, quiet = 0, i;
	char *no_args[] = { (char *)"help", NULL };

	setlocale(LC_ALL, "C");
	/* libxgboost's OpenMP threads would spin for a while after each
	 * parallel loop, taking the cores from the other trials of a sweep and
	 * from anything else on the machine: they sleep instead, unless the
	 * user chose. libgomp reads this once, when libxgboost is first loaded,
	 * which no command does before this line. */
	policy = getenv("OMP_WAIT_POLICY");
	if (!policy || !*policy)
		setenv("OMP_WAIT_POLICY", "passive", 1);
	cli_log_from_env();
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "-C")) {
			if (++i == argc) {
				fputs("cairn: error: -C needs a directory\n", stderr);
				return 2;
			}
			if (chdir(argv[i]) < 0) {
				fprintf(stderr, "cairn: error: cannot change to '%s': %m\n", argv[i]);
				return 2;
			}
		} else if (!strcmp(a, "-v") || !strcmp(a, "--verbose")) {
			verbosity++;
		} else if (!strcmp(a, "-vv")) {
			verbosity += 2;
		} else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
			quiet = 1;
		} else if (!strcmp(a, "--log-json")) {
			cli_log_set_json(1);
		} else if (!strcmp(a, "--version")) {
			char *args[] = { (char *)"version", NULL };
			return cmd_version(1, args);
		} else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			return cmd_help(1, no_args);
		} else {
			fprintf(stderr, "cairn: error: unknown option '%s' (see 'cairn help')\n", a);
			return 2;
		}
	}
	if (quiet) {
		cli_log_set_level(CAIRN_LOG_ERROR);
		cli_progress_set_enabled(0);
	} else if (verbosity) {
		int level = CAIRN_LOG_WARN + verbosity;
		cli_log_set_level(level > CAIRN_LOG_TRACE ? CAIRN_LOG_TRACE :
				    (enum cairn_log_level)level);
	}
	if (i == argc)
		return cmd_help(1, no_args);
	if (!(c = cli_find_command(argv[i]))) {
		fprintf(stderr, "cairn: error: '%s' is not a cairn command (see 'cairn help')\n",
			argv[i]);
		return 2;
	}
	cli_reset_getopt();
	return c->fn(argc - i, argv + i);
}
