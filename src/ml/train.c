/* Built-in training as a tracked run; see include/cairn/train.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cairn/buf.h"
#include "cairn/dataset.h"
#include "cairn/derive.h"
#include "cairn/error.h"
#include "cairn/model.h"
#include "cairn/run.h"
#include "cairn/train.h"
#include "core/cancel.h"
#include "core/cpu.h"
#include "core/fs.h"
#include "core/json.h"
#include "core/oom.h"
#include "core/progress.h"
#include "ml/ensemble.h"
#include "ml/evaluate.h"
#include "ml/federated.h"
#include "ml/model-internal.h"
#include "ml/oof.h"
#include "ml/preprocess.h"
#include "ml/train-check.h"
#include "ml/train-recipe.h"
#include "ml/xgb.h"
#include "track/codever-internal.h"
#include "track/run-internal.h"

/* Everything one training holds, released by train_release. */
struct train {
	cairn_ctx *ctx;
	const struct cairn_train_options *o;
	cairn_run *run;
	const struct cairn_algorithm *algo;
	json_t *params;                       /* resolved */
	/* Every dataset reference resolved once, before the run starts: these
	 * versions are trained on and recorded, whatever is added meanwhile. */
	struct cairn_dataset_version data, test;
	struct cairn_frame *fdata, *ftest;
	size_t *train_rows, ntrain;           /* rows of fdata to train on */
	size_t *test_rows, ntest;             /* held-out rows (of ftest or fdata) */
	cairn_prep *prep;
	void *model;
	/* The models named by init_model and members, opened before the run
	 * starts (a name that is no model leaves no run). */
	cairn_model *init;                    /* init_model */
	cairn_model **members;                /* o->nmembers, until the ensemble owns them */
	char *init_dir;                       /* its model file, for the algorithm */
	struct cairn_dataset_version unlabeled;
	struct cairn_frame *funlabeled;
	struct cairn_dataset_version *shards; /* federated: o->nshards versions */
	char **shard_refs;                    /* and their "name@N" */
	json_t *metrics;                      /* {train: {...}, test: {...}, cv: {...}} */
	/* Per-iteration metrics, logged in batches. */
	struct cairn_metric *points;
	char **point_keys;
	size_t npoints;
	struct cairn__progress progress;
	json_t *fed_inputs;                   /* federated: the shard versions */
	int threads;                          /* of every fit (fit_threads) */
	/* Whether every fit of an iterative solver converged: -1 when the
	 * algorithm does not say (see learner.h), else 0 or 1. */
	int converged;
};

static void flush_points(struct train *t)
{
	if (t->npoints && t->run)
		cairn_run_log_metrics(t->run, t->points, t->npoints);
	for (size_t i = 0; i < t->npoints; i++)
		free(t->point_keys[i]);
	t->npoints = 0;
}

#define POINT_BATCH 256
/* The training rows evaluated for the train_... metrics, at most. */
#define TRAIN_EVAL_ROWS 100000

static int on_iteration(void *arg, int64_t step, const char *key, double value)
{
	struct train *t = arg;

	if (!t->points) {
		t->points = cairn_xcalloc(POINT_BATCH, sizeof(*t->points));
		t->point_keys = cairn_xcalloc(POINT_BATCH, sizeof(*t->point_keys));
	}
	if (t->npoints == POINT_BATCH)
		flush_points(t);
	t->point_keys[t->npoints] = cairn_xstrdup(key);
	t->points[t->npoints] = (struct cairn_metric){ t->point_keys[t->npoints], value, step, 0 };
	t->npoints++;
	cairn__progress_update(&t->progress, (uint64_t)step + 1);
	/* Non-zero stops the fit; the caller then sees the flag. */
	return cairn_ctx_cancelled(t->ctx) != 0;
}

/* Logs doc (taken) as the run's JSON artifact path. */
static int log_json_artifact(struct train *t, json_t *doc, const char *path)
{
	char *text = json_dumps(doc, JSON_SORT_KEYS | JSON_COMPACT);
	int rc;

	json_decref(doc);
	if (!text)
		cairn__oom(0);
	rc = cairn_run_log_artifact_buf(t->run, text, strlen(text), path);
	free(text);
	return rc;
}

/* CAIRN_EINTERRUPTED once the context's cancel flag is set, else 0. */
static int check_cancel(struct train *t)
{
	return cairn_ctx_cancelled(t->ctx) ? cairn__interrupted(t->ctx) : 0;
}

static size_t *all_rows(size_t n)
{
	size_t *r = cairn_xmalloc((n ? n : 1) * sizeof(*r));
	for (size_t i = 0; i < n; i++)
		r[i] = i;
	return r;
}

/* The held-out rows as the artifact split/test_rows.json, {"test_split",
 * "seed", "stratify", "test_rows": [rows counted from 0 in the data]}, so
 * that any other tool can score itself on exactly the same rows. */
static int log_split(struct train *t, const char *stratify)
{
	json_t *doc = json_object(), *rows = json_array();

	for (size_t i = 0; i < t->ntest; i++)
		json_array_append_new(rows, json_integer((json_int_t)t->test_rows[i]));
	json_object_set_new(doc, "test_split", json_real(t->o->test_split));
	json_object_set_new(doc, "seed", json_integer((json_int_t)t->o->seed));
	json_object_set_new(doc, "stratify", stratify ? json_string(stratify) : json_null());
	json_object_set_new(doc, "test_rows", rows);
	return log_json_artifact(t, doc, "split/test_rows.json");
}

/*
 * Holds out a fraction of fdata with the split of `cairn data split`
 * (cairn_split_rows, two parts: training 1 - F, test F), stratified by the
 * target for classification: the same seed gives the same rows as `cairn
 * data split --ratios 1-F,F --stratify TARGET --seed S`.
 */
static int split_rows(struct train *t, const struct cairn_prep_options *po)
{
	size_t n = t->fdata->nrows;
	double ratios[2] = { 1 - t->o->test_split, t->o->test_split };
	struct cairn_split_options so = { ratios, 2, NULL, t->o->seed };
	struct cairn_split sp = { 0 };
	cairn_prep *labels = NULL;
	int rc;

	/* The task, from a preprocessing fitted on all rows just for it (the
	 * model's own is fitted on the training rows only). */
	if ((rc = cairn_prep_fit(t->ctx, t->fdata, NULL, 0, po, &labels)))
		return rc;
	if (cairn_prep_task(labels) == CAIRN_TASK_CLASSIFICATION)
		so.stratify = po->target;
	cairn_prep_free(labels);
	if ((rc = cairn_split_rows(t->ctx, t->fdata, &so, &sp))) {
		if (rc == CAIRN_EINVAL) /* a part would be empty: say which */
			rc = cairn_error(t->ctx, CAIRN_EINVAL, "a test split of %g of %zu rows "
					 "leaves the %s set empty", t->o->test_split, n,
					 t->o->test_split < 0.5 ? "test" : "training");
		return rc;
	}
	t->train_rows = sp.rows[0];
	t->ntrain = sp.n[0];
	t->test_rows = sp.rows[1];
	t->ntest = sp.n[1];
	sp.rows[0] = sp.rows[1] = NULL;
	cairn_split_release(&sp);
	return log_split(t, so.stratify);
}

