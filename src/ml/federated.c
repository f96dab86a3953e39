/* Federated averaging of logistic and linear over forked sites; see
 * ml/federated.h. */
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#include "cairn/buf.h"
#include "cairn/error.h"
#include "cairn/frame.h"
#include "cairn/fs.h"
#include "cairn/json.h"
#include "cairn/log.h"
#include "cairn/workspace.h"
#include "ml/federated.h"

/* One-hot above this many categories: ordinal (as preprocessing does). */
#define MAX_ONEHOT 100
#define MAX_CLASSES 1000
#define MAX_MESSAGE ((uint64_t)1 << 30)

struct site {
	pid_t pid;
	int to, from;                 /* pipe ends: parent -> site, site -> parent */
	const char *ref;
};

/* --- pipes: messages are a 64-bit length and that many bytes ----------- */

static int write_all(int fd, const void *p, size_t n)
{
	const char *c = p;

	while (n) {
		ssize_t w = write(fd, c, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

static int read_all(int fd, void *p, size_t n)
{
	char *c = p;

	while (n) {
		ssize_t r = read(fd, c, n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		c += r;
		n -= (size_t)r;
	}
	return 0;
}

static int send_msg(int fd, const void *p, size_t n)
{
	uint64_t len = n;

	return write_all(fd, &len, sizeof(len)) || write_all(fd, p, n) ? -1 : 0;
}

/* Reads a message into a NUL-terminated allocation (*out; free it). */
static int recv_msg(int fd, char **out, size_t *n)
{
	uint64_t len;

	*out = NULL;
	if (read_all(fd, &len, sizeof(len)) || len > MAX_MESSAGE)
		return -1;
	*out = cairn_xmalloc((size_t)len + 1);
	if (read_all(fd, *out, (size_t)len)) {
		free(*out);
		*out = NULL;
		return -1;
	}
	(*out)[len] = '\0';
	if (n)
		*n = (size_t)len;
	return 0;
}

static int send_json(int fd, json_t *v)
{
	cairn_buf b = CAIRN_BUF_INIT;
	int rc;

	cairn_json_append(&b, v, 0);
	rc = send_msg(fd, b.buf, b.len);
	cairn_buf_release(&b);
	return rc;
}

/* --- the site's side ----------------------------------------------------- */

/* The summary statistics of frame f (no row): see ml/federated.h. */
static json_t *shard_stats(const struct cairn_frame *f, size_t target,
			   const struct cairn_dataset_version *v)
{
	json_t *cols = json_array(), *classes = json_object(), *s;
	const struct cairn_column *tc = &f->cols[target];
	cairn_buf cell = CAIRN_BUF_INIT, ref = CAIRN_BUF_INIT;
	double target_sum = 0;

	for (size_t c = 0; c < f->ncols; c++) {
		const struct cairn_column *col = &f->cols[c];
		json_t *o;
		if (c == target)
			continue;
		o = json_pack("{s:s, s:s}", "name", col->name, "type", cairn_type_name(col->type));
		if (col->type == CAIRN_TYPE_STRING) {
			size_t *count = cairn_xcalloc(col->ndict ? col->ndict : 1, sizeof(*count));
			json_t *cats = json_object();
			for (size_t r = 0; r < f->nrows; r++)
				if (col->valid[r])
					count[col->code[r]]++;
			for (uint32_t d = 0; d < col->ndict; d++)
				if (count[d])
					json_object_set_new(cats, col->dict[d],
							    json_integer((json_int_t)count[d]));
			free(count);
			json_object_set_new(o, "categories", cats);
		} else {
			double sum = 0, sq = 0;
			size_t n = 0;
			for (size_t r = 0; r < f->nrows; r++)
				if (col->valid[r]) {
					sum += col->num[r];
					sq += col->num[r] * col->num[r];
					n++;
				}
			json_object_set_new(o, "count", json_integer((json_int_t)n));
			json_object_set_new(o, "sum", json_real(sum));
			json_object_set_new(o, "sumsq", json_real(sq));
		}
		json_array_append_new(cols, o);
	}
	for (size_t r = 0; r < f->nrows; r++)
		if (tc->valid[r]) {
			cairn_buf_reset(&cell);
			cairn_frame_cell_text(f, r, target, &cell);
			if (!json_object_get(classes, cell.buf) && json_object_size(classes) <= MAX_CLASSES)
				json_object_set_new(classes, cell.buf, json_true());
		}
	if (tc->type != CAIRN_TYPE_STRING) {
		double ysum = 0;
		for (size_t r = 0; r < f->nrows; r++)
			if (tc->valid[r])
				ysum += tc->num[r];
		target_sum = ysum;
	}
	cairn_buf_addf(&ref, "%s@%lld", v->name, (long long)v->version);
	s = json_pack("{s:s, s:s, s:s, s:I, s:I, s:o, s:{s:s, s:o}}", "dataset", ref.buf,
		      "version_id", v->id, "hash", v->hash, "rows", (json_int_t)f->nrows,
		      "nulls", (json_int_t)tc->nnull, "columns", cols, "target", "type",
		      cairn_type_name(tc->type), "classes", classes);
	json_object_set_new(s, "target_sum", json_real(target_sum));
	cairn_buf_release(&cell);
	cairn_buf_release(&ref);
	return s;
}

/* The mean loss gradient step on (x, y) from w, epochs times; returns the
 * loss sum at the starting w. */
static double local_train(const struct cairn__fed_options *o, int regression, int nw,
			  const struct cairn_matrix *x, const double *y, double *w, double rows,
			  int epochs, double lr, double *grad)
{
	size_t nf = x->cols, d = nf + (o->bias > 0);
	double loss0 = 0;

	for (int e = 0; e <= epochs; e++) {
		double loss = 0;
		memset(grad, 0, d * (size_t)nw * sizeof(*grad));
		for (size_t i = 0; i < x->rows; i++) {
			const float *xi = x->v + i * nf;
			for (int j = 0; j < nw; j++) {
				double z = o->bias > 0 ? w[nf * (size_t)nw + (size_t)j] * o->bias : 0, g;
				for (size_t f = 0; f < nf; f++)
					z += w[f * (size_t)nw + (size_t)j] * xi[f];
				if (regression) {
					double r = z - y[i];
					loss += r * r;
					g = 2 * r;
				} else {
					double t = (int)y[i] == j ? 1 : -1, m = t * z;
					loss += m > 0 ? log1p(exp(-m)) : -m + log1p(exp(m));
					g = -t / (1 + exp(m));
				}
				for (size_t f = 0; f < nf; f++)
					grad[f * (size_t)nw + (size_t)j] += g * xi[f];
				if (o->bias > 0)
					grad[nf * (size_t)nw + (size_t)j] += g * o->bias;
			}
		}
		if (!e)
			loss0 = loss;
		if (e == epochs)
			break;
		for (size_t k = 0; k < d * (size_t)nw; k++) {
			double g = grad[k] / (double)(x->rows ? x->rows : 1);
			if (k < nf * (size_t)nw)
				g += w[k] / (o->C * rows);
			w[k] -= lr * g;
		}
	}
	return loss0;
}

static json_t *error_json(cairn_ctx *ctx, int rc)
{
	return json_pack("{s:s, s:i}", "error", cairn_errmsg(ctx), "code", rc);
}

/* The site process: never returns. */
static void site_main(const struct cairn__fed_options *o, size_t index, int in, int out)
{
	cairn_ctx *ctx = cairn_ctx_new();
	struct cairn_dataset_version v = { 0 };
	struct cairn_frame *f = NULL;
	struct cairn_matrix x = { 0 };
	cairn_prep *prep = NULL;
	json_t *msg = NULL, *spec = NULL;
	double *y = NULL, *w = NULL, *grad = NULL;
	char *text = NULL;
	size_t target, nw = 0, d = 0;
	int rc, regression = o->algo->tasks & CAIRN_TASK_BIT(CAIRN_TASK_REGRESSION);

	if (!ctx)
		_exit(1);
	if ((rc = cairn_workspace_open(ctx, NULL)) ||
	    (rc = cairn_dataset_resolve(ctx, o->shards[index], &v)) ||
	    (rc = cairn_dataset_load_frame(ctx, &v, &f)) ||
	    (rc = cairn_frame_need_col(ctx, f, o->target, &target))) {
		cairn_error_prefix(ctx, "shard '%s'", o->shards[index]);
		msg = error_json(ctx, rc);
	} else {
		cairn_log_debug("federated site %zu (pid %ld) loaded only dataset '%s@%lld'", index + 1,
				(long)getpid(), v.name, (long long)v.version);
		msg = shard_stats(f, target, &v);
	}
	if (send_json(out, msg) || rc)
		goto out;
	json_decref(msg);
	msg = NULL;
	/* The agreed preprocessing. */
	if (recv_msg(in, &text, NULL) || !(spec = json_loads(text, 0, NULL)))
		goto out;
	if ((rc = cairn_prep_from_json(ctx, spec, &prep)) ||
	    (rc = cairn_prep_transform(ctx, prep, f, NULL, 0, &x, &y))) {
		cairn_error_prefix(ctx, "shard '%s'", o->shards[index]);
		msg = error_json(ctx, rc);
	} else {
		nw = !regression && cairn_prep_nclasses(prep) > 2 ? (size_t)cairn_prep_nclasses(prep) : 1;
		d = x.cols + (o->bias > 0);
		msg = json_pack("{s:b}", "ok", 1);
	}
	if (send_json(out, msg) || rc)
		goto out;
	w = cairn_xcalloc(d * nw, sizeof(*w));
	grad = cairn_xcalloc(d * nw, sizeof(*grad));
	for (;;) {
		/* [epochs, total rows, step, weights...] -> [rows, loss sum, weights...] */
		double head[3], back[2];
		if (read_all(in, head, sizeof(head)) || head[0] < 0 ||
		    read_all(in, w, d * nw * sizeof(*w)))
			break;
		back[0] = (double)x.rows;
		back[1] = local_train(o, regression, (int)nw, &x, y, w, head[1], (int)head[0], head[2],
				      grad);
		if (write_all(out, back, sizeof(back)) || write_all(out, w, d * nw * sizeof(*w)))
			break;
	}
out:
	/* The parent's state is not ours to free: leave without exit handlers. */
	json_decref(msg);
	json_decref(spec);
	free(text);
	free(w);
	free(grad);
	free(x.v);
	free(y);
	cairn_prep_free(prep);
	cairn_frame_free(f);
	cairn_dataset_version_release(&v);
	cairn_ctx_free(ctx);
	_exit(rc ? 1 : 0);
}

/* --- the parent's side --------------------------------------------------- */

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
		if (n < 2 || n > MAX_CLASSES) {
			json_decref(target);
			rc = cairn_error(ctx, CAIRN_EINVAL, "target column '%s' has %zu classes over "
					 "the shards (2 to %d supported)", o->target, n, MAX_CLASSES);
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

/* A site's JSON answer into *out, or its error. */
static int recv_answer(cairn_ctx *ctx, const struct site *s, json_t **out)
{
	char *text = NULL;
	json_t *v;
	int rc = 0;

	*out = NULL;
	if (recv_msg(s->from, &text, NULL) || !(v = json_loads(text, 0, NULL))) {
		free(text);
		return cairn_error(ctx, CAIRN_EIO, "the site of shard '%s' ended without an answer",
				   s->ref);
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

/* The model as algo loads it: liblinear's text format (see algo-liblinear.c). */
static int make_model(cairn_ctx *ctx, const struct cairn__fed_options *o, int regression,
		      int nclasses, size_t nf, int nw, const double *w, void **model)
{
	cairn_buf text = CAIRN_BUF_INIT, dir = CAIRN_BUF_INIT, path = CAIRN_BUF_INIT;
	int rc;

	cairn_buf_addf(&text, "solver_type %s\nnr_class %d\n", regression ? "L2R_L2LOSS_SVR" :
		       "L2R_LR", regression ? 2 : nclasses);
	if (!regression) {
		cairn_buf_adds(&text, "label");
		for (int c = 0; c < nclasses; c++)
			cairn_buf_addf(&text, " %d", c);
		cairn_buf_addch(&text, '\n');
	}
	cairn_buf_addf(&text, "nr_feature %zu\nbias %.17g\nw\n", nf, o->bias > 0 ? o->bias : -1.0);
	for (size_t f = 0; f < nf + (o->bias > 0); f++) {
		for (int j = 0; j < nw; j++)
			cairn_buf_addf(&text, "%.17g ", w[f * (size_t)nw + (size_t)j]);
		cairn_buf_addch(&text, '\n');
	}
	if ((rc = cairn_make_temp_dir(ctx, "cairn-fed", &dir))) {
		goto out;
	}
	cairn_path_join(&path, dir.buf, "model.liblinear");
	if (!(rc = cairn_write_file_atomic(ctx, path.buf, text.buf, text.len, 0644))) {
		cairn_buf_reset(&text);
		cairn_buf_addf(&text, "{\"algorithm\": \"%s\", \"task\": \"%s\", \"nclasses\": %d}\n",
			       o->algo->name, regression ? "regression" : "classification", nclasses);
		cairn_path_join(&path, dir.buf, "liblinear.json");
		if (!(rc = cairn_write_file_atomic(ctx, path.buf, text.buf, text.len, 0644)))
			rc = o->algo->load(ctx, dir.buf, model);
	}
	cairn_remove_tree(dir.buf);
out:
	cairn_buf_release(&text);
	cairn_buf_release(&dir);
	cairn_buf_release(&path);
	return rc;
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
			site_main(o, i, down[0], up[1]);
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
	for (size_t i = 0; i < n; i++)
		if (s[i].pid > 0) {
			close(s[i].to);
			close(s[i].from);
			if (failed)
				kill(s[i].pid, SIGTERM);
			while (waitpid(s[i].pid, NULL, 0) < 0 && errno == EINTR)
				;
		}
}

void cairn__fed_result_release(struct cairn__fed_result *res)
{
	cairn_prep_free(res->prep);
	if (res->model)
		res->algo->free(res->model);
	json_decref(res->inputs);
	memset(res, 0, sizeof(*res));
}

/* Sends [epochs, rows, w] to every site and averages their answers into w
 * (epochs 0: w stays); the mean loss at w in *loss. */
static int round_trip(cairn_ctx *ctx, const struct cairn__fed_options *o, struct site *s,
		      int epochs, double rows, double lr, double *w, double *sum, size_t len,
		      double *loss)
{
	double head[3] = { epochs, rows, lr }, total = 0;
	double *local = cairn_xmalloc(len * sizeof(*local));
	int rc = 0;

	for (size_t i = 0; i < o->nshards && !rc; i++)
		if (write_all(s[i].to, head, sizeof(head)) || write_all(s[i].to, w, len * sizeof(*w)))
			rc = cairn_error(ctx, CAIRN_EIO, "the site of shard '%s' stopped", s[i].ref);
	memset(sum, 0, len * sizeof(*sum));
	*loss = 0;
	for (size_t i = 0; i < o->nshards && !rc; i++) {
		double back[2];
		if (read_all(s[i].from, back, sizeof(back)) ||
		    read_all(s[i].from, local, len * sizeof(*local))) {
			rc = cairn_error(ctx, CAIRN_EIO, "the site of shard '%s' stopped", s[i].ref);
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

int cairn__federated_train(cairn_ctx *ctx, const struct cairn__fed_options *o,
			   struct cairn__fed_result *res)
{
	struct site *s = cairn_xcalloc(o->nshards, sizeof(*s));
	json_t **stats = cairn_xcalloc(o->nshards, sizeof(*stats)), *spec = NULL, *ok;
	int regression = o->algo->tasks & CAIRN_TASK_BIT(CAIRN_TASK_REGRESSION), rc, nclasses = 0;
	double *w = NULL, *sum = NULL, rows = 0, loss = 0, lr;
	size_t nf = 0, nw = 1, len;
	void (*was)(int) = signal(SIGPIPE, SIG_IGN);

	memset(res, 0, sizeof(*res));
	res->algo = o->algo;
	if ((rc = start_sites(ctx, o, s)))
		goto out;
	for (size_t i = 0; i < o->nshards && !rc; i++)
		if (!(rc = recv_answer(ctx, &s[i], &stats[i])))
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
	for (size_t i = 0; i < o->nshards && !rc; i++)
		if (send_json(s[i].to, spec))
			rc = cairn_error(ctx, CAIRN_EIO, "the site of shard '%s' stopped", s[i].ref);
	for (size_t i = 0; i < o->nshards && !rc; i++)
		if (!(rc = recv_answer(ctx, &s[i], &ok)))
			json_decref(ok);
	if (rc)
		goto out;
	nf = cairn_prep_nfeatures(res->prep);
	nclasses = regression ? 0 : cairn_prep_nclasses(res->prep);
	nw = nclasses > 2 ? (size_t)nclasses : 1;
	len = (nf + (o->bias > 0)) * nw;
	w = cairn_xcalloc(len, sizeof(*w));
	sum = cairn_xcalloc(len, sizeof(*sum));
	/* Standardized features have variance at most 1 (one-hot ones 1/4): the
	 * mean loss's curvature is at most 1/4 (logistic) or 2 (squared) times
	 * the features' plus the intercept's square. */
	lr = o->learning_rate > 0 ? o->learning_rate :
	     1 / ((regression ? 2 : 0.25) * ((double)nf + (o->bias > 0 ? o->bias * o->bias : 0)));
	/* linear starts from the mean target: the intercept needs no walk. */
	if (regression && o->bias > 0) {
		double ysum = 0;
		for (size_t i = 0; i < o->nshards; i++)
			ysum += json_number_value(json_object_get(stats[i], "target_sum"));
		w[nf] = ysum / rows / o->bias;
	}
	for (int r = 0; r <= o->rounds && !rc; r++) {
		if (!(rc = round_trip(ctx, o, s, r < o->rounds ? o->local_epochs : 0, rows, lr, w,
				      sum, len, &loss)) && o->on_loss)
			o->on_loss(o->arg, r, "federated_loss", loss);
	}
	if (rc || (rc = make_model(ctx, o, regression, nclasses, nf, (int)nw, w, &res->model)))
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
	signal(SIGPIPE, was);
	for (size_t i = 0; i < o->nshards; i++)
		json_decref(stats[i]);
	free(stats);
	free(s);
	free(w);
	free(sum);
	json_decref(spec);
	if (rc)
		cairn__fed_result_release(res);
	return rc;
}
