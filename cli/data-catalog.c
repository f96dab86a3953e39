/* cairn data list|show|tag|describe|search: reading and annotating the catalog. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cairn/error.h"
#include "cairn/id.h"
#include "cli/cli.h"
#include "cli/output.h"
#include "cli/data.h"
#include "core/json.h"

const char *data_human_size(uint64_t n, char buf[32])
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	double v = (double)n;
	int u = 0;

	while (v >= 1024 && u < 4) {
		v /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(buf, 32, "%llu B", (unsigned long long)n);
	else
		snprintf(buf, 32, "%.1f %s", v, units[u]);
	return buf;
}

void data_print_version_line(const struct cairn_dataset_version *v)
{
	char ref[CAIRN_NAME_MAX + 32], size[32], ts[32], shape[64];

	snprintf(ref, sizeof(ref), "%s@%lld", v->name, (long long)v->version);
	if (v->rows >= 0)
		snprintf(shape, sizeof(shape), "%lld x %lld", (long long)v->rows, (long long)v->cols);
	else if (!strcmp(v->kind, "dir"))
		snprintf(shape, sizeof(shape), "%lld files", (long long)v->files);
	else
		snprintf(shape, sizeof(shape), "-");
	cairn_format_time(v->created_ms, ts);
	ts[16] = '\0';
	printf("%-24s %-14s %10s  %-5s  %.12s  %s  %s\n", ref, shape, data_human_size(v->size, size),
	       *v->format ? v->format : v->kind, v->hash, ts, v->source_kind);
}

struct collect {
	int json;
	json_t *array;
	size_t n;
};

static int on_version(const struct cairn_dataset_version *v, void *arg)
{
	struct collect *c = arg;
	if (c->json)
		json_array_append_new(c->array, cairn_dataset_version_json(v));
	else {
		if (!c->n)
			printf("%-24s %-14s %10s  %-5s  %-12s  %-16s  %s\n", "VERSION", "ROWS x COLS",
			       "SIZE", "KIND", "HASH", "CREATED", "SOURCE");
		data_print_version_line(v);
	}
	c->n++;
	return 0;
}

/* The common body of list and search: options, one walk over versions with
 * walk(ctx, arg, on_version, collect), then a table or a JSON array. */
static int collect_versions(int argc, char **argv, const char *usage, int min_args,
			    int max_args, const char *arg_error,
			    int (*walk)(cairn_ctx *ctx, const char *arg, cairn_dataset_fn fn, void *fnarg),
			    const char *empty)
{
	struct collect col = { 0, NULL, 0 };
	cairn_ctx *ctx;
	int rc, status = 0;

	if ((rc = cli_parse_json_only(argc, argv, usage, &col.json)))
		return rc < 0 ? 0 : rc;
	if (argc - optind < min_args || argc - optind > max_args)
		return cli_usage_error(usage, "%s", arg_error);
	if (!(ctx = cli_open_workspace(&status)))
		return status;
	col.array = json_array();
	rc = walk(ctx, optind < argc ? argv[optind] : NULL, on_version, &col);
	if (rc)
		status = cli_fail(ctx, rc);
	else if (col.json)
		cairn_json_print(stdout, col.array, 1);
	else if (!col.n)
		printf("%s\n", empty);
	json_decref(col.array);
	cairn_ctx_free(ctx);
	return status;
}

int data_list(int argc, char **argv)
{
	static const char usage[] =
		"usage: cairn data list [NAME] [--json]\n"
		"\n"
		"Lists the latest version of every dataset or, given NAME, every version\n"
		"of that dataset.\n"
		"\n"
		"Options:\n"
		"  --json      print as JSON (an array of versions)\n"
		"  -h, --help  this help\n";

	return collect_versions(argc, argv, usage, 0, 1, "list takes at most one dataset name",
				cairn_dataset_list,
				"No datasets yet: add one with 'cairn data add FILE'.");
}

