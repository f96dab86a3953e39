/*
 * The algorithms logistic, linear_svm and linear, trained and applied by
 * liblinear (loaded on first use, see linear-loader.h), and for multinomial
 * logistic regression by softmax.h; see include/cairn/learner.h and
 * ml/linear.h.
 *
 *   logistic    L2-regularised logistic regression, by the param
 *               multi_class:
 *               multinomial  one softmax model over the classes, fitted with
 *                            L-BFGS (softmax.h): the intercepts are not
 *                            penalised, as in scikit-learn's default
 *                            LogisticRegression. Probabilities are the
 *                            softmax of the decision values W x + b. With two
 *                            classes the fit is the two-class softmax, kept
 *                            as liblinear's binary models are (one vector,
 *                            w_0 - w_1), whose logistic function is that
 *                            softmax. Stops on tol and max_iter.
 *               ovr          liblinear's solver L2R_LR (the primal
 *                            trust-region Newton method): one binary model
 *                            per class for more than two classes, one for
 *                            two; the bias feature's weight is penalised like
 *                            the others. Probabilities come from liblinear's
 *                            predict_probability (each class's logistic
 *                            function, normalised). Stops on eps.
 *               auto         (the default) multinomial for more than two
 *                            classes, ovr for two.
 *   linear_svm  L2-regularised L2-loss linear SVM (L2R_L2LOSS_SVC_DUAL,
 *               dual coordinate descent). liblinear has no probabilities for
 *               SVMs: predict gives the logistic function of each class's
 *               decision value, normalised to sum to 1 (for two classes,
 *               1 / (1 + e^-d) and its complement), the same mapping
 *               liblinear applies to its logistic models. The most probable
 *               class is the SVM's decision; the values are scores, not
 *               calibrated probabilities.
 *   linear      least-squares linear regression with a small L2 penalty:
 *               L2R_L2LOSS_SVR (primal) with an insensitive zone p of 0 is
 *               ridge regression, min 0.5 |w|^2 + C sum (y - w.x)^2, whose
 *               penalty vanishes next to the loss as the rows grow. The
 *               target is centred before training and its mean folded back
 *               into the intercept weight, so that the penalty, which
 *               liblinear 2.3 also puts on the intercept, does not pull the
 *               intercept toward 0.
 *
 * Intercept: with bias > 0 every row gets a constant feature of that value
 * (liblinear's -B); its weight is the intercept divided by bias.
 * liblinear 2.3 takes no iteration limit (its solvers stop after 1000
 * iterations of their own) and reports no progress: max_iter applies to the
 * multinomial fit only, and on_iteration is called by it alone (its
 * "train-logloss" after each L-BFGS iteration). importance gives, per
 * feature, the sum over the weight vectors of |w|: comparable across
 * features when they are standardized (wants_scaling).
 *
 * Determinism: the primal solvers (logistic, linear) and the softmax fit use
 * no randomness; the dual one (linear_svm) shuffles with the C library's
 * rand(), seeded here with srand() from the fit's seed. liblinear training
 * holds a process-wide lock so that concurrent fits in one process neither
 * interleave their rand() draws nor change each other's results.
 *
 * Files: model.liblinear (liblinear's own text format, written by its
 * save_model with "%.17g" weights, so a load predicts identically; a
 * multinomial model is a file of solver L2R_LR with one vector per class)
 * and liblinear.json (the algorithm, the task, the number of classes, which
 * the liblinear file cannot tell when a class had no training row, and for
 * logistic "multi_class": "multinomial" or "ovr"). A liblinear.json without
 * multi_class (older packages) and a bare liblinear file (an import) are
 * one-vs-rest.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "cairn/buf.h"
#include "cairn/error.h"
#include "core/fs.h"
#include "core/json.h"
#include "core/log.h"
#include "ml/algorithms.h"
#include "ml/linear-loader.h"
#include "ml/linear.h"
#include "ml/native.h"
#include "ml/softmax.h"

#define MODEL_FILE "model.liblinear"
#define INFO_FILE "liblinear.json"
/* Labels below this are class indexes (see linear.h). */
#define MAX_DIRECT_LABEL 65536
#define MAX_CLASSES 100000

struct linear {
	const struct cairn__linear_api *api;
	struct model *m;          /* liblinear's */
	enum cairn_task task;
	int nclasses;             /* classification: outputs */
	int *class_of;            /* classification: label position -> class index */
	int nr_w;                 /* weight vectors: 1, or nr_class */
	int multinomial;          /* logistic: a softmax model (softmax.h), not one-vs-rest */
};

static const char *const solver_names[] = {
	"L2R_LR", "L2R_L2LOSS_SVC_DUAL", "L2R_L2LOSS_SVC", "L2R_L1LOSS_SVC_DUAL", "MCSVM_CS",
	"L1R_L2LOSS_SVC", "L1R_LR", "L2R_LR_DUAL", NULL, NULL, NULL,
	"L2R_L2LOSS_SVR", "L2R_L2LOSS_SVR_DUAL", "L2R_L1LOSS_SVR_DUAL"
};
#define NSOLVERS (int)(sizeof(solver_names) / sizeof(solver_names[0]))

