/* cairn monitor watch: evaluates the alert rules of cairn.yaml now and then
 * every --interval until SIGTERM or SIGINT (or once), printing one line per
 * pass to a terminal. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "cairn/alerts.h"
#include "cairn/error.h"
#include "cairn/workspace.h"
#include "cli/cli.h"
#include "cli/output.h"
#include "cli/signals.h"
#include "core/fs.h"
#include "core/json.h"

static const char usage[] =
	"usage: cairn monitor watch [--interval D] [--once] [--config FILE] [--json]\n"
	"\n"
	"Evaluates the alert rules under alerts: in cairn.yaml (see 'cairn alerts'\n"
	"and docs/commands/alerts.md): reads each rule's signal, keeps a rule\n"
	"pending until its condition has held for its 'for', records the alerts\n"
	"that fire and runs their actions. Runs until SIGTERM or SIGINT, one pass\n"
	"every --interval; the rules file is read again at each pass. A failing\n"
	"action or a server that does not answer is logged and the watch goes on.\n"
	"\n"
	"Options:\n"
	"  --interval D    time between passes (default 60s; 250ms, 30s, 5m, 1h)\n"
	"  --once          one pass, then exit\n"
	"  --config FILE   the project file (default: cairn.yaml at the workspace\n"
	"                  root)\n"
	"  --json          each pass's report as one JSON line: {time, rules: [{rule,\n"
	"                  signal, value, state, alert?, error?}]}\n"
	"  -h, --help      this help\n"
	"\n"
	"Exit status: 0 success (or stopped by SIGTERM or SIGINT), 1 a metadata\n"
	"store error, 2 usage, 3 no workspace, 4 no project file, 5 a malformed\n"
	"alerts: section.\n";

/* One line per pass: the time, then each rule as NAME=VALUE(state). */
static void print_pass(const json_t *report)
{
	const json_t *r;
	size_t i;

	printf("%s", json_string_value(json_object_get(report, "time")));
	json_array_foreach(json_object_get(report, "rules"), i, r) {
		const json_t *v = json_object_get(r, "value");
		const json_t *alert = json_object_get(r, "alert");

		printf("  %s=", cli_esc(json_string_value(json_object_get(r, "rule"))));
		if (json_is_number(v))
			printf("%g", json_number_value(v));
		else
			printf("-");
		printf(" (%s%s%s)", json_string_value(json_object_get(r, "state")),
		       alert ? " " : "",
		       alert ? json_string_value(json_object_get(alert, "id")) : "");
	}
	if (!json_array_size(json_object_get(report, "rules")))
		printf("  no alert rules");
	printf("\n");
	fflush(stdout);
}

/* Sleeps ms unless a stop signal comes first. */
static void wait_interval(cairn_ctx *ctx, int64_t ms)
{
	while (ms > 0 && !cairn_ctx_cancelled(ctx)) {
		int64_t step = ms < 100 ? ms : 100;
		struct timespec ts = { (time_t)(step / 1000), (long)(step % 1000) * 1000000L };
		nanosleep(&ts, NULL);
		ms -= step;
	}
}

int cli_monitor_watch(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "interval", required_argument, NULL, 'i' },
		{ "once", no_argument, NULL, 'o' },
		{ "config", required_argument, NULL, 'c' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *interval_text = "60s", *config = NULL;
	int c, json = 0, once = 0, rc, status = 0, tty = isatty(STDOUT_FILENO);
	cairn_buf path = CAIRN_BUF_INIT;
	int64_t interval;
	size_t nrules;
	cairn_ctx *ctx;

	while ((c = cli_getopt(argc, argv, "h", opts)) != -1) {
		switch (c) {
		case 'i': interval_text = optarg; break;
		case 'o': once = 1; break;
		case 'c': config = optarg; break;
		case 'j': json = 1; break;
		case 'h': return cli_help(usage);
		default: return cli_bad_option(usage);
		}
	}
	if (optind != argc)
		return cli_usage_error(usage, "unexpected argument '%s'", argv[optind]);
	if (!(ctx = cli_open_workspace(&status)))
		return status;
	if ((rc = cairn_alerts_parse_duration(ctx, "--interval", interval_text, &interval)) ||
	    (!interval && (rc = cairn_error(ctx, CAIRN_EINVAL, "--interval must be longer than 0")))) {
		status = cli_usage_error(usage, "%s", cairn_errmsg(ctx));
		goto out;
	}
	if (!config) {
		cairn_path_join(&path, cairn_workspace_root(ctx), "cairn.yaml");
		config = path.buf;
	}
	/* A malformed rules file stops the watch before its first pass. */
	if ((rc = cairn_alerts_check(ctx, config, &nrules))) {
		status = cli_fail(ctx, rc);
		goto out;
	}
	cli_cancel_on_signals(ctx);
	for (;;) {
		json_t *report = NULL;

		rc = cairn_alerts_evaluate(ctx, config, 0, &report);
		if (rc == CAIRN_EINTERRUPTED)
			break;
		if (rc && once) {
			status = cli_fail(ctx, rc);
			break;
		}
		if (rc)
			cli_log(CAIRN_LOG_ERROR, "alert pass failed: %s", cairn_errmsg(ctx));
		else if (json)
			cairn_json_print(stdout, report, 0);
		else if (tty)
			print_pass(report);
		fflush(stdout);
		json_decref(report);
		if (once)
			break;
		wait_interval(ctx, interval);
		if (cairn_ctx_cancelled(ctx))
			break;
	}
out:
	cairn_buf_release(&path);
	cairn_ctx_free(ctx);
	return status;
}
