/* Federated averaging of logistic and linear over forked sites: the
 * parent's side, which starts the sites, agrees the preprocessing from their
 * statistics, averages their weights round by round and merges their
 * metrics; see ml/federated.h. The sites' side is ml/fed-site.c. */
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "cairn/buf.h"
#include "cairn/error.h"
#include "cairn/workspace.h"
#include "core/cancel.h"
#include "core/json.h"
#include "ml/fed-internal.h"
#include "ml/federated.h"
#include "ml/metrics-internal.h"
#include "ml/msg-pipe.h"

/* One-hot above this many categories: ordinal (as preprocessing does). */
#define MAX_ONEHOT 100

struct site {
	pid_t pid;                    /* 0: not started, or reaped */
	int to, from;                 /* pipe ends: parent -> site, site -> parent; -1: none */
	const char *ref;
};

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int cmp_num(const void *a, const void *b)
{
	double x = strtod(*(const char *const *)a, NULL), y = strtod(*(const char *const *)b, NULL);
	return x < y ? -1 : x > y;
}

/* The sorted keys of object o (an array of borrowed strings; free it). */
static const char **sorted_keys(const json_t *o, int numeric, size_t *n)
{
	const char **k = cairn_xcalloc(json_object_size(o) + 1, sizeof(*k)), *key;
	json_t *v;

	*n = 0;
	json_object_foreach((json_t *)o, key, v)
		k[(*n)++] = key;
	qsort(k, *n, sizeof(*k), numeric ? cmp_num : cmp_str);
	return k;
}

