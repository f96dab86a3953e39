/* Hyperparameter sweeps: a parent run and one `cairn train` process per
 * trial, a few at a time; see include/cairn/sweep.h. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "cairn/buf.h"
#include "cairn/dataset.h"
#include "cairn/error.h"
#include "core/log.h"
#include "cairn/sweep.h"
#include "cairn/workspace.h"
#include "core/json.h"
#include "data/rng.h"
#include "track/exec-internal.h"

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
		rc = cairn_error(ctx, CAIRN_EINVAL, "a sweep needs at least one --grid");
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
 * Signals: blocked except inside ppoll(), so the handler runs only there.
 */

static const int handled[] = { SIGINT, SIGTERM, SIGHUP, SIGCHLD };
#define NHANDLED 4

static volatile sig_atomic_t got_first, got_count;

static void on_signal(int sig)
{
	if (sig == SIGCHLD)
		return;
	if (!got_first)
		got_first = sig;
	got_count++;
}

struct sigstate {
	sigset_t old_mask, wait_mask;
	struct sigaction old[NHANDLED];
	int installed[NHANDLED];
};

static void signals_install(struct sigstate *s)
{
	struct sigaction sa;
	sigset_t block;

	got_first = got_count = 0;
	sigemptyset(&block);
	for (int i = 0; i < NHANDLED; i++)
		sigaddset(&block, handled[i]);
	sigprocmask(SIG_BLOCK, &block, &s->old_mask);
	s->wait_mask = s->old_mask;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	for (int i = 0; i < NHANDLED; i++) {
		sigaction(handled[i], NULL, &s->old[i]);
		/* A signal ignored when we started (nohup) stays ignored. */
		s->installed[i] = handled[i] == SIGCHLD || s->old[i].sa_handler != SIG_IGN;
		if (s->installed[i])
			sigaction(handled[i], &sa, NULL);
		sigdelset(&s->wait_mask, handled[i]);
	}
}

static void signals_restore_handlers(const struct sigstate *s)
{
	for (int i = 0; i < NHANDLED; i++)
		if (s->installed[i])
			sigaction(handled[i], &s->old[i], NULL);
}

static void signal_name(int sig, char out[16])
{
	const char *abbrev = sigabbrev_np(sig);

	if (abbrev)
		snprintf(out, 16, "SIG%s", abbrev);
	else
		snprintf(out, 16, "signal %d", sig);
}

/*
 * Trials.
 */

struct slot {
	pid_t pid;          /* 0: free */
	size_t trial;       /* index into the trials */
	int out_fd, err_fd; /* anonymous files holding its stdout and stderr */
};

struct sweep {
	cairn_ctx *ctx;
	const struct cairn_sweep_options *o;
	cairn_run *parent;
	const char *parent_name;
	json_t *combos;     /* [{key: value}] */
	json_t *trials;     /* [{trial, run_id, params, value, status, message}] */
	json_t *flat;       /* the flattened metrics of each trial, or null */
	char **env;
	const char *exe;
	struct slot *slots;
	int nslots, nrunning;
	size_t ndone;
	struct sigstate sig;
	char *metric;
	int minimize;
};

static void add_arg(char ***argv, size_t *n, const char *s)
{
	*argv = cairn_xrealloc(*argv, (*n + 2) * sizeof(**argv));
	(*argv)[(*n)++] = cairn_xstrdup(s);
	(*argv)[*n] = NULL;
}

static void add_param(char ***argv, size_t *n, const char *k, const char *v)
{
	cairn_buf b = CAIRN_BUF_INIT;

	cairn_buf_addf(&b, "%s=%s", k, v);
	add_arg(argv, n, "--param");
	add_arg(argv, n, b.buf);
	cairn_buf_release(&b);
}

static void trial_name(const struct sweep *s, size_t t, cairn_buf *b)
{
	cairn_buf_addf(b, "%s-%zu", s->parent_name, t + 1);
}

