/* The alert records in the metadata store: alert_rule_state and alerts
 * (migration 8; only this file reads or writes them), and the lineage
 * edge of each fired alert; see src/monitor/alerts-internal.h. */
#include <string.h>
#include "cairn/error.h"
#include "cairn/id.h"
#include "core/oom.h"
#include "monitor/alerts-internal.h"
#include "store/db.h"
#include "store/lineage-db.h"

int cairn__alert_state_load(cairn_ctx *ctx, const char *rule, struct cairn__alert_state *st)
{
	cairn__stmt *q = NULL;
	cairn__db *db;
	int rc, row;

	memset(st, 0, sizeof(*st));
	if ((rc = cairn__ctx_db(ctx, &db)) ||
	    (rc = cairn__db_prepare(db, "SELECT pending_since_ms, last_fired_ms, samples FROM"
				       " alert_rule_state WHERE rule = ?", &q)) ||
	    (rc = cairn__stmt_bind_text(q, 1, rule)))
		goto out;
	if ((row = cairn__stmt_step(q)) < 0) {
		rc = CAIRN_EDB;
		goto out;
	}
	if (row) {
		st->pending = !cairn__stmt_is_null(q, 0);
		st->pending_since_ms = cairn__stmt_int64(q, 0);
		st->fired = !cairn__stmt_is_null(q, 1);
		st->last_fired_ms = cairn__stmt_int64(q, 1);
		st->samples = json_loads(cairn__stmt_text(q, 2), 0, NULL);
	}
	if (!json_is_array(st->samples)) {
		json_decref(st->samples);
		if (!(st->samples = json_array()))
			cairn__oom(0);
	}
out:
	if (q)
		cairn__stmt_reset(q);
	return rc;
}

void cairn__alert_state_release(struct cairn__alert_state *st)
{
	json_decref(st->samples);
	st->samples = NULL;
}

int cairn__alert_state_save(cairn_ctx *ctx, const char *rule, const struct cairn__alert_state *st,
			    int64_t now_ms)
{
	char *samples = json_dumps(st->samples, JSON_COMPACT);
	cairn__stmt *q = NULL;
	cairn__db *db;
	int rc;

	if (!samples)
		cairn__oom(0);
	if ((rc = cairn__ctx_db(ctx, &db)) ||
	    (rc = cairn__db_prepare(db, "INSERT INTO alert_rule_state(rule, pending_since_ms,"
				       " last_fired_ms, samples, updated_ms) VALUES (?, ?, ?, ?, ?)"
				       " ON CONFLICT (rule) DO UPDATE SET pending_since_ms ="
				       " excluded.pending_since_ms, last_fired_ms ="
				       " excluded.last_fired_ms, samples = excluded.samples,"
				       " updated_ms = excluded.updated_ms", &q)) ||
	    (rc = cairn__stmt_bind_text(q, 1, rule)) ||
	    (rc = st->pending ? cairn__stmt_bind_int64(q, 2, st->pending_since_ms)
			      : cairn__stmt_bind_null(q, 2)) ||
	    (rc = st->fired ? cairn__stmt_bind_int64(q, 3, st->last_fired_ms)
			    : cairn__stmt_bind_null(q, 3)) ||
	    (rc = cairn__stmt_bind_text(q, 4, samples)) ||
	    (rc = cairn__stmt_bind_int64(q, 5, now_ms)))
		goto out;
	rc = cairn__stmt_run(q);
out:
	if (q)
		cairn__stmt_reset(q);
	free(samples);
	return rc;
}

int cairn__alert_insert(cairn_ctx *ctx, const json_t *a, char id[CAIRN_ID_LEN + 1])
{
	const char *model = json_string_value(json_object_get(a, "model"));
	const char *rule = json_string_value(json_object_get(a, "rule"));
	cairn__stmt *q = NULL;
	cairn__db *db;
	int rc;

	cairn_id_new(id);
	if ((rc = cairn__ctx_db(ctx, &db)) || (rc = cairn__db_begin(db)))
		return rc;
	if ((rc = cairn__db_prepare(db, "INSERT INTO alerts(id, rule, model, signal, value,"
				       " condition, severity, fired_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
				    &q)) ||
	    (rc = cairn__stmt_bind_text(q, 1, id)) ||
	    (rc = cairn__stmt_bind_text(q, 2, rule)) ||
	    (rc = model ? cairn__stmt_bind_text(q, 3, model) : cairn__stmt_bind_null(q, 3)) ||
	    (rc = cairn__stmt_bind_text(q, 4, json_string_value(json_object_get(a, "signal")))) ||
	    (rc = cairn__stmt_bind_double(q, 5, json_number_value(json_object_get(a, "value")))) ||
	    (rc = cairn__stmt_bind_text(q, 6, json_string_value(json_object_get(a, "condition")))) ||
	    (rc = cairn__stmt_bind_text(q, 7, json_string_value(json_object_get(a, "severity")))) ||
	    (rc = cairn__stmt_bind_int64(q, 8, json_integer_value(json_object_get(a, "fired_at_ms")))) ||
	    (rc = cairn__stmt_run(q)) ||
	    (rc = cairn__lineage_add(db, "alert_rule", rule, "generated", "alert", id)) ||
	    (rc = cairn__db_commit(db)))
		cairn__db_rollback(db);
	if (q)
		cairn__stmt_reset(q);
	return rc;
}

