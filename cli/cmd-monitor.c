/* cairn monitor: the bias of a model's predictions across groups, its
 * performance over windows of served predictions joined with feedback,
 * and watch (the alert rules, cli/monitor-watch.c). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cairn/error.h"
#include "cairn/id.h"
#include "cairn/monitor.h"
#include "cairn/predictions.h"
#include "cairn/registry.h"
#include "cli/cli.h"
#include "cli/output.h"
#include "core/json.h"

static const char bias_usage[] =
	"usage: cairn monitor bias MODELREF --sensitive COL [--data REF|FILE | --since T]\n"
	"                          [--label COL] [--positive LABEL] [--json]\n"
	"\n"
	"The bias of the model's predictions across the groups of column COL, as\n"
	"Fairlearn defines it: per group the count, selection rate, true and false\n"
	"positive rates and accuracy; then the demographic parity difference and\n"
	"ratio, the equalized odds difference and the disparate impact with the\n"
	"four-fifths rule. Rows come from labelled data the model predicts (--data),\n"
	"or else from the prediction log joined with the feedback of each request.\n"
	"\n"
	"Options:\n"
	"  --sensitive COL   the column of the groups (an input of the logged requests)\n"
	"  --data REF|FILE   a dataset version or a CSV/JSONL file with the label\n"
	"  --since T         the log's records at or after T: a UTC time or a duration\n"
	"                    before now (90s, 15m, 1h, 2d, 1w)\n"
	"  --label COL       the label column of --data (default: the model's target)\n"
	"  --positive LABEL  the positive class (default: the second of a binary\n"
	"                    model; a multiclass model needs it: one against the rest)\n"
	"  --json            the report as JSON (docs/commands/monitor.md)\n"
	"  -h, --help        this help\n"
	"\n"
	"Exit status: 0 success, 2 usage (a model that is not a classifier, no\n"
	"positive class, no labels), 3 no workspace, 4 no such model, data or column.\n";

static const char performance_usage[] =
	"usage: cairn monitor performance MODELREF [--since T] [--window 1h|1000] [--json]\n"
	"\n"
	"The model's metrics on its served predictions joined with their feedback\n"
	"labels by request id, per window of prediction time (a label that arrives\n"
	"late counts in the window of its prediction), beside the metrics stored\n"
	"with the version. Classification: accuracy, f1, roc_auc when the\n"
	"probabilities were logged; regression: rmse, mae, r2. A window without\n"
	"labels is reported as such.\n"
	"\n"
	"Options:\n"
	"  --since T      the log's records at or after T: a UTC time or a duration\n"
	"                 before now (90s, 15m, 1h, 2d, 1w)\n"
	"  --window W     windows of a length (30s, 15m, 1h, 1d) aligned on the clock,\n"
	"                 or of a count of labelled predictions (1000); default: one\n"
	"  --json         the report as JSON (docs/commands/monitor.md)\n"
	"  -h, --help     this help\n"
	"\n"
	"Exit status: 0 success, 2 usage (a clustering model), 3 no workspace, 4 no\n"
	"such model.\n";

static int parse_since(cairn_ctx *ctx, const char *usage, const char *since, int64_t *out)
{
	if (since && cairn_predictions_parse_time(ctx, "--since", since, cairn_now_ms(), out))
		return cli_usage_error(usage, "%s", cairn_errmsg(ctx));
	return 0;
}

static void print_rate(const json_t *v)
{
	if (json_is_number(v))
		printf(" %9.4f", json_number_value(v));
	else
		printf(" %9s", "-");
}

static void print_bias(const json_t *r)
{
	const char *key;
	json_t *g;

	printf("bias of %s by %s (positive class %s, %lld rows from %s)\n",
	       cli_esc(json_string_value(json_object_get(r, "model"))),
	       cli_esc(json_string_value(json_object_get(r, "sensitive"))),
	       cli_esc(json_string_value(json_object_get(r, "positive"))),
	       (long long)json_integer_value(json_object_get(r, "rows")),
	       json_string_value(json_object_get(r, "source")));
	printf("%-20s %8s %9s %9s %9s %9s\n", "GROUP", "COUNT", "SELECTION", "TPR", "FPR",
	       "ACCURACY");
	json_object_foreach((json_t *)json_object_get(r, "groups"), key, g) {
		printf("%-20s %8lld", cli_esc(key),
		       (long long)json_integer_value(json_object_get(g, "count")));
		print_rate(json_object_get(g, "selection_rate"));
		print_rate(json_object_get(g, "tpr"));
		print_rate(json_object_get(g, "fpr"));
		print_rate(json_object_get(g, "accuracy"));
		printf("\n");
	}
	printf("%-32s", "demographic parity difference");
	print_rate(json_object_get(r, "demographic_parity_difference"));
	printf("\n%-32s", "demographic parity ratio");
	print_rate(json_object_get(r, "demographic_parity_ratio"));
	printf("\n%-32s", "equalized odds difference");
	print_rate(json_object_get(r, "equalized_odds_difference"));
	printf("\n%-32s", "disparate impact");
	print_rate(json_object_get(r, "disparate_impact"));
	printf("  four-fifths rule: %s\n",
	       json_string_value(json_object_get(r, "four_fifths")) ?: "undefined");
}

static int monitor_bias(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "sensitive", required_argument, NULL, 'S' },
		{ "data", required_argument, NULL, 'd' },
		{ "since", required_argument, NULL, 's' },
		{ "label", required_argument, NULL, 'l' },
		{ "positive", required_argument, NULL, 'p' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct cairn_monitor_bias_options o = { 0 };
	const char *data = NULL, *since = NULL;
	struct cairn_frame *f = NULL;
	int c, json = 0, rc, status = 0, is_dataset;
	cairn_model *m = NULL;
	json_t *out = NULL;
	cairn_ctx *ctx;

	while ((c = cli_getopt(argc, argv, "h", opts)) != -1) {
		switch (c) {
		case 'S': o.sensitive = optarg; break;
		case 'd': data = optarg; break;
		case 's': since = optarg; break;
		case 'l': o.label = optarg; break;
		case 'p': o.positive = optarg; break;
		case 'j': json = 1; break;
		case 'h': return cli_help(bias_usage);
		default: return cli_bad_option(bias_usage);
		}
	}
	if (argc - optind != 1 || !o.sensitive)
		return cli_usage_error(bias_usage, "bias needs MODELREF and --sensitive");
	if (data && since)
		return cli_usage_error(bias_usage, "--data and --since are exclusive");
	if (o.label && !data)
		return cli_usage_error(bias_usage, "--label goes with --data");
	o.model_ref = argv[optind];
	if (!(ctx = cli_open_workspace_for_model(o.model_ref, &status)))
		return status;
	if ((status = parse_since(ctx, bias_usage, since, &o.since_ms)))
		goto done;
	if ((rc = cairn_registry_model_open(ctx, o.model_ref, &m)) ||
	    (data && (rc = cli_load_data(ctx, data, &f, &is_dataset))))
		goto fail;
	o.data = f;
	if ((rc = cairn_monitor_bias(ctx, m, &o, &out)))
		goto fail;
	if (json)
		cairn_json_print(stdout, out, 1);
	else
		print_bias(out);
	goto done;
fail:
	status = cli_fail(ctx, rc);
done:
	json_decref(out);
	cairn_frame_free(f);
	cairn_model_free(m);
	cairn_ctx_free(ctx);
	return status;
}

/* --window: a count of labelled predictions, or a length with its unit. */
static int parse_window(const char *s, struct cairn_monitor_performance_options *o)
{
	static const struct { char unit; int64_t ms; } units[] = {
		{ 's', 1000 }, { 'm', 60000 }, { 'h', 3600000 }, { 'd', 86400000 }
	};
	unsigned long long n;
	char *end;

	if (!isdigit((unsigned char)*s))
		return -1;
	n = strtoull(s, &end, 10);
	if (!n || end - s > 9)
		return -1;
	if (!*end) {
		o->window_rows = n;
		return 0;
	}
	for (size_t i = 0; !end[1] && i < sizeof(units) / sizeof(units[0]); i++)
		if (units[i].unit == *end) {
			o->window_ms = (int64_t)n * units[i].ms;
			return 0;
		}
	return -1;
}

