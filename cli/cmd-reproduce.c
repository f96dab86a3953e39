/* cairn reproduce: run a run's command again from its commit, changes, data
 * and params, and say whether it produced the same artifacts. The work is
 * cairn_reproduce(). */
#include <stdio.h>
#include <string.h>
#include "cairn/error.h"
#include "cairn/log.h"
#include "cairn/reproduce.h"
#include "cli/cli.h"
#include "cli/output.h"
#include "cli/runs.h"
#include "core/json.h"

static const char usage[] =
	"usage: cairn reproduce RUN [--keep] [-q] [--json]\n"
	"\n"
	"Runs RUN's command again as a new run: from its git commit (checked out in a\n"
	"temporary worktree) with its uncommitted changes applied, its input dataset\n"
	"versions (in $CAIRN_INPUTS_DIR/NAME@N/, and where RUN found them in the\n"
	"repository) and its --param params. Then compares each artifact of RUN\n"
	"(but logs/ and code/) with the new run's: identical, different or missing.\n"
	"The new run is tagged cairn.reproduced_from and linked to RUN in the lineage.\n"
	"\n"
	"Exits 0 when the new run finished and every artifact is identical, 1\n"
	"otherwise (also when RUN's changes no longer apply to its commit).\n"
	"\n"
	"Options:\n"
	"  --keep      keep the temporary directory (worktree src/ and inputs/)\n"
	"  -q, --quiet do not say on stderr where the reproduction runs\n"
	"  --json      print the report as JSON on stdout (after the command's output)\n"
	"  -h, --help  this help\n";

static void started(const char *original, const char *run_id, const char *workdir, void *arg)
{
	if (!*(int *)arg)
		fprintf(stderr, "cairn: reproducing run %s as run %s in %s\n", original, run_id,
			workdir);
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

static void print_report(const json_t *r)
{
	json_t *a;
	size_t i;

	printf("Run %s reproduces %s: %s", str(r, "run"), str(r, "original"), str(r, "status"));
	if (*str(r, "message"))
		printf(" (%s)", str(r, "message"));
	printf("\n");
	printf("  code     %.12s%s\n", str(r, "commit"),
	       json_is_true(json_object_get(r, "diff_applied")) ? " with the recorded changes" : "");
	json_array_foreach(json_object_get(r, "inputs"), i, a)
		printf("  input    %s\n", str(a, "dataset"));
	if (json_array_size(json_object_get(r, "artifacts"))) {
		printf("artifacts\n");
		json_array_foreach(json_object_get(r, "artifacts"), i, a)
			printf("  %-9s  %s\n", str(a, "result"), str(a, "path"));
	}
	if (json_array_size(json_object_get(r, "metrics"))) {
		printf("metrics\n");
		json_array_foreach(json_object_get(r, "metrics"), i, a) {
			char was[40], now[40];
			number(json_object_get(a, "original"), was);
			number(json_object_get(a, "value"), now);
			printf("  %-28s %s -> %s\n", str(a, "key"), was, now);
		}
	}
	printf("%lld identical, %lld different, %lld missing, %lld new\n",
	       (long long)json_integer_value(json_object_get(r, "identical")),
	       (long long)json_integer_value(json_object_get(r, "different")),
	       (long long)json_integer_value(json_object_get(r, "missing")),
	       (long long)json_integer_value(json_object_get(r, "new")));
	if (json_is_true(json_object_get(r, "reproduced")))
		printf("Reproduced: the run finished and every artifact is identical.\n");
	else
		printf("Not reproduced: %s.\n", strcmp(str(r, "status"), "FINISHED") ?
		       "the run did not finish" : "some artifacts differ or are missing");
	if (*str(r, "workdir"))
		printf("Kept %s (remove its worktree with 'git worktree remove %s/src').\n",
		       str(r, "workdir"), str(r, "workdir"));
}

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
	ro.exec = &eo;
	ro.started = started;
	ro.arg = &quiet;
	if ((rc = cairn_reproduce(ctx, argv[optind], &ro, &report))) {
		status = cli_fail(ctx, rc);
	} else {
		fflush(stdout);
		if (json)
			cairn_json_print(stdout, report, 1);
		else
			print_report(report);
		status = json_is_true(json_object_get(report, "reproduced")) ? 0 : 1;
	}
	json_decref(report);
	cairn_ctx_free(ctx);
	return status;
}
