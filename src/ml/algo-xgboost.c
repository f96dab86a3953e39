/*
 * The algorithms xgboost (gradient-boosted trees) and random_forest (XGBoost's
 * random-forest mode: one round of num_parallel_tree trees, each on a row
 * subsample and a column subsample per split, learning rate 1), both through
 * libxgboost's C API; see ml/xgb.h and include/cairn/learner.h.
 *
 * Training makes the same calls, in the same order, as Python's xgb.train
 * with the same parameter dict (booster over [train, valid], parameters,
 * then one UpdateOneIter per round), so that a model trained here and one
 * trained in Python on the same float32 matrix are the same bytes. Early
 * stopping follows xgb.train's EarlyStopping(save_best=True): the last
 * validation metric must improve within early_stopping_rounds rounds, and
 * the model keeps the rounds up to the best one.
 *
 * The model file is XGBoost's JSON (model.json), which Python's
 * Booster.load_model and MLflow's xgboost flavor (model_format "json") read.
 *
 * Determinism: libxgboost draws its row and column samples from its seed,
 * and its histograms add up the same way whatever the thread count; with
 * XGBoost 1.7.4 the models of threads 1, 2, 3, 8 and 16 were byte-identical
 * for hist, approx and exact. cairn promises identical bytes for threads=1.
 */
#include <inttypes.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cairn/buf.h"
#include "cairn/error.h"
#include "core/cpu.h"
#include "core/fs.h"
#include "core/parallel.h"
#include "ml/algorithms.h"
#include "ml/learner.h"
#include "ml/native.h"
#include "ml/ubjson.h"
#include "ml/xgb-loader.h"
#include "ml/xgb-validate.h"
#include "ml/xgb.h"

#define MODEL_FILE "model.json"

/* How a booster's raw predictions become cairn's outputs. */
enum xgb_output {
	OUT_BINARY_PROB,     /* p of class 1: (1 - p, p) */
	OUT_BINARY_MARGIN,   /* binary:logitraw: a margin, through the sigmoid */
	OUT_PROBS,           /* multi:softprob: nclasses probabilities */
	OUT_SOFTMAX_MARGIN,  /* multi:softmax: nclasses margins, through softmax */
	OUT_VALUE            /* regression */
};

struct xgb_model {
	const struct cairn__xgb_api *api;
	BoosterHandle booster;
	char *objective;
	enum cairn_task task;
	enum xgb_output output;
	int nclasses;          /* classification; 0 for regression */
	size_t nfeatures;
	int rounds;
	int threads;           /* for building prediction matrices; 0: all cores */
	/* The native evaluator of a loaded model (ml/native.h), or NULL:
	 * predict goes through libxgboost. */
	struct cairn__native_trees *native;
	/* libxgboost configures a booster lazily and keeps per-booster caches:
	 * one call at a time on a booster. */
	pthread_mutex_t lock;
};

static struct xgb_model *model_new(const struct cairn__xgb_api *api, BoosterHandle booster)
{
	struct xgb_model *m = cairn_xcalloc(1, sizeof(*m));

	m->api = api;
	m->booster = booster;
	pthread_mutex_init(&m->lock, NULL);
	return m;
}

static void xgb_free(void *model)
{
	struct xgb_model *m = model;

	if (!m)
		return;
	if (m->booster)
		m->api->booster_free(m->booster);
	free(m->objective);
	cairn__native_trees_free(m->native);
	pthread_mutex_destroy(&m->lock);
	free(m);
}

/*
 * Sets the task, classes and output of m from its objective; an objective
 * cairn cannot turn into its outputs is CAIRN_EINVAL.
 */
static int set_objective(cairn_ctx *ctx, struct xgb_model *m, const char *objective,
			 int num_class, const char *what)
{
	free(m->objective);
	m->objective = cairn_xstrdup(objective);
	m->task = CAIRN_TASK_CLASSIFICATION;
	m->nclasses = 2;
	if (!strcmp(objective, "binary:logistic") || !strcmp(objective, "binary:hinge")) {
		m->output = OUT_BINARY_PROB;
	} else if (!strcmp(objective, "binary:logitraw")) {
		m->output = OUT_BINARY_MARGIN;
	} else if (!strcmp(objective, "multi:softprob") || !strcmp(objective, "multi:softmax")) {
		if (num_class < 2)
			return cairn_error(ctx, CAIRN_EPARSE, "xgboost model '%s': objective %s with "
					   "num_class %d", what, objective, num_class);
		m->output = strcmp(objective, "multi:softmax") ? OUT_PROBS : OUT_SOFTMAX_MARGIN;
		m->nclasses = num_class;
	} else if (!strncmp(objective, "reg:", 4) || !strncmp(objective, "count:", 6)) {
		m->task = CAIRN_TASK_REGRESSION;
		m->nclasses = 0;
		m->output = OUT_VALUE;
	} else {
		return cairn_error(ctx, CAIRN_EINVAL, "xgboost model '%s': objective '%s' is not "
				   "supported (classification: binary:*, multi:*; regression: "
				   "reg:*, count:*)", what, objective);
	}
	return 0;
}

/* Reads the objective, classes, features and rounds of a loaded booster. */
static int describe(cairn_ctx *ctx, struct xgb_model *m, const char *what)
{
	const struct cairn__xgb_api *api = m->api;
	const char *text, *objective, *num_class;
	json_t *config = NULL, *learner;
	json_error_t jerr;
	bst_ulong len, nfeatures;
	int rc;

	if (api->booster_save_json_config(m->booster, &len, &text) ||
	    api->booster_get_num_feature(m->booster, &nfeatures) ||
	    api->booster_boosted_rounds(m->booster, &m->rounds))
		return cairn__xgb_error(ctx, api, CAIRN_EPARSE, "cannot read xgboost model '%s'",
					what);
	m->nfeatures = nfeatures;
	config = json_loadb(text, len, 0, &jerr);
	learner = json_object_get(config, "learner");
	objective = json_string_value(json_object_get(json_object_get(learner, "objective"),
						      "name"));
	num_class = json_string_value(json_object_get(json_object_get(learner,
								      "learner_model_param"),
						      "num_class"));
	if (!objective || !num_class)
		rc = cairn_error(ctx, CAIRN_EPARSE, "xgboost model '%s': its configuration has no "
				 "objective", what);
	else
		rc = set_objective(ctx, m, objective, atoi(num_class), what);
	json_decref(config);
	return rc;
}

/* The first bytes of the formats XGBoost reads: JSON and UBJSON objects
 * start with '{', its older binary format with "binf". */
static int looks_like_model(const cairn_buf *b)
{
	if (b->len >= 4 && !memcmp(b->buf, "binf", 4))
		return 1;
	for (size_t i = 0; i < b->len; i++)
		if (!strchr(" \t\r\n", b->buf[i]))
			return b->buf[i] == '{';
	return 0;
}

