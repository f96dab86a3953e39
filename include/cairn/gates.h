/*
 * Acceptance gates: the checks a model version passes before an alias
 * moves to it (`cairn models promote`), and that `cairn models check` runs
 * on its own. The gates of a model are declared in the project file
 * (cairn.yaml, `models: NAME: gates:`; docs/project-file.md has the
 * schema). Each gate gives one row {gate, value, threshold, verdict,
 * detail}; the verdict is pass, fail or skip (a gate that cannot apply,
 * such as no regression against a holder when there is none), and the
 * report passes when no gate failed.
 *
 * The gates and what they compute:
 *   metrics         every metric evaluated now by cairn on the holdout
 *                   dataset version (cairn_model_evaluate), never copied
 *                   from the training run
 *   by              the same thresholds on each slice of a column: the
 *                   worst slice must pass
 *   max_drop        no regression against the holder on the same holdout
 *   expectations    the holdout passes an expectation suite
 *   training_data_checked  every training dataset version of the candidate
 *                   (the package's lineage) has a recorded data check, and
 *                   all its recorded checks passed
 *   smoke           the package loads and predicts its input example
 *   latency_p99_ms  p99 of single-row predictions in-process
 *   schema          no input column removed or retyped against the holder,
 *                   the same task and classes
 *   fairness        Fairlearn's demographic_parity_difference or
 *                   equalized_odds_difference over a sensitive column
 *
 * Errors (a return code, not a failed gate): a malformed project file, a
 * gate naming a metric the model's task does not have, a holdout or a
 * suite that cannot be read. The report is then not made.
 *
 * Ownership: a config is freed with cairn_gates_config_free(); the report
 * is a new JSON reference. A config is read-only once loaded.
 */
#ifndef CAIRN_GATES_H
#define CAIRN_GATES_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include "cairn/buf.h"
#include "cairn/common.h"
#include "cairn/ctx.h"

CAIRN_BEGIN_DECLS

struct cairn_gates_config;

/*
 * Reads the models: section of the project file at path and keeps the
 * model named model (NULL: the only model the file declares; an error
 * when it declares several or none). Every fault names the file, line,
 * column and key (CAIRN_EPARSE); no such model is CAIRN_ENOTFOUND.
 */
int cairn_gates_config_load(cairn_ctx *ctx, const char *path, const char *model,
			    struct cairn_gates_config **out);
void cairn_gates_config_free(struct cairn_gates_config *c);
/* The model's name as the file spells it (owned by c). */
const char *cairn_gates_config_model(const struct cairn_gates_config *c);

/* Single-row predictions the latency gate times when latency_rows is 0. */
#define CAIRN_GATES_LATENCY_ROWS 200

struct cairn_gates_options {
	const char *candidate;   /* MODELREF of the candidate (a package directory,
				    a run, RUN/PATH) */
	const char *holder;      /* MODELREF of the alias's current holder, or NULL */
	const struct cairn_gates_config *config;
	uint64_t seed;           /* of the silhouette's sample (clustering) */
	size_t latency_rows;     /* 0: CAIRN_GATES_LATENCY_ROWS */
};

/*
 * Runs every gate of o->config on the candidate. *report (new reference):
 * {model, config, candidate, holder, holdout, verdict, passed, failed,
 * skipped, gates: [{gate, value, threshold, verdict, detail, ...}]}
 * (layout in docs/project-file.md); *passed is 1 when no gate failed.
 * A gate that fails is a result, not an error.
 */
int cairn_gates_run(cairn_ctx *ctx, const struct cairn_gates_options *o, json_t **report,
		    int *passed);

/* Appends the report as a table for people: gate, value, threshold,
 * verdict, detail, one row per gate, and the overall verdict. */
void cairn_gates_table(const json_t *report, cairn_buf *out);

CAIRN_END_DECLS

#endif
