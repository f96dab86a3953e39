/* cairn ci: a model's data checks, training, registration and promotion
 * through its gates, as the project file declares them, with one summary;
 * see include/cairn/ci.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cairn/acquire.h"
#include "cairn/ci.h"
#include "cairn/dataset.h"
#include "cairn/error.h"
#include "cairn/expect.h"
#include "cairn/frame.h"
#include "cairn/promote.h"
#include "cairn/registry.h"
#include "cairn/train.h"
#include "core/progress.h"
#include "registry/ci-internal.h"
#include "registry/gates-internal.h"

struct ci {
	cairn_ctx *ctx;
	const struct cairn_ci_options *o;
	const struct cairn__ci_config *c;
	struct cairn_gates_config *config;
	const char *alias;
	json_t *summary;
	struct cairn__progress progress;
	uint64_t step;
};

static void step_done(struct ci *ci)
{
	cairn__progress_update(&ci->progress, ++ci->step);
}

/* The version to check: d's file added, or its reference resolved. */
static int check_version(struct ci *ci, const struct cairn__ci_dataset *d,
			 struct cairn_acquire_result *got)
{
	struct cairn_acquire_options a = { 0 };

	if (d->ref)
		return cairn_dataset_resolve(ci->ctx, d->ref, &got->version);
	a.kind = CAIRN_ACQUIRE_PATH;
	a.source = d->add;
	a.name = d->name;
	a.csv.header = -1;
	a.tabular = -1;
	return cairn_dataset_acquire(ci->ctx, &a, got);
}

/* Checks one dataset against its suite and records the outcome on the
 * version, as `cairn data check` does. */
static int check_one(struct ci *ci, const struct cairn__ci_dataset *d, int *passed)
{
	struct cairn_acquire_result got = { 0 };
	struct cairn_suite *suite = NULL;
	struct cairn_frame *f = NULL;
	json_t *report = NULL, *sum;
	char ref[CAIRN_NAME_MAX + 32];
	int rc;

	if ((rc = cairn_suite_load(ci->ctx, d->suite, &suite)) ||
	    (rc = check_version(ci, d, &got)))
		goto out;
	snprintf(ref, sizeof(ref), "%s@%lld", got.version.name, (long long)got.version.version);
	if ((rc = cairn_dataset_load_frame(ci->ctx, &got.version, &f)) ||
	    (rc = cairn_expect_check(ci->ctx, f, suite, NULL, &report, passed)) ||
	    (rc = cairn_expect_record(ci->ctx, &got.version, d->suite_as_given, suite, report)))
		goto out;
	sum = json_object_get(report, "summary");
	json_array_append_new(json_object_get(ci->summary, "checks"),
			      json_pack("{s:s, s:s, s:b, s:b, s:O, s:O, s:O}", "dataset", ref,
					"suite", d->suite_as_given, "added", d->add && !got.existed,
					"passed", *passed, "failed", json_object_get(sum, "failed"),
					"expectations", json_object_get(sum, "expectations"),
					"results", json_object_get(report, "results")));
out:
	if (rc)
		cairn_error_prefix(ci->ctx, "data check of %s", d->ref ? d->ref : d->add_as_given);
	json_decref(report);
	cairn_frame_free(f);
	cairn_suite_free(suite);
	cairn_acquire_result_release(&got);
	return rc;
}

static int train(struct ci *ci, char run_id[CAIRN_ID_LEN + 1])
{
	struct cairn_train_options t = { 0 };
	struct cairn_train_result res = { 0 };
	int rc;

	t.data = ci->c->data;
	t.target = ci->c->target;
	t.algo = ci->c->algorithm;
	t.params = ci->c->params;
	t.test = ci->c->test;
	t.test_split = ci->c->test_split;
	t.seed = ci->c->seed;
	t.task = -1;
	t.name = "ci";
	t.open_model = cairn_registry_model_open;
	t.model_node = cairn_registry_model_node;
	rc = cairn_train(ci->ctx, &t, &res);
	if (*res.run_id)
		json_object_set_new(ci->summary, "run_id", json_string(res.run_id));
	if (rc) {
		cairn_error_prefix(ci->ctx, "'%s' line %zu column %zu: models.%s.ci.train",
				   ci->config->path, ci->c->train_line, ci->c->train_col,
				   ci->config->model);
		return rc;
	}
	memcpy(run_id, res.run_id, CAIRN_ID_LEN + 1);
	json_object_set_new(ci->summary, "train_metrics", res.metrics);
	return 0;
}

