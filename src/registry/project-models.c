/* The models: section of cairn.yaml: each model's holdout and gates, read
 * into struct cairn_gates_config; the schema is docs/project-file.md. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "cairn/buf.h"
#include "cairn/error.h"
#include "core/fs.h"
#include "registry/ci-internal.h"
#include "registry/gates-internal.h"
#include "registry/project.h"

static const char *const model_keys[] = { "holdout", "target", "gates", "ci", NULL };
static const char *const gate_keys[] = {
	"metrics", "by", "max_drop", "expectations", "training_data_checked", "smoke",
	"latency_p99_ms", "schema", "fairness", NULL
};
static const char *const metric_item_keys[] = { "metric", "op", "value", NULL };
static const char *const fairness_keys[] = { "column", "metric", "max", "positive", NULL };

/* The metrics of cairn_model_evaluate a gate may name (include/cairn/
 * model-eval.h): 1 where lower is better. */
static const struct { const char *name; int lower; } metric_names[] = {
	{ "accuracy", 0 }, { "balanced_accuracy", 0 }, { "precision", 0 }, { "recall", 0 },
	{ "f1", 0 }, { "roc_auc", 0 }, { "roc_auc_weighted", 0 }, { "average_precision", 0 },
	{ "log_loss", 1 }, { "macro.precision", 0 }, { "macro.recall", 0 }, { "macro.f1", 0 },
	{ "weighted.precision", 0 }, { "weighted.recall", 0 }, { "weighted.f1", 0 },
	{ "rmse", 1 }, { "mae", 1 }, { "r2", 0 }, { "explained_variance", 0 },
	{ "max_error", 1 }, { "mape", 1 }, { "inertia", 1 }, { "silhouette", 0 },
};

int cairn__gate_metric_lower_better(const char *name)
{
	for (size_t i = 0; i < sizeof(metric_names) / sizeof(metric_names[0]); i++)
		if (!strcmp(metric_names[i].name, name))
			return metric_names[i].lower;
	return -1;
}

const char *cairn__gate_metric_name(size_t i)
{
	return i < sizeof(metric_names) / sizeof(metric_names[0]) ? metric_names[i].name : NULL;
}

void cairn__gate_metric_names(cairn_buf *out)
{
	const char *name;

	for (size_t i = 0; (name = cairn__gate_metric_name(i)); i++)
		cairn_buf_addf(out, "%s%s", i ? ", " : "", name);
}

static const char *const op_texts[] = { ">=", ">", "<=", "<" };

const char *cairn__gate_op_text(enum cairn__gate_op op)
{
	return op_texts[op];
}

int cairn__gate_op_holds(enum cairn__gate_op op, double value, double threshold)
{
	switch (op) {
	case CAIRN__GATE_GE: return value >= threshold;
	case CAIRN__GATE_GT: return value > threshold;
	case CAIRN__GATE_LE: return value <= threshold;
	case CAIRN__GATE_LT: return value < threshold;
	}
	return 0;
}

/* The operator at the start of s; *len its length. -1 for none. */
static int parse_op(const char *s, size_t *len)
{
	for (int op = 0; op < 4; op++) {
		size_t n = strlen(op_texts[op]);
		if (!strncmp(s, op_texts[op], n) && (n == 2 || s[1] != '=')) {
			*len = n;
			return op;
		}
	}
	return -1;
}

struct reader {
	struct cairn__project *p;
	struct cairn_gates_config *c;
	cairn_buf key;     /* the key path of the value being read */
};

/* Sets r->key to models.MODEL.prefix.name (name may be NULL), the key path
 * errors name. */
static const char *key_path(struct reader *r, const char *prefix, const char *name)
{
	cairn_buf_reset(&r->key);
	cairn_buf_addf(&r->key, "models.%s", r->c->model);
	if (prefix)
		cairn_buf_addf(&r->key, ".%s", prefix);
	if (name)
		cairn_buf_addf(&r->key, ".%s", name);
	return r->key.buf;
}

static const char *path_of(struct reader *r, const char *prefix)
{
	return key_path(r, prefix, NULL);
}

