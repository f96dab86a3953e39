/* Model cards: gathering the facts about a model package (the package, its
 * training run, its data, an evaluation on its test data for the plots and
 * slices, the registry's facts and gate reports when given) into one JSON
 * document; see include/cairn/card.h. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "cairn/dataset.h"
#include "cairn/error.h"
#include "core/fs.h"
#include "core/json.h"
#include "registry/card-internal.h"
#include "registry/registry-internal.h"

/* Tags whose text goes to a section, in order. */
static const char *const ethics_tags[] = { "ethical_considerations" };
static const char *const caveat_tags[] = { "limitations", "known_limits", "caveats" };
static const char *const factor_tags[] = { "factors", "sensitive_columns" };

static int is_file(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISREG(st.st_mode);
}

void cairn__card_note(json_t *notes, const char *fmt, ...)
{
	cairn_buf b = CAIRN_BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	cairn_buf_vaddf(&b, fmt, ap);
	va_end(ap);
	json_array_append_new(notes, json_string(b.buf));
	cairn_buf_release(&b);
}

/* A tag's value from the registered version, else from the training run,
 * with where it came from in *source (a new string). */
static const char *tag(const json_t *facts, const char *key, cairn_buf *source)
{
	const json_t *reg = json_object_get(facts, "registry");
	const json_t *run = json_object_get(facts, "run");
	const char *v;

	cairn_buf_reset(source);
	if ((v = json_string_value(json_object_get(json_object_get(reg, "tags"), key))) && *v) {
		cairn_buf_addf(source, "tag %s of the registered version", key);
		return v;
	}
	if ((v = json_string_value(json_object_get(json_object_get(run, "tags"), key))) && *v) {
		cairn_buf_addf(source, "tag %s of run %s", key,
			       json_string_value(json_object_get(run, "id")));
		return v;
	}
	return NULL;
}

static json_t *tagged(const json_t *facts, const char *const *keys, size_t n)
{
	cairn_buf source = CAIRN_BUF_INIT;
	json_t *out = json_array();

	for (size_t i = 0; i < n; i++) {
		const char *v = tag(facts, keys[i], &source);
		if (v)
			json_array_append_new(out, json_pack("{s:s, s:s}", "text", v, "source", source.buf));
	}
	cairn_buf_release(&source);
	return out;
}

static const char *gate_name(const json_t *g)
{
	const char *s = json_string_value(json_object_get(g, "gate"));
	return s ? s : json_string_value(json_object_get(g, "name"));
}

/* Fairness gates, told as ethical considerations. */
static void fairness_gates(const json_t *gates, json_t *out)
{
	const json_t *g;
	size_t i;

	json_array_foreach(gates, i, g) {
		const char *name = gate_name(g), *verdict = json_string_value(json_object_get(g, "verdict"));
		const char *detail = json_string_value(json_object_get(g, "detail"));
		cairn_buf text = CAIRN_BUF_INIT;

		if (!name || !strstr(name, "fairness"))
			continue;
		if (!verdict && json_is_boolean(json_object_get(g, "passed")))
			verdict = json_is_true(json_object_get(g, "passed")) ? "pass" : "fail";
		cairn_buf_addf(&text, "gate %s: %s", name, verdict ? verdict : "no verdict");
		if (detail && *detail)
			cairn_buf_addf(&text, " (%s)", detail);
		json_array_append_new(out, json_pack("{s:s, s:s}", "text", text.buf, "source", "gate report"));
		cairn_buf_release(&text);
	}
}

/* The columns to slice by: opts->by, then the tags', each once. */
static json_t *factors(const json_t *facts, const struct cairn_card_options *opts)
{
	cairn_buf source = CAIRN_BUF_INIT;
	json_t *out = json_array(), *seen = json_object();

	for (size_t i = 0; i < opts->nby; i++)
		if (!json_object_get(seen, opts->by[i])) {
			json_object_set_new(seen, opts->by[i], json_true());
			json_array_append_new(out, json_pack("{s:s, s:s}", "column", opts->by[i],
							     "source", CAIRN__CARD_ASKED));
		}
	for (size_t k = 0; k < sizeof(factor_tags) / sizeof(factor_tags[0]); k++) {
		const char *v = tag(facts, factor_tags[k], &source), *p = v;
		while (p && *p) {
			size_t len = strcspn(p, ",");
			char *col;
			while (len && (*p == ' ' || *p == '\t')) {
				p++;
				len--;
			}
			col = cairn_xstrndup(p, len);
			while (*col && strchr(" \t", col[strlen(col) - 1]))
				col[strlen(col) - 1] = '\0';
			if (*col && !json_object_get(seen, col)) {
				json_object_set_new(seen, col, json_true());
				json_array_append_new(out, json_pack("{s:s, s:s}", "column", col,
								     "source", source.buf));
			}
			free(col);
			p += len + (p[len] == ',');
		}
	}
	json_decref(seen);
	cairn_buf_release(&source);
	return out;
}

/* The data the package's lineage names, each with what the workspace
 * knows about it. */