static int is_regression_solver(int s)
{
	return s == L2R_L2LOSS_SVR || s == L2R_L2LOSS_SVR_DUAL || s == L2R_L1LOSS_SVR_DUAL;
}

/* The cairn algorithm that predicts with a model of solver s. */
static const char *algorithm_of(int s)
{
	if (is_regression_solver(s))
		return "linear";
	if (s == L2R_LR || s == L1R_LR || s == L2R_LR_DUAL)
		return "logistic";
	return "linear_svm";
}

static int weight_vectors(int solver, int nr_class)
{
	if (is_regression_solver(solver) || (nr_class == 2 && solver != MCSVM_CS))
		return 1;
	return nr_class;
}

static pthread_mutex_t train_lock = PTHREAD_MUTEX_INITIALIZER;

static void linear_free(void *model)
{
	struct linear *l = model;

	if (!l)
		return;
	if (l->m)
		l->api->free_and_destroy_model(&l->m);
	free(l->class_of);
	free(l);
}

/* Fills l->class_of, l->nclasses (at least min_classes) and l->nr_w from
 * the liblinear model; what names it in errors. */
static int set_classes(cairn_ctx *ctx, struct linear *l, const char *what, int min_classes)
{
	const struct model *m = l->m;
	int direct = 1, max = -1;

	l->nr_w = weight_vectors(m->param.solver_type, m->nr_class);
	if (l->task != CAIRN_TASK_CLASSIFICATION)
		return 0;
	l->class_of = cairn_xcalloc((size_t)m->nr_class, sizeof(int));
	for (int j = 0; j < m->nr_class; j++) {
		if (m->label[j] < 0 || m->label[j] >= MAX_DIRECT_LABEL)
			direct = 0;
		for (int i = 0; i < j; i++)
			if (m->label[i] == m->label[j])
				return cairn_error(ctx, CAIRN_EPARSE, "'%s' has label %d twice",
						   what, m->label[j]);
	}
	for (int j = 0; j < m->nr_class; j++) {
		int c = 0;
		if (direct) {
			c = m->label[j];
		} else {
			for (int i = 0; i < m->nr_class; i++)
				c += m->label[i] < m->label[j];
		}
		l->class_of[j] = c;
		if (c > max)
			max = c;
	}
	l->nclasses = max + 1 > min_classes ? max + 1 : min_classes;
	if (l->nclasses < 2)
		l->nclasses = 2;
	return 0;
}

static const char *task_check(const struct cairn_algorithm *a, const struct cairn_train_data *d)
{
	if (!(a->tasks & CAIRN_TASK_BIT(d->task)))
		return cairn_task_name(d->task);
	return NULL;
}

/* Checks the training data: sizes, finite features, targets. */
static int check_data(cairn_ctx *ctx, const char *name, const struct cairn_train_data *d)
{
	const struct cairn_matrix *x = d->x;

	if (!x || !x->rows || !x->cols)
		return cairn_error(ctx, CAIRN_EINVAL, "cannot train %s: no rows or no features", name);
	if (x->rows > INT_MAX || x->cols > INT_MAX - 2)
		return cairn_error(ctx, CAIRN_EINVAL,
				   "cannot train %s: %zu rows x %zu features is more than liblinear takes",
				   name, x->rows, x->cols);
	for (size_t i = 0; i < x->rows; i++)
		for (size_t j = 0; j < x->cols; j++)
			if (!isfinite(x->v[i * x->cols + j]))
				return cairn_error(ctx, CAIRN_EINVAL,
						   "cannot train %s: row %zu feature %zu is %s "
						   "(missing values must be imputed first)", name, i, j,
						   isnan(x->v[i * x->cols + j]) ? "missing (NaN)" : "infinite");
	if (d->task == CAIRN_TASK_CLASSIFICATION && (d->nclasses < 2 || d->nclasses > MAX_CLASSES))
		return cairn_error(ctx, CAIRN_EINVAL, "cannot train %s: %d classes (2 to %d supported)",
				   name, d->nclasses, MAX_CLASSES);
	for (size_t i = 0; i < x->rows; i++) {
		double y = d->y[i];
		if (!isfinite(y))
			return cairn_error(ctx, CAIRN_EINVAL, "cannot train %s: target of row %zu is %g",
					   name, i, y);
		if (d->task == CAIRN_TASK_CLASSIFICATION &&
		    (y < 0 || y >= d->nclasses || y != floor(y)))
			return cairn_error(ctx, CAIRN_EINVAL,
					   "cannot train %s: class %g of row %zu is not in 0..%d",
					   name, y, i, d->nclasses - 1);
	}
	return 0;
}

