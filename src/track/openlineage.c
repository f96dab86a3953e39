/* Exporting the runs of a lineage graph as OpenLineage 2-0-2 RunEvents (JSON
 * lines); see include/cairn/lineage.h and docs/internals/lineage.md. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cairn/buf.h"
#include "cairn/dataset.h"
#include "cairn/error.h"
#include "cairn/id.h"
#include "cairn/lineage.h"
#include "cairn/version.h"
#include "cairn/workspace.h"
#include "core/ctx-internal.h"
#include "core/json.h"
#include "core/who.h"
#include "data/dataset-internal.h"
#include "store/db.h"
#include "store/lineage-db.h"
#include "track/run-db.h"

#define RUN_EVENT_SCHEMA "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent"
#define FACETS "https://openlineage.io/spec/facets/"
#define SCHEMA_FACET FACETS "1-1-1/SchemaDatasetFacet.json#/$defs/SchemaDatasetFacet"
#define VERSION_FACET FACETS "1-0-1/DatasetVersionDatasetFacet.json#/$defs/DatasetVersionDatasetFacet"
#define PARENT_FACET FACETS "1-1-0/ParentRunFacet.json#/$defs/ParentRunFacet"
#define JOB_NAMESPACE "cairn"

struct export {
	cairn_ctx *ctx;
	cairn__db *db;
	cairn_buf producer;   /* "cairn:0.1.0" */
	cairn_buf namespace;  /* of datasets: "cairn://HOST/ROOT" */
};

struct run_row {
	struct cairn__run_row r;
	char *job;            /* "experiment/name" */
};

static json_t *facet(const struct export *x, const char *schema_url)
{
	return json_pack("{s:s, s:s}", "_producer", x->producer.buf, "_schemaURL", schema_url);
}

static json_t *time_json(int64_t ms)
{
	char t[32];

	cairn_format_time(ms, t);
	return json_string(t);
}

/* Reads run id into r; *found is 0 when there is no such run. */
static int read_run(struct export *x, const char *id, struct run_row *r, int *found)
{
	cairn_buf job = CAIRN_BUF_INIT;
	int rc;

	r->job = NULL;
	if ((rc = cairn__rundb_row(x->ctx, x->db, id, &r->r, found)) || !*found)
		return rc;
	cairn_buf_addf(&job, "%s/%s", r->r.experiment, r->r.name);
	r->job = cairn_buf_detach(&job, NULL);
	return 0;
}

static void run_row_release(struct run_row *r)
{
	free(r->job);
	cairn__run_row_release(&r->r);
}

/* The SchemaDatasetFacet of a schema [{name, type, nulls}]. */
static json_t *schema_facet(const struct export *x, const json_t *schema)
{
	json_t *fields, *f, *col;
	size_t i;

	if (!json_is_array(schema))
		return NULL;
	f = facet(x, SCHEMA_FACET);
	json_object_set_new(f, "fields", fields = json_array());
	json_array_foreach(schema, i, col) {
		const char *name = json_string_value(json_object_get(col, "name"));
		const char *type = json_string_value(json_object_get(col, "type"));
		if (name)
			json_array_append_new(fields, json_pack("{s:s, s:s}", "name", name,
								"type", type ? type : "unknown"));
	}
	return f;
}

/* The OpenLineage dataset for node (type, id). */
static int dataset_json(struct export *x, const char *type, const char *id, json_t **out)
{
	cairn_buf name = CAIRN_BUF_INIT;
	json_t *facets = json_object(), *f;
	int rc = 0;

	if (!strcmp(type, "dataset_version")) {
		struct cairn_dataset_version v;
		if (!(rc = cairn__dataset_by_id(x->ctx, id, &v))) {
			cairn_buf_addf(&name, "%s@%lld", v.name, (long long)v.version);
			f = facet(x, VERSION_FACET);
			json_object_set_new(f, "datasetVersion", json_string(v.hash));
			json_object_set_new(facets, "version", f);
			if ((f = schema_facet(x, v.schema)))
				json_object_set_new(facets, "schema", f);
			cairn_dataset_version_release(&v);
		} else if (rc == CAIRN_ENOTFOUND) {
			cairn_error_clear(x->ctx);
			rc = 0;
		} else {
			goto out;
		}
	} else if (!strcmp(type, "artifact") && strchr(id, '/')) {
		const char *slash = strchr(id, '/');
		char hash[CAIRN_HEX_LEN + 1];
		cairn_buf run = CAIRN_BUF_INIT;
		int found;
		cairn_buf_add(&run, id, (size_t)(slash - id));
		/* A single file has a content hash; a directory has none. */
		rc = cairn__rundb_artifact_hash(x->db, run.buf, slash + 1, hash, &found);
		cairn_buf_release(&run);
		if (rc)
			goto out;
		if (found) {
			f = facet(x, VERSION_FACET);
			json_object_set_new(f, "datasetVersion", json_string(hash));
			json_object_set_new(facets, "version", f);
		}
	}
	if (!name.len)
		cairn_buf_addf(&name, "%s/%s", type, id);
	*out = json_pack("{s:s, s:s, s:O}", "namespace", x->namespace.buf, "name", name.buf,
			 "facets", facets);
out:
	json_decref(facets);
	cairn_buf_release(&name);
	return rc;
}

