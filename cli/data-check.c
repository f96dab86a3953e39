/* cairn data suggest|check: data quality checks against an expectation suite. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "cairn/error.h"
#include "cairn/expect.h"
#include "cli/cli.h"
#include "cli/output.h"
#include "cli/data.h"
#include "core/format.h"
#include "core/fs.h"
#include "core/json.h"

/* Example rows shown per failed expectation in the text output. */
#define TEXT_EXAMPLES 5

static const char suggest_usage[] =
	"usage: cairn data suggest REF [--out FILE [--force]] [--margin FRACTION] [--json]\n"
	"\n"
	"Writes an expectation suite inferred from a dataset version's profile, as\n"
	"commented YAML to edit: the row count within a margin, the columns (strict),\n"
	"each column's type, not_null (with 'mostly' when the column has nulls),\n"
	"between the observed min and max for numeric and datetime columns, in_set\n"
	"for string columns with few values, unique for integer and string columns\n"
	"whose values are all distinct. Check data against it with\n"
	"'cairn data check REF --suite FILE'.\n"
	"\n"
	"Options:\n"
	"  --out FILE          write the suite to FILE instead of standard output\n"
	"  --force             replace FILE if it exists\n"
	"  --margin FRACTION   row count slack either way (default 0.1)\n"
	"  --json              write the suite as JSON instead of YAML\n"
	"  -h, --help          this help\n";

static int parse_margin(const char *s, double *out)
{
	char *end;
	*out = strtod(s, &end);
	if (!*s || *end || !(*out >= 0 && *out <= 1))
		return cli_usage_error(suggest_usage, "--margin expects a fraction from 0 to 1, not '%s'",
				       s);
	return 0;
}

int data_suggest(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "out", required_argument, NULL, 'o' },
		{ "force", no_argument, NULL, 'f' },
		{ "margin", required_argument, NULL, 'm' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct cairn_suggest_options so = { NULL, 0.1, 50 };
	struct cairn_dataset_version v;
	cairn_buf text = CAIRN_BUF_INIT, header = CAIRN_BUF_INIT;
	json_t *profile = NULL, *suite = NULL, *notes = NULL;
	const char *out = NULL;
	cairn_ctx *ctx = NULL;
	int json = 0, force = 0, c, rc = 0, status = 0, have_v = 0;

	while ((c = cli_getopt(argc, argv, "h", opts)) != -1) {
		switch (c) {
		case 'o': out = optarg; break;
		case 'f': force = 1; break;
		case 'm':
			if ((status = parse_margin(optarg, &so.row_margin)))
				return status;
			break;
		case 'j': json = 1; break;
		case 'h': return cli_help(suggest_usage);
		default: return cli_bad_option(suggest_usage);
		}
	}
	if (argc - optind != 1)
		return cli_usage_error(suggest_usage, "suggest takes one dataset reference");
	if (!(ctx = cli_open_workspace(&status)))
		return status;
	if ((out && (rc = cli_output_check(ctx, out, force))) ||
	    (rc = cairn_dataset_resolve(ctx, argv[optind], &v)))
		goto fail;
	have_v = 1;
	so.name = v.name;
	if ((rc = cairn_dataset_load_profile(ctx, &v, &profile)) ||
	    (rc = cairn_suite_suggest(ctx, profile, &so, &suite, &notes)))
		goto fail;
	if (json) {
		cairn_json_append(&text, suite, 1);
		cairn_buf_addch(&text, '\n');
	} else {
		cairn_buf_addf(&header,
			       "Expectation suite suggested by 'cairn data suggest' from the profile of\n"
			       "%s@%lld (%lld rows, %lld columns). Review it before use: the bounds are\n"
			       "the extremes seen in this version, which new data may well exceed.\n"
			       "Check a version with: cairn data check REF --suite FILE\n"
			       "Expectation types and their fields: docs/commands/data-check.md\n",
			       v.name, (long long)v.version, (long long)v.rows, (long long)v.cols);
		cairn_suite_yaml(suite, notes, header.buf, &text);
	}
	if (!out) {
		fwrite(text.buf, 1, text.len, stdout);
	} else {
		if ((rc = cli_output_write(ctx, out, text.buf, text.len, force)))
			goto fail;
		printf("Wrote %zu expectations for %s@%lld to %s\n",
		       json_array_size(json_object_get(suite, "expectations")), v.name,
		       (long long)v.version, out);
	}
	goto out;
fail:
	status = cli_fail_output(ctx, rc);
out:
	if (have_v)
		cairn_dataset_version_release(&v);
	json_decref(profile);
	json_decref(suite);
	json_decref(notes);
	cairn_buf_release(&text);
	cairn_buf_release(&header);
	cairn_ctx_free(ctx);
	return status;
}