/* class_weight=balanced: the weight of each class, rows / (classes with
 * rows x its rows), 0 for a class without rows; a new array (free it). */
static double *balanced_weights(const struct cairn_train_data *d)
{
	double *weight = cairn_xcalloc((size_t)d->nclasses, sizeof(*weight));
	size_t *count = cairn_xcalloc((size_t)d->nclasses, sizeof(*count));
	int present = 0;

	for (size_t i = 0; i < d->x->rows; i++)
		count[(int)d->y[i]]++;
	for (int c = 0; c < d->nclasses; c++)
		present += count[c] > 0;
	for (int c = 0; c < d->nclasses; c++)
		if (count[c])
			weight[c] = (double)d->x->rows / ((double)present * (double)count[c]);
	free(count);
	return weight;
}

/* liblinear's sparse rows: the non-zero features (1-based indexes), the
 * constant bias feature when bias >= 0, and a terminating index -1. */
static void sparse_row(const float *v, size_t cols, double bias, struct feature_node *out)
{
	size_t n = 0;

	for (size_t j = 0; j < cols; j++)
		if (v[j] != 0) {
			out[n].index = (int)j + 1;
			out[n++].value = v[j];
		}
	if (bias >= 0) {
		out[n].index = (int)cols + 1;
		out[n++].value = bias;
	}
	out[n].index = -1;
	out[n].value = 0;
}

/* Set by liblinear's message "WARNING: reaching max number of iterations"
 * (or "... Newton iterations") during a fit; under train_lock. */
static int reached_max_iterations;

/* liblinear's messages: its progress is dropped (stdout is the command's),
 * its iteration limit noted. */
static void note_max_iterations(const char *s)
{
	if (strstr(s, "reaching max number of"))
		reached_max_iterations = 1;
}

static int fit_solver(cairn_ctx *ctx, const struct cairn_algorithm *a, int solver,
		      const struct cairn_train_data *d, const json_t *params, void **model)
{
	const struct cairn_matrix *x = d->x;
	const struct cairn__linear_api *api;
	struct problem prob = { 0 };
	struct parameter param = { 0 };
	struct feature_node *nodes = NULL;
	struct linear *l = NULL;
	double *y = NULL, ymean = 0, bias = cairn_param_float(params, "bias");
	int *wlabel = NULL, regression = is_regression_solver(solver);
	double *weight = NULL, *cw = NULL;
	size_t nnz = 0, at = 0;
	const char *bad;
	int rc, converged;

	*model = NULL;
	if ((bad = task_check(a, d)))
		return cairn_error(ctx, CAIRN_EINVAL, "%s does not do %s", a->name, bad);
	if ((rc = check_data(ctx, a->name, d)))
		return rc;
	if ((rc = cairn__linear(ctx, a->name, &api)))
		return rc;
	if (bias <= 0)
		bias = -1;

	for (size_t i = 0; i < x->rows * x->cols; i++)
		nnz += x->v[i] != 0;
	nodes = cairn_xcalloc(nnz + x->rows * 2, sizeof(*nodes));
	prob.x = cairn_xcalloc(x->rows, sizeof(*prob.x));
	y = cairn_xcalloc(x->rows, sizeof(*y));
	for (size_t i = 0; i < x->rows; i++) {
		prob.x[i] = nodes + at;
		sparse_row(x->v + i * x->cols, x->cols, bias, nodes + at);
		while (nodes[at].index != -1)
			at++;
		at++;
		y[i] = d->y[i];
		ymean += d->y[i];
	}
	ymean /= (double)x->rows;
	/* Centring the target leaves the intercept out of the penalty. */
	if (regression && bias > 0)
		for (size_t i = 0; i < x->rows; i++)
			y[i] -= ymean;
	prob.l = (int)x->rows;
	prob.n = (int)x->cols + (bias >= 0);
	prob.y = y;
	prob.bias = bias;

	param.solver_type = solver;
	param.C = cairn_param_float(params, "C");
	param.eps = cairn_param_float(params, "eps");
	param.p = regression ? cairn_param_float(params, "p") : 0;
	if (!regression && !strcmp(cairn_param_str(params, "class_weight"), "balanced")) {
		cw = balanced_weights(d);
		wlabel = cairn_xcalloc((size_t)d->nclasses, sizeof(*wlabel));
		weight = cairn_xcalloc((size_t)d->nclasses, sizeof(*weight));
		for (int c = 0; c < d->nclasses; c++)
			if (cw[c] > 0) {
				wlabel[param.nr_weight] = c;
				weight[param.nr_weight++] = cw[c];
			}
		param.weight_label = wlabel;
		param.weight = weight;
	}
	if ((bad = api->check_parameter(&prob, &param))) {
		rc = cairn_error(ctx, CAIRN_EINVAL, "cannot train %s: %s", a->name, bad);
		goto out;
	}

	l = cairn_xcalloc(1, sizeof(*l));
	l->api = api;
	l->task = d->task;
	pthread_mutex_lock(&train_lock);
	srand((unsigned)(d->seed ^ (d->seed >> 32)));
	api->set_print_string_function(note_max_iterations);
	reached_max_iterations = 0;
	l->m = api->train(&prob, &param);
	converged = !reached_max_iterations;
	pthread_mutex_unlock(&train_lock);
	if (!converged)
		cairn__log_warn(ctx, "%s did not converge: liblinear stopped at its iteration limit "
				"(raise eps or lower C, or scale the features)", a->name);
	if (d->converged)
		*d->converged = converged;
	if (!l->m) {
		rc = cairn_error(ctx, CAIRN_ENOMEM, "cannot train %s: liblinear returned no model",
				 a->name);
		goto out;
	}
	/* train() points the model's param at ours: the weights are ours to free. */
	l->m->param.weight_label = NULL;
	l->m->param.weight = NULL;
	l->m->param.nr_weight = 0;
	l->m->param.init_sol = NULL;
	if (regression && bias > 0)
		l->m->w[x->cols] += ymean / bias;
	if ((rc = set_classes(ctx, l, a->name, d->nclasses)))
		goto out;
	*model = l;
	l = NULL;
out:
	linear_free(l);
	free(nodes);
	free(prob.x);
	free(y);
	free(cw);
	free(wlabel);
	free(weight);
	return rc;
}