static int prep_copy(cairn_ctx *ctx, const cairn_prep *p, cairn_prep **out)
{
	json_t *spec = cairn_prep_json(p);
	int rc = cairn_prep_from_json(ctx, spec, out);

	json_decref(spec);
	return rc;
}

/* Data with fewer cells (training rows x columns) is fitted on one thread:
 * starting and joining threads costs more than they save on it, all the
 * more so on a busy machine, where a thread that waits for the others waits
 * for a core (142 rows took 0.3 s on one thread, 4.6 to 21.6 s on all of a
 * loaded machine's). */
#define SMALL_DATA_CELLS 100000

/* The threads of every fit of t: the caller's count, else one on small
 * data, else the cores this process may use shared among the jobs. */
static int fit_threads(const struct train *t)
{
	const struct cairn_train_options *o = t->o;
	int cores = cairn__usable_cores();

	if (o->threads > 0)
		return o->threads;
	if ((double)t->ntrain * (double)t->fdata->ncols < SMALL_DATA_CELLS)
		return 1;
	cores /= o->jobs > 1 ? o->jobs : 1;
	return cores > 1 ? cores : 1;
}

/* 1 when the params ask for early stopping (xgboost's early_stopping_rounds). */
static int early_stopping(const json_t *params)
{
	return json_object_get(params, "early_stopping_rounds") &&
	       cairn_param_int(params, "early_stopping_rounds") > 0;
}

/* Fits the model on a matrix made by prep (continuing init_model). With
 * early stopping, the test rows (the test data or the held-out split) are
 * the validation set, scored after every round. */
static int fit_matrix(struct train *t, const cairn_prep *prep, const struct cairn_matrix *x,
		      const double *y, int log_iterations, void **model)
{
	struct cairn_train_data d = { 0 };
	struct cairn_matrix xv = { 0 };
	const char **names, **types;
	double *yv = NULL;
	int rc, converged = -1;

	if (early_stopping(t->params)) {
		if ((rc = cairn_prep_transform(t->ctx, prep, t->ftest ? t->ftest : t->fdata,
					       t->ftest ? NULL : t->test_rows,
					       t->ftest ? 0 : t->ntest, &xv, &yv)))
			return rc;
		d.x_valid = &xv;
		d.y_valid = yv;
	}
	d.x = x;
	d.y = y;
	d.task = cairn_prep_task(prep);
	d.nclasses = cairn_prep_nclasses(prep);
	d.seed = t->o->seed;
	d.threads = t->threads;
	d.init_model_dir = t->init_dir;
	d.converged = &converged;
	names = cairn_xmalloc((x->cols ? x->cols : 1) * sizeof(*names));
	types = cairn_xmalloc((x->cols ? x->cols : 1) * sizeof(*types));
	for (size_t i = 0; i < x->cols; i++) {
		names[i] = cairn_prep_feature(prep, i);
		types[i] = cairn_prep_feature_type(prep, i);
	}
	d.feature_names = names;
	d.feature_types = types;
	rc = t->algo->fit(t->ctx, &d, t->params, log_iterations ? on_iteration : NULL, t, model);
	if (converged >= 0 && t->converged != 0)
		t->converged = converged;
	free(names);
	free(types);
	free(xv.v);
	free(yv);
	return rc;
}

/* Early stopping kept the rounds up to the best one: its index (counted
 * from 0, an init model's rounds included, as XGBoost's best_iteration) is
 * the metric best_iteration. */
static int log_best_iteration(struct train *t)
{
	struct cairn__xgb_info info;

	if (!early_stopping(t->params) || strcmp(t->algo->name, "xgboost"))
		return 0;
	cairn__xgb_info(t->model, &info);
	json_object_set_new(t->metrics, "best_iteration", json_integer(info.rounds - 1));
	return cairn_run_log_metric(t->run, "best_iteration", info.rounds - 1, 0);
}

/* Fits preprocessing (or copies init_model's) and model on rows of f; the
 * caller frees *prep, *model. */
static int fit_on(struct train *t, const struct cairn_prep_options *po, const size_t *rows,
		  size_t nrows, cairn_prep **prep, void **model, int log_iterations)
{
	struct cairn_matrix x = { 0 };
	double *y = NULL;
	int rc;

	*model = NULL;
	if ((rc = t->init ? prep_copy(t->ctx, cairn_model_prep(t->init), prep)
			  : cairn_prep_fit(t->ctx, t->fdata, rows, nrows, po, prep)))
		return rc;
	if (!(t->algo->tasks & CAIRN_TASK_BIT(cairn_prep_task(*prep))))
		return cairn_error(t->ctx, CAIRN_EINVAL, "%s does not do %s", t->algo->name,
				   cairn_task_name(cairn_prep_task(*prep)));
	if ((rc = cairn_prep_transform(t->ctx, *prep, t->fdata, rows, nrows, &x, &y)))
		return rc;
	rc = fit_matrix(t, *prep, &x, y, log_iterations, model);
	free(x.v);
	free(y);
	return rc;
}

/* Predicts rows of f with (prep, model) and evaluates against their labels;
 * the predictions are copied to keep (when not NULL), outputs per row. */
static int evaluate_on(struct train *t, const cairn_prep *prep, const void *model,
		       const struct cairn_frame *f, const size_t *rows, size_t nrows, json_t **out,
		       double *keep)
{
	struct cairn_eval_data e = { 0 };
	struct cairn_matrix x = { 0 };
	double *y = NULL, *pred = NULL;
	const char **names = NULL;
	int rc;

	if ((rc = cairn_prep_transform(t->ctx, prep, f, rows, nrows, &x, &y)))
		return rc;
	pred = cairn_xmalloc((x.rows ? x.rows : 1) * t->algo->outputs(model) * sizeof(double));
	/* An ensemble's members each apply their own preprocessing to f. */
	if ((rc = cairn__is_ensemble(t->algo) ?
		  cairn__ensemble_predict(t->ctx, model, f, rows, x.rows, 0, pred) :
		  t->algo->predict(t->ctx, model, &x, pred)))
		goto out;
	e.task = cairn_prep_task(prep);
	e.n = x.rows;
	e.y = y;
	e.pred = pred;
	e.nclasses = cairn_prep_nclasses(prep);
	if (e.nclasses) {
		names = cairn_xmalloc((size_t)e.nclasses * sizeof(*names));
		for (int c = 0; c < e.nclasses; c++)
			names[c] = cairn_prep_class(prep, c);
		e.class_names = names;
	}
	e.x = &x;
	e.seed = t->o->seed;
	if (keep)
		memcpy(keep, pred, x.rows * t->algo->outputs(model) * sizeof(double));
	rc = cairn_evaluate(t->ctx, &e, out);
out:
	free(names);
	free(x.v);
	free(y);
	free(pred);
	return rc;
}

/* Stores the folds as the artifact cv/folds.json, {"k", "seed", "test_rows":
 * [[rows of fold 0], ...]} with rows counted from 0 in data, so that any
 * other tool can score itself on exactly the same folds. */
static int log_folds(struct train *t, const int *fold, size_t k)
{
	json_t *doc = json_object(), *test_rows = json_array();

	for (size_t f = 0; f < k; f++) {
		json_t *rows = json_array();
		for (size_t i = 0; i < t->ntrain; i++)
			if (fold[i] == (int)f)
				json_array_append_new(rows, json_integer((json_int_t)t->train_rows[i]));
		json_array_append_new(test_rows, rows);
	}
	json_object_set_new(doc, "k", json_integer((json_int_t)k));
	json_object_set_new(doc, "seed", json_integer((json_int_t)t->o->seed));
	json_object_set_new(doc, "test_rows", test_rows);
	return log_json_artifact(t, doc, "cv/folds.json");
}