static char **trial_argv(const struct sweep *s, size_t t)
{
	const struct cairn_sweep_options *o = s->o;
	char **argv = NULL, num[64];
	size_t n = 0;
	cairn_buf name = CAIRN_BUF_INIT;
	const char *key;
	json_t *v;

	add_arg(&argv, &n, "cairn");
	add_arg(&argv, &n, "train");
	add_arg(&argv, &n, "--data");
	add_arg(&argv, &n, o->data);
	add_arg(&argv, &n, "--algo");
	add_arg(&argv, &n, o->algo);
	if (o->target) {
		add_arg(&argv, &n, "--target");
		add_arg(&argv, &n, o->target);
	}
	if (o->test) {
		add_arg(&argv, &n, "--test");
		add_arg(&argv, &n, o->test);
	} else if (o->test_split > 0) {
		snprintf(num, sizeof(num), "%.15g", o->test_split);
		add_arg(&argv, &n, "--test-split");
		add_arg(&argv, &n, num);
	}
	if (o->cv) {
		snprintf(num, sizeof(num), "%d", o->cv);
		add_arg(&argv, &n, "--cv");
		add_arg(&argv, &n, num);
	}
	snprintf(num, sizeof(num), "%llu", (unsigned long long)o->seed);
	add_arg(&argv, &n, "--seed");
	add_arg(&argv, &n, num);
	if (o->threads) {
		snprintf(num, sizeof(num), "%d", o->threads);
		add_arg(&argv, &n, "--threads");
		add_arg(&argv, &n, num);
	}
	if (o->experiment) {
		add_arg(&argv, &n, "--experiment");
		add_arg(&argv, &n, o->experiment);
	}
	trial_name(s, t, &name);
	add_arg(&argv, &n, "--name");
	add_arg(&argv, &n, name.buf);
	cairn_buf_release(&name);
	json_object_foreach((json_t *)o->params, key, v)
		if (!json_object_get(json_array_get(s->combos, t), key))
			add_param(&argv, &n, key, json_string_value(v));
	json_object_foreach(json_array_get(s->combos, t), key, v)
		add_param(&argv, &n, key, json_string_value(v));
	add_arg(&argv, &n, "--json");
	return argv;
}

static void free_argv(char **argv)
{
	for (size_t i = 0; argv && argv[i]; i++)
		free(argv[i]);
	free(argv);
}

/* In the child: becomes the trial (never returns). */
static void exec_trial(const struct sweep *s, const struct slot *sl, char **argv, pid_t parent)
{
	int null_fd;

	signals_restore_handlers(&s->sig);
	/* Its own process group: a Ctrl-C on the terminal reaches the sweep,
	 * which stops the trials and records them KILLED. If the sweep dies
	 * without a word, the trial is told to stop. */
	setpgid(0, 0);
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() != parent)
		_exit(1);
	null_fd = open("/dev/null", O_RDONLY);
	if (null_fd < 0 || dup2(null_fd, 0) < 0 || dup2(sl->out_fd, 1) < 0 || dup2(sl->err_fd, 2) < 0)
		_exit(126);
	sigprocmask(SIG_SETMASK, &s->sig.old_mask, NULL);
	execve(s->exe, argv, s->env);
	dprintf(2, "cairn: error: cannot run '%s': %s\n", s->exe, strerror(errno));
	_exit(127);
}

