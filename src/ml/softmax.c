/* Multinomial logistic regression by L-BFGS (liblbfgs); see ml/softmax.h. */
#include <lbfgs.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "cairn/buf.h"
#include "cairn/error.h"
#include "core/log.h"
#include "ml/softmax.h"

/* Corrections kept by L-BFGS: scipy's default, which scikit-learn uses. */
#define LBFGS_MEMORY 10

size_t cairn__softmax_nvars(const struct cairn__softmax_problem *p)
{
	return (size_t)p->k * (p->x->cols + (p->intercept ? 1 : 0));
}

double cairn__softmax_eval(const struct cairn__softmax_problem *p, const double *theta,
			   double *grad)
{
	const struct cairn_matrix *x = p->x;
	size_t nf = x->cols, k = (size_t)p->k, nw = k * nf;
	const double *b = p->intercept ? theta + nw : NULL;
	double *gb = p->intercept ? grad + nw : NULL;
	/* The weights and their gradient feature by feature (wt[f * k + c]):
	 * the inner loops then run over the classes, contiguous and
	 * independent of each other. */
	double *wt = cairn_xcalloc(nw + 1, sizeof(*wt));
	double *gt = cairn_xcalloc(nw + 1, sizeof(*gt));
	double *z = cairn_xcalloc(k, sizeof(*z));
	double penalty = 0, loss = 0;

	for (size_t c = 0; c < k; c++)
		for (size_t f = 0; f < nf; f++)
			wt[f * k + c] = theta[c * nf + f];
	for (size_t c = 0; gb && c < k; c++)
		gb[c] = 0;
	for (size_t i = 0; i < x->rows; i++) {
		const float *xi = x->v + i * nf;
		size_t yi = (size_t)p->y[i];
		double s = p->row_weight ? p->row_weight[i] : 1, max = -INFINITY, sum = 0, zy;

		for (size_t c = 0; c < k; c++)
			z[c] = b ? b[c] : 0;
		for (size_t f = 0; f < nf; f++) {
			const double *wf = wt + f * k;
			double v = xi[f];
			if (v == 0)
				continue;
			for (size_t c = 0; c < k; c++)
				z[c] += wf[c] * v;
		}
		for (size_t c = 0; c < k; c++)
			if (z[c] > max)
				max = z[c];
		zy = z[yi];
		for (size_t c = 0; c < k; c++)
			sum += z[c] = exp(z[c] - max);
		loss += s * (max + log(sum) - zy);
		/* The gradient of C s_i times row i's loss in z_ic: softmax minus
		 * one-hot. */
		for (size_t c = 0; c < k; c++)
			z[c] = p->C * s * (z[c] / sum - (c == yi));
		for (size_t f = 0; f < nf; f++) {
			double *gf = gt + f * k, v = xi[f];
			if (v == 0)
				continue;
			for (size_t c = 0; c < k; c++)
				gf[c] += z[c] * v;
		}
		for (size_t c = 0; gb && c < k; c++)
			gb[c] += z[c];
	}
	for (size_t c = 0; c < k; c++)
		for (size_t f = 0; f < nf; f++) {
			double w = theta[c * nf + f];
			penalty += w * w;
			grad[c * nf + f] = w + gt[f * k + c];
		}
	free(wt);
	free(gt);
	free(z);
	return 0.5 * penalty + p->C * loss;
}

static double max_abs(const double *v, int n)
{
	double m = 0;

	for (int j = 0; j < n; j++)
		if (fabs(v[j]) > m)
			m = fabs(v[j]);
	return m;
}

struct search {
	const struct cairn__softmax_problem *p;
	const struct cairn__softmax_options *o;
	double wsum;          /* sum of the row weights */
	int iterations;
	int converged;
	int stopped;          /* on_iteration asked to stop */
};

static lbfgsfloatval_t evaluate(void *instance, const lbfgsfloatval_t *x, lbfgsfloatval_t *g,
				const int n, const lbfgsfloatval_t step)
{
	const struct search *s = instance;

	return cairn__softmax_eval(s->p, x, g);
}

/* Reports the iteration, then applies our own convergence test (liblbfgs's
 * compares |g| with |x|, which depends on the number of rows): returns
 * non-zero to end the search. */
static int progress(void *instance, const lbfgsfloatval_t *x, const lbfgsfloatval_t *g,
		    const lbfgsfloatval_t fx, const lbfgsfloatval_t xnorm,
		    const lbfgsfloatval_t gnorm, const lbfgsfloatval_t step, int n, int k, int ls)
{
	struct search *s = instance;
	size_t nw = (size_t)s->p->k * s->p->x->cols;
	double penalty = 0;

	s->iterations = k;
	if (s->o->on_iteration) {
		for (size_t j = 0; j < nw; j++)
			penalty += x[j] * x[j];
		if (s->o->on_iteration(s->o->arg, k - 1, "train-logloss",
				       (fx - 0.5 * penalty) / (s->o->C * s->wsum))) {
			s->stopped = 1;
			return 1;
		}
	}
	if (max_abs(g, n) <= s->o->tol * s->o->C * s->wsum) {
		s->converged = 1;
		return 1;
	}
	return 0;
}

/* The search's own answers: a line search that finds no lower point is the
 * end of the road (a warning), not a failure. */
static int is_error(int rc)
{
	return rc == LBFGSERR_OUTOFMEMORY || rc == LBFGSERR_UNKNOWNERROR ||
	       rc == LBFGSERR_LOGICERROR || rc == LBFGSERR_CANCELED ||
	       (rc >= LBFGSERR_INVALID_N && rc <= LBFGSERR_INVALID_ORTHANTWISE_END);
}

