/* cairn gc: remove unreferenced objects and stale temporary files. */
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include "cairn/error.h"
#include "cairn/gc.h"
#include "cairn/registry.h"
#include "cli/cli.h"
#include "cli/output.h"
#include "cli/signals.h"
#include "core/json.h"

static const char usage[] =
	"usage: cairn gc [--dry-run] [--grace SECONDS] [--json]\n"
	"\n"
	"Removes the objects that no record names (no dataset version, run\n"
	"artifact, model package or lineage entity) and the temporary files that\n"
	"interrupted writes left: under .cairn/tmp/, in the object store, and the\n"
	"'.NAME.cairn-tmp-ID' files beside outputs anywhere in the workspace's\n"
	"tree. Only what is older than the grace period goes, so that an object a\n"
	"concurrent command has just stored, and is about to record, stays; and\n"
	"so does a temporary file that is still being written. Prints one line per\n"
	"thing removed, then a summary; 'cairn fsck' names the same things as\n"
	"warnings.\n"
	"\n"
	"Options:\n"
	"  --dry-run        say what would be removed, remove nothing\n"
	"  --grace SECONDS  leave what changed in the last SECONDS (default 3600)\n"
	"  --json           print the report as JSON\n"
	"  -h, --help       this help\n";

struct gc_out {
	int json;
	int dry_run;
	json_t *items;
};

static void on_removed(const char *kind, const char *what, uint64_t size, void *arg)
{
	struct gc_out *o = arg;

	if (o->json) {
		json_array_append_new(o->items, json_pack("{s:s, s:s, s:I}", "kind", kind,
							  !strcmp(kind, "object") ? "hash" : "path",
							  what, "size", (json_int_t)size));
		return;
	}
	printf("%s %s %s (%llu bytes)\n", o->dry_run ? "would remove" : "removed", kind, cli_esc(what),
	       (unsigned long long)size);
	fflush(stdout);
}

int cmd_gc(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dry-run", no_argument, NULL, 'n' },
		{ "grace", required_argument, NULL, 'g' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct cairn_gc_options go = { 0, -1, cairn_registry_object_refs };
	struct gc_out o = { 0, 0, NULL };
	struct cairn_gc_report r;
	unsigned long long u;
	cairn_ctx *ctx;
	int status = 0, rc, c;

	while ((c = cli_getopt(argc, argv, "h", opts)) != -1) {
		switch (c) {
		case 'n': go.dry_run = o.dry_run = 1; break;
		case 'g':
			if ((rc = cli_parse_uint_range(usage, "--grace", optarg, 0, 1ull << 40, &u)))
				return rc;
			go.grace_seconds = (int64_t)u;
			break;
		case 'j': o.json = 1; break;
		case 'h': return cli_help(usage);
		default: return cli_bad_option(usage);
		}
	}
	if (optind < argc)
		return cli_usage_error(usage, "gc takes no arguments");
	if (!(ctx = cli_open_workspace(&status)))
		return status;
	cli_cancel_on_signals(ctx);
	if (o.json) {
		cairn_ctx_set_progress(ctx, NULL, NULL);
		o.items = json_array();
	}
	if ((rc = cairn_gc(ctx, &go, &r, on_removed, &o))) {
		status = cli_fail(ctx, rc);
		goto out;
	}
	if (o.json) {
		json_t *v = json_pack("{s:b, s:I, s:I, s:I, s:I, s:I, s:O}", "dry_run", o.dry_run,
				      "objects", (json_int_t)r.objects,
				      "object_bytes", (json_int_t)r.object_bytes,
				      "temporaries", (json_int_t)r.temps,
				      "temporary_bytes", (json_int_t)r.temp_bytes,
				      "recent", (json_int_t)r.recent, "removed", o.items);
		cairn_json_print(stdout, v, 1);
		json_decref(v);
	} else {
		printf("%s %llu unreferenced object%s (%llu bytes) and %llu temporary file%s"
		       " (%llu bytes); %llu unreferenced but recent object%s kept\n",
		       o.dry_run ? "would remove" : "removed", (unsigned long long)r.objects,
		       r.objects == 1 ? "" : "s", (unsigned long long)r.object_bytes,
		       (unsigned long long)r.temps, r.temps == 1 ? "" : "s",
		       (unsigned long long)r.temp_bytes, (unsigned long long)r.recent,
		       r.recent == 1 ? "" : "s");
	}
out:
	json_decref(o.items);
	cairn_ctx_free(ctx);
	return status;
}