/* 1 for JSON text, 0 for UBJSON: both start with '{', then JSON has a key
 * in quotes (or '}'), UBJSON a length's type marker. */
static int is_json_text(const cairn_buf *b)
{
	size_t i = 0;

	while (i < b->len && b->buf[i] && strchr(" \t\r\n", b->buf[i]))
		i++;
	for (i++; i < b->len && b->buf[i] && strchr(" \t\r\n", b->buf[i]); i++)
		;
	return i < b->len && (b->buf[i] == '"' || b->buf[i] == '}');
}

/*
 * Checks the model in b before libxgboost predicts with it (ml/xgb-validate.h).
 * JSON and UBJSON are read and checked before libxgboost sees them, since
 * its reader of them trusts the arrays; the older binary format, which
 * libxgboost reads as fixed-size records, is loaded into booster first and
 * checked as the JSON libxgboost saves from it.
 */
static int check_model(cairn_ctx *ctx, const struct cairn__xgb_api *api, const char *path,
		       const cairn_buf *b, BoosterHandle booster, int *loaded)
{
	json_t *doc = NULL;
	int rc;

	*loaded = 0;
	if (b->len >= 4 && !memcmp(b->buf, "binf", 4)) {
		const char *text;
		bst_ulong len;
		if (api->booster_load_model_from_buffer(booster, b->buf, b->len))
			return cairn__xgb_error(ctx, api, CAIRN_EPARSE, "cannot load xgboost model"
						" '%s'", path);
		*loaded = 1;
		if (api->booster_save_model_to_buffer(booster, "{\"format\": \"json\"}", &len,
						      &text))
			return cairn__xgb_error(ctx, api, CAIRN_EPARSE, "cannot read xgboost model"
						" '%s'", path);
		rc = cairn__xgb_json_load(ctx, path, text, len, &doc);
	} else if (is_json_text(b))
		rc = cairn__xgb_json_load(ctx, path, b->buf, b->len, &doc);
	else
		rc = cairn__ubjson_load(ctx, path, b->buf, b->len, &doc);
	if (!rc)
		rc = cairn__xgb_validate(ctx, path, doc);
	json_decref(doc);
	return rc;
}

/* Builds m's native evaluator (ml/native.h) from libxgboost's UBJSON of the
 * loaded booster, whose numbers are the booster's own float32 values. */
static int build_native(cairn_ctx *ctx, struct xgb_model *m, const char *path)
{
	const char *raw;
	bst_ulong len;
	json_t *doc = NULL;
	int rc;

	if (m->api->booster_save_model_to_buffer(m->booster, "{\"format\": \"ubj\"}", &len, &raw))
		return cairn__xgb_error(ctx, m->api, CAIRN_EPARSE, "cannot read xgboost model '%s'",
					path);
	if (!(rc = cairn__ubjson_load(ctx, path, raw, len, &doc)))
		rc = cairn__native_trees_build(ctx, path, doc, m->nfeatures, &m->native);
	json_decref(doc);
	return rc;
}

/*
 * Loads the model file at path into a new booster, checked and described,
 * with its native evaluator when it has one. A model in XGBoost's older
 * binary format gets none: before 1.0 that format kept the base score as a
 * margin, which libxgboost's loader knows and the evaluator would not.
 */
static int load_file(cairn_ctx *ctx, const struct cairn__xgb_api *api, const char *path,
		     struct xgb_model **out)
{
	cairn_buf b = CAIRN_BUF_INIT;
	BoosterHandle booster = NULL;
	struct xgb_model *m = NULL;
	int rc, loaded;

	*out = NULL;
	if ((rc = cairn_read_file(ctx, path, &b)))
		goto out;
	if (!looks_like_model(&b)) {
		rc = cairn_error(ctx, CAIRN_EPARSE, "cannot load xgboost model '%s': not a model "
				 "saved by XGBoost (JSON, UBJSON or binary)", path);
		goto out;
	}
	if (api->booster_create(NULL, 0, &booster)) {
		rc = cairn__xgb_error(ctx, api, CAIRN_EINTERNAL, "cannot create an xgboost booster");
		goto out;
	}
	m = model_new(api, booster);
	if ((rc = check_model(ctx, api, path, &b, booster, &loaded)))
		goto out;
	if (!loaded && api->booster_load_model_from_buffer(booster, b.buf, b.len)) {
		rc = cairn__xgb_error(ctx, api, CAIRN_EPARSE, "cannot load xgboost model '%s'",
				      path);
		goto out;
	}
	if ((rc = describe(ctx, m, path)) || (!loaded && (rc = build_native(ctx, m, path))))
		goto out;
	*out = m;
	m = NULL;
out:
	xgb_free(m);
	cairn_buf_release(&b);
	return rc;
}

int cairn__xgb_load_file(cairn_ctx *ctx, const char *path, void **model)
{
	const struct cairn__xgb_api *api;
	struct xgb_model *m;
	int rc;

	if ((rc = cairn__xgb(ctx, "loading an xgboost model", &api)) ||
	    (rc = load_file(ctx, api, path, &m)))
		return rc;
	*model = m;
	return 0;
}

void cairn__xgb_info(const void *model, struct cairn__xgb_info *info)
{
	const struct xgb_model *m = model;

	info->objective = m->objective;
	info->task = m->task;
	info->nclasses = m->task == CAIRN_TASK_CLASSIFICATION ? m->nclasses : 0;
	info->nfeatures = m->nfeatures;
	info->rounds = m->rounds;
	info->native = m->native != NULL;
}

/* A matrix with labels (y may be NULL) as a DMatrix; NaN is missing. */
/* libxgboost refuses infinities too, but without saying where. */
static int check_finite_matrix(cairn_ctx *ctx, const struct cairn_matrix *x)
{
	for (size_t i = 0; i < x->rows * x->cols; i++)
		if (isinf(x->v[i]))
			return cairn_error(ctx, CAIRN_EINVAL, "row %zu, feature %zu: xgboost takes "
					   "no infinite value (NaN is missing)", i / x->cols + 1,
					   i % x->cols + 1);
	return 0;
}

static int make_dmatrix(cairn_ctx *ctx, const struct cairn__xgb_api *api,
			const struct cairn_matrix *x, const double *y, int threads,
			DMatrixHandle *out)
{
	float *labels;
	int failed, rc;

	*out = NULL;
	if ((rc = check_finite_matrix(ctx, x)))
		return rc;
	if (api->dmatrix_create_from_mat_omp(x->v, x->rows, x->cols, NAN, out, threads))
		return cairn__xgb_error(ctx, api, CAIRN_EINVAL, "cannot pass a %zu x %zu matrix "
					"to xgboost", x->rows, x->cols);
	if (!y)
		return 0;
	labels = cairn_xmalloc((x->rows ? x->rows : 1) * sizeof(*labels));
	for (size_t i = 0; i < x->rows; i++)
		labels[i] = (float)y[i];
	failed = api->dmatrix_set_float_info(*out, "label", labels, x->rows);
	free(labels);
	if (failed) {
		cairn__xgb_error(ctx, api, CAIRN_EINVAL, "cannot pass the labels to xgboost");
		api->dmatrix_free(*out);
		*out = NULL;
		return CAIRN_EINVAL;
	}
	return 0;
}

