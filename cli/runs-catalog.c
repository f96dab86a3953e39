/* cairn runs list|show|artifacts|get-artifact|tag|note|experiments. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cairn/error.h"
#include "cairn/run.h"
#include "cli/cli.h"
#include "cli/output.h"
#include "cli/runs.h"
#include "cli/signals.h"
#include "core/json.h"

/* A string field, escaped for the terminal (cli_esc()): "" when absent. */
static const char *str(const json_t *o, const char *key)
{
	return cli_esc(json_string_value(json_object_get(o, key)));
}

void runs_print_table(const json_t *runs)
{
	size_t i;
	json_t *r;

	printf("%-26s  %-8s  %-16s  %8s  %-16s  %s\n", "RUN", "STATUS", "STARTED", "DURATION",
	       "EXPERIMENT", "NAME");
	json_array_foreach(runs, i, r) {
		cairn_buf dur = CAIRN_BUF_INIT;
		char start[32];
		snprintf(start, sizeof(start), "%s", str(r, "start_time"));
		start[16] = '\0';
		start[10] = ' ';
		runs_format_duration(json_object_get(r, "duration_ms"), &dur);
		printf("%-26s  %-8s  %-16s  %8s  %-16s  %s\n", str(r, "id"), str(r, "status"), start,
		       dur.buf, str(r, "experiment"), str(r, "name"));
		cairn_buf_release(&dur);
	}
}

