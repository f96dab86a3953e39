/* Reproducing a run: its commit in a temporary git worktree, its diff, its
 * input datasets, its command again as a new run, and the comparison of the
 * artifacts; see include/cairn/reproduce.h. */
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cairn/dataset.h"
#include "cairn/error.h"
#include "cairn/exec.h"
#include "cairn/objects.h"
#include "cairn/reproduce.h"
#include "cairn/run.h"
#include "core/fs.h"
#include "core/log.h"
#include "track/codever-internal.h"
#include "track/run-internal.h"

struct repro {
	cairn_ctx *ctx;
	char *const *env;       /* the caller's environment, for git and the command */
	json_t *orig;           /* cairn_run_show of the original */
	const char *id;         /* its id */
	const char *repo;       /* info.code.repository */
	const char *commit;
	cairn_buf tmp;          /* the temporary directory */
	cairn_buf worktree;     /* tmp/src */
	cairn_buf inputs;       /* tmp/inputs */
	int worktree_added;
	int diff_applied;
	json_t *inputs_report;
	json_t *tree;           /* the original and its descendants (see run_tree) */
	cairn_buf pins;         /* "name@N,...": the versions its runs used */
};

static const char *str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static void remove_tree(cairn_ctx *ctx, const char *path)
{
	if (cairn_remove_tree(path))
		cairn__log_warn(ctx, "cannot remove '%s': %s", path, strerror(errno));
}

/* Checks that the original run can be reproduced, and finds its code. */
static int check_original(struct repro *r)
{
	const json_t *info = json_object_get(r->orig, "info");
	const json_t *code = json_object_get(info, "code");
	const json_t *cmd = json_object_get(info, "command");

	if (!json_is_array(cmd) || !json_array_size(cmd))
		return cairn_error(r->ctx, CAIRN_EINVAL, "run %s recorded no command and no training"
				   " recipe: only runs of 'cairn run', 'cairn train' and sweep trials"
				   " can be reproduced", r->id);
	if (!json_is_object(code) || !str(code, "repository"))
		return cairn_error(r->ctx, CAIRN_EINVAL, "run %s recorded no code version (it did not run"
				   " in a git repository): cannot reproduce it", r->id);
	if (!str(code, "commit"))
		return cairn_error(r->ctx, CAIRN_EINVAL, "run %s ran in repository '%s' before its first"
				   " commit: cannot reproduce it", r->id, str(code, "repository"));
	r->repo = str(code, "repository");
	r->commit = str(code, "commit");
	if (!cairn_is_dir(r->repo))
		return cairn_error(r->ctx, CAIRN_ENOTFOUND, "cannot find repository '%s' of run %s",
				   r->repo, r->id);
	return 0;
}

static int add_worktree(struct repro *r)
{
	const char *args[] = { "worktree", "add", "--detach", "--quiet", r->worktree.buf, r->commit,
			       NULL };
	cairn_buf err = CAIRN_BUF_INIT;
	int st, rc = 0;

	if ((st = cairn__git(r->repo, args, r->env, NULL, -1, NULL, &err)) != 0)
		rc = cairn_error(r->ctx, CAIRN_EIO, "cannot check out commit %.12s of"
				 " '%s': %s", r->commit, r->repo,
				 st < 0 ? strerror(errno) : cairn__git_first_line(&err));
	else
		r->worktree_added = 1;
	cairn_buf_release(&err);
	return rc;
}

static void remove_worktree(struct repro *r)
{
	const char *rm[] = { "worktree", "remove", "--force", r->worktree.buf, NULL };
	const char *prune[] = { "worktree", "prune", NULL };

	if (r->worktree_added && cairn__git(r->repo, rm, r->env, NULL, -1, NULL, NULL) != 0) {
		remove_tree(r->ctx, r->worktree.buf);
		cairn__git(r->repo, prune, r->env, NULL, -1, NULL, NULL);
	}
	remove_tree(r->ctx, r->tmp.buf);
}

