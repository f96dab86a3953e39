/* cairn lineage: walk the lineage graph up or down from a run, dataset
 * version or artifact, and print it as a tree, JSON, DOT or OpenLineage. */
#include <stdio.h>
#include <string.h>
#include "cairn/error.h"
#include "cairn/lineage.h"
#include "cairn/predictions.h"
#include "cli/cli.h"
#include "cli/output.h"
#include "core/json.h"

static const char usage[] =
	"usage: cairn lineage REF [--up | --down | --both] [--depth N]\n"
	"                         [--format text|json|dot|openlineage] [--ascii]\n"
	"\n"
	"Shows where REF came from (--up, the default: the data a run used, the\n"
	"run that generated a dataset version or artifact, the versions a split\n"
	"was derived from, ...) or what came of it (--down), following the edges\n"
	"used, generated, derived_from and reproduces (W3C PROV) to the origins,\n"
	"or --depth hops. Each node is shown once; a node met again is named\n"
	"\"(see above)\".\n"
	"\n"
	"REF is a run id or unique prefix, a dataset reference (NAME, NAME@N,\n"
	"NAME@HASH, or a version id prefix), an artifact RUN/PATH, or a\n"
	"registered model version (NAME@V, NAME@ALIAS, NAME@latest, models:/...),\n"
	"or a served prediction, prediction:REQUEST_ID (its record in the\n"
	"prediction log, then the deployment that answered it, the model version,\n"
	"its run, data and code). Prefix it with run:, dataset:, artifact: or\n"
	"model: when it could name more than one.\n"
	"\n"
	"Options:\n"
	"  --up             toward the origins (default)\n"
	"  --down           toward what was made from REF\n"
	"  --both           both ways\n"
	"  --depth N        at most N hops from REF (default: no limit)\n"
	"  --format F       text (a tree, default), json ({nodes, edges}), dot\n"
	"                   (a Graphviz digraph) or openlineage (OpenLineage 2-0-2\n"
	"                   RunEvents of every run in the graph, one per line)\n"
	"  --ascii          draw the text tree with ASCII characters only\n"
	"  -h, --help       this help\n"
	"\n"
	"Exit status: 0 success, 2 usage, 3 no workspace, 4 REF not found or\n"
	"ambiguous.\n";

enum format { TEXT, JSON, DOT, OPENLINEAGE };

int cmd_lineage(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "up", no_argument, NULL, 'u' },
		{ "down", no_argument, NULL, 'd' },
		{ "both", no_argument, NULL, 'b' },
		{ "depth", required_argument, NULL, 'D' },
		{ "format", required_argument, NULL, 'f' },
		{ "ascii", no_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	static const char *const formats[] = { "text", "json", "dot", "openlineage" };
	struct cairn_lineage_options lo = { 0, -1 };
	struct cairn_lineage_graph g = { 0 };
	cairn_buf out = CAIRN_BUF_INIT;
	unsigned long long depth;
	enum format format = TEXT;
	int c, rc = 0, status = 0, ascii = 0, ndirs = 0;
	cairn_ctx *ctx = NULL;

	while ((c = cli_getopt(argc, argv, "h", opts)) != -1) {
		switch (c) {
		case 'u': lo.dir = CAIRN_LINEAGE_UP; ndirs++; break;
		case 'd': lo.dir = CAIRN_LINEAGE_DOWN; ndirs++; break;
		case 'b': lo.dir = CAIRN_LINEAGE_BOTH; ndirs++; break;
		case 'D':
			if ((status = cli_parse_uint(usage, "--depth", optarg, &depth)))
				return status;
			lo.max_depth = depth > 1000000 ? 1000000 : (int)depth;
			break;
		case 'f': {
			size_t i;
			for (i = 0; i < 4 && strcmp(optarg, formats[i]); i++)
				;
			if (i == 4)
				return cli_usage_error(usage, "--format is text, json, dot or openlineage,"
						       " not '%s'", optarg);
			format = (enum format)i;
			break;
		}
		case 'a': ascii = 1; break;
		case 'h': return cli_help(usage);
		default: return cli_bad_option(usage);
		}
	}
	if (ndirs > 1)
		return cli_usage_error(usage, "give one of --up, --down and --both");
	if (argc - optind != 1)
		return cli_usage_error(usage, argc - optind ? "lineage takes one reference"
				       : "whose lineage? (give a run, dataset or artifact reference)");
	if (!(ctx = cli_open_workspace(&status)))
		return status;
	if ((rc = cairn_predictions_lineage_walk(ctx, argv[optind], &lo, &g)))
		goto fail;
	switch (format) {
	case TEXT: {
		/* Names and paths come from the store: escaped for the terminal. */
		cairn_buf text = CAIRN_BUF_INIT;
		cairn_lineage_format_text(&g, ascii, &text);
		cli_esc_add(&out, text.buf, 1);
		cairn_buf_release(&text);
		break;
	}
	case JSON: {
		json_t *o = cairn_lineage_json(&g);
		cairn_json_append(&out, o, 1);
		cairn_buf_addch(&out, '\n');
		json_decref(o);
		break;
	}
	case DOT:
		cairn_lineage_format_dot(&g, &out);
		break;
	case OPENLINEAGE:
		if ((rc = cairn_lineage_openlineage(ctx, &g, &out)))
			goto fail;
		break;
	}
	if (fwrite(out.buf, 1, out.len, stdout) != out.len || fflush(stdout)) {
		rc = cairn_error_errno(ctx, "cannot write the lineage to standard output");
		goto fail;
	}
	goto out;
fail:
	status = cli_fail(ctx, rc);
out:
	cairn_lineage_graph_release(&g);
	cairn_buf_release(&out);
	cairn_ctx_free(ctx);
	return status;
}
