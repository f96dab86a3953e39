/* cairn reproduce: run a run's command again from its commit, changes, data
 * and params, and say whether it produced the same artifacts. The work is
 * cairn_reproduce(). */
#include <stdio.h>
#include <string.h>
#include "cairn/error.h"
#include "cairn/log.h"
#include "cairn/registry.h"
#include "cairn/reproduce.h"
#include "cairn/train.h"
#include "cli/cli.h"
#include "cli/output.h"
#include "cli/runs.h"
#include "core/json.h"

static const char usage[] =
	"usage: cairn reproduce RUN [--keep] [-q] [--json]\n"
	"\n"
	"Runs RUN again as a new run and compares what the two made. A run of\n"
	"'cairn run' runs its command again: from its git commit (checked out in a\n"
	"temporary worktree) with its uncommitted changes applied, its input dataset\n"
	"versions (in $CAIRN_INPUTS_DIR/NAME@N/, and where RUN found them in the\n"
	"repository), every dataset its runs used pinned to that version\n"
	"(CAIRN_DATASET_PINS), and its --param params. A run of 'cairn train' (or a\n"
	"sweep trial) is trained again from its recipe: the same dataset versions,\n"
	"algorithm, params and seed. Then each artifact of RUN and of its child runs\n"
	"(but logs/, code/ and a model package's MLmodel and lineage.json) is\n"
	"compared with the new runs': identical, different or missing; and so is\n"
	"the latest value of each metric. The new run is tagged\n"
	"cairn.reproduced_from and linked to RUN in the lineage.\n"
	"\n"
	"Exit status: 0 identical; 1 different (or RUN's changes no longer apply to\n"
	"its commit); 7 nothing to compare (RUN and its child runs recorded no\n"
	"artifact and no metric); 8 failed (the new run did not finish).\n"
	"\n"
	"Options:\n"
	"  --keep      keep the temporary directory (worktree src/ and inputs/)\n"
	"  -q, --quiet do not say on stderr where the reproduction runs\n"
	"  --json      print the report as JSON on stdout (the command's output goes\n"
	"              to stderr)\n"
	"  -h, --help  this help\n";

static void started(const char *original, const char *run_id, const char *workdir, void *arg)
{
	if (*(int *)arg)
		;
	else if (workdir)
		fprintf(stderr, "cairn: reproducing run %s as run %s in %s\n", original, run_id,
			workdir);
	else
		fprintf(stderr, "cairn: reproduced run %s as run %s, trained again from its recipe\n",
			original, run_id);
	fflush(stderr);
}

static const char *str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "";
}

static void number(const json_t *v, char out[40])
{
	if (json_is_number(v))
		snprintf(out, 40, "%.10g", json_number_value(v));
	else
		snprintf(out, 40, "-");
}

/* "[child 1.2] " before what belongs to a child run, else "". */
static void child_prefix(const json_t *o, char out[48])
{
	const char *c = json_string_value(json_object_get(o, "child"));

	snprintf(out, 48, c ? "[child %s] " : "", c);
}

static json_int_t count(const json_t *r, const char *key)
{
	return json_integer_value(json_object_get(r, key));
}

