/* cairn sweep: train an algorithm over a grid of params as child runs of
 * one parent run, and name the best. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cairn/buf.h"
#include "cairn/error.h"
#include "cairn/log.h"
#include "cairn/sweep.h"
#include "cli/cli.h"
#include "cli/output.h"
#include "cli/signals.h"
#include "core/json.h"

extern char **environ;

static const char usage[] =
	"usage: cairn sweep --data REF [--target COL] --algo ALGO --grid KEY=V1,V2,...\n"
	"                   [--grid ...] [--param KEY=VALUE]... [--random N] [--seed N]\n"
	"                   [--metric NAME] [--minimize] [--test REF | --test-split F]\n"
	"                   [--cv K] [-j N] [--threads N] [--name NAME]\n"
	"                   [--experiment NAME] [--features COL,...] [--drop COL,...]\n"
	"                   [--json]\n"
	"\n"
	"Trains ALGO once per combination of the --grid values (their cartesian\n"
	"product, or --random N of them), each trial a 'cairn train' run that is a\n"
	"child of one sweep run, up to -j trials at once. At the end it lists the\n"
	"trials best first and tags the sweep run with the best one: best_run,\n"
	"best_METRIC and best_params (JSON). A failed trial is reported and does\n"
	"not stop the others.\n"
	"\n"
	"The objective is METRIC on the test rows (--test or --test-split), else\n"
	"its cross-validation mean (--cv), else on the training rows: by default\n"
	"accuracy for classification, r2 for regression, silhouette for\n"
	"clustering. rmse, mae, log_loss, mape and inertia are minimized, other\n"
	"metrics maximized.\n"
	"\n"
	"Options:\n"
	"  --data REF            the training data (a dataset reference)\n"
	"  --target COL          the column to predict (none for clustering)\n"
	"  --algo ALGO           the algorithm (see 'cairn train --help')\n"
	"  --grid KEY=V1,V2,...  the values of one param to try (repeatable)\n"
	"  --param KEY=VALUE     a param that every trial gets (repeatable)\n"
	"  --features C1,C2,...  only these columns are features (see 'cairn train')\n"
	"  --drop C1,C2,...      these columns are not features\n"
	"  --random N            try N combinations sampled from the grid\n"
	"  --seed N              the seed of the sample and of every trial (0)\n"
	"  --metric NAME         the metric to optimize (accuracy, f1, roc_auc, r2,\n"
	"                        rmse, ..., or a full key such as cv_accuracy_mean)\n"
	"  --minimize            minimize the metric, whatever its name\n"
	"  --test REF            evaluate each trial on this dataset version\n"
	"  --test-split F        hold out this fraction of REF to evaluate on\n"
	"  --cv K                also K-fold cross-validate each trial\n"
	"  -j, --jobs N          trials at once (1)\n"
	"  --threads N           threads of each trial's algorithm (default 0: one\n"
	"                        when the data has under 100,000 cells (rows x\n"
	"                        columns), else the usable cores divided by the\n"
	"                        trials at once, at least one)\n"
	"  --name NAME           the sweep run's name (trials are NAME-1, NAME-2, ...)\n"
	"  --experiment NAME     the experiment of the sweep and its trials\n"
	"  --json                print {parent, metric, direction, best, trials}\n"
	"  -h, --help            this help\n"
	"\n"
	"Ctrl-C stops the running trials and ends them and the sweep KILLED.\n"
	"\n"
	"Exit status: 0 the sweep finished (some trials may have failed); 1 every\n"
	"trial failed, or none has the metric; 2 usage (a bad --grid, an unknown\n"
	"algorithm or param); 3 no workspace; 4 no such dataset; 130 interrupted.\n";

static void print_table(const struct cairn_sweep_result *res)
{
	const char *metric = res->metric ? res->metric : "metric";
	int width = (int)strlen(metric) < 10 ? 10 : (int)strlen(metric);
	size_t i;
	json_t *t;

	printf("%4s  %-8s  %-*s  %-26s  %s\n", "#", "status", width, metric, "run", "params");
	json_array_foreach(res->trials, i, t) {
		const json_t *v = json_object_get(t, "value"), *run = json_object_get(t, "run_id");
		const char *key;
		json_t *p;
		char num[32];
		int first = 1;

		if (json_is_number(v))
			snprintf(num, sizeof(num), "%.6g", json_number_value(v));
		else
			snprintf(num, sizeof(num), "-");
		printf("%4lld  %-8s  %-*s  %-26s  ", (long long)json_integer_value(json_object_get(t, "trial")),
		       json_string_value(json_object_get(t, "status")), width, num,
		       json_is_string(run) ? json_string_value(run) : "-");
		json_object_foreach(json_object_get(t, "params"), key, p) {
			printf("%s%s=%s", first ? "" : " ", cli_esc(key), cli_esc(json_string_value(p)));
			first = 0;
		}
		printf("\n");
	}
}

static void print_human(const struct cairn_sweep_result *res)
{
	printf("Sweep run %s: %zu trial%s, metric %s (%s)\n", res->parent, json_array_size(res->trials),
	       json_array_size(res->trials) == 1 ? "" : "s", res->metric ? res->metric : "-",
	       res->minimize ? "minimize" : "maximize");
	print_table(res);
	if (res->best)
		printf("Best: trial %lld, run %s, %s %.6g (tagged on run %s)\n",
		       (long long)json_integer_value(json_object_get(res->best, "trial")),
		       json_string_value(json_object_get(res->best, "run_id")), res->metric,
		       json_number_value(json_object_get(res->best, "value")), res->parent);
}

static void print_json(const struct cairn_sweep_result *res)
{
	json_t *v = json_pack("{s:s, s:s, s:o, s:s, s:O*, s:O}", "parent", res->parent,
			      "status", cairn_run_status_name(res->status),
			      "metric", res->metric ? json_string(res->metric) : json_null(),
			      "direction", res->minimize ? "minimize" : "maximize",
			      "best", res->best, "trials", res->trials);

	cairn_json_print(stdout, v, 1);
	json_decref(v);
}

struct trial_lines {
	int finished;    /* a line per finished trial too */
};