/* Copies the predictions p (by the fold's model, of preprocessing prep) of
 * fold f's rows (in the data's order) into their places in all, which has
 * o->outputs values per row. A fold's training part may lack a class: its
 * probabilities are placed by class name (a missing class has 0). */
static void keep_oof(const struct cairn__oof *o, double *all, const int *fold, size_t f,
		     const double *p, const cairn_prep *prep)
{
	int k = cairn_prep_nclasses(prep);
	size_t outputs = k ? (size_t)k : 1;
	int *at = cairn_xmalloc((size_t)(k ? k : 1) * sizeof(*at));

	at[0] = k ? -1 : 0;
	for (int c = 0; c < k; c++) {
		at[c] = -1;
		for (int j = 0; j < cairn_prep_nclasses(o->prep); j++)
			if (!strcmp(cairn_prep_class(prep, c), cairn_prep_class(o->prep, j)))
				at[c] = j;
	}
	for (size_t i = 0; i < o->n; i++)
		if (fold[i] == (int)f) {
			for (size_t c = 0; c < outputs; c++)
				if (at[c] >= 0 && (size_t)at[c] < o->outputs)
					all[i * o->outputs + (size_t)at[c]] = p[c];
			p += outputs;
		}
	free(at);
}

/* The out-of-fold predictions as the artifact cv/oof_predictions.csv (see
 * ml/oof.h). */
static int log_oof(struct train *t, const struct cairn__oof *o)
{
	cairn_buf csv = CAIRN_BUF_INIT;
	int rc;

	cairn__oof_csv(o, &csv);
	rc = cairn_run_log_artifact_buf(t->run, csv.buf, csv.len, "cv/oof_predictions.csv");
	cairn_buf_release(&csv);
	return rc;
}

static int cross_validate(struct train *t, const struct cairn_prep_options *po)
{
	size_t n = t->ntrain, k = (size_t)t->o->cv;
	json_t **folds = cairn_xcalloc(k, sizeof(*folds)), *summary = NULL;
	struct cairn__oof oof = { 0 };
	double *oof_pred = NULL;
	size_t *tr = cairn_xmalloc(n * sizeof(size_t)), *te = cairn_xmalloc(n * sizeof(size_t));
	int *fold = cairn_xmalloc(n * sizeof(int)), rc;
	cairn_prep *labels = NULL;
	struct cairn_matrix x = { 0 };
	double *y = NULL, *ysub = NULL;

	if (k < 2 || k > n) {
		rc = cairn_error(t->ctx, CAIRN_EINVAL, "cv %zu: cross-validation needs 2 to %zu "
				 "folds (at most one per training row)", k, n);
		goto out;
	}
	/* Stratify by the encoded classes of the training rows. */
	if ((rc = cairn_prep_fit(t->ctx, t->fdata, t->train_rows, n, po, &labels)) ||
	    (rc = cairn_prep_transform(t->ctx, labels, t->fdata, t->train_rows, n, &x, &y)))
		goto out;
	ysub = cairn_prep_task(labels) == CAIRN_TASK_CLASSIFICATION ? y : NULL;
	if ((rc = cairn_folds_assign(t->ctx, n, k, ysub, cairn_prep_nclasses(labels), t->o->seed, fold)) ||
	    (rc = log_folds(t, fold, k)))
		goto out;
	oof.f = t->fdata;
	oof.rows = t->train_rows;
	oof.n = n;
	oof.fold = fold;
	oof.prep = labels;
	oof.outputs = cairn_prep_nclasses(labels) ? (size_t)cairn_prep_nclasses(labels) : 1;
	oof.pred = oof_pred = cairn_xcalloc(n ? n : 1, oof.outputs * sizeof(double));
	for (size_t f = 0; f < k && !rc; f++) {
		size_t ntr = 0, nte = 0;
		if ((rc = check_cancel(t)))
			break;
		cairn_prep *prep = NULL;
		void *model = NULL;
		for (size_t i = 0; i < n; i++) {
			if (fold[i] == (int)f)
				te[nte++] = t->train_rows[i];
			else
				tr[ntr++] = t->train_rows[i];
		}
		if (!(rc = fit_on(t, po, tr, ntr, &prep, &model, 0)) && !(rc = check_cancel(t))) {
			double *p = cairn_xmalloc((nte ? nte : 1) * t->algo->outputs(model) *
						  sizeof(double));
			if (!(rc = evaluate_on(t, prep, model, t->fdata, te, nte, &folds[f], p)))
				keep_oof(&oof, oof_pred, fold, f, p, prep);
			free(p);
		}
		if (model)
			t->algo->free(model);
		cairn_prep_free(prep);
	}
	if (!rc)
		rc = log_oof(t, &oof);
	if (!rc && !(rc = cairn_evaluate_cv_summary(t->ctx, folds, k, &summary))) {
		json_t *means = json_object(), *v;
		const char *key;
		json_object_foreach(summary, key, v)
			if (json_is_number(json_object_get(v, "mean"))) {
				cairn_buf name = CAIRN_BUF_INIT;
				cairn_buf_addf(&name, "cv_%s_mean", key);
				cairn_run_log_metric(t->run, name.buf, json_number_value(json_object_get(v, "mean")), 0);
				cairn_buf_reset(&name);
				cairn_buf_addf(&name, "cv_%s_std", key);
				cairn_run_log_metric(t->run, name.buf, json_number_value(json_object_get(v, "std")), 0);
				cairn_buf_release(&name);
			}
		json_decref(means);
		json_object_set_new(t->metrics, "cv", summary);
	}
out:
	for (size_t f = 0; folds && f < k; f++)
		json_decref(folds[f]);
	free(folds);
	free(tr);
	free(te);
	free(fold);
	free(oof_pred);
	free(x.v);
	free(y);
	cairn_prep_free(labels);
	return rc;
}

static json_t *input_json(const struct cairn_dataset_version *v, const char *context)
{
	char ref[CAIRN_NAME_MAX + 32];

	snprintf(ref, sizeof(ref), "%s@%lld", v->name, (long long)v->version);
	return json_pack("{s:s, s:s, s:s, s:s}", "dataset", ref, "version_id", v->id,
			 "hash", v->hash, "context", context);
}

