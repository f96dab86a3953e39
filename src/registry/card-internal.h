/*
 * The pieces of a model card (include/cairn/card.h): card.c gathers the
 * facts with the helpers below and owns the card; card-render.c writes the
 * sections through the Markdown or HTML primitives of card-doc.c.
 */
#ifndef CAIRN_REGISTRY_CARD_INTERNAL_H
#define CAIRN_REGISTRY_CARD_INTERNAL_H

#include <jansson.h>
#include "cairn/buf.h"
#include "cairn/card.h"
#include "cairn/ctx.h"

/* The source of a factor given in cairn_card_options.by. */
#define CAIRN__CARD_ASKED "asked for"

struct cairn__card_plot {
	char *name;   /* "roc.svg", ... */
	cairn_buf svg;
};

struct cairn_card {
	json_t *facts;
	struct cairn__card_plot *plots;
	size_t nplots;
};

/* card-package.c: the package itself */

/*
 * Finds the package ref names and makes it readable at dir: the directory
 * itself, or the run's artifact copied into a new temporary directory tmp
 * (left empty when none; the caller removes it). *model gets {ref, source,
 * run_id, path}. Errors as cairn_model_open.
 */
int cairn__card_fetch(cairn_ctx *ctx, const char *ref, cairn_buf *tmp, cairn_buf *dir,
		      json_t *model);
/* card-registry.c: a registered version (ref NAME@V, NAME@ALIAS, ...,
 * cairn__registry_is_ref): its package checked out into dir (in tmp, as
 * above), *model {ref, source "registry", run_id, path} from the version's
 * source, *registry the version's facts with "gate_reports" (each report's
 * summary) and "gates_from" (the one *gates comes from, or null) and *gates
 * the rows of the latest readable report ([] when none); both new
 * references. Errors as cairn_registry_model_open. */
int cairn__card_registry(cairn_ctx *ctx, const char *ref, cairn_buf *tmp, cairn_buf *dir,
			 json_t *model, json_t **registry, json_t **gates);
/* Adds the package's facts (MLmodel, preprocess.json, params.json, its
 * files and their hashes) to model; a missing or unreadable file is a note. */
int cairn__card_package(cairn_ctx *ctx, const char *dir, json_t *model, json_t *notes);

/* card-run.c: the training run, its code version and environment (from the
 * run, or from the nearest ancestor that recorded them), or JSON null. */
int cairn__card_run(cairn_ctx *ctx, const char *run_id, json_t *notes, json_t **out);

/* card-data.c: one entry of "data" for a dataset version of the package's
 * lineage.json ({context, dataset, version_id, hash}); profile is the
 * package's profile.json (the training data's), used for the train
 * version when the workspace does not hold it. */
int cairn__card_dataset(cairn_ctx *ctx, const json_t *input, const json_t *profile,
			json_t *notes, json_t **out);
/* The key figures of a profile's columns: [{name, type, nulls, ...}]. */
json_t *cairn__card_profile_columns(const json_t *profile);

/* card-eval.c: evaluates the model in dir again on the rows it was tested
 * on, for the facts' "evaluation" and "held_out" and the card's plots. Only
 * a column of opts->by that cannot be sliced by is an error; the rest goes
 * to the notes. Reads the facts' "data_inputs" (the lineage's data). */
int cairn__card_evaluate(cairn_ctx *ctx, struct cairn_card *card, const char *dir,
			 const struct cairn_card_options *opts);

/* card.c: appends "text" to notes. */
void cairn__card_note(json_t *notes, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* card-doc.c: a document written as Markdown or HTML. Text passed as
 * "text" is escaped for the format; "raw" is cairn's own and written as is. */
struct cairn__doc {
	cairn_buf *out;
	int html;
	int cols;      /* of the table being written */
	int cell;      /* cells written in the current row */
	int bol;       /* Markdown: at the start of a block (a paragraph, an item) */
};

void cairn__doc_begin(struct cairn__doc *d, const char *title);
void cairn__doc_end(struct cairn__doc *d);
void cairn__doc_heading(struct cairn__doc *d, int level, const char *text);
void cairn__doc_para_begin(struct cairn__doc *d);
void cairn__doc_para_end(struct cairn__doc *d);
void cairn__doc_text(struct cairn__doc *d, const char *text);
void cairn__doc_textf(struct cairn__doc *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void cairn__doc_raw(struct cairn__doc *d, const char *raw);
void cairn__doc_code(struct cairn__doc *d, const char *text);
void cairn__doc_missing(struct cairn__doc *d, const char *what);
void cairn__doc_list_begin(struct cairn__doc *d);
void cairn__doc_item_begin(struct cairn__doc *d);
void cairn__doc_item_end(struct cairn__doc *d);
void cairn__doc_list_end(struct cairn__doc *d);
/* A table with cols columns and the header texts in heads. */
void cairn__doc_table_begin(struct cairn__doc *d, int cols, const char *const *heads);
void cairn__doc_cell_begin(struct cairn__doc *d);
void cairn__doc_cell_end(struct cairn__doc *d);
/* A cell holding text (NULL: empty). */
void cairn__doc_cell(struct cairn__doc *d, const char *text);
void cairn__doc_row_end(struct cairn__doc *d);
void cairn__doc_table_end(struct cairn__doc *d);
/* An SVG document inline (HTML only; Markdown says where to find it), the
 * index-th of the page. */
void cairn__doc_svg(struct cairn__doc *d, const char *name, size_t index, const cairn_buf *svg);

/* card-render.c */
void cairn__card_render(const struct cairn_card *card, struct cairn__doc *d);

#endif