static const char *lbfgs_error(int rc)
{
	if (rc == LBFGSERR_OUTOFMEMORY)
		return "out of memory";
	if (rc == LBFGSERR_ROUNDING_ERROR)
		return "rounding errors prevent further progress";
	if (rc == LBFGSERR_INCREASEGRADIENT)
		return "the search direction does not descend";
	if (is_error(rc))
		return "invalid parameters or internal error";
	return "the line search found no lower point";
}

/* Class c's coefficient of feature f of liblinear's layout: its weight, or
 * for f == features its intercept over bias. */
static double coef(const struct cairn__softmax_problem *p, const double *theta, double bias,
		   size_t c, size_t f)
{
	size_t nf = p->x->cols;

	return f < nf ? theta[c * nf + f] : theta[(size_t)p->k * nf + c] / bias;
}

static void to_liblinear(const struct cairn__softmax_problem *p, const double *theta,
			 double bias, struct cairn__softmax_model *m)
{
	size_t k = (size_t)p->k, rows = p->x->cols + (p->intercept ? 1 : 0);

	m->nr_w = k == 2 ? 1 : (int)k;
	m->w = cairn_xcalloc(rows * (size_t)m->nr_w, sizeof(*m->w));
	for (size_t f = 0; f < rows; f++) {
		if (k == 2) {
			m->w[f] = coef(p, theta, bias, 0, f) - coef(p, theta, bias, 1, f);
			continue;
		}
		for (size_t c = 0; c < k; c++)
			m->w[f * k + c] = coef(p, theta, bias, c, f);
	}
}

int cairn__softmax_fit(cairn_ctx *ctx, const struct cairn_train_data *d,
		       const struct cairn__softmax_options *o, struct cairn__softmax_model *out)
{
	const struct cairn_matrix *x = d->x;
	struct cairn__softmax_problem p = { 0 };
	struct search s = { 0 };
	lbfgs_parameter_t param;
	lbfgsfloatval_t *theta = NULL;
	int *index = cairn_xcalloc((size_t)d->nclasses, sizeof(*index));
	int *y = cairn_xcalloc(x->rows ? x->rows : 1, sizeof(*y));
	double *rw = cairn_xcalloc(x->rows ? x->rows : 1, sizeof(*rw));
	size_t n;
	int rc = 0, status;

	memset(out, 0, sizeof(*out));
	/* The classes with rows, ascending, as 0..k-1. */
	for (size_t i = 0; i < x->rows; i++)
		index[(int)d->y[i]] = 1;
	out->label = cairn_xcalloc((size_t)d->nclasses, sizeof(*out->label));
	for (int c = 0; c < d->nclasses; c++)
		if (index[c]) {
			out->label[out->nr_class] = c;
			index[c] = out->nr_class++;
		}
	for (size_t i = 0; i < x->rows; i++) {
		int c = (int)d->y[i];
		y[i] = index[c];
		rw[i] = o->class_weight ? o->class_weight[c] : 1;
		s.wsum += rw[i];
	}
	p.x = x;
	p.y = y;
	p.row_weight = rw;
	p.k = out->nr_class;
	p.C = o->C;
	p.intercept = o->bias > 0;
	n = cairn__softmax_nvars(&p);
	if (n > INT_MAX) {
		rc = cairn_error(ctx, CAIRN_EINVAL, "cannot fit a multinomial model of %zu weights",
				 n);
		goto out;
	}
	if (!(theta = lbfgs_malloc((int)n))) {
		rc = cairn_error(ctx, CAIRN_ENOMEM, "cannot allocate %zu weights", n);
		goto out;
	}
	memset(theta, 0, n * sizeof(*theta));
	s.p = &p;
	s.o = o;
	lbfgs_parameter_init(&param);
	param.m = LBFGS_MEMORY;
	param.epsilon = 0;          /* progress() decides */
	param.max_iterations = o->max_iter;
	status = lbfgs((int)n, theta, NULL, evaluate, progress, &s, &param);
	if (is_error(status)) {
		rc = cairn_error(ctx, status == LBFGSERR_OUTOFMEMORY ? CAIRN_ENOMEM : CAIRN_EINTERNAL,
				 "cannot fit the multinomial model: liblbfgs failed (%d: %s)", status,
				 lbfgs_error(status));
		goto out;
	}
	/* liblbfgs's own test (epsilon 0) passes on a zero gradient only: at
	 * the start with a single class, or at an exact minimum. */
	if (status == LBFGS_ALREADY_MINIMIZED || status == LBFGS_SUCCESS)
		s.converged = 1;
	if (!s.converged && !s.stopped && status == LBFGSERR_MAXIMUMITERATION)
		cairn__log_warn(ctx, "multinomial logistic did not converge in %d iterations (max_iter): "
			       "the model is the last iterate", s.iterations);
	else if (!s.converged && !s.stopped)
		cairn__log_warn(ctx, "multinomial logistic did not converge: L-BFGS stopped at "
			       "iteration %d: %s", s.iterations, lbfgs_error(status));
	to_liblinear(&p, theta, o->bias, out);
	out->iterations = s.iterations;
	out->converged = s.converged;
out:
	if (rc)
		cairn__softmax_model_release(out);
	lbfgs_free(theta);
	free(index);
	free(y);
	free(rw);
	return rc;
}

void cairn__softmax_model_release(struct cairn__softmax_model *m)
{
	free(m->label);
	free(m->w);
	memset(m, 0, sizeof(*m));
}
