/* cairn models register, list, show, history and audit: registering
 * versions and reading the registry and its audit log. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cairn/error.h"
#include "cairn/registry.h"
#include "cli/cli.h"
#include "cli/models.h"
#include "cli/output.h"
#include "core/json.h"

static const char register_usage[] =
	"usage: cairn models register NAME (--run RUN [--path PATH] | --package DIR)\n"
	"                             [--description TEXT] [--tag KEY=VALUE]...\n"
	"                             [--message TEXT] [--json]\n"
	"\n"
	"Registers a model package as the next version of NAME (1, 2, ...; the\n"
	"model is created with its first version). The version is immutable:\n"
	"every file of the package is in the object store (a run's artifacts\n"
	"already are; a directory's files are stored) and a manifest object\n"
	"naming them by hash is recorded with the version, with the package's\n"
	"signature, classes and metrics. A version from a run is a lineage edge\n"
	"(run generated model_version). The change is an audit event.\n"
	"\n"
	"NAME has 1 to 128 characters of letters, digits, '.', '_' and '-', and\n"
	"starts with a letter or digit.\n"
	"\n"
	"Options:\n"
	"  --run RUN            the run (id or unique prefix) whose artifact is the\n"
	"                       package\n"
	"  --path PATH          the artifact path in the run (default: model)\n"
	"  --package DIR        a package directory (holding an MLmodel)\n"
	"  --description TEXT   the version's description\n"
	"  --tag KEY=VALUE      a tag of the version (repeatable)\n"
	"  --message TEXT       recorded in the audit event\n"
	"  --json               print {name, version, ref, model_id, version_id,\n"
	"                       manifest, files}\n"
	"  -h, --help           this help\n"
	"\n"
	"Exit status: 0 registered; 2 usage (a bad NAME or tag, not a model\n"
	"package); 3 no workspace; 4 no such run, artifact or directory; 5 a\n"
	"malformed MLmodel or metrics.json. Nothing is recorded on failure.\n";

static json_t *register_json(const char *name, const struct cairn_registry_register_result *r)
{
	char ref[200];

	snprintf(ref, sizeof(ref), "%s@%lld", name, (long long)r->version);
	return json_pack("{s:s, s:I, s:s, s:s, s:s, s:s, s:I}", "name", name,
			 "version", (json_int_t)r->version, "ref", ref, "model_id", r->model_id,
			 "version_id", r->version_id, "manifest", r->manifest,
			 "files", (json_int_t)r->files);
}

static void print_registered(const char *name, const struct cairn_registry_register_result *r)
{
	printf("Registered %s version %lld (%zu files, manifest %.12s): %s@%lld\n", cli_esc(name),
	       (long long)r->version, r->files, r->manifest, cli_esc(name), (long long)r->version);
}

int cli_register_run(cairn_ctx *ctx, const char *name, const char *run_id, int json,
		     long long *version)
{
	struct cairn_registry_register_options o = { 0 };
	struct cairn_registry_register_result r;
	int rc;

	o.name = name;
	o.run = run_id;
	if ((rc = cairn_registry_register(ctx, &o, &r)))
		return cli_fail(ctx, rc);
	*version = r.version;
	if (!json)
		print_registered(name, &r);
	return 0;
}

int models_register(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "run", required_argument, NULL, 'r' },
		{ "path", required_argument, NULL, 'p' },
		{ "package", required_argument, NULL, 'P' },
		{ "description", required_argument, NULL, 'd' },
		{ "tag", required_argument, NULL, 't' },
		{ "message", required_argument, NULL, 'm' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct cairn_registry_register_options o = { 0 };
	struct cairn_registry_register_result r;
	const char **tags = NULL;
	int c, json = 0, rc, status = 0;
	cairn_ctx *ctx;

	while ((c = cli_getopt(argc, argv, "h", opts)) != -1) {
		switch (c) {
		case 'r': o.run = optarg; break;
		case 'p': o.path = optarg; break;
		case 'P': o.package = optarg; break;
		case 'd': o.description = optarg; break;
		case 't':
			tags = cairn_xrealloc(tags, (o.ntags + 1) * sizeof(*tags));
			tags[o.ntags++] = optarg;
			break;
		case 'm': o.message = optarg; break;
		case 'j': json = 1; break;
		case 'h': status = cli_help(register_usage); goto out;
		default: status = cli_bad_option(register_usage); goto out;
		}
	}
	o.tags = tags;
	if (argc - optind != 1) {
		status = cli_usage_error(register_usage, "register takes one model NAME");
		goto out;
	}
	if (!o.run == !o.package) {
		status = cli_usage_error(register_usage, "give one of --run and --package");
		goto out;
	}
	if (o.path && !o.run) {
		status = cli_usage_error(register_usage, "--path goes with --run");
		goto out;
	}
	o.name = argv[optind];
	if (!(ctx = cli_open_workspace(&status)))
		goto out;
	if ((rc = cairn_registry_register(ctx, &o, &r))) {
		status = cli_fail(ctx, rc);
	} else if (json) {
		json_t *v = register_json(o.name, &r);
		cairn_json_print(stdout, v, 1);
		json_decref(v);
	} else {
		print_registered(o.name, &r);
	}
	cairn_ctx_free(ctx);
out:
	free(tags);
	return status;
}

static const char list_usage[] =
	"usage: cairn models list [--json]\n"
	"\n"
	"Lists the registered models: name, number of versions, the latest active\n"
	"version, aliases and the time of the last change.\n"
	"\n"
	"Options:\n"
	"  --json      print [{id, name, description, versions, latest_version,\n"
	"              aliases, tags, created_at, updated_at}]\n"
	"  -h, --help  this help\n"
	"\n"
	"Exit status: 0 success; 2 usage; 3 no workspace.\n";

/* "champion=3, staging=4" into out. */
static void aliases_text(const json_t *aliases, cairn_buf *out)
{
	const char *k;
	json_t *v;

	cairn_buf_reset(out);
	json_object_foreach((json_t *)aliases, k, v)
		cairn_buf_addf(out, "%s%s=%lld", out->len ? ", " : "", k,
			       (long long)json_integer_value(v));
	if (!out->len)
		cairn_buf_adds(out, "-");
}