static void set_at(struct cairn__gate_at *at, const yaml_node_t *n)
{
	at->line = n->start_mark.line + 1;
	at->col = n->start_mark.column + 1;
}

static int check_metric(struct reader *r, const yaml_node_t *at, const char *key, const char *name)
{
	cairn_buf known = CAIRN_BUF_INIT;
	int rc = 0;

	if (cairn__gate_metric_lower_better(name) < 0) {
		cairn__gate_metric_names(&known);
		rc = cairn__project_fail(r->p, at, key, "unknown metric '%s' (known: %s)", name,
					 known.buf);
	}
	cairn_buf_release(&known);
	return rc;
}

static struct cairn__metric_gate *add_metric(struct reader *r, const char *name,
					     const yaml_node_t *at)
{
	struct cairn__metric_gate *g;

	r->c->metrics = cairn_xrealloc(r->c->metrics, (r->c->nmetrics + 1) * sizeof(*g));
	g = &r->c->metrics[r->c->nmetrics++];
	memset(g, 0, sizeof(*g));
	g->metric = cairn_xstrdup(name);
	set_at(&g->at, at);
	return g;
}

/* "accuracy: '>= 0.9'": an operator and a number in one string. */
static int threshold_text(struct reader *r, const yaml_node_t *n, const char *key,
			  struct cairn__metric_gate *g)
{
	const char *s = cairn__project_text(n);
	size_t len = 0;
	char *end;
	int op;

	if (n->type != YAML_SCALAR_NODE || (op = parse_op(s, &len)) < 0)
		return cairn__project_fail(r->p, n, key, "the threshold must be an operator (>=, >,"
					   " <=, <) and a number, like \">= 0.9\"");
	s += len;
	while (*s == ' ')
		s++;
	g->op = (enum cairn__gate_op)op;
	g->value = strtod(s, &end);
	if (end == s || *end || !isfinite(g->value))
		return cairn__project_fail(r->p, n, key, "'%s' is no number after the operator '%s'",
					   s, op_texts[op]);
	return 0;
}

static int read_metrics(struct reader *r, const yaml_node_t *n)
{
	if (n->type == YAML_MAPPING_NODE) {
		if (cairn__project_mapping(r->p, n, path_of(r, "gates.metrics"), "metrics", NULL))
			return CAIRN_EPARSE;
		for (yaml_node_pair_t *pr = n->data.mapping.pairs.start; pr < n->data.mapping.pairs.top;
		     pr++) {
			yaml_node_t *k = cairn__project_node(r->p, pr->key);
			const char *name = cairn__project_text(k);
			const char *key = key_path(r, "gates.metrics", name);
			if (check_metric(r, k, key, name) ||
			    threshold_text(r, cairn__project_node(r->p, pr->value), key,
					   add_metric(r, name, k)))
				return CAIRN_EPARSE;
		}
		return 0;
	}
	if (n->type != YAML_SEQUENCE_NODE)
		return cairn__project_fail(r->p, n, path_of(r, "gates.metrics"), "must be a mapping"
					   " (accuracy: \">= 0.9\") or a list of {metric, op, value}");
	for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
	     it++) {
		yaml_node_t *item = cairn__project_node(r->p, *it), *v;
		struct cairn__metric_gate *g;
		char *name = NULL, *op = NULL;
		size_t len;
		int o, rc;

		if (cairn__project_mapping(r->p, item, path_of(r, "gates.metrics[]"), "a metric gate",
					   metric_item_keys))
			return CAIRN_EPARSE;
		if (!(v = cairn__project_get(r->p, item, "metric")))
			return cairn__project_fail(r->p, item, path_of(r, "gates.metrics[]"),
						   "missing 'metric'");
		if (cairn__project_string(r->p, v, path_of(r, "gates.metrics[].metric"), &name))
			return CAIRN_EPARSE;
		rc = check_metric(r, v, path_of(r, "gates.metrics[].metric"), name);
		g = rc ? NULL : add_metric(r, name, v);
		free(name);
		if (rc)
			return rc;
		if (!(v = cairn__project_get(r->p, item, "op")))
			return cairn__project_fail(r->p, item, path_of(r, "gates.metrics[]"),
						   "missing 'op'");
		if (cairn__project_string(r->p, v, path_of(r, "gates.metrics[].op"), &op))
			return CAIRN_EPARSE;
		o = parse_op(op, &len);
		rc = o < 0 || op[len];
		free(op);
		if (rc)
			return cairn__project_fail(r->p, v, path_of(r, "gates.metrics[].op"),
						   "must be one of >=, >, <=, <");
		g->op = (enum cairn__gate_op)o;
		if (!(v = cairn__project_get(r->p, item, "value")))
			return cairn__project_fail(r->p, item, path_of(r, "gates.metrics[]"),
						   "missing 'value'");
		if (cairn__project_number(r->p, v, path_of(r, "gates.metrics[].value"), &g->value))
			return CAIRN_EPARSE;
	}
	return 0;
}

