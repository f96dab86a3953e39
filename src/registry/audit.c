/*
 * The registry's audit log: one event per change, written in the change's
 * transaction, chained by SHA-256 so that an edited, deleted or reordered
 * event is found. The serialization that is hashed is documented in
 * docs/internals/registry.md; change it only with a new version tag.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cairn/error.h"
#include "cairn/hash.h"
#include "cairn/id.h"
#include "core/who.h"
#include "registry/registry-db.h"
#include "registry/registry-internal.h"
#include "store/db.h"

/* The previous hash of the first event. */
static const char genesis[] = "0000000000000000000000000000000000000000000000000000000000000000";

/* The JSON text of a value as stored: compact, keys sorted, ASCII only. */
static char *canonical(const json_t *v, const char *dflt)
{
	char *s = v ? json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENSURE_ASCII |
				    JSON_ENCODE_ANY | JSON_REAL_PRECISION(17)) : NULL;

	if (!s)
		s = cairn_xstrdup(dflt);
	return s;
}

/* The event's hash: SHA-256 of the JSON array of every field but the hash,
 * prev_hash last (see docs/internals/registry.md). */
static void event_hash(const struct cairn__audit_event *e, char out[CAIRN_HEX_LEN + 1])
{
	json_t *a = json_pack("[s, I, I, s, s, s, s, s, s, s, s, s, I, s]", "cairn-audit-1",
			      (json_int_t)e->seq, (json_int_t)e->time_ms, e->user, e->host,
			      e->model_id, e->model_name, e->action, e->before, e->after,
			      e->message, e->details, (json_int_t)e->forced, e->prev_hash);
	char *text = a ? json_dumps(a, JSON_COMPACT | JSON_ENSURE_ASCII) : NULL;

	/* Text that is not UTF-8 (edited in with sqlite3) cannot be packed: a
	 * hash no event has. */
	if (!text)
		memset(out, 'x', CAIRN_HEX_LEN);
	else
		cairn_sha256_buf(text, strlen(text), out);
	out[CAIRN_HEX_LEN] = '\0';
	free(text);
	json_decref(a);
}

int cairn__audit_record(cairn_ctx *ctx, cairn__db *db, const struct cairn__audit_change *c,
			int64_t *seq)
{
	char prev[CAIRN_HEX_LEN + 1], hash[CAIRN_HEX_LEN + 1];
	char *before = canonical(c->before, "null"), *after = canonical(c->after, "null");
	char *details = canonical(c->details, "{}");
	struct cairn__audit_event e = { 0 };
	int64_t head;
	int rc;

	(void)ctx;
	/* The caller's transaction holds the write lock: no other writer can
	 * append between this read and the insert. */
	if ((rc = cairn__regdb_audit_head(db, &head, prev)))
		goto out;
	e.seq = head + 1;
	e.time_ms = cairn_now_ms();
	e.user = cairn__current_user();
	e.host = cairn__current_host();
	e.model_id = c->model_id;
	e.model_name = c->model_name;
	e.action = c->action;
	e.before = before;
	e.after = after;
	e.message = c->message ? c->message : "";
	e.details = details;
	e.forced = !!c->forced;
	e.prev_hash = head ? prev : genesis;
	event_hash(&e, hash);
	e.hash = hash;
	if (!(rc = cairn__regdb_audit_insert(db, &e)) && seq)
		*seq = e.seq;
out:
	free(before);
	free(after);
	free(details);
	return rc;
}

static int action_check(cairn_ctx *ctx, const char *action)
{
	size_t n = action ? strlen(action) : 0;

	if (!n || n > 64 || strspn(action, "abcdefghijklmnopqrstuvwxyz0123456789_-") != n)
		return cairn_error(ctx, CAIRN_EINVAL, "invalid audit action '%s': 1 to 64 characters"
				   " of a-z, 0-9, '_' and '-'", action ? action : "");
	return 0;
}

int cairn_registry_event_append(cairn_ctx *ctx, const struct cairn_registry_event_options *o,
				int64_t *seq)
{
	char id[CAIRN_ID_LEN + 1];
	struct cairn__audit_change c = { 0 };
	cairn__db *db;
	int rc;

	if ((rc = action_check(ctx, o->action)))
		return rc;
	if (o->details && !json_is_object(o->details))
		return cairn_error(ctx, CAIRN_EINVAL, "the details of an audit event must be an object");
	if ((rc = cairn__ctx_db(ctx, &db)) || (rc = cairn__db_begin(db)))
		return rc;
	c.model_id = id;
	c.model_name = o->name;
	c.action = o->action;
	c.before = o->before;
	c.after = o->after;
	c.details = o->details;
	c.message = o->message;
	c.forced = o->forced;
	if ((rc = cairn__registry_model(ctx, db, o->name, id)) ||
	    (rc = cairn__audit_record(ctx, db, &c, seq)) || (rc = cairn__db_commit(db)))
		cairn__db_rollback(db);
	return rc;
}