/* logistic with multi_class=multinomial: the softmax fit (softmax.h) in a
 * liblinear model of solver L2R_LR that we allocate; liblinear's
 * free_and_destroy_model frees it as its own (w, label and the struct are
 * malloc'd). */
static int fit_softmax(cairn_ctx *ctx, const struct cairn_train_data *d, const json_t *params,
		       cairn_iteration_fn on_iteration, void *arg, void **model)
{
	const struct cairn_algorithm *a = &cairn__algo_logistic;
	const struct cairn__linear_api *api;
	struct cairn__softmax_options o = { 0 };
	struct cairn__softmax_model sm = { 0 };
	struct linear *l = NULL;
	double *cw = NULL;
	const char *bad;
	int rc;

	*model = NULL;
	if ((bad = task_check(a, d)))
		return cairn_error(ctx, CAIRN_EINVAL, "%s does not do %s", a->name, bad);
	if ((rc = check_data(ctx, a->name, d)) || (rc = cairn__linear(ctx, a->name, &api)))
		return rc;
	if (!strcmp(cairn_param_str(params, "class_weight"), "balanced"))
		cw = balanced_weights(d);
	o.C = cairn_param_float(params, "C");
	o.tol = cairn_param_float(params, "tol");
	o.max_iter = (int)cairn_param_int(params, "max_iter");
	o.bias = cairn_param_float(params, "bias");
	o.class_weight = cw;
	o.on_iteration = on_iteration;
	o.arg = arg;
	if ((rc = cairn__softmax_fit(ctx, d, &o, &sm)))
		goto out;
	if (d->converged)
		*d->converged = sm.converged;
	l = cairn_xcalloc(1, sizeof(*l));
	l->api = api;
	l->task = d->task;
	l->multinomial = 1;
	l->m = cairn_xcalloc(1, sizeof(*l->m));
	l->m->param.solver_type = L2R_LR;
	l->m->param.C = o.C;
	l->m->nr_class = sm.nr_class;
	l->m->nr_feature = (int)d->x->cols;
	l->m->bias = o.bias > 0 ? o.bias : -1;
	l->m->w = sm.w;
	l->m->label = sm.label;
	sm.w = NULL;
	sm.label = NULL;
	if ((rc = set_classes(ctx, l, a->name, d->nclasses)))
		goto out;
	*model = l;
	l = NULL;
out:
	linear_free(l);
	cairn__softmax_model_release(&sm);
	free(cw);
	return rc;
}

static int logistic_fit(cairn_ctx *ctx, const struct cairn_train_data *d, const json_t *params,
			cairn_iteration_fn on_iteration, void *arg, void **model)
{
	const char *mc = cairn_param_str(params, "multi_class");

	if (!strcmp(mc, "multinomial") || (!strcmp(mc, "auto") && d->nclasses > 2))
		return fit_softmax(ctx, d, params, on_iteration, arg, model);
	return fit_solver(ctx, &cairn__algo_logistic, L2R_LR, d, params, model);
}

static int svm_fit(cairn_ctx *ctx, const struct cairn_train_data *d, const json_t *params,
		   cairn_iteration_fn on_iteration, void *arg, void **model)
{
	return fit_solver(ctx, &cairn__algo_linear_svm, L2R_L2LOSS_SVC_DUAL, d, params, model);
}

static int linear_fit(cairn_ctx *ctx, const struct cairn_train_data *d, const json_t *params,
		      cairn_iteration_fn on_iteration, void *arg, void **model)
{
	return fit_solver(ctx, &cairn__algo_linear, L2R_L2LOSS_SVR, d, params, model);
}

