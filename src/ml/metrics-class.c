/* Classification metrics: the confusion matrix and what derives from it,
 * ROC AUC, average precision, log loss and the curves of one class against
 * the rest, through sums that merge over sets of rows; see
 * include/cairn/evaluate.h and ml/metrics-internal.h. */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cairn/buf.h"
#include "core/utf8.h"
#include "ml/metrics-internal.h"

/* scikit-learn's log_loss clips to float64's epsilon since 1.2. */
#define LOGLOSS_EPS DBL_EPSILON

/* names[c], or c written into tmp[CAIRN__CLASS_NAME_MAX] without names. */
static const char *class_name(const char *const *names, int c, char *tmp)
{
	if (names)
		return names[c];
	snprintf(tmp, CAIRN__CLASS_NAME_MAX, "%d", c);
	return tmp;
}

const char *cairn__eval_class_name(const struct cairn_eval_data *d, int c, char *tmp)
{
	return class_name(d->class_names, c, tmp);
}

int cairn__eval_argmax(const struct cairn_eval_data *d, size_t i)
{
	const double *p = d->pred + i * (size_t)d->nclasses;
	int best = 0;

	for (int c = 1; c < d->nclasses; c++)
		if (p[c] > p[best])
			best = c;
	return best;
}

int cairn__eval_check_classes(cairn_ctx *ctx, const struct cairn_eval_data *d)
{
	int k = d->nclasses;

	if (k < 2)
		return cairn_error(ctx, CAIRN_EINVAL,
				   "cannot evaluate a classification of %d classes: at least 2 needed",
				   k);
	if (!d->y || !d->pred)
		return cairn_error(ctx, CAIRN_EINVAL,
				   "cannot evaluate a classification without targets and probabilities");
	if (!d->n)
		return cairn_error(ctx, CAIRN_EINVAL, "cannot evaluate a classification of no rows");
	for (size_t i = 0; i < d->n; i++) {
		double y = d->y[i];
		if (!(y >= 0 && y < k && y == floor(y)))
			return cairn_error(ctx, CAIRN_EINVAL,
					   "cannot evaluate row %zu: class index %g is not one of 0 .. %d",
					   i + 1, y, k - 1);
		for (int c = 0; c < k; c++)
			if (!isfinite(d->pred[i * (size_t)k + c]))
				return cairn_error(ctx, CAIRN_EINVAL,
						   "cannot evaluate row %zu: the probability of class %d"
						   " is not a number", i + 1, c);
	}
	if (d->class_names)
		for (int c = 0; c < k; c++) {
			size_t bad;
			if (!d->class_names[c])
				return cairn_error(ctx, CAIRN_EINVAL,
						   "cannot evaluate: class %d has no name", c);
			if (!cairn_utf8_valid(d->class_names[c], strlen(d->class_names[c]), &bad))
				return cairn_error(ctx, CAIRN_EINVAL,
						   "cannot evaluate: the name of class %d is not valid"
						   " UTF-8 (byte %zu)", c, bad + 1);
			for (int e = 0; e < c; e++)
				if (!strcmp(d->class_names[c], d->class_names[e]))
					return cairn_error(ctx, CAIRN_EINVAL,
							   "cannot evaluate: two classes are named '%s'",
							   d->class_names[c]);
		}
	return 0;
}

/* --- one class against the rest --- */

struct scored {
	uint64_t key; /* the score, ordered as unsigned integers, highest first */
	uint64_t pos;
};

/* A key whose unsigned order is the decreasing order of the finite score v
 * (IEEE 754 bits with the sign flipped, or all bits for negatives; -0 as
 * 0, so that they tie). */
static uint64_t score_key(double v)
{
	uint64_t b;

	if (v == 0)
		v = 0;
	memcpy(&b, &v, sizeof(b));
	b = b >> 63 ? ~b : b | (uint64_t)1 << 63;
	return ~b;
}

/* Sorts s[0..n) by key, least significant byte first, with tmp[0..n) as
 * room (the result may end up in either: returned); a pass whose byte is
 * the same for all rows is skipped. Linear, where a comparison sort of a
 * million rows per class would dominate an evaluation. */
static struct scored *radix_sort(struct scored *s, struct scored *tmp, size_t n)
{
	size_t (*count)[256] = cairn_xcalloc(8, sizeof(*count));

