/* The alerts: section of cairn.yaml read into struct cairn__alert_rules,
 * with conditions and durations; see src/monitor/alerts-internal.h and
 * docs/commands/alerts.md. */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "cairn/buf.h"
#include "cairn/error.h"
#include "cairn/value.h"
#include "core/yaml.h"
#include "monitor/alerts-internal.h"
#include "registry/project.h"

static const char *const rule_keys[] = {
	"name", "model", "signal", "server", "window", "condition", "for", "severity",
	"cooldown", "actions", NULL
};
static const char *const webhook_keys[] = { "url", "timeout", "retries", "backoff", NULL };
static const char *const severities[] = { "info", "warning", "critical", NULL };

#define DEFAULT_WINDOW_MS (5 * 60 * 1000)
#define DEFAULT_WEBHOOK_TIMEOUT_MS 5000
#define DEFAULT_WEBHOOK_RETRIES 3
#define DEFAULT_BACKOFF_MS 1000
#define DEFAULT_COMMAND_TIMEOUT_MS 60000
#define MAX_RETRIES 10

const char *cairn_alert_severity_name(enum cairn_alert_severity s)
{
	return (unsigned)s < 3 ? severities[s] : "unknown";
}

int64_t cairn__alert_parse_duration(const char *s)
{
	static const struct { const char *unit; int64_t ms; } units[] = {
		{ "ms", 1 }, { "s", 1000 }, { "m", 60000 }, { "h", 3600000 }, { "d", 86400000 }
	};
	const char *p = s;
	int64_t n = 0;

	if (!isdigit((unsigned char)*p))
		return -1;
	for (; isdigit((unsigned char)*p); p++) {
		if (n > INT64_MAX / 10 / 86400000)
			return -1;
		n = n * 10 + (*p - '0');
	}
	if (!*p)
		return n ? -1 : 0;  /* a bare number other than 0 has no unit */
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (!strcmp(p, units[i].unit))
			return n * units[i].ms;
	return -1;
}

int cairn_alerts_parse_duration(cairn_ctx *ctx, const char *what, const char *text,
				int64_t *out_ms)
{
	if ((*out_ms = cairn__alert_parse_duration(text)) < 0)
		return cairn_error(ctx, CAIRN_EINVAL, "%s: '%s' is no duration (a number and a"
				   " unit: 250ms, 30s, 5m, 2h, 1d; or 0)", what, text);
	return 0;
}

int cairn__alert_condition_parse(const char *s, struct cairn__alert_condition *out)
{
	const char *p = s;
	size_t len;

	while (*p == ' ')
		p++;
	if (p[0] == '>' || p[0] == '<') {
		int eq = p[1] == '=';
		out->op = p[0] == '>' ? (eq ? CAIRN__OP_GE : CAIRN__OP_GT)
				      : (eq ? CAIRN__OP_LE : CAIRN__OP_LT);
		p += 1 + eq;
	} else {
		return -1;
	}
	while (*p == ' ')
		p++;
	len = strlen(p);
	while (len && p[len - 1] == ' ')
		len--;
	if (!len || !cairn_parse_float(p, len, &out->threshold) || !isfinite(out->threshold))
		return -1;
	return 0;
}

int cairn__alert_condition_holds(const struct cairn__alert_condition *c, double v)
{
	switch (c->op) {
	case CAIRN__OP_GT: return v > c->threshold;
	case CAIRN__OP_GE: return v >= c->threshold;
	case CAIRN__OP_LT: return v < c->threshold;
	case CAIRN__OP_LE: return v <= c->threshold;
	}
	return 0;
}

void cairn__alert_condition_format(const struct cairn__alert_condition *c, char out[64])
{
	static const char *const ops[] = { ">", ">=", "<", "<=" };

	int prec;

	if (c->threshold == floor(c->threshold) && fabs(c->threshold) < 1e15) {
		snprintf(out, 64, "%s %.0f", ops[c->op], c->threshold);
		return;
	}
	/* The shortest text that reads back as the threshold. */
	for (prec = 1; prec < 17; prec++) {
		snprintf(out, 64, "%s %.*g", ops[c->op], prec, c->threshold);
		if (strtod(out + strlen(ops[c->op]) + 1, NULL) == c->threshold)
			return;
	}
	snprintf(out, 64, "%s %.17g", ops[c->op], c->threshold);
}