static int save_package(struct train *t)
{
	cairn_buf tmp = CAIRN_BUF_INIT, dir = CAIRN_BUF_INIT;
	json_t *profile = NULL, *lineage, *inputs = json_array(), *example = NULL;
	struct cairn_model_info info = { 0 };
	int rc;

	if (t->fed_inputs) {
		json_t *v;
		size_t i;
		json_array_foreach(t->fed_inputs, i, v) {
			json_t *in = json_deep_copy(v);
			json_object_set_new(in, "context", json_string("train"));
			json_array_append_new(inputs, in);
		}
	} else
		json_array_append_new(inputs, input_json(&t->data, "train"));
	if (t->ftest)
		json_array_append_new(inputs, input_json(&t->test, "test"));
	if (t->funlabeled)
		json_array_append_new(inputs, input_json(&t->unlabeled, "other"));
	lineage = json_pack("{s:s, s:o, s:O, s:s}", "run_id", cairn_run_id(t->run), "data", inputs,
			    "params", t->params, "algorithm", t->algo->name);
	if (t->o->init_model)
		json_object_set_new(lineage, "init_model", json_string(t->o->init_model));
	if (t->o->nmembers) {
		json_t *members = json_array();
		for (size_t i = 0; i < t->o->nmembers; i++)
			json_array_append_new(members, json_string(t->o->members[i]));
		json_object_set_new(lineage, "members", members);
	}
	if (!t->fed_inputs && cairn_dataset_load_profile(t->ctx, &t->data, &profile))
		cairn_error_clear(t->ctx);   /* no profile: the package goes without */
	if ((rc = cairn_make_temp_dir(t->ctx, "cairn-train", &tmp))) {
		goto out;
	}
	cairn_path_join(&dir, tmp.buf, "model");
	info.algo = t->algo;
	info.model = t->model;
	info.prep = t->prep;
	info.run_id = cairn_run_id(t->run);
	info.params = t->params;
	info.metrics = t->metrics;
	info.profile = profile;
	info.lineage = lineage;
	if (t->fdata && t->prep && t->ntrain)
		info.input_example = example = cairn__model_example(t->prep, t->fdata, t->train_rows,
			t->ntrain < CAIRN_MODEL_EXAMPLE_ROWS ? t->ntrain : CAIRN_MODEL_EXAMPLE_ROWS);
	if (!(rc = cairn_model_save(t->ctx, &info, dir.buf)))
		rc = cairn_run_log_artifact(t->run, dir.buf, "model");
	cairn_remove_tree(tmp.buf);
out:
	json_decref(profile);
	json_decref(lineage);
	json_decref(example);
	cairn_buf_release(&tmp);
	cairn_buf_release(&dir);
	return rc;
}

/* Records that the run used the model package ref when it is a run's
 * artifact or a node the caller's model_node knows (a package directory
 * outside the store has no lineage node). */
static int link_model(struct train *t, const char *ref)
{
	cairn_buf manifest = CAIRN_BUF_INIT, run = CAIRN_BUF_INIT, dst = CAIRN_BUF_INIT;
	cairn_buf type = CAIRN_BUF_INIT;
	const char *slash = strchr(ref, '/');
	char id[CAIRN_ID_LEN + 1];
	struct stat st;
	int rc = 0, found = 0;

	cairn_path_join(&manifest, ref, "MLmodel");
	if (!stat(manifest.buf, &st))
		goto out;
	if (t->o->model_node && ((rc = t->o->model_node(t->ctx, ref, &type, &dst, &found)) || found)) {
		if (!rc)
			rc = cairn__run_add_edge(t->run, "used", type.buf, dst.buf);
		goto out;
	}
	cairn_buf_add(&run, ref, slash ? (size_t)(slash - ref) : strlen(ref));
	if ((rc = cairn_run_resolve(t->ctx, run.buf, id)))
		goto out;
	cairn_buf_addf(&dst, "%s/%s", id, slash ? slash + 1 : "model");
	rc = cairn__run_add_edge(t->run, "used", "artifact", dst.buf);
out:
	cairn_buf_release(&type);
	cairn_buf_release(&manifest);
	cairn_buf_release(&run);
	cairn_buf_release(&dst);
	return rc;
}

/* Checks a fixed preprocessing (of init_model or the ensemble) against
 * target and makes po use its target and task. */
static int use_fixed_prep(struct train *t, const cairn_prep *p, const char *what,
			  struct cairn_prep_options *po)
{
	const char *target = cairn_prep_target(p);
	int rc;

	if (t->o->target && (!target || strcmp(t->o->target, target)))
		return cairn_error(t->ctx, CAIRN_EINVAL, "%s predicts '%s', not target '%s'", what,
				   target ? target : "(no target)", t->o->target);
	if (!t->o->target && target && (rc = cairn_run_log_param(t->run, "target", target)))
		return rc;
	po->target = target;
	po->task = (int)cairn_prep_task(p);
	return 0;
}

/* init_model: the xgboost model to continue, its model file written
 * aside for the algorithm (which loads init_model_dir/model.json). */
static int open_init_model(struct train *t, struct cairn_prep_options *po)
{
	const char *ref = t->o->init_model;
	const struct cairn_algorithm *a;
	cairn_buf dir = CAIRN_BUF_INIT, what = CAIRN_BUF_INIT;
	json_t *files = json_array();
	int rc;

	if (strcmp(t->algo->name, "xgboost")) {
		rc = cairn_error(t->ctx, CAIRN_EINVAL, "an init model continues an xgboost model, "
				 "not %s", t->algo->name);
		goto out;
	}
	a = cairn_model_algorithm(t->init);
	if (strcmp(a->name, "xgboost")) {
		rc = cairn_error(t->ctx, CAIRN_EINVAL, "cannot continue '%s': it is a %s model, not "
				 "xgboost", ref, a->name);
		goto out;
	}
	cairn_buf_addf(&what, "init model '%s'", ref);
	if ((rc = use_fixed_prep(t, cairn_model_prep(t->init), what.buf, po)))
		goto out;
	if ((rc = cairn_make_temp_dir(t->ctx, "cairn-init", &dir))) {
		goto out;
	}
	t->init_dir = cairn_buf_detach(&dir, NULL);
	if ((rc = a->save(t->ctx, cairn_model_learner(t->init), t->init_dir, files)) ||
	    (rc = cairn_run_log_param(t->run, "init_model", ref)))
		goto out;
	rc = link_model(t, ref);
out:
	json_decref(files);
	cairn_buf_release(&dir);
	cairn_buf_release(&what);
	return rc;
}

/* algo ensemble: the members, opened and combined; t->prep is the
 * ensemble's (its first member's). */
static int build_ensemble(struct train *t, struct cairn_prep_options *po)
{
	const struct cairn_train_options *o = t->o;
	cairn_buf list = CAIRN_BUF_INIT;
	int rc = 0;

	for (size_t i = 0; i < o->nmembers && !rc; i++) {
		cairn_buf_addf(&list, "%s%s", i ? "," : "", o->members[i]);
		rc = link_model(t, o->members[i]);
	}
	if (rc || (rc = cairn_run_log_param(t->run, "members", list.buf)) ||
	    (rc = cairn__ensemble_new(t->ctx, t->members, o->nmembers,
				      cairn_param_str(t->params, "voting"), &t->model)))
		goto out;
	/* The ensemble owns them now. */
	free(t->members);
	t->members = NULL;
	if (!(rc = prep_copy(t->ctx, cairn__ensemble_prep(t->model), &t->prep)))
		rc = use_fixed_prep(t, t->prep, "the ensemble", po);
out:
	cairn_buf_release(&list);
	return rc;
}

/*
 * Self-training: rows of unlabeled that the model predicts with a top
 * probability of at least the threshold join the training rows with their
 * predicted class (for good: a row is labeled once), and the model is
 * refitted on the lot; the preprocessing stays the one fitted on the
 * labeled rows. Stops when a round adds no row, or after the last round.
 */
