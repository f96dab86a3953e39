/*
 * The algorithm ensemble: a model made of other model packages, combined by
 * soft voting (the mean of the members' class probabilities, or of their
 * values for regression) or hard voting (each member's most probable class
 * is one vote; the outputs are the vote shares). See ml/ensemble.h.
 *
 * Saved form: ensemble.json ({voting, task, nclasses, members}) and each
 * member re-written as a package of its own (MLmodel, model file,
 * preprocess.json) in members/0/, members/1/, ...; loading loads each of
 * them with cairn_model_load, so a member may be any algorithm, an
 * ensemble included. The ensemble package's own preprocess.json is its
 * first member's: it gives the task, the target and the class labels.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "cairn/buf.h"
#include "cairn/error.h"
#include "cairn/model.h"
#include "core/fs.h"
#include "core/json.h"
#include "ml/algorithms.h"
#include "ml/ensemble.h"
#include "ml/model-internal.h"

#define INFO_FILE "ensemble.json"
#define MEMBERS_DIR "members"

struct ensemble {
	cairn_model **members;
	size_t n;
	int hard;
	enum cairn_task task;
	int nclasses;          /* classification; 0 for regression */
};

int cairn__is_ensemble(const struct cairn_algorithm *algo)
{
	return algo == &cairn__algo_ensemble;
}

static void ensemble_free(void *model)
{
	struct ensemble *e = model;

	if (!e)
		return;
	for (size_t i = 0; i < e->n; i++)
		cairn_model_free(e->members[i]);
	free(e->members);
	free(e);
}

static const char *str_or(const char *s, const char *dflt)
{
	return s ? s : dflt;
}

/* Checks that the members agree; what names the ensemble in errors. */
static int check_members(cairn_ctx *ctx, cairn_model *const *members, size_t n, int hard)
{
	const cairn_prep *p0;

	if (n < 2)
		return cairn_error(ctx, CAIRN_EINVAL, "an ensemble needs at least 2 members, not %zu",
				   n);
	p0 = cairn_model_prep(members[0]);
	if (cairn_prep_task(p0) == CAIRN_TASK_CLUSTERING)
		return cairn_error(ctx, CAIRN_EINVAL, "member 1 is a clustering model: an ensemble "
				   "does classification or regression");
	if (hard && cairn_prep_task(p0) != CAIRN_TASK_CLASSIFICATION)
		return cairn_error(ctx, CAIRN_EINVAL, "voting=hard needs classifiers; the members "
				   "do %s", cairn_task_name(cairn_prep_task(p0)));
	for (size_t i = 1; i < n; i++) {
		const cairn_prep *p = cairn_model_prep(members[i]);
		if (cairn_prep_task(p) != cairn_prep_task(p0))
			return cairn_error(ctx, CAIRN_EINVAL, "member %zu does %s, member 1 %s", i + 1,
					   cairn_task_name(cairn_prep_task(p)),
					   cairn_task_name(cairn_prep_task(p0)));
		if (strcmp(str_or(cairn_prep_target(p), ""), str_or(cairn_prep_target(p0), "")))
			return cairn_error(ctx, CAIRN_EINVAL, "member %zu predicts '%s', member 1 '%s'",
					   i + 1, str_or(cairn_prep_target(p), ""),
					   str_or(cairn_prep_target(p0), ""));
		if (cairn_prep_nclasses(p) != cairn_prep_nclasses(p0))
			return cairn_error(ctx, CAIRN_EINVAL, "member %zu has %d classes, member 1 %d",
					   i + 1, cairn_prep_nclasses(p), cairn_prep_nclasses(p0));
		for (int c = 0; c < cairn_prep_nclasses(p); c++)
			if (strcmp(cairn_prep_class(p, c), cairn_prep_class(p0, c)))
				return cairn_error(ctx, CAIRN_EINVAL, "member %zu has the class '%s' where "
						   "member 1 has '%s'", i + 1, cairn_prep_class(p, c),
						   cairn_prep_class(p0, c));
	}
	return 0;
}