static void params_text(const json_t *params, cairn_buf *b)
{
	const char *key;
	json_t *v;

	json_object_foreach((json_t *)params, key, v)
		cairn_buf_addf(b, "%s%s=%s", b->len ? " " : "", key, json_string_value(v));
}

/* A line on stderr per ended trial: why it failed (and what it logged), or
 * its value. */
static void on_trial(void *arg, const json_t *trial)
{
	const struct trial_lines *tl = arg;
	const char *status = json_string_value(json_object_get(trial, "status"));
	const json_t *run = json_object_get(trial, "run_id"), *v = json_object_get(trial, "value");
	const json_t *metric = json_object_get(trial, "metric"), *line;
	long long n = (long long)json_integer_value(json_object_get(trial, "trial"));
	long long of = (long long)json_integer_value(json_object_get(trial, "trials"));
	cairn_buf what = CAIRN_BUF_INIT;
	size_t i;

	params_text(json_object_get(trial, "params"), &what);
	if (!strcmp(status, "FAILED")) {
		fprintf(stderr, "trial %lld (%s) FAILED: %s%s%s%s\n", n, cli_esc(what.buf),
			cli_esc_text(json_string_value(json_object_get(trial, "message"))),
			json_is_string(run) ? " (run " : "",
			json_is_string(run) ? json_string_value(run) : "", json_is_string(run) ? ")" : "");
		/* Its other words (warnings, ...), each line marked with the trial. */
		json_array_foreach(json_object_get(trial, "log"), i, line)
			fprintf(stderr, "trial %lld: cairn: %s: %s\n", n,
				json_string_value(json_array_get(line, 0)),
				cli_esc_text(json_string_value(json_array_get(line, 1))));
	} else if (tl->finished && !strcmp(status, "FINISHED")) {
		if (json_is_number(v))
			fprintf(stderr, "trial %lld/%lld (%s): %s %.6g\n", n, of, what.buf,
				json_string_value(metric), json_number_value(v));
		else
			fprintf(stderr, "trial %lld/%lld (%s): finished, no metric %s\n", n, of,
				what.buf, json_is_string(metric) ? json_string_value(metric) : "");
	}
	cairn_buf_release(&what);
}

static int add_kv(json_t *params, char *arg)
{
	char *eq = strchr(arg, '=');

	if (!eq || eq == arg)
		return cli_usage_error(usage, "--param '%s' is not KEY=VALUE", arg);
	*eq = '\0';
	json_object_set_new(params, arg, json_string(eq + 1));
	*eq = '=';
	return 0;
}