static int self_train(struct train *t)
{
	const struct cairn_train_options *o = t->o;
	int rounds = o->self_training_rounds > 0 ? o->self_training_rounds : 10, rc;
	struct cairn_matrix xl = { 0 }, xu = { 0 }, xa = { 0 };
	double *yl = NULL, *ya = NULL, *pred = NULL;
	unsigned char *added = NULL;
	size_t k, nadded = 0;
	char s[32];

	if (cairn_prep_task(t->prep) != CAIRN_TASK_CLASSIFICATION)
		return cairn_error(t->ctx, CAIRN_EINVAL, "self-training needs classification, not %s",
				   cairn_task_name(cairn_prep_task(t->prep)));
	snprintf(s, sizeof(s), "%g", o->self_training_threshold);
	if ((rc = cairn_run_log_param(t->run, "self_training_threshold", s)))
		return rc;
	snprintf(s, sizeof(s), "%d", rounds);
	if ((rc = cairn_run_log_param(t->run, "self_training_rounds", s)))
		return rc;
	if ((rc = cairn_prep_transform(t->ctx, t->prep, t->fdata, t->train_rows, t->ntrain, &xl,
				       &yl)) ||
	    (rc = cairn_prep_transform(t->ctx, t->prep, t->funlabeled, NULL, 0, &xu, NULL))) {
		cairn_error_prefix(t->ctx, "unlabeled dataset '%s'", o->unlabeled);
		goto out;
	}
	k = (size_t)cairn_prep_nclasses(t->prep);
	pred = cairn_xmalloc((xu.rows ? xu.rows : 1) * k * sizeof(*pred));
	added = cairn_xcalloc(xu.rows ? xu.rows : 1, 1);
	xa.cols = xl.cols;
	xa.v = cairn_xmalloc((xl.rows + xu.rows) * xl.cols * sizeof(*xa.v));
	ya = cairn_xmalloc((xl.rows + xu.rows) * sizeof(*ya));
	memcpy(xa.v, xl.v, xl.rows * xl.cols * sizeof(*xa.v));
	memcpy(ya, yl, xl.rows * sizeof(*ya));
	for (int r = 1; r <= rounds; r++) {
		size_t n = 0;
		void *model = NULL;

		if ((rc = check_cancel(t)) || (rc = t->algo->predict(t->ctx, t->model, &xu, pred)))
			goto out;
		for (size_t i = 0; i < xu.rows; i++) {
			const double *p = pred + i * k;
			size_t best = 0, at = xl.rows + nadded;
			if (added[i])
				continue;
			for (size_t c = 1; c < k; c++)
				if (p[c] > p[best])
					best = c;
			if (!(p[best] >= o->self_training_threshold))
				continue;
			added[i] = 1;
			memcpy(xa.v + at * xa.cols, xu.v + i * xu.cols, xa.cols * sizeof(*xa.v));
			ya[at] = (double)best;
			nadded++;
			n++;
		}
		if ((rc = cairn_run_log_metric(t->run, "self_training_added", (double)n, r)))
			goto out;
		if (!n)
			break;
		xa.rows = xl.rows + nadded;
		if ((rc = fit_matrix(t, t->prep, &xa, ya, 0, &model)))
			goto out;
		t->algo->free(t->model);
		t->model = model;
	}
	rc = cairn_run_log_metric(t->run, "self_training_labeled", (double)nadded, 0);
out:
	free(xl.v);
	free(xu.v);
	free(xa.v);
	free(yl);
	free(ya);
	free(pred);
	free(added);
	return rc;
}

/* The params of federated training besides the algorithm's. */
static const struct cairn_param_spec federated_specs[] = {
	{ "rounds", CAIRN_PARAM_INT, "20", 1, 100000, NULL,
	  "federated rounds: weights sent out, trained locally, averaged" },
	{ "local_epochs", CAIRN_PARAM_INT, "5", 1, 100000, NULL,
	  "full-batch gradient steps per site and round" },
	{ "learning_rate", CAIRN_PARAM_FLOAT, "0", 0, 1e3, NULL,
	  "gradient step on the mean loss per row (0: 1 / a bound of its curvature)" },
};

static const struct cairn_algorithm federated_params_of = {
	.name = "federated training",
	.params = federated_specs,
	.nparams = sizeof(federated_specs) / sizeof(federated_specs[0]),
};

/* The algorithm's params that federated training honours; the others
 * (eps, the solver's tolerance, say) have no meaning in it. */
static const char *const federated_honoured[] = { "C", "bias", "class_weight", "multi_class",
						   "p" };

static int federated_honours(const char *name)
{
	for (size_t i = 0; i < sizeof(federated_honoured) / sizeof(federated_honoured[0]); i++)
		if (!strcmp(name, federated_honoured[i]))
			return 1;
	return 0;
}

/* Federated training: the algorithm's params and federated_specs, each
 * checked by its own table, so that otherwise the latter stay unknown. An
 * algorithm's param that federated training does not honour is refused
 * when given and left out of the record otherwise. */
static int federated_params(struct train *t)
{
	json_t *own = json_object(), *fed = json_object(), *fp = NULL, *v;
	const char *key;
	void *tmp;
	int rc;

	json_object_foreach((json_t *)t->o->params, key, v) {
		int is_fed = 0;
		for (size_t i = 0; i < federated_params_of.nparams; i++)
			is_fed |= !strcmp(key, federated_specs[i].name);
		json_object_set(is_fed ? fed : own, key, v);
	}
	if ((rc = cairn_params_resolve(t->ctx, t->algo, own, &t->params)) ||
	    (rc = cairn_params_resolve(t->ctx, &federated_params_of, fed, &fp)))
		goto out;
	json_object_foreach(own, key, v)
		if (!federated_honours(key)) {
			cairn_buf names = CAIRN_BUF_INIT;
			for (size_t i = 0; i < t->algo->nparams; i++)
				if (federated_honours(t->algo->params[i].name))
					cairn_buf_addf(&names, "%s%s", names.len ? ", " : "",
						       t->algo->params[i].name);
			rc = cairn_error(t->ctx, CAIRN_EINVAL, "federated training does not use param "
					 "'%s' of %s (it takes: %s, rounds, local_epochs, "
					 "learning_rate)", key, t->algo->name, names.buf);
			cairn_buf_release(&names);
			goto out;
		}
	json_object_foreach_safe(t->params, tmp, key, v)
		if (!federated_honours(key))
			json_object_del(t->params, key);
	{
		char n[32];
		json_object_update(t->params, fp);
		snprintf(n, sizeof(n), "%zu", t->o->nshards);
		json_object_set_new(t->params, "federated", json_string("true"));
		json_object_set_new(t->params, "shards", json_string(n));
	}
out:
	json_decref(own);
	json_decref(fed);
	json_decref(fp);
	return rc;
}

/* Federated training: FedAvg over one process per shard (see ml/federated.h);
 * the training metrics come from the sites' sums, the test data is evaluated here,
 * on the parent's side. */