/* A null or empty scalar. */
static int is_empty(const yaml_node_t *n)
{
	return n->type == YAML_SCALAR_NODE && (cairn__yaml_is_null(n) || !n->data.scalar.length);
}

struct reader {
	struct cairn__project *p;
	struct cairn__alert_rules *rules;
	cairn_buf key;
	size_t index;
};

/* alerts[I].NAME, the key path errors name. */
static const char *key(struct reader *r, const char *name)
{
	cairn_buf_reset(&r->key);
	cairn_buf_addf(&r->key, "alerts[%zu]%s%s", r->index, name ? "." : "", name ? name : "");
	return r->key.buf;
}

static int read_duration(struct reader *r, const yaml_node_t *n, const char *name, int64_t *out)
{
	if (n->type != YAML_SCALAR_NODE ||
	    (*out = cairn__alert_parse_duration(cairn__project_text(n))) < 0)
		return cairn__project_fail(r->p, n, key(r, name), "'%s' is no duration (a number"
					   " and a unit: 250ms, 30s, 5m, 2h, 1d; or 0)",
					   cairn__project_text(n));
	return 0;
}

static int read_webhook(struct reader *r, const yaml_node_t *n, struct cairn__alert_action *a)
{
	yaml_node_t *v;
	double d;

	a->kind = CAIRN__ACTION_WEBHOOK;
	a->timeout_ms = DEFAULT_WEBHOOK_TIMEOUT_MS;
	a->retries = DEFAULT_WEBHOOK_RETRIES;
	a->backoff_ms = DEFAULT_BACKOFF_MS;
	if (n->type == YAML_SCALAR_NODE)
		return cairn__project_string(r->p, n, key(r, "actions[].webhook"), &a->url);
	if (cairn__project_mapping(r->p, n, key(r, "actions[].webhook"), "a webhook",
				   webhook_keys))
		return CAIRN_EPARSE;
	if (!(v = cairn__project_get(r->p, n, "url")))
		return cairn__project_fail(r->p, n, key(r, "actions[].webhook"), "missing 'url'");
	if (cairn__project_string(r->p, v, key(r, "actions[].webhook.url"), &a->url))
		return CAIRN_EPARSE;
	if (strncmp(a->url, "http://", 7) && strncmp(a->url, "https://", 8))
		return cairn__project_fail(r->p, v, key(r, "actions[].webhook.url"), "'%s' is no"
					   " http:// or https:// URL", a->url);
	if ((v = cairn__project_get(r->p, n, "timeout")) &&
	    read_duration(r, v, "actions[].webhook.timeout", &a->timeout_ms))
		return CAIRN_EPARSE;
	if ((v = cairn__project_get(r->p, n, "backoff")) &&
	    read_duration(r, v, "actions[].webhook.backoff", &a->backoff_ms))
		return CAIRN_EPARSE;
	if ((v = cairn__project_get(r->p, n, "retries"))) {
		if (cairn__project_number(r->p, v, key(r, "actions[].webhook.retries"), &d))
			return CAIRN_EPARSE;
		if (d < 0 || d > MAX_RETRIES || d != floor(d))
			return cairn__project_fail(r->p, v, key(r, "actions[].webhook.retries"),
						   "must be a whole number from 0 to %d",
						   MAX_RETRIES);
		a->retries = (int)d;
	}
	return 0;
}

static int read_command(struct reader *r, const yaml_node_t *n, struct cairn__alert_action *a)
{
	a->kind = CAIRN__ACTION_COMMAND;
	a->timeout_ms = DEFAULT_COMMAND_TIMEOUT_MS;
	if (n->type != YAML_SEQUENCE_NODE || n->data.sequence.items.start == n->data.sequence.items.top)
		return cairn__project_fail(r->p, n, key(r, "actions[].command"), "must be a"
					   " non-empty list: the program and its arguments (no"
					   " shell runs it)");
	a->argc = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
	a->argv = cairn_xcalloc(a->argc + 1, sizeof(*a->argv));
	for (size_t i = 0; i < a->argc; i++) {
		yaml_node_t *item = cairn__project_node(r->p, n->data.sequence.items.start[i]);
		if (item->type != YAML_SCALAR_NODE || is_empty(item))
			return cairn__project_fail(r->p, item, key(r, "actions[].command"), "each"
						   " argument must be a non-empty string");
		a->argv[i] = cairn_xstrdup(cairn__project_text(item));
	}
	return 0;
}