static size_t linear_outputs(const void *model)
{
	const struct linear *l = model;

	return l->task == CAIRN_TASK_CLASSIFICATION ? (size_t)l->nclasses : 1;
}

/* Class scores from decision values: for a multinomial model their softmax;
 * otherwise the logistic function of each, normalised as liblinear does for
 * its logistic models. With one decision value for two classes both are its
 * logistic function. */
static void scores_of(const struct linear *l, const double *dec, double *p)
{
	int k = l->m->nr_class;
	double sum = 0;

	if (l->nr_w == 1 && k == 2) {
		p[0] = 1 / (1 + exp(-dec[0]));
		p[1] = 1 - p[0];
		return;
	}
	if (l->multinomial) {
		double max = -INFINITY;
		for (int j = 0; j < k; j++)
			if (dec[j] > max)
				max = dec[j];
		for (int j = 0; j < k; j++)
			sum += p[j] = exp(dec[j] - max);
		for (int j = 0; j < k; j++)
			p[j] /= sum;
		return;
	}
	for (int j = 0; j < k; j++)
		sum += p[j] = 1 / (1 + exp(-dec[j]));
	for (int j = 0; j < k; j++)
		p[j] = sum > 0 ? p[j] / sum : 1.0 / k;
}

/*
 * Predicts the rows of x natively (ml/native.h), or through liblinear's
 * predict_values and predict_probability when reference is set: the same
 * values, bit for bit.
 */
static int predict_rows(cairn_ctx *ctx, const struct linear *l, const struct cairn_matrix *x,
			double *out, int reference)
{
	const struct model *m = l->m;
	int k = m->nr_class, probability = !l->multinomial && l->api->check_probability_model(m);
	struct feature_node *row = NULL;
	double dec_stack[16], p_stack[16], *dec = dec_stack, *p = p_stack;
	size_t outs = linear_outputs(l);

	if (x->cols != (size_t)m->nr_feature)
		return cairn_error(ctx, CAIRN_EINVAL, "cannot predict: the model takes %d features, "
				   "the data has %zu", m->nr_feature, x->cols);
	for (size_t i = 0; i < x->rows * x->cols; i++)
		if (!isfinite(x->v[i]))
			return cairn_error(ctx, CAIRN_EINVAL, "cannot predict: row %zu feature %zu is %s",
					   i / x->cols, i % x->cols,
					   isnan(x->v[i]) ? "missing (NaN)" : "infinite");
	if (reference)
		row = cairn_xcalloc(x->cols + 2, sizeof(*row));
	if (k > 16) {
		dec = cairn_xcalloc((size_t)k, sizeof(*dec));
		p = cairn_xcalloc((size_t)k, sizeof(*p));
	}
	for (size_t i = 0; i < x->rows; i++) {
		const float *v = x->v + i * x->cols;
		double *o = out + i * outs;

		if (reference)
			sparse_row(v, x->cols, m->bias, row);
		if (l->task != CAIRN_TASK_CLASSIFICATION) {
			if (reference)
				l->api->predict_values(m, row, dec);
			else
				cairn__native_linear_values(m, v, dec);
			o[0] = dec[0];
			continue;
		}
		if (probability) {
			if (reference)
				l->api->predict_probability(m, row, p);
			else
				cairn__native_linear_probability(m, v, p);
		} else {
			if (reference)
				l->api->predict_values(m, row, dec);
			else
				cairn__native_linear_values(m, v, dec);
			scores_of(l, dec, p);
		}
		for (size_t c = 0; c < outs; c++)
			o[c] = 0;
		for (int j = 0; j < k; j++)
			o[l->class_of[j]] = p[j];
	}
	free(row);
	if (dec != dec_stack) {
		free(dec);
		free(p);
	}
	return 0;
}

static int linear_predict(cairn_ctx *ctx, const void *model, const struct cairn_matrix *x,
			  double *out)
{
	return predict_rows(ctx, model, x, out, 0);
}

static int linear_predict_reference(cairn_ctx *ctx, const void *model,
				    const struct cairn_matrix *x, double *out)
{
	return predict_rows(ctx, model, x, out, 1);
}

static int linear_importance(cairn_ctx *ctx, const void *model, size_t nfeatures, double *out)
{
	const struct linear *l = model;
	const struct model *m = l->m;

	if (nfeatures != (size_t)m->nr_feature)
		return cairn_error(ctx, CAIRN_EINVAL, "the model takes %d features, not %zu",
				   m->nr_feature, nfeatures);
	for (size_t f = 0; f < nfeatures; f++) {
		out[f] = 0;
		for (int j = 0; j < l->nr_w; j++)
			out[f] += fabs(m->w[f * (size_t)l->nr_w + j]);
	}
	return 0;
}

