/* cairn models promote: moves an alias to a version through the model's
 * acceptance gates (cairn_promote), printing the gate table. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "cairn/error.h"
#include "cairn/promote.h"
#include "cli/cli.h"
#include "cli/models-check.h"
#include "cli/output.h"
#include "cli/signals.h"
#include "core/json.h"

static const char usage[] =
	"usage: cairn models promote NAME VERSION --to ALIAS [--message TEXT]\n"
	"                            [--dry-run] [--force] [--config FILE] [--json]\n"
	"\n"
	"Runs every acceptance gate the project file declares for the model NAME\n"
	"(models: NAME: gates:) on NAME@VERSION, against the version ALIAS points\n"
	"at now, and prints the table (gate, value, threshold, verdict, detail).\n"
	"Only when every gate passed does ALIAS move to the version, in one\n"
	"transaction with its audit event (promote); a failed gate moves nothing\n"
	"and records a promote-refused event. Either way the gate report is\n"
	"stored as an object that the event names. If another process moves the\n"
	"alias while the gates run, nothing moves (the gates compared against the\n"
	"old holder): run the promotion again. A model without declared gates is\n"
	"never promoted; 'cairn models alias set' moves an alias without gates.\n"
	"\n"
	"Options:\n"
	"  --to ALIAS       the alias to move (required)\n"
	"  --message TEXT   recorded in the audit event\n"
	"  --dry-run        run the gates and print the table; store and record\n"
	"                   nothing\n"
	"  --force          move the alias even when a gate failed (needs\n"
	"                   --message); the event records forced: true\n"
	"  --config FILE    the project file (default: cairn.yaml at the workspace\n"
	"                   root)\n"
	"  --json           print {name, version, alias, holder, moved, forced,\n"
	"                   dry_run, gate_report, event, report} as JSON\n"
	"  -h, --help       this help\n"
	"\n"
	"Exit status: 0 promoted (or, with --dry-run, every gate passed); 1 a gate\n"
	"failed and nothing moved, or the alias moved meanwhile; 2 usage, an\n"
	"archived version, --force without --message, a model without gates, or a\n"
	"gate that cannot apply (a metric the task does not have); 3 no\n"
	"workspace; 4 no such model, version, project file or dataset; 5 a\n"
	"malformed project file or suite.\n";

static void print_result(const struct cairn_promote_options *o,
			 const struct cairn_promote_result *r)
{
	cli_gates_print(r->report);
	if (o->dry_run)
		printf("Dry run: %s@%lld would %s (nothing stored or recorded)\n", cli_esc(o->name),
		       (long long)o->version, r->passed ? "be promoted" :
		       o->force ? "be promoted by force" : "be refused");
	else if (r->moved && r->holder)
		printf("Promoted %s@%lld to %s%s (it held version %lld); gate report %s, event %lld\n",
		       cli_esc(o->name), (long long)o->version, cli_esc(o->alias),
		       r->forced ? " by force despite failed gates" : "", (long long)r->holder,
		       r->report_hash, (long long)r->seq);
	else if (r->moved)
		printf("Promoted %s@%lld to %s%s (it was unset); gate report %s, event %lld\n",
		       cli_esc(o->name), (long long)o->version, cli_esc(o->alias),
		       r->forced ? " by force despite failed gates" : "", r->report_hash,
		       (long long)r->seq);
	else if (r->passed)
		printf("Not promoted: %s moved while the gates ran (event %lld)\n", cli_esc(o->alias),
		       (long long)r->seq);
	else
		printf("Refused: %s@%lld failed a gate; %s is unchanged (gate report %s, event %lld)\n",
		       cli_esc(o->name), (long long)o->version, cli_esc(o->alias), r->report_hash,
		       (long long)r->seq);
}

static void print_json(const struct cairn_promote_options *o, const struct cairn_promote_result *r)
{
	json_t *v = json_pack("{s:s, s:I, s:s, s:o, s:b, s:b, s:b, s:o, s:o, s:O}",
			      "name", o->name, "version", (json_int_t)o->version, "alias", o->alias,
			      "holder", r->holder ? json_integer(r->holder) : json_null(),
			      "moved", r->moved, "forced", r->forced, "dry_run", o->dry_run,
			      "gate_report", *r->report_hash ? json_string(r->report_hash) : json_null(),
			      "event", r->seq ? json_integer(r->seq) : json_null(),
			      "report", r->report);
	cairn_json_print(stdout, v, 1);
	json_decref(v);
}

/* Says how to declare the gates when the project file has none for name. */
static void declare_advice(int rc, const char *name)
{
	if (rc == CAIRN_ENOTFOUND || rc == CAIRN_EINVAL)
		fprintf(stderr, "cairn: hint: declare the gates of '%s' in cairn.yaml:\n"
			"  models:\n    %s:\n      holdout: DATASET@N\n"
			"      gates:\n        metrics: { accuracy: \">= 0.9\" }\n"
			"(see docs/project-file.md)\n", cli_esc(name), cli_esc(name));
}

int models_promote(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "to", required_argument, NULL, 't' },
		{ "message", required_argument, NULL, 'm' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "force", no_argument, NULL, 'f' },
		{ "config", required_argument, NULL, 'c' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct cairn_promote_options o = { 0 };
	struct cairn_promote_result r = { 0 };
	struct cairn_gates_config *config = NULL;
	const char *config_path = NULL;
	cairn_buf path = CAIRN_BUF_INIT;
	unsigned long long v;
	int c, json = 0, rc, status = 0;
	cairn_ctx *ctx;

	while ((c = cli_getopt(argc, argv, "h", opts)) != -1) {
		switch (c) {
		case 't': o.alias = optarg; break;
		case 'm': o.message = optarg; break;
		case 'n': o.dry_run = 1; break;
		case 'f': o.force = 1; break;
		case 'c': config_path = optarg; break;
		case 'j': json = 1; break;
		case 'h': return cli_help(usage);
		default: return cli_bad_option(usage);
		}
	}
	if (argc - optind != 2)
		return cli_usage_error(usage, "promote takes NAME and VERSION");
	if ((status = cli_parse_uint_range(usage, "VERSION", argv[optind + 1], 1, INT64_MAX, &v)))
		return status;
	if (!o.alias)
		return cli_usage_error(usage, "give the alias to move with --to ALIAS");
	if (o.force && !o.message)
		return cli_usage_error(usage, "--force needs --message (why the failed gates are"
				       " overridden)");
	o.name = argv[optind];
	o.version = (int64_t)v;
	if (!(ctx = cli_open_workspace(&status)))
		return status;
	cli_cancel_on_signals(ctx);
	if ((rc = cli_gates_config(ctx, &config_path, &path, o.name, &config))) {
		status = cli_fail(ctx, rc);
		declare_advice(rc, o.name);
		goto out;
	}
	o.config = config;
	rc = cairn_promote(ctx, &o, &r);
	if (r.report && (!rc || rc == CAIRN_EEXIST)) {
		if (json)
			print_json(&o, &r);
		else
			print_result(&o, &r);
	}
	if (rc)
		status = cli_fail(ctx, rc);
	else
		status = r.passed || r.moved ? 0 : 1;
out:
	cairn_promote_result_release(&r);
	cairn_gates_config_free(config);
	cairn_buf_release(&path);
	cairn_ctx_free(ctx);
	return status;
}
