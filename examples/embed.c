/*
 * Embedding libcairn in a C program: a workspace, a dataset version from a
 * CSV file, a model trained as a tracked run, its metrics read back from the
 * store, and predictions of the saved model on rows of the file.
 *
 * usage: embed CSV TARGET [DIR]
 *   DIR (created when missing; default: a new temporary directory, kept)
 *   holds the workspace, so `cairn -C DIR runs list` shows the run after.
 *
 * Build against an installed libcairn:
 *   cc -std=c11 embed.c $(pkg-config --cflags --libs cairn) -o embed
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cairn/buf.h>
#include <cairn/ctx.h>
#include <cairn/dataset.h>
#include <cairn/frame.h>
#include <cairn/model.h>
#include <cairn/run.h>
#include <cairn/train.h>
#include <cairn/workspace.h>

#define NPREDICT 3

/* The name of the dataset: the file's base name without its extension. */
static void dataset_name(const char *path, char *name, size_t size)
{
	const char *base = strrchr(path, '/');
	size_t len;

	base = base ? base + 1 : path;
	len = strcspn(base, ".");
	if (len >= size)
		len = size - 1;
	memcpy(name, base, len);
	name[len] = '\0';
}

/* The class with the highest probability among p[0..nclasses), and that
 * probability in *prob. */
static size_t top_class(const double *p, size_t nclasses, double *prob)
{
	size_t best = 0;

	for (size_t c = 1; c < nclasses; c++)
		if (p[c] > p[best])
			best = c;
	*prob = p[best];
	return best;
}

int main(int argc, char **argv)
{
	char tmp[] = "/tmp/cairn-embed-XXXXXX", name[64];
	const char *csv, *target, *dir;
	struct cairn_dataset_add add;
	struct cairn_dataset_version v;
	struct cairn_train_options topts;
	struct cairn_train_result res = { "", NULL };
	struct cairn_frame *frame = NULL;
	cairn_model *model = NULL;
	json_t *run = NULL, *metric;
	const json_t *task;
	double *out = NULL;
	size_t rows[NPREDICT], noutputs = 0, target_col;
	cairn_buf cell;
	enum cairn_init_result init;
	int existed, status = 1;
	cairn_ctx *ctx;

	if (argc < 3 || argc > 4) {
		fprintf(stderr, "usage: embed CSV TARGET [DIR]\n");
		return 2;
	}
	csv = argv[1];
	target = argv[2];
	if (argc == 4) {
		dir = argv[3];
		mkdir(dir, 0777); /* an existing one is fine: init says if it is not */
	} else if (!(dir = mkdtemp(tmp))) {
		perror("embed: mkdtemp");
		return 1;
	}
	ctx = cairn_ctx_new();
	if (!ctx)
		return 1;
	memset(&v, 0, sizeof(v));
	cairn_buf_init(&cell);

	/* A workspace in dir (an existing one is opened as it is). */
	if (cairn_workspace_init(ctx, dir, 0, &init))
		goto out;
	printf("workspace %s\n", cairn_workspace_root(ctx));

	/* The CSV file as a new version of a dataset (the same content again
	 * gives the version that holds it). */
	dataset_name(csv, name, sizeof(name));
	memset(&add, 0, sizeof(add));
	add.name = name;
	add.source = csv;
	add.source_kind = "file";
	add.csv.header = -1;
	add.tabular = 1;
	if (cairn_dataset_add_file(ctx, csv, &add, &v, &existed))
		goto out;
	printf("dataset %s@%lld: %lld rows, %lld columns\n", v.name, (long long)v.version,
	       (long long)v.rows, (long long)v.cols);

	/* k-nearest neighbours on 80% of it, evaluated on the other 20%. */
	memset(&topts, 0, sizeof(topts));
	topts.data = name;
	topts.target = target;
	topts.algo = "knn";
	topts.test_split = 0.2;
	topts.seed = 42;
	topts.task = -1;
	topts.name = "embed-c";
	topts.experiment = "embed";
	if (cairn_train(ctx, &topts, &res))
		goto out;
	printf("run %s\n", res.run_id);

	/* The metrics as the run recorded them. */
	if (cairn_run_show(ctx, res.run_id, &run))
		goto out;
	metric = json_object_get(json_object_get(run, "metrics"), "test_accuracy");
	if (!json_is_number(metric)) {
		fprintf(stderr, "embed: run %s has no metric test_accuracy\n", res.run_id);
		goto out;
	}
	printf("status %s\n", json_string_value(json_object_get(run, "status")));
	printf("test_accuracy %.4f\n", json_number_value(metric));

	/* The model package the run logged, on rows of the file. */
	if (cairn_model_open(ctx, res.run_id, &model) ||
	    cairn_frame_load(ctx, csv, NULL, NULL, &frame) ||
	    cairn_frame_need_col(ctx, frame, target, &target_col))
		goto out;
	for (size_t i = 0; i < NPREDICT; i++)
		rows[i] = i * frame->nrows / NPREDICT;
	if (cairn_model_predict(ctx, model, frame, rows, NPREDICT, &out, &noutputs))
		goto out;
	/* A classifier gives each row the probability of every class; class c
	 * is the c-th of the training labels in sorted order (model.h does not
	 * name them yet). */
	task = json_object_get(json_object_get(json_object_get(cairn_model_manifest(model),
							       "flavors"), "cairn"), "task");
	printf("model %s, %zu outputs per row\n", json_string_value(task), noutputs);
	for (size_t i = 0; i < NPREDICT; i++) {
		double prob;
		size_t c = top_class(out + i * noutputs, noutputs, &prob);

		cairn_buf_reset(&cell);
		cairn_frame_cell_text(frame, rows[i], target_col, &cell);
		printf("row %zu: %s, predicted class %zu (p=%.2f)\n", rows[i], cell.buf, c, prob);
	}
	status = 0;
out:
	if (status && cairn_errcode(ctx))
		fprintf(stderr, "embed: %s\n", cairn_errmsg(ctx));
	free(out);
	cairn_frame_free(frame);
	cairn_model_free(model);
	json_decref(run);
	json_decref(res.metrics);
	cairn_dataset_version_release(&v);
	cairn_buf_release(&cell);
	cairn_ctx_free(ctx);
	return status;
}