static const char check_usage[] =
	"usage: cairn data check REF --suite FILE [--examples N] [--json]\n"
	"\n"
	"Evaluates every expectation of the suite FILE (YAML; see 'cairn data\n"
	"suggest') on a dataset version and reports each: passed or failed, what\n"
	"was observed, how many rows fail and example rows (numbered as in the file,\n"
	"the header being row 1). The outcome is recorded on the version (a tag\n"
	"cairn.check:SUITE), where the gate training_data_checked finds it. Exit\n"
	"status 0 when all pass, 1 when any fails, 5 when the suite is invalid.\n"
	"\n"
	"Options:\n"
	"  --suite FILE   the expectation suite\n"
	"  --examples N   failing rows listed per expectation with --json (default 20;\n"
	"                 the text output shows the first 5)\n"
	"  --json         print the report as JSON\n"
	"  -h, --help     this help\n";

/* A value for people: numbers in shortest form, strings quoted when quote
 * is set, lists as [a, b]. */
static void text_value(const json_t *v, int quote, cairn_buf *out)
{
	char tmp[32];
	const json_t *x;
	size_t i;

	if (json_is_real(v)) {
		cairn_buf_add(out, tmp, cairn_format_double(json_real_value(v), tmp));
	} else if (json_is_string(v) && !quote) {
		cairn_buf_adds(out, json_string_value(v));
	} else if (json_is_array(v)) {
		cairn_buf_addch(out, '[');
		json_array_foreach(v, i, x) {
			cairn_buf_adds(out, i ? ", " : "");
			text_value(x, quote, out);
		}
		cairn_buf_addch(out, ']');
	} else {
		cairn_json_append(out, v, 0);
	}
}

/* "min 0, max 10000": the fields of an expectation beyond its type and column. */
static void print_params(const json_t *r, cairn_buf *b)
{
	static const char *const keys[] = { "columns", "strict", "type", "quantile", "min", "max",
					    "values", "regex", "or_equal", "mostly", NULL };
	size_t n = 0;

	for (size_t i = 0; keys[i]; i++) {
		const json_t *v = json_object_get(r, keys[i]);
		if (!v || json_is_false(v))
			continue;
		cairn_buf_addf(b, "%s%s ", n++ ? ", " : "", keys[i]);
		if (!strcmp(keys[i], "type") && json_array_size(v) == 1)
			v = json_array_get(v, 0);
		text_value(v, 0, b);
	}
}

static void print_observed(const json_t *obs, cairn_buf *b)
{
	const char *key;
	json_t *v;
	size_t n = 0;

	json_object_foreach((json_t *)obs, key, v) {
		if (!strcmp(key, "unexpected_values")) {
			size_t i;
			json_t *x;
			cairn_buf_addf(b, "%sunexpected values ", n++ ? ", " : "");
			json_array_foreach(v, i, x) {
				if (i == TEXT_EXAMPLES) {
					cairn_buf_adds(b, " ...");
					break;
				}
				cairn_buf_addf(b, "%s", i ? ", " : "");
				text_value(json_object_get(x, "value"), 1, b);
				cairn_buf_addf(b, " (%lld)",
					       (long long)json_integer_value(json_object_get(x, "count")));
			}
			continue;
		}
		if (json_is_array(v) && !json_array_size(v))
			continue;
		cairn_buf_addf(b, "%s%s ", n++ ? ", " : "", key);
		text_value(v, 0, b);
	}
}

static void print_result(const json_t *r)
{
	int ok = json_is_true(json_object_get(r, "passed"));
	const json_t *column = json_object_get(r, "column"), *than = json_object_get(r, "than");
	const json_t *failing = json_object_get(r, "failing_rows"), *ex, *x;
	cairn_buf b = CAIRN_BUF_INIT;
	size_t i;

	cairn_buf_addf(&b, "%-4s %3lld  %s", ok ? "ok" : "FAIL",
		       (long long)json_integer_value(json_object_get(r, "index")),
		       json_string_value(json_object_get(r, "expect")));
	if (column)
		cairn_buf_addf(&b, " %s", json_string_value(column));
	if (than)
		cairn_buf_addf(&b, " %s %s", json_is_true(json_object_get(r, "or_equal")) ? ">=" : ">",
			       json_string_value(than));
	cairn_buf_adds(&b, " (");
	print_params(r, &b);
	if (b.buf[b.len - 1] == '(')
		cairn_buf_setlen(&b, b.len - 2);
	else
		cairn_buf_adds(&b, ")");
	if (json_object_get(r, "error")) {
		cairn_buf_addf(&b, ": %s", json_string_value(json_object_get(r, "error")));
	} else {
		size_t before = b.len;
		cairn_buf_adds(&b, ": ");
		if (failing && (json_integer_value(failing) || !ok)) {
			double pct = 100 * json_number_value(json_object_get(r, "failing_fraction"));
			cairn_buf_addf(&b, "%lld of %lld rows fail",
				       (long long)json_integer_value(failing),
				       (long long)json_integer_value(json_object_get(r, "rows_checked")));
			if (pct > 0 && pct < 0.01)
				cairn_buf_adds(&b, " (<0.01%)");
			else
				cairn_buf_addf(&b, " (%.2f%%)", pct);
			if (json_object_size(json_object_get(r, "observed")))
				cairn_buf_adds(&b, "; ");
		}
		print_observed(json_object_get(r, "observed"), &b);
		if (b.len == before + 2)
			cairn_buf_setlen(&b, before);
	}
	printf("%s\n", cli_esc(b.buf));
	ex = json_object_get(r, "examples");
	json_array_foreach(ex, i, x) {
		const char *key;
		json_t *v;
		if (i == TEXT_EXAMPLES || ok)
			break;
		cairn_buf_reset(&b);
		cairn_buf_addf(&b, "           row %lld:",
			       (long long)json_integer_value(json_object_get(x, "row")));
		json_object_foreach(json_object_get(x, "values"), key, v) {
			cairn_buf_addf(&b, " %s=", key);
			text_value(v, 1, &b);
		}
		printf("%s\n", cli_esc(b.buf));
	}
	if (!ok && json_array_size(ex) > TEXT_EXAMPLES)
		printf("           ... (--json lists up to %zu rows)\n", json_array_size(ex));
	cairn_buf_release(&b);
}