/* Applies the recorded diff when the tree was dirty; refuses when it does
 * not apply. */
static int apply_diff(struct repro *r)
{
	const json_t *code = json_object_get(json_object_get(r->orig, "info"), "code");
	const json_t *skipped = json_object_get(code, "untracked_skipped");
	const char *args[] = { "apply", "--binary", "--whitespace=nowarn", NULL, NULL };
	cairn_buf patch = CAIRN_BUF_INIT, err = CAIRN_BUF_INIT;
	json_t *a;
	size_t i;
	int st, rc = 0, found = 0;

	if (!json_is_true(json_object_get(code, "dirty")))
		return 0;
	json_array_foreach(json_object_get(r->orig, "artifacts"), i, a)
		if (!strcmp(str(a, "path"), "code/diff.patch"))
			found = 1;
	/* Without a diff, the tree may only have been dirty by untracked files
	 * too large to record. */
	if (!found && (json_object_get(code, "diff") || !json_array_size(skipped))) {
		rc = cairn_error(r->ctx, CAIRN_ENOTFOUND, "run %s ran on changes to commit %.12s but"
				 " its diff (artifact code/diff.patch) is missing: cannot reproduce"
				 " its code", r->id, r->commit);
		goto out;
	}
	if (json_array_size(skipped))
		cairn__log_warn(r->ctx, "run %s left %zu large untracked file%s out of its diff (e.g. '%s'):"
			       " the reproduction runs without them", r->id, json_array_size(skipped),
			       json_array_size(skipped) == 1 ? "" : "s",
			       json_string_value(json_array_get(skipped, 0)));
	if (!found)
		goto out;
	cairn_path_join(&patch, r->tmp.buf, "diff.patch");
	if ((rc = cairn_run_get_artifact(r->ctx, r->id, "code/diff.patch", patch.buf, 0)))
		goto out;
	args[3] = patch.buf;
	if ((st = cairn__git(r->worktree.buf, args, r->env, NULL, -1, NULL, &err)) != 0) {
		rc = cairn_error(r->ctx, CAIRN_EIO, "cannot apply the recorded changes of run %s"
				 " (code/diff.patch) to commit %.12s: %s; refusing to run other code",
				 r->id, r->commit, st < 0 ? strerror(errno) : cairn__git_first_line(&err));
		goto out;
	}
	r->diff_applied = 1;
out:
	cairn_buf_release(&patch);
	cairn_buf_release(&err);
	return rc;
}

/* The base name of a version's source, or its dataset name. */
static void file_name(const struct cairn_dataset_version *v, cairn_buf *out)
{
	const char *s = v->source && !strcmp(v->source_kind, "file") ? v->source : "";
	size_t n = strlen(s);
	const char *base;

	while (n && s[n - 1] == '/')
		n--;
	base = s + n;
	while (base > s && base[-1] != '/')
		base--;
	cairn_buf_reset(out);
	if (s + n > base)
		cairn_buf_add(out, base, (size_t)(s + n - base));
	else
		cairn_buf_adds(out, v->name);
}

/* Writes version v to dest (a file, or a directory tree), making parents. */
static int checkout_to(struct repro *r, const struct cairn_dataset_version *v, const char *dest,
		       const enum cairn_link_type *types, int ntypes)
{
	char *parent = cairn_xstrdup(dest), *slash = strrchr(parent, '/');
	int rc = 0;

	if (slash && slash != parent) {
		*slash = '\0';
		rc = cairn_mkdir_p(r->ctx, parent, 0777);
	}
	free(parent);
	if (!rc && !strcmp(v->kind, "dir"))
		rc = cairn_mkdir_p(r->ctx, dest, 0777);
	return rc ? rc : cairn_dataset_checkout(r->ctx, v, dest, types, ntypes, 0);
}