	for (size_t i = 0; i < n; i++)
		for (int b = 0; b < 8; b++)
			count[b][(s[i].key >> (8 * b)) & 0xff]++;
	for (int b = 0; b < 8; b++) {
		size_t at = 0;
		struct scored *t;
		if (!n || count[b][(s[0].key >> (8 * b)) & 0xff] == n)
			continue;
		for (int v = 0; v < 256; v++) {
			size_t c = count[b][v];
			count[b][v] = at;
			at += c;
		}
		for (size_t i = 0; i < n; i++)
			tmp[count[b][(s[i].key >> (8 * b)) & 0xff]++] = s[i];
		t = s;
		s = tmp;
		tmp = t;
	}
	free(count);
	return s;
}

/* The cumulative true and false positives at each distinct threshold, from
 * the highest score down; P and N are the positive and negative rows. */
struct ranking {
	size_t ng;
	double *tp, *fp;
	double P, N;
};

static void ranking_release(struct ranking *r)
{
	free(r->tp);
	free(r->fp);
	memset(r, 0, sizeof(*r));
}

static void rank_class(const struct cairn_eval_data *d, int c, struct ranking *r)
{
	size_t n = d->n, i;
	struct scored *s = cairn_xmalloc(sizeof(*s) * (n ? n : 1));
	struct scored *tmp = cairn_xmalloc(sizeof(*s) * (n ? n : 1)), *sorted;
	double tp = 0, fp = 0;

	memset(r, 0, sizeof(*r));
	for (i = 0; i < n; i++) {
		s[i].key = score_key(d->pred[i * (size_t)d->nclasses + c]);
		s[i].pos = d->y[i] == c;
	}
	/* Ties are gathered into one threshold whatever their order. */
	sorted = radix_sort(s, tmp, n);
	r->tp = cairn_xmalloc(sizeof(double) * (n ? n : 1));
	r->fp = cairn_xmalloc(sizeof(double) * (n ? n : 1));
	for (i = 0; i < n; i++) {
		if (sorted[i].pos)
			tp++;
		else
			fp++;
		if (i + 1 == n || sorted[i + 1].key != sorted[i].key) {
			r->tp[r->ng] = tp;
			r->fp[r->ng] = fp;
			r->ng++;
		}
	}
	r->P = tp;
	r->N = fp;
	free(s);
	free(tmp);
}

/* The trapezoid over the distinct thresholds: a tie between a positive and
 * a negative counts one half, as in the Mann-Whitney statistic. */
static double ranking_auc(const struct ranking *r)
{
	double area = 0, tp0 = 0, fp0 = 0;

	if (!r->P || !r->N)
		return NAN;
	for (size_t g = 0; g < r->ng; g++) {
		area += (r->fp[g] - fp0) * (r->tp[g] + tp0) / 2;
		tp0 = r->tp[g];
		fp0 = r->fp[g];
	}
	return area / (r->P * r->N);
}

/* sum over thresholds of (R_g - R_{g-1}) P_g, as average_precision_score. */
static double ranking_ap(const struct ranking *r)
{
	double ap = 0, tp0 = 0;

	if (!r->P)
		return NAN;
	for (size_t g = 0; g < r->ng; g++) {
		ap += (r->tp[g] - tp0) / r->P * (r->tp[g] / (r->tp[g] + r->fp[g]));
		tp0 = r->tp[g];
	}
	return ap;
}

/* The i-th of m indexes spread evenly over 0 .. total-1 (m >= 2). */
static size_t spread(size_t i, size_t m, size_t total)
{
	return (i * (total - 1) + (m - 1) / 2) / (m - 1);
}

static void curve_alloc(struct cairn_curve *c, size_t n)
{
	c->n = 0;
	c->x = cairn_xmalloc(sizeof(double) * (n ? n : 1));
	c->y = cairn_xmalloc(sizeof(double) * (n ? n : 1));
}

static void curve_add(struct cairn_curve *c, double x, double y)
{
	c->x[c->n] = x;
	c->y[c->n] = y;
	c->n++;
}

void cairn_curve_release(struct cairn_curve *c)
{
	if (!c)
		return;
	free(c->x);
	free(c->y);
	memset(c, 0, sizeof(*c));
}

static void roc_points(const struct ranking *r, size_t max_points, struct cairn_curve *out)
{
	size_t m = r->ng;

	if (!r->P || !r->N) {
		curve_alloc(out, 0);
		return;
	}
	/* (0, 0) and m thresholds. */
	if (max_points && m + 1 > max_points)
		m = max_points - 1;
	curve_alloc(out, m + 1);
	curve_add(out, 0, 0);
	for (size_t i = 0; i < m; i++) {
		size_t g = m == r->ng ? i : spread(i, m, r->ng);
		curve_add(out, r->fp[g] / r->N, r->tp[g] / r->P);
	}
}

