/*
 * The alert engine inside the monitor module: rules read from cairn.yaml
 * (rules.c), the signals a rule watches (alert-signals.c, one row of a
 * table per kind), the Prometheus text a server's /metrics answers
 * (alert-prom.c), the pending/firing/cooldown state machine
 * (alert-state.c), the actions (alert-actions.c), the records in the
 * metadata store (alert-db.c, the only code that reads or writes the
 * alert tables) and one evaluation pass (alert-eval.c).
 *
 * Ownership: cairn__alert_rules_load() allocates the rules, freed by
 * cairn__alert_rules_free(). Not thread-safe; one pass at a time per
 * workspace (two watchers of one workspace fire twice).
 */
#ifndef CAIRN_MONITOR_ALERTS_INTERNAL_H
#define CAIRN_MONITOR_ALERTS_INTERNAL_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include "cairn/alerts.h"
#include "cairn/buf.h"
#include "cairn/ctx.h"
#include "cairn/id.h"

enum cairn__alert_op { CAIRN__OP_GT, CAIRN__OP_GE, CAIRN__OP_LT, CAIRN__OP_LE };

struct cairn__alert_condition {
	enum cairn__alert_op op;
	double threshold;
};

/* "> 0.05", ">= 1", "<0.5": an operator and a finite number; -1 otherwise. */
int cairn__alert_condition_parse(const char *s, struct cairn__alert_condition *out);
int cairn__alert_condition_holds(const struct cairn__alert_condition *c, double value);
/* The condition as text ("> 0.05"), into out. */
void cairn__alert_condition_format(const struct cairn__alert_condition *c, char out[64]);

/* "0", "250ms", "30s", "5m", "2h", "1d": milliseconds; -1 when malformed. */
int64_t cairn__alert_parse_duration(const char *s);

enum cairn__alert_action_kind {
	CAIRN__ACTION_RECORD,
	CAIRN__ACTION_WEBHOOK,
	CAIRN__ACTION_COMMAND
};

struct cairn__alert_action {
	enum cairn__alert_action_kind kind;
	char *url;                /* webhook */
	int64_t timeout_ms;       /* webhook: each attempt; command: the run */
	int retries;              /* webhook: attempts after the first */
	int64_t backoff_ms;       /* webhook: the first wait, doubled after each */
	char **argv;              /* command, NULL-terminated, placeholders unexpanded */
	size_t argc;
};

struct cairn__alert_signal;

struct cairn__alert_rule {
	char *name;
	char *model;              /* NULL: any */
	const struct cairn__alert_signal *signal;
	char *server;             /* base URL of a cairn server, for server signals */
	int64_t window_ms, for_ms, cooldown_ms;
	struct cairn__alert_condition cond;
	enum cairn_alert_severity severity;
	struct cairn__alert_action *actions;
	size_t nactions;
};

struct cairn__alert_rules {
	struct cairn__alert_rule *rules;
	size_t n;
	char *dir;                /* the project file's directory: commands run there */
};

/* Reads the alerts: section of the project file path; a file without one
 * has no rules. CAIRN_EPARSE naming the file, line, column and key. */
int cairn__alert_rules_load(cairn_ctx *ctx, const char *path, struct cairn__alert_rules **out);
void cairn__alert_rules_free(struct cairn__alert_rules *r);

/*
 * The state a rule keeps between passes (stored by alert-db.c).
 */
struct cairn__alert_state {
	int pending;              /* the condition holds since pending_since_ms */
	int64_t pending_since_ms;
	int fired;                /* it fired, last at last_fired_ms */
	int64_t last_fired_ms;
	json_t *samples;          /* the signal's earlier readings, an array (owned) */
};

enum cairn__alert_step {
	CAIRN__STEP_NODATA,       /* no value: pending forgotten */
	CAIRN__STEP_OK,           /* the condition does not hold */
	CAIRN__STEP_PENDING,      /* holds, not yet for `for` */
	CAIRN__STEP_COOLDOWN,     /* firing, but fired less than cooldown ago */
	CAIRN__STEP_FIRE          /* fires now (last_fired_ms set to now) */
};

/* One step of the state machine for a rule with for_ms and cooldown_ms,
 * given whether there is a value and whether the condition holds on it. */
enum cairn__alert_step cairn__alert_step(struct cairn__alert_state *st, int64_t for_ms,
					 int64_t cooldown_ms, int has_value, int holds,
					 int64_t now_ms);
