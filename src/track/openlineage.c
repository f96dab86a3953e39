/* Exporting the runs of a lineage graph as OpenLineage 2-0-2 RunEvents (JSON
 * lines); see include/cairn/lineage.h and docs/internals/lineage.md. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cairn/buf.h"
#include "cairn/error.h"
#include "cairn/id.h"
#include "cairn/lineage.h"
#include "cairn/version.h"
#include "cairn/workspace.h"
#include "core/ctx-internal.h"
#include "core/json.h"
#include "core/who.h"
#include "store/db.h"

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
	char id[CAIRN_ID_LEN + 1];
	char *job;            /* "experiment/name" */
	char *status;
	char *parent;         /* NULL: none */
	int64_t start_ms, end_ms;
	int ended;
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
	cairn__stmt *st;
	int rc, row;

	memset(r, 0, sizeof(*r));
	if ((rc = cairn__db_prepare(x->db, "SELECT e.name, r.name, r.status, r.start_ms, r.end_ms,"
					  " r.parent_id FROM runs r JOIN experiments e"
					  " ON e.id = r.experiment_id WHERE r.id = ?", &st)) ||
	    (rc = cairn__stmt_bind_text(st, 1, id)))
		return rc;
	row = cairn__stmt_step(st);
	if (row == 1) {
		snprintf(r->id, sizeof(r->id), "%s", id);
		cairn_buf_addf(&job, "%s/%s", cairn__stmt_text(st, 0), cairn__stmt_text(st, 1));
		r->job = cairn_buf_detach(&job, NULL);
		r->status = cairn_xstrdup(cairn__stmt_text(st, 2));
		r->start_ms = cairn__stmt_int64(st, 3);
		r->ended = !cairn__stmt_is_null(st, 4);
		r->end_ms = cairn__stmt_int64(st, 4);
		if (!cairn__stmt_is_null(st, 5))
			r->parent = cairn_xstrdup(cairn__stmt_text(st, 5));
	}
	cairn__stmt_reset(st);
	*found = row == 1;
	return row < 0 ? cairn_errcode(x->ctx) : 0;
}

static void run_row_release(struct run_row *r)
{
	free(r->job);
	free(r->status);
	free(r->parent);
}

/* The SchemaDatasetFacet of a stored schema [{name, type, nulls}]. */
static json_t *schema_facet(const struct export *x, const char *text)
{
	json_t *schema = json_loads(text, 0, NULL), *fields, *f, *col;
	size_t i;

	if (!json_is_array(schema)) {
		json_decref(schema);
		return NULL;
	}
	f = facet(x, SCHEMA_FACET);
	json_object_set_new(f, "fields", fields = json_array());
	json_array_foreach(schema, i, col) {
		const char *name = json_string_value(json_object_get(col, "name"));
		const char *type = json_string_value(json_object_get(col, "type"));
		if (name)
			json_array_append_new(fields, json_pack("{s:s, s:s}", "name", name,
								"type", type ? type : "unknown"));
	}
	json_decref(schema);
	return f;
}

/* The OpenLineage dataset for node (type, id). */
static int dataset_json(struct export *x, const char *type, const char *id, json_t **out)
{
	cairn_buf name = CAIRN_BUF_INIT;
	json_t *facets = json_object(), *f;
	cairn__stmt *st;
	int rc = 0, row = 0;

	if (!strcmp(type, "dataset_version")) {
		if ((rc = cairn__db_prepare(x->db, "SELECT name, version, hash, schema FROM dataset_versions"
						  " WHERE id = ?", &st)) ||
		    (rc = cairn__stmt_bind_text(st, 1, id)))
			goto out;
		if ((row = cairn__stmt_step(st)) == 1) {
			cairn_buf_addf(&name, "%s@%lld", cairn__stmt_text(st, 0),
				       (long long)cairn__stmt_int64(st, 1));
			f = facet(x, VERSION_FACET);
			json_object_set_new(f, "datasetVersion", json_string(cairn__stmt_text(st, 2)));
			json_object_set_new(facets, "version", f);
			if (!cairn__stmt_is_null(st, 3) && (f = schema_facet(x, cairn__stmt_text(st, 3))))
				json_object_set_new(facets, "schema", f);
		}
		cairn__stmt_reset(st);
	} else if (!strcmp(type, "artifact") && strchr(id, '/')) {
		const char *slash = strchr(id, '/');
		cairn_buf run = CAIRN_BUF_INIT;
		cairn_buf_add(&run, id, (size_t)(slash - id));
		/* A single file has a content hash; a directory has none. */
		if (!(rc = cairn__db_prepare(x->db, "SELECT a.hash FROM run_artifacts a JOIN runs r"
						   " ON r.seq = a.run WHERE r.id = ? AND a.path = ?", &st)) &&
		    !(rc = cairn__stmt_bind_text(st, 1, run.buf)) &&
		    !(rc = cairn__stmt_bind_text(st, 2, slash + 1))) {
			if ((row = cairn__stmt_step(st)) == 1) {
				f = facet(x, VERSION_FACET);
				json_object_set_new(f, "datasetVersion", json_string(cairn__stmt_text(st, 0)));
				json_object_set_new(facets, "version", f);
			}
			cairn__stmt_reset(st);
		}
		cairn_buf_release(&run);
		if (rc)
			goto out;
	}
	if (row < 0) {
		rc = cairn_errcode(x->ctx);
		goto out;
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
	cairn__stmt *st;
	json_t *ends = json_array();
	size_t i;
	int rc, row;

	*out = json_array();
	if ((rc = cairn__db_prepare(x->db, "SELECT dst_type, dst_id FROM lineage WHERE src_type = 'run'"
					  " AND src_id = ? AND relation = ? ORDER BY dst_type, dst_id",
				   &st)) ||
	    (rc = cairn__stmt_bind_text(st, 1, run)) ||
	    (rc = cairn__stmt_bind_text(st, 2, relation)))
		goto out;
	while ((row = cairn__stmt_step(st)) == 1)
		json_array_append_new(ends, json_pack("[s, s]", cairn__stmt_text(st, 0),
						      cairn__stmt_text(st, 1)));
	if (row < 0) {
		rc = cairn_errcode(x->ctx);
		goto out;
	}
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
	if (!r->parent)
		return 0;
	if ((rc = read_run(x, r->parent, &parent, &found)) || !found)
		return rc;
	if (!cairn_lineage_run_uuid(parent.id, uuid)) {
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

	if (cairn_lineage_run_uuid(r->id, uuid))
		return cairn_error(x->ctx, CAIRN_ECORRUPT, "run id '%s' is not a well-formed id", r->id);
	if ((rc = datasets_of(x, r->id, "used", &inputs)) ||
	    (rc = datasets_of(x, r->id, "generated", &outputs)) ||
	    (rc = run_facets(x, r, &facets)))
		goto out;
	for (int final = 0; final < 2; final++) {
		if (final && !r->ended)
			break;
		ev = json_pack("{s:s, s:o, s:s, s:s, s:{s:s, s:O}, s:{s:s, s:s}, s:O, s:O}",
			       "eventType", final ? final_event(r->status) : "START",
			       "eventTime", time_json(final ? r->end_ms : r->start_ms),
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

	if (x->start_ms != y->start_ms)
		return x->start_ms < y->start_ms ? -1 : 1;
	return strcmp(x->id, y->id);
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
