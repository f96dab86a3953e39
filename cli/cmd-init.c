/* cairn init: create a workspace. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "cairn/workspace.h"
#include "cli/cli.h"
#include "core/json.h"

static const char usage[] =
	"usage: cairn init [--nested] [--json] [DIR]\n"
	"\n"
	"Creates a cairn workspace: a .cairn/ directory holding the metadata\n"
	"store, the object store and the workspace settings. DIR defaults to\n"
	"CAIRN_DIR when that is set, else the current directory.\n"
	"\n"
	"Running it where a workspace already exists says so and changes\n"
	"nothing; so does running it inside a workspace's subdirectory, unless\n"
	"--nested asks for a separate workspace there. A workspace left half-made\n"
	"by an interrupted init is completed. The workspace records your umask:\n"
	"its files are created with it, whoever adds to it later.\n"
	"\n"
	"Options:\n"
	"  --nested    create a workspace even inside another one\n"
	"  --json      print the result as JSON\n"
	"  -h, --help  this help\n";

int cmd_init(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "nested", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *dir = NULL;
	cairn_ctx *ctx;
	enum cairn_init_result result;
	mode_t mask;
	int json = 0, nested = 0, rc, c;

	while ((c = cli_getopt(argc, argv, "h", opts)) != -1) {
		switch (c) {
		case 'j': json = 1; break;
		case 'n': nested = 1; break;
		case 'h': return cli_help(usage);
		default: return cli_bad_option(usage);
		}
	}
	if (argc - optind > 1)
		return cli_usage_error(usage, "init takes at most one directory");
	if (optind < argc)
		dir = argv[optind];
	else if (getenv("CAIRN_DIR") && *getenv("CAIRN_DIR"))
		dir = getenv("CAIRN_DIR");
	else
		dir = ".";

	ctx = cli_new_context();
	/* The workspace keeps its maker's umask (read by setting it back). */
	mask = umask(022);
	umask(mask);
	rc = cairn_workspace_init_umask(ctx, dir, nested, (unsigned)mask, &result);
	if (rc) {
		rc = cli_fail(ctx, rc);
		cairn_ctx_free(ctx);
		return rc;
	}
	if (json) {
		static const char *const names[] = { "created", "existed", "enclosed" };
		json_t *o = json_pack("{s:s, s:s, s:b, s:s}", "root", cairn_workspace_root(ctx),
				      "dir", cairn_workspace_dir(ctx), "created",
				      result == CAIRN_INIT_CREATED, "result", names[result]);
		cairn_json_print(stdout, o, 1);
		json_decref(o);
	} else if (result == CAIRN_INIT_CREATED) {
		printf("Initialized cairn workspace in %s\n", cairn_workspace_dir(ctx));
	} else if (result == CAIRN_INIT_EXISTED) {
		printf("A cairn workspace already exists in %s; nothing changed\n",
		       cairn_workspace_dir(ctx));
	} else {
		printf("Already inside the cairn workspace in %s; nothing changed\n"
		       "(use 'cairn init --nested' for a separate workspace here)\n",
		       cairn_workspace_dir(ctx));
	}
	cairn_ctx_free(ctx);
	return 0;
}
