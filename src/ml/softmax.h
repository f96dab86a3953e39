/*
 * Multinomial (softmax) logistic regression, fitted with L-BFGS (liblbfgs):
 * the model of the logistic algorithm's multi_class=multinomial
 * (algo-liblinear.c), produced in liblinear's weight layout so that it is
 * saved, loaded and explained as liblinear's own models are.
 *
 * The fit minimises, over one weight vector w_k and one intercept b_k per
 * class k,
 *
 *     0.5 sum_k |w_k|^2 + C sum_i s_i (log sum_k e^(z_ik) - z_iy_i),
 *     z_ik = w_k.x_i + b_k,
 *
 * where s_i is the weight of row i's class (1 without class weights). The
 * intercepts are not penalised, as in scikit-learn's LogisticRegression; with
 * no intercept (bias <= 0) every b_k is 0. The log-sum-exp subtracts the
 * largest z_ik first, so no exp() overflows. The gradient is exact:
 * C s_i (softmax(z_i)_k - [k == y_i]) x_i plus w_k.
 *
 * Only the classes that have training rows are fitted (a class without rows
 * would want an intercept of minus infinity). The search starts at zero and
 * has converged when the largest component of the gradient of the mean
 * loss (the objective divided by C sum_i s_i) is at most tol: on the mean,
 * the test does not depend on the number of rows (the algorithm's default
 * tol is scikit-learn's, 1e-4). It also stops after max_iter iterations, or
 * when the line search finds no lower point (with doubles, likely only for
 * a tol below about 1e-7): neither is an error; a warning says that the fit
 * did not converge and the weights reached are kept. L-BFGS keeps 10
 * corrections (scipy's L-BFGS-B default, which scikit-learn uses) and
 * searches lines with liblbfgs's More-Thuente method.
 *
 * Determinism: no randomness, one thread, a fixed order of every sum: the
 * same data and options give the same bits. Reentrant: liblbfgs keeps no
 * global state.
 */
#ifndef CAIRN_ML_SOFTMAX_H
#define CAIRN_ML_SOFTMAX_H

#include "cairn/ctx.h"
#include "ml/learner.h"

/* The objective on k classes, for the fit and its tests. */
struct cairn__softmax_problem {
	const struct cairn_matrix *x;     /* rows x features, all finite */
	const int *y;                     /* class of each row, 0..k-1 */
	const double *row_weight;         /* s_i per row, or NULL: all 1 */
	int k;                            /* classes, >= 1 */
	double C;
	int intercept;                    /* fit b_k */
};

/* The number of variables: k x features weights (class by class), then k
 * intercepts when p->intercept. */
size_t cairn__softmax_nvars(const struct cairn__softmax_problem *p);
/* The objective at theta (cairn__softmax_nvars() values, in that order);
 * its gradient into grad. */
double cairn__softmax_eval(const struct cairn__softmax_problem *p, const double *theta,
			   double *grad);

struct cairn__softmax_options {
	double C;                         /* inverse of the L2 penalty, > 0 */
	double tol;                       /* see the stopping rule above, > 0 */
	int max_iter;                     /* >= 1 */
	double bias;                      /* > 0: the constant feature's value; else no intercept */
	const double *class_weight;       /* d->nclasses weights, or NULL: all 1 */
	/* Called after each iteration with "train-logloss", the weighted mean
	 * log loss; non-zero stops the fit at the weights reached. May be NULL. */
	cairn_iteration_fn on_iteration;
	void *arg;
};

/* A fitted model in liblinear's layout (struct model of <linear.h>). */
struct cairn__softmax_model {
	int nr_class;                     /* classes with training rows */
	int *label;                       /* their class indexes, ascending */
	int nr_w;                         /* weight vectors: nr_class, or 1 for 2 classes */
	/* (features + (bias > 0)) x nr_w values, feature by feature: w[f * nr_w + j]
	 * is feature f's weight for label[j], the last row the intercept / bias.
	 * With two classes the one vector is w_label[0] - w_label[1], the
	 * decision value of liblinear's binary models (label[0] when > 0); its
	 * logistic function is the softmax probability of label[0]. */
	double *w;
	int iterations;
	int converged;
};

/*
 * Fits d (classification, nclasses >= 2, finite features, classes in
 * 0..nclasses-1: the caller checks) with options o. On success the
 * model's label and w are malloc'd and the caller's (free() them, or hand
 * them to liblinear's free_and_destroy_model); on error *out is empty.
 */
int cairn__softmax_fit(cairn_ctx *ctx, const struct cairn_train_data *d,
		       const struct cairn__softmax_options *o, struct cairn__softmax_model *out);
/* Frees label and w and empties m. */
void cairn__softmax_model_release(struct cairn__softmax_model *m);

#endif