static int train_federated(struct train *t)
{
	const struct cairn_train_options *o = t->o;
	struct cairn__fed_options fo = { 0 };
	struct cairn__fed_result res = { 0 };
	int rc;

	if (o->task >= 0 && !(t->algo->tasks & CAIRN_TASK_BIT(o->task)))
		return cairn_error(t->ctx, CAIRN_EINVAL, "%s does not do %s", t->algo->name,
				   cairn_task_name((enum cairn_task)o->task));
	fo.shards = o->shards;
	fo.versions = (const char *const *)t->shard_refs;
	fo.nshards = o->nshards;
	fo.target = o->target;
	fo.algo = t->algo;
	fo.C = cairn_param_float(t->params, "C");
	fo.bias = cairn_param_float(t->params, "bias");
	if (json_object_get(t->params, "p"))
		fo.p = cairn_param_float(t->params, "p");
	fo.balanced = json_object_get(t->params, "class_weight") &&
		      !strcmp(cairn_param_str(t->params, "class_weight"), "balanced");
	if (json_object_get(t->params, "multi_class"))
		fo.multi_class = cairn_param_str(t->params, "multi_class");
	fo.rounds = (int)cairn_param_int(t->params, "rounds");
	fo.local_epochs = (int)cairn_param_int(t->params, "local_epochs");
	fo.learning_rate = cairn_param_float(t->params, "learning_rate");
	fo.on_loss = on_iteration;
	fo.arg = t;
	cairn__progress_start(t->ctx, &t->progress, "federated training", (uint64_t)fo.rounds + 1, 0);
	rc = cairn__federated_train(t->ctx, &fo, &res);
	cairn__progress_end(&t->progress);
	flush_points(t);
	if (rc)
		return rc;
	t->prep = res.prep;
	t->model = res.model;
	t->fed_inputs = res.inputs;
	res.prep = NULL;
	res.model = NULL;
	res.inputs = NULL;
	for (size_t k = 0; k < o->nshards; k++)
		if ((rc = cairn_run_log_input_version(t->run, &t->shards[k], "train")))
			return rc;
	{
		char s[32];
		snprintf(s, sizeof(s), "%llu", (unsigned long long)o->seed);
		if ((rc = cairn_run_log_param(t->run, "seed", s)))
			return rc;
	}
	/* All the rows, where a central run samples: the sums cost the sites
	 * one pass. */
	t->metrics = json_object();
	json_object_set_new(res.metrics, "federated_loss", json_real(res.loss));
	json_object_set_new(t->metrics, "train", res.metrics);
	res.metrics = NULL;
	if ((rc = cairn_run_log_metric_tree(t->run, "train", json_object_get(t->metrics, "train"))))
		return rc;
	if (o->test) {
		json_t *m = NULL;
		if ((rc = cairn_run_log_input_version(t->run, &t->test, "test")) ||
		    (rc = cairn_dataset_load_frame(t->ctx, &t->test, &t->ftest)) ||
		    (rc = evaluate_on(t, t->prep, t->model, t->ftest, NULL, 0, &m, NULL)))
			return rc;
		json_object_set_new(t->metrics, "test", m);
		cairn_run_log_metric_tree(t->run, "test", m);
	}
	return save_package(t);
}

/* Records names (when there are any) as the comma-separated param key. */
static int log_name_list(struct train *t, const char *key, const char *const *names, size_t n)
{
	cairn_buf list = CAIRN_BUF_INIT;
	int rc = 0;

	for (size_t i = 0; i < n; i++)
		cairn_buf_addf(&list, "%s%s", i ? "," : "", names[i]);
	if (n)
		rc = cairn_run_log_param(t->run, key, list.buf);
	cairn_buf_release(&list);
	return rc;
}

/* Everything after the run has started; a failure ends the run FAILED. */
static int train_in_run(struct train *t)
{
	const struct cairn_train_options *o = t->o;
	struct cairn_prep_options po = { 0 };
	const char *key;
	json_t *v;
	int rc, ensemble;

	t->algo = cairn_algorithm_find(o->algo);
	ensemble = cairn__is_ensemble(t->algo);
	if (o->nshards)
		rc = federated_params(t);
	else
		rc = cairn_params_resolve(t->ctx, t->algo, o->params, &t->params);
	if (rc)
		return rc;
	if ((rc = cairn_run_log_param(t->run, "algorithm", t->algo->name)) ||
	    (o->target && (rc = cairn_run_log_param(t->run, "target", o->target))))
		return rc;
	json_object_foreach(t->params, key, v)
		if ((rc = cairn_run_log_param(t->run, key, json_string_value(v))))
			return rc;
	po.target = o->target;
	po.task = o->task;
	po.scale = t->algo->wants_scaling;
	po.onehot = t->algo->wants_onehot;
	po.keep_missing = t->algo->handles_missing;
	po.include = o->features;
	po.ninclude = o->nfeatures;
	po.exclude = o->drop;
	po.nexclude = o->ndrop;
	if ((rc = log_name_list(t, "features", o->features, o->nfeatures)) ||
	    (rc = log_name_list(t, "drop", o->drop, o->ndrop)))
		return rc;
	if (o->nshards)
		return train_federated(t);
	if ((ensemble && (rc = build_ensemble(t, &po))) ||
	    (o->init_model && (rc = open_init_model(t, &po))))
		return rc;
	if ((rc = cairn_run_log_input_version(t->run, &t->data, "train")) ||
	    (rc = cairn_dataset_load_frame_threads(t->ctx, &t->data, o->threads, &t->fdata)))
		return rc;
	if (o->test && ((rc = cairn_run_log_input_version(t->run, &t->test, "test")) ||
			(rc = cairn_dataset_load_frame_threads(t->ctx, &t->test, o->threads,
							       &t->ftest))))
		return rc;
	if (o->unlabeled &&
	    ((rc = cairn_run_log_input_version(t->run, &t->unlabeled, "other")) ||
	     (rc = cairn_dataset_load_frame(t->ctx, &t->unlabeled, &t->funlabeled))))
		return rc;
	if ((rc = check_cancel(t)))
		return rc;
	if (o->test_split > 0) {
		char s[32];
		snprintf(s, sizeof(s), "%g", o->test_split);
		if ((rc = cairn_run_log_param(t->run, "test_split", s)) || (rc = split_rows(t, &po)))
			return rc;
	} else {
		t->train_rows = all_rows(t->fdata->nrows);
		t->ntrain = t->fdata->nrows;
	}
	{
		char s[32];
		snprintf(s, sizeof(s), "%llu", (unsigned long long)o->seed);
		if ((rc = cairn_run_log_param(t->run, "seed", s)))
			return rc;
		t->threads = fit_threads(t);
		po.threads = t->threads;
		snprintf(s, sizeof(s), "%d", t->threads);
		if ((rc = cairn_run_log_param(t->run, "threads", s)))
			return rc;
	}
	t->metrics = json_object();
	if (o->cv && (rc = cross_validate(t, &po)))
		return rc;
	if (!ensemble) {
		cairn__progress_start(t->ctx, &t->progress, "training", 0, 0);
		rc = fit_on(t, &po, t->train_rows, t->ntrain, &t->prep, &t->model, 1);
		cairn__progress_end(&t->progress);
		flush_points(t);
		if (rc || (rc = check_cancel(t)) || (o->unlabeled && (rc = self_train(t))) ||
		    (rc = check_cancel(t)) || (rc = log_best_iteration(t)))
			return rc;
	}
	{
		/* The training-set metrics only show how well the model fits: on
		 * large data an evenly strided sample says the same for less. */
		size_t cap = t->algo->train_eval_rows ? t->algo->train_eval_rows : TRAIN_EVAL_ROWS;
		size_t n = t->ntrain < cap ? t->ntrain : cap;
		size_t *rows = cairn_xmalloc(n * sizeof(size_t));
		json_t *m = NULL;
		for (size_t i = 0; i < n; i++)
			rows[i] = t->train_rows[(size_t)((double)i * (double)t->ntrain / (double)n)];
		rc = evaluate_on(t, t->prep, t->model, t->fdata, rows, n, &m, NULL);
		free(rows);
		if (rc)
			return rc;
		if (n < t->ntrain)
			json_object_set_new(m, "sampled_from_rows", json_integer((json_int_t)t->ntrain));
		json_object_set_new(t->metrics, "train", m);
		cairn_run_log_metric_tree(t->run, "train", m);
	}
	/* A solver stopped by its iteration limit has warned; the run says so. */
	if (t->converged >= 0 &&
	    (rc = cairn_run_set_tag(t->run, "converged", t->converged ? "true" : "false")))
		return rc;
	if (t->ftest || t->ntest) {
		json_t *m = NULL;
		if ((rc = evaluate_on(t, t->prep, t->model, t->ftest ? t->ftest : t->fdata,
				      t->ftest ? NULL : t->test_rows, t->ftest ? 0 : t->ntest, &m, NULL)))
			return rc;
		json_object_set_new(t->metrics, "test", m);
		cairn_run_log_metric_tree(t->run, "test", m);
	}
	return save_package(t);
}

