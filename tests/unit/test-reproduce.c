/* Unit tests for reproducing a run (src/track/reproduce.c): a run of a
 * committed script whose output is deterministic reproduces as identical,
 * one whose output changes is reported different, and runs that cannot be
 * reproduced are refused with the reason. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "cairn/buf.h"
#include "cairn/error.h"
#include "cairn/exec.h"
#include "cairn/reproduce.h"
#include "cairn/run.h"
#include "cairn/workspace.h"
#include "core/fs.h"
#include "tests/unit/ml-fixture.h"
#include "tests/unit/suites.h"

/*
 * The scripts only write files: artifacts are logged, as `cairn log
 * artifact` would from inside the command, by a helper process of the test
 * (log_outputs) that waits for the script's "ready", logs to the run and
 * answers "done", which the script waits for before it exits.
 */
static const char wait_sh[] =
	": >ready\n"
	"i=0\n"
	"while [ ! -e done ] && [ $i -lt 1000 ]; do sleep 0.01; i=$((i + 1)); done\n"
	"test -e done\n";
static const char det_sh[] =
	"echo \"seed=$CAIRN_PARAM_seed\" >model.txt\n"
	"printf 'a\\nb\\n' >rows.txt\n"
	". ./wait.sh\n";
static const char noisy_sh[] =
	"date +%s%N >stamp.txt\n"
	"echo \"$$ $(od -An -N8 -tx8 /dev/urandom)\" >>stamp.txt\n"
	"echo same >same.txt\n"
	". ./wait.sh\n";

static void write_text(const char *path, const char *text)
{
	cairn_ctx *ctx = cairn_ctx_new();

	CHECK_OK(ctx, cairn_write_file_atomic(ctx, path, text, strlen(text), 0644));
	cairn_ctx_free(ctx);
}

static int sh(const char *cmd)
{
	int st;

	fflush(NULL);
	st = system(cmd);
	if (st != 0)
		unit_fail(__FILE__, __LINE__, "'%s' exited %d", cmd, st);
	return st;
}

/* A git repository in the test's directory with the scripts committed, and
 * a workspace in it. */
static cairn_ctx *repo_workspace(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	enum cairn_init_result r;

	write_text("wait.sh", wait_sh);
	write_text("det.sh", det_sh);
	write_text("noisy.sh", noisy_sh);
	write_text(".gitignore", "*.txt\nready\ndone\n");
	sh("git init -q . && git add wait.sh det.sh noisy.sh .gitignore && "
	   "git -c user.name=cairn-test -c user.email=test@example.invalid -c commit.gpgsign=false "
	   "commit -q -m scripts");
	CHECK_OK(ctx, cairn_workspace_init(ctx, ".", 1, &r));
	return ctx;
}

/* Forks the helper that logs dir/names[i] as artifacts of run id once
 * dir/ready exists, then creates dir/done. */
static pid_t log_outputs(const char *workspace, const char *id, const char *dir,
			 const char *const *names)
{
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		cairn_ctx *ctx = cairn_ctx_new();
		cairn_buf path = CAIRN_BUF_INIT;
		cairn_run *run = NULL;
		struct stat st;
		int rc, i;

		cairn_path_join(&path, dir, "ready");
		for (i = 0; i < 1000 && stat(path.buf, &st); i++)
			usleep(10000);
		rc = cairn_workspace_open(ctx, workspace) || cairn_run_attach(ctx, id, &run);
		for (i = 0; !rc && names[i]; i++) {
			cairn_path_join(&path, dir, names[i]);
			rc = cairn_run_log_artifact(run, path.buf, names[i]);
		}
		if (rc)
			fprintf(stderr, "  log_outputs: %s\n", cairn_errmsg(ctx));
		cairn_path_join(&path, dir, "done");
		if (!rc)
			rc = cairn_write_file_atomic(ctx, path.buf, "", 0, 0644);
		_exit(rc ? 1 : 0);
	}
	CHECK(pid > 0);
	return pid;
}

