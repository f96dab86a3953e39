/* Hyperparameter sweeps: a parent run and one forked process per trial
 * that calls cairn_train, a few at a time; see include/cairn/sweep.h. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "cairn/buf.h"
#include "cairn/dataset.h"
#include "cairn/error.h"
#include "cairn/sweep.h"
#include "cairn/train.h"
#include "cairn/workspace.h"
#include "core/cancel.h"
#include "core/child.h"
#include "core/ctx-internal.h"
#include "core/json.h"
#include "core/log.h"
#include "core/rng.h"
#include "ml/learner.h"
#include "ml/msg-pipe.h"
#include "ml/train-check.h"
#include "track/codever-internal.h"

#define MAX_COMBINATIONS 1000000

void cairn_sweep_result_release(struct cairn_sweep_result *r)
{
	free(r->message);
	free(r->metric);
	json_decref(r->trials);
	r->message = r->metric = NULL;
	r->trials = NULL;
	r->best = NULL;
}

/*
 * The grid.
 */

static size_t grid_size(const json_t *grid)
{
	size_t n = 1, i;
	json_t *axis;

	json_array_foreach(grid, i, axis)
		n *= json_array_size(json_object_get(axis, "values"));
	return n;
}

int cairn_sweep_parse_grid(cairn_ctx *ctx, const char *const *specs, size_t n, json_t **out)
{
	json_t *grid = json_array();
	size_t combos = 1;
	int rc = 0;

	*out = NULL;
	for (size_t i = 0; i < n && !rc; i++) {
		const char *spec = specs[i], *eq = strchr(spec, '='), *p;
		json_t *values, *axis, *key;
		size_t j;

		if (!eq || eq == spec) {
			rc = cairn_error(ctx, CAIRN_EINVAL, "grid '%s' is not KEY=V1,V2,...", spec);
			break;
		}
		key = json_stringn(spec, (size_t)(eq - spec));
		if (!key) {
			rc = cairn_error(ctx, CAIRN_EINVAL, "grid '%s' is not UTF-8", spec);
			break;
		}
		json_array_foreach(grid, j, axis)
			if (json_equal(json_object_get(axis, "key"), key))
				rc = cairn_error(ctx, CAIRN_EINVAL, "grid key '%s' is given twice",
						 json_string_value(key));
		values = json_array();
		for (p = eq + 1; !rc; p++) {
			size_t len = strcspn(p, ",");
			json_t *v = len ? json_stringn(p, len) : NULL;
			if (!v) {
				rc = cairn_error(ctx, CAIRN_EINVAL, "grid '%s' has an empty value", spec);
				break;
			}
			for (j = 0; j < json_array_size(values); j++)
				if (json_equal(json_array_get(values, j), v))
					break;
			if (j == json_array_size(values))
				json_array_append(values, v);
			json_decref(v);
			p += len;
			if (!*p)
				break;
		}
		if (!rc && json_array_size(values) > MAX_COMBINATIONS / combos)
			rc = cairn_error(ctx, CAIRN_EINVAL, "the grid has more than %d combinations",
					 MAX_COMBINATIONS);
		if (!rc)
			combos *= json_array_size(values);
		axis = json_pack("{s:o, s:o}", "key", key, "values", values);
		if (rc)
			json_decref(axis);
		else
			json_array_append_new(grid, axis);
	}
	if (!rc && !n)
		rc = cairn_error(ctx, CAIRN_EINVAL, "a sweep needs at least one grid spec");
	if (rc)
		json_decref(grid);
	else
		*out = grid;
	return rc;
}

static int cmp_size(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	return x < y ? -1 : x > y;
}

/* Combination number idx of grid, the last key varying fastest. */
static json_t *combination(const json_t *grid, size_t idx)
{
	json_t *c = json_object();

	for (size_t i = json_array_size(grid); i-- > 0;) {
		const json_t *axis = json_array_get(grid, i), *values = json_object_get(axis, "values");
		size_t nv = json_array_size(values);
		json_object_set(c, json_string_value(json_object_get(axis, "key")),
				json_array_get(values, idx % nv));
		idx /= nv;
	}
	/* Built backwards: put the keys back in the grid's order. */
	{
		json_t *ordered = json_object();
		for (size_t i = 0; i < json_array_size(grid); i++) {
			const char *k = json_string_value(json_object_get(json_array_get(grid, i), "key"));
			json_object_set(ordered, k, json_object_get(c, k));
		}
		json_decref(c);
		c = ordered;
	}
	return c;
}