/* Writes the run's input versions to inputs/NAME@N/ and to the paths the
 * original run found them at in the repository. */
static int materialize_inputs(struct repro *r)
{
	const json_t *where = json_object_get(json_object_get(r->orig, "info"), "input_paths");
	enum cairn_link_type types[CAIRN_LINK_MAX];
	cairn_buf dest = CAIRN_BUF_INIT, name = CAIRN_BUF_INIT;
	json_t *in;
	size_t i;
	int ntypes, rc;

	if ((rc = cairn_workspace_link_types(r->ctx, types, &ntypes)) ||
	    (rc = cairn_mkdir_p(r->ctx, r->inputs.buf, 0777)))
		return rc;
	json_array_foreach(json_object_get(r->orig, "inputs"), i, in) {
		struct cairn_dataset_version v = { 0 };
		const char *ref = str(in, "dataset"), *rel = str(where, ref);
		json_t *paths = json_array();

		if ((rc = cairn_dataset_resolve(r->ctx, str(in, "version_id"), &v))) {
			json_decref(paths);
			cairn_error_prefix(r->ctx, "cannot find input %s of run %s", ref, r->id);
			break;
		}
		cairn_buf_reset(&dest);
		cairn_buf_addf(&dest, "%s/%s", r->inputs.buf, ref);
		if (strcmp(v.kind, "dir")) {
			file_name(&v, &name);
			cairn_buf_addf(&dest, "/%s", name.buf);
		}
		if (!(rc = checkout_to(r, &v, dest.buf, types, ntypes))) {
			json_array_append_new(paths, json_string(dest.buf));
			if (rel) {
				cairn_path_join(&dest, r->worktree.buf, rel);
				if (!(rc = checkout_to(r, &v, dest.buf, types, ntypes)))
					json_array_append_new(paths, json_string(dest.buf));
			}
		}
		json_array_append_new(r->inputs_report, json_pack("{s:s, s:o}", "dataset", ref,
								  "paths", paths));
		cairn_dataset_version_release(&v);
		if (rc)
			break;
	}
	cairn_buf_release(&dest);
	cairn_buf_release(&name);
	return rc;
}

/* The recorded command with arguments under the original repository
 * pointed at the worktree (NULL terminated; free with free_argv). */
static char **command_argv(struct repro *r)
{
	const json_t *cmd = json_object_get(json_object_get(r->orig, "info"), "command");
	size_t n = json_array_size(cmd), len = strlen(r->repo), i;
	char **argv = cairn_xcalloc(n + 1, sizeof(*argv));
	cairn_buf b = CAIRN_BUF_INIT;

	for (i = 0; i < n; i++) {
		const char *a = json_string_value(json_array_get(cmd, i));
		if (!a)
			a = "";
		if (!strncmp(a, r->repo, len) && (a[len] == '/' || !a[len])) {
			cairn_buf_addf(&b, "%s%s", r->worktree.buf, a + len);
			argv[i] = cairn_buf_detach(&b, NULL);
		} else {
			argv[i] = cairn_xstrdup(a);
		}
	}
	return argv;
}

static void free_argv(char **argv)
{
	for (size_t i = 0; argv && argv[i]; i++)
		free(argv[i]);
	free(argv);
}

/* Marks run as the reproduction of the original: info, tag, lineage. */
static int link_run(struct repro *r, cairn_run *run)
{
	int rc;

	if ((rc = cairn_run_set_info(run, "reproduced_from", json_string(r->id))) ||
	    (rc = cairn_run_set_tag(run, "cairn.reproduced_from", r->id)) ||
	    (rc = cairn__db_begin(run->db)))
		return rc;
	if ((rc = cairn__lineage_add(run->db, "run", run->id, "reproduces", "run", r->id))) {
		cairn__db_rollback(run->db);
		return rc;
	}
	return cairn__db_commit(run->db);
}

