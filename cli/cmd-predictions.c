/* cairn predictions: the prediction log of `cairn serve` (list, export) and
 * the ground truth given for its requests (feedback). */
#include <stdio.h>
#include <string.h>
#include "cairn/error.h"
#include "cairn/id.h"
#include "cairn/predictions.h"
#include "cli/cli.h"
#include "cli/output.h"
#include "core/json.h"

static const char list_usage[] =
	"usage: cairn predictions list [--model M] [--since T] [--until T] [--json]\n"
	"\n"
	"Lists the segments of the prediction log (.cairn/predictions/) that hold\n"
	"records passing the filters, oldest first: size, records, the times of\n"
	"the first and last, and the records per model.\n"
	"\n"
	"Options:\n"
	"  --model M      only the records of served model M\n"
	"  --since T      records at or after T: a UTC time (2026-12-07T20:00:00Z,\n"
	"                 2026-12-07) or a duration before now (90s, 15m, 1h, 2d, 1w)\n"
	"  --until T      records before T (same forms)\n"
	"  --json         a JSON array of {segment, bytes, created_at, records,\n"
	"                 first, last, models}\n"
	"  -h, --help     this help\n"
	"\n"
	"Exit status: 0 success, 2 usage, 3 no workspace.\n";

static const char export_usage[] =
	"usage: cairn predictions export [--model M] [--since T] [--until T]\n"
	"                                [--format csv|jsonl] [--out FILE [--force]]\n"
	"\n"
	"Writes the records of the prediction log that pass the filters, oldest\n"
	"first, each with the latest feedback given for its request id.\n"
	"\n"
	"Options:\n"
	"  --model M         only the records of served model M\n"
	"  --since T         records at or after T: a UTC time or a duration before\n"
	"                    now (see 'cairn predictions list --help')\n"
	"  --until T         records before T\n"
	"  --format F        jsonl (default: the records as logged, with \"feedback\")\n"
	"                    or csv (id, time, model, version, protocol, status,\n"
	"                    latency_s, label, label_time, inputs, outputs)\n"
	"  --out FILE        write FILE (atomically) instead of standard output\n"
	"  --force           replace FILE when it exists\n"
	"  -h, --help        this help\n"
	"\n"
	"Exit status: 0 success, 1 an existing --out without --force or an I/O\n"
	"error, 2 usage, 3 no workspace.\n";

static const char feedback_usage[] =
	"usage: cairn predictions feedback REQUEST_ID LABEL [--source S] [--json]\n"
	"\n"
	"Records LABEL as the ground truth of the served request REQUEST_ID (its\n"
	"X-Request-ID, or the id the server gave it), for monitoring. LABEL is read\n"
	"as JSON when it parses (1, 0.5, \"yes\", [1,2]) and as a string otherwise.\n"
	"The request need not be in the log yet: a label may come before the\n"
	"server flushes the request, and is joined when the record appears. A\n"
	"later label for the same request replaces the earlier in exports.\n"
	"\n"
	"Options:\n"
	"  --source S     where the label comes from (default: cli)\n"
	"  --json         print the stored feedback as JSON\n"
	"  -h, --help     this help\n"
	"\n"
	"Exit status: 0 success, 2 usage (an empty REQUEST_ID or LABEL), 3 no\n"
	"workspace.\n";

struct filter_args {
	const char *since, *until;
};

static int parse_filter(cairn_ctx *ctx, const char *usage, const struct filter_args *a,
			struct cairn_predictions_filter *f)
{
	int64_t now = cairn_now_ms();

	if ((a->since && cairn_predictions_parse_time(ctx, "--since", a->since, now, &f->since_ms)) ||
	    (a->until && cairn_predictions_parse_time(ctx, "--until", a->until, now, &f->until_ms)))
		return cli_usage_error(usage, "%s", cairn_errmsg(ctx));
	return 0;
}

static void print_list(json_t *segments)
{
	size_t i;
	json_t *s;

	if (!json_array_size(segments)) {
		printf("no predictions\n");
		return;
	}
	printf("%-36s %10s %8s  %-24s  %-24s  %s\n", "SEGMENT", "BYTES", "RECORDS", "FIRST",
	       "LAST", "MODELS");
	json_array_foreach(segments, i, s) {
		const char *key;
		json_t *n;
		int first = 1;

		printf("%-36s %10lld %8lld  %-24s  %-24s  ",
		       json_string_value(json_object_get(s, "segment")),
		       (long long)json_integer_value(json_object_get(s, "bytes")),
		       (long long)json_integer_value(json_object_get(s, "records")),
		       json_string_value(json_object_get(s, "first")),
		       json_string_value(json_object_get(s, "last")));
		json_object_foreach(json_object_get(s, "models"), key, n) {
			printf("%s%s=%lld", first ? "" : ",", cli_esc(key),
			       (long long)json_integer_value(n));
			first = 0;
		}
		printf("\n");
	}
}

static int predictions_list(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "model", required_argument, NULL, 'm' },
		{ "since", required_argument, NULL, 's' },
		{ "until", required_argument, NULL, 'u' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct cairn_predictions_filter f = { 0 };
	struct filter_args a = { 0 };
	int c, json = 0, rc, status = 0;
	json_t *out = NULL;
	cairn_ctx *ctx;

	while ((c = cli_getopt(argc, argv, "h", opts)) != -1) {
		switch (c) {
		case 'm': f.model = optarg; break;
		case 's': a.since = optarg; break;
		case 'u': a.until = optarg; break;
		case 'j': json = 1; break;
		case 'h': return cli_help(list_usage);
		default: return cli_bad_option(list_usage);
		}
	}
	if (argc != optind)
		return cli_usage_error(list_usage, "unexpected argument '%s'", argv[optind]);
	if (!(ctx = cli_open_workspace(&status)))
		return status;
	if ((status = parse_filter(ctx, list_usage, &a, &f)))
		goto out;
	if ((rc = cairn_predictions_list(ctx, &f, &out))) {
		status = cli_fail(ctx, rc);
		goto out;
	}
	if (json)
		cairn_json_print(stdout, out, 1);
	else
		print_list(out);
out:
	json_decref(out);
	cairn_ctx_free(ctx);
	return status;
}