int models_list(int argc, char **argv)
{
	cairn_buf al = CAIRN_BUF_INIT;
	json_t *list = NULL, *m;
	int json = 0, rc, status;
	cairn_ctx *ctx;
	size_t i;

	if ((status = cli_parse_json_only(argc, argv, list_usage, &json)))
		return status < 0 ? 0 : status;
	if (optind != argc)
		return cli_usage_error(list_usage, "list takes no arguments");
	if (!(ctx = cli_open_workspace(&status)))
		return status;
	if ((rc = cairn_registry_list(ctx, &list))) {
		status = cli_fail(ctx, rc);
		goto out;
	}
	json_array_foreach(list, i, m) {
		char t[32];
		cairn_format_time(json_integer_value(json_object_get(m, "created_ms")), t);
		json_object_set_new(m, "created_at", json_string(t));
		cairn_format_time(json_integer_value(json_object_get(m, "updated_ms")), t);
		json_object_set_new(m, "updated_at", json_string(t));
		json_object_del(m, "created_ms");
		json_object_del(m, "updated_ms");
	}
	if (json) {
		cairn_json_print(stdout, list, 1);
		goto out;
	}
	if (!json_array_size(list)) {
		printf("No registered models (cairn models register NAME --run RUN).\n");
		goto out;
	}
	printf("%-24s %8s %7s  %-24s %s\n", "NAME", "VERSIONS", "LATEST", "UPDATED", "ALIASES");
	json_array_foreach(list, i, m) {
		aliases_text(json_object_get(m, "aliases"), &al);
		printf("%-24s %8lld %7lld  %-24s %s\n",
		       cli_esc(json_string_value(json_object_get(m, "name"))),
		       (long long)json_integer_value(json_object_get(m, "versions")),
		       (long long)json_integer_value(json_object_get(m, "latest_version")),
		       json_string_value(json_object_get(m, "updated_at")), cli_esc(al.buf));
	}
out:
	cairn_buf_release(&al);
	json_decref(list);
	cairn_ctx_free(ctx);
	return status;
}