/*
 * The training matrix of the hist method as libxgboost's quantile DMatrix,
 * as Python's XGBClassifier and XGBRegressor make it for hist: the bins are
 * sketched straight from the dense matrix, without the copy of every value
 * into a sparse page that a DMatrix makes first (0.7 s of 1M x 20). The
 * models are the same bytes as from a DMatrix. The matrix is handed over as
 * one batch, through libxgboost's iterator callbacks.
 */
struct dense_batch {
	const struct cairn__xgb_api *api;
	DMatrixHandle proxy;
	const struct cairn_matrix *x;
	const float *labels;
	int given;
	int failed;
};

static void batch_reset(DataIterHandle h)
{
	((struct dense_batch *)h)->given = 0;
}

static int batch_next(DataIterHandle h)
{
	struct dense_batch *b = h;
	char array[160];

	if (b->given)
		return 0;
	b->given = 1;
	snprintf(array, sizeof(array), "{\"data\": [%llu, true], \"shape\": [%llu, %llu], "
		 "\"typestr\": \"<f4\", \"version\": 3}", (unsigned long long)(uintptr_t)b->x->v,
		 (unsigned long long)b->x->rows, (unsigned long long)b->x->cols);
	if (b->api->proxy_dmatrix_set_data_dense(b->proxy, array) ||
	    b->api->dmatrix_set_float_info(b->proxy, "label", b->labels, b->x->rows)) {
		b->failed = 1;
		return 0;
	}
	return 1;
}

static int make_quantile_dmatrix(cairn_ctx *ctx, const struct cairn__xgb_api *api,
				 const struct cairn_matrix *x, const double *y, int threads,
				 int max_bin, DMatrixHandle *out)
{
	struct dense_batch b = { api, NULL, x, NULL, 0, 0 };
	char config[96];
	float *labels;
	int rc;

	*out = NULL;
	if ((rc = check_finite_matrix(ctx, x)))
		return rc;
	labels = cairn_xmalloc((x->rows ? x->rows : 1) * sizeof(*labels));
	for (size_t i = 0; i < x->rows; i++)
		labels[i] = (float)y[i];
	b.labels = labels;
	snprintf(config, sizeof(config), "{\"missing\": NaN, \"nthread\": %d, \"max_bin\": %d}",
		 threads > 0 ? threads : 0, max_bin);
	if (api->proxy_dmatrix_create(&b.proxy)) {
		rc = cairn__xgb_error(ctx, api, CAIRN_EINTERNAL, "cannot make an xgboost proxy");
	} else if (api->quantile_dmatrix_create_from_callback(&b, b.proxy, NULL, batch_reset,
							      batch_next, config, out) || b.failed) {
		rc = cairn__xgb_error(ctx, api, CAIRN_EINVAL, "cannot pass a %zu x %zu matrix "
				      "to xgboost", x->rows, x->cols);
		if (*out)
			api->dmatrix_free(*out);
		*out = NULL;
	}
	if (b.proxy)
		api->dmatrix_free(b.proxy);
	free(labels);
	return rc;
}

/* Targets: class indexes 0..nclasses-1, or finite values. */
static int check_targets(cairn_ctx *ctx, const struct cairn_train_data *d, const double *y,
			 size_t rows, const char *set)
{
	for (size_t i = 0; i < rows; i++) {
		double v = y[i];
		if (d->task == CAIRN_TASK_CLASSIFICATION &&
		    (!(v >= 0 && v < d->nclasses) || v != floor(v)))
			return cairn_error(ctx, CAIRN_EINVAL, "%s row %zu: class %g is not in "
					   "0..%d", set, i + 1, v, d->nclasses - 1);
		if (!isfinite(v))
			return cairn_error(ctx, CAIRN_EINVAL, "%s row %zu: the target is not a "
					   "number", set, i + 1);
	}
	return 0;
}

static int check_data(cairn_ctx *ctx, const char *algo, const struct cairn_train_data *d)
{
	int rc;

	if (d->task != CAIRN_TASK_CLASSIFICATION && d->task != CAIRN_TASK_REGRESSION)
		return cairn_error(ctx, CAIRN_EINVAL, "%s cannot do %s", algo,
				   cairn_task_name(d->task));
	if (d->task == CAIRN_TASK_CLASSIFICATION && d->nclasses < 2)
		return cairn_error(ctx, CAIRN_EINVAL, "%s needs at least 2 classes, not %d", algo,
				   d->nclasses);
	if (!d->x || !d->x->rows || !d->x->cols || !d->y)
		return cairn_error(ctx, CAIRN_EINVAL, "%s needs training rows, features and "
				   "targets", algo);
	if (d->x->rows > INT32_MAX || d->x->cols > INT32_MAX)
		return cairn_error(ctx, CAIRN_EINVAL, "%s: %zu x %zu is too large", algo,
				   d->x->rows, d->x->cols);
	if ((rc = check_targets(ctx, d, d->y, d->x->rows, "training data")))
		return rc;
	if (d->x_valid) {
		if (d->x_valid->cols != d->x->cols || !d->y_valid)
			return cairn_error(ctx, CAIRN_EINVAL, "%s: the validation data has %zu "
					   "features%s, the training data %zu", algo,
					   d->x_valid->cols, d->y_valid ? "" : " and no targets",
					   d->x->cols);
		if ((rc = check_targets(ctx, d, d->y_valid, d->x_valid->rows, "validation data")))
			return rc;
	}
	return 0;
}

/* What one fit passes to libxgboost, from the algorithm's params. */
struct fit_plan {
	const char *algo;
	int rounds;
	int parallel_trees;    /* trees per class and round */
	int early_stopping;    /* rounds; 0: off */
	const char *objective;
	const char *metric;
	const char *names[24];   /* at most 20 are set */
	const char *values[24];
	char buf[4][32];       /* numbers formatted for values[] */
	size_t n;
};

static void plan_set(struct fit_plan *p, const char *name, const char *value)
{
	p->names[p->n] = name;
	p->values[p->n++] = value;
}

/* Names a param by its XGBoost name, with the user's text as its value. */
static void plan_param(struct fit_plan *p, const json_t *params, const char *xgb_name,
		       const char *cairn_name)
{
	plan_set(p, xgb_name, cairn_param_str(params, cairn_name));
}