/* The new run's options: the original's experiment, its name with -repro. */
static void new_run_options(struct repro *r, struct cairn_run_options *o, cairn_buf *name)
{
	memset(o, 0, sizeof(*o));
	cairn_buf_addf(name, "%.240s-repro", str(r->orig, "name"));
	o->experiment = str(r->orig, "experiment");
	o->name = name->buf;
}

/* Starts the new run and links it to the original. */
static int start_run(struct repro *r, cairn_run **out)
{
	struct cairn_run_options o;
	cairn_buf name = CAIRN_BUF_INIT;
	cairn_run *run = NULL;
	int rc;

	new_run_options(r, &o, &name);
	if ((rc = cairn_run_start(r->ctx, &o, &run)))
		goto out;
	if ((rc = link_run(r, run))) {
		cairn_run_end(run, CAIRN_RUN_FAILED, cairn_errmsg(r->ctx));
		goto out;
	}
	*out = run;
	run = NULL;
out:
	cairn_run_free(run);
	cairn_buf_release(&name);
	return rc;
}

/* Trains again from the original's recipe through the caller's retrain (a
 * training run is ml's business, above this module), links the new run and
 * fills the report's run fields. */
static int retrain(struct repro *r, const struct cairn_reproduce_options *opts, json_t *report)
{
	const json_t *recipe = json_object_get(json_object_get(r->orig, "info"), "recipe");
	char id[CAIRN_ID_LEN + 1] = "";
	struct cairn_run_options o;
	cairn_buf name = CAIRN_BUF_INIT;
	cairn_run *run = NULL;
	json_t *show = NULL;
	int rc;

	if (!opts->retrain) {
		rc = cairn_error(r->ctx, CAIRN_EINVAL, "run %s was made by built-in training: reproducing"
				 " it needs a trainer (the options' retrain)", r->id);
		goto out;
	}
	new_run_options(r, &o, &name);
	rc = opts->retrain(r->ctx, recipe, &o, id, opts->retrain_arg);
	/* A training that failed is a report (the new run says how); no run,
	 * or a cancel, is an error. */
	if (!*id || rc == CAIRN_EINTERRUPTED)
		goto out;
	cairn_error_clear(r->ctx);
	if ((rc = cairn_run_attach(r->ctx, id, &run)) || (rc = link_run(r, run)) ||
	    (rc = cairn_run_show(r->ctx, id, &show)))
		goto out;
	if (opts->started)
		opts->started(r->id, id, NULL, opts->arg);
	json_object_set_new(report, "run", json_string(id));
	json_object_set_new(report, "status", json_string(str(show, "status")));
	json_object_set_new(report, "exit_status", json_null());
	json_object_set_new(report, "message", json_string(str(show, "message") ?
							   str(show, "message") : ""));
out:
	json_decref(show);
	cairn_run_free(run);
	cairn_buf_release(&name);
	return rc;
}

