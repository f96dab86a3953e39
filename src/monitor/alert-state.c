/* The state machine of an alert rule between passes: pending while the
 * condition holds for less than `for`, firing after, fired again only
 * once the cooldown since the last firing has passed; see
 * src/monitor/alerts-internal.h. */
#include "monitor/alerts-internal.h"

enum cairn__alert_step cairn__alert_step(struct cairn__alert_state *st, int64_t for_ms,
					 int64_t cooldown_ms, int has_value, int holds,
					 int64_t now_ms)
{
	if (!has_value || !holds) {
		/* The condition must hold without a gap for `for`. */
		st->pending = 0;
		st->pending_since_ms = 0;
		return has_value ? CAIRN__STEP_OK : CAIRN__STEP_NODATA;
	}
	if (!st->pending) {
		st->pending = 1;
		st->pending_since_ms = now_ms;
	}
	if (now_ms - st->pending_since_ms < for_ms)
		return CAIRN__STEP_PENDING;
	if (st->fired && now_ms - st->last_fired_ms < cooldown_ms)
		return CAIRN__STEP_COOLDOWN;
	st->fired = 1;
	st->last_fired_ms = now_ms;
	return CAIRN__STEP_FIRE;
}

const char *cairn__alert_step_name(enum cairn__alert_step s)
{
	static const char *const names[] = { "no_data", "ok", "pending", "cooldown", "firing" };

	return (unsigned)s < sizeof(names) / sizeof(names[0]) ? names[s] : "unknown";
}