static void reap(pid_t pid)
{
	int st = -1;

	if (pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return;
	unit_fail(__FILE__, __LINE__, "the helper that logs artifacts failed (status %d)", st);
}

/* Runs argv here as run `name` with params, its outputs names logged;
 * returns the run's id in id. */
static void tracked_run(cairn_ctx *ctx, const char *name, char **argv,
			const struct cairn_exec_param *params, size_t nparams,
			const char *const *names, char id[CAIRN_ID_LEN + 1])
{
	struct cairn_run_options ro = { 0 };
	struct cairn_exec_options eo = { 0 };
	struct cairn_exec_result res;
	cairn_run *run = NULL;
	pid_t pid;

	cairn_exec_options_init(&eo);
	eo.env = environ;
	ro.name = name;
	CHECK_OK(ctx, cairn_run_start(ctx, &ro, &run));
	if (!run)
		return;
	snprintf(id, CAIRN_ID_LEN + 1, "%s", cairn_run_id(run));
	pid = log_outputs(unit_dir(), id, unit_dir(), names);
	eo.argv = argv;
	eo.params = params;
	eo.nparams = nparams;
	fflush(NULL);
	CHECK_OK(ctx, cairn_exec_run(run, &eo, &res));
	CHECK_INT(res.exit_status, ==, 0);
	reap(pid);
	cairn_run_free(run);
	unlink("ready");
	unlink("done");
}

/* What the started callback needs to log the reproduction's outputs. */
struct logging {
	const char *const *names;
	pid_t pid;
	char run[CAIRN_ID_LEN + 1];
};

static void on_started(const char *original, const char *run_id, const char *workdir, void *arg)
{
	struct logging *l = arg;

	(void)original;
	snprintf(l->run, sizeof(l->run), "%s", run_id);
	l->pid = log_outputs(unit_dir(), run_id, workdir, l->names);
}

/* Reproduces id with TMPDIR set to tmp/ of the test's directory, which
 * must be empty afterwards, like the repository's list of worktrees. */
static int reproduce(cairn_ctx *ctx, const char *id, const char *const *names, json_t **report)
{
	struct cairn_reproduce_options o = { 0 };
	struct cairn_exec_options eo;
	struct logging l = { names, -1, "" };
	char *old = getenv("TMPDIR") ? cairn_xstrdup(getenv("TMPDIR")) : NULL;
	cairn_buf tmp = CAIRN_BUF_INIT;
	DIR *d;
	struct dirent *e;
	int rc, left = 0;

	cairn_path_join(&tmp, unit_dir(), "tmp");
	mkdir(tmp.buf, 0777);
	setenv("TMPDIR", tmp.buf, 1);
	cairn_exec_options_init(&eo);
	eo.env = environ;
	o.exec = &eo;
	o.started = on_started;
	o.arg = &l;
	fflush(NULL);
	rc = cairn_reproduce(ctx, id, &o, report);
	if (old)
		setenv("TMPDIR", old, 1);
	else
		unsetenv("TMPDIR");
	free(old);
	if (l.pid > 0)
		reap(l.pid);
	for (d = opendir(tmp.buf); d && (e = readdir(d));)
		left += e->d_name[0] != '.';
	if (d)
		closedir(d);
	CHECK_INT(left, ==, 0);
	for (d = opendir(".git/worktrees"); d && (e = readdir(d));)
		left += e->d_name[0] != '.';
	if (d)
		closedir(d);
	CHECK_INT(left, ==, 0);
	cairn_buf_release(&tmp);
	return rc;
}

static const char *sget(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static json_int_t iget(const json_t *o, const char *key)
{
	return json_integer_value(json_object_get(o, key));
}

/* The result for path in the report's artifacts, or NULL. */
static const char *result_of(const json_t *report, const char *path)
{
	size_t i;
	json_t *a;

	json_array_foreach(json_object_get(report, "artifacts"), i, a)
		if (!strcmp(sget(a, "path"), path))
			return sget(a, "result");
	return NULL;
}

static void test_reproduce_identical(void)
{
	cairn_ctx *ctx = repo_workspace();
	static const char *const names[] = { "model.txt", "rows.txt", NULL };
	char *argv[] = { "sh", "det.sh", NULL };
	struct cairn_exec_param params[] = { { "seed", "42" } };
	char id[CAIRN_ID_LEN + 1] = "";
	json_t *report = NULL, *orig = NULL, *now = NULL;

	tracked_run(ctx, "train", argv, params, 1, names, id);
	CHECK_OK(ctx, cairn_run_show(ctx, id, &orig));
	CHECK_STR(sget(orig, "status"), "FINISHED");
	CHECK_INT(json_array_size(json_object_get(orig, "artifacts")), >=, 2);
	CHECK_OK(ctx, reproduce(ctx, id, names, &report));
	if (!report)
		goto out;
	CHECK(json_is_true(json_object_get(report, "reproduced")));
	CHECK_STR(sget(report, "status"), "FINISHED");
	CHECK_INT(iget(report, "exit_status"), ==, 0);
	CHECK_STR(sget(report, "original"), id);
	CHECK_STR(sget(report, "commit"),
		  sget(json_object_get(json_object_get(orig, "info"), "code"), "commit"));
	CHECK(json_is_false(json_object_get(report, "diff_applied")));
	CHECK(json_is_null(json_object_get(report, "workdir")));
	CHECK_INT(iget(report, "identical"), ==, 2);
	CHECK_INT(iget(report, "different"), ==, 0);
	CHECK_INT(iget(report, "missing"), ==, 0);
	CHECK_INT(iget(report, "new"), ==, 0);
	CHECK_STR(result_of(report, "model.txt"), "identical");
	CHECK_STR(result_of(report, "rows.txt"), "identical");
	/* cairn's own records (logs/) are not compared. */
	CHECK(result_of(report, "logs/stdout.txt") == NULL);
	/* The new run: same params, linked to the original. */
	CHECK(sget(report, "run") && strcmp(sget(report, "run"), id));
	CHECK_OK(ctx, cairn_run_show(ctx, sget(report, "run"), &now));
	CHECK_STR(sget(now, "name"), "train-repro");
	CHECK_STR(sget(json_object_get(now, "params"), "seed"), "42");
	CHECK_STR(sget(json_object_get(now, "tags"), "cairn.reproduced_from"), id);
	CHECK_STR(sget(json_object_get(now, "info"), "reproduced_from"), id);
out:
	json_decref(report);
	json_decref(orig);
	json_decref(now);
	cairn_ctx_free(ctx);
}

static void test_reproduce_different(void)
{
	cairn_ctx *ctx = repo_workspace();
	static const char *const names[] = { "stamp.txt", "same.txt", NULL };
	char *argv[] = { "sh", "noisy.sh", NULL };
	char id[CAIRN_ID_LEN + 1] = "";
	json_t *report = NULL;

	tracked_run(ctx, "noisy", argv, NULL, 0, names, id);
	CHECK_OK(ctx, reproduce(ctx, id, names, &report));
	if (!report)
		goto out;
	CHECK(json_is_false(json_object_get(report, "reproduced")));
	/* The command itself ran fine: only its output differs. */
	CHECK_STR(sget(report, "status"), "FINISHED");
	CHECK_STR(result_of(report, "stamp.txt"), "different");
	CHECK_STR(result_of(report, "same.txt"), "identical");
	CHECK_INT(iget(report, "identical"), ==, 1);
	CHECK_INT(iget(report, "different"), ==, 1);
	CHECK_INT(iget(report, "missing"), ==, 0);
out:
	json_decref(report);
	cairn_ctx_free(ctx);
}

/* An artifact the reproduction does not make is missing. */
static void test_reproduce_missing(void)
{
	cairn_ctx *ctx = repo_workspace();
	static const char *const names[] = { "model.txt", "rows.txt", NULL };
	static const char *const fewer[] = { "model.txt", NULL };
	char *argv[] = { "sh", "det.sh", NULL };
	char id[CAIRN_ID_LEN + 1] = "";
	json_t *report = NULL;

	tracked_run(ctx, "train", argv, NULL, 0, names, id);
	CHECK_OK(ctx, reproduce(ctx, id, fewer, &report));
	CHECK(report && json_is_false(json_object_get(report, "reproduced")));
	CHECK_STR(result_of(report, "rows.txt"), "missing");
	CHECK_INT(iget(report, "missing"), ==, 1);
	CHECK_INT(iget(report, "identical"), ==, 1);
	json_decref(report);
	cairn_ctx_free(ctx);
}

static void test_reproduce_refusals(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	struct cairn_exec_options eo = { 0 };
	struct cairn_exec_result res;
	enum cairn_init_result r;
	char *argv[] = { "true", NULL };
	char *ceiling = cairn_xstrdup(unit_dir()), *slash = strrchr(ceiling, '/');
	char outside[CAIRN_ID_LEN + 1] = "", running[CAIRN_ID_LEN + 1] = "";
	char bare[CAIRN_ID_LEN + 1] = "";
	cairn_run *run = NULL;
	json_t *report = (json_t *)1;
	size_t before;

	/* A command run outside any git repository (git may not look above the
	 * test's directory) records no code version. */
	if (slash)
		*slash = '\0';
	setenv("GIT_CEILING_DIRECTORIES", ceiling, 1);
	CHECK_OK(ctx, cairn_workspace_init(ctx, ".", 1, &r));
	CHECK_OK(ctx, cairn_run_start(ctx, NULL, &run));
	if (run) {
		snprintf(outside, sizeof(outside), "%s", cairn_run_id(run));
		cairn_exec_options_init(&eo);
		eo.env = environ;
		eo.argv = argv;
		fflush(NULL);
		CHECK_OK(ctx, cairn_exec_run(run, &eo, &res));
		CHECK_INT(res.exit_status, ==, 0);
		cairn_run_free(run);
		run = NULL;
	}
	unsetenv("GIT_CEILING_DIRECTORIES");
	/* A run still RUNNING, and one made without a command. */
	CHECK_OK(ctx, cairn_run_start(ctx, NULL, &run));
	if (run) {
		snprintf(running, sizeof(running), "%s", cairn_run_id(run));
		cairn_run_free(run);
		run = NULL;
	}
	CHECK_OK(ctx, cairn_run_start(ctx, NULL, &run));
	if (run) {
		snprintf(bare, sizeof(bare), "%s", cairn_run_id(run));
		CHECK_OK(ctx, cairn_run_end(run, CAIRN_RUN_FINISHED, NULL));
		cairn_run_free(run);
	}
	before = fixture_count_runs(ctx, NULL);
	CHECK_ERR(ctx, cairn_reproduce(ctx, outside, NULL, &report), CAIRN_EINVAL, "code version");
	CHECK(strstr(cairn_errmsg(ctx), outside) != NULL);
	CHECK(report == NULL);
	CHECK_ERR(ctx, cairn_reproduce(ctx, running, NULL, &report), CAIRN_EINVAL, "RUNNING");
	CHECK_ERR(ctx, cairn_reproduce(ctx, bare, NULL, &report), CAIRN_EINVAL, "command");
	CHECK_ERR(ctx, cairn_reproduce(ctx, "01zzzzzzzz", NULL, &report), CAIRN_ENOTFOUND,
		  "01zzzzzzzz");
	/* Refusals start no run. */
	CHECK_INT(fixture_count_runs(ctx, NULL), ==, before);
	free(ceiling);
	cairn_ctx_free(ctx);
}

const struct unit_test reproduce_tests[] = {
	{ "reproduce_identical", test_reproduce_identical },
	{ "reproduce_different", test_reproduce_different },
	{ "reproduce_missing", test_reproduce_missing },
	{ "reproduce_refusals", test_reproduce_refusals },
	{ NULL, NULL }
};