/* CAIRN_EINVAL naming the unknown algorithm and the known ones. */
static int unknown_algorithm(cairn_ctx *ctx, const char *name)
{
	cairn_buf names = CAIRN_BUF_INIT;
	const struct cairn_algorithm *const *a = cairn_algorithms();
	int rc;

	for (size_t i = 0; a[i]; i++)
		cairn_buf_addf(&names, "%s%s", i ? ", " : "", a[i]->name);
	rc = cairn_error(ctx, CAIRN_EINVAL, "unknown algorithm '%s' (known: %s)", name, names.buf);
	cairn_buf_release(&names);
	return rc;
}

/* What the algorithm's task needs of the target and the feature columns. */
static int check_target(cairn_ctx *ctx, const struct cairn_train_options *o,
			const struct cairn_algorithm *a)
{
	unsigned supervised = CAIRN_TASK_BIT(CAIRN_TASK_CLASSIFICATION) |
			      CAIRN_TASK_BIT(CAIRN_TASK_REGRESSION);

	/* An init model and an ensemble bring their own target. */
	if (o->nshards || o->init_model || o->nmembers)
		return 0;
	if (!o->target && !(a->tasks & CAIRN_TASK_BIT(CAIRN_TASK_CLUSTERING)) &&
	    o->task != CAIRN_TASK_CLUSTERING)
		return cairn_error(ctx, CAIRN_EINVAL, "%s needs a target column: it learns %s, "
				   "not clustering", a->name, a->tasks & CAIRN_TASK_BIT(
				   CAIRN_TASK_CLASSIFICATION) ? "classification or regression" :
				   "regression");
	/* k-means would otherwise learn classes from a column it clusters on. */
	if (o->target && !(a->tasks & supervised))
		return cairn_error(ctx, CAIRN_EINVAL, "%s clusters rows without a target: drop "
				   "column '%s' from the features instead of making it the target",
				   a->name, o->target);
	for (size_t i = 0; o->target && i < o->nfeatures; i++)
		if (!strcmp(o->features[i], o->target))
			return cairn_error(ctx, CAIRN_EINVAL, "the target column '%s' cannot be "
					   "a feature", o->target);
	for (size_t i = 0; o->target && i < o->ndrop; i++)
		if (!strcmp(o->drop[i], o->target))
			return cairn_error(ctx, CAIRN_EINVAL, "the target column '%s' cannot be "
					   "dropped", o->target);
	return 0;
}

/* The params against the algorithm's specs (federated training checks its
 * own), and early stopping against the validation data it needs. */
static int check_params(cairn_ctx *ctx, const struct cairn_train_options *o,
			const struct cairn_algorithm *a)
{
	json_t *p = NULL;
	int rc;

	if (o->nshards)
		return 0;
	if ((rc = cairn_params_resolve(ctx, a, o->params, &p)))
		return rc;
	if (early_stopping(p) && !o->test && !(o->test_split > 0))
		rc = cairn_error(ctx, CAIRN_EINVAL, "early_stopping_rounds needs validation data: "
				 "a test dataset or a test split, scored after every round");
	json_decref(p);
	return rc;
}

int cairn_train_check(cairn_ctx *ctx, const struct cairn_train_options *o)
{
	const struct cairn_algorithm *a;
	int ensemble, rc;

	if (!o->algo)
		return cairn_error(ctx, CAIRN_EINVAL, "training needs an algorithm");
	if (!(a = cairn_algorithm_find(o->algo)))
		return unknown_algorithm(ctx, o->algo);
	if (o->nshards) {
		if (o->data)
			return cairn_error(ctx, CAIRN_EINVAL, "federated training takes its rows from "
					   "the shards, not from a dataset");
		if (!o->target)
			return cairn_error(ctx, CAIRN_EINVAL, "federated training needs a target column");
		if (o->nshards < 2)
			return cairn_error(ctx, CAIRN_EINVAL, "federated training needs at least 2 "
					   "shards, not %zu", o->nshards);
		if (strcmp(o->algo, "logistic") && strcmp(o->algo, "linear"))
			return cairn_error(ctx, CAIRN_EINVAL, "federated training trains logistic or "
					   "linear, not '%s'", o->algo);
		if (o->test_split > 0 || o->cv || o->init_model || o->unlabeled || o->nmembers)
			return cairn_error(ctx, CAIRN_EINVAL, "federated training does not go with %s",
					   o->test_split > 0 ? "a test split" : o->cv ?
					   "cross-validation" : o->init_model ? "an init model" :
					   o->unlabeled ? "self-training" : "ensemble members");
	} else if (!o->data) {
		return cairn_error(ctx, CAIRN_EINVAL, "training needs a dataset");
	}
	if (o->test && o->test_split > 0)
		return cairn_error(ctx, CAIRN_EINVAL, "a test dataset and a test split exclude each "
				   "other");
	if (!(o->test_split >= 0 && o->test_split < 1))
		return cairn_error(ctx, CAIRN_EINVAL, "a test split of %g is not a fraction in "
				   "(0, 1)", o->test_split);
	if (o->cv < 0 || o->cv == 1)
		return cairn_error(ctx, CAIRN_EINVAL, "cv %d: cross-validation needs at least 2 "
				   "folds", o->cv);
	if (!o->unlabeled != !o->self_training_threshold)
		return cairn_error(ctx, CAIRN_EINVAL, "an unlabeled dataset and a self-training "
				   "threshold go together");
	if (o->unlabeled && !(o->self_training_threshold > 0 && o->self_training_threshold <= 1))
		return cairn_error(ctx, CAIRN_EINVAL, "a self-training threshold of %g is not in "
				   "(0, 1]", o->self_training_threshold);
	if (o->self_training_rounds && !o->unlabeled)
		return cairn_error(ctx, CAIRN_EINVAL, "self-training rounds need an unlabeled "
				   "dataset");
	ensemble = !strcmp(o->algo, "ensemble");
	if (ensemble != !!o->nmembers)
		return cairn_error(ctx, CAIRN_EINVAL, ensemble ? "the ensemble algorithm needs "
				   "members" : "members need the ensemble algorithm");
	if (ensemble && (o->init_model || o->unlabeled || o->cv))
		return cairn_error(ctx, CAIRN_EINVAL, "an ensemble is not fitted: %s does not apply",
				   o->init_model ? "an init model" : o->unlabeled ? "self-training" :
				   "cross-validation");
	if ((rc = check_target(ctx, o, a)))
		return rc;
	return check_params(ctx, o, a);
}