static int linear_save(cairn_ctx *ctx, const void *model, const char *dir, json_t *files)
{
	const struct linear *l = model;
	cairn_buf path = CAIRN_BUF_INIT;
	json_t *info = json_object();
	int rc = 0;

	cairn_path_join(&path, dir, MODEL_FILE);
	errno = 0;
	if (l->api->save_model(path.buf, l->m)) {
		rc = errno ? cairn_error_errno(ctx, "cannot write '%s'", path.buf)
			   : cairn_error(ctx, CAIRN_EIO, "cannot write '%s'", path.buf);
		goto out;
	}
	json_array_append_new(files, json_string(MODEL_FILE));
	json_object_set_new(info, "algorithm", json_string(algorithm_of(l->m->param.solver_type)));
	json_object_set_new(info, "task", json_string(cairn_task_name(l->task)));
	if (l->task == CAIRN_TASK_CLASSIFICATION)
		json_object_set_new(info, "nclasses", json_integer(l->nclasses));
	if (!strcmp(algorithm_of(l->m->param.solver_type), "logistic"))
		json_object_set_new(info, "multi_class",
				    json_string(l->multinomial ? "multinomial" : "ovr"));
	rc = cairn__model_write_json(ctx, dir, INFO_FILE, info, files);
out:
	json_decref(info);
	cairn_buf_release(&path);
	return rc;
}

/* The header of a liblinear model file, checked before liblinear reads it:
 * its parser trusts the file. */
struct header {
	int solver, nr_class, nr_feature, has_label, has_bias;
	double bias;
};

static int parse_int(const char *s, long min, long max, int *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (!*s || *end || errno || v < min || v > max)
		return -1;
	*out = (int)v;
	return 0;
}

static int check_model_text(cairn_ctx *ctx, const char *path, char *text, size_t len,
			    struct header *h)
{
	char *save = NULL, *tok;
	int have_solver = 0, have_class = 0, have_feature = 0;
	size_t nweights = 0, expected;

	memset(h, 0, sizeof(*h));
	if (strlen(text) != len)
		return cairn_error(ctx, CAIRN_EPARSE, "'%s' is not a liblinear model: it has NUL bytes",
				   path);
	for (tok = strtok_r(text, " \t\r\n", &save); tok; tok = strtok_r(NULL, " \t\r\n", &save)) {
		char *arg = NULL;

		if (!strcmp(tok, "w"))
			break;
		if (strcmp(tok, "label"))
			arg = strtok_r(NULL, " \t\r\n", &save);
		if (!strcmp(tok, "solver_type") && arg) {
			h->solver = -1;
			for (int s = 0; s < NSOLVERS; s++)
				if (solver_names[s] && !strcmp(solver_names[s], arg))
					h->solver = s;
			if (h->solver < 0)
				return cairn_error(ctx, CAIRN_EPARSE, "'%s' has an unknown solver '%s'",
						   path, arg);
			have_solver = 1;
		} else if (!strcmp(tok, "nr_class") && arg) {
			if (parse_int(arg, 1, MAX_CLASSES, &h->nr_class))
				return cairn_error(ctx, CAIRN_EPARSE, "'%s' has nr_class '%s'", path, arg);
			have_class = 1;
		} else if (!strcmp(tok, "nr_feature") && arg) {
			if (parse_int(arg, 0, INT_MAX - 2, &h->nr_feature))
				return cairn_error(ctx, CAIRN_EPARSE, "'%s' has nr_feature '%s'", path,
						   arg);
			have_feature = 1;
		} else if (!strcmp(tok, "bias") && arg) {
			char *end;
			h->bias = strtod(arg, &end);
			if (*end || !isfinite(h->bias))
				return cairn_error(ctx, CAIRN_EPARSE, "'%s' has bias '%s'", path, arg);
			h->has_bias = 1;
		} else if (!strcmp(tok, "label")) {
			int label;
			if (!have_class)
				return cairn_error(ctx, CAIRN_EPARSE, "'%s' has labels before nr_class",
						   path);
			for (int j = 0; j < h->nr_class; j++) {
				arg = strtok_r(NULL, " \t\r\n", &save);
				if (!arg || parse_int(arg, INT_MIN, INT_MAX, &label))
					return cairn_error(ctx, CAIRN_EPARSE,
							   "'%s' has fewer than %d integer labels",
							   path, h->nr_class);
			}
			h->has_label = 1;
		} else {
			return cairn_error(ctx, CAIRN_EPARSE, "'%s' is not a liblinear model: "
					   "unexpected '%s' in its header", path, tok);
		}
	}
	if (!tok || !have_solver || !have_class || !have_feature || !h->has_bias)
		return cairn_error(ctx, CAIRN_EPARSE, "'%s' is not a liblinear model: its header "
				   "lacks %s", path, !have_solver ? "solver_type" : !have_class ?
				   "nr_class" : !have_feature ? "nr_feature" : !h->has_bias ? "bias" :
				   "the weights");
	if (!is_regression_solver(h->solver) && !h->has_label)
		return cairn_error(ctx, CAIRN_EPARSE, "'%s' is a classifier without labels", path);
	while ((tok = strtok_r(NULL, " \t\r\n", &save))) {
		char *end;
		double v = strtod(tok, &end);
		if (*end || !isfinite(v))
			return cairn_error(ctx, CAIRN_EPARSE, "'%s' has a weight '%.32s'", path, tok);
		nweights++;
	}
	expected = ((size_t)h->nr_feature + (h->bias >= 0)) *
		   (size_t)weight_vectors(h->solver, h->nr_class);
	if (nweights != expected)
		return cairn_error(ctx, CAIRN_EPARSE, "'%s' is %s: %zu weights, expected %zu", path,
				   nweights < expected ? "truncated" : "malformed", nweights, expected);
	return 0;
}