static int read_drops(struct reader *r, const yaml_node_t *n)
{
	if (cairn__project_mapping(r->p, n, path_of(r, "gates.max_drop"),
				   "max_drop (metric: largest drop)", NULL))
		return CAIRN_EPARSE;
	for (yaml_node_pair_t *pr = n->data.mapping.pairs.start; pr < n->data.mapping.pairs.top; pr++) {
		yaml_node_t *k = cairn__project_node(r->p, pr->key);
		const char *name = cairn__project_text(k), *key = key_path(r, "gates.max_drop", name);
		struct cairn__drop_gate *g;

		if (check_metric(r, k, key, name))
			return CAIRN_EPARSE;
		r->c->drops = cairn_xrealloc(r->c->drops, (r->c->ndrops + 1) * sizeof(*g));
		g = &r->c->drops[r->c->ndrops++];
		memset(g, 0, sizeof(*g));
		g->metric = cairn_xstrdup(name);
		set_at(&g->at, k);
		if (cairn__project_number(r->p, cairn__project_node(r->p, pr->value), key, &g->max))
			return CAIRN_EPARSE;
		if (g->max < 0)
			return cairn__project_fail(r->p, cairn__project_node(r->p, pr->value), key,
						   "must be 0 or more (the largest drop allowed)");
	}
	return 0;
}

static int read_fairness_one(struct reader *r, const yaml_node_t *n)
{
		struct cairn__fairness_gate *g;
	yaml_node_t *v;
	char *metric = NULL;
	int rc = 0;

	if (cairn__project_mapping(r->p, n, path_of(r, "gates.fairness"), "fairness",
				   fairness_keys))
		return CAIRN_EPARSE;
	r->c->fairness = cairn_xrealloc(r->c->fairness, (r->c->nfairness + 1) * sizeof(*g));
	g = &r->c->fairness[r->c->nfairness++];
	memset(g, 0, sizeof(*g));
	set_at(&g->at, n);
	if (!(v = cairn__project_get(r->p, n, "column")))
		return cairn__project_fail(r->p, n, path_of(r, "gates.fairness"),
					   "missing 'column' (the sensitive column)");
	if (cairn__project_string(r->p, v, path_of(r, "gates.fairness.column"), &g->column))
		return CAIRN_EPARSE;
	if (!(v = cairn__project_get(r->p, n, "metric")))
		return cairn__project_fail(r->p, n, path_of(r, "gates.fairness"), "missing 'metric'");
	if (cairn__project_string(r->p, v, path_of(r, "gates.fairness.metric"), &metric))
		return CAIRN_EPARSE;
	if (!strcmp(metric, "demographic_parity_difference"))
		g->metric = CAIRN__DEMOGRAPHIC_PARITY;
	else if (!strcmp(metric, "equalized_odds_difference"))
		g->metric = CAIRN__EQUALIZED_ODDS;
	else
		rc = cairn__project_fail(r->p, v, path_of(r, "gates.fairness.metric"),
					 "unknown metric '%s' (known: demographic_parity_difference,"
					 " equalized_odds_difference)", metric);
	free(metric);
	if (rc)
		return rc;
	if (!(v = cairn__project_get(r->p, n, "max")))
		return cairn__project_fail(r->p, n, path_of(r, "gates.fairness"),
					   "missing 'max' (the largest difference allowed)");
	if (cairn__project_number(r->p, v, path_of(r, "gates.fairness.max"), &g->max))
		return CAIRN_EPARSE;
	if (g->max < 0 || g->max > 1)
		return cairn__project_fail(r->p, v, path_of(r, "gates.fairness.max"),
					   "must be from 0 to 1");
	if ((v = cairn__project_get(r->p, n, "positive")) &&
	    cairn__project_string(r->p, v, path_of(r, "gates.fairness.positive"), &g->positive))
		return CAIRN_EPARSE;
	return 0;
}

