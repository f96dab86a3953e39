/* One evaluation pass of the alert rules, and the public functions of
 * include/cairn/alerts.h over the records of alert-db.c. */
#include <math.h>
#include <string.h>
#include "cairn/alerts.h"
#include "cairn/error.h"
#include "cairn/id.h"
#include "core/cancel.h"
#include "core/log.h"
#include "core/oom.h"
#include "monitor/alerts-internal.h"

/* Records an alert of rule r with value at now_ms, runs its actions and
 * stores their outcomes; *out the alert as cairn_alerts_show gives it. */
static int fire(cairn_ctx *ctx, const struct cairn__alert_rules *rules,
		const struct cairn__alert_rule *r, double value, int64_t now_ms, json_t **out)
{
	char id[CAIRN_ID_LEN + 1], cond[64], when[32];
	json_t *alert, *actions = json_array();
	int rc, recorded = 0;

	cairn__alert_condition_format(&r->cond, cond);
	cairn_format_time(now_ms, when);
	alert = json_pack("{s:s, s:o, s:s, s:f, s:s, s:s, s:I, s:s}", "rule", r->name,
			  "model", r->model ? json_string(r->model) : json_null(),
			  "signal", r->signal->name, "value", value, "condition", cond,
			  "severity", cairn_alert_severity_name(r->severity),
			  "fired_at_ms", (json_int_t)now_ms, "fired_at", when);
	if (!alert || !actions)
		cairn__oom(0);
	if ((rc = cairn__alert_insert(ctx, alert, id)))
		goto out;
	json_object_set_new(alert, "alert", json_string(id));
	for (size_t i = 0; i < r->nactions; i++) {
		recorded |= r->actions[i].kind == CAIRN__ACTION_RECORD;
		json_array_append_new(actions, cairn__alert_run_action(ctx, rules, &r->actions[i],
									alert));
	}
	if (!recorded)  /* implicit: every alert is recorded */
		json_array_insert_new(actions, 0, json_pack("{s:s, s:b}", "action", "record",
							    "ok", 1));
	if (!(rc = cairn__alert_set_actions(ctx, id, actions)))
		rc = cairn__alert_get(ctx, id, out);
out:
	json_decref(alert);
	json_decref(actions);
	return rc;
}

int cairn__alerts_evaluate(cairn_ctx *ctx, const struct cairn__alert_rules *rules,
			   int64_t now_ms, json_t **report)
{
	json_t *entries = json_array();
	char when[32];
	int rc = 0;

	if (!entries)
		cairn__oom(0);
	for (size_t i = 0; i < rules->n; i++) {
		const struct cairn__alert_rule *r = &rules->rules[i];
		struct cairn__alert_state st;
		enum cairn__alert_step step;
		json_t *entry, *alert = NULL;
		double value = NAN;
		int has = 0;

		if (cairn_ctx_cancelled(ctx)) {
			rc = cairn__interrupted(ctx);
			break;
		}
		if ((rc = cairn__alert_state_load(ctx, r->name, &st)))
			break;
		entry = json_pack("{s:s, s:s}", "rule", r->name, "signal", r->signal->name);
		if (!entry)
			cairn__oom(0);
		if (r->signal->read(ctx, r, &st, now_ms, &value, &has)) {
			/* The rule is skipped; its state is kept as it was. */
			cairn__log_warn(ctx, "alert rule '%s': %s", r->name, cairn_errmsg(ctx));
			json_object_set_new(entry, "value", json_null());
			json_object_set_new(entry, "state", json_string("error"));
			json_object_set_new(entry, "error", json_string(cairn_errmsg(ctx)));
			json_array_append_new(entries, entry);
			cairn__alert_state_release(&st);
			continue;
		}
		step = cairn__alert_step(&st, r->for_ms, r->cooldown_ms, has,
					 has && cairn__alert_condition_holds(&r->cond, value),
					 now_ms);
		json_object_set_new(entry, "value", has ? json_real(value) : json_null());
		json_object_set_new(entry, "state", json_string(cairn__alert_step_name(step)));
		if (st.pending) {
			cairn_format_time(st.pending_since_ms, when);
			json_object_set_new(entry, "pending_since", json_string(when));
		}
		json_array_append_new(entries, entry);
		/* Fired before the state is saved: a store error in between
		 * fires again at the next pass rather than losing the alert. */
		if ((step == CAIRN__STEP_FIRE && (rc = fire(ctx, rules, r, value, now_ms, &alert))) ||
		    (rc = cairn__alert_state_save(ctx, r->name, &st, now_ms))) {
			json_decref(alert);
			cairn__alert_state_release(&st);
			break;
		}
		if (alert)
			json_object_set_new(entry, "alert", alert);
		cairn__alert_state_release(&st);
	}
	if (rc || !report) {
		json_decref(entries);
		return rc;
	}
	cairn_format_time(now_ms, when);
	if (!(*report = json_pack("{s:s, s:o}", "time", when, "rules", entries)))
		cairn__oom(0);
	return 0;
}

int cairn_alerts_evaluate(cairn_ctx *ctx, const char *path, int64_t now_ms, json_t **report)
{
	struct cairn__alert_rules *rules;
	int rc;

	if (report)
		*report = NULL;
	if ((rc = cairn__alert_rules_load(ctx, path, &rules)))
		return rc;
	rc = cairn__alerts_evaluate(ctx, rules, now_ms ? now_ms : cairn_now_ms(), report);
	cairn__alert_rules_free(rules);
	return rc;
}

int cairn_alerts_list(cairn_ctx *ctx, int all, json_t **out)
{
	return cairn__alert_list(ctx, all, out);
}

int cairn_alerts_show(cairn_ctx *ctx, const char *id, json_t **out)
{
	return cairn__alert_get(ctx, id, out);
}

int cairn_alerts_ack(cairn_ctx *ctx, const char *id, json_t **out)
{
	json_t *a;
	int rc = cairn__alert_ack(ctx, id, cairn_now_ms(), &a);

	if (out)
		*out = a;
	else
		json_decref(a);
	return rc;
}