/* The value given to the XGBoost param name, or NULL. */
static const char *plan_value(const struct fit_plan *p, const char *name)
{
	for (size_t i = 0; i < p->n; i++)
		if (!strcmp(p->names[i], name))
			return p->values[i];
	return NULL;
}

/* Makes the training matrix: a quantile DMatrix for the hist method (the
 * max_bin it is sketched with must be the booster's), else a DMatrix. A
 * model continued from an init model is trained on a DMatrix, as Python's
 * xgb.train(xgb_model=...) does: on a quantile DMatrix it differs. */
static int make_train_dmatrix(cairn_ctx *ctx, const struct cairn__xgb_api *api,
			      const struct cairn_train_data *d, const struct fit_plan *p,
			      DMatrixHandle *out)
{
	const char *method = plan_value(p, "tree_method"), *bins = plan_value(p, "max_bin");

	if (method && !strcmp(method, "hist") && !d->init_model_dir)
		return make_quantile_dmatrix(ctx, api, d->x, d->y, d->threads,
					     bins ? atoi(bins) : 256, out);
	return make_dmatrix(ctx, api, d->x, d->y, d->threads, out);
}

static void plan_common(struct fit_plan *p, const struct cairn_train_data *d)
{
	if (d->task == CAIRN_TASK_REGRESSION) {
		p->objective = "reg:squarederror";
		p->metric = "rmse";
	} else if (d->nclasses == 2) {
		p->objective = "binary:logistic";
		p->metric = "logloss";
	} else {
		p->objective = "multi:softprob";
		p->metric = "mlogloss";
	}
	plan_set(p, "objective", p->objective);
	if (d->task == CAIRN_TASK_CLASSIFICATION && d->nclasses > 2) {
		snprintf(p->buf[0], sizeof(p->buf[0]), "%d", d->nclasses);
		plan_set(p, "num_class", p->buf[0]);
	}
	plan_set(p, "eval_metric", p->metric);
	snprintf(p->buf[1], sizeof(p->buf[1]), "%" PRId64, (int64_t)d->seed);
	plan_set(p, "seed", p->buf[1]);
	if (d->threads > 0) {
		snprintf(p->buf[2], sizeof(p->buf[2]), "%d", d->threads);
		plan_set(p, "nthread", p->buf[2]);
	}
}

/* max_bin is a param of the hist and approx methods only: libxgboost warns
 * that it is unused when given to exact. */
static void plan_tree_method(struct fit_plan *p, const json_t *params)
{
	plan_param(p, params, "tree_method", "tree_method");
	if (strcmp(cairn_param_str(params, "tree_method"), "exact"))
		plan_param(p, params, "max_bin", "max_bin");
}

static void plan_xgboost(struct fit_plan *p, const struct cairn_train_data *d,
			 const json_t *params)
{
	p->algo = "xgboost";
	p->rounds = (int)cairn_param_int(params, "n_estimators");
	p->parallel_trees = 1;
	p->early_stopping = (int)cairn_param_int(params, "early_stopping_rounds");
	plan_common(p, d);
	plan_param(p, params, "eta", "learning_rate");
	plan_param(p, params, "max_depth", "max_depth");
	plan_param(p, params, "min_child_weight", "min_child_weight");
	plan_param(p, params, "gamma", "gamma");
	plan_param(p, params, "lambda", "reg_lambda");
	plan_param(p, params, "alpha", "reg_alpha");
	plan_param(p, params, "subsample", "subsample");
	plan_param(p, params, "colsample_bytree", "colsample_bytree");
	plan_param(p, params, "colsample_bylevel", "colsample_bylevel");
	plan_param(p, params, "colsample_bynode", "colsample_bynode");
	plan_param(p, params, "max_leaves", "max_leaves");
	plan_param(p, params, "grow_policy", "grow_policy");
	plan_tree_method(p, params);
	if (d->task == CAIRN_TASK_CLASSIFICATION && d->nclasses == 2)
		plan_param(p, params, "scale_pos_weight", "scale_pos_weight");
}

static void plan_forest(struct fit_plan *p, const struct cairn_train_data *d,
			const json_t *params)
{
	p->algo = "random_forest";
	p->rounds = 1;
	p->parallel_trees = (int)cairn_param_int(params, "n_estimators");
	p->early_stopping = 0;
	plan_common(p, d);
	plan_set(p, "eta", "1");
	plan_param(p, params, "num_parallel_tree", "n_estimators");
	plan_param(p, params, "max_depth", "max_depth");
	plan_param(p, params, "min_child_weight", "min_child_weight");
	plan_param(p, params, "lambda", "reg_lambda");
	plan_param(p, params, "subsample", "subsample");
	if (cairn_param_float(params, "colsample_bynode") > 0) {
		plan_param(p, params, "colsample_bynode", "colsample_bynode");
	} else {
		/* As a random forest's max_features: the square root of the
		 * features for classification, all of them for regression. */
		double cols = (double)d->x->cols;
		double share = d->task == CAIRN_TASK_CLASSIFICATION ? floor(sqrt(cols)) / cols : 1;
		snprintf(p->buf[3], sizeof(p->buf[3]), "%.17g", share > 0 ? share : 1);
		plan_set(p, "colsample_bynode", p->buf[3]);
	}
	plan_tree_method(p, params);
}

/* Early stopping on the last metric of the validation set, as xgb.train's
 * EarlyStopping does for a metric to minimize. */
struct stopper {
	int rounds;          /* patience; 0: off */
	int started;
	double best;
	int best_round;
	int since_best;
};

/* Python's str() of a float: the shortest text that reads back the same. */
static void shortest_double(double v, char *out, size_t size)
{
	for (int prec = 1; prec <= 17; prec++) {
		snprintf(out, size, "%.*g", prec, v);
		if (strtod(out, NULL) == v)
			return;
	}
}

/* 1 when training should stop after round; sets the booster's best_score
 * and best_iteration attributes as xgb.train does. */
static int stopper_update(struct stopper *s, const struct cairn__xgb_api *api,
			  BoosterHandle booster, int round, double score)
{
	char best[32], iter[24];

	if (s->started && !(score < s->best)) {
		s->since_best++;
		return s->since_best >= s->rounds;
	}
	s->started = 1;
	s->best = score;
	s->best_round = round;
	s->since_best = 0;
	shortest_double(score, best, sizeof(best));
	snprintf(iter, sizeof(iter), "%d", round);
	api->booster_set_attr(booster, "best_score", best);
	api->booster_set_attr(booster, "best_iteration", iter);
	return 0;
}

/*
 * Passes each "<set>-<metric>:<value>" of an evaluation line
 * ("[3]\ttrain-logloss:0.12\tvalid-logloss:0.2") to on_iteration; sets
 * *valid to the last value of the valid set. Returns on_iteration's stop.
 */