int cairn_sweep_combinations(cairn_ctx *ctx, const json_t *grid, size_t random, uint64_t seed,
			     json_t **out)
{
	size_t n = grid_size(grid), take = random && random < n ? random : n, *idx;
	struct cairn__rng rng;

	(void)ctx;
	idx = cairn_xmalloc((n ? n : 1) * sizeof(*idx));
	for (size_t i = 0; i < n; i++)
		idx[i] = i;
	if (take < n) {
		cairn__rng_seed(&rng, seed);
		for (size_t i = 0; i < take; i++) {
			size_t j = i + (size_t)cairn__rng_below(&rng, n - i), t = idx[i];
			idx[i] = idx[j];
			idx[j] = t;
		}
		qsort(idx, take, sizeof(*idx), cmp_size);
	}
	*out = json_array();
	for (size_t i = 0; i < take; i++)
		json_array_append_new(*out, combination(grid, idx[i]));
	free(idx);
	return 0;
}

/*
 * The objective.
 */

static const char *strip_part(const char *key, size_t *len)
{
	static const char *const prefixes[] = { "train_", "test_", "cv_" };
	static const char *const suffixes[] = { "_mean", "_macro" };

	for (size_t i = 0; i < 3; i++)
		if (!strncmp(key, prefixes[i], strlen(prefixes[i]))) {
			key += strlen(prefixes[i]);
			break;
		}
	*len = strlen(key);
	for (size_t i = 0; i < 2; i++) {
		size_t sl = strlen(suffixes[i]);
		if (*len > sl && !strcmp(key + *len - sl, suffixes[i]))
			*len -= sl;
	}
	return key;
}

int cairn_sweep_minimizes(const char *key)
{
	static const char *const lower[] = { "rmse", "mae", "log_loss", "mape", "inertia", "mse" };
	size_t len;
	const char *base = strip_part(key, &len);

	for (size_t i = 0; i < sizeof(lower) / sizeof(lower[0]); i++)
		if (strlen(lower[i]) == len && !strncmp(base, lower[i], len))
			return 1;
	return 0;
}

/* Flattens the numbers of a trial's metrics as its run logs them:
 * {test: {accuracy: 1}} -> test_accuracy, {cv: {accuracy: {mean}}} ->
 * cv_accuracy_mean. */
static void flatten(json_t *flat, const char *prefix, const json_t *v)
{
	const char *key;
	json_t *e;

	if (json_is_number(v)) {
		json_object_set_new(flat, prefix, json_real(json_number_value(v)));
		return;
	}
	json_object_foreach((json_t *)v, key, e) {
		cairn_buf k = CAIRN_BUF_INIT;
		if (*prefix)
			cairn_buf_addf(&k, "%s_%s", prefix, key);
		else
			cairn_buf_adds(&k, key);
		flatten(flat, k.buf, e);
		cairn_buf_release(&k);
	}
}

/* The key of the objective in flat (a trial's flattened metrics), or NULL. */
static char *resolve_metric(const struct cairn_sweep_options *o, const json_t *flat)
{
	const char *part = o->test || o->test_split > 0 ? "test" : o->cv ? "cv" : "train";
	const char *name = o->metric;
	cairn_buf k = CAIRN_BUF_INIT;

	if (!name) {
		static const char *const defaults[] = { "accuracy", "r2", "silhouette" };
		for (size_t i = 0; i < 3 && !name; i++) {
			cairn_buf_reset(&k);
			if (!strcmp(part, "cv"))
				cairn_buf_addf(&k, "cv_%s_mean", defaults[i]);
			else
				cairn_buf_addf(&k, "%s_%s", part, defaults[i]);
			if (json_object_get(flat, k.buf))
				name = defaults[i];
		}
		if (!name) {
			cairn_buf_release(&k);
			return NULL;
		}
	}
	if (json_object_get(flat, name)) {
		cairn_buf_release(&k);
		return cairn_xstrdup(name);
	}
	for (int macro = 0; macro < 2; macro++) {
		cairn_buf_reset(&k);
		if (!strcmp(part, "cv"))
			cairn_buf_addf(&k, "cv_%s%s_mean", name, macro ? "_macro" : "");
		else
			cairn_buf_addf(&k, "%s_%s%s", part, name, macro ? "_macro" : "");
		if (json_object_get(flat, k.buf))
			return cairn_buf_detach(&k, NULL);
	}
	cairn_buf_release(&k);
	return NULL;
}