/* Runs the command as the new run; fills the report's run fields. */
static int rerun(struct repro *r, const struct cairn_reproduce_options *opts, json_t *report)
{
	const json_t *info = json_object_get(r->orig, "info");
	const json_t *cli_params = json_object_get(info, "cli_params");
	const char *prefix = str(json_object_get(info, "code"), "path");
	struct cairn_exec_param *params = NULL;
	struct cairn_exec_options eo;
	struct cairn_exec_result res;
	cairn_buf cwd = CAIRN_BUF_INIT, env_entry = CAIRN_BUF_INIT;
	cairn_buf pins_entry = CAIRN_BUF_INIT;
	char *env[3] = { NULL, NULL, NULL }, **argv = NULL;
	cairn_run *run = NULL;
	const char *key;
	json_t *v;
	size_t n = 0;
	int rc;

	if ((rc = start_run(r, &run)))
		return rc;
	json_object_set_new(report, "run", json_string(cairn_run_id(run)));
	params = cairn_xcalloc(json_object_size(cli_params) + 1, sizeof(*params));
	json_object_foreach((json_t *)cli_params, key, v)
		if (json_is_string(v)) {
			params[n].key = key;
			params[n++].value = json_string_value(v);
		}
	cairn_path_join(&cwd, r->worktree.buf, prefix ? prefix : "");
	cairn_buf_addf(&env_entry, "CAIRN_INPUTS_DIR=%s", r->inputs.buf);
	env[0] = env_entry.buf;
	/* A dataset the command names without a version is the one the
	 * original's runs used (cairn_ctx_pin_datasets). */
	if (r->pins.len) {
		cairn_buf_addf(&pins_entry, "CAIRN_DATASET_PINS=%s", r->pins.buf);
		env[1] = pins_entry.buf;
	}
	argv = command_argv(r);
	if (opts->exec)
		eo = *opts->exec;
	else
		cairn_exec_options_init(&eo);
	eo.argv = argv;
	eo.cwd = cwd.buf;
	eo.params = params;
	eo.nparams = n;
	eo.extra_env = env;
	if (opts->started)
		opts->started(r->id, cairn_run_id(run), r->worktree.buf, opts->arg);
	if (!(rc = cairn_exec_run(run, &eo, &res))) {
		json_object_set_new(report, "status", json_string(cairn_run_status_name(res.status)));
		json_object_set_new(report, "exit_status", json_integer(res.exit_status));
		json_object_set_new(report, "message", json_string(res.message));
	}
	free_argv(argv);
	free(params);
	cairn_buf_release(&cwd);
	cairn_buf_release(&env_entry);
	cairn_buf_release(&pins_entry);
	cairn_run_free(run);
	return rc;
}

/*
 * The runs compared: a run and its descendants, depth first in the order
 * they started, each labelled by its place ("" for the run itself, "1" for
 * its first child, "1.2" for that child's second child), so that the
 * original's and the reproduction's line up by label.
 */
static int run_tree(cairn_ctx *ctx, const char *id, const char *label, json_t *show,
		    json_t *out, int depth)
{
	json_t *child;
	size_t i;
	int rc = 0;

	if (!show && (rc = cairn_run_show(ctx, id, &show)))
		return rc;
	json_array_append_new(out, json_pack("{s:s, s:o}", "label", label, "run", show));
	if (depth >= 16)
		return 0;
	json_array_foreach(json_object_get(show, "children"), i, child) {
		cairn_buf l = CAIRN_BUF_INIT;
		cairn_buf_addf(&l, "%s%s%zu", label, *label ? "." : "", i + 1);
		rc = run_tree(ctx, json_string_value(child), l.buf, NULL, out, depth + 1);
		cairn_buf_release(&l);
		if (rc)
			break;
	}
	return rc;
}

static const json_t *tree_get(const json_t *tree, const char *label)
{
	const json_t *n;
	size_t i;

	json_array_foreach(tree, i, n)
		if (!strcmp(str(n, "label"), label))
			return json_object_get(n, "run");
	return NULL;
}

/* "name@N,..." of the dataset versions the runs of tree used; a name used
 * in several versions is not pinned (the command picks its own). */
static void collect_pins(struct repro *r)
{
	json_t *seen = json_object(), *n, *in, *v;
	const char *name;
	size_t i, j;

	json_array_foreach(r->tree, i, n)
		json_array_foreach(json_object_get(json_object_get(n, "run"), "inputs"), j, in) {
			const char *ref = str(in, "dataset"), *at = ref ? strrchr(ref, '@') : NULL;
			char *key;
			if (!at)
				continue;
			key = cairn_xstrndup(ref, (size_t)(at - ref));
			v = json_object_get(seen, key);
			if (!v)
				json_object_set_new(seen, key, json_string(ref));
			else if (json_is_string(v) && strcmp(json_string_value(v), ref)) {
				cairn__log_warn(r->ctx, "run %s used dataset '%s' in more than one version"
						" (%s, %s): the reproduction does not pin it", r->id,
						key, json_string_value(v), ref);
				json_object_set_new(seen, key, json_null());
			}
			free(key);
		}
	json_object_foreach(seen, name, v)
		if (json_is_string(v))
			cairn_buf_addf(&r->pins, "%s%s", r->pins.len ? "," : "", json_string_value(v));
	json_decref(seen);
}

