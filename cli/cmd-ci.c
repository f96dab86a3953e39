/* cairn ci: one command for a CI job; the data checks, training,
 * registration and promotion that cairn.yaml declares for a model
 * (cairn_ci), with a JSON or Markdown summary. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "cairn/ci.h"
#include "cairn/error.h"
#include "cairn/workspace.h"
#include "cli/cli.h"
#include "cli/models-check.h"
#include "cli/output.h"
#include "cli/signals.h"
#include "core/fs.h"
#include "core/json.h"

static const char usage[] =
	"usage: cairn ci [--config FILE] [--to ALIAS] [--model NAME] [--message TEXT]\n"
	"                [--json] [--summary FILE]\n"
	"\n"
	"Runs what the project file declares for a model under models: NAME: ci:,\n"
	"in order: checks each declared dataset (a file added as a new version,\n"
	"or a dataset reference) against its expectation suite and records the\n"
	"outcome; trains as declared (a tracked run); registers the run's package\n"
	"as the next version of NAME; promotes it to ALIAS through the model's\n"
	"gates (see 'cairn models promote'), whose metrics are evaluated on the\n"
	"holdout. A failed data check stops before training; a failed gate leaves\n"
	"the version registered and the alias where it was.\n"
	"\n"
	"Options:\n"
	"  --config FILE    the project file (default: cairn.yaml at the workspace\n"
	"                   root)\n"
	"  --to ALIAS       the alias to promote to (default: ci: to:, else staging)\n"
	"  --model NAME     the model (default: the only one the file declares)\n"
	"  --message TEXT   recorded in the audit events (default: cairn ci)\n"
	"  --json           print the summary as JSON on stdout\n"
	"  --summary FILE   append the summary as Markdown to FILE (for a CI job\n"
	"                   page: --summary \"$GITHUB_STEP_SUMMARY\")\n"
	"  -h, --help       this help\n"
	"\n"
	"Exit status: 0 promoted; 1 a data check or a gate failed (a version\n"
	"registered by then stays, unpromoted), the alias moved meanwhile, or the\n"
	"summary file cannot be written; 2 usage, a model without ci:, a bad\n"
	"option of the training, or a gate that cannot apply; 3 no workspace; 4 no\n"
	"such project file, model, dataset, file or suite; 5 a malformed project\n"
	"file, suite or data; 130 interrupted.\n";

static void print_summary(const json_t *s)
{
	const json_t *c, *report = json_object_get(s, "report");
	const char *outcome = json_string_value(json_object_get(s, "outcome"));
	size_t i;

	json_array_foreach(json_object_get(s, "checks"), i, c)
		printf("Checked %s%s against %s: %lld expectations, %lld failed\n",
		       cli_esc(json_string_value(json_object_get(c, "dataset"))),
		       json_is_true(json_object_get(c, "added")) ? " (added)" : "",
		       cli_esc(json_string_value(json_object_get(c, "suite"))),
		       (long long)json_integer_value(json_object_get(c, "expectations")),
		       (long long)json_integer_value(json_object_get(c, "failed")));
	if (json_is_string(json_object_get(s, "run_id")))
		printf("Trained run %s\n", json_string_value(json_object_get(s, "run_id")));
	if (json_is_integer(json_object_get(s, "version")))
		printf("Registered %s@%lld\n", cli_esc(json_string_value(json_object_get(s, "model"))),
		       (long long)json_integer_value(json_object_get(s, "version")));
	if (json_is_object(report))
		cli_gates_print(report);
	if (!strcmp(outcome, "promoted"))
		printf("Promoted %s@%lld to %s\n", cli_esc(json_string_value(json_object_get(s, "model"))),
		       (long long)json_integer_value(json_object_get(s, "version")),
		       cli_esc(json_string_value(json_object_get(s, "alias"))));
	else if (!strcmp(outcome, "check-failed"))
		printf("Refused: a data check failed; nothing was trained\n");
	else if (!strcmp(outcome, "gate-failed"))
		printf("Refused: a gate failed; the version stays registered, %s is unchanged\n",
		       cli_esc(json_string_value(json_object_get(s, "alias"))));
}

int cmd_ci(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "to", required_argument, NULL, 't' },
		{ "model", required_argument, NULL, 'm' },
		{ "message", required_argument, NULL, 'M' },
		{ "json", no_argument, NULL, 'j' },
		{ "summary", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct cairn_ci_options o = { 0 };
	struct cairn_ci_result res = { 0 };
	const char *summary_path = NULL;
	cairn_buf path = CAIRN_BUF_INIT, md = CAIRN_BUF_INIT;
	FILE *summary = NULL;
	int c, json = 0, rc, status = 0;
	cairn_ctx *ctx;

	while ((c = cli_getopt(argc, argv, "h", opts)) != -1) {
		switch (c) {
		case 'c': o.config = optarg; break;
		case 't': o.alias = optarg; break;
		case 'm': o.model = optarg; break;
		case 'M': o.message = optarg; break;
		case 'j': json = 1; break;
		case 's': summary_path = optarg; break;
		case 'h': return cli_help(usage);
		default: return cli_bad_option(usage);
		}
	}
	if (optind != argc)
		return cli_usage_error(usage, "ci takes no arguments ('%s')", argv[optind]);
	if (json)
		cli_progress_set_enabled(0);
	if (!(ctx = cli_open_workspace(&status)))
		return status;
	cli_cancel_on_signals(ctx);
	if (!o.config) {
		cairn_path_join(&path, cairn_workspace_root(ctx), "cairn.yaml");
		o.config = path.buf;
	}
	/* Opened first, so that a summary that cannot be written stops the
	 * job before it trains anything. */
	if (summary_path && !(summary = fopen(summary_path, "a"))) {
		fprintf(stderr, "cairn: error: cannot append the summary to '%s': %s\n",
			cli_esc(summary_path), strerror(errno));
		status = 1;
		goto out;
	}
	rc = cairn_ci(ctx, &o, &res);
	if (res.summary) {
		if (json)
			cairn_json_print(stdout, res.summary, 1);
		else
			print_summary(res.summary);
		if (summary) {
			cairn_ci_markdown(res.summary, &md);
			if (fwrite(md.buf, 1, md.len, summary) != md.len || fflush(summary)) {
				fprintf(stderr, "cairn: error: cannot append the summary to '%s': %s\n",
					cli_esc(summary_path), strerror(errno));
				status = 1;
			}
		}
	} else if (summary && rc) {
		/* The job page says why even when no step began. */
		fprintf(summary, "## cairn ci: error\n\n- error: %s\n", cli_esc(cairn_errmsg(ctx)));
	}
	if (rc)
		status = cli_fail(ctx, rc);
	else if (!status)
		status = res.promoted ? 0 : 1;
out:
	if (summary && fclose(summary) && !status)
		status = 1;
	json_decref(res.summary);
	cairn_buf_release(&path);
	cairn_buf_release(&md);
	cairn_ctx_free(ctx);
	return status;
}