static int start_trial(struct sweep *s, struct slot *sl, size_t t)
{
	char **argv = trial_argv(s, t);
	pid_t parent = getpid();
	int rc = 0;

	sl->trial = t;
	sl->out_fd = memfd_create("cairn-trial-out", MFD_CLOEXEC);
	sl->err_fd = memfd_create("cairn-trial-err", MFD_CLOEXEC);
	if (sl->out_fd < 0 || sl->err_fd < 0) {
		rc = cairn_error_errno(s->ctx, "cannot create a file for trial %zu's output", t + 1);
		goto out;
	}
	fflush(NULL);
	if ((sl->pid = fork()) < 0) {
		sl->pid = 0;
		rc = cairn_error_errno(s->ctx, "cannot start trial %zu", t + 1);
		goto out;
	}
	if (!sl->pid)
		exec_trial(s, sl, argv, parent);
	setpgid(sl->pid, sl->pid);
	s->nrunning++;
out:
	if (rc) {
		if (sl->out_fd >= 0)
			close(sl->out_fd);
		if (sl->err_fd >= 0)
			close(sl->err_fd);
		sl->out_fd = sl->err_fd = -1;
	}
	free_argv(argv);
	return rc;
}

static void read_back(int fd, cairn_buf *b)
{
	char chunk[8192];
	ssize_t n;

	if (lseek(fd, 0, SEEK_SET) != 0)
		return;
	while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		cairn_buf_add(b, chunk, (size_t)n);
	}
}

static void params_text(const json_t *params, cairn_buf *b)
{
	const char *key;
	json_t *v;
	int first = 1;

	json_object_foreach((json_t *)params, key, v) {
		cairn_buf_addf(b, "%s%s=%s", first ? "" : " ", key, json_string_value(v));
		first = 0;
	}
}

/* Records how the trial in sl ended (wait status ws). */
static void finish_trial(struct sweep *s, struct slot *sl, int ws)
{
	json_t *trial = json_array_get(s->trials, sl->trial), *out = NULL, *flat = NULL;
	cairn_buf o = CAIRN_BUF_INIT, e = CAIRN_BUF_INIT, what = CAIRN_BUF_INIT, msg = CAIRN_BUF_INIT;
	const char *status = "FAILED";
	json_error_t jerr;

	read_back(sl->out_fd, &o);
	read_back(sl->err_fd, &e);
	close(sl->out_fd);
	close(sl->err_fd);
	sl->out_fd = sl->err_fd = -1;
	sl->pid = 0;
	s->nrunning--;
	s->ndone++;
	params_text(json_object_get(trial, "params"), &what);

	if (WIFEXITED(ws) && WEXITSTATUS(ws) == 0 &&
	    (out = json_loads(o.buf, 0, &jerr)) &&
	    json_is_string(json_object_get(out, "run_id")) &&
	    json_is_object(json_object_get(out, "metrics"))) {
		status = "FINISHED";
		json_object_set(trial, "run_id", json_object_get(out, "run_id"));
		flat = json_object();
		flatten(flat, "", json_object_get(out, "metrics"));
		if (!s->metric && (s->metric = resolve_metric(s->o, flat)))
			s->minimize = s->o->minimize || cairn_sweep_minimizes(s->metric);
		if (s->metric && json_is_number(json_object_get(flat, s->metric)))
			json_object_set(trial, "value", json_object_get(flat, s->metric));
	} else {
		/* The last error line is the reason; "cairn: run ID FAILED" names
		 * the trial's run. */
		char *line = e.buf, *nl;
		for (; *line; line = nl + 1) {
			char run[CAIRN_ID_LEN + 1];
			nl = strchr(line, '\n');
			if (!nl)
				nl = line + strlen(line) - 1;
			if (!strncmp(line, "cairn: error: ", 14)) {
				cairn_buf_reset(&msg);
				cairn_buf_add(&msg, line + 14, (size_t)(nl - line) - 14 + (*nl != '\n'));
			} else if (sscanf(line, "cairn: run %26[0-9a-z] FAILED", run) == 1) {
				json_object_set_new(trial, "run_id", json_string(run));
			}
		}
		if (!msg.len) {
			if (WIFSIGNALED(ws)) {
				char name[16];
				signal_name(WTERMSIG(ws), name);
				cairn_buf_addf(&msg, "killed by %s", name);
			} else if (WIFEXITED(ws) && WEXITSTATUS(ws)) {
				cairn_buf_addf(&msg, "exit status %d", WEXITSTATUS(ws));
			} else {
				cairn_buf_adds(&msg, "its output is not the JSON of cairn train");
			}
		}
		json_object_set_new(trial, "message", json_string(msg.buf));
		if (got_count)
			status = "KILLED";
	}
	json_object_set_new(trial, "status", json_string(status));
	json_array_set_new(s->flat, sl->trial, flat ? flat : json_null());

	if (!strcmp(status, "FAILED")) {
		const json_t *run = json_object_get(trial, "run_id");
		char *line = e.buf, *nl;
		fprintf(stderr, "trial %zu (%s) FAILED: %s%s%s%s\n", sl->trial + 1, what.buf, msg.buf,
			json_is_string(run) ? " (run " : "",
			json_is_string(run) ? json_string_value(run) : "", json_is_string(run) ? ")" : "");
		/* Its other words (warnings, ...), each line marked with the trial. */
		for (; *line; line = nl + 1) {
			if (!(nl = strchr(line, '\n')))
				nl = line + strlen(line);
			if (strncmp(line, "cairn: error: ", 14) && strncmp(line, "cairn: run ", 11))
				fprintf(stderr, "trial %zu: %.*s\n", sl->trial + 1, (int)(nl - line), line);
			if (!*nl)
				break;
		}
	} else if (!s->o->quiet && !strcmp(status, "FINISHED")) {
		const json_t *v = json_object_get(trial, "value");
		if (json_is_number(v))
			fprintf(stderr, "trial %zu/%zu (%s): %s %.6g\n", sl->trial + 1,
				json_array_size(s->trials), what.buf, s->metric, json_number_value(v));
		else
			fprintf(stderr, "trial %zu/%zu (%s): finished, no metric %s\n", sl->trial + 1,
				json_array_size(s->trials), what.buf, s->metric ? s->metric : "");
	}
	json_decref(out);
	cairn_buf_release(&o);
	cairn_buf_release(&e);
	cairn_buf_release(&what);
	cairn_buf_release(&msg);
}

