/* The serve module's records in the metadata store: the feedback table
 * (prediction_feedback, migration 7; only this file reads or writes it)
 * and the lineage of deployments and prediction batches; see predlog.h. */
#include <string.h>
#include "cairn/error.h"
#include "cairn/id.h"
#include "core/oom.h"
#include "serve/predlog.h"
#include "store/db.h"
#include "store/lineage-db.h"

int cairn__feedback_insert(cairn_ctx *ctx, const char *request_id, const char *label,
			   const char *source, int64_t time_ms)
{
	char id[CAIRN_ID_LEN + 1];
	cairn__stmt *st = NULL;
	cairn__db *db;
	int rc;

	cairn_id_new(id);
	if ((rc = cairn__ctx_db(ctx, &db)) ||
	    (rc = cairn__db_prepare(db, "INSERT INTO prediction_feedback(id, request_id, label,"
				       " source, time_ms) VALUES (?, ?, ?, ?, ?)", &st)) ||
	    (rc = cairn__stmt_bind_text(st, 1, id)) ||
	    (rc = cairn__stmt_bind_text(st, 2, request_id)) ||
	    (rc = cairn__stmt_bind_text(st, 3, label)) ||
	    (rc = cairn__stmt_bind_text(st, 4, source)) ||
	    (rc = cairn__stmt_bind_int64(st, 5, time_ms)))
		goto out;
	rc = cairn__stmt_run(st);
out:
	if (st)
		cairn__stmt_reset(st);
	return rc;
}

int cairn__feedback_latest(cairn_ctx *ctx, json_t **out)
{
	cairn__stmt *st = NULL;
	cairn__db *db;
	int rc, row;

	if (!(*out = json_object()))
		cairn__oom(0);
	/* Ordered by id, which sorts by time: the last row of a request wins. */
	if ((rc = cairn__ctx_db(ctx, &db)) ||
	    (rc = cairn__db_prepare(db, "SELECT request_id, label, source, time_ms FROM"
				       " prediction_feedback ORDER BY id", &st)))
		goto out;
	while ((row = cairn__stmt_step(st)) == 1) {
		json_t *label = json_loads(cairn__stmt_text(st, 1), JSON_DECODE_ANY, NULL);
		char when[32];

		cairn_format_time(cairn__stmt_int64(st, 3), when);
		json_object_set_new(*out, cairn__stmt_text(st, 0),
				    json_pack("{s:o, s:s, s:s}", "label", label ? label : json_null(),
					      "time", when, "source", cairn__stmt_text(st, 2)));
	}
	rc = row < 0 ? CAIRN_EDB : 0;
out:
	if (st)
		cairn__stmt_reset(st);
	if (rc) {
		json_decref(*out);
		*out = NULL;
	}
	return rc;
}

static int add_edge(cairn_ctx *ctx, const char *src_type, const char *src_id,
		    const char *relation, const char *dst_type, const char *dst_id)
{
	cairn__db *db;
	int rc;

	if ((rc = cairn__ctx_db(ctx, &db)) || (rc = cairn__db_begin(db)))
		return rc;
	if ((rc = cairn__lineage_add(db, src_type, src_id, relation, dst_type, dst_id)) ||
	    (rc = cairn__db_commit(db)))
		cairn__db_rollback(db);
	return rc;
}

int cairn__deployment_start(cairn_ctx *ctx, const char *version_id, const char *run_id,
			    char id[CAIRN_ID_LEN + 1])
{
	cairn_id_new(id);
	if (version_id)
		return add_edge(ctx, "deployment", id, "used", "model_version", version_id);
	if (run_id)
		return add_edge(ctx, "deployment", id, "used", "run", run_id);
	return cairn_error(ctx, CAIRN_EINVAL, "a deployment needs a model version or a run");
}

int cairn__deployment_segment(cairn_ctx *ctx, const char *deployment, const char *segment)
{
	return add_edge(ctx, "deployment", deployment, "generated", "prediction_batch", segment);
}