static int report_metrics(const char *line, int64_t step, cairn_iteration_fn on_iteration,
			  void *arg, double *valid)
{
	cairn_buf key = CAIRN_BUF_INIT;
	const char *p = strchr(line, '\t');
	int stop = 0;

	while (p && !stop) {
		const char *field = p + 1, *end = strchrnul(field, '\t'), *colon = NULL;
		for (const char *q = field; q < end; q++)
			if (*q == ':')
				colon = q;
		p = *end ? end : NULL;
		if (!colon)
			continue;
		double v = strtod(colon + 1, NULL);
		cairn_buf_reset(&key);
		cairn_buf_add(&key, field, (size_t)(colon - field));
		if (!strncmp(key.buf, "valid-", 6))
			*valid = v;
		if (on_iteration)
			stop = on_iteration(arg, step, key.buf, v);
	}
	cairn_buf_release(&key);
	return stop;
}

/* Loads the model to continue from, after checking that this fit's data and
 * objective suit it, into the booster being trained. */
static int load_init_model(cairn_ctx *ctx, const struct cairn__xgb_api *api,
			   const struct cairn_train_data *d, const struct fit_plan *p,
			   BoosterHandle booster)
{
	cairn_buf path = CAIRN_BUF_INIT, text = CAIRN_BUF_INIT;
	struct xgb_model *init = NULL;
	int rc;

	cairn_path_join(&path, d->init_model_dir, MODEL_FILE);
	if ((rc = load_file(ctx, api, path.buf, &init)))
		goto out;
	if (strcmp(init->objective, p->objective)) {
		rc = cairn_error(ctx, CAIRN_EINVAL, "cannot continue training '%s': its objective "
				 "is %s, this data needs %s", path.buf, init->objective,
				 p->objective);
		goto out;
	}
	if (d->task == CAIRN_TASK_CLASSIFICATION && init->nclasses != d->nclasses) {
		rc = cairn_error(ctx, CAIRN_EINVAL, "cannot continue training '%s': it has %d "
				 "classes, the data %d", path.buf, init->nclasses, d->nclasses);
		goto out;
	}
	if (init->nfeatures != d->x->cols) {
		rc = cairn_error(ctx, CAIRN_EINVAL, "cannot continue training '%s': it takes %zu "
				 "features, the data has %zu", path.buf, init->nfeatures,
				 d->x->cols);
		goto out;
	}
	/* The checked model was loaded aside: describing a booster configures it,
	 * which the one being trained must not be before its params are set. */
	if ((rc = cairn_read_file(ctx, path.buf, &text)))
		goto out;
	if (api->booster_load_model_from_buffer(booster, text.buf, text.len))
		rc = cairn__xgb_error(ctx, api, CAIRN_EPARSE, "cannot load xgboost model '%s'",
				      path.buf);
out:
	xgb_free(init);
	cairn_buf_release(&path);
	cairn_buf_release(&text);
	return rc;
}

/*
 * The attributes xgb.train leaves on every model it returns, for readers that
 * look for them (XGBoost's scikit-learn wrapper predicts with the rounds up
 * to best_iteration): the model's rounds are its best ones.
 */
static int set_best_attrs(const struct cairn__xgb_api *api, BoosterHandle booster, int rounds,
			  int parallel_trees)
{
	char iter[24], limit[24];

	snprintf(iter, sizeof(iter), "%d", rounds - 1);
	snprintf(limit, sizeof(limit), "%lld", (long long)rounds * parallel_trees);
	return api->booster_set_attr(booster, "best_iteration", iter) ||
	       api->booster_set_attr(booster, "best_ntree_limit", limit);
}

/*
 * The per-round train-* metrics are computed on at most this many training
 * rows: evaluating all of a large training set each round cost as much as
 * the boosting itself (1M x 20, 100 rounds of hist: 10.5 s against 5.2 s).
 * The rows are evenly strided over the training rows, the same for every
 * fit of the same data; the valid-* metrics stay on the whole validation set.
 */
#define EVAL_ROWS 10000

/* The DMatrix of the train-* metrics: NULL (*out) when the training set is
 * small enough to be evaluated whole. */
static int make_eval_sample(cairn_ctx *ctx, const struct cairn__xgb_api *api,
			    const struct cairn_train_data *d, DMatrixHandle *out)
{
	const struct cairn_matrix *x = d->x;
	struct cairn_matrix s = { EVAL_ROWS, x->cols, NULL };
	double *y;
	int rc;

	*out = NULL;
	if (x->rows <= EVAL_ROWS)
		return 0;
	s.v = cairn_xmalloc(s.rows * s.cols * sizeof(*s.v));
	y = cairn_xmalloc(s.rows * sizeof(*y));
	for (size_t i = 0; i < s.rows; i++) {
		size_t r = (size_t)((double)i * (double)x->rows / (double)s.rows);
		memcpy(s.v + i * s.cols, x->v + r * x->cols, s.cols * sizeof(*s.v));
		y[i] = d->y[r];
	}
	rc = make_dmatrix(ctx, api, &s, y, d->threads, out);
	free(s.v);
	free(y);
	return rc;
}

