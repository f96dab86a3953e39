/* A model card's facts about its data: each dataset version the package's
 * lineage names, with its content hash, shape, the key figures of its
 * profile per column and how it was derived (a split of what, with which
 * seed), back through the versions it came from. */
#include <string.h>
#include "cairn/dataset.h"
#include "cairn/error.h"
#include "registry/card-internal.h"

/* Versions followed back through derived_from at most. */
#define MAX_ANCESTORS 16
/* Categories kept per column. */
#define MAX_TOP 5

json_t *cairn__card_profile_columns(const json_t *profile)
{
	static const char *const figures[] = { "type", "nulls", "null_rate", "min", "max", "mean" };
	json_t *out = json_array(), *c;
	size_t i;

	json_array_foreach(json_object_get(profile, "columns"), i, c) {
		json_t *o = json_pack("{s:O?}", "name", json_object_get(c, "name"));
		const json_t *top = json_object_get(c, "top");
		for (size_t k = 0; k < sizeof(figures) / sizeof(figures[0]); k++)
			if (json_object_get(c, figures[k]))
				json_object_set(o, figures[k], json_object_get(c, figures[k]));
		if (json_is_array(top)) {
			json_t *kept = json_array(), *t;
			size_t j;
			json_array_foreach(top, j, t)
				if (j < MAX_TOP)
					json_array_append(kept, t);
			json_object_set_new(o, "top", kept);
		}
		json_array_append_new(out, o);
	}
	return out;
}

static json_t *derivation(const struct cairn_dataset_version *v)
{
	const json_t *op = json_object_get(v->params, "op");
	json_t *params;

	if (!json_array_size(v->derived_from) && strcmp(v->source_kind, "derived"))
		return json_null();
	params = v->params ? json_deep_copy(v->params) : json_object();
	json_object_del(params, "op");
	return json_pack("{s:O?, s:o, s:o}", "op", op, "from",
			 v->derived_from ? json_deep_copy(v->derived_from) : json_array(),
			 "params", params);
}

/* The versions v was derived from, and theirs, breadth first, each once. */
static int ancestors(cairn_ctx *ctx, const struct cairn_dataset_version *v, json_t *out)
{
	json_t *queue = v->derived_from ? json_deep_copy(v->derived_from) : json_array();
	json_t *seen = json_object();
	int rc = 0;

	for (size_t i = 0; i < json_array_size(queue) && i < MAX_ANCESTORS && !rc; i++) {
		const char *ref = json_string_value(json_array_get(queue, i));
		struct cairn_dataset_version a;
		json_t *from;
		size_t k;

		if (!ref || json_object_get(seen, ref))
			continue;
		json_object_set_new(seen, ref, json_true());
		if ((rc = cairn_dataset_resolve(ctx, ref, &a))) {
			if (rc == CAIRN_ENOTFOUND) {
				cairn_error_clear(ctx);
				rc = 0;
				json_array_append_new(out, json_pack("{s:s, s:n}", "ref", ref, "hash"));
			}
			continue;
		}
		json_array_append_new(out, json_pack("{s:s, s:s, s:s, s:s?, s:O?}", "ref", ref,
			"hash", a.hash, "source_kind", a.source_kind, "source", a.source,
			"op", json_object_get(a.params, "op")));
		json_array_foreach(a.derived_from, k, from)
			json_array_append(queue, from);
		cairn_dataset_version_release(&a);
	}
	json_decref(queue);
	json_decref(seen);
	return rc;
}

int cairn__card_dataset(cairn_ctx *ctx, const json_t *input, const json_t *profile,
			json_t *notes, json_t **out)
{
	const char *id = json_string_value(json_object_get(input, "version_id"));
	const char *ref = json_string_value(json_object_get(input, "dataset"));
	const char *context = json_string_value(json_object_get(input, "context"));
	static const char *const copied[] = {
		"hash", "rows", "cols", "format", "size", "source", "source_kind", "created_at"
	};
	struct cairn_dataset_version v;
	json_t *o, *stored = NULL, *anc, *vj;
	int rc;

	o = json_pack("{s:s?, s:s?, s:s?, s:O?}", "context", context, "dataset", ref,
		      "version_id", id, "hash", json_object_get(input, "hash"));
	if (!id || (rc = cairn_dataset_resolve(ctx, id, &v)) == CAIRN_ENOTFOUND) {
		cairn_error_clear(ctx);
		cairn__card_note(notes, "the %s data %s is not in this workspace", context ? context : "",
				 ref ? ref : "(unnamed)");
		json_object_set_new(o, "recorded", json_false());
		json_object_set_new(o, "derivation", json_null());
		json_object_set_new(o, "ancestors", json_array());
		json_object_set_new(o, "columns", context && !strcmp(context, "train") && profile ?
				    cairn__card_profile_columns(profile) : json_array());
		*out = o;
		return 0;
	}
	if (rc) {
		json_decref(o);
		return rc;
	}
	json_object_set_new(o, "recorded", json_true());
	if (json_is_string(json_object_get(o, "hash")) &&
	    strcmp(json_string_value(json_object_get(o, "hash")), v.hash))
		cairn__card_note(notes, "the package's lineage gives %s a hash other than the"
				 " workspace's", ref ? ref : id);
	vj = cairn_dataset_version_json(&v);
	for (size_t i = 0; i < sizeof(copied) / sizeof(copied[0]); i++)
		json_object_set(o, copied[i], json_object_get(vj, copied[i]));
	json_decref(vj);
	json_object_set_new(o, "derivation", derivation(&v));
	anc = json_array();
	json_object_set_new(o, "ancestors", anc);
	if ((rc = ancestors(ctx, &v, anc)))
		goto out;
	if (*v.profile && !(rc = cairn_dataset_load_profile(ctx, &v, &stored))) {
		json_object_set_new(o, "columns", cairn__card_profile_columns(stored));
	} else {
		if (rc == CAIRN_ENOTFOUND) {
			cairn_error_clear(ctx);
			rc = 0;
		}
		json_object_set_new(o, "columns", cairn__card_profile_columns(
			context && !strcmp(context, "train") ? profile : NULL));
	}
out:
	json_decref(stored);
	cairn_dataset_version_release(&v);
	if (rc)
		json_decref(o);
	else
		*out = o;
	return rc;
}
