/* A model card's facts from the registry, for a MODELREF that names a
 * registered version: its package checked out of the object store, what
 * the registry records about the version, and its gate reports. */
#include <string.h>
#include "cairn/error.h"
#include "cairn/registry.h"
#include "core/json.h"
#include "registry/card-internal.h"
#include "registry/registry-internal.h"

/* The registry's facts of the version (show) with the reports summed up:
 * the reports themselves go to the gates. */
static json_t *version_facts(const json_t *show, const json_t *reports)
{
	static const char *const copied[] = {
		"name", "version", "ref", "description", "tags", "aliases", "status", "source",
		"created_at", "created_by"
	};
	json_t *o = json_object(), *list = json_array(), *r;
	size_t i;

	for (size_t k = 0; k < sizeof(copied) / sizeof(copied[0]); k++) {
		const json_t *v = json_object_get(show, copied[k]);
		json_object_set_new(o, copied[k], v ? json_deep_copy(v) : json_null());
	}
	json_array_foreach(reports, i, r) {
		json_t *s = json_deep_copy(r);
		json_object_del(s, "report");
		json_array_append_new(list, s);
	}
	json_object_set_new(o, "gate_reports", list);
	return o;
}

int cairn__card_registry(cairn_ctx *ctx, const char *ref, cairn_buf *tmp, cairn_buf *dir,
			 json_t *model, json_t **registry, json_t **gates)
{
	struct cairn_registry_ref r;
	cairn_buf pinned = CAIRN_BUF_INIT;
	json_t *show = NULL, *reports = NULL, *source, *rep;
	size_t i;
	int rc;

	*registry = *gates = NULL;
	json_object_set_new(model, "ref", json_string(ref));
	if ((rc = cairn__registry_checkout(ctx, ref, tmp, dir, &r)))
		goto out;
	/* The version checked out, even if an alias moves meanwhile. */
	cairn_buf_addf(&pinned, "%s@%lld", r.name, (long long)r.version);
	if ((rc = cairn_registry_show(ctx, pinned.buf, &show)) ||
	    (rc = cairn_registry_gate_reports(ctx, pinned.buf, &reports)))
		goto out;
	source = json_object_get(show, "source");
	json_object_set_new(model, "source", json_string("registry"));
	json_object_set(model, "run_id", json_object_get(source, "run_id") ?
			json_object_get(source, "run_id") : json_null());
	json_object_set(model, "path", json_object_get(source, "path") ?
			json_object_get(source, "path") : json_null());
	*registry = version_facts(show, reports);
	/* The card shows the gates of the latest report it can read. */
	*gates = json_array();
	json_object_set_new(*registry, "gates_from", json_null());
	json_array_foreach(reports, i, rep) {
		const json_t *rows = json_object_get(json_object_get(rep, "report"), "gates");
		if (json_is_array(rows)) {
			json_array_extend(*gates, (json_t *)rows);
			json_object_set(*registry, "gates_from",
					json_array_get(json_object_get(*registry, "gate_reports"), i));
			break;
		}
	}
out:
	json_decref(show);
	json_decref(reports);
	cairn_buf_release(&pinned);
	return rc;
}