static json_t *strings(const char *const *v, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

/* The preprocessing spec agreed from the sites' statistics. */
static int compose_spec(cairn_ctx *ctx, const struct cairn__fed_options *o, json_t **stats,
			json_t **out)
{
	json_t *first = json_object_get(stats[0], "columns"), *cols = json_array();
	json_t *features = json_array(), *classes = json_object(), *target, *c;
	const char *ttype = json_string_value(json_object_get(json_object_get(stats[0], "target"),
							      "type"));
	int regression = o->algo->tasks & CAIRN_TASK_BIT(CAIRN_TASK_REGRESSION), rc = 0;
	size_t i, n;

	*out = NULL;
	/* One schema: the same columns, in the same order, of the same types. */
	for (size_t s = 1; s < o->nshards && !rc; s++) {
		json_t *other = json_object_get(stats[s], "columns");
		const char *tt = json_string_value(json_object_get(json_object_get(stats[s], "target"),
								   "type"));
		if (strcmp(tt, ttype)) {
			rc = cairn_error(ctx, CAIRN_EINVAL, "shard '%s' has a different schema from "
					 "shard '%s': target '%s' is %s, not %s", o->shards[s],
					 o->shards[0], o->target, tt, ttype);
			break;
		}
		for (i = 0; i < json_array_size(first) || i < json_array_size(other); i++) {
			json_t *a = json_array_get(first, i), *b = json_array_get(other, i);
			const char *an = a ? json_string_value(json_object_get(a, "name")) : "(none)";
			const char *bn = b ? json_string_value(json_object_get(b, "name")) : "(none)";
			const char *at = a ? json_string_value(json_object_get(a, "type")) : "-";
			const char *bt = b ? json_string_value(json_object_get(b, "type")) : "-";
			if (strcmp(an, bn) || strcmp(at, bt)) {
				rc = cairn_error(ctx, CAIRN_EINVAL, "shard '%s' has a different schema "
						 "from shard '%s': its column %zu is '%s' (%s), not "
						 "'%s' (%s)", o->shards[s], o->shards[0], i + 1, bn,
						 bt, an, at);
				break;
			}
		}
	}
	if (rc)
		goto out;
	if (!json_array_size(first)) {
		rc = cairn_error(ctx, CAIRN_EINVAL, "shard '%s' has no feature columns besides the "
				 "target", o->shards[0]);
		goto out;
	}
	target = json_pack("{s:s, s:s}", "name", o->target, "type", ttype);
	if (regression) {
		if (!strcmp(ttype, "string")) {
			json_decref(target);
			rc = cairn_error(ctx, CAIRN_EINVAL, "target column '%s' holds text: "
					 "regression needs numbers", o->target);
			goto out;
		}
	} else {
		const char **k;
		for (size_t s = 0; s < o->nshards; s++)
			json_object_update(classes, json_object_get(json_object_get(stats[s], "target"),
								    "classes"));
		k = sorted_keys(classes, strcmp(ttype, "string"), &n);
		json_object_set_new(target, "classes", strings(k, n));
		free(k);
		if (n < 2 || n > CAIRN__FED_MAX_CLASSES) {
			json_decref(target);
			rc = cairn_error(ctx, CAIRN_EINVAL, "target column '%s' has %zu classes over "
					 "the shards (2 to %d supported)", o->target, n,
					 CAIRN__FED_MAX_CLASSES);
			goto out;
		}
	}
	json_array_foreach(first, i, c) {
		const char *name = json_string_value(json_object_get(c, "name"));
		json_t *col = json_pack("{s:s, s:O}", "name", name, "type", json_object_get(c, "type"));
		if (json_object_get(c, "categories")) {
			json_t *cats = json_object(), *v;
			const char **k, *key, *mode = "";
			json_int_t best = 0;
			for (size_t s = 0; s < o->nshards; s++) {
				json_t *sc = json_object_get(json_array_get(json_object_get(stats[s],
											  "columns"), i),
							     "categories");
				json_object_foreach(sc, key, v) {
					json_int_t had = json_integer_value(json_object_get(cats, key));
					json_object_set_new(cats, key,
							    json_integer(had + json_integer_value(v)));
				}
			}
			k = sorted_keys(cats, 0, &n);
			for (size_t j = 0; j < n; j++)
				if (json_integer_value(json_object_get(cats, k[j])) > best) {
					best = json_integer_value(json_object_get(cats, k[j]));
					mode = k[j];
				}
			json_object_set_new(col, "encoding", json_string(n <= MAX_ONEHOT ? "onehot" :
									  "ordinal"));
			json_object_set_new(col, "categories", strings(k, n));
			json_object_set_new(col, "impute", json_string(mode));
			for (size_t j = 0; n <= MAX_ONEHOT && j < n; j++) {
				cairn_buf f = CAIRN_BUF_INIT;
				cairn_buf_addf(&f, "%s=%s", name, k[j]);
				json_array_append_new(features, json_string(f.buf));
				cairn_buf_release(&f);
			}
			if (n > MAX_ONEHOT)
				json_array_append_new(features, json_string(name));
			free(k);
			json_decref(cats);
		} else {
			double count = 0, sum = 0, sq = 0, mean, var;
			for (size_t s = 0; s < o->nshards; s++) {
				json_t *sc = json_array_get(json_object_get(stats[s], "columns"), i);
				count += (double)json_integer_value(json_object_get(sc, "count"));
				sum += json_number_value(json_object_get(sc, "sum"));
				sq += json_number_value(json_object_get(sc, "sumsq"));
			}
			mean = count > 0 ? sum / count : 0;
			var = count > 0 ? sq / count - mean * mean : 0;
			json_object_set_new(col, "encoding", json_string("numeric"));
			json_object_set_new(col, "impute", json_real(mean));
			json_object_set_new(col, "mean", json_real(mean));
			json_object_set_new(col, "std", json_real(var > 1e-12 * (mean * mean + 1) ?
								    sqrt(var) : 1));
			json_array_append_new(features, json_string(name));
		}
		json_array_append_new(cols, col);
	}
	*out = json_pack("{s:i, s:s, s:b, s:b, s:o, s:O, s:O}", "version", 1, "task",
			 regression ? "regression" : "classification", "scale", 1, "keep_missing", 0,
			 "target", target, "columns", cols, "features", features);
out:
	json_decref(cols);
	json_decref(features);
	json_decref(classes);
	return rc;
}

/* The error of site s, which broke off the protocol while doing what: with
 * how it ended when it has (it is reaped then). */
static int site_lost(cairn_ctx *ctx, struct site *s, const char *what)
{
	cairn_buf how = CAIRN_BUF_INIT;
	int status, rc;
	pid_t got = 0;

	/* A closed pipe means the site is ending: give it a second. */
	for (int i = 0; i < 100 && !got; i++) {
		struct timespec tick = { 0, 10 * 1000 * 1000 };
		got = s->pid > 0 ? waitpid(s->pid, &status, WNOHANG) : -1;
		if (got < 0 && errno == EINTR)
			got = 0;
		if (!got)
			nanosleep(&tick, NULL);
	}
	if (got > 0) {
		char name[16];

		s->pid = 0;
		if (WIFSIGNALED(status))
			cairn_buf_addf(&how, ": killed by signal %d (%s)", WTERMSIG(status),
				       cairn__signal_name(WTERMSIG(status), name));
		else if (WIFEXITED(status))
			cairn_buf_addf(&how, ": it exited with status %d", WEXITSTATUS(status));
	}
	rc = cairn_error(ctx, CAIRN_EIO, "the site of shard '%s' stopped %s%s", s->ref, what,
			 how.buf);
	cairn_buf_release(&how);
	return rc;
}

/* A site's JSON answer into *out, or its error; what says when. */
static int recv_answer(cairn_ctx *ctx, struct site *s, const char *what, json_t **out)
{
	char *text = NULL;
	json_t *v;
	int rc = 0;

	*out = NULL;
	if (cairn__pipe_recv_msg(s->from, &text, NULL) || !(v = json_loads(text, 0, NULL))) {
		free(text);
		return site_lost(ctx, s, what);
	}
	free(text);
	if (json_object_get(v, "error")) {
		json_int_t code = json_integer_value(json_object_get(v, "code"));
		rc = cairn_error(ctx, code > 0 ? (int)code : CAIRN_EIO, "%s",
				 json_string_value(json_object_get(v, "error")));
		json_decref(v);
		return rc;
	}
	*out = v;
	return 0;
}

static int start_sites(cairn_ctx *ctx, const struct cairn__fed_options *o, struct site *s)
{
	for (size_t i = 0; i < o->nshards; i++) {
		int down[2], up[2];
		s[i].ref = o->shards[i];
		if (pipe(down))
			return cairn_error_errno(ctx, "cannot create a pipe");
		if (pipe(up)) {
			close(down[0]);
			close(down[1]);
			return cairn_error_errno(ctx, "cannot create a pipe");
		}
		fflush(stdout);
		fflush(stderr);
		if ((s[i].pid = fork()) < 0) {
			close(down[0]);
			close(down[1]);
			close(up[0]);
			close(up[1]);
			return cairn_error_errno(ctx, "cannot start the site of shard '%s'", o->shards[i]);
		}
		if (!s[i].pid) {
			for (size_t j = 0; j < i; j++) {
				close(s[j].to);
				close(s[j].from);
			}
			close(down[1]);
			close(up[0]);
			cairn__fed_site_main(ctx, o, i, down[0], up[1]);
		}
		close(down[0]);
		close(up[1]);
		s[i].to = down[1];
		s[i].from = up[0];
	}
	return 0;
}

static void stop_sites(struct site *s, size_t n, int failed)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i].to >= 0)
			close(s[i].to);
		if (s[i].from >= 0)
			close(s[i].from);
		if (s[i].pid > 0) {
			if (failed)
				kill(s[i].pid, SIGTERM);
			while (waitpid(s[i].pid, NULL, 0) < 0 && errno == EINTR)
				;
		}
	}
}