static int fit(cairn_ctx *ctx, const struct cairn_train_data *d, struct fit_plan *p,
	       cairn_iteration_fn on_iteration, void *arg, void **model)
{
	const struct cairn__xgb_api *api;
	DMatrixHandle dmats[2] = { NULL, NULL }, sample = NULL, evals[2];
	const char *set_names[2] = { "train", "valid" };
	bst_ulong nsets = d->x_valid ? 2 : 1;
	BoosterHandle booster = NULL, sliced;
	struct stopper stop = { .rounds = p->early_stopping };
	struct xgb_model *m = NULL;
	int rc, start = 0;

	*model = NULL;
	if ((rc = check_data(ctx, p->algo, d)))
		return rc;
	if (p->early_stopping && !d->x_valid)
		return cairn_error(ctx, CAIRN_EINVAL, "%s: early_stopping_rounds needs a "
				   "validation set", p->algo);
	if ((rc = cairn__xgb(ctx, "training an xgboost model", &api)))
		return rc;
	if ((rc = make_train_dmatrix(ctx, api, d, p, &dmats[0])) ||
	    (d->x_valid && (rc = make_dmatrix(ctx, api, d->x_valid, d->y_valid, d->threads,
					      &dmats[1]))) ||
	    ((on_iteration || p->early_stopping) && (rc = make_eval_sample(ctx, api, d, &sample))))
		goto out;
	evals[0] = sample ? sample : dmats[0];
	evals[1] = dmats[1];
	if (api->booster_create(dmats, nsets, &booster)) {
		rc = cairn__xgb_error(ctx, api, CAIRN_EINTERNAL, "cannot create an xgboost booster");
		goto out;
	}
	if (d->init_model_dir) {
		if ((rc = load_init_model(ctx, api, d, p, booster)))
			goto out;
		if (api->booster_boosted_rounds(booster, &start)) {
			rc = cairn__xgb_error(ctx, api, CAIRN_EINTERNAL, "cannot count rounds");
			goto out;
		}
	}
	/* As Python's Booster takes them from a DataFrame's DMatrix: its readers
	 * then refuse a frame whose columns differ or come in another order. */
	if (d->feature_names &&
	    (api->booster_set_str_feature_info(booster, "feature_name",
					       (const char **)d->feature_names, d->x->cols) ||
	     api->booster_set_str_feature_info(booster, "feature_type",
					       (const char **)d->feature_types, d->x->cols))) {
		rc = cairn__xgb_error(ctx, api, CAIRN_EINVAL, "%s: cannot name the features", p->algo);
		goto out;
	}
	for (size_t i = 0; i < p->n; i++)
		if (api->booster_set_param(booster, p->names[i], p->values[i])) {
			rc = cairn__xgb_error(ctx, api, CAIRN_EINVAL, "%s: param %s=%s", p->algo,
					      p->names[i], p->values[i]);
			goto out;
		}
	/* Unknown names are reported (as a warning) rather than ignored. */
	api->booster_set_param(booster, "validate_parameters", "1");
	for (int i = 0; i < p->rounds; i++) {
		const char *line;
		double valid = NAN;

		/* Also when no one hears of the rounds (a cross-validation
		 * fold): the caller sees the flag once the fit returns. */
		if (cairn_ctx_cancelled(ctx))
			break;
		if (api->booster_update_one_iter(booster, i, dmats[0])) {
			rc = cairn__xgb_error(ctx, api, CAIRN_EINVAL, "%s: cannot train round %d",
					      p->algo, start + i);
			goto out;
		}
		if (!on_iteration && !stop.rounds)
			continue;
		if (api->booster_eval_one_iter(booster, i, evals, set_names, nsets, &line)) {
			rc = cairn__xgb_error(ctx, api, CAIRN_EINVAL, "%s: cannot evaluate round %d",
					      p->algo, start + i);
			goto out;
		}
		if (report_metrics(line, start + i, on_iteration, arg, &valid))
			break;
		if (stop.rounds && stopper_update(&stop, api, booster, start + i, valid))
			break;
	}
	if (stop.rounds && stop.started) {
		if (api->booster_slice(booster, 0, stop.best_round + 1, 1, &sliced)) {
			rc = cairn__xgb_error(ctx, api, CAIRN_EINTERNAL, "%s: cannot keep the best "
					      "%d rounds", p->algo, stop.best_round + 1);
			goto out;
		}
		api->booster_free(booster);
		booster = sliced;
	}
	m = model_new(api, booster);
	booster = NULL;
	m->threads = d->threads;
	m->nfeatures = d->x->cols;
	if ((rc = set_objective(ctx, m, p->objective, d->nclasses, p->algo)))
		goto out;
	if (api->booster_boosted_rounds(m->booster, &m->rounds) ||
	    set_best_attrs(api, m->booster, m->rounds, p->parallel_trees)) {
		rc = cairn__xgb_error(ctx, api, CAIRN_EINTERNAL, "%s: cannot finish the model",
				      p->algo);
		goto out;
	}
	*model = m;
	m = NULL;
out:
	xgb_free(m);
	if (booster)
		api->booster_free(booster);
	for (int i = 0; i < 2; i++)
		if (dmats[i])
			api->dmatrix_free(dmats[i]);
	if (sample)
		api->dmatrix_free(sample);
	return rc;
}

static int fit_xgboost(cairn_ctx *ctx, const struct cairn_train_data *d, const json_t *params,
		       cairn_iteration_fn on_iteration, void *arg, void **model)
{
	struct fit_plan p = { 0 };

	plan_xgboost(&p, d, params);
	return fit(ctx, d, &p, on_iteration, arg, model);
}

static int fit_forest(cairn_ctx *ctx, const struct cairn_train_data *d, const json_t *params,
		      cairn_iteration_fn on_iteration, void *arg, void **model)
{
	struct fit_plan p = { 0 };

	plan_forest(&p, d, params);
	return fit(ctx, d, &p, on_iteration, arg, model);
}

static size_t xgb_outputs(const void *model)
{
	const struct xgb_model *m = model;

	return m->task == CAIRN_TASK_CLASSIFICATION ? (size_t)m->nclasses : 1;
}

/* Turns raw predictions (one per row, or nclasses) into cairn's outputs. */
static void convert(const struct xgb_model *m, const float *raw, size_t rows, double *out)
{
	size_t k = (size_t)m->nclasses;

	for (size_t i = 0; i < rows; i++) {
		switch (m->output) {
		case OUT_BINARY_PROB:
			out[2 * i] = 1.0 - raw[i];
			out[2 * i + 1] = raw[i];
			break;
		case OUT_BINARY_MARGIN:
			out[2 * i + 1] = 1.0 / (1.0 + exp(-(double)raw[i]));
			out[2 * i] = 1.0 - out[2 * i + 1];
			break;
		case OUT_PROBS:
			for (size_t c = 0; c < k; c++)
				out[i * k + c] = raw[i * k + c];
			break;
		case OUT_SOFTMAX_MARGIN: {
			double max = raw[i * k], sum = 0;
			for (size_t c = 1; c < k; c++)
				max = fmax(max, raw[i * k + c]);
			for (size_t c = 0; c < k; c++)
				sum += out[i * k + c] = exp(raw[i * k + c] - max);
			for (size_t c = 0; c < k; c++)
				out[i * k + c] /= sum;
			break;
		}
		case OUT_VALUE:
			out[i] = raw[i];
			break;
		}
	}
}