static void print_metrics(const json_t *m)
{
	const char *key;
	json_t *v;
	int first = 1;

	if (!json_is_object(m)) {
		printf("-");
		return;
	}
	json_object_foreach((json_t *)m, key, v)
		if (strcmp(key, "from")) {
			if (json_is_number(v))
				printf("%s%s=%.4f", first ? "" : " ", key, json_number_value(v));
			else
				printf("%s%s=-", first ? "" : " ", key);
			first = 0;
		}
}

static void print_performance(const json_t *r)
{
	const json_t *base = json_object_get(r, "baseline");
	size_t i;
	json_t *w;

	printf("performance of %s (%s): %lld predictions, %lld labelled\n",
	       cli_esc(json_string_value(json_object_get(r, "model"))),
	       json_string_value(json_object_get(r, "task")),
	       (long long)json_integer_value(json_object_get(r, "predictions")),
	       (long long)json_integer_value(json_object_get(r, "labelled")));
	if (json_is_object(base)) {
		printf("baseline (%s): ", json_string_value(json_object_get(base, "from")));
		print_metrics(base);
		printf("\n");
	}
	printf("%-24s  %-24s %11s %8s  %s\n", "START", "END", "PREDICTIONS", "LABELLED", "METRICS");
	json_array_foreach(json_object_get(r, "windows"), i, w) {
		printf("%-24s  %-24s %11lld %8lld  ",
		       json_string_value(json_object_get(w, "start")),
		       json_string_value(json_object_get(w, "end")),
		       (long long)json_integer_value(json_object_get(w, "predictions")),
		       (long long)json_integer_value(json_object_get(w, "labelled")));
		if (json_is_object(json_object_get(w, "metrics")))
			print_metrics(json_object_get(w, "metrics"));
		else
			printf("%s", json_string_value(json_object_get(w, "status")));
		printf("\n");
	}
}