int cairn__linear_load_file(cairn_ctx *ctx, const char *path, void **model)
{
	const struct cairn__linear_api *api;
	cairn_buf text = CAIRN_BUF_INIT;
	struct linear *l = NULL;
	struct header h;
	int rc;

	*model = NULL;
	if ((rc = cairn_read_file(ctx, path, &text)) ||
	    (rc = check_model_text(ctx, path, text.buf, text.len, &h)) ||
	    (rc = cairn__linear(ctx, "reading a liblinear model", &api)))
		goto out;
	l = cairn_xcalloc(1, sizeof(*l));
	l->api = api;
	l->task = is_regression_solver(h.solver) ? CAIRN_TASK_REGRESSION
						 : CAIRN_TASK_CLASSIFICATION;
	if (!(l->m = api->load_model(path))) {
		rc = cairn_error(ctx, CAIRN_EPARSE, "cannot read liblinear model '%s'", path);
		goto out;
	}
	if ((rc = set_classes(ctx, l, path, 0)))
		goto out;
	*model = l;
	l = NULL;
out:
	linear_free(l);
	cairn_buf_release(&text);
	return rc;
}

void cairn__linear_info(const void *model, struct cairn__linear_info *info)
{
	const struct linear *l = model;
	const struct model *m = l->m;

	info->solver_type = m->param.solver_type;
	info->solver = solver_names[m->param.solver_type];
	info->algorithm = algorithm_of(m->param.solver_type);
	info->task = l->task;
	info->nr_class = m->nr_class;
	info->labels = l->task == CAIRN_TASK_CLASSIFICATION ? m->label : NULL;
	info->nclasses = l->task == CAIRN_TASK_CLASSIFICATION ? l->nclasses : 0;
	info->nr_feature = m->nr_feature;
	info->bias = m->bias;
}

static int read_multi_class(cairn_ctx *ctx, const char *path, const json_t *v, struct linear *l)
{
	const char *s = json_string_value(v);

	if (!v)
		return 0;
	if (!s || (strcmp(s, "ovr") && strcmp(s, "multinomial")) ||
	    (!strcmp(s, "multinomial") && strcmp(algorithm_of(l->m->param.solver_type), "logistic")))
		return cairn_error(ctx, CAIRN_EPARSE, "'%s': multi_class must be \"ovr\"%s", path,
				   strcmp(algorithm_of(l->m->param.solver_type), "logistic") ? "" :
				   " or \"multinomial\"");
	l->multinomial = !strcmp(s, "multinomial");
	return 0;
}

static int load_as(cairn_ctx *ctx, const char *name, const char *dir, void **model)
{
	cairn_buf path = CAIRN_BUF_INIT;
	struct linear *l = NULL;
	json_t *info = NULL;
	const char *algo;
	int rc;

	*model = NULL;
	cairn_path_join(&path, dir, MODEL_FILE);
	if ((rc = cairn__linear_load_file(ctx, path.buf, (void **)&l)))
		goto out;
	algo = algorithm_of(l->m->param.solver_type);
	if (strcmp(algo, name)) {
		rc = cairn_error(ctx, CAIRN_EINVAL, "'%s' holds a %s model (solver %s), not %s",
				 path.buf, algo, solver_names[l->m->param.solver_type], name);
		goto out;
	}
	cairn_path_join(&path, dir, INFO_FILE);
	rc = cairn_json_load_file(ctx, path.buf, &info);
	if (rc == CAIRN_ENOTFOUND) {
		cairn_error_clear(ctx);
		rc = 0;
	} else if (rc) {
		goto out;
	} else if (l->task == CAIRN_TASK_CLASSIFICATION) {
		json_t *n = json_object_get(info, "nclasses");
		if (!json_is_integer(n) || json_integer_value(n) < l->nclasses ||
		    json_integer_value(n) > MAX_CLASSES) {
			rc = cairn_error(ctx, CAIRN_EPARSE, "'%s': nclasses must be an integer from %d "
					 "to %d", path.buf, l->nclasses, MAX_CLASSES);
			goto out;
		}
		l->nclasses = (int)json_integer_value(n);
		/* Absent (files of older versions, imports): one-vs-rest. */
		if ((rc = read_multi_class(ctx, path.buf, json_object_get(info, "multi_class"), l)))
			goto out;
	}
	*model = l;
	l = NULL;
out:
	linear_free(l);
	json_decref(info);
	cairn_buf_release(&path);
	return rc;
}

