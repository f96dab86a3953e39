/* cairn train: fit a built-in algorithm on a dataset version as a tracked run. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cairn/buf.h"
#include "cairn/error.h"
#include "cairn/registry.h"
#include "cairn/train.h"
#include "cli/cli.h"
#include "cli/models.h"
#include "cli/output.h"
#include "cli/signals.h"
#include "core/json.h"
#include "core/progress.h"
#include "ml/learner.h"

extern char **environ;

static const char usage[] =
	"usage: cairn train --data REF [--target COL] --algo ALGO [--param KEY=VALUE]...\n"
	"                   [--test REF | --test-split FRACTION] [--seed N] [--cv K]\n"
	"                   [--task TASK] [--name NAME] [--experiment NAME] [--threads N]\n"
	"                   [--features COL,COL,...] [--drop COL,COL,...]\n"
	"                   [--init-model MODELREF] [--members MODELREF,MODELREF,...]\n"
	"                   [--unlabeled REF --self-training-threshold P\n"
	"                    [--self-training-rounds N]] [--register NAME] [--json]\n"
	"   or: cairn train --federated REF,REF,... --target COL --algo logistic|linear\n"
	"                   [--param KEY=VALUE]... [--test REF] [--json]\n"
	"\n"
	"Trains ALGO on the dataset version REF as a tracked run: params, inputs,\n"
	"per-iteration metrics (train loss per boosting round, ...), final metrics\n"
	"on the training and test rows, and the model package as the run's\n"
	"artifact 'model' (MLmodel, model file, preprocessing, training profile,\n"
	"metrics, lineage). Preprocessing is fitted on the training rows only.\n"
	"The task (classification, regression, clustering) is inferred from the\n"
	"target: text, booleans and integers with few values are classes.\n"
	"\n"
	"Algorithms: xgboost, random_forest, logistic, linear_svm, linear, kmeans,\n"
	"knn, naive_bayes, ensemble ('cairn train --algo ALGO --help-params' lists\n"
	"params).\n"
	"\n"
	"Options:\n"
	"  --data REF            the training data (a dataset reference)\n"
	"  --target COL          the column to predict (none for clustering)\n"
	"  --algo ALGO           the algorithm\n"
	"  --param KEY=VALUE     an algorithm param (repeatable); xgboost's\n"
	"                        early_stopping_rounds=N scores the test rows\n"
	"                        after each round and keeps the best rounds\n"
	"  --features C1,C2,...  only these columns are features (default: all\n"
	"                        but the target); the model records them\n"
	"  --drop C1,C2,...      these columns are not features (ids, times)\n"
	"  --test REF            evaluate on this dataset version\n"
	"  --test-split F        hold out this fraction of REF (stratified for\n"
	"                        classification) to evaluate on\n"
	"  --seed N              the seed of splits, folds and the algorithm (0)\n"
	"  --cv K                also K-fold cross-validate on the training rows\n"
	"  --task TASK           classification, regression or clustering\n"
	"  --name NAME           the run's name\n"
	"  --experiment NAME     the run's experiment\n"
	"  --threads N           threads for the algorithm (default 0: one when the\n"
	"                        data has under 100,000 cells (rows x columns), else\n"
	"                        every core this process may use)\n"
	"  --init-model MODELREF continue boosting this xgboost model for\n"
	"                        n_estimators more rounds, with its preprocessing\n"
	"  --members M1,M2,...   the models of --algo ensemble (soft or hard\n"
	"                        --param voting); --data is evaluated, not fitted\n"
	"  --unlabeled REF       self-training: add the rows of REF predicted with\n"
	"                        a probability >= --self-training-threshold P,\n"
	"                        with their predicted labels, and refit, until\n"
	"                        no row is added or after N rounds (10)\n"
	"  --federated R1,R2,... federated averaging over these shards, each trained\n"
	"                        by its own process that loads only its shard\n"
	"                        (logistic or linear; params rounds (20),\n"
	"                        local_epochs (5), learning_rate (0: automatic))\n"
	"  --register NAME       once the run is FINISHED, register its package as\n"
	"                        the next version of the model NAME (see 'cairn\n"
	"                        models register')\n"
	"  --help-params         list ALGO's params and exit\n"
	"  --json                print {run_id, metrics} as JSON (and registered:\n"
	"                        {name, version} with --register)\n"
	"  -h, --help            this help\n"
	"\n"
	"Exit status: 0 trained; 1 failure; 2 usage (unknown algorithm or param,\n"
	"bad value, no target for a supervised algorithm); 3 no workspace; 4 no\n"
	"such dataset or column; 5 bad data (a word, NaN or infinity in a feature\n"
	"or target, ...). Usage errors and unknown columns are found before a run\n"
	"starts; a failure after the run started ends the run FAILED with the\n"
	"message.\n";

static int print_params(const char *name)
{
	const struct cairn_algorithm *a = cairn_algorithm_find(name);
	static const char *const types[] = { "int", "float", "string", "bool" };

	if (!a)
		return cli_usage_error(usage, "unknown algorithm '%s'", name);
	printf("%s (%s%s%s)\n", a->name,
	       a->tasks & CAIRN_TASK_BIT(CAIRN_TASK_CLASSIFICATION) ? "classification " : "",
	       a->tasks & CAIRN_TASK_BIT(CAIRN_TASK_REGRESSION) ? "regression " : "",
	       a->tasks & CAIRN_TASK_BIT(CAIRN_TASK_CLUSTERING) ? "clustering" : "");
	for (size_t i = 0; i < a->nparams; i++) {
		const struct cairn_param_spec *p = &a->params[i];
		printf("  %-22s %-6s default %-8s %s\n", p->name, types[p->type],
		       p->default_value ? p->default_value : "-", p->help ? p->help : "");
	}
	return 0;
}

/* The metrics worth a line: accuracy, f1, AUC, R², RMSE, silhouette, ... */
static void print_summary(const char *run_id, const json_t *metrics)
{
	static const char *const keys[] = { "accuracy", "balanced_accuracy", "roc_auc", "log_loss",
					     "r2", "rmse", "mae", "silhouette", "inertia" };
	static const char *const parts[] = { "train", "test" };

	printf("Trained run %s\n", run_id);
	for (size_t p = 0; p < 2; p++) {
		const json_t *m = json_object_get(metrics, parts[p]);
		if (!m)
			continue;
		printf("  %-6s", parts[p]);
		for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
			const json_t *v = json_object_get(m, keys[k]);
			if (json_is_object(v))
				v = json_object_get(v, "macro");
			if (json_is_number(v))
				printf("  %s %.4g", keys[k], json_number_value(v));
		}
		printf("\n");
	}
	printf("The model package is the run's artifact 'model' (cairn runs get-artifact %s model).\n",
	       run_id);
}

