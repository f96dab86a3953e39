/* cairn object: plumbing for the object store (put, get, list), like git's
 * hash-object and cat-file. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cairn/error.h"
#include "cairn/id.h"
#include "cairn/objects.h"
#include "cairn/workspace.h"
#include "cli/cli.h"
#include "cli/signals.h"
#include "core/json.h"
#include "core/progress.h"

static const char usage[] =
	"usage: cairn object (put | get | list) [OPTIONS] [ARGS]\n"
	"\n"
	"Plumbing for the object store: immutable blobs under .cairn/objects/,\n"
	"each named by the SHA-256 of its content and stored once.\n"
	"\n"
	"Commands:\n"
	"  put FILE... | -   store files (or standard input) and print their hashes\n"
	"  get HASH [DEST]   write an object to DEST or to standard output\n"
	"  list              list the stored objects\n"
	"\n"
	"Run 'cairn object COMMAND --help' for the options of one.\n";

static const char put_usage[] =
	"usage: cairn object put [--json] (FILE... | -)\n"
	"\n"
	"Stores each FILE ('-' for standard input) in the object store and prints\n"
	"its SHA-256, one line per argument. Content that is stored already is\n"
	"not stored again. Files are streamed: memory use does not depend on\n"
	"their size. Each object is written to a temporary file and renamed into\n"
	"place, so an interrupted put leaves no partial object. The first argument\n"
	"that cannot be stored stops the command; those before it are stored.\n"
	"\n"
	"Options:\n"
	"  --json      print a JSON array of {path, hash, size, existed}\n"
	"  -h, --help  this help\n";

static const char get_usage[] =
	"usage: cairn object get [--link TYPE[,TYPE...]] [--force] [--json] HASH [DEST]\n"
	"\n"
	"Writes the object HASH (the full hash, or a unique prefix of 4 or more\n"
	"hex digits) to DEST atomically, or to standard output when DEST is not\n"
	"given. A DEST that exists is replaced only with --force; one that is not\n"
	"a regular file, or is inside .cairn, never (see docs/outputs.md).\n"
	"\n"
	"The link types are tried in order until the file system accepts one:\n"
	"  reflink   a copy-on-write clone (btrfs, XFS): instant and independent\n"
	"  hardlink  a second name for the stored file: read-only, and changing it\n"
	"            in place (chmod, then edit) would corrupt the store\n"
	"  symlink   a symbolic link to the stored file (read-only as well)\n"
	"  copy      an independent copy; always works\n"
	"The default is the workspace setting link_types in .cairn/config\n"
	"(\"reflink,copy\" in a new workspace).\n"
	"\n"
	"Options:\n"
	"  --link TYPES  link types to try, comma-separated\n"
	"  --force       replace DEST if it exists\n"
	"  --json        print {hash, path, link} once DEST is written\n"
	"  -h, --help    this help\n";

static const char list_usage[] =
	"usage: cairn object list [--json]\n"
	"\n"
	"Lists the objects recorded in the metadata store in hash order: the hash,\n"
	"the size in bytes and when it was first stored (UTC).\n"
	"\n"
	"Options:\n"
	"  --json      print a JSON array of {hash, size, created_at}\n"
	"  -h, --help  this help\n";

static int object_put(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct cairn_object_put_result res;
	json_t *out = NULL;
	cairn_ctx *ctx;
	int json = 0, stdin_seen = 0, status = 0, rc, c;

	while ((c = cli_getopt(argc, argv, "h", opts)) != -1) {
		switch (c) {
		case 'j': json = 1; break;
		case 'h': return cli_help(put_usage);
		default: return cli_bad_option(put_usage);
		}
	}
	if (optind == argc)
		return cli_usage_error(put_usage, "put needs a file to store (or '-' for standard input)");
	for (int i = optind; i < argc; i++)
		if (!strcmp(argv[i], "-") && stdin_seen++)
			return cli_usage_error(put_usage, "'-' (standard input) can be given only once");
	if (!(ctx = cli_open_workspace(&status)))
		return status;
	if (json) {
		cairn_ctx_set_progress(ctx, NULL, NULL);
		out = json_array();
	}
	for (int i = optind; i < argc; i++) {
		if (!strcmp(argv[i], "-"))
			rc = cairn_object_put_fd(ctx, STDIN_FILENO, "standard input", &res);
		else
			rc = cairn_object_put_file(ctx, argv[i], &res);
		if (rc) {
			status = cli_fail(ctx, rc);
			goto out;
		}
		if (json)
			json_array_append_new(out, json_pack("{s:s, s:s, s:I, s:b}", "path", argv[i],
							     "hash", res.hash, "size",
							     (json_int_t)res.size, "existed",
							     res.existed));
		else
			printf("%s\n", res.hash);
	}
	if (json)
		cairn_json_print(stdout, out, 1);
out:
	json_decref(out);
	cairn_ctx_free(ctx);
	return status;
}

static int object_get(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "link", required_argument, NULL, 'l' },
		{ "force", no_argument, NULL, 'f' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	enum cairn_link_type types[CAIRN_LINK_MAX], used;
	unsigned flags = 0;
	const char *links = NULL, *dest = NULL;
	char hash[CAIRN_HEX_LEN + 1];
	cairn_ctx *ctx;
	int json = 0, ntypes = 0, status = 0, rc, c;

	while ((c = cli_getopt(argc, argv, "h", opts)) != -1) {
		switch (c) {
		case 'l': links = optarg; break;
		case 'f': flags |= CAIRN_OUTPUT_FORCE; break;
		case 'j': json = 1; break;
		case 'h': return cli_help(get_usage);
		default: return cli_bad_option(get_usage);
		}
	}
	if (optind == argc)
		return cli_usage_error(get_usage, "get needs the hash of an object");
	if (argc - optind > 2)
		return cli_usage_error(get_usage, "get takes a hash and at most one destination");
	if (argc - optind == 2)
		dest = argv[optind + 1];
	if (!dest && (links || json || flags))
		return cli_usage_error(get_usage, "%s needs a destination file",
				       links ? "--link" : json ? "--json" : "--force");
	if (!(ctx = cli_open_workspace(&status)))
		return status;
	cli_cancel_on_signals(ctx);
	if (links && (rc = cairn_link_types_parse(ctx, links, types, &ntypes))) {
		status = cli_usage_error(get_usage, "%s", cairn_errmsg(ctx));
		goto out;
	}
	if ((rc = cairn_object_resolve(ctx, argv[optind], hash)))
		goto fail;
	if (!dest) {
		if ((rc = cairn_object_write_to_fd(ctx, hash, STDOUT_FILENO)))
			goto fail;
		goto out;
	}
	if (!links && (rc = cairn_workspace_link_types(ctx, types, &ntypes)))
		goto fail;
	if ((rc = cairn_object_checkout(ctx, hash, dest, types, ntypes, flags, &used)))
		goto fail;
	if (json) {
		json_t *o = json_pack("{s:s, s:s, s:s}", "hash", hash, "path", dest, "link",
				      cairn_link_type_name(used));
		cairn_json_print(stdout, o, 1);
		json_decref(o);
	}
	goto out;
fail:
	status = cli_fail_output(ctx, rc);
out:
	cairn_ctx_free(ctx);
	return status;
}

struct list_state {
	int json;
	int first;
	cairn_buf line;
};

static int print_object(const struct cairn_object_info *info, void *arg)
{
	struct list_state *s = arg;
	char ts[32];

	cairn_format_time(info->created_ms, ts);
	cairn_buf_reset(&s->line);
	if (s->json) {
		json_t *o = json_pack("{s:s, s:I, s:s}", "hash", info->hash, "size",
				      (json_int_t)info->size, "created_at", ts);
		cairn_buf_adds(&s->line, s->first ? "  " : ",\n  ");
		cairn_json_append(&s->line, o, 0);
		json_decref(o);
	} else {
		cairn_buf_addf(&s->line, "%s %12llu %s\n", info->hash,
			       (unsigned long long)info->size, ts);
	}
	s->first = 0;
	fwrite(s->line.buf, 1, s->line.len, stdout);
	return 0;
}

static int object_list(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct list_state s = { 0, 1, CAIRN_BUF_INIT };
	cairn_ctx *ctx;
	int status = 0, rc, c;

	while ((c = cli_getopt(argc, argv, "h", opts)) != -1) {
		switch (c) {
		case 'j': s.json = 1; break;
		case 'h': return cli_help(list_usage);
		default: return cli_bad_option(list_usage);
		}
	}
	if (optind < argc)
		return cli_usage_error(list_usage, "list takes no arguments");
	if (!(ctx = cli_open_workspace(&status)))
		return status;
	if (s.json)
		fputs("[\n", stdout);
	rc = cairn_object_list(ctx, print_object, &s);
	if (s.json)
		fputs(s.first ? "]\n" : "\n]\n", stdout);
	if (rc)
		status = cli_fail(ctx, rc);
	cairn_buf_release(&s.line);
	cairn_ctx_free(ctx);
	return status;
}

int cmd_object(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(int argc, char **argv);
	} subs[] = {
		{ "put", object_put },
		{ "get", object_get },
		{ "list", object_list },
	};

	if (argc < 2)
		return cli_usage_error(usage, "object needs a command: put, get or list");
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))
		return cli_help(usage);
	for (size_t i = 0; i < sizeof(subs) / sizeof(subs[0]); i++) {
		if (!strcmp(argv[1], subs[i].name)) {
			cli_reset_getopt();
			return subs[i].fn(argc - 1, argv + 1);
		}
	}
	return cli_usage_error(usage, "'%s' is not an object command (put, get or list)",
			       argv[1]);
}