static void reap(struct sweep *s, int flags)
{
	for (int i = 0; i < s->nslots; i++) {
		struct slot *sl = &s->slots[i];
		pid_t r;
		int ws;
		if (!sl->pid)
			continue;
		while ((r = waitpid(sl->pid, &ws, flags)) < 0 && errno == EINTR)
			;
		if (r == sl->pid)
			finish_trial(s, sl, ws);
		else if (r < 0) /* not ours any more: count it as failed */
			finish_trial(s, sl, 1 << 8);
	}
}

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* After a signal: stops the running trials, and ends KILLED the runs they
 * had started (found while their processes still own them). */
static void stop_trials(struct sweep *s)
{
	struct cairn_run_list_options lo = { 0 };
	json_t *runs = NULL, *r;
	char name[16], msg[96];
	int64_t t0 = mono_ms();
	int hard = 0;
	size_t i;

	lo.status = "RUNNING";
	if (cairn_run_list(s->ctx, &lo, &runs)) {
		cairn__log_warn(s->ctx, "cannot list the trials' runs: %s", cairn_errmsg(s->ctx));
		cairn_error_clear(s->ctx);
	}
	for (int k = 0; k < s->nslots; k++)
		if (s->slots[k].pid)
			kill(-s->slots[k].pid, SIGTERM);
	while (s->nrunning) {
		struct timespec tick = { 0, 100 * 1000000L };
		ppoll(NULL, 0, &tick, &s->sig.wait_mask);
		if (!hard && (got_count >= 2 || mono_ms() - t0 > 5000)) {
			for (int k = 0; k < s->nslots; k++)
				if (s->slots[k].pid)
					kill(-s->slots[k].pid, SIGKILL);
			hard = 1;
		}
		reap(s, WNOHANG);
	}
	signal_name(got_first, name);
	snprintf(msg, sizeof(msg), "%s%s: the sweep was stopped", got_first ? "interrupted by " : "",
		 got_first ? name : "a trial could not start");
	json_array_foreach(runs, i, r) {
		const char *parent = json_string_value(json_object_get(r, "parent"));
		const char *rname = json_string_value(json_object_get(r, "name"));
		cairn_run *child = NULL;
		if (!parent || strcmp(parent, cairn_run_id(s->parent)))
			continue;
		if (!cairn_run_attach(s->ctx, json_string_value(json_object_get(r, "id")), &child))
			cairn_run_end(child, CAIRN_RUN_KILLED, msg);
		cairn_error_clear(s->ctx);  /* it may have ended by itself meanwhile */
		cairn_run_free(child);
		/* Name the run on its trial. */
		for (size_t t = 0; rname && t < json_array_size(s->trials); t++) {
			cairn_buf n = CAIRN_BUF_INIT;
			json_t *trial = json_array_get(s->trials, t);
			trial_name(s, t, &n);
			if (!strcmp(n.buf, rname)) {
				json_object_set(trial, "run_id", json_object_get(r, "id"));
				json_object_set_new(trial, "status", json_string("KILLED"));
				json_object_set_new(trial, "message", json_string(msg));
			}
			cairn_buf_release(&n);
		}
	}
	json_decref(runs);
}

