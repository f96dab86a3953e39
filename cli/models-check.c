/* cairn models check: runs the acceptance gates a model declares in
 * cairn.yaml on a candidate, against an optional holder, and prints the
 * gate report. */
#include <stdio.h>
#include <string.h>
#include "cairn/error.h"
#include "cairn/gates.h"
#include "cairn/workspace.h"
#include "cli/cli.h"
#include "cli/models-check.h"
#include "cli/output.h"
#include "core/fs.h"
#include "core/json.h"

static const char usage[] =
	"usage: cairn models check MODELREF [--against MODELREF] [--model NAME]\n"
	"                          [--config FILE] [--json]\n"
	"\n"
	"Runs the acceptance gates that the project file declares for a model\n"
	"(models: NAME: gates:) on the candidate MODELREF: metrics evaluated now on\n"
	"the holdout dataset version (overall and per slice), no regression against\n"
	"the holder (--against), the holdout's expectation suite, recorded checks\n"
	"of the training data, a smoke test of the input example, single-row\n"
	"latency, schema compatibility with the holder and fairness across groups.\n"
	"Prints one row per gate: gate, value, threshold, verdict, detail. Gates\n"
	"against the holder are skipped without --against.\n"
	"\n"
	"Options:\n"
	"  --against MODELREF  the current holder of the alias to compare with\n"
	"  --model NAME        the model of the project file whose gates run\n"
	"                      (default: the only one it declares)\n"
	"  --config FILE       the project file (default: cairn.yaml at the\n"
	"                      workspace root)\n"
	"  --json              print the gate report as JSON\n"
	"  -h, --help          this help\n"
	"\n"
	"Exit status: 0 every gate passed or was skipped; 1 a gate failed; 2 usage,\n"
	"or a gate that cannot apply to the model (a metric its task does not have);\n"
	"3 no workspace; 4 no such model, dataset or file; 5 a malformed project\n"
	"file (the message names the file, line, column and key) or suite.\n";

int cli_gates_config(cairn_ctx *ctx, const char **config_path, cairn_buf *path,
		     const char *model, struct cairn_gates_config **config)
{
	if (!*config_path) {
		cairn_path_join(path, cairn_workspace_root(ctx), "cairn.yaml");
		*config_path = path->buf;
	}
	return cairn_gates_config_load(ctx, *config_path, model, config);
}

void cli_gates_print(const json_t *report)
{
	cairn_buf table = CAIRN_BUF_INIT;
	char *line, *next;

	cairn_gates_table(report, &table);
	for (line = table.buf; *line; line = next) {
		next = strchr(line, '\n');
		*next++ = '\0';
		printf("%s\n", cli_esc(line));
	}
	cairn_buf_release(&table);
}

int models_check(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "against", required_argument, NULL, 'a' },
		{ "model", required_argument, NULL, 'm' },
		{ "config", required_argument, NULL, 'c' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct cairn_gates_options o = { 0 };
	struct cairn_gates_config *config = NULL;
	const char *config_path = NULL, *model = NULL;
	cairn_buf path = CAIRN_BUF_INIT;
	json_t *report = NULL;
	int c, json = 0, rc, status = 0, passed = 0;
	cairn_ctx *ctx;

	while ((c = cli_getopt(argc, argv, "h", opts)) != -1) {
		switch (c) {
		case 'a': o.holder = optarg; break;
		case 'm': model = optarg; break;
		case 'c': config_path = optarg; break;
		case 'j': json = 1; break;
		case 'h': return cli_help(usage);
		default: return cli_bad_option(usage);
		}
	}
	if (argc - optind != 1)
		return cli_usage_error(usage, "check takes one MODELREF");
	o.candidate = argv[optind];
	if (!(ctx = cli_open_workspace(&status)))
		return status;
	if ((rc = cli_gates_config(ctx, &config_path, &path, model, &config)))
		goto fail;
	o.config = config;
	if ((rc = cairn_gates_run(ctx, &o, &report, &passed)))
		goto fail;
	if (json) {
		cairn_json_print(stdout, report, 1);
	} else {
		printf("Gates of %s (%s) on %s", cli_esc(cairn_gates_config_model(config)),
		       cli_esc(config_path), cli_esc(o.candidate));
		if (o.holder)
			printf(" against %s", cli_esc(o.holder));
		printf("\n");
		cli_gates_print(report);
	}
	status = passed ? 0 : 1;
	goto out;
fail:
	status = cli_fail(ctx, rc);
out:
	json_decref(report);
	cairn_gates_config_free(config);
	cairn_buf_release(&path);
	cairn_ctx_free(ctx);
	return status;
}