int cairn__train_check_columns(cairn_ctx *ctx, const struct cairn_train_options *o,
			       const struct cairn_dataset_version *data)
{
	const json_t *schema = data->schema;
	cairn_buf missing = CAIRN_BUF_INIT, cols = CAIRN_BUF_INIT;
	size_t n = 0, i;
	json_t *c;
	int rc = 0;

	if (!json_is_array(schema))
		return 0;
	for (size_t k = 0; k < o->nfeatures + o->ndrop + 1; k++) {
		const char *name = k < o->nfeatures ? o->features[k] : k < o->nfeatures + o->ndrop ?
				   o->drop[k - o->nfeatures] : o->target;
		int found = 0;
		if (!name)
			continue;
		json_array_foreach(schema, i, c)
			found |= !strcmp(name, json_string_value(json_object_get(c, "name")) ?
					 json_string_value(json_object_get(c, "name")) : "");
		if (!found)
			cairn_buf_addf(&missing, "%s'%s'", n++ ? ", " : "", name);
	}
	if (n) {
		json_array_foreach(schema, i, c)
			cairn_buf_addf(&cols, "%s%s", i ? ", " : "",
				       json_string_value(json_object_get(c, "name")));
		rc = cairn_error(ctx, CAIRN_ENOTFOUND, "no column%s %s in '%s@%lld' (columns: %s)",
				 n > 1 ? "s" : "", missing.buf, data->name,
				 (long long)data->version, cols.buf);
	}
	cairn_buf_release(&missing);
	cairn_buf_release(&cols);
	return rc;
}

/* Resolves every dataset reference of the options, once. */
static int resolve_inputs(struct train *t)
{
	const struct cairn_train_options *o = t->o;
	int rc;

	if ((o->data && (rc = cairn_dataset_resolve(t->ctx, o->data, &t->data))) ||
	    (o->test && (rc = cairn_dataset_resolve(t->ctx, o->test, &t->test))) ||
	    (o->unlabeled && (rc = cairn_dataset_resolve(t->ctx, o->unlabeled, &t->unlabeled))))
		return rc;
	if (!o->nshards)
		return 0;
	t->shards = cairn_xcalloc(o->nshards, sizeof(*t->shards));
	t->shard_refs = cairn_xcalloc(o->nshards, sizeof(*t->shard_refs));
	for (size_t i = 0; i < o->nshards; i++) {
		cairn_buf ref = CAIRN_BUF_INIT;
		if ((rc = cairn_dataset_resolve(t->ctx, o->shards[i], &t->shards[i])))
			return cairn_error_prefix(t->ctx, "shard '%s'", o->shards[i]);
		cairn_buf_addf(&ref, "%s@%lld", t->shards[i].name, (long long)t->shards[i].version);
		t->shard_refs[i] = cairn_buf_detach(&ref, NULL);
	}
	return 0;
}

/* Opens the models that init_model and members name, before the run. */
static int open_models(struct train *t)
{
	const struct cairn_train_options *o = t->o;
	int (*open_model)(cairn_ctx *, const char *, cairn_model **) =
		o->open_model ? o->open_model : cairn_model_open;
	int rc;

	if (o->init_model && (rc = open_model(t->ctx, o->init_model, &t->init)))
		return rc;
	if (!o->nmembers)
		return 0;
	t->members = cairn_xcalloc(o->nmembers, sizeof(*t->members));
	for (size_t i = 0; i < o->nmembers; i++)
		if ((rc = open_model(t->ctx, o->members[i], &t->members[i])))
			return rc;
	return 0;
}

int cairn_train(cairn_ctx *ctx, const struct cairn_train_options *o, struct cairn_train_result *res)
{
	struct cairn_run_options ro = { 0 };
	struct train t = { 0 };
	int rc;

	memset(res, 0, sizeof(*res));
	t.ctx = ctx;
	t.o = o;
	t.converged = -1;
	ro.experiment = o->experiment;
	ro.name = o->name;
	ro.parent = o->parent && *o->parent ? o->parent : NULL;
	if ((rc = cairn_train_check(ctx, o)) || (rc = resolve_inputs(&t)) ||
	    (rc = open_models(&t)) || (rc = cairn__train_check_columns(ctx, o, &t.data)) ||
	    (rc = check_cancel(&t)) || (rc = cairn_run_start(ctx, &ro, &t.run)))
		goto out;
	snprintf(res->run_id, sizeof(res->run_id), "%s", cairn_run_id(t.run));
	if (o->code_dir) {
		json_t *code = NULL;
		rc = cairn__codever_record(t.run, o->code_dir, o->env, &code);
		json_decref(code);
	}
	/* What trains it again, for cairn_reproduce (ml/train-recipe.h). */
	if (!rc)
		rc = cairn__train_recipe_record(t.run, o, o->data ? &t.data : NULL,
						o->test ? &t.test : NULL,
						o->unlabeled ? &t.unlabeled : NULL,
						(const char *const *)t.shard_refs);
	if (!rc)
		rc = train_in_run(&t);
	if (rc) {
		/* Keep the message: ending the run must not overwrite it. */
		cairn_buf msg = CAIRN_BUF_INIT;
		cairn_buf_adds(&msg, cairn_errmsg(ctx));
		cairn_run_end(t.run, rc == CAIRN_EINTERRUPTED ? CAIRN_RUN_KILLED : CAIRN_RUN_FAILED,
			      msg.buf);
		cairn_error(ctx, rc, "%s", msg.buf);
		cairn_buf_release(&msg);
	} else if (!(rc = cairn_run_end(t.run, CAIRN_RUN_FINISHED, NULL))) {
		res->metrics = t.metrics;
		t.metrics = NULL;
	}
out:
	flush_points(&t);
	free(t.points);
	free(t.point_keys);
	if (t.model)
		t.algo->free(t.model);
	cairn_prep_free(t.prep);
	cairn_model_free(t.init);
	for (size_t i = 0; t.members && i < o->nmembers; i++)
		cairn_model_free(t.members[i]);
	free(t.members);
	if (t.init_dir)
		cairn_remove_tree(t.init_dir);
	free(t.init_dir);
	cairn_frame_free(t.fdata);
	cairn_frame_free(t.funlabeled);
	cairn_dataset_version_release(&t.unlabeled);
	cairn_frame_free(t.ftest);
	cairn_dataset_version_release(&t.data);
	cairn_dataset_version_release(&t.test);
	for (size_t i = 0; t.shards && i < o->nshards; i++) {
		cairn_dataset_version_release(&t.shards[i]);
		free(t.shard_refs[i]);
	}
	free(t.shards);
	free(t.shard_refs);
	free(t.train_rows);
	free(t.test_rows);
	json_decref(t.params);
	json_decref(t.metrics);
	json_decref(t.fed_inputs);
	cairn_run_free(t.run);
	return rc;
}