/* Runs every trial, jobs at a time, until done or interrupted. */
static int run_trials(struct sweep *s)
{
	size_t next = 0, n = json_array_size(s->combos);
	int rc = 0;

	while (!got_count && (next < n || s->nrunning)) {
		for (int i = 0; i < s->nslots && next < n && !got_count && !rc; i++)
			if (!s->slots[i].pid)
				rc = start_trial(s, &s->slots[i], next++);
		if (rc || got_count)
			break;
		ppoll(NULL, 0, NULL, &s->sig.wait_mask);
		reap(s, WNOHANG);
	}
	if (got_count || rc)
		stop_trials(s);
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

static int sort_minimize;

static int cmp_trials(const void *pa, const void *pb)
{
	const json_t *a = *(json_t *const *)pa, *b = *(json_t *const *)pb;
	int ra = rank(a), rb = rank(b);

	if (ra != rb)
		return ra - rb;
	if (!ra) {
		double x = json_number_value(json_object_get(a, "value"));
		double y = json_number_value(json_object_get(b, "value"));
		if (isnan(x) != isnan(y))
			return isnan(x) ? 1 : -1;
		if (x != y && !isnan(x))
			return (sort_minimize ? x < y : x > y) ? -1 : 1;
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
	sort_minimize = minimize;
	qsort(v, n, sizeof(*v), cmp_trials);
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

/* The parent's params, logged before any trial starts. */
static int log_parent_params(struct sweep *s, const json_t *grid)
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
	if ((rc = cairn_run_log_input(s->parent, o->data, "train")) ||
	    (o->test && (rc = cairn_run_log_input(s->parent, o->test, "test"))))
		goto out;
out:
	json_decref(spec);
	cairn_buf_release(&b);
	return rc;
}

/* Checks the datasets before any run starts, so that a typo leaves none. */
static int check_data(cairn_ctx *ctx, const struct cairn_sweep_options *o)
{
	struct cairn_dataset_version v = { 0 };
	int rc = cairn_dataset_resolve(ctx, o->data, &v);

	cairn_dataset_version_release(&v);
	if (rc || !o->test)
		return rc;
	memset(&v, 0, sizeof(v));
	rc = cairn_dataset_resolve(ctx, o->test, &v);
	cairn_dataset_version_release(&v);
	return rc;
}

int cairn_sweep(cairn_ctx *ctx, const struct cairn_sweep_options *o, struct cairn_sweep_result *res)
{
	struct cairn_run_options ro = { 0 };
	struct sweep s = { 0 };
	json_t *grid = NULL, *parent_show = NULL;
	cairn_buf msg = CAIRN_BUF_INIT;
	char *extra[3] = { NULL, NULL, NULL };
	size_t nok = 0, i;
	json_t *t;
	int rc, installed = 0;

	memset(res, 0, sizeof(*res));
	s.ctx = ctx;
	s.o = o;
	if (!o->data || !o->algo)
		return cairn_error(ctx, CAIRN_EINVAL, "a sweep needs data and an algorithm");
	if ((rc = cairn_sweep_parse_grid(ctx, o->grid, o->ngrid, &grid)))
		return rc;
	res->ncombinations = grid_size(grid);
	if (o->random > res->ncombinations)
		cairn__log_warn(ctx, "--random %zu is more than the %zu combinations of the grid: running them all",
			       o->random, res->ncombinations);
	if ((rc = cairn_sweep_combinations(ctx, grid, o->random, o->seed, &s.combos)) ||
	    (rc = check_data(ctx, o)))
		goto out;

	ro.experiment = o->experiment;
	ro.name = o->name;
	ro.parent = getenv("CAIRN_RUN_ID");
	if (ro.parent && !*ro.parent)
		ro.parent = NULL;
	if ((rc = cairn_run_start(ctx, &ro, &s.parent)))
		goto out;
	snprintf(res->parent, sizeof(res->parent), "%s", cairn_run_id(s.parent));
	if ((rc = cairn_run_show(ctx, res->parent, &parent_show)))
		goto fail;
	s.parent_name = json_string_value(json_object_get(parent_show, "name"));
	if ((rc = log_parent_params(&s, grid)))
		goto fail;

	s.trials = json_array();
	s.flat = json_array();
	json_array_foreach(s.combos, i, t) {
		json_array_append_new(s.trials, json_pack("{s:I, s:n, s:O, s:n, s:s, s:n}", "trial",
							  (json_int_t)i + 1, "run_id", "params", t,
							  "value", "status", "SKIPPED", "message"));
		json_array_append_new(s.flat, json_null());
	}
	s.exe = o->exe ? o->exe : "/proc/self/exe";
	cairn_buf_addf(&msg, "CAIRN_RUN_ID=%s", res->parent);
	extra[0] = cairn_buf_detach(&msg, NULL);
	cairn_buf_addf(&msg, "CAIRN_DIR=%s", cairn_workspace_dir(ctx));
	extra[1] = cairn_buf_detach(&msg, NULL);
	s.env = cairn__env_new(extra);
	s.nslots = o->jobs > 0 ? o->jobs : 1;
	s.slots = cairn_xcalloc((size_t)s.nslots, sizeof(*s.slots));
	for (int k = 0; k < s.nslots; k++)
		s.slots[k].out_fd = s.slots[k].err_fd = -1;
	signals_install(&s.sig);
	installed = 1;
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
	if (got_count) {
		char name[16];
		signal_name(got_first, name);
		cairn_buf_addf(&msg, "interrupted by %s after %zu of %zu trials", name, nok,
			       json_array_size(s.trials));
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
	if (installed) {
		signals_restore_handlers(&s.sig);
		sigprocmask(SIG_SETMASK, &s.sig.old_mask, NULL);
	}
	res->metric = s.metric;
	res->minimize = s.minimize;
	if (!res->metric && o->metric) {
		res->metric = cairn_xstrdup(o->metric);
		res->minimize = o->minimize || cairn_sweep_minimizes(o->metric);
	}
	free(s.slots);
	cairn__env_free(s.env);
	free(extra[0]);
	free(extra[1]);
	json_decref(s.trials);
	json_decref(s.flat);
	json_decref(s.combos);
	json_decref(grid);
	json_decref(parent_show);
	cairn_run_free(s.parent);
	cairn_buf_release(&msg);
	return rc;
}