/* The pins as a JSON array of "name@N". */
static json_t *pins_json(const struct repro *r)
{
	json_t *a = json_array();
	const char *p = r->pins.buf;

	while (*p) {
		size_t n = strcspn(p, ",");
		json_array_append_new(a, json_stringn(p, n));
		p += n + (p[n] == ',');
	}
	return a;
}

/*
 * Artifacts that are cairn's records of the run rather than what it made,
 * left out of the comparison: logs/ and code/, and in a model package (a
 * directory holding an MLmodel) its MLmodel and lineage.json, which name the
 * run that made it and when.
 */
static int excluded(const char *path, const json_t *by_path)
{
	const char *slash = strrchr(path, '/'), *base = slash ? slash + 1 : path;
	cairn_buf mlmodel = CAIRN_BUF_INIT;
	int in_package;

	if (!strncmp(path, "logs/", 5) || !strncmp(path, "code/", 5))
		return 1;
	if (strcmp(base, "MLmodel") && strcmp(base, "lineage.json"))
		return 0;
	cairn_buf_add(&mlmodel, path, (size_t)(base - path));
	cairn_buf_adds(&mlmodel, "MLmodel");
	in_package = json_object_get(by_path, mlmodel.buf) != NULL;
	cairn_buf_release(&mlmodel);
	return in_package;
}

struct counts {
	json_int_t art[4];     /* identical, different, missing, new */
	json_int_t met[3];     /* identical, different, missing */
	json_int_t runs_differ;
};

static json_t *artifact_map(const json_t *run)
{
	json_t *m = json_object(), *a;
	size_t i;

	json_array_foreach(json_object_get(run, "artifacts"), i, a)
		json_object_set(m, str(a, "path"), a);
	return m;
}

static void add_label(json_t *o, const char *label)
{
	json_object_set_new(o, "child", *label ? json_string(label) : json_null());
}

/* Compares the artifacts and metrics of original run a with b (NULL: the
 * reproduction has no such run) into the report's lists. */
static void compare_pair(const char *label, const json_t *a, const json_t *b, json_t *arts,
			 json_t *metrics, struct counts *c)
{
	json_t *amap = artifact_map(a), *bmap = b ? artifact_map(b) : json_object(), *x, *y;
	const char *key;
	size_t i;

	json_array_foreach(json_object_get(a, "artifacts"), i, x) {
		const char *path = str(x, "path"), *result;
		json_t *e;
		if (excluded(path, amap))
			continue;
		y = json_object_get(bmap, path);
		result = !y ? "missing" : !strcmp(str(x, "hash"), str(y, "hash")) ? "identical" :
			 "different";
		c->art[!y ? 2 : *result == 'i' ? 0 : 1]++;
		e = json_pack("{s:s, s:s, s:s, s:o}", "path", path, "result", result,
			      "original_hash", str(x, "hash"),
			      "hash", y ? json_string(str(y, "hash")) : json_null());
		add_label(e, label);
		json_array_append_new(arts, e);
	}
	json_object_foreach(bmap, key, y) {
		json_t *e;
		if (json_object_get(amap, key) || excluded(key, bmap))
			continue;
		c->art[3]++;
		e = json_pack("{s:s, s:s, s:n, s:s}", "path", key, "result", "new", "original_hash",
			      "hash", str(y, "hash"));
		add_label(e, label);
		json_array_append_new(arts, e);
	}
	json_object_foreach(json_object_get(a, "metrics"), key, x) {
		const char *result;
		json_t *e;
		y = b ? json_object_get(json_object_get(b, "metrics"), key) : NULL;
		/* Exactly equal, or both NaN (read back as null). */
		result = !y ? "missing" : json_equal(x, y) ? "identical" : "different";
		c->met[!y ? 2 : *result == 'i' ? 0 : 1]++;
		e = json_pack("{s:s, s:O, s:O, s:s}", "key", key, "original", x,
			      "value", y ? y : json_null(), "result", result);
		add_label(e, label);
		json_array_append_new(metrics, e);
	}
	json_decref(amap);
	json_decref(bmap);
}