static void pr_points(const struct ranking *r, size_t max_points, struct cairn_curve *out)
{
	size_t m = r->ng;
	double r0 = 0;

	if (!r->P) {
		curve_alloc(out, 0);
		return;
	}
	/* (0, 1) and two points per threshold: up or down to its precision at
	 * the previous recall, then across to its recall. */
	if (max_points && 2 * m + 1 > max_points)
		m = (max_points - 1) / 2;
	curve_alloc(out, 2 * m + 1);
	curve_add(out, 0, 1);
	for (size_t i = 0; i < m; i++) {
		size_t g = m == r->ng ? i : spread(i, m, r->ng);
		double rec = r->tp[g] / r->P, prec = r->tp[g] / (r->tp[g] + r->fp[g]);
		curve_add(out, r0, prec);
		curve_add(out, rec, prec);
		r0 = rec;
	}
}

void cairn__eval_curves(const struct cairn_eval_data *d, int c, size_t max_points,
			struct cairn_curve *roc, struct cairn_curve *pr, double *auc, double *ap)
{
	struct ranking r;

	if (max_points && max_points < 4)
		max_points = 4;
	rank_class(d, c, &r);
	if (roc)
		roc_points(&r, max_points, roc);
	if (pr)
		pr_points(&r, max_points, pr);
	if (auc)
		*auc = ranking_auc(&r);
	if (ap)
		*ap = ranking_ap(&r);
	ranking_release(&r);
}

int cairn_evaluate_curves(cairn_ctx *ctx, const struct cairn_eval_data *d, int c,
			  size_t max_points, struct cairn_curve *roc, struct cairn_curve *pr,
			  double *auc, double *ap)
{
	int rc;

	if (roc)
		memset(roc, 0, sizeof(*roc));
	if (pr)
		memset(pr, 0, sizeof(*pr));
	if (d->task != CAIRN_TASK_CLASSIFICATION)
		return cairn_error(ctx, CAIRN_EINVAL, "cannot draw the curves of a %s",
				   cairn_task_name(d->task));
	if ((rc = cairn__eval_check_classes(ctx, d)))
		return rc;
	if (c < 0 || c >= d->nclasses)
		return cairn_error(ctx, CAIRN_EINVAL, "cannot draw the curves of class %d of %d",
				   c, d->nclasses);
	cairn__eval_curves(d, c, max_points, roc, pr, auc, ap);
	return 0;
}

/* --- sums over rows --- */

void cairn__class_sums_init(struct cairn__class_sums *s, int k, size_t bins)
{
	size_t kk = (size_t)k;

	s->k = k;
	s->bins = bins;
	s->len = 2 + kk * kk + kk * bins * 2;
	s->v = cairn_xcalloc(s->len, sizeof(double));
	s->rows = s->v;
	s->loss = s->v + 1;
	s->cm = s->v + 2;
	s->hist = s->cm + kk * kk;
}

void cairn__class_sums_release(struct cairn__class_sums *s)
{
	free(s->v);
	memset(s, 0, sizeof(*s));
}

/* The histogram bin of probability p: see ml/metrics-internal.h. */
static size_t score_bin(double p, size_t bins)
{
	double z = log(p) - log1p(-p), b = floor((z + 16) * ((double)bins / 32));

	return !(b > 0) ? 0 : b >= (double)bins ? bins - 1 : (size_t)b;
}

void cairn__class_sums_add(struct cairn__class_sums *s, const struct cairn_eval_data *d)
{
	size_t k = (size_t)s->k;

	for (size_t i = 0; i < d->n; i++) {
		int t = (int)d->y[i], p = cairn__eval_argmax(d, i);
		const double *row = d->pred + i * k;
		double sum = 0;

		s->cm[(size_t)t * k + (size_t)p]++;
		for (size_t c = 0; c < k; c++)
			sum += fmin(fmax(row[c], LOGLOSS_EPS), 1 - LOGLOSS_EPS);
		*s->loss -= log(fmin(fmax(row[t], LOGLOSS_EPS), 1 - LOGLOSS_EPS) / sum);
		for (size_t c = 0; s->bins && c < k; c++)
			s->hist[(c * s->bins + score_bin(row[c], s->bins)) * 2 + (c != (size_t)t)]++;
	}
	*s->rows += (double)d->n;
}

