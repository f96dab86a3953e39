/* cairn models alias, tag, describe, archive and rename: the registry's
 * changes, each one transaction with its audit event. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cairn/error.h"
#include "cairn/registry.h"
#include "cli/cli.h"
#include "cli/models.h"
#include "cli/output.h"

/* Parses the options of a change whose only options are --message and
 * --help (and --restore or --rm where given): 0 to go on, -1 after help,
 * else the exit status. */
static int change_options(int argc, char **argv, const char *usage, const char **message)
{
	static const struct option opts[] = {
		{ "message", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	while ((c = cli_getopt(argc, argv, "hm:", opts)) != -1) {
		switch (c) {
		case 'm': *message = optarg; break;
		case 'h': cli_help(usage); return -1;
		default: return cli_bad_option(usage);
		}
	}
	return 0;
}

static int parse_version(const char *usage, const char *s, int64_t *v)
{
	unsigned long long u;
	int status;

	if ((status = cli_parse_uint_range(usage, "VERSION", s, 1, 999999999999ULL, &u)))
		return status;
	*v = (int64_t)u;
	return 0;
}

static const char alias_set_usage[] =
	"usage: cairn models alias set NAME ALIAS VERSION [--message TEXT]\n"
	"\n"
	"Points ALIAS of the model NAME at VERSION (an active version), in one\n"
	"transaction with its audit event (before: the version it held). ALIAS\n"
	"has 1 to 128 letters, digits, '_' and '-', is not all digits and is not\n"
	"'latest' (NAME@latest is the highest active version). NAME@ALIAS then\n"
	"names the version wherever a model is taken.\n"
	"\n"
	"Options:\n"
	"  -m, --message TEXT  recorded in the audit event\n"
	"  -h, --help          this help\n"
	"\n"
	"Exit status: 0 set; 2 usage (a bad ALIAS, an archived VERSION); 3 no\n"
	"workspace; 4 no such model or version. Nothing changes on failure.\n";

static int alias_set(int argc, char **argv)
{
	struct cairn_registry_alias_options o = { 0 };
	int64_t before = 0;
	int rc, status;
	cairn_ctx *ctx;

	if ((status = change_options(argc, argv, alias_set_usage, &o.message)))
		return status < 0 ? 0 : status;
	if (argc - optind != 3)
		return cli_usage_error(alias_set_usage, "alias set takes NAME ALIAS VERSION");
	if ((status = parse_version(alias_set_usage, argv[optind + 2], &o.version)))
		return status;
	o.name = argv[optind];
	o.alias = argv[optind + 1];
	if (!(ctx = cli_open_workspace(&status)))
		return status;
	if ((rc = cairn_registry_alias_check(ctx, o.alias)) ||
	    (rc = cairn_registry_alias_get(ctx, o.name, o.alias, &before)) ||
	    (rc = cairn_registry_alias_set(ctx, &o, NULL)))
		status = cli_fail(ctx, rc);
	else if (before && before != o.version)
		printf("%s@%s -> version %lld (was %lld)\n", cli_esc(o.name), cli_esc(o.alias),
		       (long long)o.version, (long long)before);
	else
		printf("%s@%s -> version %lld\n", cli_esc(o.name), cli_esc(o.alias),
		       (long long)o.version);
	cairn_ctx_free(ctx);
	return status;
}

static const char alias_rm_usage[] =
	"usage: cairn models alias rm NAME ALIAS [--message TEXT]\n"
	"\n"
	"Removes ALIAS from the model NAME, with its audit event.\n"
	"\n"
	"Options:\n"
	"  -m, --message TEXT  recorded in the audit event\n"
	"  -h, --help          this help\n"
	"\n"
	"Exit status: 0 removed; 2 usage; 3 no workspace; 4 no such model or\n"
	"alias.\n";

static int alias_rm(int argc, char **argv)
{
	const char *message = NULL;
	int rc, status;
	cairn_ctx *ctx;

	if ((status = change_options(argc, argv, alias_rm_usage, &message)))
		return status < 0 ? 0 : status;
	if (argc - optind != 2)
		return cli_usage_error(alias_rm_usage, "alias rm takes NAME ALIAS");
	if (!(ctx = cli_open_workspace(&status)))
		return status;
	if ((rc = cairn_registry_alias_remove(ctx, argv[optind], argv[optind + 1], message)))
		status = cli_fail(ctx, rc);
	else
		printf("Removed the alias %s of %s\n", cli_esc(argv[optind + 1]), cli_esc(argv[optind]));
	cairn_ctx_free(ctx);
	return status;
}

static const struct cli_command alias_commands[] = {
	{ "set", alias_set, "point an alias at a version" },
	{ "rm", alias_rm, "remove an alias" },
	{ NULL, NULL, NULL }
};

int models_alias(int argc, char **argv)
{
	return cli_dispatch("models alias",
			    "An alias (champion, staging, ...) names one active version of a model:\n"
			    "NAME@ALIAS.\n", alias_commands, argc, argv);
}

static const char tag_usage[] =
	"usage: cairn models tag NAME[@VERSION] [KEY=VALUE]... [--rm KEY]...\n"
	"                        [--message TEXT]\n"
	"\n"
	"Sets tags (KEY=VALUE) and removes tags (--rm KEY) on the model NAME or\n"
	"on one version (NAME@VERSION, NAME@ALIAS), in one transaction with one\n"
	"audit event. Keys have 1 to 250 characters and no control characters.\n"
	"\n"
	"Options:\n"
	"  --rm KEY            remove the tag KEY (repeatable)\n"
	"  -m, --message TEXT  recorded in the audit event\n"
	"  -h, --help          this help\n"
	"\n"
	"Exit status: 0 tagged; 2 usage (a tag that is not KEY=VALUE, a bad key);\n"
	"3 no workspace; 4 no such model, version or tag to remove.\n";

int models_tag(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "rm", required_argument, NULL, 'r' },
		{ "message", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char **rm = NULL, *message = NULL;
	size_t nrm = 0;
	int c, rc, status = 0;
	cairn_ctx *ctx;

	while ((c = cli_getopt(argc, argv, "hm:", opts)) != -1) {
		switch (c) {
		case 'r':
			rm = cairn_xrealloc(rm, (nrm + 1) * sizeof(*rm));
			rm[nrm++] = optarg;
			break;
		case 'm': message = optarg; break;
		case 'h': status = cli_help(tag_usage); goto out;
		default: status = cli_bad_option(tag_usage); goto out;
		}
	}
	if (argc - optind < 1 || (argc - optind == 1 && !nrm)) {
		status = cli_usage_error(tag_usage, "tag takes NAME[@VERSION] and KEY=VALUE or --rm KEY");
		goto out;
	}
	if (!(ctx = cli_open_workspace(&status)))
		goto out;
	if ((rc = cairn_registry_tag(ctx, argv[optind], (const char *const *)argv + optind + 1,
				     (size_t)(argc - optind - 1), rm, nrm, message)))
		status = cli_fail(ctx, rc);
	else
		printf("Tagged %s\n", cli_esc(argv[optind]));
	cairn_ctx_free(ctx);
out:
	free(rm);
	return status;
}

static const char describe_usage[] =
	"usage: cairn models describe NAME[@VERSION] TEXT [--message TEXT]\n"
	"\n"
	"Sets the description of the model NAME or of one version (its intended\n"
	"use, for the model card), with its audit event.\n"
	"\n"
	"Options:\n"
	"  -m, --message TEXT  recorded in the audit event\n"
	"  -h, --help          this help\n"
	"\n"
	"Exit status: 0 described; 2 usage; 3 no workspace; 4 no such model or\n"
	"version.\n";

int models_describe(int argc, char **argv)
{
	const char *message = NULL;
	int rc, status;
	cairn_ctx *ctx;

	if ((status = change_options(argc, argv, describe_usage, &message)))
		return status < 0 ? 0 : status;
	if (argc - optind != 2)
		return cli_usage_error(describe_usage, "describe takes NAME[@VERSION] TEXT");
	if (!(ctx = cli_open_workspace(&status)))
		return status;
	if ((rc = cairn_registry_describe(ctx, argv[optind], argv[optind + 1], message)))
		status = cli_fail(ctx, rc);
	else
		printf("Described %s\n", cli_esc(argv[optind]));
	cairn_ctx_free(ctx);
	return status;
}

static const char archive_usage[] =
	"usage: cairn models archive NAME VERSION [--restore] [--message TEXT]\n"
	"\n"
	"Archives version VERSION of the model NAME (or makes it active again\n"
	"with --restore), with its audit event. An archived version keeps its\n"
	"files and can still be opened as NAME@VERSION, but takes no alias and\n"
	"is not NAME@latest. A version that holds an alias cannot be archived.\n"
	"\n"
	"Options:\n"
	"  --restore           make the version active again\n"
	"  -m, --message TEXT  recorded in the audit event\n"
	"  -h, --help          this help\n"
	"\n"
	"Exit status: 0 done; 2 usage (the version holds an alias, or is already\n"
	"archived or active); 3 no workspace; 4 no such model or version.\n";

int models_archive(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "restore", no_argument, NULL, 'r' },
		{ "message", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *message = NULL;
	int64_t v;
	int c, rc, status = 0, restore = 0;
	cairn_ctx *ctx;

	while ((c = cli_getopt(argc, argv, "hm:", opts)) != -1) {
		switch (c) {
		case 'r': restore = 1; break;
		case 'm': message = optarg; break;
		case 'h': return cli_help(archive_usage);
		default: return cli_bad_option(archive_usage);
		}
	}
	if (argc - optind != 2)
		return cli_usage_error(archive_usage, "archive takes NAME VERSION");
	if ((status = parse_version(archive_usage, argv[optind + 1], &v)))
		return status;
	if (!(ctx = cli_open_workspace(&status)))
		return status;
	if ((rc = cairn_registry_archive(ctx, argv[optind], v, !restore, message)))
		status = cli_fail(ctx, rc);
	else
		printf("%s %s version %lld\n", restore ? "Restored" : "Archived",
		       cli_esc(argv[optind]), (long long)v);
	cairn_ctx_free(ctx);
	return status;
}

static const char rename_usage[] =
	"usage: cairn models rename OLD NEW [--message TEXT]\n"
	"\n"
	"Renames the model OLD to NEW; its id, versions, aliases, tags and audit\n"
	"events stay ('cairn models history' finds it under either name).\n"
	"\n"
	"Options:\n"
	"  -m, --message TEXT  recorded in the audit event\n"
	"  -h, --help          this help\n"
	"\n"
	"Exit status: 0 renamed; 1 NEW exists; 2 usage (a bad NEW); 3 no\n"
	"workspace; 4 no such model OLD.\n";

int models_rename(int argc, char **argv)
{
	const char *message = NULL;
	int rc, status;
	cairn_ctx *ctx;

	if ((status = change_options(argc, argv, rename_usage, &message)))
		return status < 0 ? 0 : status;
	if (argc - optind != 2)
		return cli_usage_error(rename_usage, "rename takes OLD NEW");
	if (!(ctx = cli_open_workspace(&status)))
		return status;
	if ((rc = cairn_registry_rename(ctx, argv[optind], argv[optind + 1], message)))
		status = cli_fail(ctx, rc);
	else
		printf("Renamed %s to %s\n", cli_esc(argv[optind]), cli_esc(argv[optind + 1]));
	cairn_ctx_free(ctx);
	return status;
}