static int parse_voting(cairn_ctx *ctx, const char *voting, int *hard)
{
	if (!strcmp(voting, "soft") || !strcmp(voting, "hard")) {
		*hard = !strcmp(voting, "hard");
		return 0;
	}
	return cairn_error(ctx, CAIRN_EINVAL, "voting '%s' is not soft or hard", voting);
}

int cairn__ensemble_new(cairn_ctx *ctx, cairn_model **members, size_t n, const char *voting,
			void **out)
{
	struct ensemble *e;
	int hard = 0, rc;

	*out = NULL;
	if ((rc = parse_voting(ctx, voting, &hard)) || (rc = check_members(ctx, members, n, hard)))
		return rc;
	e = cairn_xcalloc(1, sizeof(*e));
	e->members = cairn_xcalloc(n, sizeof(*e->members));
	memcpy(e->members, members, n * sizeof(*members));
	e->n = n;
	e->hard = hard;
	e->task = cairn_prep_task(cairn_model_prep(members[0]));
	e->nclasses = cairn_prep_nclasses(cairn_model_prep(members[0]));
	*out = e;
	return 0;
}

const cairn_prep *cairn__ensemble_prep(const void *model)
{
	const struct ensemble *e = model;

	return cairn_model_prep(e->members[0]);
}

static size_t ensemble_outputs(const void *model)
{
	const struct ensemble *e = model;

	return e->task == CAIRN_TASK_CLASSIFICATION ? (size_t)e->nclasses : 1;
}

int cairn__ensemble_predict(cairn_ctx *ctx, const void *model, const struct cairn_frame *f,
			    const size_t *rows, size_t nrows, int reference, double *out)
{
	const struct ensemble *e = model;
	size_t k = ensemble_outputs(e);
	int rc = 0;

	if (!rows)
		nrows = f->nrows;
	for (size_t i = 0; i < nrows * k; i++)
		out[i] = 0;
	for (size_t m = 0; m < e->n && !rc; m++) {
		double *pred = NULL;
		size_t nout;

		if ((rc = (reference ? cairn__model_predict_reference : cairn_model_predict)(
			     ctx, e->members[m], f, rows, nrows, &pred, &nout))) {
			cairn_error_prefix(ctx, "ensemble member %zu", m + 1);
			break;
		}
		if (nout != k) {
			rc = cairn_error(ctx, CAIRN_EINVAL, "ensemble member %zu gives %zu outputs per "
					 "row, not %zu", m + 1, nout, k);
		} else if (e->hard) {
			for (size_t i = 0; i < nrows; i++) {
				const double *p = pred + i * k;
				size_t best = 0;
				for (size_t c = 1; c < k; c++)
					if (p[c] > p[best])
						best = c;
				out[i * k + best] += 1.0 / (double)e->n;
			}
		} else {
			for (size_t i = 0; i < nrows * k; i++)
				out[i] += pred[i] / (double)e->n;
		}
		free(pred);
	}
	return rc;
}

static int ensemble_fit(cairn_ctx *ctx, const struct cairn_train_data *d, const json_t *params,
			cairn_iteration_fn on_iteration, void *arg, void **model)
{
	*model = NULL;
	return cairn_error(ctx, CAIRN_EINVAL, "an ensemble is built from member models, "
			   "not fitted on a matrix");
}

static int ensemble_predict(cairn_ctx *ctx, const void *model, const struct cairn_matrix *x,
			    double *out)
{
	return cairn_error(ctx, CAIRN_EINVAL, "an ensemble predicts from rows (each member "
			   "applies its own preprocessing), not from a matrix");
}