static void fed_result_release(struct cairn__fed_result *res)
{
	cairn_prep_free(res->prep);
	if (res->model)
		res->algo->free(res->model);
	json_decref(res->inputs);
	json_decref(res->metrics);
	memset(res, 0, sizeof(*res));
}

/* Sends [epochs, rows, w] to every site and averages their answers into w
 * (epochs 0: w stays); the mean loss at w in *loss. what says when, for
 * errors. */
static int round_trip(cairn_ctx *ctx, const struct cairn__fed_options *o, struct site *s,
		      const char *what, int epochs, double rows, double lr, double *w, double *sum,
		      size_t len, double *loss)
{
	double head[3] = { epochs, rows, lr }, total = 0;
	double *local = cairn_xmalloc(len * sizeof(*local));
	int rc = 0;

	for (size_t i = 0; i < o->nshards && !rc; i++)
		if (cairn__pipe_write_all(s[i].to, head, sizeof(head)) ||
		    cairn__pipe_write_all(s[i].to, w, len * sizeof(*w)))
			rc = site_lost(ctx, &s[i], what);
	memset(sum, 0, len * sizeof(*sum));
	*loss = 0;
	for (size_t i = 0; i < o->nshards && !rc; i++) {
		double back[2];
		if (cairn__pipe_read_all(s[i].from, back, sizeof(back)) ||
		    cairn__pipe_read_all(s[i].from, local, len * sizeof(*local))) {
			rc = site_lost(ctx, &s[i], what);
			break;
		}
		/* FedAvg: weighted by the site's rows. */
		for (size_t k = 0; k < len; k++)
			sum[k] += back[0] * local[k];
		total += back[0];
		*loss += back[1];
	}
	if (!rc && epochs)
		for (size_t k = 0; k < len; k++)
			w[k] = sum[k] / total;
	if (!rc)
		*loss /= total;
	free(local);
	return rc;
}

