/* cairn models: models as packages and the model registry; one subcommand
 * per row of the table below (the registry's in cli/models-*.c). */
#include <stdio.h>
#include <string.h>
#include "cairn/error.h"
#include "cairn/import.h"
#include "cairn/registry.h"
#include "cli/cli.h"
#include "cli/models-check.h"
#include "cli/models.h"
#include "core/json.h"

static const char import_usage[] =
	"usage: cairn models import PATH [--name NAME] [--signature 'COL:TYPE,...']\n"
	"                           [--target-labels A,B,...] [--experiment NAME]\n"
	"                           [--register NAME] [--json]\n"
	"\n"
	"Imports a model trained elsewhere as a cairn model package, the artifact\n"
	"'model' of a new FINISHED run (experiment 'imports', params source and\n"
	"format), so that the run works as a MODELREF with 'cairn predict'. PATH is\n"
	"an MLflow model directory with the xgboost flavor, an XGBoost model file\n"
	"(.json, .ubj, or the older binary .xgb/.bin/.model) or a liblinear model\n"
	"file. The input columns come from the MLflow signature or --signature\n"
	"(required for a file): one numeric column per model feature, in order,\n"
	"passed to the model unchanged. The task follows from the model; classes\n"
	"are --target-labels or 0, 1, ...\n"
	"\n"
	"Options:\n"
	"  --name NAME            the run's name (default: PATH's base name)\n"
	"  --signature SPEC       the input columns: NAME:TYPE,... with TYPE one of\n"
	"                         double, float, long, integer, boolean, datetime\n"
	"  --target-labels A,B    the class names, class 0 first, in ascending order\n"
	"  --experiment NAME      the run's experiment (default: imports)\n"
	"  --register NAME        register the package as the next version of the\n"
	"                         model NAME (see 'cairn models register')\n"
	"  --json                 print {run_id, source, format, algorithm, task,\n"
	"                         features, classes} as JSON\n"
	"  -h, --help             this help\n"
	"\n"
	"Exit status: 0 imported; 2 usage (a bad or missing signature, a feature\n"
	"count that does not match, labels of the wrong count or order, an MLmodel\n"
	"without the xgboost flavor); 3 no workspace; 4 no such PATH; 5 a file in\n"
	"no known format or a malformed model.\n";

/* The library names the signature and the labels; say which flags give them. */
static void import_advice(cairn_ctx *ctx, int rc)
{
	const char *msg = cairn_errmsg(ctx);

	if (rc != CAIRN_EINVAL)
		return;
	if (strstr(msg, "signature"))
		fputs("cairn: hint: give the input columns with --signature 'col:double,...'\n", stderr);
	else if (strstr(msg, "labels"))
		fputs("cairn: hint: give the class labels with --target-labels A,B,...\n", stderr);
}

static int models_import(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "name", required_argument, NULL, 'n' },
		{ "signature", required_argument, NULL, 's' },
		{ "target-labels", required_argument, NULL, 'l' },
		{ "experiment", required_argument, NULL, 'e' },
		{ "register", required_argument, NULL, 'r' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct cairn_import_options o = { 0 };
	struct cairn_import_result res = { 0 };
	const char *register_name = NULL;
	long long version = 0;
	int c, json = 0, rc, status = 0;
	cairn_ctx *ctx;

	while ((c = cli_getopt(argc, argv, "h", opts)) != -1) {
		switch (c) {
		case 'r': register_name = optarg; break;
		case 'n': o.name = optarg; break;
		case 's': o.signature = optarg; break;
		case 'l': o.labels = optarg; break;
		case 'e': o.experiment = optarg; break;
		case 'j': json = 1; break;
		case 'h': return cli_help(import_usage);
		default: return cli_bad_option(import_usage);
		}
	}
	if (argc - optind != 1)
		return cli_usage_error(import_usage, "import takes one PATH");
	o.path = argv[optind];
	if (!(ctx = cli_open_workspace(&status)))
		return status;
	if (register_name && (rc = cairn_registry_name_check(ctx, register_name))) {
		status = cli_fail(ctx, rc);
	} else if ((rc = cairn_import(ctx, &o, &res))) {
		if (*res.run_id)
			fprintf(stderr, "cairn: run %s FAILED\n", res.run_id);
		status = cli_fail(ctx, rc);
		import_advice(ctx, rc);
	} else if (register_name &&
		   (status = cli_register_run(ctx, register_name, res.run_id, json, &version))) {
		fprintf(stderr, "cairn: imported as run %s, which was not registered\n", res.run_id);
	} else if (json) {
		if (register_name)
			json_object_set_new(res.summary, "registered", json_pack("{s:s, s:I}", "name",
				register_name, "version", (json_int_t)version));
		cairn_json_print(stdout, res.summary, 1);
	} else {
		const json_t *classes = json_object_get(res.summary, "classes");
		printf("Imported %s (%s, %s %s, %zu features) as run %s\n", o.path,
		       json_string_value(json_object_get(res.summary, "format")),
		       json_string_value(json_object_get(res.summary, "algorithm")),
		       json_string_value(json_object_get(res.summary, "task")),
		       json_array_size(json_object_get(res.summary, "features")), res.run_id);
		if (classes)
			printf("  %zu classes\n", json_array_size(classes));
		printf("The model package is the run's artifact 'model': cairn predict %s --data FILE\n",
		       res.run_id);
	}
	json_decref(res.summary);
	cairn_ctx_free(ctx);
	return status;
}

static const struct cli_command models_commands[] = {
	{ "import", models_import, "import an MLflow xgboost, XGBoost or liblinear model as a run" },
	{ "check", models_check, "run a model's acceptance gates from cairn.yaml on a candidate" },
	{ "card", models_card, "write a model card (Markdown or HTML) from a package and its lineage" },
	{ "register", models_register, "register a run's or a directory's package as a new version" },
	{ "list", models_list, "list the registered models" },
	{ "show", models_show, "show a registered model or one of its versions" },
	{ "promote", models_promote, "move an alias to a version through the gates of cairn.yaml" },
	{ "alias", models_alias, "set or remove an alias (NAME@ALIAS) of a version" },
	{ "tag", models_tag, "set or remove tags of a model or version" },
	{ "describe", models_describe, "set the description of a model or version" },
	{ "archive", models_archive, "archive a version, or restore it" },
	{ "rename", models_rename, "rename a registered model" },
	{ "history", models_history, "the audit events of a model" },
	{ "audit", models_audit, "the registry's audit log, and --verify its hash chain" },
	{ NULL, NULL, NULL }
};

int cmd_models(int argc, char **argv)
{
	return cli_dispatch("models",
			    "A model is a package: a run's artifact 'model' (from 'cairn train' or\n"
			    "'cairn models import') or a directory holding an MLmodel. The registry\n"
			    "names packages and numbers their versions (NAME@3), points aliases at\n"
			    "them (NAME@champion) and audits every change.\n",
			    models_commands, argc, argv);
}
