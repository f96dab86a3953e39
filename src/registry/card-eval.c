/* A model card's quantitative analyses: the model evaluated again on the
 * rows it was tested on (its test data version, or the rows that
 * `cairn train --test-split` held out of its training data), for the plots
 * that cairn evaluate draws and the metrics per slice of each factor. */
#include <stdlib.h>
#include <string.h>
#include "cairn/dataset.h"
#include "cairn/error.h"
#include "cairn/model-eval.h"
#include "cairn/model.h"
#include "cairn/run.h"
#include "core/fs.h"
#include "core/json.h"
#include "core/log.h"
#include "registry/card-internal.h"

/* What train writes for the rows it held out (src/ml/train.c). */
#define SPLIT_ARTIFACT "split/test_rows.json"

static int collect_plot(void *arg, const char *name, const char *svg, size_t len)
{
	struct cairn_card *card = arg;
	struct cairn__card_plot *p;

	card->plots = cairn_xrealloc(card->plots, (card->nplots + 1) * sizeof(*card->plots));
	p = &card->plots[card->nplots++];
	p->name = cairn_xstrdup(name);
	cairn_buf_init(&p->svg);
	cairn_buf_add(&p->svg, svg, len);
	return 0;
}

/* The input of the package's lineage in context (or NULL). */
static const json_t *input(const json_t *data, const char *context)
{
	const json_t *in;
	size_t i;

	json_array_foreach(data, i, in) {
		const char *c = json_string_value(json_object_get(in, "context"));
		if (c && !strcmp(c, context))
			return in;
	}
	return NULL;
}

/* The run's artifact SPLIT_ARTIFACT parsed into *out, or *out NULL when the
 * run has none. */
static int load_split(cairn_ctx *ctx, const char *run_id, json_t **out)
{
	cairn_buf tmp = CAIRN_BUF_INIT, path = CAIRN_BUF_INIT;
	int rc;

	*out = NULL;
	if ((rc = cairn_make_temp_dir(ctx, "cairn-card", &tmp)))
		goto out;
	cairn_path_join(&path, tmp.buf, "test_rows.json");
	rc = cairn_run_get_artifact(ctx, run_id, SPLIT_ARTIFACT, path.buf, 0);
	if (rc == CAIRN_ENOTFOUND) {
		cairn_error_clear(ctx);
		rc = 0;
	} else if (!rc) {
		rc = cairn_json_load_file(ctx, path.buf, out);
	}
	cairn_remove_tree(tmp.buf);
out:
	cairn_buf_release(&tmp);
	cairn_buf_release(&path);
	return rc;
}

/* The held-out rows of split (row numbers of a frame of nrows rows). */
static int split_rows(cairn_ctx *ctx, const json_t *split, size_t nrows, size_t **rows, size_t *n)
{
	const json_t *list = json_object_get(split, "test_rows"), *r;
	size_t i;

	*n = json_array_size(list);
	*rows = cairn_xmalloc((*n ? *n : 1) * sizeof(**rows));
	json_array_foreach(list, i, r) {
		if (!json_is_integer(r) || json_integer_value(r) < 0 ||
		    (size_t)json_integer_value(r) >= nrows) {
			free(*rows);
			*rows = NULL;
			return cairn_error(ctx, CAIRN_EPARSE, "%s: entry %zu of test_rows is not a row"
					   " of the %zu rows of the training data", SPLIT_ARTIFACT,
					   i + 1, nrows);
		}
		(*rows)[i] = (size_t)json_integer_value(r);
	}
	return 0;
}

/* Finds the rows to evaluate on: the test data, else the rows held out of
 * the training data. *in is NULL when neither was recorded. */
static int rows_to_test(cairn_ctx *ctx, json_t *facts, const json_t **in, json_t **split)
{
	const json_t *data = json_object_get(facts, "data_inputs");
	const char *run_id = json_string_value(json_object_get(json_object_get(facts, "run"), "id"));
	int rc;

	*split = NULL;
	if ((*in = input(data, "test")) || (*in = input(data, "validation")))
		return 0;
	if (!run_id || !(*in = input(data, "train")))
		return 0;
	if ((rc = load_split(ctx, run_id, split)) || !*split)
		*in = NULL;
	if (*split)
		json_object_set_new(facts, "held_out", json_pack("{s:O?, s:O?, s:O?, s:O?, s:I}",
			"dataset", json_object_get(*in, "dataset"),
			"test_split", json_object_get(*split, "test_split"),
			"seed", json_object_get(*split, "seed"),
			"stratify", json_object_get(*split, "stratify"),
			"rows", (json_int_t)json_array_size(json_object_get(*split, "test_rows"))));
	return rc;
}