/* The training metrics of the final model w: every site sends the sums of
 * its predictions (site_metrics in ml/fed-site.c), merged here in shard
 * order. */
static int train_metrics(cairn_ctx *ctx, const struct cairn__fed_options *o, struct site *s,
			 const cairn_prep *prep, const double *w, size_t len, json_t **out)
{
	static const char what[] = "while computing the training metrics";
	int regression = o->algo->tasks & CAIRN_TASK_BIT(CAIRN_TASK_REGRESSION), rc = 0;
	int k = regression ? 0 : cairn_prep_nclasses(prep);
	struct cairn__class_sums cs = { 0 }, one = { 0 };
	struct cairn__reg_sums rs = { 0 }, ro;
	double head[3] = { -1, 0, 0 };
	const char **names = NULL;
	json_t *ok;

	*out = NULL;
	if (!regression) {
		cairn__class_sums_init(&cs, k, CAIRN__SCORE_BINS);
		cairn__class_sums_init(&one, k, CAIRN__SCORE_BINS);
	}
	for (size_t i = 0; i < o->nshards && !rc; i++)
		if (cairn__pipe_write_all(s[i].to, head, sizeof(head)) ||
		    cairn__pipe_write_all(s[i].to, w, len * sizeof(*w)))
			rc = site_lost(ctx, &s[i], what);
	for (size_t i = 0; i < o->nshards && !rc; i++) {
		char *msg = NULL;
		size_t n = 0, want = regression ? sizeof(ro) : one.len * sizeof(*one.v);
		if ((rc = recv_answer(ctx, &s[i], what, &ok)))
			break;
		json_decref(ok);
		if (cairn__pipe_recv_msg(s[i].from, &msg, &n) || n != want) {
			free(msg);
			rc = site_lost(ctx, &s[i], what);
			break;
		}
		if (regression) {
			memcpy(&ro, msg, sizeof(ro));
			cairn__reg_sums_merge(&rs, &ro);
		} else {
			memcpy(one.v, msg, n);
			cairn__class_sums_merge(&cs, &one);
		}
		free(msg);
	}
	if (rc)
		goto out;
	if (regression) {
		*out = cairn__reg_sums_metrics(&rs);
	} else {
		names = cairn_xcalloc((size_t)k, sizeof(*names));
		for (int c = 0; c < k; c++)
			names[c] = cairn_prep_class(prep, c);
		*out = cairn__class_sums_metrics(&cs, names);
	}
out:
	free(names);
	cairn__class_sums_release(&cs);
	cairn__class_sums_release(&one);
	return rc;
}

