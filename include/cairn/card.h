/*
 * Model cards: the facts about one model package, gathered from the
 * package and from what the workspace knows about it through lineage (the
 * run that trained it, the dataset versions it used and where they came
 * from) and, for a registered version, through the registry (its record
 * and its gate reports from the audit log), and rendered in the sections
 * of the Model Cards paper (Mitchell et al. 2019) as Markdown or as one
 * self-contained HTML file.
 *
 * The facts document (cairn_card_facts; every key present, null or [] when
 * not recorded) is described field by field in docs/commands/models-card.md:
 *
 *   card_version   1
 *   model          {ref, source ("registry", "run" or "directory"),
 *                   run_id, path, algorithm, task, target {name, type} | null,
 *                   classes [..] | null, signature {inputs [{name, type}],
 *                   outputs [..]}, params {..}, created, model_uuid,
 *                   cairn_version, flavors [..], libraries {..}, files
 *                   [{path, size, sha256}], members [MODELREF] (an
 *                   ensemble's), init_model (the model training went on
 *                   from)}
 *   run            {id, name, experiment, status, start_time, end_time,
 *                   duration_ms, user, host, parent, params, tags, note,
 *                   code {commit, branch, dirty, repository, path, remote}
 *                   | null, code_run, environment {cairn_version, os,
 *                   kernel, compiler, libc, libraries} | null,
 *                   environment_run} | null when the run is not in the
 *                   workspace
 *   data           [{context, dataset, version_id, hash, recorded (1 when
 *                   the version is in the workspace), rows, cols, format,
 *                   size, source, source_kind, created_at, derivation
 *                   {op, from [..], params} | null, ancestors [{ref, hash,
 *                   source_kind, source, op}], columns [{name, type, nulls,
 *                   null_rate, min, max, mean | top [{value, count}]}]}]
 *   metrics        the package's metrics.json ({train, test, cv}) | null
 *   evaluation     {dataset, version_id, hash, rows, held_out, metrics,
 *                   slices {COLUMN: {VALUE: metrics}}, plots [names]} | null:
 *                   the model evaluated again on the rows it was tested on,
 *                   for the plots and the slices
 *   held_out       {dataset, test_split, seed, stratify, rows} | null: the
 *                   rows cairn train --test-split held out of its data
 *   factors        [{column, source}]: the columns to slice by
 *   intended_use   text | null
 *   ethical_considerations, caveats   [{text, source}]
 *   registry       the registry's version object as given, else for a
 *                  registered version {name, version, ref, description,
 *                  tags, aliases, status, source {kind, run_id, path},
 *                  created_at, created_by, gate_reports [{seq, time,
 *                  action, alias, verdict, forced, holder, report_hash}]
 *                  (cairn_registry_gate_reports without the reports),
 *                  gates_from (the one gates come from) | null} | null
 *   gates          the gate rows as given, else for a registered version
 *                  those of its latest readable gate report ([] when none)
 *                  | null
 *   notes          [text]: what could not be recorded, and why
 *
 * Reading the workspace needs a workspace open on ctx. A card owns its
 * facts and plots; one card belongs to one thread at a time.
 */
#ifndef CAIRN_CARD_H
#define CAIRN_CARD_H

#include <jansson.h>
#include <stddef.h>
#include "cairn/buf.h"
#include "cairn/common.h"
#include "cairn/ctx.h"

CAIRN_BEGIN_DECLS

typedef struct cairn_card cairn_card;

struct cairn_card_options {
	/* The registered version: {name, version, description, tags {k: v},
	 * aliases [..]}, or NULL (for a registered version's modelref: the
	 * registry's own record). Its description is the intended use, its
	 * tags add to the training run's (below). */
	const json_t *registry;
	/* Gate rows, an array of objects {gate, value, threshold, verdict,
	 * detail, ...}, or NULL (for a registered version's modelref: those of
	 * its latest gate report); a gate whose name holds "fairness" goes to
	 * the ethical considerations as well. */
	const json_t *gates;
	/* Columns to slice the evaluation by (each must be a column of the
	 * test data), in addition to the tags factors and sensitive_columns. */
	const char *const *by;
	size_t nby;
	/* 1: do not evaluate the model again (no plots, no slices). */
	int no_evaluate;
};

/*
 * Gathers the facts about the model package modelref: a registered version
 * (NAME@V, NAME@ALIAS, NAME@latest, models:/...; its package copied out of
 * the object store, an alias resolved once), or a run id or prefix,
 * RUN/PATH, or a directory holding an MLmodel (as cairn_model_open takes;
 * an existing directory wins over a registry reference).
 * Tags read from the registry's version and the training run:
 * intended_use, factors and sensitive_columns (comma-separated columns),
 * ethical_considerations, limitations, known_limits and caveats.
 * Errors: CAIRN_ENOTFOUND for a reference that names no package (as
 * cairn_registry_model_open), CAIRN_ECORRUPT for a registered version whose
 * objects are missing, CAIRN_EPARSE for a malformed package, CAIRN_EINVAL for
 * a column of opts->by that the test data does not have. What the workspace
 * does not know is not an error: the facts say null and a note says why.
 */
int cairn_card_build(cairn_ctx *ctx, const char *modelref, const struct cairn_card_options *opts,
		     cairn_card **out);

/* The facts document (borrowed from card). */
const json_t *cairn_card_facts(const cairn_card *card);

enum cairn_card_format {
	CAIRN_CARD_MARKDOWN,
	CAIRN_CARD_HTML
};

/* Appends the card to out: Markdown, or an HTML page with its style and
 * plots (SVG) inline and no reference to any other file. Every string from
 * the data, the package, the run or the registry is escaped. */
void cairn_card_render(const cairn_card *card, enum cairn_card_format format, cairn_buf *out);

void cairn_card_free(cairn_card *card);

CAIRN_END_DECLS

#endif