/* Pins the registered versions that init_model and members name (churn@3
 * for churn@champion), so that the run records the versions it used;
 * pins holds nmembers + 1 buffers, members room for nmembers. */
static int pin_models(cairn_ctx *ctx, struct cairn_train_options *o, cairn_buf *pins,
		      const char **members)
{
	int rc = 0;

	if (o->init_model && !(rc = cairn_registry_pin(ctx, o->init_model, &pins[0])))
		o->init_model = pins[0].buf;
	for (size_t i = 0; i < o->nmembers && !rc; i++)
		if (!(rc = cairn_registry_pin(ctx, o->members[i], &pins[i + 1])))
			members[i] = pins[i + 1].buf;
	if (!rc && o->nmembers)
		o->members = members;
	return rc;
}

int cmd_train(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "data", required_argument, NULL, 'd' },
		{ "target", required_argument, NULL, 't' },
		{ "algo", required_argument, NULL, 'a' },
		{ "param", required_argument, NULL, 'p' },
		{ "test", required_argument, NULL, 'T' },
		{ "test-split", required_argument, NULL, 'S' },
		{ "seed", required_argument, NULL, 's' },
		{ "cv", required_argument, NULL, 'c' },
		{ "task", required_argument, NULL, 'k' },
		{ "name", required_argument, NULL, 'n' },
		{ "experiment", required_argument, NULL, 'e' },
		{ "threads", required_argument, NULL, 'j' },
		{ "init-model", required_argument, NULL, 'I' },
		{ "members", required_argument, NULL, 'M' },
		{ "unlabeled", required_argument, NULL, 'U' },
		{ "self-training-threshold", required_argument, NULL, 'H' },
		{ "self-training-rounds", required_argument, NULL, 'R' },
		{ "federated", required_argument, NULL, 'F' },
		{ "features", required_argument, NULL, 'f' },
		{ "drop", required_argument, NULL, 'D' },
		{ "register", required_argument, NULL, 'G' },
		{ "help-params", no_argument, NULL, 'P' },
		{ "json", no_argument, NULL, 'J' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct cairn_train_options o = { 0 };
	struct cairn_train_result res = { 0 };
	json_t *params = json_object();
	char *members_text = NULL, **members = NULL, *shards_text = NULL, **shards = NULL;
	char *features_text = NULL, **features = NULL, *drop_text = NULL, **drop = NULL;
	size_t nmembers = 0, nshards = 0, nfeatures = 0, ndrop = 0;
	unsigned long long u;
	int c, json = 0, help_params = 0, rc, status = 0;
	const char *register_name = NULL, **pinned_members = NULL;
	cairn_buf *pins = NULL;
	long long version = 0;
	cairn_ctx *ctx;

	o.task = -1;
	o.open_model = cairn_registry_model_open;
	o.model_node = cairn_registry_model_node;
	while ((c = cli_getopt(argc, argv, "h", opts)) != -1) {
		switch (c) {
		case 'd': o.data = optarg; break;
		case 't': o.target = optarg; break;
		case 'a': o.algo = optarg; break;
		case 'p': {
			char *eq = strchr(optarg, '=');
			if (!eq || eq == optarg) {
				status = cli_usage_error(usage, "--param '%s' is not KEY=VALUE", optarg);
				goto out;
			}
			*eq = '\0';
			json_object_set_new(params, optarg, json_string(eq + 1));
			*eq = '=';
			break;
		}
		case 'T': o.test = optarg; break;
		case 'S':
			if ((status = cli_parse_fraction(usage, "--test-split", optarg, 0, &o.test_split)))
				goto out;
			break;
		case 's':
			if ((status = cli_parse_uint(usage, "--seed", optarg, &u)))
				goto out;
			o.seed = u;
			break;
		case 'c':
			if ((status = cli_parse_uint_range(usage, "--cv", optarg, 2, 100, &u)))
				goto out;
			o.cv = (int)u;
			break;
		case 'k':
			if ((o.task = cairn_task_parse(optarg)) < 0) {
				status = cli_usage_error(usage, "unknown task '%s' (classification,"
							 " regression or clustering)", optarg);
				goto out;
			}
			break;
		case 'n': o.name = optarg; break;
		case 'e': o.experiment = optarg; break;
		case 'j':
			if ((status = cli_parse_uint(usage, "--threads", optarg, &u)))
				goto out;
			o.threads = (int)u;
			break;
		case 'I': o.init_model = optarg; break;
		case 'M':
			if ((status = cli_parse_list(usage, "--members", "model reference", optarg,
						     &members_text, &members, &nmembers)))
				goto out;
			break;
		case 'F':
			if ((status = cli_parse_list(usage, "--federated", "dataset reference", optarg,
						     &shards_text, &shards, &nshards)))
				goto out;
			break;
		case 'f':
			if ((status = cli_parse_list(usage, "--features", "column name", optarg,
						     &features_text, &features, &nfeatures)))
				goto out;
			break;
		case 'D':
			if ((status = cli_parse_list(usage, "--drop", "column name", optarg,
						     &drop_text, &drop, &ndrop)))
				goto out;
			break;
		case 'U': o.unlabeled = optarg; break;
		case 'H':
			if ((status = cli_parse_fraction(usage, "--self-training-threshold", optarg, 1,
							 &o.self_training_threshold)))
				goto out;
			break;
		case 'R':
			if ((status = cli_parse_uint_range(usage, "--self-training-rounds", optarg, 1, 1000,
							   &u)))
				goto out;
			o.self_training_rounds = (int)u;
			break;
		case 'G': register_name = optarg; break;
		case 'P': help_params = 1; break;
		case 'J': json = 1; break;
		case 'h': status = cli_help(usage); goto out;
		default: status = cli_bad_option(usage); goto out;
		}
	}
	if (help_params) {
		status = o.algo ? print_params(o.algo) : cli_usage_error(usage, "--help-params needs --algo");
		goto out;
	}
	if (optind != argc) {
		status = cli_usage_error(usage, "train takes no arguments ('%s')", argv[optind]);
		goto out;
	}
	o.shards = (const char *const *)shards;
	o.nshards = nshards;
	o.members = (const char *const *)members;
	o.nmembers = nmembers;
	o.features = (const char *const *)features;
	o.nfeatures = nfeatures;
	o.drop = (const char *const *)drop;
	o.ndrop = ndrop;
	o.params = params;
	/* Inside `cairn run` or a pipeline stage: a child of that run. */
	o.parent = getenv("CAIRN_RUN_ID");
	/* The code version of the directory it runs in, found by git with
	 * this process's environment. */
	o.code_dir = ".";
	o.env = environ;
	/* Options that exclude or need each other are usage errors, found
	 * before the workspace is opened. */
	ctx = cli_new_context();
	if (cairn_train_check(ctx, &o) ||
	    (register_name && cairn_registry_name_check(ctx, register_name))) {
		status = cli_usage_error(usage, "%s", cairn_errmsg(ctx));
		cairn_ctx_free(ctx);
		goto out;
	}
	cairn_ctx_free(ctx);
	if (json)
		cli_progress_set_enabled(0);
	if (!(ctx = cli_open_workspace(&status)))
		goto out;
	cli_cancel_on_signals(ctx);
	pins = cairn_xmalloc((nmembers + 1) * sizeof(*pins));
	for (size_t i = 0; i <= nmembers; i++)
		cairn_buf_init(&pins[i]);
	pinned_members = cairn_xcalloc(nmembers + 1, sizeof(*pinned_members));
	if (!(rc = pin_models(ctx, &o, pins, pinned_members)))
		rc = cairn_train(ctx, &o, &res);
	if (rc) {
		if (*res.run_id)
			fprintf(stderr, "cairn: run %s %s\n", res.run_id,
				rc == CAIRN_EINTERRUPTED ? "KILLED" : "FAILED");
		status = cli_fail(ctx, rc);
	} else {
		if (!json)
			print_summary(res.run_id, res.metrics);
		/* The run is FINISHED whatever becomes of its registration. */
		if (register_name &&
		    (status = cli_register_run(ctx, register_name, res.run_id, json, &version)))
			fprintf(stderr, "cairn: run %s FINISHED, but was not registered\n", res.run_id);
		if (json && !status) {
			json_t *v = json_pack("{s:s, s:O}", "run_id", res.run_id, "metrics", res.metrics);
			if (register_name)
				json_object_set_new(v, "registered", json_pack("{s:s, s:I}", "name",
					register_name, "version", (json_int_t)version));
			cairn_json_print(stdout, v, 1);
			json_decref(v);
		}
	}
	json_decref(res.metrics);
	cairn_ctx_free(ctx);
	for (size_t i = 0; i <= nmembers; i++)
		cairn_buf_release(&pins[i]);
out:
	free(pins);
	free(pinned_members);
	free(members);
	free(members_text);
	free(shards);
	free(shards_text);
	free(features);
	free(features_text);
	free(drop);
	free(drop_text);
	json_decref(params);
	return status;
}
