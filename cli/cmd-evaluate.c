/* cairn evaluate: the metrics of a model package on labelled data, per
 * slice, with plots; logged to the current run when there is one. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cairn/error.h"
#include "cairn/model-eval.h"
#include "cairn/registry.h"
#include "cairn/run.h"
#include "cli/cli.h"
#include "cli/output.h"
#include "core/fs.h"
#include "core/json.h"
#include "ml/model-internal.h"

static const char usage[] =
	"usage: cairn evaluate MODELREF --data FILE|REF [--by COL] [--plots DIR [--force]]\n"
	"                      [--seed N] [--json]\n"
	"\n"
	"Evaluates the model package MODELREF (a directory, a registered version\n"
	"NAME@VERSION, NAME@ALIAS, NAME@latest or models:/..., a run or RUN/PATH)\n"
	"on labelled rows: a file (CSV, TSV,\n"
	"JSON lines) or a dataset version, which must hold the model's input\n"
	"columns and its target (not for clustering).\n"
	"\n"
	"Classification: accuracy, balanced accuracy, precision, recall and F1\n"
	"(per class, macro and weighted), ROC AUC (binary, or one-vs-rest macro and\n"
	"weighted), log loss, the confusion matrix. Regression: RMSE, MAE, R²,\n"
	"MAPE. Clustering: inertia and silhouette.\n"
	"\n"
	"Inside a run (CAIRN_RUN_ID, e.g. under 'cairn run'), every number is\n"
	"logged to it as a metric eval_..., the plots as artifacts under plots/,\n"
	"and a dataset version as an input (context test).\n"
	"\n"
	"Options:\n"
	"  --data FILE|REF  the labelled rows\n"
	"  --by COL         also every metric per value of COL\n"
	"  --plots DIR      write SVG plots: roc, pr, confusion (classification),\n"
	"                   residuals (regression), importance (when the model has it)\n"
	"  --force          replace plots that exist in DIR\n"
	"  --seed N         the seed of the silhouette's sample (large clusterings)\n"
	"  --json           print the metrics as JSON\n"
	"  -h, --help       this help\n"
	"\n"
	"Cross-validated figures (per fold, mean and std) come from\n"
	"'cairn train --cv K'.\n";

static void print_number(const char *name, const json_t *v)
{
	if (json_is_number(v))
		printf("  %-20s %.6g\n", name, json_number_value(v));
}

static void print_metrics(const json_t *m)
{
	static const char *const top[] = { "rows", "accuracy", "balanced_accuracy", "roc_auc",
					   "roc_auc_weighted", "log_loss", "precision", "recall", "f1",
					   "rmse", "mae", "r2", "mape", "max_error", "inertia",
					   "silhouette", "clusters" };
	const json_t *cm = json_object_get(m, "confusion_matrix"), *v;
	const char *key;

	for (size_t i = 0; i < sizeof(top) / sizeof(top[0]); i++)
		print_number(top[i], json_object_get(m, top[i]));
	if (json_object_get(m, "macro")) {
		printf("  %-20s %9s %9s %9s\n", "", "precision", "recall", "f1");
		const char *avg[] = { "macro", "weighted" };
		for (size_t a = 0; a < 2; a++) {
			const json_t *o = json_object_get(m, avg[a]);
			printf("  %-20s %9.4f %9.4f %9.4f\n", avg[a],
			       json_number_value(json_object_get(o, "precision")),
			       json_number_value(json_object_get(o, "recall")),
			       json_number_value(json_object_get(o, "f1")));
		}
		json_object_foreach((json_t *)json_object_get(m, "per_class"), key, v)
			printf("  %-20s %9.4f %9.4f %9.4f  (%lld rows)\n", key,
			       json_number_value(json_object_get(v, "precision")),
			       json_number_value(json_object_get(v, "recall")),
			       json_number_value(json_object_get(v, "f1")),
			       (long long)json_integer_value(json_object_get(v, "support")));
	}
	if (json_is_array(cm)) {
		size_t i, j;
		json_t *row, *cell;
		printf("  confusion matrix (rows: true, columns: predicted)\n");
		json_array_foreach(cm, i, row) {
			printf("   ");
			json_array_foreach(row, j, cell)
				printf(" %6lld", (long long)json_integer_value(cell));
			printf("\n");
		}
	}
}

int cmd_evaluate(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "data", required_argument, NULL, 'd' },
		{ "by", required_argument, NULL, 'b' },
		{ "plots", required_argument, NULL, 'p' },
		{ "seed", required_argument, NULL, 's' },
		{ "force", no_argument, NULL, 'f' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct cairn_model_eval_options eo = { 0 };
	const char *data = NULL, *run_ref = NULL;
	char run_id[CAIRN_ID_LEN + 1];
	cairn_buf tmp = CAIRN_BUF_INIT;
	int c, json = 0, rc, status = 0, is_dataset = 0, own_tmp = 0;
	struct cairn_frame *f = NULL;
	cairn_model *m = NULL;
	cairn_run *run = NULL;
	unsigned long long u;
	json_t *metrics = NULL;
	cairn_ctx *ctx;

	while ((c = cli_getopt(argc, argv, "h", opts)) != -1) {
		switch (c) {
		case 'd': data = optarg; break;
		case 'b': eo.by = optarg; break;
		case 'p': eo.plots_dir = optarg; break;
		case 's':
			if ((rc = cli_parse_uint(usage, "--seed", optarg, &u)))
				return rc;
			eo.seed = u;
			break;
		case 'f': eo.plots_flags |= CAIRN_OUTPUT_FORCE; break;
		case 'j': json = 1; break;
		case 'h': return cli_help(usage);
		default: return cli_bad_option(usage);
		}
	}
	if (argc - optind != 1 || !data)
		return cli_usage_error(usage, "evaluate needs MODELREF and --data");
	if (!(ctx = cli_open_workspace_for_model(argv[optind], &status)))
		return status;
	if ((rc = cli_current_run(ctx, run_id, &run_ref)) ||
	    (run_ref && (rc = cairn_run_attach(ctx, run_ref, &run))))
		goto fail;
	if (run && !eo.plots_dir) {
		/* Inside a run the plots are artifacts even when not asked for. */
		if ((rc = cairn_make_temp_dir(ctx, "cairn-eval", &tmp)))
			goto fail;
		own_tmp = 1;
		eo.plots_dir = tmp.buf;
	}
	if ((rc = cairn_registry_model_open(ctx, argv[optind], &m)) ||
	    (rc = cli_load_data(ctx, data, &f, &is_dataset)) ||
	    (rc = cairn_model_evaluate(ctx, m, f, &eo, &metrics)))
		goto fail;
	if (run) {
		cairn_run_log_metric_tree(run, "eval", metrics);
		if ((is_dataset && (rc = cairn_run_log_input(run, data, "test"))) ||
		    (json_array_size(json_object_get(metrics, "plots")) &&
		     (rc = cairn_run_log_artifact(run, eo.plots_dir, "plots"))))
			goto fail;
	}
	if (json)
		cairn_json_print(stdout, metrics, 1);
	else {
		const char *key;
		json_t *v;
		printf("%s on %s (%s)\n", argv[optind], data,
		       cairn_task_name(cairn_prep_task(cairn_model_prep(m))));
		print_metrics(metrics);
		json_object_foreach(json_object_get(metrics, "slices"), key, v) {
			printf("slice %s = %s\n", cli_esc(eo.by), cli_esc(key));
			print_metrics(v);
		}
		if (json_array_size(json_object_get(metrics, "plots")) && !own_tmp)
			printf("plots written to %s\n", eo.plots_dir);
	}
	goto done;
fail:
	status = cli_fail_output(ctx, rc);
done:
	if (own_tmp)
		cairn_remove_tree(tmp.buf);
	cairn_buf_release(&tmp);
	json_decref(metrics);
	cairn_frame_free(f);
	cairn_model_free(m);
	cairn_run_free(run);
	cairn_ctx_free(ctx);
	return status;
}