int data_search(int argc, char **argv)
{
	static const char usage[] =
		"usage: cairn data search TEXT [--json]\n"
		"\n"
		"Finds dataset versions whose name, description, source, tags or column\n"
		"names contain TEXT (case-insensitive), newest first.\n"
		"\n"
		"Options:\n"
		"  --json      print as JSON (an array of versions)\n"
		"  -h, --help  this help\n";

	return collect_versions(argc, argv, usage, 1, 1, "search takes one TEXT",
				cairn_dataset_search, "No dataset version matches.");
}

static void print_show(const struct cairn_dataset_version *v)
{
	char ts[32], size[32];
	const char *key;
	json_t *val;
	size_t i;

	cairn_format_time(v->created_ms, ts);
	printf("%s@%lld\n", v->name, (long long)v->version);
	printf("  id           %s\n", v->id);
	printf("  content      sha256 %s\n", v->hash);
	printf("  kind         %s%s%s, %s\n", v->kind, *v->format ? ", " : "", v->format,
	       data_human_size(v->size, size));
	if (v->rows >= 0)
		printf("  shape        %lld rows x %lld columns\n", (long long)v->rows, (long long)v->cols);
	if (!strcmp(v->kind, "dir"))
		printf("  files        %lld\n", (long long)v->files);
	printf("  source       %s (%s)\n", cli_esc(v->source), v->source_kind);
	printf("  created      %s by %s\n", ts, cli_esc(v->created_by));
	if (v->description && *v->description)
		printf("  description  %s\n", cli_esc(v->description));
	if (json_array_size(v->derived_from)) {
		printf("  derived from");
		json_array_foreach(v->derived_from, i, val)
			printf(" %s", json_string_value(val));
		printf("\n");
	}
	if (json_object_size(v->params)) {
		cairn_buf b = CAIRN_BUF_INIT;
		cairn_json_append(&b, v->params, 0);
		printf("  params       %s\n", b.buf);
		cairn_buf_release(&b);
	}
	if (json_object_size(v->tags)) {
		printf("  tags        ");
		json_object_foreach(v->tags, key, val)
			printf(" %s=%s", cli_esc(key), cli_esc(json_string_value(val)));
		printf("\n");
	}
	if (json_array_size(v->schema)) {
		printf("  columns\n");
		json_array_foreach(v->schema, i, val)
			printf("    %-24s %-9s %lld nulls\n",
			       cli_esc(json_string_value(json_object_get(val, "name"))),
			       json_string_value(json_object_get(val, "type")),
			       (long long)json_integer_value(json_object_get(val, "nulls")));
	}
}

int data_show(int argc, char **argv)
{
	static const char usage[] =
		"usage: cairn data show REF [--json]\n"
		"\n"
		"Shows a dataset version: content hash, kind and size, rows and columns\n"
		"with their types and null counts, source, who created it and when,\n"
		"description, the versions it was derived from, its parameters and tags.\n"
		"\n"
		"Options:\n"
		"  --json      print as JSON\n"
		"  -h, --help  this help\n";
	struct cairn_dataset_version v;
	cairn_ctx *ctx;
	int json = 0, rc, status = 0;

	if ((rc = cli_parse_json_only(argc, argv, usage, &json)))
		return rc < 0 ? 0 : rc;
	if (argc - optind != 1)
		return cli_usage_error(usage, "show takes one dataset reference");
	if (!(ctx = cli_open_workspace(&status)))
		return status;
	if ((rc = cairn_dataset_resolve(ctx, argv[optind], &v))) {
		status = cli_fail(ctx, rc);
	} else {
		if (json) {
			json_t *o = cairn_dataset_version_json(&v);
			cairn_json_print(stdout, o, 1);
			json_decref(o);
		} else {
			print_show(&v);
		}
		cairn_dataset_version_release(&v);
	}
	cairn_ctx_free(ctx);
	return status;
}

