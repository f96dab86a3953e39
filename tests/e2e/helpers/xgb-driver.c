/*
 * A test driver for the xgboost and random_forest algorithms, compiled by
 * tests/e2e/t4001-xgboost-python.sh against libcairn.a until `cairn train`
 * drives them. Data sets are three files sharing a prefix: P.shape ("rows
 * cols"), P.x (rows * cols little-endian float32, row-major) and P.y (rows
 * float32 targets).
 *
 *   xgb-driver fit ALGO TASK NCLASSES DATA OUTDIR [-v VALID] [-i INITDIR]
 *              [-s SEED] [-t THREADS] [NAME=VALUE...]
 *       trains, saves OUTDIR/model.json, prints "STEP KEY VALUE" per metric
 *   xgb-driver predict MODELFILE DATA
 *       prints each row's outputs ("%.17g", space-separated)
 *   xgb-driver info MODELFILE
 *       prints "OBJECTIVE TASK NCLASSES NFEATURES ROUNDS"
 *   xgb-driver importance MODELFILE
 *       prints each feature's share of the total gain
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cairn/buf.h"
#include "cairn/error.h"
#include "core/fs.h"
#include "ml/learner.h"
#include "ml/xgb.h"

struct data {
	struct cairn_matrix x;
	double *y;
};

static void die(cairn_ctx *ctx, const char *what)
{
	fprintf(stderr, "xgb-driver: %s: %s\n", what, ctx ? cairn_errmsg(ctx) : "failed");
	exit(1);
}

static void read_part(cairn_ctx *ctx, const char *prefix, const char *ext, cairn_buf *b)
{
	cairn_buf path = CAIRN_BUF_INIT;

	cairn_buf_addf(&path, "%s.%s", prefix, ext);
	if (cairn_read_file(ctx, path.buf, b))
		die(ctx, "read");
	cairn_buf_release(&path);
}

static void load_data(cairn_ctx *ctx, const char *prefix, struct data *d)
{
	cairn_buf shape = CAIRN_BUF_INIT, x = CAIRN_BUF_INIT, y = CAIRN_BUF_INIT;
	float *labels;

	read_part(ctx, prefix, "shape", &shape);
	read_part(ctx, prefix, "x", &x);
	read_part(ctx, prefix, "y", &y);
	if (sscanf(shape.buf, "%zu %zu", &d->x.rows, &d->x.cols) != 2 ||
	    x.len != d->x.rows * d->x.cols * sizeof(float) || y.len != d->x.rows * sizeof(float)) {
		fprintf(stderr, "xgb-driver: %s: sizes do not match its shape\n", prefix);
		exit(1);
	}
	d->x.v = (float *)cairn_buf_detach(&x, NULL);
	labels = (float *)y.buf;
	d->y = cairn_xmalloc((d->x.rows ? d->x.rows : 1) * sizeof(double));
	for (size_t i = 0; i < d->x.rows; i++)
		d->y[i] = labels[i];
	cairn_buf_release(&shape);
	cairn_buf_release(&y);
}

static void free_data(struct data *d)
{
	free(d->x.v);
	free(d->y);
}

static int print_metric(void *arg, int64_t step, const char *key, double value)
{
	(void)arg;
	printf("%" PRId64 " %s %.17g\n", step, key, value);
	return 0;
}

static int cmd_fit(cairn_ctx *ctx, int argc, char **argv)
{
	const struct cairn_algorithm *a;
	struct cairn_train_data td = { .threads = 1, .seed = 0 };
	struct data d, v;
	json_t *given = json_object(), *params, *files = json_array();
	void *model;
	int opt, have_valid = 0;

	while ((opt = getopt(argc, argv, "v:i:s:t:")) != -1) {
		switch (opt) {
		case 'v':
			load_data(ctx, optarg, &v);
			have_valid = 1;
			break;
		case 'i':
			td.init_model_dir = optarg;
			break;
		case 's':
			td.seed = strtoull(optarg, NULL, 10);
			break;
		case 't':
			td.threads = atoi(optarg);
			break;
		default:
			return 2;
		}
	}
	if (argc - optind < 5)
		return 2;
	if (!(a = cairn_algorithm_find(argv[optind]))) {
		fprintf(stderr, "xgb-driver: no algorithm %s\n", argv[optind]);
		return 2;
	}
	td.task = cairn_task_parse(argv[optind + 1]);
	td.nclasses = atoi(argv[optind + 2]);
	load_data(ctx, argv[optind + 3], &d);
	td.x = &d.x;
	td.y = d.y;
	if (have_valid) {
		td.x_valid = &v.x;
		td.y_valid = v.y;
	}
	for (int i = optind + 5; i < argc; i++) {
		char *eq = strchr(argv[i], '=');
		if (!eq)
			return 2;
		*eq = 0;
		json_object_set_new(given, argv[i], json_string(eq + 1));
	}
	if (cairn_params_resolve(ctx, a, given, &params))
		die(ctx, "params");
	if (a->fit(ctx, &td, params, print_metric, NULL, &model))
		die(ctx, "fit");
	if (cairn_mkdir_p(ctx, argv[optind + 4], 0777) ||
	    a->save(ctx, model, argv[optind + 4], files))
		die(ctx, "save");
	a->free(model);
	json_decref(files);
	json_decref(params);
	json_decref(given);
	free_data(&d);
	if (have_valid)
		free_data(&v);
	return 0;
}

static int cmd_predict(cairn_ctx *ctx, const char *file, const char *prefix)
{
	const struct cairn_algorithm *a = cairn_algorithm_find("xgboost");
	struct data d;
	void *model;
	double *out;
	size_t k;

	if (cairn__xgb_load_file(ctx, file, &model))
		die(ctx, "load");
	load_data(ctx, prefix, &d);
	k = a->outputs(model);
	out = cairn_xmalloc((d.x.rows ? d.x.rows : 1) * k * sizeof(double));
	if (a->predict(ctx, model, &d.x, out))
		die(ctx, "predict");
	for (size_t i = 0; i < d.x.rows; i++)
		for (size_t c = 0; c < k; c++)
			printf("%.17g%c", out[i * k + c], c + 1 < k ? ' ' : '\n');
	free(out);
	free_data(&d);
	a->free(model);
	return 0;
}

static int cmd_info(cairn_ctx *ctx, const char *file, int importance)
{
	const struct cairn_algorithm *a = cairn_algorithm_find("xgboost");
	struct cairn__xgb_info info;
	void *model;

	if (cairn__xgb_load_file(ctx, file, &model))
		die(ctx, "load");
	cairn__xgb_info(model, &info);
	if (importance) {
		double *imp = cairn_xcalloc(info.nfeatures + 1, sizeof(double));
		if (a->importance(ctx, model, info.nfeatures, imp))
			die(ctx, "importance");
		for (size_t i = 0; i < info.nfeatures; i++)
			printf("%.6f\n", imp[i]);
		free(imp);
	} else {
		printf("%s %s %d %zu %d\n", info.objective, cairn_task_name(info.task),
		       info.nclasses, info.nfeatures, info.rounds);
	}
	a->free(model);
	return 0;
}

int main(int argc, char **argv)
{
	cairn_ctx *ctx = cairn_ctx_new();
	int rc = 2;

	if (argc >= 2 && !strcmp(argv[1], "fit"))
		rc = cmd_fit(ctx, argc - 1, argv + 1);
	else if (argc == 4 && !strcmp(argv[1], "predict"))
		rc = cmd_predict(ctx, argv[2], argv[3]);
	else if (argc == 3 && !strcmp(argv[1], "info"))
		rc = cmd_info(ctx, argv[2], 0);
	else if (argc == 3 && !strcmp(argv[1], "importance"))
		rc = cmd_info(ctx, argv[2], 1);
	if (rc == 2)
		fprintf(stderr, "usage: see tests/e2e/helpers/xgb-driver.c\n");
	cairn_ctx_free(ctx);
	return rc;
}