/*
 * Trials: each a forked child that calls cairn_train and answers with one
 * message on its pipe (see the top of include/cairn/sweep.h).
 */

struct slot {
	pid_t pid;          /* 0: free */
	size_t trial;       /* index into the trials */
	int fd;             /* the read end of its pipe */
};

struct sweep {
	cairn_ctx *ctx;
	const struct cairn_sweep_options *o;
	cairn_run *parent;
	const char *parent_name;
	char *data, *test;  /* the datasets, resolved once: "name@N" */
	json_t *combos;     /* [{key: value}] */
	json_t *trials;     /* [{trial, run_id, params, value, status, message}] */
	struct slot *slots;
	int nslots, nrunning;
	char *metric;
	int minimize;
	int stopping;       /* the trials were told to stop */
};

static void trial_name(const struct sweep *s, size_t t, cairn_buf *b)
{
	cairn_buf_addf(b, "%s-%zu", s->parent_name, t + 1);
}

/* A trial's log messages, kept to send to the parent with its result. */
static void capture_log(void *arg, enum cairn_log_level level, const char *message)
{
	json_array_append_new(arg, json_pack("[s, s]", cairn_log_level_name(level), message));
}

/* In the child: trains trial t and writes {run_id, status, metrics, code,
 * error, log} to out. Never returns: the parent's state (its database
 * handle above all) is not the child's to use or free. */
static _Noreturn void trial_main(struct sweep *s, size_t t, int out, pid_t parent)
{
	const struct cairn_sweep_options *o = s->o;
	struct cairn_train_options to = { 0 };
	struct cairn_train_result tr = { 0 };
	cairn_buf name = CAIRN_BUF_INIT;
	json_t *params = o->params ? json_deep_copy(o->params) : json_object(), *log = json_array();
	json_t *msg;
	cairn_ctx *ctx;
	int rc;

	/* If the sweep dies without a word, the trial is told to stop. */
	cairn__die_with_parent(parent, SIGTERM);
	if (!(ctx = cairn_ctx_new()))
		_exit(1);
	cairn__ctx_inherit(ctx, s->ctx);
	cairn_ctx_set_log(ctx, s->ctx->log_level, capture_log, log);
	json_object_update(params, json_array_get(s->combos, t));
	trial_name(s, t, &name);
	to.data = s->data;
	to.test = s->test;
	to.target = o->target;
	to.algo = o->algo;
	to.params = params;
	to.test_split = o->test_split;
	to.cv = o->cv;
	to.seed = o->seed;
	to.task = -1;
	to.threads = o->threads;
	/* The trials running at once share the cores. */
	to.jobs = json_array_size(s->combos) < (size_t)s->nslots ?
		  (int)json_array_size(s->combos) : s->nslots;
	to.features = o->features;
	to.nfeatures = o->nfeatures;
	to.drop = o->drop;
	to.ndrop = o->ndrop;
	to.experiment = o->experiment;
	to.name = name.buf;
	to.parent = cairn_run_id(s->parent);
	if (!(rc = cairn_workspace_open_dir(ctx, cairn_workspace_dir(s->ctx))))
		rc = cairn_train(ctx, &to, &tr);
	msg = json_pack("{s:s?, s:s, s:O?, s:i, s:s, s:O}", "run_id", *tr.run_id ? tr.run_id : NULL,
			"status", !rc ? "FINISHED" : rc == CAIRN_EINTERRUPTED ? "KILLED" : "FAILED",
			"metrics", tr.metrics, "code", rc, "error", rc ? cairn_errmsg(ctx) : "",
			"log", log);
	rc = msg && !cairn__pipe_send_json(out, msg) ? 0 : 1;
	_exit(rc);
}

static int start_trial(struct sweep *s, struct slot *sl, size_t t)
{
	pid_t parent = getpid();
	int fds[2];

	if (pipe2(fds, O_CLOEXEC))
		return cairn_error_errno(s->ctx, "cannot create a pipe for trial %zu", t + 1);
	fflush(NULL);
	if ((sl->pid = fork()) < 0) {
		sl->pid = 0;
		close(fds[0]);
		close(fds[1]);
		return cairn_error_errno(s->ctx, "cannot start trial %zu", t + 1);
	}
	if (!sl->pid) {
		/* The other trials' pipes are the parent's business. */
		for (int i = 0; i < s->nslots; i++)
			if (s->slots[i].pid && &s->slots[i] != sl)
				close(s->slots[i].fd);
		close(fds[0]);
		trial_main(s, t, fds[1], parent);
	}
	close(fds[1]);
	sl->fd = fds[0];
	sl->trial = t;
	s->nrunning++;
	return 0;
}