static int read_action(struct reader *r, const yaml_node_t *n, struct cairn__alert_action *a)
{
	yaml_node_pair_t *pr;
	const char *name;

	if (n->type == YAML_SCALAR_NODE) {
		if (strcmp(cairn__project_text(n), "record"))
			return cairn__project_fail(r->p, n, key(r, "actions[]"), "unknown action '%s'"
						   " (record, webhook: {url: ...}, command: [...])",
						   cairn__project_text(n));
		a->kind = CAIRN__ACTION_RECORD;
		return 0;
	}
	if (n->type != YAML_MAPPING_NODE ||
	    n->data.mapping.pairs.top - n->data.mapping.pairs.start != 1)
		return cairn__project_fail(r->p, n, key(r, "actions[]"), "an action is 'record' or a"
					   " mapping of one key: webhook or command");
	pr = n->data.mapping.pairs.start;
	name = cairn__project_text(cairn__project_node(r->p, pr->key));
	if (!strcmp(name, "webhook"))
		return read_webhook(r, cairn__project_node(r->p, pr->value), a);
	if (!strcmp(name, "command"))
		return read_command(r, cairn__project_node(r->p, pr->value), a);
	return cairn__project_fail(r->p, cairn__project_node(r->p, pr->key), key(r, "actions[]"),
				   "unknown action '%s' (record, webhook, command)", name);
}

static int read_rule(struct reader *r, const yaml_node_t *n, struct cairn__alert_rule *rule)
{
	yaml_node_t *v;

	if (cairn__project_mapping(r->p, n, key(r, NULL), "an alert rule", rule_keys))
		return CAIRN_EPARSE;
	rule->window_ms = DEFAULT_WINDOW_MS;
	rule->severity = CAIRN_ALERT_WARNING;
	if (!(v = cairn__project_get(r->p, n, "name")))
		return cairn__project_fail(r->p, n, key(r, NULL), "missing 'name'");
	if (cairn__project_string(r->p, v, key(r, "name"), &rule->name))
		return CAIRN_EPARSE;
	for (size_t i = 0; i < r->index; i++)
		if (!strcmp(r->rules->rules[i].name, rule->name))
			return cairn__project_fail(r->p, v, key(r, "name"), "a rule named '%s' is"
						   " already given (alerts[%zu])", rule->name, i);
	if ((v = cairn__project_get(r->p, n, "model")) &&
	    cairn__project_string(r->p, v, key(r, "model"), &rule->model))
		return CAIRN_EPARSE;
	if (!(v = cairn__project_get(r->p, n, "signal")))
		return cairn__project_fail(r->p, n, key(r, NULL), "missing 'signal' (one of %s)",
					   cairn__alert_signal_names());
	if (!(rule->signal = cairn__alert_signal_find(cairn__project_text(v))))
		return cairn__project_fail(r->p, v, key(r, "signal"), "unknown signal '%s' (one of"
					   " %s)", cairn__project_text(v),
					   cairn__alert_signal_names());
	if ((v = cairn__project_get(r->p, n, "server"))) {
		if (cairn__project_string(r->p, v, key(r, "server"), &rule->server))
			return CAIRN_EPARSE;
		if (strncmp(rule->server, "http://", 7) && strncmp(rule->server, "https://", 8))
			return cairn__project_fail(r->p, v, key(r, "server"), "'%s' is no http://"
						   " or https:// URL", rule->server);
	} else if (rule->signal->needs_server) {
		return cairn__project_fail(r->p, n, key(r, NULL), "missing 'server' (the URL of"
					   " the cairn server whose /metrics %s reads)",
					   rule->signal->name);
	}
	if ((v = cairn__project_get(r->p, n, "window"))) {
		if (read_duration(r, v, "window", &rule->window_ms))
			return CAIRN_EPARSE;
		if (!rule->window_ms)
			return cairn__project_fail(r->p, v, key(r, "window"), "must be longer than 0");
	}
	if (!(v = cairn__project_get(r->p, n, "condition")))
		return cairn__project_fail(r->p, n, key(r, NULL), "missing 'condition' (like"
					   " \"> 0.05\")");
	if (v->type != YAML_SCALAR_NODE ||
	    cairn__alert_condition_parse(cairn__project_text(v), &rule->cond))
		return cairn__project_fail(r->p, v, key(r, "condition"), "'%s' is no condition: an"
					   " operator (>, >=, <, <=) and a number, like \"> 0.05\"",
					   cairn__project_text(v));
	if ((v = cairn__project_get(r->p, n, "for")) && read_duration(r, v, "for", &rule->for_ms))
		return CAIRN_EPARSE;
	if ((v = cairn__project_get(r->p, n, "cooldown")) &&
	    read_duration(r, v, "cooldown", &rule->cooldown_ms))
		return CAIRN_EPARSE;
	if ((v = cairn__project_get(r->p, n, "severity"))) {
		size_t i;
		for (i = 0; severities[i] && strcmp(severities[i], cairn__project_text(v)); i++)
			;
		if (!severities[i] || v->type != YAML_SCALAR_NODE)
			return cairn__project_fail(r->p, v, key(r, "severity"), "'%s' is no severity"
						   " (info, warning, critical)",
						   cairn__project_text(v));
		rule->severity = (enum cairn_alert_severity)i;
	}
	if ((v = cairn__project_get(r->p, n, "actions"))) {
		size_t count;

		if (v->type != YAML_SEQUENCE_NODE)
			return cairn__project_fail(r->p, v, key(r, "actions"), "must be a list of"
						   " actions");
		count = (size_t)(v->data.sequence.items.top - v->data.sequence.items.start);
		rule->actions = cairn_xcalloc(count ? count : 1, sizeof(*rule->actions));
		for (size_t i = 0; i < count; i++) {
			yaml_node_t *a = cairn__project_node(r->p, v->data.sequence.items.start[i]);
			rule->nactions++;
			if (read_action(r, a, &rule->actions[i]))
				return CAIRN_EPARSE;
		}
	}
	return 0;
}