int runs_list(int argc, char **argv)
{
	static const char usage[] =
		"usage: cairn runs list [--experiment NAME] [--status STATUS] [--max N] [--json]\n"
		"\n"
		"Lists runs, newest first. A RUNNING run whose process has died is shown\n"
		"(and recorded) as FAILED.\n"
		"\n"
		"Options:\n"
		"  --experiment NAME  only the runs of this experiment\n"
		"  --status STATUS    only RUNNING, FINISHED, FAILED or KILLED runs\n"
		"  --max N            at most N runs\n"
		"  --json             print as JSON (an array of run summaries)\n"
		"  -h, --help         this help\n";
	static const struct option opts[] = {
		{ "experiment", required_argument, NULL, 'e' },
		{ "status", required_argument, NULL, 's' },
		{ "max", required_argument, NULL, 'm' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct cairn_run_list_options lo = { 0 };
	unsigned long long max;
	int c, json = 0, rc, status = 0, st;
	json_t *runs;
	cairn_ctx *ctx;

	while ((c = cli_getopt(argc, argv, "h", opts)) != -1) {
		switch (c) {
		case 'e': lo.experiment = optarg; break;
		case 's':
			if ((st = cairn_run_status_parse(optarg)) < 0)
				return cli_usage_error(usage, "unknown status '%s' (RUNNING, FINISHED,"
						       " FAILED or KILLED)", optarg);
			lo.status = cairn_run_status_name(st);
			break;
		case 'm':
			if ((rc = cli_parse_uint(usage, "--max", optarg, &max)))
				return rc;
			lo.max = (size_t)max;
			break;
		case 'j': json = 1; break;
		case 'h': return cli_help(usage);
		default: return cli_bad_option(usage);
		}
	}
	if (optind != argc)
		return cli_usage_error(usage, "list takes no arguments");
	if (!(ctx = cli_open_workspace(&status)))
		return status;
	if ((rc = cairn_run_list(ctx, &lo, &runs)))
		status = cli_fail(ctx, rc);
	else if (json)
		cairn_json_print(stdout, runs, 1);
	else if (!json_array_size(runs))
		printf("No runs yet: start one with 'cairn run -- COMMAND'.\n");
	else
		runs_print_table(runs);
	json_decref(runs);
	cairn_ctx_free(ctx);
	return status;
}

static void print_map(const char *title, const json_t *map)
{
	const char *key;
	json_t *v;

	if (!json_object_size(map))
		return;
	printf("%s\n", title);
	json_object_foreach((json_t *)map, key, v) {
		if (json_is_string(v))
			printf("  %-28s %s\n", cli_esc(key), cli_esc(json_string_value(v)));
		else if (json_is_number(v)) {
			char num[40];
			snprintf(num, sizeof(num), "%.10g", json_number_value(v));
			printf("  %-28s %s\n", cli_esc(key), num);
		} else {
			cairn_buf b = CAIRN_BUF_INIT;
			cairn_json_append(&b, v, 0);
			printf("  %-28s %s\n", cli_esc(key), b.buf);
			cairn_buf_release(&b);
		}
	}
}

static void print_run(const json_t *r)
{
	json_t *info = json_object_get(r, "info"), *v, *x;
	cairn_buf dur = CAIRN_BUF_INIT;
	size_t i;

	runs_format_duration(json_object_get(r, "duration_ms"), &dur);
	printf("run %s\n", str(r, "id"));
	printf("  name         %s\n", str(r, "name"));
	printf("  experiment   %s\n", str(r, "experiment"));
	printf("  status       %s%s%s\n", str(r, "status"), *str(r, "message") ? ": " : "",
	       str(r, "message"));
	printf("  started      %s by %s on %s\n", str(r, "start_time"), str(r, "user"), str(r, "host"));
	if (json_is_string(json_object_get(r, "end_time")))
		printf("  ended        %s (%s)\n", str(r, "end_time"), dur.buf);
	cairn_buf_release(&dur);
	if (json_is_string(json_object_get(r, "parent")))
		printf("  parent       %s\n", str(r, "parent"));
	if (json_array_size(x = json_object_get(r, "children"))) {
		printf("  children    ");
		json_array_foreach(x, i, v)
			printf(" %s", cli_esc(json_string_value(v)));
		printf("\n");
	}
	if (*str(r, "note"))
		printf("  note         %s\n", str(r, "note"));
	if ((x = json_object_get(info, "command")) && json_is_array(x)) {
		printf("  command     ");
		json_array_foreach(x, i, v)
			printf(" %s", cli_esc(json_string_value(v)));
		printf("\n");
	}
	if ((x = json_object_get(info, "code")) && json_is_object(x))
		printf("  code         %s%s%s\n", str(x, "commit"),
		       json_is_true(json_object_get(x, "dirty")) ? " (dirty)" : "",
		       *str(x, "repository") ? "" : "");
	print_map("params", json_object_get(r, "params"));
	print_map("metrics", json_object_get(r, "metrics"));
	print_map("tags", json_object_get(r, "tags"));
	if (json_array_size(x = json_object_get(r, "inputs"))) {
		printf("inputs\n");
		json_array_foreach(x, i, v)
			printf("  %-28s %s\n", str(v, "dataset"), str(v, "context"));
	}
	if (json_array_size(x = json_object_get(r, "artifacts"))) {
		printf("artifacts\n");
		json_array_foreach(x, i, v)
			printf("  %-40s %.12s  %lld bytes\n", str(v, "path"), str(v, "hash"),
			       (long long)json_integer_value(json_object_get(v, "size")));
	}
	print_map("resources", json_object_get(info, "resources"));
}

/* The body of the commands that take one RUN and --json and print what
 * get(ctx, ref, &json) returns, as text with print or as JSON. */
static int show_one(int argc, char **argv, const char *usage,
		    int (*get)(cairn_ctx *ctx, const char *ref, json_t **out),
		    void (*print)(const json_t *v))
{
	int json = 0, rc, status = 0;
	cairn_ctx *ctx;
	json_t *v;

	if ((rc = cli_parse_json_only(argc, argv, usage, &json)))
		return rc < 0 ? 0 : rc;
	if (argc - optind != 1)
		return cli_usage_error(usage, "expected one RUN");
	if (!(ctx = cli_open_workspace(&status)))
		return status;
	if ((rc = get(ctx, argv[optind], &v)))
		status = cli_fail(ctx, rc);
	else if (json)
		cairn_json_print(stdout, v, 1);
	else
		print(v);
	json_decref(v);
	cairn_ctx_free(ctx);
	return status;
}

int runs_show(int argc, char **argv)
{
	static const char usage[] =
		"usage: cairn runs show RUN [--json]\n"
		"\n"
		"Shows a run: status, times, user and host, params, the latest value of\n"
		"each metric, tags, inputs, artifacts, the command, code version,\n"
		"environment and resources it used.\n"
		"\n"
		"Options:\n"
		"  --json      print as JSON (every field, including the environment)\n"
		"  -h, --help  this help\n";

	return show_one(argc, argv, usage, cairn_run_show, print_run);
}

static void print_artifacts(const json_t *a)
{
	size_t i;
	json_t *v;

	if (!json_array_size(a)) {
		printf("No artifacts.\n");
		return;
	}
	json_array_foreach(a, i, v)
		printf("%-12.12s  %12lld  %s\n", str(v, "hash"),
		       (long long)json_integer_value(json_object_get(v, "size")), str(v, "path"));
}

int runs_artifacts(int argc, char **argv)
{
	static const char usage[] =
		"usage: cairn runs artifacts RUN [--json]\n"
		"\n"
		"Lists the artifact files of a run: content hash, size, path.\n"
		"\n"
		"Options:\n"
		"  --json      print as JSON ([{path, hash, size, created_ms}])\n"
		"  -h, --help  this help\n";

	return show_one(argc, argv, usage, cairn_run_artifacts, print_artifacts);
}

int runs_get_artifact(int argc, char **argv)
{
	static const char usage[] =
		"usage: cairn runs get-artifact RUN PATH [DEST] [--force]\n"
		"\n"
		"Writes the artifact PATH of RUN to DEST (default: its base name in the\n"
		"current directory). When PATH is a directory, every file below it is\n"
		"written below DEST. Each file is written atomically; a file that exists\n"
		"is replaced only with --force (see docs/outputs.md).\n"
		"\n"
		"Options:\n"
		"  --force     replace files that exist\n"
		"  -h, --help  this help\n";
	static const struct option opts[] = {
		{ "force", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	unsigned flags = 0;
	int c, rc, status = 0;
	cairn_ctx *ctx;

	while ((c = cli_getopt(argc, argv, "h", opts)) != -1) {
		switch (c) {
		case 'f': flags |= CAIRN_OUTPUT_FORCE; break;
		case 'h': return cli_help(usage);
		default: return cli_bad_option(usage);
		}
	}
	if (argc - optind < 2 || argc - optind > 3)
		return cli_usage_error(usage, "expected RUN PATH [DEST]");
	if (!(ctx = cli_open_workspace(&status)))
		return status;
	cli_cancel_on_signals(ctx);
	if ((rc = cairn_run_get_artifact(ctx, argv[optind], argv[optind + 1],
					 optind + 2 < argc ? argv[optind + 2] : NULL, flags)))
		status = cli_fail_output(ctx, rc);
	cairn_ctx_free(ctx);
	return status;
}

int runs_tag(int argc, char **argv)
{
	static const char usage[] =
		"usage: cairn runs tag RUN KEY=VALUE... [--remove KEY]...\n"
		"\n"
		"Sets tags of a run (replacing a tag's earlier value) and removes tags.\n"
		"Tags stay mutable after the run has ended.\n"
		"\n"
		"Options:\n"
		"  --remove KEY  remove the tag KEY\n"
		"  -h, --help    this help\n";
	static const struct option opts[] = {
		{ "remove", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *removes[64];
	int c, nremove = 0, rc = 0, status = 0;
	cairn_run *run = NULL;
	cairn_ctx *ctx;

	while ((c = cli_getopt(argc, argv, "h", opts)) != -1) {
		switch (c) {
		case 'r':
			if (nremove == 64)
				return cli_usage_error(usage, "at most 64 --remove options");
			removes[nremove++] = optarg;
			break;
		case 'h': return cli_help(usage);
		default: return cli_bad_option(usage);
		}
	}
	if (argc - optind < 1 || (argc - optind == 1 && !nremove))
		return cli_usage_error(usage, "expected RUN and at least one KEY=VALUE or --remove KEY");
	for (int i = optind + 1; i < argc; i++)
		if (!strchr(argv[i], '=') || argv[i][0] == '=')
			return cli_usage_error(usage, "'%s' is not KEY=VALUE", argv[i]);
	if (!(ctx = cli_open_workspace(&status)))
		return status;
	if ((rc = cairn_run_attach(ctx, argv[optind], &run)))
		goto out;
	for (int i = optind + 1; i < argc && !rc; i++) {
		char *eq = strchr(argv[i], '=');
		*eq = '\0';
		rc = cairn_run_set_tag(run, argv[i], eq + 1);
		*eq = '=';
	}
	for (int i = 0; i < nremove && !rc; i++)
		rc = cairn_run_set_tag(run, removes[i], NULL);
out:
	if (rc)
		status = cli_fail(ctx, rc);
	cairn_run_free(run);
	cairn_ctx_free(ctx);
	return status;
}

int runs_note(int argc, char **argv)
{
	static const char usage[] =
		"usage: cairn runs note RUN TEXT\n"
		"\n"
		"Replaces the free-text note of a run (an empty TEXT clears it).\n"
		"\n"
		"Options:\n"
		"  -h, --help  this help\n";
	int json = 0, rc, status = 0;
	cairn_run *run = NULL;
	cairn_ctx *ctx;

	if ((rc = cli_parse_json_only(argc, argv, usage, &json)))
		return rc < 0 ? 0 : rc;
	if (json)
		return cli_usage_error(usage, "note shows nothing: --json does not apply");
	if (argc - optind != 2)
		return cli_usage_error(usage, "expected RUN TEXT");
	if (!(ctx = cli_open_workspace(&status)))
		return status;
	if ((rc = cairn_run_attach(ctx, argv[optind], &run)) ||
	    (rc = cairn_run_set_note(run, argv[optind + 1])))
		status = cli_fail(ctx, rc);
	cairn_run_free(run);
	cairn_ctx_free(ctx);
	return status;
}

int runs_experiments(int argc, char **argv)
{
	static const char usage[] =
		"usage: cairn runs experiments [--json]\n"
		"\n"
		"Lists experiments (created by name on first use) and their run counts.\n"
		"\n"
		"Options:\n"
		"  --json      print as JSON ([{id, name, created_ms, runs}])\n"
		"  -h, --help  this help\n";
	int json = 0, rc, status = 0;
	cairn_ctx *ctx;
	json_t *v, *e;
	size_t i;

	if ((rc = cli_parse_json_only(argc, argv, usage, &json)))
		return rc < 0 ? 0 : rc;
	if (argc != optind)
		return cli_usage_error(usage, "experiments takes no arguments");
	if (!(ctx = cli_open_workspace(&status)))
		return status;
	if ((rc = cairn_experiment_list(ctx, &v)))
		status = cli_fail(ctx, rc);
	else if (json)
		cairn_json_print(stdout, v, 1);
	else if (!json_array_size(v))
		printf("No experiments yet.\n");
	else {
		printf("%-24s  %6s  %s\n", "EXPERIMENT", "RUNS", "ID");
		json_array_foreach(v, i, e)
			printf("%-24s  %6lld  %s\n", str(e, "name"),
			       (long long)json_integer_value(json_object_get(e, "runs")), str(e, "id"));
	}
	json_decref(v);
	cairn_ctx_free(ctx);
	return status;
}