/* The setup every site gets: {"prep": the spec, "C", "multinomial", and
 * with class_weight=balanced "class_weight": [per class, rows / (classes x
 * the class's rows), from the counts of all the sites]}. */
static json_t *site_setup(const struct cairn__fed_options *o, json_t **stats, json_t *spec,
			  const cairn_prep *prep, double rows, double C, int multinomial)
{
	json_t *setup = json_pack("{s:O, s:f, s:b}", "prep", spec, "C", C, "multinomial",
				  multinomial), *cw;
	int k = cairn_prep_nclasses(prep);

	if (!o->balanced || !k)
		return setup;
	cw = json_array();
	for (int c = 0; c < k; c++) {
		double count = 0;
		for (size_t i = 0; i < o->nshards; i++)
			count += (double)json_integer_value(json_object_get(json_object_get(json_object_get(
					stats[i], "target"), "classes"), cairn_prep_class(prep, c)));
		/* Every class has rows: the classes come from them. */
		json_array_append_new(cw, json_real(count > 0 ? rows / ((double)k * count) : 1));
	}
	json_object_set_new(setup, "class_weight", cw);
	return setup;
}

/* The largest class weight of a setup (1 without). */
static double max_weight(const json_t *setup)
{
	double max = 1;
	size_t i;
	json_t *v;

	json_array_foreach(json_object_get(setup, "class_weight"), i, v)
		if (!i || json_number_value(v) > max)
			max = json_number_value(v);
	return max;
}

int cairn__federated_train(cairn_ctx *ctx, const struct cairn__fed_options *o,
			   struct cairn__fed_result *res)
{
	struct site *s = cairn_xcalloc(o->nshards, sizeof(*s));
	json_t **stats = cairn_xcalloc(o->nshards, sizeof(*stats)), *spec = NULL, *setup = NULL, *ok;
	int regression = o->algo->tasks & CAIRN_TASK_BIT(CAIRN_TASK_REGRESSION), rc, nclasses = 0;
	int multinomial = 0;
	double *w = NULL, *sum = NULL, rows = 0, loss = 0, lr, C = o->C, curvature;
	size_t nf = 0, nw = 1, len = 0;
	cairn_buf what = CAIRN_BUF_INIT;