int cairn__alert_set_actions(cairn_ctx *ctx, const char *id, const json_t *actions)
{
	char *text = json_dumps(actions, JSON_COMPACT);
	cairn__stmt *q = NULL;
	cairn__db *db;
	int rc;

	if (!text)
		cairn__oom(0);
	if ((rc = cairn__ctx_db(ctx, &db)) ||
	    (rc = cairn__db_prepare(db, "UPDATE alerts SET actions = ? WHERE id = ?", &q)) ||
	    (rc = cairn__stmt_bind_text(q, 1, text)) ||
	    (rc = cairn__stmt_bind_text(q, 2, id)))
		goto out;
	rc = cairn__stmt_run(q);
out:
	if (q)
		cairn__stmt_reset(q);
	free(text);
	return rc;
}

#define ALERT_COLUMNS "id, rule, model, signal, value, condition, severity, fired_ms, acked_ms," \
		      " actions"

static json_t *row_json(cairn__stmt *q)
{
	char fired[32], acked[32];
	json_t *actions = json_loads(cairn__stmt_text(q, 9), 0, NULL), *o;

	cairn_format_time(cairn__stmt_int64(q, 7), fired);
	if (!cairn__stmt_is_null(q, 8))
		cairn_format_time(cairn__stmt_int64(q, 8), acked);
	o = json_pack("{s:s, s:s, s:o, s:s, s:f, s:s, s:s, s:s, s:o, s:o}",
		      "id", cairn__stmt_text(q, 0), "rule", cairn__stmt_text(q, 1),
		      "model", cairn__stmt_is_null(q, 2) ? json_null()
							 : json_string(cairn__stmt_text(q, 2)),
		      "signal", cairn__stmt_text(q, 3), "value", cairn__stmt_double(q, 4),
		      "condition", cairn__stmt_text(q, 5), "severity", cairn__stmt_text(q, 6),
		      "fired_at", fired,
		      "acked_at", cairn__stmt_is_null(q, 8) ? json_null() : json_string(acked),
		      "actions", json_is_array(actions) ? actions : json_array());
	if (!o)
		cairn__oom(0);
	return o;
}

int cairn__alert_list(cairn_ctx *ctx, int all, json_t **out)
{
	cairn__stmt *q = NULL;
	cairn__db *db;
	int rc, row;

	if (!(*out = json_array()))
		cairn__oom(0);
	if ((rc = cairn__ctx_db(ctx, &db)) ||
	    (rc = all ? cairn__db_prepare(db, "SELECT " ALERT_COLUMNS " FROM alerts"
					     " ORDER BY fired_ms DESC, id DESC", &q)
		      : cairn__db_prepare(db, "SELECT " ALERT_COLUMNS " FROM alerts WHERE acked_ms"
					     " IS NULL ORDER BY fired_ms DESC, id DESC", &q)))
		goto out;
	while ((row = cairn__stmt_step(q)) == 1)
		json_array_append_new(*out, row_json(q));
	rc = row < 0 ? CAIRN_EDB : 0;
out:
	if (q)
		cairn__stmt_reset(q);
	if (rc) {
		json_decref(*out);
		*out = NULL;
	}
	return rc;
}

int cairn__alert_get(cairn_ctx *ctx, const char *ref, json_t **out)
{
	cairn__stmt *q = NULL;
	char *id = NULL;
	cairn__db *db;
	int rc, row;

	*out = NULL;
	if ((rc = cairn__ctx_db(ctx, &db)) ||
	    (rc = cairn__db_resolve_prefix(db, "alert", "alerts", "id", ref, &id)) ||
	    (rc = cairn__db_prepare(db, "SELECT " ALERT_COLUMNS " FROM alerts WHERE id = ?", &q)) ||
	    (rc = cairn__stmt_bind_text(q, 1, id)))
		goto out;
	if ((row = cairn__stmt_step(q)) == 1)
		*out = row_json(q);
	else
		rc = row < 0 ? CAIRN_EDB : cairn_error(ctx, CAIRN_ENOTFOUND, "no alert '%s'", ref);
out:
	if (q)
		cairn__stmt_reset(q);
	free(id);
	return rc;
}

int cairn__alert_ack(cairn_ctx *ctx, const char *ref, int64_t now_ms, json_t **out)
{
	cairn__stmt *q = NULL;
	json_t *a;
	cairn__db *db;
	int rc;

	*out = NULL;
	if ((rc = cairn__alert_get(ctx, ref, &a)))
		return rc;
	if ((rc = cairn__ctx_db(ctx, &db)) ||
	    (rc = cairn__db_prepare(db, "UPDATE alerts SET acked_ms = ? WHERE id = ? AND acked_ms"
				       " IS NULL", &q)) ||
	    (rc = cairn__stmt_bind_int64(q, 1, now_ms)) ||
	    (rc = cairn__stmt_bind_text(q, 2, json_string_value(json_object_get(a, "id")))) ||
	    (rc = cairn__stmt_run(q)))
		goto out;
	cairn__stmt_reset(q);
	q = NULL;
	rc = cairn__alert_get(ctx, json_string_value(json_object_get(a, "id")), out);
out:
	if (q)
		cairn__stmt_reset(q);
	json_decref(a);
	return rc;
}