static int logistic_load(cairn_ctx *ctx, const char *dir, void **model)
{
	return load_as(ctx, "logistic", dir, model);
}

static int svm_load(cairn_ctx *ctx, const char *dir, void **model)
{
	return load_as(ctx, "linear_svm", dir, model);
}

static int linear_load(cairn_ctx *ctx, const char *dir, void **model)
{
	return load_as(ctx, "linear", dir, model);
}

#define COMMON_PARAMS(eps, eps_help) \
	{ "C", CAIRN_PARAM_FLOAT, "1", 1e-12, 1e12, NULL, \
	  "inverse of the L2 penalty: larger fits the training data more closely" }, \
	{ "eps", CAIRN_PARAM_FLOAT, eps, 1e-12, 1e3, NULL, eps_help }, \
	{ "bias", CAIRN_PARAM_FLOAT, "1", -1, 1e6, NULL, \
	  "value of the constant feature that gives the intercept; 0 or less: no intercept" }

static const struct cairn_param_spec classifier_params_lr[] = {
	COMMON_PARAMS("0.01", "ovr: stopping tolerance of liblinear's solver (its -e)"),
	{ "class_weight", CAIRN_PARAM_STRING, "none", 0, 0, "none|balanced",
	  "balanced: weight each class by rows / (classes x its rows)" },
	{ "multi_class", CAIRN_PARAM_STRING, "auto", 0, 0, "auto|ovr|multinomial",
	  "multinomial: one softmax model over the classes (L-BFGS); ovr: one binary model per "
	  "class (liblinear); auto: multinomial for more than two classes, else ovr" },
	{ "max_iter", CAIRN_PARAM_INT, "100", 1, 1e6, NULL,
	  "multinomial: most L-BFGS iterations (stopping there is a warning, not an error)" },
	{ "tol", CAIRN_PARAM_FLOAT, "0.0001", 1e-12, 1e3, NULL,
	  "multinomial: stop when no component of the mean loss's gradient exceeds tol" },
};

static const struct cairn_param_spec classifier_params_svm[] = {
	COMMON_PARAMS("0.1", "stopping tolerance of the solver (liblinear's -e)"),
	{ "class_weight", CAIRN_PARAM_STRING, "none", 0, 0, "none|balanced",
	  "balanced: weight each class by rows / (classes x its rows)" },
};

static const struct cairn_param_spec regression_params[] = {
	COMMON_PARAMS("0.0001", "stopping tolerance of the solver (liblinear's -e)"),
	{ "p", CAIRN_PARAM_FLOAT, "0", 0, 1e12, NULL,
	  "half-width of the insensitive zone: errors below it cost nothing (0: least squares)" },
};

#define NPARAMS(a) (sizeof(a) / sizeof((a)[0]))

const struct cairn_algorithm cairn__algo_logistic = {
	.name = "logistic",
	.tasks = CAIRN_TASK_BIT(CAIRN_TASK_CLASSIFICATION),
	.wants_scaling = 1,
	.wants_onehot = 1,
	.handles_missing = 0,
	.params = classifier_params_lr,
	.nparams = NPARAMS(classifier_params_lr),
	.fit = logistic_fit,
	.predict = linear_predict,
	.predict_reference = linear_predict_reference,
	.outputs = linear_outputs,
	.save = linear_save,
	.load = logistic_load,
	.free = linear_free,
	.importance = linear_importance,
};

const struct cairn_algorithm cairn__algo_linear_svm = {
	.name = "linear_svm",
	.tasks = CAIRN_TASK_BIT(CAIRN_TASK_CLASSIFICATION),
	.wants_scaling = 1,
	.wants_onehot = 1,
	.handles_missing = 0,
	.params = classifier_params_svm,
	.nparams = NPARAMS(classifier_params_svm),
	.fit = svm_fit,
	.predict = linear_predict,
	.predict_reference = linear_predict_reference,
	.outputs = linear_outputs,
	.save = linear_save,
	.load = svm_load,
	.free = linear_free,
	.importance = linear_importance,
};

const struct cairn_algorithm cairn__algo_linear = {
	.name = "linear",
	.tasks = CAIRN_TASK_BIT(CAIRN_TASK_REGRESSION),
	.wants_scaling = 1,
	.wants_onehot = 1,
	.handles_missing = 0,
	.params = regression_params,
	.nparams = NPARAMS(regression_params),
	.fit = linear_fit,
	.predict = linear_predict,
	.predict_reference = linear_predict_reference,
	.outputs = linear_outputs,
	.save = linear_save,
	.load = linear_load,
	.free = linear_free,
	.importance = linear_importance,
};