/* libxgboost's predictions: the reference of the native evaluator. */
static int xgb_predict_library(cairn_ctx *ctx, const void *model, const struct cairn_matrix *x,
			       double *out)
{
	struct xgb_model *m = (struct xgb_model *)model;
	const struct cairn__xgb_api *api = m->api;
	const int margin = m->output == OUT_BINARY_MARGIN || m->output == OUT_SOFTMAX_MARGIN;
	const size_t per_row = m->output == OUT_PROBS || m->output == OUT_SOFTMAX_MARGIN ?
			       (size_t)m->nclasses : 1;
	const bst_ulong *shape;
	const float *raw;
	bst_ulong dim, n = 1;
	DMatrixHandle dm = NULL;
	int rc;

	if (x->cols != m->nfeatures)
		return cairn_error(ctx, CAIRN_EINVAL, "the xgboost model takes %zu features, not "
				   "%zu", m->nfeatures, x->cols);
	if (!x->rows)
		return 0;
	if ((rc = cairn__xgb(ctx, "predicting with an xgboost model", &api)) ||
	    (rc = make_dmatrix(ctx, api, x, NULL, m->threads, &dm)))
		return rc;
	pthread_mutex_lock(&m->lock);
	if (api->booster_predict_from_dmatrix(m->booster, dm, margin ?
		"{\"type\": 1, \"training\": false, \"iteration_begin\": 0, "
		"\"iteration_end\": 0, \"strict_shape\": false}" :
		"{\"type\": 0, \"training\": false, \"iteration_begin\": 0, "
		"\"iteration_end\": 0, \"strict_shape\": false}", &shape, &dim, &raw)) {
		rc = cairn__xgb_error(ctx, api, CAIRN_EINVAL, "cannot predict with the xgboost "
				      "model");
		goto out;
	}
	for (bst_ulong i = 0; i < dim; i++)
		n *= shape[i];
	if (n != x->rows * per_row) {
		rc = cairn_error(ctx, CAIRN_EINTERNAL, "xgboost predicted %" PRIu64 " values for "
				 "%zu rows of %zu", (uint64_t)n, x->rows, per_row);
		goto out;
	}
	convert(m, raw, x->rows, out);
out:
	pthread_mutex_unlock(&m->lock);
	api->dmatrix_free(dm);
	return rc;
}

/* Raw values kept on the stack per chunk of rows. */
#define NATIVE_CHUNK 1024
/* Rows from which a prediction is split between threads. */
#define NATIVE_PARALLEL_ROWS 16384

struct native_job {
	const struct xgb_model *m;
	const struct cairn_matrix *x;
	double *out;
	int pieces;
};

/* Predicts rows [begin, end) of x natively into out, chunk by chunk. */
static void native_rows(const struct xgb_model *m, const struct cairn_matrix *x, size_t begin,
			size_t end, double *out)
{
	const int margin = m->output == OUT_BINARY_MARGIN || m->output == OUT_SOFTMAX_MARGIN;
	const size_t groups = cairn__native_trees_groups(m->native), outs = xgb_outputs(m);
	float stack[NATIVE_CHUNK], *raw = stack;
	size_t step = NATIVE_CHUNK / groups;

	if (!step) {
		raw = cairn_xmalloc(groups * sizeof(*raw));
		step = 1;
	}
	for (size_t r = begin; r < end; r += step) {
		size_t n = end - r < step ? end - r : step;
		cairn__native_trees_predict(m->native, x->v + r * x->cols, n, margin, raw);
		convert(m, raw, n, out + r * outs);
	}
	if (raw != stack)
		free(raw);
}

static void native_piece(void *arg, int i)
{
	const struct native_job *j = arg;
	size_t rows = j->x->rows, per = (rows + (size_t)j->pieces - 1) / (size_t)j->pieces;
	size_t begin = (size_t)i * per, end = begin + per < rows ? begin + per : rows;

	if (begin < end)
		native_rows(j->m, j->x, begin, end, j->out);
}

/* Predicts natively when the model has the evaluator (on one thread for a
 * few rows: no thread is started for a request's row), else through
 * libxgboost. */
static int xgb_predict(cairn_ctx *ctx, const void *model, const struct cairn_matrix *x,
		       double *out)
{
	const struct xgb_model *m = model;
	struct native_job job = { m, x, out, 1 };
	int rc;

	if (!m->native)
		return xgb_predict_library(ctx, model, x, out);
	if (x->cols != m->nfeatures)
		return cairn_error(ctx, CAIRN_EINVAL, "the xgboost model takes %zu features, not "
				   "%zu", m->nfeatures, x->cols);
	if ((rc = check_finite_matrix(ctx, x)))
		return rc;
	if (x->rows < NATIVE_PARALLEL_ROWS) {
		native_rows(m, x, 0, x->rows, out);
		return 0;
	}
	job.pieces = m->threads > 0 ? m->threads : cairn__usable_cores();
	cairn__parallel(job.pieces, native_piece, &job);
	return 0;
}

static int xgb_save(cairn_ctx *ctx, const void *model, const char *dir, json_t *files)
{
	struct xgb_model *m = (struct xgb_model *)model;
	cairn_buf path = CAIRN_BUF_INIT;
	const char *text;
	bst_ulong len;
	int rc;

	cairn_path_join(&path, dir, MODEL_FILE);
	pthread_mutex_lock(&m->lock);
	if (m->api->booster_save_model_to_buffer(m->booster, "{\"format\": \"json\"}", &len,
						 &text))
		rc = cairn__xgb_error(ctx, m->api, CAIRN_EINTERNAL, "cannot save xgboost model "
				      "'%s'", path.buf);
	else
		rc = cairn_write_file_atomic(ctx, path.buf, text, len, 0644);
	pthread_mutex_unlock(&m->lock);
	if (!rc)
		json_array_append_new(files, json_string(MODEL_FILE));
	cairn_buf_release(&path);
	return rc;
}

static int xgb_load(cairn_ctx *ctx, const char *dir, void **model)
{
	cairn_buf path = CAIRN_BUF_INIT;
	int rc;

	cairn_path_join(&path, dir, MODEL_FILE);
	rc = cairn__xgb_load_file(ctx, path.buf, model);
	cairn_buf_release(&path);
	return rc;
}

/*
 * Total gain of the splits on each feature, over all trees, as a share of
 * the total (0 for a feature no split uses). Features are named f0..fN-1 to
 * libxgboost, whatever names a model imported from elsewhere carries.
 */
static int xgb_importance(cairn_ctx *ctx, const void *model, size_t nfeatures, double *out)
{
	struct xgb_model *m = (struct xgb_model *)model;
	cairn_buf config = CAIRN_BUF_INIT;
	const char **names;
	const bst_ulong *shape;
	const float *scores;
	bst_ulong nnames, dim;
	double total = 0;
	int rc = 0;

	if (nfeatures != m->nfeatures)
		return cairn_error(ctx, CAIRN_EINVAL, "the xgboost model has %zu features, not %zu",
				   m->nfeatures, nfeatures);
	cairn_buf_adds(&config, "{\"importance_type\": \"total_gain\", \"feature_names\": [");
	for (size_t i = 0; i < nfeatures; i++)
		cairn_buf_addf(&config, "%s\"f%zu\"", i ? ", " : "", i);
	cairn_buf_adds(&config, "]}");
	for (size_t i = 0; i < nfeatures; i++)
		out[i] = 0;
	pthread_mutex_lock(&m->lock);
	if (m->api->booster_feature_score(m->booster, config.buf, &nnames, &names, &dim, &shape,
					  &scores)) {
		rc = cairn__xgb_error(ctx, m->api, CAIRN_EINVAL, "cannot compute feature importance");
		goto out;
	}
	for (bst_ulong i = 0; i < nnames; i++) {
		char *end;
		unsigned long f;
		if (names[i][0] != 'f' || !names[i][1])
			continue;
		f = strtoul(names[i] + 1, &end, 10);
		if (!*end && f < nfeatures)
			out[f] = scores[i];
	}
out:
	pthread_mutex_unlock(&m->lock);
	for (size_t i = 0; i < nfeatures; i++)
		total += out[i];
	for (size_t i = 0; i < nfeatures && total > 0; i++)
		out[i] /= total;
	cairn_buf_release(&config);
	return rc;
}