/* Why a trial that sent no result ended, from its wait status. */
static void exit_reason(int ws, cairn_buf *msg)
{
	char name[16];

	if (WIFSIGNALED(ws)) {
		cairn__signal_name(WTERMSIG(ws), name);
		cairn_buf_addf(msg, "killed by %s", name);
	} else if (WIFEXITED(ws) && WEXITSTATUS(ws)) {
		cairn_buf_addf(msg, "exit status %d", WEXITSTATUS(ws));
	} else {
		cairn_buf_adds(msg, "it ended without a result");
	}
}

/* Reads the result of the trial in sl (its pipe is readable or closed),
 * reaps it and records how it ended. */
static void finish_trial(struct sweep *s, struct slot *sl)
{
	json_t *trial = json_array_get(s->trials, sl->trial), *res = NULL, *report;
	cairn_buf msg = CAIRN_BUF_INIT;
	const char *status = "FAILED";
	int ws = 0;

	if (cairn__pipe_recv_json(sl->fd, &res))
		res = NULL;
	close(sl->fd);
	while (waitpid(sl->pid, &ws, 0) < 0 && errno == EINTR)
		;
	sl->pid = 0;
	sl->fd = -1;
	s->nrunning--;

	if (res) {
		const json_t *metrics = json_object_get(res, "metrics");
		status = json_string_value(json_object_get(res, "status"));
		if (!status)
			status = "FAILED";
		json_object_set(trial, "run_id", json_object_get(res, "run_id") ?
			       json_object_get(res, "run_id") : json_null());
		if (!strcmp(status, "FINISHED") && json_is_object(metrics)) {
			json_t *flat = json_object();
			flatten(flat, "", metrics);
			if (!s->metric && (s->metric = resolve_metric(s->o, flat)))
				s->minimize = s->o->minimize || cairn_sweep_minimizes(s->metric);
			if (s->metric && json_is_number(json_object_get(flat, s->metric)))
				json_object_set(trial, "value", json_object_get(flat, s->metric));
			json_decref(flat);
		} else {
			cairn_buf_adds(&msg, json_string_value(json_object_get(res, "error")));
		}
	} else {
		exit_reason(ws, &msg);
	}
	/* A trial stopped with the sweep was killed, however it ended. */
	if (s->stopping && strcmp(status, "FINISHED"))
		status = "KILLED";
	json_object_set_new(trial, "status", json_string(status));
	if (strcmp(status, "FINISHED"))
		json_object_set_new(trial, "message", json_string(msg.buf));

	report = json_deep_copy(trial);
	json_object_set_new(report, "trials", json_integer((json_int_t)json_array_size(s->trials)));
	json_object_set_new(report, "metric", s->metric ? json_string(s->metric) : json_null());
	json_object_set_new(report, "log", res && json_is_array(json_object_get(res, "log")) ?
			    json_incref(json_object_get(res, "log")) : json_array());
	if (s->o->on_trial)
		s->o->on_trial(s->o->arg, report);
	json_decref(report);
	json_decref(res);
	cairn_buf_release(&msg);
}

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits up to timeout_ms for a running trial to end, and records those that
 * did. */
static void wait_trials(struct sweep *s, int timeout_ms)
{
	struct pollfd *p = cairn_xcalloc((size_t)s->nslots, sizeof(*p));
	int n = 0;

	for (int i = 0; i < s->nslots; i++)
		if (s->slots[i].pid) {
			p[n].fd = s->slots[i].fd;
			p[n++].events = POLLIN;
		}
	/* EINTR (a signal, maybe the cancel request) only ends the wait early. */
	if (poll(p, (nfds_t)n, timeout_ms) > 0)
		for (int i = 0, k = 0; i < s->nslots; i++) {
			if (!s->slots[i].pid)
				continue;
			if (p[k++].revents)
				finish_trial(s, &s->slots[i]);
		}
	free(p);
}

static void signal_trials(struct sweep *s, int sig)
{
	for (int k = 0; k < s->nslots; k++)
		if (s->slots[k].pid)
			kill(s->slots[k].pid, sig);
}

/* Once cancelled (or when a trial could not start): stops the running
 * trials, SIGTERM first, SIGKILL on a second request or after 5 seconds. */