void cairn__alert_rules_free(struct cairn__alert_rules *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n; i++) {
		struct cairn__alert_rule *rule = &r->rules[i];
		for (size_t j = 0; j < rule->nactions; j++) {
			struct cairn__alert_action *a = &rule->actions[j];
			free(a->url);
			for (size_t k = 0; a->argv && k < a->argc; k++)
				free(a->argv[k]);
			free(a->argv);
		}
		free(rule->actions);
		free(rule->name);
		free(rule->model);
		free(rule->server);
	}
	free(r->rules);
	free(r->dir);
	free(r);
}

int cairn__alert_rules_load(cairn_ctx *ctx, const char *path, struct cairn__alert_rules **out)
{
	struct reader r = { NULL, NULL, CAIRN_BUF_INIT, 0 };
	yaml_node_t *section;
	size_t count;
	int rc;

	*out = NULL;
	if ((rc = cairn__project_load(ctx, path, &r.p)))
		return rc;
	r.rules = cairn_xcalloc(1, sizeof(*r.rules));
	r.rules->dir = cairn_xstrdup(r.p->dir);
	if (!(section = cairn__project_section(r.p, "alerts")) || is_empty(section))
		goto done;
	if (section->type != YAML_SEQUENCE_NODE) {
		rc = cairn__project_fail(r.p, section, "alerts", "must be a list of rules");
		goto out;
	}
	count = (size_t)(section->data.sequence.items.top - section->data.sequence.items.start);
	r.rules->rules = cairn_xcalloc(count ? count : 1, sizeof(*r.rules->rules));
	for (r.index = 0; r.index < count; r.index++) {
		yaml_node_t *n = cairn__project_node(r.p, section->data.sequence.items.start[r.index]);
		r.rules->n++;
		if ((rc = read_rule(&r, n, &r.rules->rules[r.index])))
			goto out;
	}
done:
	*out = r.rules;
	r.rules = NULL;
out:
	cairn__alert_rules_free(r.rules);
	cairn_buf_release(&r.key);
	cairn__project_free(r.p);
	return rc;
}

int cairn_alerts_check(cairn_ctx *ctx, const char *path, size_t *count)
{
	struct cairn__alert_rules *r;
	int rc;

	if ((rc = cairn__alert_rules_load(ctx, path, &r)))
		return rc;
	*count = r->n;
	cairn__alert_rules_free(r);
	return 0;
}