void cairn__class_sums_merge(struct cairn__class_sums *s, const struct cairn__class_sums *other)
{
	for (size_t i = 0; i < s->len; i++)
		s->v[i] += other->v[i];
}

/* The ranking of class c from the histogram: each non-empty bin, from the
 * highest, is one threshold. */
static void rank_histogram(const struct cairn__class_sums *s, int c, struct ranking *r)
{
	const double *h = s->hist + (size_t)c * s->bins * 2;
	double tp = 0, fp = 0;

	memset(r, 0, sizeof(*r));
	r->tp = cairn_xmalloc(sizeof(double) * s->bins);
	r->fp = cairn_xmalloc(sizeof(double) * s->bins);
	for (size_t b = s->bins; b-- > 0;) {
		if (!h[2 * b] && !h[2 * b + 1])
			continue;
		tp += h[2 * b];
		fp += h[2 * b + 1];
		r->tp[r->ng] = tp;
		r->fp[r->ng] = fp;
		r->ng++;
	}
	r->P = tp;
	r->N = fp;
}

/* --- the metrics object --- */

static json_t *prf(double p, double r, double f)
{
	json_t *o = json_object();

	json_object_set_new(o, "precision", cairn__eval_real(p));
	json_object_set_new(o, "recall", cairn__eval_real(r));
	json_object_set_new(o, "f1", cairn__eval_real(f));
	return o;
}

/* A note about a class: "class 'NAME' WHAT". */
static void add_note(json_t *notes, const char *name, const char *what)
{
	cairn_buf b = CAIRN_BUF_INIT;

	cairn_buf_addf(&b, "class '%s' %s", name, what);
	json_array_append_new(notes, json_string(b.buf));
	cairn_buf_release(&b);
}

/* The metrics from the sums s, with the ranking metrics auc[c] and ap[c]
 * (NaN where undefined) of each class c. */
static json_t *class_metrics(const struct cairn__class_sums *s, const char *const *names,
			     const double *auc, const double *ap)
{
	int k = s->k;
	double n = *s->rows, correct = 0;
	double *support = NULL, *predicted = NULL, *prec = NULL, *rec = NULL, *f1 = NULL;
	double macro[3] = { 0 }, weighted[3] = { 0 }, bal = 0;
	double auc_sum = 0, auc_wsum = 0, auc_w = 0, ap_sum = 0;
	size_t nbal = 0, nauc = 0, nap = 0, present = 0;
	json_t *o, *per_class, *classes, *matrix, *notes;
	char tmp[CAIRN__CLASS_NAME_MAX];

	support = cairn_xcalloc(k, sizeof(double));
	predicted = cairn_xcalloc(k, sizeof(double));
	prec = cairn_xcalloc(k, sizeof(double));
	rec = cairn_xcalloc(k, sizeof(double));
	f1 = cairn_xcalloc(k, sizeof(double));
	for (int t = 0; t < k; t++)
		for (int p = 0; p < k; p++) {
			double v = s->cm[(size_t)t * k + p];
			support[t] += v;
			predicted[p] += v;
			if (t == p)
				correct += v;
		}

	o = json_object();
	per_class = json_object();
	classes = json_array();
	notes = json_array();
	for (int c = 0; c < k; c++) {
		double tp = s->cm[(size_t)c * k + c];
		const char *name = class_name(names, c, tmp);
		json_t *pc;

		/* 0 where undefined (zero_division=0); F1 from the rounded
		 * precision and recall, as scikit-learn computes it. */
		prec[c] = predicted[c] ? tp / predicted[c] : 0;
		rec[c] = support[c] ? tp / support[c] : 0;
		f1[c] = prec[c] + rec[c] > 0 ? 2 * prec[c] * rec[c] / (prec[c] + rec[c]) : 0;
		if (support[c] || predicted[c]) {
			present++;
			macro[0] += prec[c];
			macro[1] += rec[c];
			macro[2] += f1[c];
		}
		weighted[0] += prec[c] * support[c];
		weighted[1] += rec[c] * support[c];
		weighted[2] += f1[c] * support[c];
		if (support[c]) {
			bal += rec[c];
			nbal++;
		}

		if (!support[c])
			add_note(notes, name, "is absent from the targets: its ROC AUC and"
				 " average precision are undefined and left out of the averages");
		else if (support[c] == n && (k > 2 || c == 1))
			add_note(notes, name, "is the class of every row: ROC AUC is undefined");
		if (isfinite(auc[c])) {
			auc_sum += auc[c];
			auc_wsum += auc[c] * support[c];
			auc_w += support[c];
			nauc++;
		}
		if (isfinite(ap[c])) {
			ap_sum += ap[c];
			nap++;
		}

		pc = prf(prec[c], rec[c], f1[c]);
		json_object_set_new(pc, "support", json_integer((json_int_t)support[c]));
		json_object_set_new(pc, "roc_auc", cairn__eval_real(auc[c]));
		json_object_set_new(pc, "average_precision", cairn__eval_real(ap[c]));
		json_object_set_new(per_class, name, pc);
		json_array_append_new(classes, json_string(name));
	}

	matrix = json_array();
	for (int t = 0; t < k; t++) {
		json_t *row = json_array();
		for (int p = 0; p < k; p++)
			json_array_append_new(row, json_integer((json_int_t)s->cm[(size_t)t * k + p]));
		json_array_append_new(matrix, row);
	}

	json_object_set_new(o, "rows", json_integer((json_int_t)n));
	json_object_set_new(o, "classes", classes);
	json_object_set_new(o, "accuracy", cairn__eval_real(correct / n));
	json_object_set_new(o, "balanced_accuracy", cairn__eval_real(bal / (double)nbal));
	json_object_set_new(o, "per_class", per_class);
	json_object_set_new(o, "macro", prf(macro[0] / (double)present, macro[1] / (double)present,
					     macro[2] / (double)present));
	json_object_set_new(o, "weighted", prf(weighted[0] / n, weighted[1] / n, weighted[2] / n));
	if (k == 2) {
		json_object_set_new(o, "precision", cairn__eval_real(prec[1]));
		json_object_set_new(o, "recall", cairn__eval_real(rec[1]));
		json_object_set_new(o, "f1", cairn__eval_real(f1[1]));
		json_object_set_new(o, "roc_auc", cairn__eval_real(auc[1]));
		json_object_set_new(o, "average_precision", cairn__eval_real(ap[1]));
	} else {
		json_object_set_new(o, "roc_auc", cairn__eval_real(nauc ? auc_sum / (double)nauc : NAN));
		json_object_set_new(o, "roc_auc_weighted",
				    cairn__eval_real(auc_w > 0 ? auc_wsum / auc_w : NAN));
		json_object_set_new(o, "average_precision",
				    cairn__eval_real(nap ? ap_sum / (double)nap : NAN));
	}
	json_object_set_new(o, "log_loss", cairn__eval_real(*s->loss / n));
	json_object_set_new(o, "confusion_matrix", matrix);
	json_object_set_new(o, "notes", notes);

	free(support);
	free(predicted);
	free(prec);
	free(rec);
	free(f1);
	return o;
}