/* The outcome of a report, in the order that decides it. */
static const char *outcome(const char *status, const struct counts *c)
{
	if (strcmp(status, "FINISHED"))
		return "failed";
	if (!c->art[0] && !c->art[1] && !c->art[2] && !c->met[0] && !c->met[1] && !c->met[2])
		return "nothing to compare";
	if (c->art[1] || c->art[2] || c->met[1] || c->met[2] || c->runs_differ)
		return "different";
	return "identical";
}

/* Compares the two runs and their descendants into the report. */
static int compare(struct repro *r, json_t *report)
{
	json_t *now_tree = json_array(), *arts = json_array(), *metrics = json_array(),
	       *children = json_array(), *empty = json_object(), *n;
	struct counts c = { { 0 }, { 0 }, 0 };
	const char *status;
	size_t i;
	int rc;

	if ((rc = run_tree(r->ctx, str(report, "run"), "", NULL, now_tree, 0)))
		goto out;
	json_array_foreach(r->tree, i, n) {
		const char *label = str(n, "label");
		const json_t *a = json_object_get(n, "run"), *b = tree_get(now_tree, label);
		compare_pair(label, a, b, arts, metrics, &c);
		if (!*label)
			continue;
		if (!b || strcmp(str(a, "status"), str(b, "status")))
			c.runs_differ++;
		json_array_append_new(children, json_pack("{s:s, s:s, s:s, s:s?, s:s?}", "child",
							  label, "original", str(a, "id"),
							  "original_status", str(a, "status"),
							  "run", b ? str(b, "id") : NULL,
							  "status", b ? str(b, "status") : NULL));
	}
	json_array_foreach(now_tree, i, n) {
		const char *label = str(n, "label");
		const json_t *b = json_object_get(n, "run");
		if (tree_get(r->tree, label))
			continue;
		c.runs_differ++;
		compare_pair(label, empty, b, arts, metrics, &c);
		json_array_append_new(children, json_pack("{s:s, s:n, s:n, s:s, s:s}", "child", label,
							  "original", "original_status", "run",
							  str(b, "id"), "status", str(b, "status")));
	}
	status = str(json_object_get(json_array_get(now_tree, 0), "run"), "status");
	json_object_set_new(report, "children", children);
	json_object_set_new(report, "artifacts", arts);
	json_object_set_new(report, "metrics", metrics);
	json_object_set_new(report, "identical", json_integer(c.art[0]));
	json_object_set_new(report, "different", json_integer(c.art[1]));
	json_object_set_new(report, "missing", json_integer(c.art[2]));
	json_object_set_new(report, "new", json_integer(c.art[3]));
	json_object_set_new(report, "metrics_identical", json_integer(c.met[0]));
	json_object_set_new(report, "metrics_different", json_integer(c.met[1]));
	json_object_set_new(report, "metrics_missing", json_integer(c.met[2]));
	json_object_set_new(report, "outcome", json_string(outcome(status, &c)));
	json_object_set_new(report, "reproduced", json_boolean(!strcmp(outcome(status, &c),
								       "identical")));
	arts = metrics = children = NULL;
out:
	json_decref(arts);
	json_decref(metrics);
	json_decref(children);
	json_decref(empty);
	json_decref(now_tree);
	return rc;
}