static void print_report(const json_t *r)
{
	const json_t *recipe = json_object_get(r, "recipe");
	const char *outcome = str(r, "outcome");
	char prefix[48];
	json_t *a;
	size_t i;

	printf("Run %s reproduces %s: %s", str(r, "run"), str(r, "original"), str(r, "status"));
	if (*str(r, "message"))
		printf(" (%s)", cli_esc(str(r, "message")));
	printf("\n");
	if (recipe)
		printf("  recipe   %s, seed %s, cairn %s\n", str(recipe, "algorithm"),
		       str(recipe, "seed"), str(recipe, "cairn_version"));
	else
		printf("  code     %.12s%s\n", str(r, "commit"),
		       json_is_true(json_object_get(r, "diff_applied")) ?
		       " with the recorded changes" : "");
	json_array_foreach(json_object_get(r, "inputs"), i, a)
		printf("  input    %s\n", cli_esc(str(a, "dataset")));
	json_array_foreach(json_object_get(r, "pins"), i, a)
		printf("  pinned   %s\n", json_string_value(a));
	json_array_foreach(json_object_get(r, "children"), i, a)
		printf("  child %s  %s %s -> %s %s\n", str(a, "child"),
		       *str(a, "original") ? str(a, "original") : "(none)", str(a, "original_status"),
		       *str(a, "run") ? str(a, "run") : "(none)", str(a, "status"));
	if (json_array_size(json_object_get(r, "artifacts"))) {
		printf("artifacts\n");
		json_array_foreach(json_object_get(r, "artifacts"), i, a) {
			child_prefix(a, prefix);
			printf("  %-9s  %s%s\n", str(a, "result"), prefix, cli_esc(str(a, "path")));
		}
	}
	if (json_array_size(json_object_get(r, "metrics"))) {
		printf("metrics\n");
		json_array_foreach(json_object_get(r, "metrics"), i, a) {
			char was[40], now[40];
			cairn_buf key = CAIRN_BUF_INIT;
			child_prefix(a, prefix);
			cairn_buf_addf(&key, "%s%s", prefix, str(a, "key"));
			number(json_object_get(a, "original"), was);
			number(json_object_get(a, "value"), now);
			printf("  %-28s %s -> %s%s%s\n", cli_esc(key.buf), was, now,
			       strcmp(str(a, "result"), "identical") ? "  " : "",
			       strcmp(str(a, "result"), "identical") ? str(a, "result") : "");
			cairn_buf_release(&key);
		}
	}
	printf("%lld identical, %lld different, %lld missing, %lld new\n",
	       (long long)count(r, "identical"), (long long)count(r, "different"),
	       (long long)count(r, "missing"), (long long)count(r, "new"));
	if (json_array_size(json_object_get(r, "metrics")))
		printf("metrics: %lld identical, %lld different, %lld missing\n",
		       (long long)count(r, "metrics_identical"),
		       (long long)count(r, "metrics_different"),
		       (long long)count(r, "metrics_missing"));
	if (!strcmp(outcome, "identical"))
		printf("Reproduced: the run finished and every artifact and metric is identical.\n");
	else if (!strcmp(outcome, "failed"))
		printf("Not reproduced: the run did not finish.\n");
	else if (!strcmp(outcome, "nothing to compare"))
		printf("Nothing to compare: run %s and its child runs recorded no artifact (but"
		       " logs and code) and no metric.\n", str(r, "original"));
	else if (count(r, "different") || count(r, "missing"))
		printf("Not reproduced: some artifacts differ or are missing.\n");
	else if (count(r, "metrics_different") || count(r, "metrics_missing"))
		printf("Not reproduced: some metrics differ or are missing.\n");
	else
		printf("Not reproduced: the child runs differ.\n");
	if (*str(r, "workdir"))
		printf("Kept %s (remove its worktree with 'git worktree remove %s/src').\n",
		       str(r, "workdir"), str(r, "workdir"));
}

/* The exit status of an outcome (docs/commands/reproduce.md). */
static int outcome_status(const char *outcome)
{
	if (!strcmp(outcome, "identical"))
		return 0;
	if (!strcmp(outcome, "nothing to compare"))
		return 7;
	if (!strcmp(outcome, "failed"))
		return 8;
	return 1;
}

/* A training run that took a registered version (--init-model churn@3)
 * opens it again through the registry. */
static struct cairn_train_reproduce_options train_options = {
	cairn_registry_model_open, cairn_registry_model_node
};

int cmd_reproduce(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "keep", no_argument, NULL, 'k' },
		{ "json", no_argument, NULL, 'j' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct cairn_reproduce_options ro = { 0 };
	struct cairn_exec_options eo;
	sigset_t reset;
	int c, json = 0, rc, status = 0, quiet = cli_log_level() < CAIRN_LOG_WARN;
	json_t *report = NULL;
	cairn_ctx *ctx;

	while ((c = cli_getopt(argc, argv, "hq", opts)) != -1) {
		switch (c) {
		case 'k': ro.keep = 1; break;
		case 'q': quiet = 1; break;
		case 'j': json = 1; break;
		case 'h': return cli_help(usage);
		default: return cli_bad_option(usage);
		}
	}
	if (argc - optind != 1)
		return cli_usage_error(usage, "expected one RUN");
	if (!(ctx = cli_open_workspace(&status)))
		return status;
	cli_exec_options(ctx, &eo, &reset);
	/* With --json, stdout is the report's alone. */
	if (json)
		eo.stdout_fd = 2;
	ro.exec = &eo;
	ro.started = started;
	ro.arg = &quiet;
	ro.retrain = cairn_train_reproduce;
	ro.retrain_arg = &train_options;
	if ((rc = cairn_reproduce(ctx, argv[optind], &ro, &report))) {
		status = cli_fail(ctx, rc);
	} else {
		fflush(stdout);
		if (json)
			cairn_json_print(stdout, report, 1);
		else
			print_report(report);
		status = outcome_status(str(report, "outcome"));
	}
	json_decref(report);
	cairn_ctx_free(ctx);
	return status;
}