static const char show_usage[] =
	"usage: cairn models show NAME[@VERSION|@ALIAS|@latest] [--json]\n"
	"\n"
	"Shows a registered model (its description, tags, aliases and versions)\n"
	"or one version: its source run or directory, status, description,\n"
	"signature, classes, metrics, tags, aliases, manifest and files, and its\n"
	"gate reports, latest first (each promotion's or refused promotion's:\n"
	"when, alias, verdict, forced, the report's object; --json adds the report\n"
	"itself). The version may also be named models:/NAME/VERSION or\n"
	"models:/NAME@ALIAS.\n"
	"\n"
	"Options:\n"
	"  --json      print the record as JSON\n"
	"  -h, --help  this help\n"
	"\n"
	"Exit status: 0 success; 2 usage or a malformed reference; 3 no workspace;\n"
	"4 no such model, version or alias.\n";

static void print_tags(const json_t *tags)
{
	const char *k;
	json_t *v;

	json_object_foreach((json_t *)tags, k, v)
		printf("  tag %s = %s\n", cli_esc(k), cli_esc(json_string_value(v)));
}

static const char *str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "";
}

static void print_version(const json_t *v)
{
	const json_t *src = json_object_get(v, "source"), *f, *aliases = json_object_get(v, "aliases");
	cairn_buf text = CAIRN_BUF_INIT;
	size_t i;

	printf("%s (%s)\n", cli_esc(str(v, "ref")), str(v, "status"));
	printf("  id          %s\n", str(v, "id"));
	if (json_is_string(json_object_get(src, "run_id")))
		printf("  source      run %s, artifact %s\n", str(src, "run_id"),
		       cli_esc(str(src, "path")));
	else
		printf("  source      package %s\n", cli_esc(str(src, "path")));
	printf("  created     %s by %s\n", str(v, "created_at"), cli_esc(str(v, "created_by")));
	if (*str(v, "description"))
		printf("  description %s\n", cli_esc(str(v, "description")));
	if (json_array_size(aliases)) {
		printf("  aliases    ");
		json_array_foreach(aliases, i, f)
			printf(" %s", cli_esc(json_string_value(f)));
		printf("\n");
	}
	print_tags(json_object_get(v, "tags"));
	printf("  manifest    %s\n", str(v, "manifest"));
	if (!json_is_null(json_object_get(v, "classes"))) {
		cairn_json_append(&text, json_object_get(v, "classes"), 0);
		printf("  classes     %s\n", cli_esc(text.buf));
	}
	if (!json_is_null(json_object_get(v, "metrics"))) {
		cairn_buf_reset(&text);
		cairn_json_append(&text, json_object_get(v, "metrics"), 0);
		printf("  metrics     %.200s%s\n", cli_esc(text.buf), text.len > 200 ? "..." : "");
	}
	printf("  files\n");
	json_array_foreach(json_object_get(v, "files"), i, f)
		printf("    %.12s  %s\n", str(f, "hash"), cli_esc(str(f, "path")));
	if (!json_array_size(json_object_get(v, "gate_reports")))
		printf("  gate reports  none\n");
	else
		printf("  gate reports (latest first)\n");
	json_array_foreach(json_object_get(v, "gate_reports"), i, f) {
		printf("    %-24s  %-15s  %-12s  %-4s  %s  %.12s", str(f, "time"), str(f, "action"),
		       cli_esc(str(f, "alias")), str(f, "verdict"),
		       json_is_true(json_object_get(f, "forced")) ? "forced" : "      ",
		       str(f, "report_hash"));
		if (*str(f, "problem"))
			printf("  (%s)", cli_esc(str(f, "problem")));
		printf("\n");
	}
	cairn_buf_release(&text);
}