const char *cairn__alert_step_name(enum cairn__alert_step s);

/*
 * Signals. Each kind reads one number for a rule at now_ms, or says there
 * is none (*has_value 0: no traffic in the window, a first reading); it may
 * keep what it needs between passes in st->samples. An error (a server
 * that does not answer) is reported on ctx and the rule is skipped.
 */
struct cairn__alert_signal {
	const char *name;
	int needs_server;         /* the rule must give server: */
	const char *unit;         /* for messages: "", "s" */
	int (*read)(cairn_ctx *ctx, const struct cairn__alert_rule *r,
		    struct cairn__alert_state *st, int64_t now_ms, double *value, int *has_value);
};

/* The signal called name, or NULL; names lists them ("a, b") into a static
 * string for messages. */
const struct cairn__alert_signal *cairn__alert_signal_find(const char *name);
const char *cairn__alert_signal_names(void);

/*
 * Prometheus text exposition (format 0.0.4), as cairn serve writes it.
 */
struct cairn__prom_label {
	const char *name, *value;
};

/* Calls fn for every sample line; labels' values are unescaped. Comments
 * and blank lines are skipped. CAIRN_EPARSE naming what and the line for a
 * malformed line; fn's non-zero return stops and is returned. */
int cairn__prom_parse(cairn_ctx *ctx, const char *what, const char *text, size_t len,
		      int (*fn)(void *arg, const char *name, const struct cairn__prom_label *labels,
				size_t nlabels, double value),
		      void *arg);

struct cairn__prom_bucket {
	double le;                /* upper bound, INFINITY for +Inf */
	double count;             /* cumulative */
};

/* The q-quantile of a histogram's buckets (sorted by le, cumulative, the
 * last +Inf) as Prometheus's histogram_quantile computes it: linear
 * interpolation inside the bucket holding the rank; NAN for fewer than two
 * buckets, no +Inf bucket or no observations. */
double cairn__histogram_quantile(double q, const struct cairn__prom_bucket *b, size_t n);

/* GETs url into body (libcurl); CAIRN_EIO naming url unless it answers 200. */
int cairn__alert_http_get(cairn_ctx *ctx, const char *url, int64_t timeout_ms, cairn_buf *body);

/*
 * Records (alert-db.c).
 */
/* The stored state of rule name; a rule never seen has an empty one. */
int cairn__alert_state_load(cairn_ctx *ctx, const char *rule, struct cairn__alert_state *st);
int cairn__alert_state_save(cairn_ctx *ctx, const char *rule, const struct cairn__alert_state *st,
			    int64_t now_ms);
void cairn__alert_state_release(struct cairn__alert_state *st);

/* Records an alert (its fields in alert, an object: rule, model, signal,
 * value, condition, severity, fired_at_ms) with the lineage edge "alert_rule
 * RULE generated alert ID", in one transaction; id receives its id. */
int cairn__alert_insert(cairn_ctx *ctx, const json_t *alert, char id[CAIRN_ID_LEN + 1]);
/* Stores the actions' outcomes (an array) of alert id. */
int cairn__alert_set_actions(cairn_ctx *ctx, const char *id, const json_t *actions);
/* The alerts, newest first (only the unacknowledged unless all). */
int cairn__alert_list(cairn_ctx *ctx, int all, json_t **out);
/* One alert by id or a unique prefix of it. */
int cairn__alert_get(cairn_ctx *ctx, const char *ref, json_t **out);
/* Sets acked_at of alert ref (kept when already set); *out the alert. */
int cairn__alert_ack(cairn_ctx *ctx, const char *ref, int64_t now_ms, json_t **out);

/*
 * Actions (alert-actions.c): each runs for a fired alert (the object of
 * cairn__alert_insert with "alert": ID) and returns its outcome, an object
 * {action, ok, ...}; a failure is logged as a warning and recorded, never
 * returned as an error.
 */
json_t *cairn__alert_run_action(cairn_ctx *ctx, const struct cairn__alert_rules *rules,
				const struct cairn__alert_action *a, const json_t *alert);

/* One pass over the rules at now_ms; see cairn_alerts_evaluate. */
int cairn__alerts_evaluate(cairn_ctx *ctx, const struct cairn__alert_rules *rules,
			   int64_t now_ms, json_t **report);

#endif