/* Checks the factors against the columns of f: one asked for must be
 * there, one from a tag is left out with a note. */
static int check_factors(cairn_ctx *ctx, const json_t *facts, const struct cairn_frame *f,
			 const struct cairn_dataset_version *v)
{
	const json_t *fac;
	size_t i;

	json_array_foreach(json_object_get(facts, "factors"), i, fac) {
		const char *col = json_string_value(json_object_get(fac, "column"));
		if (cairn_frame_col(f, col) >= 0)
			continue;
		if (!strcmp(json_string_value(json_object_get(fac, "source")), CAIRN__CARD_ASKED))
			return cairn_error(ctx, CAIRN_EINVAL, "cannot slice by '%s': the test data %s@%lld"
					   " has no such column", col, v->name, (long long)v->version);
		cairn__card_note(json_object_get(facts, "notes"), "the factor '%s' is not a column of"
				 " the test data %s@%lld", col, v->name, (long long)v->version);
	}
	return 0;
}

int cairn__card_evaluate(cairn_ctx *ctx, struct cairn_card *card, const char *dir,
			 const struct cairn_card_options *opts)
{
	json_t *facts = card->facts, *notes = json_object_get(facts, "notes");
	struct cairn_model_eval_options eo = { 0 };
	const json_t *in, *fac;
	struct cairn_dataset_version v;
	struct cairn_frame *f = NULL;
	cairn_model *m = NULL;
	json_t *metrics = NULL, *slices = json_object(), *ev, *split = NULL;
	size_t *rows = NULL, i;
	int have_v = 0, rc;

	if ((rc = rows_to_test(ctx, facts, &in, &split)))
		goto soft;
	if (!in && opts->nby) {
		rc = cairn_error(ctx, CAIRN_EINVAL, "cannot slice by '%s': no test data was recorded"
				 " with the model", opts->by[0]);
		goto out;
	}
	if (!in) {
		cairn__card_note(notes, "no test data was recorded with the model: no plots and no"
				 " metrics per slice (train with --test REF or --test-split F)");
		goto out;
	}
	if ((rc = cairn_dataset_resolve(ctx, json_string_value(json_object_get(in, "version_id")), &v)))
		goto soft;
	have_v = 1;
	if ((rc = cairn_dataset_load_frame(ctx, &v, &f)) || (rc = cairn_model_load(ctx, dir, &m)) ||
	    (split && (rc = split_rows(ctx, split, f->nrows, &rows, &eo.nrows))))
		goto soft;
	if ((rc = check_factors(ctx, facts, f, &v)))
		goto out;
	eo.rows = rows;
	eo.plot_fn = collect_plot;
	eo.plot_arg = card;
	if ((rc = cairn_model_evaluate(ctx, m, f, &eo, &metrics)))
		goto soft;
	eo.plot_fn = NULL;
	json_array_foreach(json_object_get(facts, "factors"), i, fac) {
		json_t *by = NULL;
		eo.by = json_string_value(json_object_get(fac, "column"));
		if (cairn_frame_col(f, eo.by) < 0 || json_object_get(slices, eo.by))
			continue;
		if ((rc = cairn_model_evaluate(ctx, m, f, &eo, &by)))
			goto soft;
		json_object_set(slices, eo.by, json_object_get(by, "slices"));
		json_decref(by);
	}
	ev = json_pack("{s:s?, s:s, s:s, s:I, s:O, s:O, s:O}", "dataset",
		       json_string_value(json_object_get(in, "dataset")), "version_id", v.id,
		       "hash", v.hash, "rows", (json_int_t)(rows ? eo.nrows : f->nrows),
		       "metrics", metrics, "slices", slices, "plots", json_object_get(metrics, "plots"));
	json_object_del(json_object_get(ev, "metrics"), "plots");
	json_object_set_new(ev, "held_out", json_boolean(split != NULL));
	json_object_set_new(facts, "evaluation", ev);
	goto out;
soft:
	/* The card goes without the evaluation; say why. */
	cairn__log_warn(ctx, "the model card has no plots: %s", cairn_errmsg(ctx));
	cairn__card_note(notes, "the model was not evaluated again: %s", cairn_errmsg(ctx));
	cairn_error_clear(ctx);
	rc = 0;
out:
	json_decref(metrics);
	json_decref(slices);
	json_decref(split);
	free(rows);
	cairn_model_free(m);
	cairn_frame_free(f);
	if (have_v)
		cairn_dataset_version_release(&v);
	return rc;
}