static void stop_trials(struct sweep *s)
{
	const struct cairn_cancel *c = s->ctx->cancel;
	int64_t t0 = mono_ms();
	int hard = 0;

	s->stopping = 1;
	signal_trials(s, SIGTERM);
	/* The trials got it from us: nothing left to pass on. */
	if (s->ctx->cancel)
		s->ctx->cancel->forward = 0;
	while (s->nrunning) {
		if (!hard && ((c && c->requested >= 2) || mono_ms() - t0 > 5000)) {
			signal_trials(s, SIGKILL);
			hard = 1;
		}
		wait_trials(s, 100);
	}
}

/* Ends the runs of trials that could not end them themselves (killed, or
 * crashed) with their trial's status and message, and names the runs on
 * their trials. */
static void end_orphans(struct sweep *s)
{
	struct cairn_run_list_options lo = { 0 };
	json_t *runs = NULL, *r;
	size_t i;

	lo.status = "RUNNING";
	if (cairn_run_list(s->ctx, &lo, &runs)) {
		cairn__log_warn(s->ctx, "cannot list the trials' runs: %s", cairn_errmsg(s->ctx));
		cairn_error_clear(s->ctx);
		return;
	}
	json_array_foreach(runs, i, r) {
		const char *parent = json_string_value(json_object_get(r, "parent"));
		const char *rname = json_string_value(json_object_get(r, "name"));
		cairn_run *child = NULL;
		json_t *trial = NULL;
		if (!parent || strcmp(parent, cairn_run_id(s->parent)) || !rname)
			continue;
		for (size_t t = 0; t < json_array_size(s->trials) && !trial; t++) {
			cairn_buf n = CAIRN_BUF_INIT;
			trial_name(s, t, &n);
			if (!strcmp(n.buf, rname))
				trial = json_array_get(s->trials, t);
			cairn_buf_release(&n);
		}
		if (!trial)
			continue;
		json_object_set(trial, "run_id", json_object_get(r, "id"));
		if (!cairn_run_attach(s->ctx, json_string_value(json_object_get(r, "id")), &child))
			cairn_run_end(child, strcmp(json_string_value(json_object_get(trial, "status")),
						    "KILLED") ? CAIRN_RUN_FAILED : CAIRN_RUN_KILLED,
				      json_string_value(json_object_get(trial, "message")));
		cairn_error_clear(s->ctx);  /* it may have ended by itself meanwhile */
		cairn_run_free(child);
	}
	json_decref(runs);
}

/* Runs every trial, jobs at a time, until done or cancelled. */
static int run_trials(struct sweep *s)
{
	size_t next = 0, n = json_array_size(s->combos);
	int rc = 0;

	while (next < n || s->nrunning) {
		if (cairn_ctx_cancelled(s->ctx))
			break;
		for (int i = 0; i < s->nslots && next < n && !rc; i++)
			if (!s->slots[i].pid)
				rc = start_trial(s, &s->slots[i], next++);
		if (rc)
			break;
		wait_trials(s, 200);
	}
	/* Cancelled with trials left to run, or one could not start. */
	if (rc || (cairn_ctx_cancelled(s->ctx) && (next < n || s->nrunning)))
		stop_trials(s);
	if (s->stopping) {
		char name[16];
		cairn_buf msg = CAIRN_BUF_INIT;
		int sig = s->ctx->cancel ? s->ctx->cancel->sig : 0;
		size_t i;
		json_t *t;
		cairn__signal_name(sig, name);
		cairn_buf_addf(&msg, "%s%s: the sweep was stopped", sig ? "interrupted by " :
			       rc ? "a trial could not start" : "interrupted", sig ? name : "");
		json_array_foreach(s->trials, i, t)
			if (!strcmp(json_string_value(json_object_get(t, "status")), "KILLED"))
				json_object_set_new(t, "message", json_string(msg.buf));
		cairn_buf_release(&msg);
	}
	end_orphans(s);
	return rc;
}

/*
 * The result.
 */

static int rank(const json_t *t)
{
	const char *st = json_string_value(json_object_get(t, "status"));

	if (!strcmp(st, "FINISHED"))
		return json_is_number(json_object_get(t, "value")) ? 0 : 1;
	return !strcmp(st, "FAILED") ? 2 : 3;
}