static int gather_data(cairn_ctx *ctx, const char *dir, json_t *facts)
{
	json_t *notes = json_object_get(facts, "notes"), *lineage = NULL, *profile = NULL;
	json_t *data = json_array(), *in;
	cairn_buf path = CAIRN_BUF_INIT;
	size_t i;
	int rc = 0;

	json_object_set_new(facts, "data", data);
	cairn_path_join(&path, dir, "lineage.json");
	if (!is_file(path.buf)) {
		cairn__card_note(notes, "the package records no data lineage (lineage.json):"
				 " the data it was trained on is not known");
		json_object_set_new(facts, "data_inputs", json_array());
		goto out;
	}
	if ((rc = cairn_json_load_file(ctx, path.buf, &lineage)))
		goto out;
	cairn_buf_reset(&path);
	cairn_path_join(&path, dir, "profile.json");
	if (is_file(path.buf) && (rc = cairn_json_load_file(ctx, path.buf, &profile)))
		goto out;
	json_object_set(facts, "data_inputs", json_object_get(lineage, "data"));
	/* An ensemble's members and a continued model's start, as MODELREFs. */
	for (size_t k = 0; k < 2; k++) {
		static const char *const keys[] = { "members", "init_model" };
		json_t *v = json_object_get(lineage, keys[k]);
		json_object_set(json_object_get(facts, "model"), keys[k], v ? v : json_null());
	}
	json_array_foreach(json_object_get(lineage, "data"), i, in) {
		json_t *d = NULL;
		if ((rc = cairn__card_dataset(ctx, in, profile, notes, &d)))
			goto out;
		json_array_append_new(data, d);
	}
out:
	json_decref(lineage);
	json_decref(profile);
	cairn_buf_release(&path);
	return rc;
}

static int load_metrics(cairn_ctx *ctx, const char *dir, json_t *facts)
{
	cairn_buf path = CAIRN_BUF_INIT;
	json_t *m = NULL;
	int rc = 0;

	cairn_path_join(&path, dir, "metrics.json");
	if (is_file(path.buf))
		rc = cairn_json_load_file(ctx, path.buf, &m);
	else
		cairn__card_note(json_object_get(facts, "notes"), "the package records no metrics"
				 " (metrics.json): evaluate it with 'cairn evaluate MODELREF --data REF'");
	json_object_set_new(facts, "metrics", m ? m : json_null());
	cairn_buf_release(&path);
	return rc;
}

static void gather_uses(json_t *facts)
{
	const json_t *reg = json_object_get(facts, "registry");
	const char *desc = json_string_value(json_object_get(reg, "description"));
	cairn_buf source = CAIRN_BUF_INIT;
	json_t *ethics;

	if (desc && *desc) {
		json_object_set_new(facts, "intended_use", json_string(desc));
	} else {
		const char *v = tag(facts, "intended_use", &source);
		json_object_set_new(facts, "intended_use", v ? json_string(v) : json_null());
	}
	ethics = tagged(facts, ethics_tags, sizeof(ethics_tags) / sizeof(ethics_tags[0]));
	fairness_gates(json_object_get(facts, "gates"), ethics);
	json_object_set_new(facts, "ethical_considerations", ethics);
	json_object_set_new(facts, "caveats",
			    tagged(facts, caveat_tags, sizeof(caveat_tags) / sizeof(caveat_tags[0])));
	cairn_buf_release(&source);
}

int cairn_card_build(cairn_ctx *ctx, const char *modelref, const struct cairn_card_options *opts,
		     cairn_card **out)
{
	static const struct cairn_card_options none;
	struct cairn_card *card = cairn_xcalloc(1, sizeof(*card));
	cairn_buf tmp = CAIRN_BUF_INIT, dir = CAIRN_BUF_INIT;
	json_t *model = json_object(), *notes = json_array(), *run = NULL;
	json_t *registry = NULL, *gates = NULL;
	int rc;

	*out = NULL;
	if (!opts)
		opts = &none;
	card->facts = json_pack("{s:i, s:O, s:O, s:o, s:o}", "card_version", 1,
				"registry", opts->registry ? opts->registry : json_null(),
				"gates", opts->gates ? opts->gates : json_null(),
				"model", model, "notes", notes);
	json_object_set_new(card->facts, "evaluation", json_null());
	json_object_set_new(card->facts, "held_out", json_null());
	if (cairn__registry_is_ref(modelref)) {
		if ((rc = cairn__card_registry(ctx, modelref, &tmp, &dir, model, &registry, &gates)))
			goto out;
		/* What the caller gives wins over what the registry records. */
		if (!opts->registry)
			json_object_set(card->facts, "registry", registry);
		if (!opts->gates)
			json_object_set(card->facts, "gates", gates);
	} else if ((rc = cairn__card_fetch(ctx, modelref, &tmp, &dir, model))) {
		goto out;
	}
	if ((rc = cairn__card_package(ctx, dir.buf, model, notes)) ||
	    (rc = cairn__card_run(ctx, json_string_value(json_object_get(model, "run_id")), notes,
				  &run)))
		goto out;
	json_object_set_new(card->facts, "run", run);
	if ((rc = gather_data(ctx, dir.buf, card->facts)) ||
	    (rc = load_metrics(ctx, dir.buf, card->facts)))
		goto out;
	json_object_set_new(card->facts, "factors", factors(card->facts, opts));
	gather_uses(card->facts);
	if (!opts->no_evaluate && (rc = cairn__card_evaluate(ctx, card, dir.buf, opts)))
		goto out;
	json_object_del(card->facts, "data_inputs");
out:
	json_decref(registry);
	json_decref(gates);
	if (*tmp.buf)
		cairn_remove_tree(tmp.buf);
	cairn_buf_release(&tmp);
	cairn_buf_release(&dir);
	if (rc)
		cairn_card_free(card);
	else
		*out = card;
	return rc;
}

const json_t *cairn_card_facts(const cairn_card *card)
{
	return card->facts;
}

void cairn_card_render(const cairn_card *card, enum cairn_card_format format, cairn_buf *out)
{
	struct cairn__doc d = { .out = out, .html = format == CAIRN_CARD_HTML };

	cairn__card_render(card, &d);
}

void cairn_card_free(cairn_card *card)
{
	if (!card)
		return;
	json_decref(card->facts);
	for (size_t i = 0; i < card->nplots; i++) {
		free(card->plots[i].name);
		cairn_buf_release(&card->plots[i].svg);
	}
	free(card->plots);
	free(card);
}