/* The datasets a run used (relation "used") or made ("generated"). */
static int datasets_of(struct export *x, const char *run, const char *relation, json_t **out)
{
	json_t *ends = NULL;
	size_t i;
	int rc;

	*out = json_array();
	if ((rc = cairn__lineage_targets(x->db, "run", run, relation, &ends)))
		goto out;
	for (i = 0; i < json_array_size(ends) && !rc; i++) {
		json_t *d = NULL, *e = json_array_get(ends, i);
		if (!(rc = dataset_json(x, json_string_value(json_array_get(e, 0)),
					json_string_value(json_array_get(e, 1)), &d)))
			json_array_append_new(*out, d);
	}
out:
	json_decref(ends);
	return rc;
}

/* The run facets: parent, when the run has one. */
static int run_facets(struct export *x, const struct run_row *r, json_t **out)
{
	struct run_row parent;
	char uuid[37];
	int rc, found = 0;

	*out = json_object();
	if (!r->r.parent)
		return 0;
	if ((rc = read_run(x, r->r.parent, &parent, &found)) || !found)
		return rc;
	if (!cairn_lineage_run_uuid(parent.r.id, uuid)) {
		json_t *f = facet(x, PARENT_FACET);
		json_object_set_new(f, "run", json_pack("{s:s}", "runId", uuid));
		json_object_set_new(f, "job", json_pack("{s:s, s:s}", "namespace", JOB_NAMESPACE,
							"name", parent.job));
		json_object_set_new(*out, "parent", f);
	}
	run_row_release(&parent);
	return 0;
}

static const char *final_event(const char *status)
{
	if (!strcmp(status, "FINISHED"))
		return "COMPLETE";
	if (!strcmp(status, "KILLED"))
		return "ABORT";
	return "FAIL";
}

/* Appends the START and the final event of run r. */
static int run_events(struct export *x, const struct run_row *r, cairn_buf *out)
{
	json_t *inputs = NULL, *outputs = NULL, *facets = NULL, *ev;
	char uuid[37];
	int rc;

	if (cairn_lineage_run_uuid(r->r.id, uuid))
		return cairn_error(x->ctx, CAIRN_ECORRUPT, "run id '%s' is not a well-formed id", r->r.id);
	if ((rc = datasets_of(x, r->r.id, "used", &inputs)) ||
	    (rc = datasets_of(x, r->r.id, "generated", &outputs)) ||
	    (rc = run_facets(x, r, &facets)))
		goto out;
	for (int final = 0; final < 2; final++) {
		if (final && !r->r.ended)
			break;
		ev = json_pack("{s:s, s:o, s:s, s:s, s:{s:s, s:O}, s:{s:s, s:s}, s:O, s:O}",
			       "eventType", final ? final_event(r->r.status) : "START",
			       "eventTime", time_json(final ? r->r.end_ms : r->r.start_ms),
			       "producer", x->producer.buf,
			       "schemaURL", RUN_EVENT_SCHEMA,
			       "run", "runId", uuid, "facets", facets,
			       "job", "namespace", JOB_NAMESPACE, "name", r->job,
			       "inputs", inputs, "outputs", outputs);
		if (!ev) {
			rc = cairn_error(x->ctx, CAIRN_ENOMEM, "out of memory");
			goto out;
		}
		cairn_json_append(out, ev, 0);
		cairn_buf_addch(out, '\n');
		json_decref(ev);
	}
out:
	json_decref(inputs);
	json_decref(outputs);
	json_decref(facets);
	return rc;
}

static int cmp_runs(const void *a, const void *b)
{
	const struct run_row *x = a, *y = b;

	if (x->r.start_ms != y->r.start_ms)
		return x->r.start_ms < y->r.start_ms ? -1 : 1;
	return strcmp(x->r.id, y->r.id);
}

int cairn_lineage_openlineage(cairn_ctx *ctx, const struct cairn_lineage_graph *g, cairn_buf *out)
{
	struct export x = { ctx, NULL, CAIRN_BUF_INIT, CAIRN_BUF_INIT };
	struct run_row *runs = cairn_xcalloc(g->nnodes ? g->nnodes : 1, sizeof(*runs));
	size_t n = 0, i;
	int rc;

	if ((rc = cairn__ctx_db(ctx, &x.db)))
		goto out;
	cairn_buf_addf(&x.producer, "cairn:%s", cairn_version());
	cairn_buf_addf(&x.namespace, "cairn://%s%s%s", cairn__current_host(),
		       cairn_workspace_root(ctx)[0] == '/' ? "" : "/", cairn_workspace_root(ctx));
	for (i = 0; i < g->nnodes && !rc; i++) {
		int found = 0;
		if (strcmp(g->nodes[i].type, "run"))
			continue;
		if (!(rc = read_run(&x, g->nodes[i].id, &runs[n], &found)) && found)
			n++;
	}
	qsort(runs, n, sizeof(*runs), cmp_runs);
	for (i = 0; i < n && !rc; i++)
		rc = run_events(&x, &runs[i], out);
out:
	for (i = 0; i < n; i++)
		run_row_release(&runs[i]);
	free(runs);
	cairn_buf_release(&x.producer);
	cairn_buf_release(&x.namespace);
	return rc;
}