static int cmp_trials(const void *pa, const void *pb, void *arg)
{
	const json_t *a = *(json_t *const *)pa, *b = *(json_t *const *)pb;
	int minimize = *(const int *)arg;
	int ra = rank(a), rb = rank(b);

	if (ra != rb)
		return ra - rb;
	if (!ra) {
		double x = json_number_value(json_object_get(a, "value"));
		double y = json_number_value(json_object_get(b, "value"));
		if (isnan(x) != isnan(y))
			return isnan(x) ? 1 : -1;
		if (x != y && !isnan(x))
			return (minimize ? x < y : x > y) ? -1 : 1;
	}
	return (int)(json_integer_value(json_object_get(a, "trial")) -
		     json_integer_value(json_object_get(b, "trial")));
}

static json_t *sorted_trials(const json_t *trials, int minimize)
{
	size_t n = json_array_size(trials);
	json_t **v = cairn_xcalloc(n ? n : 1, sizeof(*v)), *out = json_array();

	for (size_t i = 0; i < n; i++)
		v[i] = json_array_get(trials, i);
	qsort_r(v, n, sizeof(*v), cmp_trials, &minimize);
	for (size_t i = 0; i < n; i++)
		json_array_append(out, v[i]);
	free(v);
	return out;
}

/* Tags and logs the best trial on the parent. */
static int record_best(struct sweep *s, const json_t *best)
{
	cairn_buf key = CAIRN_BUF_INIT, val = CAIRN_BUF_INIT;
	double value = json_number_value(json_object_get(best, "value"));
	int rc;

	cairn_buf_addf(&key, "best_%s", s->metric);
	cairn_json_append(&val, json_object_get(best, "value"), 0);
	if ((rc = cairn_run_set_tag(s->parent, "best_run",
				    json_string_value(json_object_get(best, "run_id")))) ||
	    (rc = cairn_run_set_tag(s->parent, key.buf, val.buf)) ||
	    (rc = cairn_run_log_metric(s->parent, key.buf, value, 0)))
		goto out;
	cairn_buf_reset(&val);
	cairn_json_append(&val, json_object_get(best, "params"), 0);
	rc = cairn_run_set_tag(s->parent, "best_params", val.buf);
out:
	cairn_buf_release(&key);
	cairn_buf_release(&val);
	return rc;
}

/* The parent's params and inputs, logged before any trial starts. */
static int log_parent_params(struct sweep *s, const json_t *grid,
			     const struct cairn_dataset_version *data,
			     const struct cairn_dataset_version *test)
{
	const struct cairn_sweep_options *o = s->o;
	cairn_buf b = CAIRN_BUF_INIT;
	const char *key;
	json_t *spec = json_object(), *axis, *v;
	size_t i;
	char num[64];
	int rc;

	json_array_foreach(grid, i, axis)
		json_object_set(spec, json_string_value(json_object_get(axis, "key")),
				json_object_get(axis, "values"));
	cairn_json_append(&b, spec, 0);
	if ((rc = cairn_run_log_param(s->parent, "algorithm", o->algo)) ||
	    (o->target && (rc = cairn_run_log_param(s->parent, "target", o->target))) ||
	    (rc = cairn_run_log_param(s->parent, "grid", b.buf)) ||
	    (rc = cairn_run_log_param(s->parent, "mode", o->random ? "random" : "grid")))
		goto out;
	snprintf(num, sizeof(num), "%zu", json_array_size(s->combos));
	if ((rc = cairn_run_log_param(s->parent, "trials", num)))
		goto out;
	snprintf(num, sizeof(num), "%llu", (unsigned long long)o->seed);
	if ((rc = cairn_run_log_param(s->parent, "seed", num)))
		goto out;
	if (o->test_split > 0) {
		snprintf(num, sizeof(num), "%g", o->test_split);
		if ((rc = cairn_run_log_param(s->parent, "test_split", num)))
			goto out;
	}
	if (o->cv) {
		snprintf(num, sizeof(num), "%d", o->cv);
		if ((rc = cairn_run_log_param(s->parent, "cv", num)))
			goto out;
	}
	json_object_foreach((json_t *)o->params, key, v) {
		cairn_buf_reset(&b);
		cairn_buf_addf(&b, "param.%s", key);
		if ((rc = cairn_run_log_param(s->parent, b.buf, json_string_value(v))))
			goto out;
	}
	if ((rc = cairn_run_log_input_version(s->parent, data, "train")) ||
	    (o->test && (rc = cairn_run_log_input_version(s->parent, test, "test"))))
		goto out;
out:
	json_decref(spec);
	cairn_buf_release(&b);
	return rc;
}