int data_tag(int argc, char **argv)
{
	static const char usage[] =
		"usage: cairn data tag REF KEY=VALUE... [--remove KEY]... [--json]\n"
		"\n"
		"Sets tags on a dataset version (replacing a key's old value), or removes\n"
		"them. Tags are mutable; the content of a version never is.\n"
		"\n"
		"Options:\n"
		"  --remove KEY  remove the tag KEY\n"
		"  --json        print the resulting tags as JSON\n"
		"  -h, --help    this help\n";
	static const struct option opts[] = {
		{ "remove", required_argument, NULL, 'r' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct cairn_dataset_version v;
	const char **removes = cairn_xcalloc((size_t)argc, sizeof(*removes));
	size_t nremove = 0;
	cairn_ctx *ctx = NULL;
	int json = 0, c, rc = 0, status = 0, have_v = 0;

	while ((c = cli_getopt(argc, argv, "h", opts)) != -1) {
		switch (c) {
		case 'r': removes[nremove++] = optarg; break;
		case 'j': json = 1; break;
		case 'h': status = cli_help(usage); goto out;
		default: status = cli_bad_option(usage); goto out;
		}
	}
	if (argc - optind < 1 || (argc - optind < 2 && !nremove)) {
		status = cli_usage_error(usage, "give a dataset reference and at least one KEY=VALUE or --remove KEY");
		goto out;
	}
	for (int i = optind + 1; i < argc; i++)
		if (!strchr(argv[i], '=') || argv[i][0] == '=') {
			status = cli_usage_error(usage, "'%s' is not KEY=VALUE", argv[i]);
			goto out;
		}
	if (!(ctx = cli_open_workspace(&status)))
		goto out;
	if ((rc = cairn_dataset_resolve(ctx, argv[optind], &v)))
		goto fail;
	have_v = 1;
	for (int i = optind + 1; i < argc && !rc; i++) {
		char *eq = strchr(argv[i], '=');
		*eq = '\0';
		rc = cairn_dataset_tag(ctx, &v, argv[i], eq + 1);
		*eq = '=';
	}
	for (size_t i = 0; i < nremove && !rc; i++)
		rc = cairn_dataset_tag(ctx, &v, removes[i], NULL);
	if (rc)
		goto fail;
	cairn_dataset_version_release(&v);
	have_v = 0;
	if ((rc = cairn_dataset_resolve(ctx, argv[optind], &v)))
		goto fail;
	have_v = 1;
	if (json) {
		cairn_json_print(stdout, v.tags, 1);
	} else {
		const char *key;
		json_t *val;
		printf("%s@%lld tags:", v.name, (long long)v.version);
		json_object_foreach(v.tags, key, val)
			printf(" %s=%s", cli_esc(key), cli_esc(json_string_value(val)));
		printf("%s\n", json_object_size(v.tags) ? "" : " (none)");
	}
	goto out;
fail:
	status = cli_fail(ctx, rc);
out:
	if (have_v)
		cairn_dataset_version_release(&v);
	free(removes);
	cairn_ctx_free(ctx);
	return status;
}

int data_describe(int argc, char **argv)
{
	static const char usage[] =
		"usage: cairn data describe REF TEXT [--json]\n"
		"\n"
		"Sets the description of a dataset version ('' clears it).\n"
		"\n"
		"Options:\n"
		"  --json      print {ref, description} as JSON\n"
		"  -h, --help  this help\n";
	struct cairn_dataset_version v;
	cairn_ctx *ctx;
	int json = 0, rc, status = 0;

	if ((rc = cli_parse_json_only(argc, argv, usage, &json)))
		return rc < 0 ? 0 : rc;
	if (argc - optind != 2)
		return cli_usage_error(usage, "describe takes a dataset reference and a text");
	if (!(ctx = cli_open_workspace(&status)))
		return status;
	if ((rc = cairn_dataset_resolve(ctx, argv[optind], &v))) {
		status = cli_fail(ctx, rc);
	} else {
		if ((rc = cairn_dataset_describe(ctx, &v, argv[optind + 1]))) {
			status = cli_fail(ctx, rc);
		} else if (json) {
			char ref[CAIRN_NAME_MAX + 32];
			json_t *o;
			snprintf(ref, sizeof(ref), "%s@%lld", v.name, (long long)v.version);
			o = json_pack("{s:s, s:s}", "ref", ref, "description", argv[optind + 1]);
			cairn_json_print(stdout, o, 1);
			json_decref(o);
		} else {
			printf("Described %s@%lld\n", v.name, (long long)v.version);
		}
		cairn_dataset_version_release(&v);
	}
	cairn_ctx_free(ctx);
	return status;
}