int cairn_reproduce(cairn_ctx *ctx, const char *ref, const struct cairn_reproduce_options *opts,
		    json_t **out)
{
	static const struct cairn_reproduce_options defaults;
	struct repro r = { 0 };
	json_t *report = NULL;
	const json_t *recipe;
	int rc;

	*out = NULL;
	if (!opts)
		opts = &defaults;
	r.ctx = ctx;
	r.env = opts->exec ? opts->exec->env : NULL;
	cairn_buf_init(&r.tmp);
	cairn_buf_init(&r.worktree);
	cairn_buf_init(&r.inputs);
	cairn_buf_init(&r.pins);
	r.inputs_report = json_array();
	r.tree = json_array();
	if ((rc = cairn_run_show(ctx, ref, &r.orig)))
		goto out;
	r.id = str(r.orig, "id");
	if (!strcmp(str(r.orig, "status"), "RUNNING")) {
		rc = cairn_error(ctx, CAIRN_EINVAL, "run %s is still RUNNING: reproduce it once it"
				 " has ended", r.id);
		goto out;
	}
	if ((rc = run_tree(ctx, r.id, "", json_incref(r.orig), r.tree, 0)))
		goto out;
	collect_pins(&r);
	report = json_object();
	json_object_set_new(report, "original", json_string(r.id));
	recipe = json_object_get(json_object_get(r.orig, "info"), "recipe");
	if (!json_array_size(json_object_get(json_object_get(r.orig, "info"), "command")) &&
	    json_is_object(recipe)) {
		json_t *in;
		size_t i;
		json_object_set_new(report, "kind", json_string("train"));
		json_object_set_new(report, "recipe", json_deep_copy(recipe));
		json_object_set_new(report, "commit", json_null());
		json_object_set_new(report, "diff_applied", json_false());
		json_object_set_new(report, "workdir", json_null());
		json_array_foreach(json_object_get(r.orig, "inputs"), i, in)
			json_array_append_new(r.inputs_report, json_pack("{s:s, s:[]}", "dataset",
									 str(in, "dataset"), "paths"));
		json_object_set(report, "inputs", r.inputs_report);
		if ((rc = retrain(&r, opts, report)) || (rc = compare(&r, report)))
			goto out;
		*out = report;
		report = NULL;
		goto out;
	}
	if ((rc = check_original(&r)))
		goto out;
	if ((rc = cairn_make_temp_dir(ctx, "cairn-reproduce", &r.tmp))) {
		cairn_buf_reset(&r.tmp);
		goto out;
	}
	cairn_path_join(&r.worktree, r.tmp.buf, "src");
	cairn_path_join(&r.inputs, r.tmp.buf, "inputs");
	if ((rc = add_worktree(&r)) || (rc = apply_diff(&r)) || (rc = materialize_inputs(&r)))
		goto out;
	json_object_set_new(report, "kind", json_string("command"));
	json_object_set_new(report, "pins", pins_json(&r));
	json_object_set_new(report, "commit", json_string(r.commit));
	json_object_set_new(report, "diff_applied", json_boolean(r.diff_applied));
	json_object_set_new(report, "workdir", opts->keep ? json_string(r.tmp.buf) : json_null());
	json_object_set(report, "inputs", r.inputs_report);
	if ((rc = rerun(&r, opts, report)) || (rc = compare(&r, report)))
		goto out;
	*out = report;
	report = NULL;
out:
	/* A failure leaves nothing to look at: the directory goes even with keep. */
	if (r.tmp.len && (!opts->keep || !*out))
		remove_worktree(&r);
	json_decref(report);
	json_decref(r.inputs_report);
	json_decref(r.tree);
	json_decref(r.orig);
	cairn_buf_release(&r.pins);
	cairn_buf_release(&r.tmp);
	cairn_buf_release(&r.worktree);
	cairn_buf_release(&r.inputs);
	return rc;
}