int cmd_sweep(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "data", required_argument, NULL, 'd' },
		{ "target", required_argument, NULL, 't' },
		{ "algo", required_argument, NULL, 'a' },
		{ "grid", required_argument, NULL, 'g' },
		{ "param", required_argument, NULL, 'p' },
		{ "random", required_argument, NULL, 'r' },
		{ "seed", required_argument, NULL, 's' },
		{ "metric", required_argument, NULL, 'm' },
		{ "minimize", no_argument, NULL, 'M' },
		{ "test", required_argument, NULL, 'T' },
		{ "test-split", required_argument, NULL, 'S' },
		{ "cv", required_argument, NULL, 'c' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "threads", required_argument, NULL, 'x' },
		{ "name", required_argument, NULL, 'n' },
		{ "experiment", required_argument, NULL, 'e' },
		{ "features", required_argument, NULL, 'f' },
		{ "drop", required_argument, NULL, 'D' },
		{ "json", no_argument, NULL, 'J' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	char *features_text = NULL, **features = NULL, *drop_text = NULL, **drop = NULL;
	struct cairn_sweep_options o = { 0 };
	struct cairn_sweep_result res = { 0 };
	struct trial_lines lines = { 0 };
	json_t *params = json_object();
	const char **specs = NULL;
	unsigned long long u;
	int c, json = 0, rc, status = 0;
	cairn_ctx *ctx = NULL;

	while ((c = cli_getopt(argc, argv, "hj:", opts)) != -1) {
		switch (c) {
		case 'd': o.data = optarg; break;
		case 't': o.target = optarg; break;
		case 'a': o.algo = optarg; break;
		case 'g':
			specs = realloc(specs, (o.ngrid + 1) * sizeof(*specs));
			if (!specs)
				abort();
			specs[o.ngrid++] = optarg;
			break;
		case 'p':
			if ((status = add_kv(params, optarg)))
				goto out;
			break;
		case 'r':
			if ((status = cli_parse_uint(usage, "--random", optarg, &u)))
				goto out;
			if (!u) {
				status = cli_usage_error(usage, "--random takes at least 1 trial");
				goto out;
			}
			o.random = (size_t)u;
			break;
		case 's':
			if ((status = cli_parse_uint(usage, "--seed", optarg, &u)))
				goto out;
			o.seed = u;
			break;
		case 'm': o.metric = optarg; break;
		case 'M': o.minimize = 1; break;
		case 'T': o.test = optarg; break;
		case 'S':
			if ((status = cli_parse_fraction(usage, "--test-split", optarg, 0, &o.test_split)))
				goto out;
			break;
		case 'c':
			if ((status = cli_parse_uint_range(usage, "--cv", optarg, 2, 100, &u)))
				goto out;
			o.cv = (int)u;
			break;
		case 'j':
			if ((status = cli_parse_uint_range(usage, "--jobs", optarg, 1, 256, &u)))
				goto out;
			o.jobs = (int)u;
			break;
		case 'x':
			if ((status = cli_parse_uint(usage, "--threads", optarg, &u)))
				goto out;
			if (u > 1024) {
				status = cli_usage_error(usage, "--threads takes 0 to 1024");
				goto out;
			}
			o.threads = (int)u;
			break;
		case 'n': o.name = optarg; break;
		case 'e': o.experiment = optarg; break;
		case 'f':
			if ((status = cli_parse_list(usage, "--features", "column name", optarg,
						     &features_text, &features, &o.nfeatures)))
				goto out;
			break;
		case 'D':
			if ((status = cli_parse_list(usage, "--drop", "column name", optarg,
						     &drop_text, &drop, &o.ndrop)))
				goto out;
			break;
		case 'J': json = 1; break;
		case 'h': status = cli_help(usage); goto out;
		default: status = cli_bad_option(usage); goto out;
		}
	}
	if (optind != argc) {
		status = cli_usage_error(usage, "sweep takes no arguments ('%s')", argv[optind]);
		goto out;
	}
	o.grid = specs;
	o.params = params;
	o.features = (const char *const *)features;
	o.drop = (const char *const *)drop;
	/* Inside `cairn run` or a pipeline stage: a child of that run. */
	o.parent = getenv("CAIRN_RUN_ID");
	/* The code version of the directory it runs in, found by git with
	 * this process's environment. */
	o.code_dir = ".";
	o.env = environ;
	lines.finished = !json && cli_log_level() >= CAIRN_LOG_WARN;
	o.on_trial = on_trial;
	o.arg = &lines;
	/* A bad grid or algorithm is a usage error, found before the workspace
	 * is opened. */
	ctx = cli_new_context();
	if (cairn_sweep_check(ctx, &o)) {
		status = cli_usage_error(usage, "%s", cairn_errmsg(ctx));
		goto out;
	}
	cairn_ctx_free(ctx);
	ctx = NULL;
	if (json)
		cli_progress_set_enabled(0);
	if (!(ctx = cli_open_workspace(&status)))
		goto out;
	cli_cancel_on_signals(ctx);
	rc = cairn_sweep(ctx, &o, &res);
	if (rc) {
		if (*res.parent)
			fprintf(stderr, "cairn: run %s FAILED\n", res.parent);
		status = cli_fail(ctx, rc);
		goto out;
	}
	if (json)
		print_json(&res);
	else
		print_human(&res);
	if (res.status == CAIRN_RUN_FAILED) {
		fprintf(stderr, "cairn: error: %s\ncairn: run %s FAILED\n", cli_esc_text(res.message), res.parent);
		status = 1;
	} else if (res.status == CAIRN_RUN_KILLED) {
		fprintf(stderr, "cairn: error: %s\ncairn: run %s KILLED\n", cli_esc_text(res.message), res.parent);
		status = cairn_exit_status(CAIRN_EINTERRUPTED);
	}
out:
	cairn_sweep_result_release(&res);
	cairn_ctx_free(ctx);
	json_decref(params);
	free(specs);
	free(features);
	free(features_text);
	free(drop);
	free(drop_text);
	return status;
}
