/* cairn predict: batch predictions of a model package for a file or a
 * dataset version. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cairn/csv.h"
#include "cairn/dataset.h"
#include "cairn/error.h"
#include "cairn/model.h"
#include "cairn/registry.h"
#include "cli/cli.h"
#include "core/format.h"
#include "core/fs.h"
#include "core/json.h"
#include "ml/model-internal.h"

static const char usage[] =
	"usage: cairn predict MODELREF --data FILE|REF [--out FILE [--force]] [--proba]\n"
	"\n"
	"Predicts every row of FILE (CSV, TSV or JSON lines) or of the dataset\n"
	"version REF with the model package MODELREF: a bundle file ('cairn\n"
	"package', verified; no workspace needed), a package directory, a\n"
	"registered version (NAME@VERSION, NAME@ALIAS, NAME@latest,\n"
	"models:/NAME/VERSION, models:/NAME@ALIAS), a run (its artifact 'model')\n"
	"or RUN/PATH. The model's preprocessing is applied\n"
	"first: columns are found by name (others are ignored) and must come in\n"
	"the model's order (the order of its training data, as XGBoost checks\n"
	"feature_names), a category not seen in training is handled, a word or\n"
	"an infinity in a numeric column is an error.\n"
	"\n"
	"Output, one row per input row, in the input's order: a column\n"
	"'prediction' (the class label, the value, or the cluster), and with\n"
	"--proba one column 'proba_CLASS' per class. CSV, or JSON lines when the\n"
	"input is JSON lines or FILE ends in .jsonl. Written to FILE atomically\n"
	"(--out), or to standard output.\n"
	"\n"
	"Options:\n"
	"  --data FILE|REF  the rows to predict\n"
	"  --out FILE       write here instead of standard output\n"
	"  --force          replace FILE if it exists\n"
	"  --proba          add the class probabilities (classification)\n"
	"  -h, --help       this help\n";

static void add_number(cairn_buf *b, double v)
{
	char num[32];

	cairn_format_double(v, num);
	cairn_buf_adds(b, num);
}

/* The output text: CSV or JSON lines. */
static void format_rows(const cairn_prep *prep, const double *pred, size_t n, size_t nout,
			int proba, int jsonl, cairn_buf *b)
{
	enum cairn_task task = cairn_prep_task(prep);
	int nclasses = cairn_prep_nclasses(prep);

	if (!jsonl) {
		cairn_buf_adds(b, "prediction");
		for (int c = 0; proba && c < nclasses; c++) {
			cairn_buf field = CAIRN_BUF_INIT;
			cairn_buf_addf(&field, "proba_%s", cairn_prep_class(prep, c));
			cairn_buf_addch(b, ',');
			cairn_csv_append_field(b, field.buf, field.len, ',', 1);
			cairn_buf_release(&field);
		}
		cairn_buf_addch(b, '\n');
	}
	for (size_t i = 0; i < n; i++) {
		const double *row = pred + i * nout;
		json_t *o = jsonl ? json_object() : NULL;
		if (task == CAIRN_TASK_CLASSIFICATION) {
			int best = 0;
			for (int c = 1; c < nclasses; c++)
				if (row[c] > row[best])
					best = c;
			const char *label = cairn_prep_class(prep, best);
			if (o)
				json_object_set_new(o, "prediction", json_string(label));
			else
				cairn_csv_append_field(b, label, strlen(label), ',', 1);
			for (int c = 0; proba && c < nclasses; c++) {
				if (o) {
					cairn_buf k = CAIRN_BUF_INIT;
					cairn_buf_addf(&k, "proba_%s", cairn_prep_class(prep, c));
					json_object_set_new(o, k.buf, json_real(row[c]));
					cairn_buf_release(&k);
				} else {
					cairn_buf_addch(b, ',');
					add_number(b, row[c]);
				}
			}
		} else if (o)
			json_object_set_new(o, "prediction", task == CAIRN_TASK_CLUSTERING
					    ? json_integer((json_int_t)row[0]) : json_real(row[0]));
		else
			add_number(b, row[0]);
		if (o) {
			cairn_json_append(b, o, 0);
			json_decref(o);
		}
		cairn_buf_addch(b, '\n');
	}
}

int cmd_predict(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "data", required_argument, NULL, 'd' },
		{ "out", required_argument, NULL, 'o' },
		{ "proba", no_argument, NULL, 'p' },
		{ "force", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *data = NULL, *out = NULL;
	int c, proba = 0, force = 0, rc, status = 0, jsonl;
	struct cairn_frame *f = NULL;
	cairn_buf text = CAIRN_BUF_INIT;
	cairn_model *m = NULL;
	double *pred = NULL;
	size_t nout;
	cairn_ctx *ctx;

	while ((c = cli_getopt(argc, argv, "h", opts)) != -1) {
		switch (c) {
		case 'd': data = optarg; break;
		case 'o': out = optarg; break;
		case 'p': proba = 1; break;
		case 'f': force = 1; break;
		case 'h': return cli_help(usage);
		default: return cli_bad_option(usage);
		}
	}
	if (argc - optind != 1 || !data)
		return cli_usage_error(usage, "predict needs MODELREF and --data");
	if (!(ctx = cli_open_workspace_for_model(argv[optind], &status)))
		return status;
	if ((out && (rc = cli_output_check(ctx, out, force))) ||
	    (rc = cairn_registry_model_open(ctx, argv[optind], &m)) || (rc = cli_load_data(ctx, data, &f, NULL)) ||
	    (rc = cairn_model_check_order(ctx, m, f)) ||
	    (rc = cairn_model_predict(ctx, m, f, NULL, 0, &pred, &nout)))
		goto fail;
	if (proba && cairn_prep_task(cairn_model_prep(m)) != CAIRN_TASK_CLASSIFICATION) {
		rc = cairn_error(ctx, CAIRN_EINVAL, "--proba needs a classification model (this one"
				 " does %s)", cairn_task_name(cairn_prep_task(cairn_model_prep(m))));
		goto fail;
	}
	jsonl = f->format == CAIRN_FORMAT_JSONL || (out && strlen(out) > 6 &&
						    !strcmp(out + strlen(out) - 6, ".jsonl"));
	format_rows(cairn_model_prep(m), pred, f->nrows, nout, proba, jsonl, &text);
	if (out)
		rc = cli_output_write(ctx, out, text.buf, text.len, force);
	else if (cairn_write_full(STDOUT_FILENO, text.buf, text.len) < 0)
		rc = cairn_error_errno(ctx, "cannot write the predictions");
	if (rc)
		goto fail;
	goto done;
fail:
	status = cli_fail_output(ctx, rc);
done:
	cairn_buf_release(&text);
	free(pred);
	cairn_frame_free(f);
	cairn_model_free(m);
	cairn_ctx_free(ctx);
	return status;
}
