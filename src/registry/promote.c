/* Promotion: an alias moves to a version only through the model's
 * acceptance gates, in one transaction with its audit event; see
 * include/cairn/promote.h. */
#include <stdlib.h>
#include <string.h>
#include "cairn/buf.h"
#include "cairn/error.h"
#include "cairn/objects.h"
#include "cairn/promote.h"
#include "cairn/registry.h"

void cairn_promote_result_release(struct cairn_promote_result *res)
{
	json_decref(res->report);
	res->report = NULL;
}

/* What is refused before any gate runs: the version, the alias, the flags. */
static int promote_check(cairn_ctx *ctx, const struct cairn_promote_options *o, const char *ref)
{
	json_t *v = NULL;
	int rc;

	if (!o->config)
		return cairn_error(ctx, CAIRN_EINVAL, "model '%s' declares no gates: a promotion runs"
				   " them (declare models: %s: in the project file)", o->name, o->name);
	if (strcmp(cairn_gates_config_model(o->config), o->name))
		return cairn_error(ctx, CAIRN_EINVAL, "the gates given are those of model '%s', not"
				   " of '%s'", cairn_gates_config_model(o->config), o->name);
	if (o->force && (!o->message || !*o->message))
		return cairn_error(ctx, CAIRN_EINVAL, "a forced promotion needs a message (why the"
				   " failed gates are overridden)");
	if (o->version < 1)
		return cairn_error(ctx, CAIRN_EINVAL, "version %lld of '%s': versions count from 1",
				   (long long)o->version, o->name);
	if ((rc = cairn_registry_alias_check(ctx, o->alias)) ||
	    (rc = cairn_registry_show(ctx, ref, &v)))
		return rc;
	if (strcmp(json_string_value(json_object_get(v, "status")), "active"))
		rc = cairn_error(ctx, CAIRN_EINVAL, "version %lld of '%s' is archived: it cannot be"
				 " promoted (restore it with cairn models archive --restore)",
				 (long long)o->version, o->name);
	json_decref(v);
	return rc;
}

/* The report as an object: compact JSON with its keys sorted. */
static int store_report(cairn_ctx *ctx, const json_t *report, char hash[CAIRN_HEX_LEN + 1])
{
	struct cairn_object_put_result put;
	char *text = json_dumps(report, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENSURE_ASCII);
	int rc;

	if (!text)
		return cairn_error(ctx, CAIRN_ENOMEM, "cannot serialize the gate report");
	rc = cairn_object_put_buf(ctx, text, strlen(text), &put);
	free(text);
	if (!rc)
		memcpy(hash, put.hash, CAIRN_HEX_LEN + 1);
	return rc;
}

/* A promotion that moved nothing: the event "promote-refused". */
static int refuse(cairn_ctx *ctx, const struct cairn_promote_options *o, const json_t *details,
		  int64_t held, int64_t *seq)
{
	struct cairn_registry_event_options e = { 0 };
	json_t *state = json_pack("{s:s, s:o}", "alias", o->alias,
				  "version", held ? json_integer(held) : json_null());
	int rc;

	e.name = o->name;
	e.action = "promote-refused";
	e.before = state;
	e.after = state;
	e.message = o->message;
	e.details = details;
	rc = cairn_registry_event_append(ctx, &e, seq);
	json_decref(state);
	return rc;
}

/* The alias moved while the gates ran: record the refusal and report the
 * move that beat this one. */
static int refuse_moved(cairn_ctx *ctx, const struct cairn_promote_options *o, json_t *details,
			struct cairn_promote_result *res)
{
	char *why = cairn_xstrdup(cairn_errmsg(ctx));
	int rc;

	json_object_set_new(details, "reason", json_string(why));
	if (!(rc = refuse(ctx, o, details, res->holder, &res->seq)))
		rc = cairn_error(ctx, CAIRN_EEXIST, "%s; nothing promoted (run the promotion again to"
				 " gate against the new holder)", why);
	free(why);
	return rc;
}

int cairn_promote(cairn_ctx *ctx, const struct cairn_promote_options *o,
		  struct cairn_promote_result *res)
{
	struct cairn_gates_options g = { 0 };
	struct cairn_registry_alias_options a = { 0 };
	cairn_buf cand = CAIRN_BUF_INIT, held = CAIRN_BUF_INIT;
	json_t *details = NULL;
	int rc;

	memset(res, 0, sizeof(*res));
	cairn_buf_addf(&cand, "%s@%lld", o->name, (long long)o->version);
	if ((rc = promote_check(ctx, o, cand.buf)) ||
	    (rc = cairn_registry_alias_get(ctx, o->name, o->alias, &res->holder)))
		goto out;
	if (res->holder)
		cairn_buf_addf(&held, "%s@%lld", o->name, (long long)res->holder);
	g.candidate = cand.buf;
	g.holder = res->holder ? held.buf : NULL;
	g.config = o->config;
	g.seed = o->seed;
	g.latency_rows = o->latency_rows;
	if ((rc = cairn_gates_run(ctx, &g, &res->report, &res->passed)) || o->dry_run ||
	    (rc = store_report(ctx, res->report, res->report_hash)))
		goto out;
	res->forced = !res->passed && o->force;
	details = json_pack("{s:s, s:I, s:s, s:s, s:b, s:o}", "alias", o->alias,
			    "version", (json_int_t)o->version, "gate_report", res->report_hash,
			    "verdict", res->passed ? "pass" : "fail", "forced", res->forced,
			    "holder", res->holder ? json_integer(res->holder) : json_null());
	if (!res->passed && !o->force) {
		rc = refuse(ctx, o, details, res->holder, &res->seq);
		goto out;
	}
	a.name = o->name;
	a.alias = o->alias;
	a.version = o->version;
	a.check_holder = 1;
	a.expect_version = res->holder;
	a.message = o->message;
	a.details = details;
	a.forced = res->forced;
	a.action = "promote";
	rc = cairn_registry_alias_set(ctx, &a, &res->seq);
	if (rc == CAIRN_EEXIST)
		rc = refuse_moved(ctx, o, details, res);
	res->moved = !rc;
out:
	json_decref(details);
	cairn_buf_release(&cand);
	cairn_buf_release(&held);
	return rc;
}
