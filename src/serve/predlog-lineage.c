/* The lineage of a served prediction: "prediction:REQUEST_ID" found in the
 * log, above it the deployment that answered it, and from there the
 * registry's walk (model version, run, data, code); see
 * include/cairn/predictions.h. */
#include <stdlib.h>
#include <string.h>
#include "cairn/error.h"
#include "cairn/predictions.h"
#include "cairn/registry.h"
#include "cairn/run.h"
#include "cairn/workspace.h"
#include "core/fs.h"
#include "core/oom.h"
#include "serve/predlog.h"

struct find {
	const char *request_id;
	json_t *rec;           /* the newest match (new reference) */
	char *segment;
	uint64_t offset;
};

static int match(void *arg, json_t *rec, const char *segment, uint64_t offset)
{
	struct find *f = arg;

	if (strcmp(json_string_value(json_object_get(rec, "id")) ?: "", f->request_id))
		return 0;
	json_decref(f->rec);
	free(f->segment);
	f->rec = json_incref(rec);
	f->segment = cairn_xstrdup(segment);
	f->offset = offset;
	return 0;
}

/* The newest record of request_id: segments newest first, stopping at the
 * first that holds it. */
static int find_request(cairn_ctx *ctx, struct find *f)
{
	cairn_buf dir = CAIRN_BUF_INIT;
	json_t *names = NULL;
	int rc;

	cairn_path_join(&dir, cairn_workspace_dir(ctx), CAIRN__PREDLOG_DIR);
	if ((rc = cairn__predlog_segment_names(ctx, dir.buf, &names)))
		goto out;
	for (size_t i = json_array_size(names); i-- > 0 && !f->rec;)
		if ((rc = cairn__predlog_read_segment(ctx, dir.buf,
						      json_string_value(json_array_get(names, i)),
						      match, f)))
			goto out;
	if (!f->rec)
		rc = cairn_error(ctx, CAIRN_ENOTFOUND, "no prediction '%s' in the prediction log",
				 f->request_id);
out:
	json_decref(names);
	cairn_buf_release(&dir);
	return rc;
}

/* Puts the prediction's node in front of g (walked from its deployment),
 * one hop below every node, with the edge "deployment generated
 * prediction". */
static void prepend(struct cairn_lineage_graph *g, const struct find *f)
{
	struct cairn_lineage_node *n;
	cairn_buf label = CAIRN_BUF_INIT;
	json_t *info;
	size_t had = g->nedges;

	g->nodes = cairn_xrealloc(g->nodes, (g->nnodes + 1) * sizeof(*g->nodes));
	memmove(g->nodes + 1, g->nodes, g->nnodes * sizeof(*g->nodes));
	g->nnodes++;
	for (size_t i = 1; i < g->nnodes; i++)
		g->nodes[i].depth++;
	for (size_t i = 0; i < g->nedges; i++) {
		g->edges[i].src++;
		g->edges[i].dst++;
	}
	n = &g->nodes[0];
	memset(n, 0, sizeof(*n));
	n->type = cairn_xstrdup("prediction");
	n->id = cairn_xstrdup(f->request_id);
	cairn_buf_addf(&label, "prediction %s (%s %s, %s)", f->request_id,
		       json_string_value(json_object_get(f->rec, "model")) ?: "",
		       json_string_value(json_object_get(f->rec, "version")) ?: "",
		       json_string_value(json_object_get(f->rec, "time")) ?: "");
	n->label = cairn_buf_detach(&label, NULL);
	n->dirs = g->nodes[1].dirs;
	info = json_pack("{s:O?, s:O?, s:O?, s:O?, s:O?, s:O?, s:s, s:I}",
			 "model", json_object_get(f->rec, "model"),
			 "version", json_object_get(f->rec, "version"),
			 "time", json_object_get(f->rec, "time"),
			 "protocol", json_object_get(f->rec, "protocol"),
			 "status", json_object_get(f->rec, "status"),
			 "latency_s", json_object_get(f->rec, "latency_s"),
			 "segment", f->segment, "offset", (json_int_t)f->offset);
	if (!info)
		cairn__oom(0);
	n->info = info;
	g->edges = cairn_xrealloc(g->edges, (had + 1) * sizeof(*g->edges));
	g->edges[had].src = 1;
	g->edges[had].dst = 0;
	g->edges[had].relation = cairn_xstrdup("generated");
	g->edges[had].created_ms = json_integer_value(json_object_get(f->rec, "time_ms"));
	g->nedges++;
}

/* The code version of each run above the prediction: its commit in the
 * node's info ("code") and label, so that the walk ends at the commit. */
static void add_code(cairn_ctx *ctx, struct cairn_lineage_graph *g)
{
	for (size_t i = 0; i < g->nnodes; i++) {
		struct cairn_lineage_node *n = &g->nodes[i];
		json_t *run = NULL, *code;
		const char *commit;
		if (strcmp(n->type, "run") || cairn_run_show(ctx, n->id, &run)) {
			cairn_error_clear(ctx);
			continue;
		}
		code = json_object_get(json_object_get(run, "info"), "code");
		commit = json_string_value(json_object_get(code, "commit"));
		if (commit && n->info) {
			cairn_buf label = CAIRN_BUF_INIT;
			json_object_set(n->info, "code", code);
			cairn_buf_addf(&label, "%s, commit %.12s%s", n->label ? n->label : n->id,
				       commit, json_is_true(json_object_get(code, "dirty")) ?
				       " (dirty)" : "");
			free(n->label);
			n->label = cairn_buf_detach(&label, NULL);
		}
		json_decref(run);
	}
}

int cairn_predictions_lineage_walk(cairn_ctx *ctx, const char *ref,
				   const struct cairn_lineage_options *opts,
				   struct cairn_lineage_graph *out)
{
	struct cairn_lineage_options up = *opts;
	struct find f = { 0 };
	const char *deployment;
	cairn_buf node = CAIRN_BUF_INIT;
	int rc;

	if (strncmp(ref, "prediction:", 11))
		return cairn_registry_lineage_walk(ctx, ref, opts, out);
	f.request_id = ref + 11;
	if (!*f.request_id)
		return cairn_error(ctx, CAIRN_EINVAL, "'%s': no request id after 'prediction:'", ref);
	if ((rc = find_request(ctx, &f)))
		goto out;
	if (!(deployment = json_string_value(json_object_get(f.rec, "deployment")))) {
		rc = cairn_error(ctx, CAIRN_ENOTFOUND, "prediction '%s' (segment '%s') names no"
				 " deployment: its server recorded no lineage", f.request_id,
				 f.segment);
		goto out;
	}
	/* A prediction is an end: nothing was made of it, so only the walk up
	 * from it means anything. */
	up.dir = CAIRN_LINEAGE_UP;
	if (up.max_depth > 0)
		up.max_depth--;
	cairn_buf_addf(&node, "deployment:%s", deployment);
	if (opts->max_depth == 0)
		up.max_depth = 0;
	if ((rc = cairn_registry_lineage_walk(ctx, node.buf, &up, out)))
		goto out;
	prepend(out, &f);
	add_code(ctx, out);
	out->max_depth = opts->max_depth;
out:
	json_decref(f.rec);
	free(f.segment);
	cairn_buf_release(&node);
	return rc;
}
