/* cairn runs search: runs matching a filter in MLflow's grammar, in order. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cairn/buf.h"
#include "cairn/search.h"
#include "cli/cli.h"
#include "cli/output.h"
#include "cli/runs.h"
#include "core/json.h"

#define MAX_ORDERS 20

/* A column for an order on a key: its heading and where its values are. */
struct column {
	const char *part;
	char *key;
	cairn_buf heading;
	size_t width;
};

/* A string field, escaped for the terminal (cli_esc()): "" when absent. */
static const char *str(const json_t *o, const char *key)
{
	return cli_esc(json_string_value(json_object_get(o, key)));
}

/* runs_print_table's columns with one column per ordered key before the
 * experiment. */
static void print_with_columns(const json_t *runs, struct column *cols, size_t ncols)
{
	cairn_buf b = CAIRN_BUF_INIT;
	size_t i, k;
	json_t *r;

	for (k = 0; k < ncols; k++) {
		cols[k].width = cols[k].heading.len;
		json_array_foreach(runs, i, r) {
			cairn_buf_reset(&b);
			runs_format_value(json_object_get(json_object_get(r, cols[k].part), cols[k].key), &b);
			if (b.len > cols[k].width)
				cols[k].width = b.len;
		}
	}
	printf("%-26s  %-8s  %-16s  %8s", "RUN", "STATUS", "STARTED", "DURATION");
	for (k = 0; k < ncols; k++)
		printf("  %*s", (int)cols[k].width, cols[k].heading.buf);
	printf("  %-16s  %s\n", "EXPERIMENT", "NAME");
	json_array_foreach(runs, i, r) {
		char start[32];
		snprintf(start, sizeof(start), "%s", str(r, "start_time"));
		start[16] = '\0';
		start[10] = ' ';
		cairn_buf_reset(&b);
		runs_format_duration(json_object_get(r, "duration_ms"), &b);
		printf("%-26s  %-8s  %-16s  %8s", str(r, "id"), str(r, "status"), start, b.buf);
		for (k = 0; k < ncols; k++) {
			cairn_buf_reset(&b);
			runs_format_value(json_object_get(json_object_get(r, cols[k].part), cols[k].key), &b);
			printf("  %*s", (int)cols[k].width, b.buf);
		}
		printf("  %-16s  %s\n", str(r, "experiment"), str(r, "name"));
	}
	cairn_buf_release(&b);
}

int runs_search(int argc, char **argv)
{
	static const char usage[] =
		"usage: cairn runs search [FILTER] [--order-by ORDER]... [--max N] [--experiment NAME] [--json]\n"
		"\n"
		"Lists the runs that match FILTER, in MLflow's search grammar: clauses\n"
		"joined by AND, each an identifier, a comparator and a constant.\n"
		"\n"
		"  metrics.KEY  =, !=, <, <=, >, >= a number (the latest value)\n"
		"  params.KEY   =, !=, LIKE, ILIKE a quoted string; IN, NOT IN ('a', 'b')\n"
		"  tags.KEY     as params\n"
		"  attributes.NAME  run_id, run_name, status, user_id, experiment,\n"
		"               experiment_id, parent_id, host (as params); start_time,\n"
		"               end_time, duration (ms, as metrics)\n"
		"\n"
		"  cairn runs search \"metrics.acc > 0.9 and params.model = 'xgb'\"\n"
		"  cairn runs search \"tags.\\`data set\\` LIKE 'iris%'\" --order-by \"metrics.acc DESC\"\n"
		"\n"
		"An empty FILTER matches every run. Runs lacking an ordered key come last.\n"
		"The default order is newest first. See docs/commands/runs-search.md.\n"
		"\n"
		"Options:\n"
		"  --order-by ORDER   sort by ORDER (\"metrics.acc DESC\", \"params.lr\",\n"
		"                     \"attributes.start_time ASC\"); repeat to break ties\n"
		"  --max N            at most N runs\n"
		"  --experiment NAME  only the runs of this experiment\n"
		"  --json             print as JSON: run summaries with params, metrics\n"
		"                     and tags\n"
		"  -h, --help         this help\n";
	static const struct option opts[] = {
		{ "order-by", required_argument, NULL, 'o' },
		{ "max", required_argument, NULL, 'm' },
		{ "experiment", required_argument, NULL, 'e' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct cairn_runs_search_options so = { 0 };
	const char *orders[MAX_ORDERS];
	struct column cols[MAX_ORDERS];
	size_t norders = 0, ncols = 0;
	unsigned long long max;
	int c, json = 0, rc = 0, status = 0;
	json_t *runs = NULL;
	cairn_ctx *ctx;

	while ((c = cli_getopt(argc, argv, "h", opts)) != -1) {
		switch (c) {
		case 'o':
			if (norders == MAX_ORDERS)
				return cli_usage_error(usage, "at most %d --order-by options", MAX_ORDERS);
			orders[norders++] = optarg;
			break;
		case 'm':
			if ((rc = cli_parse_uint(usage, "--max", optarg, &max)))
				return rc;
			so.max = (size_t)max;
			break;
		case 'e': so.experiment = optarg; break;
		case 'j': json = 1; break;
		case 'h': return cli_help(usage);
		default: return cli_bad_option(usage);
		}
	}
	if (argc - optind > 1)
		return cli_usage_error(usage, "expected one FILTER, not %d arguments (quote the filter)",
				       argc - optind);
	so.filter = optind < argc ? argv[optind] : NULL;
	so.order_by = orders;
	so.n_order = norders;
	if (!(ctx = cli_open_workspace(&status)))
		return status;
	for (size_t i = 0; i < norders && !json; i++) {
		const char *part;
		char *key;
		if ((rc = cairn_runs_order_key(ctx, orders[i], &part, &key)))
			goto out;
		if (!part)
			continue;
		cols[ncols].part = part;
		cols[ncols].key = key;
		cairn_buf_init(&cols[ncols].heading);
		cairn_buf_addf(&cols[ncols].heading, "%s.%s", part, key);
		ncols++;
	}
	so.with_data = json || ncols;
	if ((rc = cairn_runs_search(ctx, &so, &runs)))
		goto out;
	if (json)
		cairn_json_print(stdout, runs, 1);
	else if (!json_array_size(runs))
		printf("No runs match.\n");
	else if (ncols)
		print_with_columns(runs, cols, ncols);
	else
		runs_print_table(runs);
out:
	if (rc)
		status = cli_fail(ctx, rc);
	for (size_t i = 0; i < ncols; i++) {
		free(cols[i].key);
		cairn_buf_release(&cols[i].heading);
	}
	json_decref(runs);
	cairn_ctx_free(ctx);
	return status;
}
