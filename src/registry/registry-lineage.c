/* The lineage of registered model versions: references of versions as
 * lineage roots and labels of model_version nodes; see
 * include/cairn/registry.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cairn/error.h"
#include "cairn/lineage.h"
#include "registry/registry-db.h"
#include "registry/registry-internal.h"

/* "model_version:ID" for the version ref names. */
static int version_node(cairn_ctx *ctx, cairn__db *db, const char *ref, cairn_buf *node)
{
	struct cairn_registry_ref r;
	int rc;

	if ((rc = cairn__registry_resolve_version(ctx, db, ref, &r)))
		return rc;
	cairn_buf_addf(node, "model_version:%s", r.version_id);
	return 0;
}

/* The root to walk from: node (empty when ref is not the registry's). */
static int root(cairn_ctx *ctx, cairn__db *db, const char *ref, cairn_buf *node)
{
	cairn_buf name = CAIRN_BUF_INIT, type = CAIRN_BUF_INIT, id = CAIRN_BUF_INIT;
	char model[CAIRN_ID_LEN + 1];
	int rc, found = 0;

	if (!strncmp(ref, "model:", 6))
		return version_node(ctx, db, ref + 6, node);
	if (!strncmp(ref, "models:/", 8))
		return version_node(ctx, db, ref, node);
	if (!cairn_registry_is_version_ref(ref))
		return 0;
	cairn_buf_add(&name, ref, (size_t)(strchr(ref, '@') - ref));
	if ((rc = cairn__regdb_model_id(db, name.buf, model, &found)) || !found)
		goto out;
	/* The name of a registered model: unless a dataset version answers too. */
	if (!cairn_lineage_resolve(ctx, ref, &type, &id)) {
		rc = cairn_error(ctx, CAIRN_EAMBIGUOUS, "'%s' names a registered model version and"
				 " a %s: write model:%s or dataset:%s", ref, type.buf, ref, ref);
		goto out;
	}
	rc = version_node(ctx, db, ref, node);
out:
	cairn_buf_release(&name);
	cairn_buf_release(&type);
	cairn_buf_release(&id);
	return rc;
}

/* Labels the model_version nodes "model NAME@V". */
static int label(cairn__db *db, struct cairn_lineage_graph *g)
{
	for (size_t i = 0; i < g->nnodes; i++) {
		struct cairn_lineage_node *n = &g->nodes[i];
		json_t *v = NULL, *m = NULL;
		cairn_buf text = CAIRN_BUF_INIT;
		int rc;
		if (strcmp(n->type, "model_version"))
			continue;
		if ((rc = cairn__regdb_version_by_id(db, n->id, &v)) || !v ||
		    (rc = cairn__regdb_model_row(db, json_string_value(json_object_get(v, "model_id")),
						 &m)) || !m) {
			json_decref(v);
			if (rc)
				return rc;
			continue;
		}
		cairn_buf_addf(&text, "model %s@%lld", json_string_value(json_object_get(m, "name")),
			       (long long)json_integer_value(json_object_get(v, "version")));
		free(n->label);
		n->label = cairn_buf_detach(&text, NULL);
		if (n->info) {
			json_object_set(n->info, "name", json_object_get(m, "name"));
			json_object_set(n->info, "version", json_object_get(v, "version"));
			json_object_set(n->info, "status", json_object_get(v, "status"));
		}
		json_decref(v);
		json_decref(m);
	}
	return 0;
}

int cairn_registry_lineage_walk(cairn_ctx *ctx, const char *ref,
				const struct cairn_lineage_options *opts,
				struct cairn_lineage_graph *out)
{
	cairn_buf node = CAIRN_BUF_INIT;
	cairn__db *db;
	int rc;

	if ((rc = cairn__ctx_db(ctx, &db)) || (rc = root(ctx, db, ref, &node)) ||
	    (rc = cairn_lineage_walk(ctx, node.len ? node.buf : ref, opts, out)))
		goto out;
	rc = label(db, out);
out:
	cairn_buf_release(&node);
	return rc;
}