static int read_fairness(struct reader *r, const yaml_node_t *n)
{
	if (n->type != YAML_SEQUENCE_NODE)
		return read_fairness_one(r, n);
	for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++)
		if (read_fairness_one(r, cairn__project_node(r->p, *it)))
			return CAIRN_EPARSE;
	return 0;
}

static int read_path(struct reader *r, const yaml_node_t *n)
{
	set_at(&r->c->expectations_at, n);
	return cairn__project_path(r->p, n, path_of(r, "gates.expectations"),
				   &r->c->expectations_as_given, &r->c->expectations);
}

static int read_gate(struct reader *r, const char *name, const yaml_node_t *v)
{
	struct cairn_gates_config *c = r->c;
	const char *key = key_path(r, "gates", name);
	char *s = NULL;
	int rc = 0;

	if (!strcmp(name, "metrics"))
		return read_metrics(r, v);
	if (!strcmp(name, "by"))
		return cairn__project_string(r->p, v, key, &c->by);
	if (!strcmp(name, "max_drop"))
		return read_drops(r, v);
	if (!strcmp(name, "expectations"))
		return read_path(r, v);
	if (!strcmp(name, "training_data_checked"))
		return cairn__project_bool(r->p, v, key, &c->training_data_checked);
	if (!strcmp(name, "smoke"))
		return cairn__project_bool(r->p, v, key, &c->smoke);
	if (!strcmp(name, "fairness"))
		return read_fairness(r, v);
	if (!strcmp(name, "latency_p99_ms")) {
		if (cairn__project_number(r->p, v, key, &c->latency_p99_ms))
			return CAIRN_EPARSE;
		if (c->latency_p99_ms <= 0)
			return cairn__project_fail(r->p, v, key, "must be a number of milliseconds above 0");
		c->has_latency = 1;
		return 0;
	}
	/* schema */
	if (v->type == YAML_SCALAR_NODE && !strcmp(cairn__project_text(v), "false"))
		return 0;
	if (cairn__project_string(r->p, v, key, &s) || strcmp(s, "compatible"))
		rc = cairn__project_fail(r->p, v, key, "must be 'compatible' (or false)");
	c->schema = !rc;
	free(s);
	return rc;
}