	memset(res, 0, sizeof(*res));
	res->algo = o->algo;
	for (size_t i = 0; i < o->nshards; i++)
		s[i].to = s[i].from = -1;
	if ((rc = start_sites(ctx, o, s)))
		goto out;
	for (size_t i = 0; i < o->nshards && !rc; i++)
		if (!(rc = recv_answer(ctx, &s[i], "before sending its summary statistics", &stats[i])))
			rows += (double)json_integer_value(json_object_get(stats[i], "rows"));
	if (rc)
		goto out;
	for (size_t i = 0; i < o->nshards; i++)
		if (json_integer_value(json_object_get(stats[i], "nulls"))) {
			rc = cairn_error(ctx, CAIRN_EPARSE, "target column '%s' of shard '%s' is empty "
					 "in %lld rows", o->target, o->shards[i],
					 (long long)json_integer_value(json_object_get(stats[i], "nulls")));
			goto out;
		}
	if ((rc = compose_spec(ctx, o, stats, &spec)) ||
	    (rc = cairn_prep_from_json(ctx, spec, &res->prep)))
		goto out;
	nclasses = regression ? 0 : cairn_prep_nclasses(res->prep);
	multinomial = o->multi_class && (!strcmp(o->multi_class, "multinomial") ||
					 (!strcmp(o->multi_class, "auto") && nclasses > 2));
	/* Two classes: softmax's optimum has w_1 = -w_0, so it is the binary
	 * logistic model of w_0 - w_1 whose penalty is half as much. */
	if (multinomial && nclasses == 2)
		C *= 2;
	setup = site_setup(o, stats, spec, res->prep, rows, C, multinomial);
	for (size_t i = 0; i < o->nshards && !rc; i++)
		if (cairn__pipe_send_json(s[i].to, setup))
			rc = site_lost(ctx, &s[i], "before taking the preprocessing");
	for (size_t i = 0; i < o->nshards && !rc; i++)
		if (!(rc = recv_answer(ctx, &s[i], "while applying the preprocessing", &ok)))
			json_decref(ok);
	if (rc)
		goto out;
	nf = cairn_prep_nfeatures(res->prep);
	nw = nclasses > 2 ? (size_t)nclasses : 1;
	len = (nf + (o->bias > 0)) * nw;
	w = cairn_xcalloc(len, sizeof(*w));
	sum = cairn_xcalloc(len, sizeof(*sum));
	/* Standardized features have variance at most 1 (one-hot ones 1/4): the
	 * mean loss's curvature is at most 1/4 (logistic), 1/2 (softmax) or 2
	 * (squared) times the features' plus the intercept's square, times the
	 * largest class weight. */
	curvature = (regression ? 2 : multinomial && nw > 1 ? 0.5 : 0.25) * max_weight(setup);
	lr = o->learning_rate > 0 ? o->learning_rate :
	     1 / (curvature * ((double)nf + (o->bias > 0 ? o->bias * o->bias : 0)));
	/* linear starts from the mean target: the intercept needs no walk. */
	if (regression && o->bias > 0) {
		double ysum = 0;
		for (size_t i = 0; i < o->nshards; i++)
			ysum += json_number_value(json_object_get(stats[i], "target_sum"));
		w[nf] = ysum / rows / o->bias;
	}
	for (int r = 0; r <= o->rounds && !rc; r++) {
		cairn_buf_reset(&what);
		if (r < o->rounds)
			cairn_buf_addf(&what, "in round %d of %d", r + 1, o->rounds);
		else
			cairn_buf_adds(&what, "while computing the final loss");
		if (cairn_ctx_cancelled(ctx)) {
			rc = cairn__interrupted(ctx);
			break;
		}
		if ((rc = round_trip(ctx, o, s, what.buf, r < o->rounds ? o->local_epochs : 0, rows,
				     lr, w, sum, len, &loss)))
			break;
		for (size_t k = 0; k < len && !rc; k++)
			if (!isfinite(w[k]))
				rc = cairn_error(ctx, CAIRN_EINVAL, "federated training diverged in "
						 "round %d of %d: the weights are no longer finite "
						 "(learning_rate %g is too large)", r + 1, o->rounds,
						 lr);
		if (!rc && o->on_loss)
			o->on_loss(o->arg, r, "federated_loss", loss);
	}
	if (rc || (rc = cairn__fed_make_model(ctx, o, regression, nclasses, multinomial, nf,
					      (int)nw, w, &res->model)) ||
	    (rc = train_metrics(ctx, o, s, res->prep, w, len, &res->metrics)))
		goto out;
	res->inputs = json_array();
	for (size_t i = 0; i < o->nshards; i++)
		json_array_append_new(res->inputs, json_pack("{s:O, s:O, s:O}", "dataset",
					json_object_get(stats[i], "dataset"), "version_id",
					json_object_get(stats[i], "version_id"), "hash",
					json_object_get(stats[i], "hash")));
	res->loss = loss;
	res->rows = (size_t)rows;
out:
	stop_sites(s, o->nshards, rc);
	for (size_t i = 0; i < o->nshards; i++)
		json_decref(stats[i]);
	free(stats);
	free(s);
	free(w);
	free(sum);
	json_decref(spec);
	json_decref(setup);
	cairn_buf_release(&what);
	if (rc)
		fed_result_release(res);
	return rc;
}