static int write_stdout(void *arg, const char *data, size_t len)
{
	cairn_ctx *ctx = arg;

	if (fwrite(data, 1, len, stdout) != len)
		return cairn_error_errno(ctx, "cannot write the export to standard output");
	return 0;
}

static int predictions_export(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "model", required_argument, NULL, 'm' },
		{ "since", required_argument, NULL, 's' },
		{ "until", required_argument, NULL, 'u' },
		{ "format", required_argument, NULL, 'F' },
		{ "out", required_argument, NULL, 'o' },
		{ "force", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct cairn_predictions_export_options o = { 0 };
	struct filter_args a = { 0 };
	uint64_t count;
	int c, rc, status = 0;
	cairn_ctx *ctx;

	while ((c = cli_getopt(argc, argv, "h", opts)) != -1) {
		switch (c) {
		case 'm': o.filter.model = optarg; break;
		case 's': a.since = optarg; break;
		case 'u': a.until = optarg; break;
		case 'F':
			if (!strcmp(optarg, "csv"))
				o.format = CAIRN_PREDICTIONS_CSV;
			else if (!strcmp(optarg, "jsonl"))
				o.format = CAIRN_PREDICTIONS_JSONL;
			else
				return cli_usage_error(export_usage, "--format is csv or jsonl,"
						       " not '%s'", optarg);
			break;
		case 'o': o.out = optarg; break;
		case 'f': o.force = 1; break;
		case 'h': return cli_help(export_usage);
		default: return cli_bad_option(export_usage);
		}
	}
	if (argc != optind)
		return cli_usage_error(export_usage, "unexpected argument '%s'", argv[optind]);
	if (o.out && !*o.out)
		return cli_usage_error(export_usage, "--out needs a file name");
	if (!(ctx = cli_open_workspace(&status)))
		return status;
	if ((status = parse_filter(ctx, export_usage, &a, &o.filter)))
		goto out;
	o.write_fn = write_stdout;
	o.write_arg = ctx;
	if ((o.out && (rc = cli_output_check(ctx, o.out, o.force))) ||
	    (rc = cairn_predictions_export(ctx, &o, &count)) ||
	    (fflush(stdout) && (rc = cairn_error_errno(ctx, "cannot write standard output")))) {
		status = cli_fail_output(ctx, rc);
		goto out;
	}
	if (o.out)
		cli_log(CAIRN_LOG_INFO, "wrote %llu predictions to '%s'", (unsigned long long)count,
			o.out);
out:
	cairn_ctx_free(ctx);
	return status;
}

static int predictions_feedback(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "source", required_argument, NULL, 's' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *source = "cli";
	int c, json = 0, rc, status = 0;
	json_t *label = NULL, *out = NULL;
	cairn_ctx *ctx;

	while ((c = cli_getopt(argc, argv, "h", opts)) != -1) {
		switch (c) {
		case 's': source = optarg; break;
		case 'j': json = 1; break;
		case 'h': return cli_help(feedback_usage);
		default: return cli_bad_option(feedback_usage);
		}
	}
	if (argc - optind != 2)
		return cli_usage_error(feedback_usage, "expected REQUEST_ID LABEL");
	if (!*argv[optind])
		return cli_usage_error(feedback_usage, "REQUEST_ID is empty");
	if (!*argv[optind + 1])
		return cli_usage_error(feedback_usage, "LABEL is empty");
	if (!(ctx = cli_open_workspace(&status)))
		return status;
	/* A label that reads as JSON is that value; any other text a string. */
	label = json_loads(argv[optind + 1], JSON_DECODE_ANY, NULL);
	if (!label || json_is_null(label)) {
		json_decref(label);
		label = json_string(argv[optind + 1]);
	}
	if ((rc = cairn_predictions_feedback(ctx, argv[optind], label, source, &out))) {
		status = cli_fail(ctx, rc);
		goto out;
	}
	if (json) {
		cairn_json_print(stdout, out, 1);
	} else {
		cairn_buf text = CAIRN_BUF_INIT;
		cairn_json_append(&text, label, 0);
		printf("feedback for %s: %s\n", cli_esc(argv[optind]), cli_esc(text.buf));
		cairn_buf_release(&text);
	}
out:
	json_decref(label);
	json_decref(out);
	cairn_ctx_free(ctx);
	return status;
}

static const struct cli_command predictions_commands[] = {
	{ "list", predictions_list, "the segments of the prediction log, with their records" },
	{ "export", predictions_export, "the logged requests as JSON lines or CSV, with feedback" },
	{ "feedback", predictions_feedback, "record the ground truth of a served request" },
	{ NULL, NULL, NULL }
};

int cmd_predictions(int argc, char **argv)
{
	return cli_dispatch("predictions",
			    "Every request that 'cairn serve' answers is logged (off the request\n"
			    "path) to zstd-compressed segments under .cairn/predictions/: its id,\n"
			    "time, model version, inputs, outputs and latency.\n",
			    predictions_commands, argc, argv);
}