static void print_report(const json_t *report, const struct cairn_dataset_version *v,
			 const char *suite_file)
{
	const json_t *summary = json_object_get(report, "summary"), *r;
	const char *name = json_string_value(json_object_get(report, "suite"));
	long long n = (long long)json_integer_value(json_object_get(summary, "expectations"));
	long long failed = (long long)json_integer_value(json_object_get(summary, "failed"));
	size_t i;

	printf("Checking %s@%lld (%lld rows) against ", v->name, (long long)v->version,
	       (long long)json_integer_value(json_object_get(report, "rows")));
	if (name && *name)
		printf("suite '%s' (%s)\n", name, suite_file);
	else
		printf("%s\n", suite_file);
	json_array_foreach(json_object_get(report, "results"), i, r)
		print_result(r);
	if (failed)
		printf("%lld of %lld expectations failed\n", failed, n);
	else
		printf("All %lld expectations passed\n", n);
}

int data_check(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "suite", required_argument, NULL, 's' },
		{ "examples", required_argument, NULL, 'e' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct cairn_expect_options eo = { CAIRN_EXPECT_EXAMPLES };
	struct cairn_dataset_version v;
	struct cairn_suite *suite = NULL;
	struct cairn_frame *frame = NULL;
	unsigned long long n;
	const char *suite_file = NULL;
	json_t *report = NULL;
	cairn_ctx *ctx = NULL;
	int json = 0, c, rc = 0, status = 0, have_v = 0, passed = 0;

	while ((c = cli_getopt(argc, argv, "h", opts)) != -1) {
		switch (c) {
		case 's': suite_file = optarg; break;
		case 'e':
			if ((status = cli_parse_uint(check_usage, "--examples", optarg, &n)))
				return status;
			eo.max_examples = (size_t)n;
			break;
		case 'j': json = 1; break;
		case 'h': return cli_help(check_usage);
		default: return cli_bad_option(check_usage);
		}
	}
	if (argc - optind != 1)
		return cli_usage_error(check_usage, "check takes one dataset reference");
	if (!suite_file)
		return cli_usage_error(check_usage, "give the expectation suite with --suite FILE");
	if (!(ctx = cli_open_workspace(&status)))
		return status;
	if ((rc = cairn_suite_load(ctx, suite_file, &suite)) ||
	    (rc = cairn_dataset_resolve(ctx, argv[optind], &v)))
		goto fail;
	have_v = 1;
	if ((rc = cairn_dataset_load_frame(ctx, &v, &frame)) ||
	    (rc = cairn_expect_check(ctx, frame, suite, &eo, &report, &passed)) ||
	    (rc = cairn_expect_record(ctx, &v, suite_file, suite, report)))
		goto fail;
	if (json) {
		char ref[CAIRN_NAME_MAX + 32];
		snprintf(ref, sizeof(ref), "%s@%lld", v.name, (long long)v.version);
		json_object_set_new(report, "dataset", json_string(ref));
		json_object_set_new(report, "suite_file", json_string(suite_file));
		cairn_json_print(stdout, report, 1);
	} else {
		print_report(report, &v, suite_file);
	}
	status = passed ? 0 : 1;
	goto out;
fail:
	status = cli_fail(ctx, rc);
out:
	if (have_v)
		cairn_dataset_version_release(&v);
	json_decref(report);
	cairn_frame_free(frame);
	cairn_suite_free(suite);
	cairn_ctx_free(ctx);
	return status;
}