#define UNBOUNDED INFINITY

static const struct cairn_param_spec xgboost_params[] = {
	{ "n_estimators", CAIRN_PARAM_INT, "100", 1, 100000, NULL,
	  "boosting rounds (trees per class)" },
	{ "learning_rate", CAIRN_PARAM_FLOAT, "0.3", 0, 1, NULL,
	  "shrinkage of each tree's contribution (XGBoost's eta)" },
	{ "max_depth", CAIRN_PARAM_INT, "6", 0, 64, NULL,
	  "maximum tree depth (0: no limit, with grow_policy lossguide)" },
	{ "min_child_weight", CAIRN_PARAM_FLOAT, "1", 0, UNBOUNDED, NULL,
	  "minimum sum of instance weight (hessian) in a child" },
	{ "gamma", CAIRN_PARAM_FLOAT, "0", 0, UNBOUNDED, NULL,
	  "minimum loss reduction to split a leaf (min_split_loss)" },
	{ "reg_lambda", CAIRN_PARAM_FLOAT, "1", 0, UNBOUNDED, NULL,
	  "L2 regularization of leaf weights (XGBoost's lambda)" },
	{ "reg_alpha", CAIRN_PARAM_FLOAT, "0", 0, UNBOUNDED, NULL,
	  "L1 regularization of leaf weights (XGBoost's alpha)" },
	{ "subsample", CAIRN_PARAM_FLOAT, "1", 1e-6, 1, NULL,
	  "share of rows sampled for each tree, in (0, 1]" },
	{ "colsample_bytree", CAIRN_PARAM_FLOAT, "1", 1e-6, 1, NULL,
	  "share of features sampled for each tree, in (0, 1]" },
	{ "colsample_bylevel", CAIRN_PARAM_FLOAT, "1", 1e-6, 1, NULL,
	  "share of the tree's features sampled for each depth level" },
	{ "colsample_bynode", CAIRN_PARAM_FLOAT, "1", 1e-6, 1, NULL,
	  "share of the level's features sampled for each split" },
	{ "tree_method", CAIRN_PARAM_STRING, "hist", 0, 0, "hist|approx|exact",
	  "split finding: histograms (hist), quantile sketch per round (approx), or "
	  "every value (exact)" },
	{ "max_bin", CAIRN_PARAM_INT, "256", 2, 65536, NULL,
	  "histogram bins per feature (hist and approx)" },
	{ "grow_policy", CAIRN_PARAM_STRING, "depthwise", 0, 0, "depthwise|lossguide",
	  "grow level by level, or split the node of largest loss reduction first" },
	{ "max_leaves", CAIRN_PARAM_INT, "0", 0, 2147483647, NULL,
	  "maximum leaves per tree (0: no limit)" },
	{ "scale_pos_weight", CAIRN_PARAM_FLOAT, "1", 0, UNBOUNDED, NULL,
	  "weight of the positive class (binary classification)" },
	{ "early_stopping_rounds", CAIRN_PARAM_INT, "0", 0, 100000, NULL,
	  "stop when the validation metric has not improved for this many rounds, "
	  "and keep the best rounds (0: off; needs a validation set)" },
};

static const struct cairn_param_spec forest_params[] = {
	{ "n_estimators", CAIRN_PARAM_INT, "100", 1, 100000, NULL,
	  "trees in the forest (XGBoost's num_parallel_tree)" },
	{ "max_depth", CAIRN_PARAM_INT, "16", 1, 64, NULL,
	  "maximum tree depth (deep: a forest averages fully grown trees)" },
	{ "subsample", CAIRN_PARAM_FLOAT, "0.632", 1e-6, 1, NULL,
	  "share of rows sampled (without replacement) for each tree; 0.632 is the "
	  "share of distinct rows in a bootstrap sample" },
	{ "colsample_bynode", CAIRN_PARAM_FLOAT, "0", 0, 1, NULL,
	  "share of features sampled for each split (0: the square root of the "
	  "features for classification, all for regression)" },
	{ "min_child_weight", CAIRN_PARAM_FLOAT, "0.001", 0, UNBOUNDED, NULL,
	  "minimum sum of instance weight (hessian) in a child: 0.001 lets a leaf hold "
	  "a single row but never none" },
	{ "reg_lambda", CAIRN_PARAM_FLOAT, "1e-05", 0, UNBOUNDED, NULL,
	  "L2 regularization of leaf weights (small, as in XGBoost's XGBRFClassifier: "
	  "a leaf is close to the mean of its rows)" },
	{ "tree_method", CAIRN_PARAM_STRING, "hist", 0, 0, "hist|approx|exact",
	  "split finding: histograms (hist), quantile sketch (approx), or every value "
	  "(exact)" },
	{ "max_bin", CAIRN_PARAM_INT, "256", 2, 65536, NULL,
	  "histogram bins per feature (hist and approx)" },
};

#define TASKS (CAIRN_TASK_BIT(CAIRN_TASK_CLASSIFICATION) | CAIRN_TASK_BIT(CAIRN_TASK_REGRESSION))

const struct cairn_algorithm cairn__algo_xgboost = {
	.name = "xgboost",
	.tasks = TASKS,
	.wants_scaling = 0,
	.wants_onehot = 0,
	.handles_missing = 1,
	.params = xgboost_params,
	.nparams = sizeof(xgboost_params) / sizeof(xgboost_params[0]),
	.fit = fit_xgboost,
	.predict = xgb_predict,
	.predict_reference = xgb_predict_library,
	.outputs = xgb_outputs,
	.save = xgb_save,
	.load = xgb_load,
	.free = xgb_free,
	.importance = xgb_importance,
};

const struct cairn_algorithm cairn__algo_random_forest = {
	.name = "random_forest",
	.tasks = TASKS,
	.wants_scaling = 0,
	.wants_onehot = 0,
	.handles_missing = 1,
	.params = forest_params,
	.nparams = sizeof(forest_params) / sizeof(forest_params[0]),
	.fit = fit_forest,
	.predict = xgb_predict,
	.predict_reference = xgb_predict_library,
	.outputs = xgb_outputs,
	.save = xgb_save,
	.load = xgb_load,
	.free = xgb_free,
	.importance = xgb_importance,
};