/* "name@N" of a resolved version (the caller frees it). */
static char *version_ref(const struct cairn_dataset_version *v)
{
	cairn_buf b = CAIRN_BUF_INIT;

	cairn_buf_addf(&b, "%s@%lld", v->name, (long long)v->version);
	return cairn_buf_detach(&b, NULL);
}

int cairn_sweep_check(cairn_ctx *ctx, const struct cairn_sweep_options *o)
{
	struct cairn_train_options to = { 0 };
	json_t *grid = NULL;
	int rc;

	if (!o->data)
		return cairn_error(ctx, CAIRN_EINVAL, "a sweep needs a dataset");
	if (!o->algo)
		return cairn_error(ctx, CAIRN_EINVAL, "a sweep needs an algorithm");
	if (!cairn_algorithm_find(o->algo))
		return cairn_error(ctx, CAIRN_EINVAL, "unknown algorithm '%s'", o->algo);
	if (!strcmp(o->algo, "ensemble"))
		return cairn_error(ctx, CAIRN_EINVAL, "a sweep trains an algorithm, not an ensemble");
	if (o->jobs < 0)
		return cairn_error(ctx, CAIRN_EINVAL, "a sweep runs at least 1 trial at once, not %d",
				   o->jobs);
	if ((rc = cairn_sweep_parse_grid(ctx, o->grid, o->ngrid, &grid)))
		return rc;
	/* An unknown name fails every trial: refused before any run. The
	 * values are each trial's to check (one bad value fails one trial). */
	for (size_t i = 0; i < json_array_size(grid) && !rc; i++)
		rc = cairn_params_check_name(ctx, cairn_algorithm_find(o->algo), json_string_value(
					     json_object_get(json_array_get(grid, i), "key")));
	json_decref(grid);
	if (rc)
		return rc;
	/* What every trial gets. */
	to.data = o->data;
	to.target = o->target;
	to.algo = o->algo;
	to.test = o->test;
	to.test_split = o->test_split;
	to.cv = o->cv;
	to.task = -1;
	to.params = o->params;
	to.features = o->features;
	to.nfeatures = o->nfeatures;
	to.drop = o->drop;
	to.ndrop = o->ndrop;
	return cairn_train_check(ctx, &to);
}

/* The target and feature columns every trial would check, checked once
 * before the sweep's run starts (a typo leaves no run). */
static int check_columns(cairn_ctx *ctx, const struct cairn_sweep_options *o,
			 const struct cairn_dataset_version *data)
{
	struct cairn_train_options to = { 0 };

	to.target = o->target;
	to.features = o->features;
	to.nfeatures = o->nfeatures;
	to.drop = o->drop;
	to.ndrop = o->ndrop;
	return cairn__train_check_columns(ctx, &to, data);
}