json_t *cairn__class_sums_metrics(const struct cairn__class_sums *s, const char *const *names)
{
	double *auc = cairn_xcalloc(s->k, sizeof(double)), *ap = cairn_xcalloc(s->k, sizeof(double));
	json_t *o;

	for (int c = 0; c < s->k; c++) {
		struct ranking r;
		if (!s->bins) {
			auc[c] = ap[c] = NAN;
			continue;
		}
		rank_histogram(s, c, &r);
		auc[c] = ranking_auc(&r);
		ap[c] = ranking_ap(&r);
		ranking_release(&r);
	}
	o = class_metrics(s, names, auc, ap);
	if (s->bins) {
		cairn_buf b = CAIRN_BUF_INIT;
		json_object_set_new(o, "roc_auc_approx", json_true());
		cairn_buf_addf(&b, "roc_auc and average_precision are approximate: computed from "
			       "histograms of each class's probability in %zu bins", s->bins);
		json_array_append_new(json_object_get(o, "notes"), json_string(b.buf));
		cairn_buf_release(&b);
	}
	free(auc);
	free(ap);
	return o;
}

json_t *cairn__eval_classification(const struct cairn_eval_data *d)
{
	struct cairn__class_sums s;
	double *auc = cairn_xcalloc(d->nclasses, sizeof(double));
	double *ap = cairn_xcalloc(d->nclasses, sizeof(double));
	json_t *o;

	cairn__class_sums_init(&s, d->nclasses, 0);
	cairn__class_sums_add(&s, d);
	for (int c = 0; c < d->nclasses; c++) {
		struct ranking r;
		rank_class(d, c, &r);
		auc[c] = ranking_auc(&r);
		ap[c] = ranking_ap(&r);
		ranking_release(&r);
	}
	o = class_metrics(&s, d->class_names, auc, ap);
	cairn__class_sums_release(&s);
	free(auc);
	free(ap);
	return o;
}
