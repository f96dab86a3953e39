/* cairn models card: a model card, Markdown or one HTML file, written from
 * the model package and what the workspace records about it
 * (include/cairn/card.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cairn/card.h"
#include "cairn/error.h"
#include "cli/cli.h"
#include "core/json.h"

static const char usage[] =
	"usage: cairn models card MODELREF [--format md|html] [--out FILE] [--force]\n"
	"                         [--by COL]... [--json]\n"
	"\n"
	"Writes the model card of a model package (a registered version NAME@V,\n"
	"NAME@ALIAS, NAME@latest or models:/..., a run id or prefix, RUN/PATH, or\n"
	"a package directory), in the sections of the Model Cards paper:\n"
	"model details (algorithm, params, signature, classes, the training run,\n"
	"its code commit and environment, the package's files and hashes),\n"
	"intended use, factors, metrics, evaluation data and training data\n"
	"(dataset versions, content hashes, key profile figures per column, how\n"
	"each was derived), quantitative analyses (the model evaluated again on\n"
	"its test data: metrics per slice and the evaluation plots), ethical\n"
	"considerations and caveats (from the training run's tags\n"
	"intended_use, factors, sensitive_columns, ethical_considerations,\n"
	"limitations, known_limits, caveats). For a registered version, also\n"
	"what the registry records (name, version, aliases, status, source,\n"
	"description as the intended use, tags) and its gate reports from the\n"
	"audit log (the gates of the latest one in the table). What was not\n"
	"recorded is said so, with how to record it.\n"
	"\n"
	"Options:\n"
	"  --format md|html  Markdown (default) or one self-contained HTML file\n"
	"                    (style and SVG plots inline)\n"
	"  --out FILE        write to FILE instead of standard output\n"
	"  --force           replace FILE if it exists\n"
	"  --by COL          also the metrics per value of COL of the test data\n"
	"                    (repeatable)\n"
	"  --json            print the facts the card is written from, as JSON\n"
	"  -h, --help        this help\n"
	"\n"
	"Exit status: 0 written; 2 usage (or a --by column the test data lacks);\n"
	"3 no workspace; 4 no such model; 5 a malformed package; 6 a registered\n"
	"version whose files are not in the object store; 1 FILE exists without\n"
	"--force, or another error.\n";

int models_card(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'F' },
		{ "out", required_argument, NULL, 'o' },
		{ "force", no_argument, NULL, 'f' },
		{ "by", required_argument, NULL, 'b' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct cairn_card_options co = { 0 };
	enum cairn_card_format format = CAIRN_CARD_MARKDOWN;
	const char *out = NULL, **by = NULL;
	int c, json = 0, force = 0, rc = 0, status = 0;
	cairn_buf text = CAIRN_BUF_INIT;
	cairn_card *card = NULL;
	cairn_ctx *ctx;

	while ((c = cli_getopt(argc, argv, "h", opts)) != -1) {
		switch (c) {
		case 'F':
			if (!strcmp(optarg, "md") || !strcmp(optarg, "markdown"))
				format = CAIRN_CARD_MARKDOWN;
			else if (!strcmp(optarg, "html"))
				format = CAIRN_CARD_HTML;
			else
				return cli_usage_error(usage, "--format takes md or html, not '%s'", optarg);
			break;
		case 'o': out = optarg; break;
		case 'f': force = 1; break;
		case 'b':
			by = cairn_xrealloc(by, (co.nby + 1) * sizeof(*by));
			by[co.nby++] = optarg;
			break;
		case 'j': json = 1; break;
		case 'h': free(by); return cli_help(usage);
		default: free(by); return cli_bad_option(usage);
		}
	}
	co.by = by;
	if (argc - optind != 1) {
		free(by);
		return cli_usage_error(usage, "card takes one MODELREF");
	}
	if (!(ctx = cli_open_workspace(&status))) {
		free(by);
		return status;
	}
	if ((out && (rc = cli_output_check(ctx, out, force))) ||
	    (rc = cairn_card_build(ctx, argv[optind], &co, &card)))
		goto fail;
	if (json) {
		cairn_json_append(&text, cairn_card_facts(card), 1);
		cairn_buf_addch(&text, '\n');
	} else
		cairn_card_render(card, format, &text);
	if (!out) {
		fwrite(text.buf, 1, text.len, stdout);
		goto done;
	}
	if ((rc = cli_output_write(ctx, out, text.buf, text.len, force)))
		goto fail;
	printf("Wrote the model card of %s to %s\n", argv[optind], out);
	goto done;
fail:
	status = cli_fail_output(ctx, rc);
	if (rc == CAIRN_EINVAL && strstr(cairn_errmsg(ctx), "cannot slice by"))
		fputs("cairn: hint: --by names a column of the model's test data\n", stderr);
done:
	cairn_card_free(card);
	cairn_buf_release(&text);
	free(by);
	cairn_ctx_free(ctx);
	return status;
}