static int read_model(struct reader *r, const yaml_node_t *n)
{
	struct cairn_gates_config *c = r->c;
	yaml_node_t *v, *gates;
	int needs_holdout;

	if (cairn__project_mapping(r->p, n, path_of(r, NULL), "a model", model_keys))
		return CAIRN_EPARSE;
	if ((v = cairn__project_get(r->p, n, "holdout"))) {
		set_at(&c->holdout_at, v);
		if (cairn__project_string(r->p, v, path_of(r, "holdout"), &c->holdout))
			return CAIRN_EPARSE;
	}
	if ((v = cairn__project_get(r->p, n, "target"))) {
		set_at(&c->target_at, v);
		if (cairn__project_string(r->p, v, path_of(r, "target"), &c->target))
			return CAIRN_EPARSE;
	}
	if ((v = cairn__project_get(r->p, n, "ci")) && cairn__project_ci(r->p, v, c->model, &c->ci))
		return CAIRN_EPARSE;
	if (!(gates = cairn__project_get(r->p, n, "gates")))
		return cairn__project_fail(r->p, n, path_of(r, NULL), "missing 'gates'");
	if (cairn__project_mapping(r->p, gates, path_of(r, "gates"), "gates", gate_keys))
		return CAIRN_EPARSE;
	for (yaml_node_pair_t *pr = gates->data.mapping.pairs.start; pr < gates->data.mapping.pairs.top;
	     pr++)
		if (read_gate(r, cairn__project_text(cairn__project_node(r->p, pr->key)),
			      cairn__project_node(r->p, pr->value)))
			return CAIRN_EPARSE;
	needs_holdout = c->nmetrics || c->ndrops || c->expectations || c->nfairness;
	if (needs_holdout && !c->holdout)
		return cairn__project_fail(r->p, n, path_of(r, NULL), "missing 'holdout' (the dataset"
					   " version the metrics, max_drop, expectations and"
					   " fairness gates evaluate on)");
	if (c->by && !c->nmetrics)
		return cairn__project_fail(r->p, cairn__project_get(r->p, gates, "by"),
					   path_of(r, "gates.by"),
					   "needs 'metrics' (the thresholds each slice must meet)");
	return 0;
}

/* The model entry to read: name's, or the only one. */
static int pick_model(struct cairn__project *p, const yaml_node_t *models, const char *name,
		      yaml_node_t **out, const char **found)
{
	size_t n = (size_t)(models->data.mapping.pairs.top - models->data.mapping.pairs.start);
	yaml_node_pair_t *first = models->data.mapping.pairs.start;

	if (name) {
		if (!(*out = cairn__project_get(p, models, name)))
			return cairn_error(p->ctx, CAIRN_ENOTFOUND, "'%s' declares no model '%s' under"
					   " models:", p->path, name);
		*found = name;
		return 0;
	}
	if (n != 1)
		return cairn_error(p->ctx, CAIRN_EINVAL, "'%s' declares %zu models: name the one to"
				   " check", p->path, n);
	*found = cairn__project_text(cairn__project_node(p, first->key));
	*out = cairn__project_node(p, first->value);
	return 0;
}

void cairn_gates_config_free(struct cairn_gates_config *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->nmetrics; i++)
		free(c->metrics[i].metric);
	for (size_t i = 0; i < c->ndrops; i++)
		free(c->drops[i].metric);
	for (size_t i = 0; i < c->nfairness; i++) {
		free(c->fairness[i].column);
		free(c->fairness[i].positive);
	}
	free(c->metrics);
	free(c->drops);
	free(c->fairness);
	free(c->path);
	free(c->model);
	free(c->holdout);
	free(c->target);
	free(c->by);
	free(c->expectations);
	free(c->expectations_as_given);
	cairn__ci_config_free(c->ci);
	free(c);
}

const char *cairn_gates_config_model(const struct cairn_gates_config *c)
{
	return c->model;
}

int cairn_gates_config_load(cairn_ctx *ctx, const char *path, const char *model,
			    struct cairn_gates_config **out)
{
	struct reader r = { NULL, NULL, CAIRN_BUF_INIT };
	yaml_node_t *models, *entry = NULL;
	const char *name = NULL;
	int rc;

	*out = NULL;
	if ((rc = cairn__project_load(ctx, path, &r.p)))
		return rc;
	if (!(models = cairn__project_section(r.p, "models"))) {
		rc = cairn_error(ctx, CAIRN_EINVAL, "'%s' has no models: section (the gates of each"
				 " model)", path);
		goto out;
	}
	if ((rc = cairn__project_mapping(r.p, models, "models", "models (NAME: its gates)", NULL)) ||
	    (rc = pick_model(r.p, models, model, &entry, &name)))
		goto out;
	r.c = cairn_xcalloc(1, sizeof(*r.c));
	r.c->path = cairn_xstrdup(path);
	r.c->model = cairn_xstrdup(name);
	if ((rc = read_model(&r, entry)))
		goto out;
	*out = r.c;
	r.c = NULL;
out:
	cairn_gates_config_free(r.c);
	cairn_buf_release(&r.key);
	cairn__project_free(r.p);
	return rc;
}
