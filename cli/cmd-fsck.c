/* cairn fsck: verify the object store against its content and its records. */
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include "cairn/error.h"
#include "cairn/fsck.h"
#include "cairn/registry.h"
#include "cli/cli.h"
#include "cli/output.h"
#include "core/json.h"
#include "core/progress.h"

static const char usage[] =
	"usage: cairn fsck [--json]\n"
	"\n"
	"Verifies the object store: re-hashes every object file and compares the\n"
	"result with the file's name, and compares the files with the records of\n"
	"the metadata store. It reports, one line each:\n"
	"  corrupt     an object whose content does not match its name (or its\n"
	"              recorded size)\n"
	"  missing     an object that is recorded but whose file is gone\n"
	"  unrecorded  a valid object file with no record, left by an interrupted\n"
	"              put; fsck records it (a note, not a failure)\n"
	"  stray       a file in .cairn/objects/ that is not an object\n"
	"  dangling    a dataset version or run artifact whose object is not\n"
	"              stored\n"
	"  database    a problem found by the metadata store's integrity check\n"
	"and two warnings, which 'cairn gc' clears:\n"
	"  unreferenced  an object that no record names\n"
	"  temporary     a temporary file older than an hour, left by an\n"
	"                interrupted write (in .cairn or beside an output)\n"
	"and ends with a summary. It exits 0 when nothing is corrupt, missing,\n"
	"dangling or damaged, and 6 otherwise.\n"
	"\n"
	"Options:\n"
	"  --json      print the report as JSON\n"
	"  -h, --help  this help\n";

struct fsck_out {
	int json;
	json_t *lists; /* kind -> array of problems, for --json */
};

static void on_problem(const char *kind, const char *what, const char *detail, void *arg)
{
	struct fsck_out *o = arg;

	if (o->json) {
		json_t *list = json_object_get(o->lists, kind);
		const char *key = !strcmp(kind, "stray") || !strcmp(kind, "temporary") ? "path" :
				  !strcmp(kind, "dangling") || !strcmp(kind, "database") ? "record" : "hash";
		if (list)
			json_array_append_new(list, json_pack("{s:s, s:s}", key, what,
							      "detail", detail));
		return;
	}
	printf("%s %s: %s\n", kind, cli_esc(what), cli_esc(detail));
	fflush(stdout);
}

static void add_amount(cairn_buf *b, uint64_t n)
{
	if (n >= (1ull << 30))
		cairn_buf_addf(b, "%.2f GiB", (double)n / (1ull << 30));
	else if (n >= (1ull << 20))
		cairn_buf_addf(b, "%.1f MiB", (double)n / (1ull << 20));
	else
		cairn_buf_addf(b, "%llu bytes", (unsigned long long)n);
}

int cmd_fsck(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct fsck_out o = { 0, NULL };
	struct cairn_fsck_report r;
	cairn_buf line = CAIRN_BUF_INIT;
	cairn_ctx *ctx;
	int status = 0, rc, c;

	while ((c = cli_getopt(argc, argv, "h", opts)) != -1) {
		switch (c) {
		case 'j': o.json = 1; break;
		case 'h': return cli_help(usage);
		default: return cli_bad_option(usage);
		}
	}
	if (optind < argc)
		return cli_usage_error(usage, "fsck takes no arguments");
	if (!(ctx = cli_open_workspace(&status)))
		return status;
	if (o.json) {
		cairn_ctx_set_progress(ctx, NULL, NULL);
		o.lists = json_pack("{s:[], s:[], s:[], s:[], s:[], s:[], s:[], s:[]}", "corrupt",
				    "missing", "unrecorded", "stray", "dangling", "database",
				    "unreferenced", "temporary");
	}
	rc = cairn_fsck_with(ctx, cairn_registry_object_refs, &r, on_problem, &o);
	if (rc && rc != CAIRN_ECORRUPT) {
		/* The check itself failed: no report to give. */
		status = cli_fail(ctx, rc);
		goto out;
	}
	if (o.json) {
		json_t *v = json_pack("{s:b, s:I, s:I, s:O, s:O, s:O, s:O, s:O, s:O, s:O, s:O}",
				      "ok", !rc,
				      "objects_checked", (json_int_t)r.objects_checked,
				      "bytes_checked", (json_int_t)r.bytes_checked,
				      "corrupt", json_object_get(o.lists, "corrupt"),
				      "missing", json_object_get(o.lists, "missing"),
				      "unrecorded", json_object_get(o.lists, "unrecorded"),
				      "stray", json_object_get(o.lists, "stray"),
				      "dangling", json_object_get(o.lists, "dangling"),
				      "database", json_object_get(o.lists, "database"),
				      "unreferenced", json_object_get(o.lists, "unreferenced"),
				      "temporary", json_object_get(o.lists, "temporary"));
		cairn_json_print(stdout, v, 1);
		json_decref(v);
	} else {
		cairn_buf_addf(&line, "checked %llu object%s (", (unsigned long long)r.objects_checked,
			       r.objects_checked == 1 ? "" : "s");
		add_amount(&line, r.bytes_checked);
		cairn_buf_addf(&line, "): %llu corrupt, %llu missing, %llu unrecorded, %llu stray",
			       (unsigned long long)r.corrupt, (unsigned long long)r.missing,
			       (unsigned long long)r.unrecorded, (unsigned long long)r.stray);
		if (r.dangling || r.database)
			cairn_buf_addf(&line, ", %llu dangling, %llu database",
				       (unsigned long long)r.dangling, (unsigned long long)r.database);
		if (r.unreferenced || r.temporary)
			cairn_buf_addf(&line, "; warnings: %llu unreferenced, %llu temporary",
				       (unsigned long long)r.unreferenced,
				       (unsigned long long)r.temporary);
		cairn_buf_addch(&line, '\n');
		fputs(line.buf, stdout);
	}
	fflush(stdout);
	if (rc)
		status = cli_fail(ctx, rc);
out:
	json_decref(o.lists);
	cairn_buf_release(&line);
	cairn_ctx_free(ctx);
	return status;
}
