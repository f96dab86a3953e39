/*
 * One command for a CI job (`cairn ci`): for a model of the project file,
 * every step its ci: key declares (docs/project-file.md), in order:
 *
 *   1. data checks: each declared dataset (a file added as a new version,
 *      or a dataset reference) checked against its expectation suite, the
 *      outcome recorded on the version (as `cairn data check` does, so that
 *      the gate training_data_checked sees it); a failed check stops here:
 *      nothing is trained;
 *   2. training as declared (data, test or test_split, target, algorithm,
 *      params, seed) with cairn_train, a tracked run;
 *   3. registration of the run's package as the next version of the model;
 *   4. promotion of that version to the alias through the model's gates
 *      (cairn_promote), whose metrics are the evaluation on the holdout,
 *      recomputed by cairn.
 *
 * The summary (res->summary, also on error when a step had begun) is
 * {model, config, alias, outcome, checks: [{dataset, suite, added,
 * passed, failed, expectations}], run_id, train_metrics, version,
 * evaluation, promotion: {moved, forced, holder, gate_report, event,
 * verdict}, report, error}; outcome is "promoted", "check-failed",
 * "gate-failed" or "error" (then error holds the message); the fields of
 * steps that did not run are null. cairn_ci_markdown renders it for a CI
 * job page.
 *
 * Return: 0 when every step ran (the outcome says whether the version was
 * promoted: a failed check or gate is a result, not an error); otherwise
 * the error of the step that failed, with what the steps before it did
 * left in place (a run, a registered version) and named in the summary.
 * Progress goes to the context's progress sink, one step at a time.
 */
#ifndef CAIRN_CI_H
#define CAIRN_CI_H

#include <jansson.h>
#include "cairn/buf.h"
#include "cairn/common.h"
#include "cairn/ctx.h"

CAIRN_BEGIN_DECLS

struct cairn_ci_options {
	const char *config;        /* the project file's path */
	const char *model;         /* the model (NULL: the only one it declares) */
	const char *alias;         /* NULL: the ci: key's 'to', else "staging" */
	const char *message;       /* recorded in the events (NULL: "cairn ci") */
};

struct cairn_ci_result {
	json_t *summary;           /* see above (new reference, may be NULL) */
	int promoted;              /* 1 when the alias moved to the new version */
};

int cairn_ci(cairn_ctx *ctx, const struct cairn_ci_options *o, struct cairn_ci_result *res);

/* Appends the summary as Markdown: a heading with the outcome, the version
 * and the run, a table of the data checks and one of the gates. */
void cairn_ci_markdown(const json_t *summary, cairn_buf *out);

CAIRN_END_DECLS

#endif
