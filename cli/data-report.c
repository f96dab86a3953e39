/* cairn data profile | diff: reports from the stored profiles. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "cairn/error.h"
#include "cairn/report.h"
#include "cli/cli.h"
#include "cli/output.h"
#include "cli/data.h"
#include "core/fs.h"
#include "core/json.h"

static void print_profile(const char *ref, const json_t *p)
{
	size_t i, k;
	const json_t *c, *t;

	printf("%s: %lld rows\n\n", ref, (long long)json_integer_value(json_object_get(p, "rows")));
	printf("%-20s %-9s %9s %7s %9s %11s %11s %11s %11s\n", "COLUMN", "TYPE", "COUNT", "NULLS",
	       "DISTINCT", "MIN", "MEDIAN", "MAX", "MEAN");
	json_array_foreach(json_object_get(p, "columns"), i, c) {
		const json_t *q = json_object_get(c, "quantiles");
		printf("%-20s %-9s %9lld %7lld %8lld%s ", cli_esc(json_string_value(json_object_get(c, "name"))),
		       json_string_value(json_object_get(c, "type")),
		       (long long)json_integer_value(json_object_get(c, "count")),
		       (long long)json_integer_value(json_object_get(c, "nulls")),
		       (long long)json_integer_value(json_object_get(c, "distinct")),
		       json_is_true(json_object_get(c, "distinct_approx")) ? "~" : " ");
		if (json_object_get(c, "mean")) {
			const json_t *cols[] = { json_object_get(c, "min"), q ? json_object_get(q, "p50") : NULL,
						 json_object_get(c, "max"), json_object_get(c, "mean") };
			for (k = 0; k < 4; k++)
				printf("%11.5g ", json_is_number(cols[k]) ? json_number_value(cols[k]) : NAN);
		} else {
			printf(" top:");
			json_array_foreach(json_object_get(c, "top"), k, t) {
				if (k == 3) {
					printf(" ...");
					break;
				}
				printf(" %s (%lld)", cli_esc(json_string_value(json_object_get(t, "value"))),
				       (long long)json_integer_value(json_object_get(t, "count")));
			}
		}
		printf("\n");
	}
}

int data_profile(int argc, char **argv)
{
	static const char usage[] =
		"usage: cairn data profile REF [--json | --html FILE [--force]]\n"
		"\n"
		"Shows the profile stored with a tabular dataset version: per column the\n"
		"count, nulls, distinct values, min, median, max and mean, or the most\n"
		"frequent categories. --json prints the whole profile (percentiles,\n"
		"histograms, category counts; see docs/internals/profile.md); --html\n"
		"writes a page with a histogram or a category chart (SVG) per column.\n"
		"\n"
		"Options:\n"
		"  --json       print the profile as JSON\n"
		"  --html FILE  write an HTML report to FILE\n"
		"  --force      replace FILE if it exists\n"
		"  -h, --help   this help\n";
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "html", required_argument, NULL, 'H' },
		{ "force", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct cairn_dataset_version v;
	const char *html = NULL;
	json_t *profile = NULL;
	cairn_ctx *ctx;
	int json = 0, force = 0, c, rc = 0, status = 0;

	while ((c = cli_getopt(argc, argv, "h", opts)) != -1) {
		switch (c) {
		case 'j': json = 1; break;
		case 'H': html = optarg; break;
		case 'f': force = 1; break;
		case 'h': return cli_help(usage);
		default: return cli_bad_option(usage);
		}
	}
	if (argc - optind != 1)
		return cli_usage_error(usage, "profile takes one dataset reference");
	if (json && html)
		return cli_usage_error(usage, "--json and --html cannot be combined");
	if (!(ctx = cli_open_workspace(&status)))
		return status;
	if ((html && (rc = cli_output_check(ctx, html, force))) ||
	    (rc = cairn_dataset_resolve(ctx, argv[optind], &v)))
		goto fail;
	rc = cairn_dataset_load_profile(ctx, &v, &profile);
	if (!rc) {
		char ref[CAIRN_NAME_MAX + 32];
		snprintf(ref, sizeof(ref), "%s@%lld", v.name, (long long)v.version);
		if (json) {
			cairn_json_print(stdout, profile, 1);
		} else if (html) {
			cairn_buf page = CAIRN_BUF_INIT;
			cairn_profile_html(profile, ref, &page);
			rc = cli_output_write(ctx, html, page.buf, page.len, force);
			cairn_buf_release(&page);
			if (!rc)
				printf("Wrote the profile of %s to %s\n", ref, html);
		} else {
			print_profile(ref, profile);
		}
	}
	cairn_dataset_version_release(&v);
	if (!rc)
		goto out;
fail:
	status = cli_fail_output(ctx, rc);
out:
	json_decref(profile);
	cairn_ctx_free(ctx);
	return status;
}

static void print_change(const char *what, const json_t *ch, int percent)
{
	const json_t *from = json_object_get(ch, "from"), *to = json_object_get(ch, "to");
	double scale = percent ? 100 : 1;

	if (!json_is_number(from) || !json_is_number(to))
		return;
	if (json_number_value(from) == json_number_value(to))
		return;
	printf(" %s %.4g%s -> %.4g%s (%+.4g%s)", what, json_number_value(from) * scale,
	       percent ? "%" : "", json_number_value(to) * scale, percent ? "%" : "",
	       (json_number_value(to) - json_number_value(from)) * scale, percent ? " pts" : "");
}

static void print_diff(const char *a, const char *b, const json_t *d)
{
	const json_t *rows = json_object_get(d, "rows"), *c, *t;
	size_t i, k;

	printf("%s -> %s\n", a, b);
	printf("rows: %lld -> %lld (%+lld)\n", (long long)json_integer_value(json_object_get(rows, "from")),
	       (long long)json_integer_value(json_object_get(rows, "to")),
	       (long long)(json_integer_value(json_object_get(rows, "to")) -
			   json_integer_value(json_object_get(rows, "from"))));
	json_array_foreach(json_object_get(d, "columns_added"), i, c)
		printf("added column %s (%s)\n", cli_esc(json_string_value(json_object_get(c, "name"))),
		       json_string_value(json_object_get(c, "type")));
	json_array_foreach(json_object_get(d, "columns_removed"), i, c)
		printf("removed column %s (%s)\n", cli_esc(json_string_value(json_object_get(c, "name"))),
		       json_string_value(json_object_get(c, "type")));
	json_array_foreach(json_object_get(d, "columns_retyped"), i, c)
		printf("retyped column %s: %s -> %s\n", cli_esc(json_string_value(json_object_get(c, "name"))),
		       json_string_value(json_object_get(c, "from")),
		       json_string_value(json_object_get(c, "to")));
	json_array_foreach(json_object_get(d, "columns"), i, c) {
		int changed = 0;
		printf("%-20s", cli_esc(json_string_value(json_object_get(c, "name"))));
		if (json_object_get(c, "mean")) {
			const json_t *m = json_object_get(c, "mean");
			if (json_is_number(json_object_get(m, "change")) &&
			    json_number_value(json_object_get(m, "change")) != 0) {
				print_change("mean", m, 0);
				changed = 1;
			}
		}
		{
			const json_t *n = json_object_get(c, "null_rate");
			if (json_is_number(json_object_get(n, "change")) &&
			    json_number_value(json_object_get(n, "change")) != 0) {
				print_change("null rate", n, 1);
				changed = 1;
			}
		}
		json_array_foreach(json_object_get(c, "top"), k, t) {
			double ch = json_number_value(json_object_get(t, "change"));
			if (fabs(ch) < 0.0005)
				continue;
			printf(" %s %.1f%% -> %.1f%%", cli_esc(json_string_value(json_object_get(t, "value"))),
			       json_number_value(json_object_get(t, "from_share")) * 100,
			       json_number_value(json_object_get(t, "to_share")) * 100);
			changed = 1;
		}
		printf("%s\n", changed ? "" : " unchanged");
	}
}

int data_diff(int argc, char **argv)
{
	static const char usage[] =
		"usage: cairn data diff A B [--json]\n"
		"\n"
		"Compares two tabular dataset versions by their profiles: row counts,\n"
		"columns added, removed or retyped, and per column the change in mean,\n"
		"null rate and the shares of the most frequent categories.\n"
		"\n"
		"Options:\n"
		"  --json      print the difference as JSON\n"
		"  -h, --help  this help\n";
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct cairn_dataset_version va, vb;
	json_t *pa = NULL, *pb = NULL, *d = NULL;
	cairn_ctx *ctx;
	int json = 0, c, rc, status = 0, have_a = 0, have_b = 0;

	while ((c = cli_getopt(argc, argv, "h", opts)) != -1) {
		switch (c) {
		case 'j': json = 1; break;
		case 'h': return cli_help(usage);
		default: return cli_bad_option(usage);
		}
	}
	if (argc - optind != 2)
		return cli_usage_error(usage, "diff takes two dataset references");
	if (!(ctx = cli_open_workspace(&status)))
		return status;
	if ((rc = cairn_dataset_resolve(ctx, argv[optind], &va)))
		goto fail;
	have_a = 1;
	if ((rc = cairn_dataset_resolve(ctx, argv[optind + 1], &vb)))
		goto fail;
	have_b = 1;
	if ((rc = cairn_dataset_load_profile(ctx, &va, &pa)) ||
	    (rc = cairn_dataset_load_profile(ctx, &vb, &pb)))
		goto fail;
	d = cairn_profile_diff(pa, pb);
	if (json) {
		char ra[CAIRN_NAME_MAX + 32], rb[CAIRN_NAME_MAX + 32];
		snprintf(ra, sizeof(ra), "%s@%lld", va.name, (long long)va.version);
		snprintf(rb, sizeof(rb), "%s@%lld", vb.name, (long long)vb.version);
		json_object_set_new(d, "from", json_string(ra));
		json_object_set_new(d, "to", json_string(rb));
		cairn_json_print(stdout, d, 1);
	} else {
		char ra[CAIRN_NAME_MAX + 32], rb[CAIRN_NAME_MAX + 32];
		snprintf(ra, sizeof(ra), "%s@%lld", va.name, (long long)va.version);
		snprintf(rb, sizeof(rb), "%s@%lld", vb.name, (long long)vb.version);
		print_diff(ra, rb, d);
	}
	goto out;
fail:
	status = cli_fail(ctx, rc);
out:
	if (have_a)
		cairn_dataset_version_release(&va);
	if (have_b)
		cairn_dataset_version_release(&vb);
	json_decref(pa);
	json_decref(pb);
	json_decref(d);
	cairn_ctx_free(ctx);
	return status;
}