static int monitor_performance(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "since", required_argument, NULL, 's' },
		{ "window", required_argument, NULL, 'w' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct cairn_monitor_performance_options o = { 0 };
	const char *since = NULL;
	int c, json = 0, rc, status = 0;
	cairn_model *m = NULL;
	json_t *out = NULL;
	cairn_ctx *ctx;

	while ((c = cli_getopt(argc, argv, "h", opts)) != -1) {
		switch (c) {
		case 's': since = optarg; break;
		case 'w':
			if (parse_window(optarg, &o))
				return cli_usage_error(performance_usage, "--window: '%s' is neither a"
						       " length such as 1h nor a count such as"
						       " 1000", optarg);
			break;
		case 'j': json = 1; break;
		case 'h': return cli_help(performance_usage);
		default: return cli_bad_option(performance_usage);
		}
	}
	if (argc - optind != 1)
		return cli_usage_error(performance_usage, "performance needs MODELREF");
	o.model_ref = argv[optind];
	if (!(ctx = cli_open_workspace_for_model(o.model_ref, &status)))
		return status;
	if ((status = parse_since(ctx, performance_usage, since, &o.since_ms)))
		goto done;
	if ((rc = cairn_registry_model_open(ctx, o.model_ref, &m)) ||
	    (rc = cairn_monitor_performance(ctx, m, &o, &out))) {
		status = cli_fail(ctx, rc);
		goto done;
	}
	if (json)
		cairn_json_print(stdout, out, 1);
	else
		print_performance(out);
done:
	json_decref(out);
	cairn_model_free(m);
	cairn_ctx_free(ctx);
	return status;
}

static const struct cli_command monitor_commands[] = {
	{ "bias", monitor_bias, "the bias of a model's predictions across the groups of a column" },
	{ "performance", monitor_performance, "a model's metrics per window of served predictions" },
	{ "watch", cli_monitor_watch, "evaluate the alert rules of cairn.yaml on a schedule" },
	{ NULL, NULL, NULL }
};

int cmd_monitor(int argc, char **argv)
{
	return cli_dispatch("monitor",
			    "Monitoring a model: the bias of its predictions across groups, its\n"
			    "performance on served predictions joined with their feedback labels,\n"
			    "and the alert rules of cairn.yaml evaluated on a schedule.\n",
			    monitor_commands, argc, argv);
}