static void print_model(const json_t *m)
{
	cairn_buf al = CAIRN_BUF_INIT;
	const json_t *v;
	size_t i;

	printf("%s\n", cli_esc(str(m, "name")));
	printf("  id          %s\n", str(m, "id"));
	printf("  created     %s, updated %s\n", str(m, "created_at"), str(m, "updated_at"));
	if (*str(m, "description"))
		printf("  description %s\n", cli_esc(str(m, "description")));
	aliases_text(json_object_get(m, "aliases"), &al);
	printf("  aliases     %s\n", cli_esc(al.buf));
	print_tags(json_object_get(m, "tags"));
	printf("\n%7s  %-8s  %-24s  %-34s %s\n", "VERSION", "STATUS", "CREATED", "SOURCE", "ALIASES");
	json_array_foreach(json_object_get(m, "versions"), i, v) {
		const json_t *src = json_object_get(v, "source"), *a;
		size_t j;
		cairn_buf_reset(&al);
		json_array_foreach(json_object_get(v, "aliases"), j, a)
			cairn_buf_addf(&al, "%s%s", j ? ", " : "", json_string_value(a));
		printf("%7lld  %-8s  %-24s  %s%-30.30s %s\n",
		       (long long)json_integer_value(json_object_get(v, "version")), str(v, "status"),
		       str(v, "created_at"),
		       json_is_string(json_object_get(src, "run_id")) ? "run " : "dir ",
		       cli_esc(json_is_string(json_object_get(src, "run_id")) ? str(src, "run_id")
			       : str(src, "path")), cli_esc(al.buf));
	}
	cairn_buf_release(&al);
}

int models_show(int argc, char **argv)
{
	json_t *o = NULL, *reports = NULL;
	int json = 0, rc, status;
	cairn_ctx *ctx;

	if ((status = cli_parse_json_only(argc, argv, show_usage, &json)))
		return status < 0 ? 0 : status;
	if (argc - optind != 1)
		return cli_usage_error(show_usage, "show takes one model reference");
	if (!(ctx = cli_open_workspace(&status)))
		return status;
	if ((rc = cairn_registry_show(ctx, argv[optind], &o)) ||
	    (!json_object_get(o, "versions") &&
	     (rc = cairn_registry_gate_reports(ctx, str(o, "ref"), &reports)))) {
		status = cli_fail(ctx, rc);
		goto out;
	}
	if (reports)
		json_object_set_new(o, "gate_reports", reports);
	if (json)
		cairn_json_print(stdout, o, 1);
	else if (json_object_get(o, "versions"))
		print_model(o);
	else
		print_version(o);
out:
	json_decref(o);
	cairn_ctx_free(ctx);
	return status;
}

static const char history_usage[] =
	"usage: cairn models history NAME [--json]\n"
	"\n"
	"Shows the audit events of the model NAME (its current name or one it\n"
	"had), oldest first: when, who (user@host), what, before and after, and\n"
	"the message.\n"
	"\n"
	"Options:\n"
	"  --json      print the events (see 'cairn models audit --json')\n"
	"  -h, --help  this help\n"
	"\n"
	"Exit status: 0 success; 2 usage; 3 no workspace; 4 no such model.\n";

static const char audit_usage[] =
	"usage: cairn models audit [NAME] [--verify] [--json]\n"
	"\n"
	"Lists the registry's audit events (of NAME, or of every model), oldest\n"
	"first. Every change to the registry is an event; each carries the\n"
	"SHA-256 of the previous one, so that --verify, which recomputes the\n"
	"whole chain, finds an event edited, deleted or reordered in the store\n"
	"and names the first one at fault. The last event's hash (the head) is\n"
	"printed: kept elsewhere, it also shows that no event was removed from\n"
	"the end.\n"
	"\n"
	"Options:\n"
	"  --verify    check the chain (every event, whatever NAME)\n"
	"  --json      print [{seq, time, user, host, model_id, model, action,\n"
	"              before, after, message, details, forced, prev_hash, hash}],\n"
	"              or with --verify {ok, events, bad_seq, problem, head}\n"
	"  -h, --help  this help\n"
	"\n"
	"Exit status: 0 success (and with --verify, the chain holds); 1 the chain\n"
	"is broken (--verify); 2 usage; 3 no workspace; 4 no such model.\n";

