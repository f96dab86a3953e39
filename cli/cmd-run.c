/* cairn run: run a command as a tracked run (params, code version,
 * environment, output, exit status, resources). The work is cairn_exec_run(). */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cairn/buf.h"
#include "cairn/error.h"
#include "cairn/exec.h"
#include "cairn/log.h"
#include "cairn/run.h"
#include "cli/cli.h"
#include "cli/output.h"
#include "cli/runs.h"
#include "cli/signals.h"
#include "core/json.h"

extern char **environ;

void cli_exec_options(cairn_ctx *ctx, struct cairn_exec_options *eo, sigset_t *reset)
{
	static const int stop_signals[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction ign, old;

	cli_cancel_on_signals(ctx);
	cairn_exec_options_init(eo);
	eo->env = environ;
	eo->stdout_fd = 1;
	eo->stderr_fd = 2;
	sigemptyset(reset);
	/* The command's output is copied to ours: when our reader goes away
	 * (a pipe into head), the copy stops and the command and its logs go
	 * on. The command itself starts with SIGPIPE as we found it. */
	memset(&ign, 0, sizeof(ign));
	ign.sa_handler = SIG_IGN;
	sigemptyset(&ign.sa_mask);
	if (!sigaction(SIGPIPE, &ign, &old) && old.sa_handler != SIG_IGN)
		sigaddset(reset, SIGPIPE);
	/* Our stop handlers are ours; a signal ignored when we started stays
	 * ignored for the command. */
	for (size_t i = 0; i < sizeof(stop_signals) / sizeof(stop_signals[0]); i++)
		if (!sigaction(stop_signals[i], NULL, &old) && old.sa_handler != SIG_IGN)
			sigaddset(reset, stop_signals[i]);
	eo->reset_signals = reset;
}

static const char usage[] =
	"usage: cairn run [--name NAME] [--experiment NAME] [--param KEY=VALUE]...\n"
	"                 [--parent RUN] [-q] [--json] [--] COMMAND [ARGS]\n"
	"\n"
	"Runs COMMAND as a tracked run. Its output is shown as it comes and stored\n"
	"as artifacts logs/stdout.txt and logs/stderr.txt; the run also records the\n"
	"command line, the git commit it ran from (with the uncommitted changes as\n"
	"artifact code/diff.patch), the environment, the exit status, the wall and\n"
	"CPU time and the peak memory. COMMAND finds its run in CAIRN_RUN_ID and\n"
	"CAIRN_DIR, so 'cairn log ...' and the C API log to it.\n"
	"\n"
	"The run ends FINISHED when COMMAND exits 0, FAILED otherwise, and KILLED\n"
	"when cairn run is interrupted: Ctrl-C, SIGTERM and SIGHUP are passed on to\n"
	"COMMAND, and a second one kills it. cairn run exits with COMMAND's status\n"
	"(128+N when killed by signal N, 127 when it is not found).\n"
	"\n"
	"Options:\n"
	"  --name NAME        the run's name (default: run- and the end of its id)\n"
	"  --experiment NAME  the experiment (created on first use; default Default)\n"
	"  --param KEY=VALUE  log a param before COMMAND starts (repeatable); COMMAND\n"
	"                     also sees it as CAIRN_PARAM_KEY\n"
	"  --parent RUN       make the run a child of RUN\n"
	"  -q, --quiet        do not say on stderr that the run started and ended\n"
	"  --json             when COMMAND has ended, print the run as JSON on stdout\n"
	"                     (after COMMAND's own output)\n"
	"  -h, --help         this help\n";

int cmd_run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "name", required_argument, NULL, 'n' },
		{ "experiment", required_argument, NULL, 'e' },
		{ "param", required_argument, NULL, 'p' },
		{ "parent", required_argument, NULL, 'P' },
		{ "json", no_argument, NULL, 'j' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct cairn_run_options ro = { 0 };
	struct cairn_exec_options eo;
	struct cairn_exec_result res;
	sigset_t reset;
	struct cairn_exec_param *params;
	int c, json = 0, rc, status = 0, quiet = cli_log_level() < CAIRN_LOG_WARN;
	size_t nparams = 0;
	cairn_run *run = NULL;
	cairn_ctx *ctx = NULL;
	json_t *show = NULL;

	params = cairn_xcalloc((size_t)argc, sizeof(*params));
	/* "+": options stop at COMMAND, whose own options are its business. */
	while ((c = cli_getopt(argc, argv, "+hq", opts)) != -1) {
		switch (c) {
		case 'n': ro.name = optarg; break;
		case 'e': ro.experiment = optarg; break;
		case 'P': ro.parent = optarg; break;
		case 'j': json = 1; break;
		case 'q': quiet = 1; break;
		case 'p': {
			char *eq = strchr(optarg, '=');
			if (!eq || eq == optarg) {
				status = cli_usage_error(usage, "--param '%s' is not KEY=VALUE", optarg);
				goto out;
			}
			*eq = '\0';
			for (size_t i = 0; i < nparams; i++)
				if (!strcmp(params[i].key, optarg) && strcmp(params[i].value, eq + 1)) {
					status = cli_usage_error(usage, "--param '%s' given twice", optarg);
					goto out;
				}
			params[nparams].key = optarg;
			params[nparams++].value = eq + 1;
			break;
		}
		case 'h': status = cli_help(usage); goto out;
		default: status = cli_bad_option(usage); goto out;
		}
	}
	if (optind == argc) {
		status = cli_usage_error(usage, "expected the COMMAND to run (after --)");
		goto out;
	}
	if (!(ctx = cli_open_workspace(&status)))
		goto out;
	cli_exec_options(ctx, &eo, &reset);
	if ((rc = cairn_run_start(ctx, &ro, &run))) {
		status = cli_fail(ctx, rc);
		goto out;
	}
	if (!quiet)
		fprintf(stderr, "cairn: run %s started\n", cairn_run_id(run));
	eo.argv = argv + optind;
	eo.params = params;
	eo.nparams = nparams;
	if ((rc = cairn_exec_run(run, &eo, &res))) {
		status = cli_fail(ctx, rc);
		goto out;
	}
	status = res.exit_status;
	if (res.exec_errno)
		fprintf(stderr, "cairn: error: %s\n", cli_esc_text(res.message));
	else if (!quiet)
		fprintf(stderr, "cairn: run %s %s%s%s (%.1fs)\n", cairn_run_id(run),
			cairn_run_status_name(res.status), *res.message ? ": " : "", cli_esc(res.message),
			(double)res.wall_ms / 1000.0);
	if (json) {
		if ((rc = cairn_run_show(ctx, cairn_run_id(run), &show)))
			cli_fail(ctx, rc);
		else
			cairn_json_print(stdout, show, 1);
	}
out:
	json_decref(show);
	cairn_run_free(run);
	cairn_ctx_free(ctx);
	free(params);
	return status;
}
