/* Built-in training as a tracked run; see include/cairn/train.h. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cairn/buf.h"
#include "cairn/dataset.h"
#include "cairn/error.h"
#include "cairn/evaluate.h"
#include "cairn/fs.h"
#include "cairn/json.h"
#include "cairn/model.h"
#include "cairn/preprocess.h"
#include "cairn/progress.h"
#include "cairn/run.h"
#include "cairn/train.h"
#include "data/rng.h"

/* Everything one training holds, released by train_release. */
struct train {
	cairn_ctx *ctx;
	const struct cairn_train_options *o;
	cairn_run *run;
	const struct cairn_algorithm *algo;
	json_t *params;                       /* resolved */
	struct cairn_dataset_version data, test;
	struct cairn_frame *fdata, *ftest;
	size_t *train_rows, ntrain;           /* rows of fdata to train on */
	size_t *test_rows, ntest;             /* held-out rows (of ftest or fdata) */
	cairn_prep *prep;
	void *model;
	json_t *metrics;                      /* {train: {...}, test: {...}, cv: {...}} */
	/* Per-iteration metrics, logged in batches. */
	struct cairn_metric *points;
	char **point_keys;
	size_t npoints;
	struct cairn_progress progress;
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

static int on_iteration(void *arg, int64_t step, const char *key, double value)
{
	struct train *t = arg;

	if (!t->points) {
		t->points = calloc(POINT_BATCH, sizeof(*t->points));
		t->point_keys = calloc(POINT_BATCH, sizeof(*t->point_keys));
		if (!t->points || !t->point_keys)
			abort();
	}
	if (t->npoints == POINT_BATCH)
		flush_points(t);
	if (!(t->point_keys[t->npoints] = strdup(key)))
		abort();
	t->points[t->npoints] = (struct cairn_metric){ t->point_keys[t->npoints], value, step, 0 };
	t->npoints++;
	cairn_progress_update(&t->progress, (uint64_t)step + 1);
	return 0;
}

/* Logs every numeric leaf of v as a metric prefix_path_to_leaf (arrays,
 * such as confusion matrices, stay in the package's metrics.json). */
static void log_leaves(struct train *t, const char *prefix, const json_t *v)
{
	const char *key;
	json_t *e;

	if (json_is_number(v)) {
		cairn_run_log_metric(t->run, prefix, json_number_value(v), 0);
		return;
	}
	if (!json_is_object(v))
		return;
	json_object_foreach((json_t *)v, key, e) {
		cairn_buf k = CAIRN_BUF_INIT;
		cairn_buf_addf(&k, "%s_%s", prefix, key);
		log_leaves(t, k.buf, e);
		cairn_buf_release(&k);
	}
}

static size_t *all_rows(size_t n)
{
	size_t *r = malloc((n ? n : 1) * sizeof(*r));

	if (!r)
		abort();
	for (size_t i = 0; i < n; i++)
		r[i] = i;
	return r;
}

/* Holds out a stratified (classification) or plain fraction of fdata. */
static int split_rows(struct train *t, const struct cairn_prep_options *po)
{
	size_t n = t->fdata->nrows, *order = all_rows(n);
	struct cairn__rng rng;
	cairn_prep *labels = NULL;
	struct cairn_matrix x = { 0 };
	double *y = NULL;
	int nclasses = 1, rc;

	/* The class of every row, from a preprocessing fitted on all rows just
	 * for its label encoding (the model's own is fitted on the training
	 * rows only). */
	if ((rc = cairn_prep_fit(t->ctx, t->fdata, NULL, 0, po, &labels)) ||
	    (rc = cairn_prep_transform(t->ctx, labels, t->fdata, NULL, 0, &x, &y)))
		goto out;
	if (cairn_prep_task(labels) == CAIRN_TASK_CLASSIFICATION)
		nclasses = cairn_prep_nclasses(labels);
	cairn__rng_seed(&rng, t->o->seed);
	cairn__rng_shuffle(&rng, order, n);
	t->train_rows = malloc(n * sizeof(size_t));
	t->test_rows = malloc(n * sizeof(size_t));
	if (!t->train_rows || !t->test_rows)
		abort();
	for (int c = 0; c < nclasses; c++) {
		size_t count = 0, taken = 0, want;
		for (size_t i = 0; i < n; i++)
			count += nclasses == 1 || y[order[i]] == c;
		want = (size_t)floor(t->o->test_split * (double)count + 0.5);
		for (size_t i = 0; i < n; i++) {
			size_t r = order[i];
			if (nclasses > 1 && y[r] != c)
				continue;
			if (taken++ < want)
				t->test_rows[t->ntest++] = r;
			else
				t->train_rows[t->ntrain++] = r;
		}
	}
	if (!t->ntest || !t->ntrain)
		rc = cairn_error(t->ctx, CAIRN_EINVAL, "--test-split %g of %zu rows leaves %s empty",
				 t->o->test_split, n, t->ntest ? "the training set" : "the test set");
out:
	free(order);
	free(x.v);
	free(y);
	cairn_prep_free(labels);
	return rc;
}

/* Fits preprocessing and model on rows of f; the caller frees *prep, *model. */
static int fit_on(struct train *t, const struct cairn_prep_options *po, const size_t *rows,
		  size_t nrows, cairn_prep **prep, void **model, int log_iterations)
{
	struct cairn_train_data d = { 0 };
	struct cairn_matrix x = { 0 };
	double *y = NULL;
	int rc;

	*model = NULL;
	if ((rc = cairn_prep_fit(t->ctx, t->fdata, rows, nrows, po, prep)))
		return rc;
	if (!(t->algo->tasks & CAIRN_TASK_BIT(cairn_prep_task(*prep))))
		return cairn_error(t->ctx, CAIRN_EINVAL, "%s does not do %s", t->algo->name,
				   cairn_task_name(cairn_prep_task(*prep)));
	if ((rc = cairn_prep_transform(t->ctx, *prep, t->fdata, rows, nrows, &x, &y)))
		return rc;
	d.x = &x;
	d.y = y;
	d.task = cairn_prep_task(*prep);
	d.nclasses = cairn_prep_nclasses(*prep);
	d.seed = t->o->seed;
	d.threads = t->o->threads;
	rc = t->algo->fit(t->ctx, &d, t->params, log_iterations ? on_iteration : NULL, t, model);
	free(x.v);
	free(y);
	return rc;
}

/* Predicts rows of f with (prep, model) and evaluates against their labels. */
static int evaluate_on(struct train *t, const cairn_prep *prep, const void *model,
		       const struct cairn_frame *f, const size_t *rows, size_t nrows, json_t **out)
{
	struct cairn_eval_data e = { 0 };
	struct cairn_matrix x = { 0 };
	double *y = NULL, *pred = NULL;
	const char **names = NULL;
	int rc;

	if ((rc = cairn_prep_transform(t->ctx, prep, f, rows, nrows, &x, &y)))
		return rc;
	if (!(pred = malloc((x.rows ? x.rows : 1) * t->algo->outputs(model) * sizeof(double))))
		abort();
	if ((rc = t->algo->predict(t->ctx, model, &x, pred)))
		goto out;
	e.task = cairn_prep_task(prep);
	e.n = x.rows;
	e.y = y;
	e.pred = pred;
	e.nclasses = cairn_prep_nclasses(prep);
	if (e.nclasses) {
		if (!(names = malloc((size_t)e.nclasses * sizeof(*names))))
			abort();
		for (int c = 0; c < e.nclasses; c++)
			names[c] = cairn_prep_class(prep, c);
		e.class_names = names;
	}
	e.x = &x;
	e.seed = t->o->seed;
	rc = cairn_evaluate(t->ctx, &e, out);
out:
	free(names);
	free(x.v);
	free(y);
	free(pred);
	return rc;
}

static int cross_validate(struct train *t, const struct cairn_prep_options *po)
{
	size_t n = t->ntrain, k = (size_t)t->o->cv;
	json_t **folds = calloc(k, sizeof(*folds)), *summary = NULL;
	size_t *tr = malloc(n * sizeof(size_t)), *te = malloc(n * sizeof(size_t));
	int *fold = malloc(n * sizeof(int)), rc;
	cairn_prep *labels = NULL;
	struct cairn_matrix x = { 0 };
	double *y = NULL, *ysub = NULL;

	if (!folds || !tr || !te || !fold)
		abort();
	if (k < 2 || k > n) {
		rc = cairn_error(t->ctx, CAIRN_EINVAL, "--cv %zu needs 2 to %zu folds", k, n);
		goto out;
	}
	/* Stratify by the encoded classes of the training rows. */
	if ((rc = cairn_prep_fit(t->ctx, t->fdata, t->train_rows, n, po, &labels)) ||
	    (rc = cairn_prep_transform(t->ctx, labels, t->fdata, t->train_rows, n, &x, &y)))
		goto out;
	ysub = cairn_prep_task(labels) == CAIRN_TASK_CLASSIFICATION ? y : NULL;
	if ((rc = cairn_folds_assign(t->ctx, n, k, ysub, cairn_prep_nclasses(labels), t->o->seed, fold)))
		goto out;
	for (size_t f = 0; f < k && !rc; f++) {
		size_t ntr = 0, nte = 0;
		cairn_prep *prep = NULL;
		void *model = NULL;
		for (size_t i = 0; i < n; i++) {
			if (fold[i] == (int)f)
				te[nte++] = t->train_rows[i];
			else
				tr[ntr++] = t->train_rows[i];
		}
		if (!(rc = fit_on(t, po, tr, ntr, &prep, &model, 0)))
			rc = evaluate_on(t, prep, model, t->fdata, te, nte, &folds[f]);
		if (model)
			t->algo->free(model);
		cairn_prep_free(prep);
	}
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
	const char *tmpdir = getenv("TMPDIR");
	json_t *profile = NULL, *lineage, *inputs = json_array();
	struct cairn_model_info info = { 0 };
	int rc;

	json_array_append_new(inputs, input_json(&t->data, "train"));
	if (t->ftest)
		json_array_append_new(inputs, input_json(&t->test, "test"));
	lineage = json_pack("{s:s, s:o, s:O, s:s}", "run_id", cairn_run_id(t->run), "data", inputs,
			    "params", t->params, "algorithm", t->algo->name);
	if (cairn_dataset_load_profile(t->ctx, &t->data, &profile))
		cairn_error_clear(t->ctx);   /* no profile: the package goes without */
	cairn_buf_addf(&tmp, "%s/cairn-train-XXXXXX", tmpdir && *tmpdir ? tmpdir : "/tmp");
	if (!mkdtemp(tmp.buf)) {
		rc = cairn_error_errno(t->ctx, "cannot create a temporary directory");
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
	if (!(rc = cairn_model_save(t->ctx, &info, dir.buf)))
		rc = cairn_run_log_artifact(t->run, dir.buf, "model");
	cairn_remove_tree(tmp.buf);
out:
	json_decref(profile);
	json_decref(lineage);
	cairn_buf_release(&tmp);
	cairn_buf_release(&dir);
	return rc;
}

/* Everything after the run has started; a failure ends the run FAILED. */
static int train_in_run(struct train *t)
{
	const struct cairn_train_options *o = t->o;
	struct cairn_prep_options po = { 0 };
	const char *key;
	json_t *v;
	int rc;

	if (!(t->algo = cairn_algorithm_find(o->algo))) {
		cairn_buf names = CAIRN_BUF_INIT;
		const struct cairn_algorithm *const *a = cairn_algorithms();
		for (size_t i = 0; a[i]; i++)
			cairn_buf_addf(&names, "%s%s", i ? ", " : "", a[i]->name);
		rc = cairn_error(t->ctx, CAIRN_EINVAL, "unknown algorithm '%s' (known: %s)", o->algo,
				 names.buf);
		cairn_buf_release(&names);
		return rc;
	}
	if ((rc = cairn_params_resolve(t->ctx, t->algo, o->params, &t->params)))
		return rc;
	if ((rc = cairn_run_log_param(t->run, "algorithm", t->algo->name)) ||
	    (o->target && (rc = cairn_run_log_param(t->run, "target", o->target))))
		return rc;
	json_object_foreach(t->params, key, v)
		if ((rc = cairn_run_log_param(t->run, key, json_string_value(v))))
			return rc;
	if ((rc = cairn_dataset_resolve(t->ctx, o->data, &t->data)) ||
	    (rc = cairn_run_log_input(t->run, o->data, "train")) ||
	    (rc = cairn_dataset_load_frame(t->ctx, &t->data, &t->fdata)))
		return rc;
	if (o->test && ((rc = cairn_dataset_resolve(t->ctx, o->test, &t->test)) ||
			(rc = cairn_run_log_input(t->run, o->test, "test")) ||
			(rc = cairn_dataset_load_frame(t->ctx, &t->test, &t->ftest))))
		return rc;
	po.target = o->target;
	po.task = o->task;
	po.scale = t->algo->wants_scaling;
	po.onehot = t->algo->wants_onehot;
	po.keep_missing = t->algo->handles_missing;
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
	}
	t->metrics = json_object();
	if (o->cv && (rc = cross_validate(t, &po)))
		return rc;
	cairn_progress_start(&t->progress, "training", 0, 0);
	rc = fit_on(t, &po, t->train_rows, t->ntrain, &t->prep, &t->model, 1);
	cairn_progress_end(&t->progress);
	flush_points(t);
	if (rc)
		return rc;
	{
		json_t *m = NULL;
		if ((rc = evaluate_on(t, t->prep, t->model, t->fdata, t->train_rows, t->ntrain, &m)))
			return rc;
		json_object_set_new(t->metrics, "train", m);
		log_leaves(t, "train", m);
	}
	if (t->ftest || t->ntest) {
		json_t *m = NULL;
		if ((rc = evaluate_on(t, t->prep, t->model, t->ftest ? t->ftest : t->fdata,
				      t->ftest ? NULL : t->test_rows, t->ftest ? 0 : t->ntest, &m)))
			return rc;
		json_object_set_new(t->metrics, "test", m);
		log_leaves(t, "test", m);
	}
	return save_package(t);
}

int cairn_train(cairn_ctx *ctx, const struct cairn_train_options *o, struct cairn_train_result *res)
{
	struct cairn_run_options ro = { 0 };
	struct train t = { 0 };
	int rc;

	memset(res, 0, sizeof(*res));
	t.ctx = ctx;
	t.o = o;
	ro.experiment = o->experiment;
	ro.name = o->name;
	ro.parent = o->parent ? o->parent : getenv("CAIRN_RUN_ID");
	if (ro.parent && !*ro.parent)
		ro.parent = NULL;
	if ((rc = cairn_run_start(ctx, &ro, &t.run)))
		return rc;
	snprintf(res->run_id, sizeof(res->run_id), "%s", cairn_run_id(t.run));
	rc = train_in_run(&t);
	if (rc) {
		/* Keep the message: ending the run must not overwrite it. */
		cairn_buf msg = CAIRN_BUF_INIT;
		cairn_buf_adds(&msg, cairn_errmsg(ctx));
		cairn_run_end(t.run, CAIRN_RUN_FAILED, msg.buf);
		cairn_error(ctx, rc, "%s", msg.buf);
		cairn_buf_release(&msg);
	} else if (!(rc = cairn_run_end(t.run, CAIRN_RUN_FINISHED, NULL))) {
		res->metrics = t.metrics;
		t.metrics = NULL;
	}
	flush_points(&t);
	free(t.points);
	free(t.point_keys);
	if (t.model)
		t.algo->free(t.model);
	cairn_prep_free(t.prep);
	cairn_frame_free(t.fdata);
	cairn_frame_free(t.ftest);
	cairn_dataset_version_release(&t.data);
	cairn_dataset_version_release(&t.test);
	free(t.train_rows);
	free(t.test_rows);
	json_decref(t.params);
	json_decref(t.metrics);
	cairn_run_free(t.run);
	return rc;
}