static void print_events(const json_t *events)
{
	cairn_buf a = CAIRN_BUF_INIT, b = CAIRN_BUF_INIT, d = CAIRN_BUF_INIT;
	const json_t *e, *details;
	size_t i;

	json_array_foreach(events, i, e) {
		cairn_buf_reset(&a);
		cairn_buf_reset(&b);
		cairn_buf_reset(&d);
		cairn_json_append(&a, json_object_get(e, "before"), 0);
		cairn_json_append(&b, json_object_get(e, "after"), 0);
		/* What a promotion adds: its verdict and gate report, and so on. */
		details = json_object_get(e, "details");
		if (json_is_object(details) && json_object_size(details)) {
			cairn_buf_adds(&d, " details ");
			cairn_json_append(&d, details, 0);
		}
		printf("%4lld  %s  %s@%s  %s %s  %s -> %s%s%s%s%s\n",
		       (long long)json_integer_value(json_object_get(e, "seq")), str(e, "time"),
		       cli_esc(str(e, "user")), cli_esc(str(e, "host")), cli_esc(str(e, "model")),
		       str(e, "action"), cli_esc(a.buf), cli_esc(b.buf), cli_esc(d.buf),
		       json_is_true(json_object_get(e, "forced")) ? " (forced)" : "",
		       *str(e, "message") ? ": " : "", cli_esc(str(e, "message")));
	}
	cairn_buf_release(&a);
	cairn_buf_release(&b);
	cairn_buf_release(&d);
}

/* history and audit: the events of a model or all. */
static int show_events(cairn_ctx *ctx, const char *name, int json)
{
	json_t *events = NULL;
	int rc;

	if ((rc = cairn_registry_audit(ctx, name, &events)))
		return cli_fail(ctx, rc);
	if (json)
		cairn_json_print(stdout, events, 1);
	else if (!json_array_size(events))
		printf("No audit events.\n");
	else
		print_events(events);
	json_decref(events);
	return 0;
}

int models_history(int argc, char **argv)
{
	int json = 0, status;
	cairn_ctx *ctx;

	if ((status = cli_parse_json_only(argc, argv, history_usage, &json)))
		return status < 0 ? 0 : status;
	if (argc - optind != 1)
		return cli_usage_error(history_usage, "history takes one model NAME");
	if (!(ctx = cli_open_workspace(&status)))
		return status;
	status = show_events(ctx, argv[optind], json);
	cairn_ctx_free(ctx);
	return status;
}

static int verify(cairn_ctx *ctx, int json)
{
	struct cairn_registry_verify_result r;
	int rc;

	if ((rc = cairn_registry_audit_verify(ctx, &r)))
		return cli_fail(ctx, rc);
	if (json) {
		json_t *v = json_pack("{s:b, s:I, s:o, s:s, s:s}", "ok", r.ok,
				      "events", (json_int_t)r.events,
				      "bad_seq", r.ok ? json_null() : json_integer(r.bad_seq),
				      "problem", r.problem, "head", r.head);
		cairn_json_print(stdout, v, 1);
		json_decref(v);
	} else if (r.ok) {
		printf("audit chain verified: %lld events, head %s\n", (long long)r.events,
		       *r.head ? r.head : "(empty)");
	}
	if (!r.ok) {
		fprintf(stderr, "cairn: error: audit chain broken at event %lld: %s\n",
			(long long)r.bad_seq, r.problem);
		return 1;
	}
	return 0;
}

int models_audit(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "verify", no_argument, NULL, 'v' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	int c, json = 0, check = 0, status = 0;
	cairn_ctx *ctx;

	while ((c = cli_getopt(argc, argv, "h", opts)) != -1) {
		switch (c) {
		case 'v': check = 1; break;
		case 'j': json = 1; break;
		case 'h': return cli_help(audit_usage);
		default: return cli_bad_option(audit_usage);
		}
	}
	if (argc - optind > 1)
		return cli_usage_error(audit_usage, "audit takes at most one model NAME");
	if (!(ctx = cli_open_workspace(&status)))
		return status;
	if (check) {
		json_t *events = NULL;
		int rc;
		/* NAME must name a model (now or once), though the chain is
		 * checked whole. */
		if (argc > optind && (rc = cairn_registry_audit(ctx, argv[optind], &events)))
			status = cli_fail(ctx, rc);
		else
			status = verify(ctx, json);
		json_decref(events);
	} else {
		status = show_events(ctx, argc > optind ? argv[optind] : NULL, json);
	}
	cairn_ctx_free(ctx);
	return status;
}