static int register_and_promote(struct ci *ci, const char *run_id, int *promoted)
{
	struct cairn_registry_register_options r = { 0 };
	struct cairn_registry_register_result reg;
	struct cairn_promote_options p = { 0 };
	struct cairn_promote_result res = { 0 };
	const char *message = ci->o->message ? ci->o->message : "cairn ci";
	int rc;

	r.name = ci->config->model;
	r.run = run_id;
	r.message = message;
	if ((rc = cairn_registry_register(ci->ctx, &r, &reg)))
		return rc;
	json_object_set_new(ci->summary, "version", json_integer(reg.version));
	step_done(ci);
	p.name = ci->config->model;
	p.version = reg.version;
	p.alias = ci->alias;
	p.config = ci->config;
	p.message = message;
	rc = cairn_promote(ci->ctx, &p, &res);
	if (res.report) {
		json_object_set(ci->summary, "report", res.report);
		json_object_set(ci->summary, "evaluation", json_object_get(res.report, "evaluation"));
		json_object_set_new(ci->summary, "promotion", json_pack(
			"{s:b, s:b, s:o, s:o, s:o, s:s}", "moved", res.moved, "forced", res.forced,
			"holder", res.holder ? json_integer(res.holder) : json_null(),
			"gate_report", *res.report_hash ? json_string(res.report_hash) : json_null(),
			"event", res.seq ? json_integer(res.seq) : json_null(),
			"verdict", res.passed ? "pass" : "fail"));
	}
	*promoted = res.moved;
	cairn_promote_result_release(&res);
	return rc;
}

static int run_steps(struct ci *ci, int *promoted)
{
	const struct cairn__ci_config *c = ci->c;
	char run_id[CAIRN_ID_LEN + 1];
	int rc, passed, all = 1;

	for (size_t i = 0; i < c->ndatasets; i++) {
		if ((rc = check_one(ci, &c->datasets[i], &passed)))
			return rc;
		all &= passed;
		step_done(ci);
	}
	if (!all) {
		json_object_set_new(ci->summary, "outcome", json_string("check-failed"));
		return 0;
	}
	if ((rc = train(ci, run_id)))
		return rc;
	step_done(ci);
	if ((rc = register_and_promote(ci, run_id, promoted)))
		return rc;
	step_done(ci);
	json_object_set_new(ci->summary, "outcome", json_string(*promoted ? "promoted" :
								 "gate-failed"));
	return 0;
}

int cairn_ci(cairn_ctx *ctx, const struct cairn_ci_options *o, struct cairn_ci_result *res)
{
	struct ci ci;
	int rc;

	memset(res, 0, sizeof(*res));
	memset(&ci, 0, sizeof(ci));
	ci.ctx = ctx;
	ci.o = o;
	if ((rc = cairn_gates_config_load(ctx, o->config, o->model, &ci.config)))
		return rc;
	if (!(ci.c = ci.config->ci)) {
		rc = cairn_error(ctx, CAIRN_EINVAL, "'%s': models.%s has no 'ci' (the data checks and"
				 " the training cairn ci runs)", o->config, ci.config->model);
		goto out;
	}
	ci.alias = o->alias ? o->alias : ci.c->to ? ci.c->to : "staging";
	if ((rc = cairn_registry_alias_check(ctx, ci.alias)) ||
	    (rc = cairn_registry_name_check(ctx, ci.config->model)))
		goto out;
	ci.summary = json_pack("{s:s, s:s, s:s, s:s, s:[], s:n, s:n, s:n, s:n, s:n, s:n, s:n}",
			       "model", ci.config->model, "config", o->config, "alias", ci.alias,
			       "outcome", "error", "checks", "run_id", "train_metrics", "version",
			       "evaluation", "promotion", "report", "error");
	cairn__progress_start(ctx, &ci.progress, "ci", ci.c->ndatasets + 3, 0);
	if ((rc = run_steps(&ci, &res->promoted))) {
		json_object_set_new(ci.summary, "outcome", json_string("error"));
		json_object_set_new(ci.summary, "error", json_string(cairn_errmsg(ctx)));
	}
	cairn__progress_end(&ci.progress);
	res->summary = ci.summary;
out:
	cairn_gates_config_free(ci.config);
	return rc;
}