int cairn_sweep(cairn_ctx *ctx, const struct cairn_sweep_options *o, struct cairn_sweep_result *res)
{
	struct cairn_run_options ro = { 0 };
	struct cairn_dataset_version data = { 0 }, test = { 0 };
	struct sweep s = { 0 };
	json_t *grid = NULL, *parent_show = NULL;
	cairn_buf msg = CAIRN_BUF_INIT;
	size_t nok = 0, i;
	json_t *t;
	int rc;

	memset(res, 0, sizeof(*res));
	s.ctx = ctx;
	s.o = o;
	if ((rc = cairn_sweep_check(ctx, o)) ||
	    (rc = cairn_sweep_parse_grid(ctx, o->grid, o->ngrid, &grid)))
		goto out;
	res->ncombinations = grid_size(grid);
	if (o->random > res->ncombinations)
		cairn__log_warn(ctx, "a random sample of %zu is more than the %zu combinations of "
				"the grid: running them all", o->random, res->ncombinations);
	/* The datasets, resolved once before any run starts (a typo leaves no
	 * run): every trial trains on these versions. */
	if ((rc = cairn_sweep_combinations(ctx, grid, o->random, o->seed, &s.combos)) ||
	    (rc = cairn_dataset_resolve(ctx, o->data, &data)) ||
	    (o->test && (rc = cairn_dataset_resolve(ctx, o->test, &test))) ||
	    (rc = check_columns(ctx, o, &data)))
		goto out;
	s.data = version_ref(&data);
	s.test = o->test ? version_ref(&test) : NULL;
	if (cairn_ctx_cancelled(ctx)) {
		rc = cairn__interrupted(ctx);
		goto out;
	}

	ro.experiment = o->experiment;
	ro.name = o->name;
	ro.parent = o->parent && *o->parent ? o->parent : NULL;
	if ((rc = cairn_run_start(ctx, &ro, &s.parent)))
		goto out;
	snprintf(res->parent, sizeof(res->parent), "%s", cairn_run_id(s.parent));
	if (o->code_dir) {
		json_t *code = NULL;
		rc = cairn__codever_record(s.parent, o->code_dir, o->env, &code);
		json_decref(code);
		if (rc)
			goto fail;
	}
	if ((rc = cairn_run_show(ctx, res->parent, &parent_show)))
		goto fail;
	s.parent_name = json_string_value(json_object_get(parent_show, "name"));
	if ((rc = log_parent_params(&s, grid, &data, &test)))
		goto fail;

	s.trials = json_array();
	json_array_foreach(s.combos, i, t)
		json_array_append_new(s.trials, json_pack("{s:I, s:n, s:O, s:n, s:s, s:n}", "trial",
							  (json_int_t)i + 1, "run_id", "params", t,
							  "value", "status", "SKIPPED", "message"));
	s.nslots = o->jobs > 0 ? o->jobs : 1;
	s.slots = cairn_xcalloc((size_t)s.nslots, sizeof(*s.slots));
	for (int k = 0; k < s.nslots; k++)
		s.slots[k].fd = -1;
	if ((rc = run_trials(&s)))
		goto fail;

	json_array_foreach(s.trials, i, t)
		nok += !strcmp(json_string_value(json_object_get(t, "status")), "FINISHED");
	res->trials = sorted_trials(s.trials, s.minimize);
	res->best = json_array_size(res->trials) && !rank(json_array_get(res->trials, 0)) ?
		    json_array_get(res->trials, 0) : NULL;
	if (s.metric || o->metric) {
		const char *m = s.metric ? s.metric : o->metric;
		int minimize = s.metric ? s.minimize : o->minimize || cairn_sweep_minimizes(m);
		if ((rc = cairn_run_log_param(s.parent, "metric", m)) ||
		    (rc = cairn_run_log_param(s.parent, "direction", minimize ? "minimize" : "maximize")))
			goto fail;
	}
	if (res->best && (rc = record_best(&s, res->best)))
		goto fail;

	cairn_buf_reset(&msg);
	if (s.stopping) {
		int sig = ctx->cancel ? ctx->cancel->sig : 0;
		char name[16];
		cairn__signal_name(sig, name);
		cairn_buf_addf(&msg, "interrupted%s%s after %zu of %zu trials", sig ? " by " : "",
			       sig ? name : "", nok, json_array_size(s.trials));
		res->status = CAIRN_RUN_KILLED;
	} else if (!nok) {
		const json_t *first = json_array_get(s.trials, 0);
		cairn_buf_addf(&msg, "every trial failed (trial 1: %s)",
			       json_string_value(json_object_get(first, "message")));
		res->status = CAIRN_RUN_FAILED;
	} else if (!res->best) {
		cairn_buf_addf(&msg, "no trial has the metric '%s'",
			       s.metric ? s.metric : o->metric ? o->metric : "accuracy");
		res->status = CAIRN_RUN_FAILED;
	} else {
		res->status = CAIRN_RUN_FINISHED;
	}
	if ((rc = cairn_run_end(s.parent, res->status, msg.len ? msg.buf : NULL)))
		goto out;
	if (msg.len)
		res->message = cairn_buf_detach(&msg, NULL);
	goto out;
fail:
	{
		/* Keep the message: ending the run must not overwrite it. */
		cairn_buf m = CAIRN_BUF_INIT;
		cairn_buf_adds(&m, cairn_errmsg(ctx));
		cairn_run_end(s.parent, CAIRN_RUN_FAILED, m.buf);
		cairn_error(ctx, rc, "%s", m.buf);
		cairn_buf_release(&m);
		res->status = CAIRN_RUN_FAILED;
	}
out:
	res->metric = s.metric;
	res->minimize = s.minimize;
	if (!res->metric && o->metric) {
		res->metric = cairn_xstrdup(o->metric);
		res->minimize = o->minimize || cairn_sweep_minimizes(o->metric);
	}
	free(s.slots);
	free(s.data);
	free(s.test);
	json_decref(s.trials);
	json_decref(s.combos);
	json_decref(grid);
	json_decref(parent_show);
	cairn_run_free(s.parent);
	cairn_dataset_version_release(&data);
	cairn_dataset_version_release(&test);
	cairn_buf_release(&msg);
	return rc;
}