static json_t *parsed(const char *text)
{
	json_t *v = json_loads(text, JSON_DECODE_ANY, NULL);

	return v ? v : json_string(text);
}

static int event_json(const struct cairn__audit_event *e, void *arg)
{
	char t[32];

	cairn_format_time(e->time_ms, t);
	json_array_append_new(arg, json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:s,"
					     " s:o, s:b, s:s, s:s}", "seq", (json_int_t)e->seq,
					     "time", t, "user", e->user, "host", e->host,
					     "model_id", e->model_id, "model", e->model_name,
					     "action", e->action, "before", parsed(e->before),
					     "after", parsed(e->after), "message", e->message,
					     "details", parsed(e->details), "forced", (int)e->forced,
					     "prev_hash", e->prev_hash, "hash", e->hash));
	return 0;
}

int cairn_registry_audit(cairn_ctx *ctx, const char *name, json_t **out)
{
	char id[CAIRN_ID_LEN + 1];
	json_t *ids = NULL;
	cairn__db *db;
	int rc, found = 0;

	*out = NULL;
	if ((rc = cairn__ctx_db(ctx, &db)))
		return rc;
	if (name) {
		/* The current name first, then one the model had. */
		if ((rc = cairn__regdb_model_id(db, name, id, &found)))
			return rc;
		if (!found) {
			if ((rc = cairn__regdb_audit_model_ids(db, name, &ids)))
				goto out;
			if (!json_array_size(ids)) {
				rc = cairn_error(ctx, CAIRN_ENOTFOUND, "no registered model '%s'", name);
				goto out;
			}
		}
	}
	*out = json_array();
	if (!name)
		rc = cairn__regdb_audit_each(db, NULL, event_json, *out);
	else if (found)
		rc = cairn__regdb_audit_each(db, id, event_json, *out);
	else
		for (size_t i = 0; i < json_array_size(ids) && !rc; i++)
			rc = cairn__regdb_audit_each(db, json_string_value(json_array_get(ids, i)),
						     event_json, *out);
out:
	json_decref(ids);
	if (rc) {
		json_decref(*out);
		*out = NULL;
	}
	return rc;
}

struct verify {
	struct cairn_registry_verify_result *res;
	char prev[CAIRN_HEX_LEN + 1];
};

/* Records the first fault. */
static int fault(struct verify *v, int64_t seq, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int fault(struct verify *v, int64_t seq, const char *fmt, ...)
{
	va_list ap;

	v->res->ok = 0;
	v->res->bad_seq = seq;
	va_start(ap, fmt);
	vsnprintf(v->res->problem, sizeof(v->res->problem), fmt, ap);
	va_end(ap);
	return -1;
}

static int verify_event(const struct cairn__audit_event *e, void *arg)
{
	struct verify *v = arg;
	int64_t want = v->res->events + 1;
	char h[CAIRN_HEX_LEN + 1];

	if (e->seq != want)
		return fault(v, want, "event %lld is missing: the log goes on at event %lld (deleted"
			     " or renumbered)", (long long)want, (long long)e->seq);
	event_hash(e, h);
	if (strcmp(h, e->hash))
		return fault(v, e->seq, "event %lld was edited: its fields do not match its hash",
			     (long long)e->seq);
	if (strcmp(e->prev_hash, v->prev))
		return fault(v, e->seq, "event %lld does not follow event %lld: its previous hash is"
			     " not that event's hash (an event before it was rewritten, deleted or"
			     " reordered)", (long long)e->seq, (long long)e->seq - 1);
	snprintf(v->prev, sizeof(v->prev), "%s", e->hash);
	snprintf(v->res->head, sizeof(v->res->head), "%s", e->hash);
	v->res->events++;
	return 0;
}

int cairn_registry_audit_verify(cairn_ctx *ctx, struct cairn_registry_verify_result *res)
{
	struct verify v = { res, "" };
	cairn__db *db;
	int rc;

	memset(res, 0, sizeof(*res));
	res->ok = 1;
	snprintf(v.prev, sizeof(v.prev), "%s", genesis);
	if ((rc = cairn__ctx_db(ctx, &db)))
		return rc;
	rc = cairn__regdb_audit_each(db, NULL, verify_event, &v);
	return rc == -1 ? 0 : rc;
}