static int ensemble_save(cairn_ctx *ctx, const void *model, const char *dir, json_t *files)
{
	const struct ensemble *e = model;
	cairn_buf path = CAIRN_BUF_INIT, sub = CAIRN_BUF_INIT;
	json_t *info;
	int rc;

	info = json_pack("{s:s, s:s, s:i, s:I}", "voting", e->hard ? "hard" : "soft",
			 "task", cairn_task_name(e->task), "nclasses", e->nclasses,
			 "members", (json_int_t)e->n);
	cairn_path_join(&path, dir, MEMBERS_DIR);
	if ((rc = cairn_mkdir_p(ctx, path.buf, 0755)))
		goto out;
	for (size_t i = 0; i < e->n; i++) {
		const cairn_model *m = e->members[i];
		struct cairn_model_info mi = { 0 };
		char name[32];

		snprintf(name, sizeof(name), "%zu", i);
		cairn_buf_reset(&sub);
		cairn_path_join(&sub, path.buf, name);
		mi.algo = cairn_model_algorithm(m);
		mi.model = cairn_model_learner(m);
		mi.prep = cairn_model_prep(m);
		mi.run_id = json_string_value(json_object_get(cairn_model_manifest(m), "run_id"));
		if ((rc = cairn_model_save(ctx, &mi, sub.buf)))
			goto out;
	}
	json_array_append_new(files, json_string(MEMBERS_DIR));
	rc = cairn__model_write_json(ctx, dir, INFO_FILE, info, files);
out:
	json_decref(info);
	cairn_buf_release(&path);
	cairn_buf_release(&sub);
	return rc;
}

static int ensemble_load(cairn_ctx *ctx, const char *dir, void **model)
{
	cairn_buf path = CAIRN_BUF_INIT;
	cairn_model **members = NULL;
	json_t *info = NULL;
	json_int_t n = 0;
	const char *voting;
	int rc;

	*model = NULL;
	cairn_path_join(&path, dir, INFO_FILE);
	if ((rc = cairn_json_load_file(ctx, path.buf, &info)))
		goto out;
	n = json_integer_value(json_object_get(info, "members"));
	voting = json_string_value(json_object_get(info, "voting"));
	if (n < 2 || n > 10000 || !voting) {
		rc = cairn_error(ctx, CAIRN_EPARSE, "'%s' needs voting and 2 or more members",
				 path.buf);
		goto out;
	}
	members = cairn_xcalloc((size_t)n, sizeof(*members));
	for (json_int_t i = 0; i < n; i++) {
		char name[48];

		snprintf(name, sizeof(name), MEMBERS_DIR "/%lld", (long long)i);
		cairn_buf_reset(&path);
		cairn_path_join(&path, dir, name);
		if ((rc = cairn_model_load(ctx, path.buf, &members[i])))
			goto out;
	}
	if ((rc = cairn__ensemble_new(ctx, members, (size_t)n, voting, model)))
		goto out;
	free(members);
	members = NULL;
out:
	for (json_int_t i = 0; members && i < n; i++)
		cairn_model_free(members[i]);
	free(members);
	json_decref(info);
	cairn_buf_release(&path);
	return rc;
}

static const struct cairn_param_spec ensemble_params[] = {
	{ "voting", CAIRN_PARAM_STRING, "soft", 0, 0, "soft|hard",
	  "soft: the mean of the members' probabilities (or values); hard: a majority vote "
	  "of their predicted classes, ties to the lowest class" },
};

const struct cairn_algorithm cairn__algo_ensemble = {
	.name = "ensemble",
	.tasks = CAIRN_TASK_BIT(CAIRN_TASK_CLASSIFICATION) | CAIRN_TASK_BIT(CAIRN_TASK_REGRESSION),
	.wants_scaling = 0,
	.wants_onehot = 0,
	.handles_missing = 1,
	.params = ensemble_params,
	.nparams = sizeof(ensemble_params) / sizeof(ensemble_params[0]),
	.fit = ensemble_fit,
	.predict = ensemble_predict,
	.outputs = ensemble_outputs,
	.save = ensemble_save,
	.load = ensemble_load,
	.free = ensemble_free,
};
