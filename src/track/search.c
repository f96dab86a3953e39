/*
 * Searching and comparing runs; see include/cairn/search.h. A parsed filter
 * (filter.c) is compiled into one parameterized SQL query over the runs and
 * their latest metrics, params and tags, along a plan chosen from a small
 * sample of the runs (choose_plan): which table drives, in what order the
 * clauses are checked, and whether the first order's index gives the runs
 * in order so that a limit ends the scan early.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cairn/buf.h"
#include "cairn/error.h"
#include "cairn/run.h"
#include "cairn/search.h"
#include "core/ctx-internal.h"
#include "core/log.h"
#include "store/dialect.h"
#include "track/filter-internal.h"
#include "track/run-db.h"

static const char *const key_tables[] = {
	[CAIRN__METRIC] = "run_latest_metrics",
	[CAIRN__PARAM] = "run_params",
	[CAIRN__TAG] = "run_tags",
};

static const char *const sql_ops[] = {
	[CAIRN__EQ] = "=", [CAIRN__NE] = "!=", [CAIRN__LT] = "<", [CAIRN__LE] = "<=",
	[CAIRN__GT] = ">", [CAIRN__GE] = ">=",
};

static int bind_slot(struct cairn__search_sql *q)
{
	if (q->nbinds == q->alloc) {
		q->alloc = q->alloc ? 2 * q->alloc : 8;
		q->binds = cairn_xrealloc(q->binds, q->alloc * sizeof(*q->binds));
	}
	memset(&q->binds[q->nbinds], 0, sizeof(q->binds[0]));
	return (int)q->nbinds++;
}

/* Appends "?N" for a new text binding that takes s over. */
static void add_text(struct cairn__search_sql *q, char *s)
{
	int i = bind_slot(q);

	q->binds[i].type = CAIRN__BIND_TEXT;
	q->binds[i].text = s;
	cairn_buf_addf(&q->sql, "?%d", i + 1);
}

static void add_double(struct cairn__search_sql *q, double v)
{
	int i = bind_slot(q);

	q->binds[i].type = CAIRN__BIND_DOUBLE;
	q->binds[i].number = v;
	cairn_buf_addf(&q->sql, "?%d", i + 1);
}

static void add_int(struct cairn__search_sql *q, int64_t v)
{
	int i = bind_slot(q);

	q->binds[i].type = CAIRN__BIND_INT;
	q->binds[i].integer = v;
	cairn_buf_addf(&q->sql, "?%d", i + 1);
}

/* Appends the subquery of the elements of a JSON array bound as a new
 * text parameter that takes json over. */
static void add_list(struct cairn__search_sql *q, char *json, int numeric)
{
	int i = bind_slot(q);
	char param[16];

	q->binds[i].type = CAIRN__BIND_TEXT;
	q->binds[i].text = json;
	snprintf(param, sizeof(param), "?%d", i + 1);
	cairn__dialect_json_array_values(&q->sql, param, numeric);
}

/* A list of strings as a JSON array, for cairn__dialect_json_array_values(). */
static char *json_list(char **list, size_t n)
{
	cairn_buf b = CAIRN_BUF_INIT;

	cairn_buf_addch(&b, '[');
	for (size_t i = 0; i < n; i++) {
		cairn_buf_adds(&b, i ? ",\"" : "\"");
		for (const unsigned char *c = (const unsigned char *)list[i]; *c; c++) {
			if (*c == '"' || *c == '\\')
				cairn_buf_addf(&b, "\\%c", *c);
			else if (*c < 0x20)
				cairn_buf_addf(&b, "\\u%04x", *c);
			else
				cairn_buf_addch(&b, *c);
		}
		cairn_buf_addch(&b, '"');
	}
	cairn_buf_addch(&b, ']');
	return cairn_buf_detach(&b, NULL);
}

/* "<expr> <op> <value>" for clause c on the value expression expr. */
static void add_predicate(struct cairn__search_sql *q, const struct cairn__clause *c,
			  const char *expr)
{
	int numeric = c->entity == CAIRN__METRIC || (c->attr && c->attr->numeric);

	cairn_buf_adds(&q->sql, expr);
	switch (c->op) {
	case CAIRN__LIKE: {
		char *pattern = cairn__dialect_like_case_sensitive(&q->sql, c->text);
		add_text(q, pattern);
		break;
	}
	case CAIRN__ILIKE:
		cairn_buf_adds(&q->sql, cairn__dialect_like_case_insensitive());
		add_text(q, cairn_xstrdup(c->text));
		break;
	case CAIRN__IN:
	case CAIRN__NOT_IN:
		cairn_buf_addf(&q->sql, " %sIN ", c->op == CAIRN__NOT_IN ? "NOT " : "");
		add_list(q, json_list(c->list, c->nlist), 0);
		break;
	default:
		cairn_buf_addf(&q->sql, " %s ", sql_ops[c->op]);
		if (numeric)
			add_double(q, c->number);
		else
			add_text(q, cairn_xstrdup(c->text));
		break;
	}
}

static void add_condition(struct cairn__search_sql *q, const struct cairn__clause *c,
			  const char *expr)
{
	cairn_buf_adds(&q->sql, " AND ");
	add_predicate(q, c, expr);
}

/*
 * How well a clause on a key narrows the runs down when its table drives the
 * query through the (key, value) index: lower is better. Without a sample
 * (see choose_plan), this tells an equality on a param (a few runs) from a
 * range on a metric (half of them), which SQLite, without statistics,
 * guesses the other way round.
 */
static int drive_rank(const struct cairn__clause *c)
{
	switch (c->op) {
	case CAIRN__EQ:
	case CAIRN__IN:
		return 1;
	case CAIRN__LT: case CAIRN__LE: case CAIRN__GT: case CAIRN__GE:
		return 2;
	default:
		return 3; /* only the key narrows: still no more rows than runs */
	}
}

/* An attribute clause that finds its runs by the id index. */
static int by_run_id(const struct cairn__clause *c)
{
	return c->entity == CAIRN__ATTRIBUTE && !strcmp(c->attr->name, "run_id") &&
	       (c->op == CAIRN__EQ || c->op == CAIRN__IN);
}

static int by_experiment(const struct cairn__clause *c)
{
	return c->entity == CAIRN__ATTRIBUTE && !strcmp(c->attr->name, "experiment") &&
	       c->op == CAIRN__EQ;
}

/* The plan chosen without looking at the data, by the kind of each clause. */
static void default_plan(const struct cairn__filter *f, const char *experiment,
			 struct cairn__search_plan *plan)
{
	static const double rank_share[] = { 0, 0.1, 0.5, 0.9 };
	int best = 99, by_id = 0, by_exp = experiment != NULL;

	plan->driver = CAIRN__NO_DRIVER;
	plan->part = 0;
	for (size_t i = 0; f && i < f->n; i++) {
		const struct cairn__clause *c = &f->clauses[i];
		plan->share[i] = c->entity == CAIRN__ATTRIBUTE ? 1 : rank_share[drive_rank(c)];
		if (by_run_id(c))
			by_id = 1;
		else if (by_experiment(c))
			by_exp = 1;
		else if (c->entity != CAIRN__ATTRIBUTE && drive_rank(c) < best) {
			best = drive_rank(c);
			plan->driver = i;
		}
	}
	/* A run id narrows down better than anything; an experiment better
	 * than a range. */
	if (by_id || (by_exp && best > 1))
		plan->driver = CAIRN__NO_DRIVER;
}

/* The ORDER BY terms of order i ("expr IS NULL, expr DESC, "): runs
 * without the key (or with NaN, stored as NULL) sort last both ways. */
static void add_order(struct cairn__search_sql *q, const struct cairn__order *o, size_t i,
		      int not_null)
{
	cairn_buf expr = CAIRN_BUF_INIT;

	if (o->entity == CAIRN__ATTRIBUTE) {
		cairn_buf_adds(&expr, o->attr->sql);
		not_null |= !o->attr->nullable;
	} else {
		cairn_buf_addf(&expr, "o%zu.value", i + 1);
	}
	if (!not_null)
		cairn_buf_addf(&q->sql, "%s IS NULL, ", expr.buf);
	cairn_buf_addf(&q->sql, "%s %s, ", expr.buf, o->desc ? "DESC" : "ASC");
	cairn_buf_release(&expr);
}

void cairn__search_compile(const struct cairn__filter *f, const struct cairn__order *orders,
			   size_t n_orders, const char *experiment, size_t max,
			   const struct cairn__search_plan *plan, struct cairn__search_sql *q)
{
	static const struct cairn__filter none;
	struct cairn__search_plan fallback;
	size_t checks[CAIRN__FILTER_MAX_CLAUSES], nchecks = 0, i, driver;
	int by_id = 0, by_exp = experiment != NULL, part;
	cairn_buf seq = CAIRN_BUF_INIT; /* the driving table's run column */

	cairn_buf_init(&q->sql);
	q->binds = NULL;
	q->nbinds = q->alloc = 0;
	if (!f)
		f = &none;
	if (!plan) {
		default_plan(f, experiment, &fallback);
		plan = &fallback;
	}
	/* Only an order on a key can drive the query. */
	part = n_orders && orders[0].entity != CAIRN__ATTRIBUTE ? plan->part : 0;
	driver = part == 1 ? CAIRN__NO_DRIVER : plan->driver;
	if (driver != CAIRN__NO_DRIVER &&
	    (driver >= f->n || f->clauses[driver].entity == CAIRN__ATTRIBUTE))
		driver = CAIRN__NO_DRIVER;
	for (i = 0; i < f->n; i++) {
		by_id |= by_run_id(&f->clauses[i]);
		by_exp |= by_experiment(&f->clauses[i]);
	}

	/*
	 * The join order is fixed with CROSS JOIN, as planned: the driving
	 * table first, then the other clauses on keys by primary key (the
	 * most selective first), and only then the run itself, so that most
	 * rows are dropped after one lookup.
	 */
	for (i = 0; i < f->n; i++)
		if (i != driver && f->clauses[i].entity != CAIRN__ATTRIBUTE) {
			size_t j = nchecks++;
			/* Insertion sort by share; stable, so ties keep their order. */
			for (; j > 0 && plan->share[checks[j - 1]] > plan->share[i]; j--)
				checks[j] = checks[j - 1];
			checks[j] = i;
		}
	cairn_buf_adds(&q->sql, "SELECT r.id, r.name, e.name, r.status, r.start_ms, r.end_ms, r.user,"
		       " r.parent_id, r.seq FROM ");
	if (part == 1) {
		cairn_buf_addf(&q->sql, "%s o1", key_tables[orders[0].entity]);
		cairn_buf_adds(&seq, "o1.run");
	} else if (driver != CAIRN__NO_DRIVER) {
		cairn_buf_addf(&q->sql, "%s c%zu", key_tables[f->clauses[driver].entity], driver + 1);
		cairn_buf_addf(&seq, "c%zu.run", driver + 1);
	} else {
		cairn_buf_adds(&q->sql, by_exp && !by_id ? "experiments e CROSS JOIN runs r"
			       : "runs r CROSS JOIN experiments e");
		cairn_buf_adds(&seq, "r.seq");
	}
	for (i = 0; i < nchecks; i++)
		cairn_buf_addf(&q->sql, " CROSS JOIN %s c%zu", key_tables[f->clauses[checks[i]].entity],
			       checks[i] + 1);
	if (part == 1 || driver != CAIRN__NO_DRIVER)
		cairn_buf_adds(&q->sql, " CROSS JOIN runs r CROSS JOIN experiments e");
	for (i = part == 1; i < n_orders; i++) {
		if (orders[i].entity == CAIRN__ATTRIBUTE)
			continue;
		cairn_buf_addf(&q->sql, " LEFT JOIN %s o%zu ON o%zu.run = r.seq AND o%zu.key = ",
			       key_tables[orders[i].entity], i + 1, i + 1, i + 1);
		add_text(q, cairn_xstrdup(orders[i].key));
	}

	cairn_buf_adds(&q->sql, " WHERE e.id = r.experiment_id");
	if (strcmp(seq.buf, "r.seq"))
		cairn_buf_addf(&q->sql, " AND r.seq = %s", seq.buf);
	if (part == 1) {
		cairn_buf_adds(&q->sql, " AND o1.key = ");
		add_text(q, cairn_xstrdup(orders[0].key));
		cairn_buf_adds(&q->sql, " AND o1.value IS NOT NULL");
	} else if (part == 2) {
		cairn_buf_adds(&q->sql, " AND o1.value IS NULL");
	}
	if (experiment) {
		cairn_buf_adds(&q->sql, " AND e.name = ");
		add_text(q, cairn_xstrdup(experiment));
	}
	for (i = 0; i < f->n; i++) {
		const struct cairn__clause *c = &f->clauses[i];
		cairn_buf value = CAIRN_BUF_INIT;
		if (c->entity == CAIRN__ATTRIBUTE) {
			add_condition(q, c, c->attr->sql);
			continue;
		}
		cairn_buf_addf(&q->sql, " AND c%zu.run = %s AND c%zu.key = ", i + 1, seq.buf, i + 1);
		add_text(q, cairn_xstrdup(c->key));
		cairn_buf_addf(&value, "c%zu.value", i + 1);
		add_condition(q, c, value.buf);
		cairn_buf_release(&value);
	}
	cairn_buf_release(&seq);

	cairn_buf_adds(&q->sql, " ORDER BY ");
	for (i = part == 2; i < n_orders; i++)
		add_order(q, &orders[i], i, part == 1 && i == 0);
	cairn_buf_adds(&q->sql, "r.start_ms DESC, r.id DESC");
	if (max) {
		cairn_buf_adds(&q->sql, " LIMIT ");
		add_int(q, (int64_t)max);
	}
}

/* "EXISTS (SELECT 1 FROM <table> c WHERE ...)" for key clause i. */
static void add_exists(struct cairn__search_sql *q, const struct cairn__clause *c, size_t i)
{
	cairn_buf value = CAIRN_BUF_INIT;

	cairn_buf_addf(&q->sql, "EXISTS (SELECT 1 FROM %s c%zu WHERE c%zu.run = r.seq AND c%zu.key = ",
		       key_tables[c->entity], i + 1, i + 1, i + 1);
	add_text(q, cairn_xstrdup(c->key));
	cairn_buf_addf(&value, "c%zu.value", i + 1);
	add_condition(q, c, value.buf);
	cairn_buf_release(&value);
	cairn_buf_addch(&q->sql, ')');
}

/* The whole filter as one expression over r and e ("1" when empty). */
static void add_filter(struct cairn__search_sql *q, const struct cairn__filter *f,
		       const char *experiment)
{
	cairn_buf_adds(&q->sql, "(1");
	if (experiment) {
		cairn_buf_adds(&q->sql, " AND e.name = ");
		add_text(q, cairn_xstrdup(experiment));
	}
	for (size_t i = 0; i < f->n; i++) {
		cairn_buf_adds(&q->sql, " AND ");
		if (f->clauses[i].entity == CAIRN__ATTRIBUTE)
			add_predicate(q, &f->clauses[i], f->clauses[i].attr->sql);
		else
			add_exists(q, &f->clauses[i], i);
	}
	cairn_buf_addch(&q->sql, ')');
}

void cairn__search_compile_sample(const struct cairn__filter *f, const char *experiment,
				  const char *seqs, struct cairn__search_sql *q)
{
	size_t i;

	cairn_buf_init(&q->sql);
	q->binds = NULL;
	q->nbinds = q->alloc = 0;
	cairn_buf_adds(&q->sql, "SELECT count(*), coalesce(sum(");
	add_filter(q, f, experiment);
	cairn_buf_adds(&q->sql, "), 0)");
	for (i = 0; i < f->n; i++) {
		if (f->clauses[i].entity == CAIRN__ATTRIBUTE)
			continue;
		cairn_buf_adds(&q->sql, ", coalesce(sum(");
		add_exists(q, &f->clauses[i], i);
		cairn_buf_adds(&q->sql, "), 0)");
	}
	cairn_buf_adds(&q->sql, " FROM runs r CROSS JOIN experiments e WHERE e.id = r.experiment_id"
		       " AND r.seq IN ");
	add_list(q, cairn_xstrdup(seqs), 1);
}

void cairn__search_sql_release(struct cairn__search_sql *q)
{
	if (!q)
		return;
	for (size_t i = 0; i < q->nbinds; i++)
		free(q->binds[i].text);
	free(q->binds);
	q->binds = NULL;
	q->nbinds = q->alloc = 0;
	cairn_buf_release(&q->sql);
}

/* The orders parsed, n of them into *out (freed by the caller). */
static int parse_orders(cairn_ctx *ctx, const char *const *order_by, size_t n,
			struct cairn__order **out)
{
	struct cairn__order *o;
	int rc;

	*out = NULL;
	if (n > CAIRN__SEARCH_MAX_ORDERS)
		return cairn_error(ctx, CAIRN_EINVAL, "at most %d orders, not %zu",
				   CAIRN__SEARCH_MAX_ORDERS, n);
	o = cairn_xcalloc(n ? n : 1, sizeof(*o));
	for (size_t i = 0; i < n; i++)
		if ((rc = cairn__order_parse(ctx, order_by[i], &o[i]))) {
			while (i--)
				cairn__order_release(&o[i]);
			free(o);
			return rc;
		}
	*out = o;
	return 0;
}

static void free_orders(struct cairn__order *o, size_t n)
{
	if (!o)
		return;
	for (size_t i = 0; i < n; i++)
		cairn__order_release(&o[i]);
	free(o);
}

int cairn_runs_search_check(cairn_ctx *ctx, const char *filter,
			    const char *const *order_by, size_t n_order)
{
	struct cairn__filter f;
	struct cairn__order *o;
	int rc;

	if ((rc = cairn__filter_parse(ctx, filter, &f)))
		return rc;
	cairn__filter_release(&f);
	if ((rc = parse_orders(ctx, order_by, n_order, &o)))
		return rc;
	free_orders(o, n_order);
	return 0;
}

int cairn_runs_order_key(cairn_ctx *ctx, const char *order, const char **part, char **key)
{
	static const char *const parts[] = {
		[CAIRN__METRIC] = "metrics", [CAIRN__PARAM] = "params", [CAIRN__TAG] = "tags",
	};
	struct cairn__order o;
	int rc;

	*part = NULL;
	*key = NULL;
	if ((rc = cairn__order_parse(ctx, order, &o)))
		return rc;
	if (o.entity != CAIRN__ATTRIBUTE) {
		*part = parts[o.entity];
		*key = o.key;
		o.key = NULL;
	}
	cairn__order_release(&o);
	return 0;
}


static int bind_all(const struct cairn__search_sql *q, cairn__stmt *st)
{
	int rc = 0;

	for (size_t i = 0; i < q->nbinds && !rc; i++) {
		const struct cairn__bind *b = &q->binds[i];
		int idx = (int)i + 1;
		switch (b->type) {
		case CAIRN__BIND_TEXT: rc = cairn__stmt_bind_text(st, idx, b->text); break;
		case CAIRN__BIND_DOUBLE: rc = cairn__stmt_bind_double(st, idx, b->number); break;
		case CAIRN__BIND_INT: rc = cairn__stmt_bind_int64(st, idx, b->integer); break;
		}
	}
	return rc;
}

/* The number of runs sampled to estimate how many runs a filter and each
 * of its clauses pass. */
#define SAMPLE 256

/*
 * Chooses how the query finds its runs, from a sample of SAMPLE runs spread
 * evenly over all of them (looked up by key: well under a millisecond):
 * the share of them that each clause passes, and the whole filter.
 *
 * - By a clause, the one expected to pass fewest runs (or by experiment):
 *   every run it passes is looked at.
 * - By the first order (a key, or the start time), when a limit N is given
 *   and the filter lets enough runs through that the first N in that order
 *   come early: about N / (the share passing) runs are looked at.
 *
 * A share seen as 0 in the sample counts as half a run of it. The default
 * plan stands when there is nothing to choose.
 */
static int choose_plan(cairn_ctx *ctx, cairn__db *db, const struct cairn__filter *f,
		       const struct cairn__order *orders, size_t n_orders,
		       const char *experiment, size_t max, struct cairn__search_plan *plan)
{
	struct cairn__search_sql q = { CAIRN_BUF_INIT, NULL, 0, 0 };
	cairn_buf seqs = CAIRN_BUF_INIT;
	double runs = 0, sampled = 0, pass = 0, least, filter_cost, k;
	size_t nkeys = 0, i, col;
	int key_order = n_orders && orders[0].entity != CAIRN__ATTRIBUTE;
	int start_order = !n_orders || (orders[0].entity == CAIRN__ATTRIBUTE &&
					!strcmp(orders[0].attr->name, "start_time"));
	int order_may_drive, by_exp = experiment != NULL, rc = 0, row;
	cairn__stmt *st;

	default_plan(f, experiment, plan);
	for (i = 0; i < f->n; i++) {
		if (by_run_id(&f->clauses[i]))
			return 0;
		nkeys += f->clauses[i].entity != CAIRN__ATTRIBUTE;
		by_exp |= by_experiment(&f->clauses[i]);
	}
	/* Without a key clause the default plan already reads in start order. */
	order_may_drive = max && (key_order || (start_order && nkeys));
	if (!order_may_drive && nkeys < 2)
		return 0;

	{
		int64_t max_seq;
		if ((rc = cairn__rundb_max_seq(db, &max_seq)))
			return rc;
		runs = (double)max_seq;
	}
	if (runs < 1)
		return 0;
	cairn_buf_addch(&seqs, '[');
	for (i = 0; i < SAMPLE && i < (size_t)runs; i++)
		cairn_buf_addf(&seqs, "%s%lld", i ? "," : "", runs <= SAMPLE ? (long long)i + 1
			       : (long long)((double)i * runs / SAMPLE) + 1);
	cairn_buf_addch(&seqs, ']');
	cairn__search_compile_sample(f, experiment, seqs.buf, &q);
	cairn_buf_release(&seqs);
	if ((rc = cairn__db_prepare(db, q.sql.buf, &st)) || (rc = bind_all(&q, st)))
		goto out;
	if ((row = cairn__stmt_step(st)) != 1) {
		rc = row == 0 ? cairn_error(ctx, CAIRN_EINTERNAL, "search sample gave no row")
			      : CAIRN_EDB;
		goto out;
	}
	sampled = (double)cairn__stmt_int64(st, 0);
	pass = (double)cairn__stmt_int64(st, 1);
	if (sampled < 1) {
		cairn__stmt_reset(st);
		goto out;
	}
	least = 0.5 / sampled;
	cairn__log_debug(ctx, "search: %.0f of %.0f sampled runs pass the filter", pass, sampled);

	/* The cheapest way by the filter: every run, the runs of the
	 * experiment, or those of one clause (lower ranks first on a tie). */
	filter_cost = runs;
	plan->driver = CAIRN__NO_DRIVER;
	for (int rank = 1; rank <= 3; rank++)
		for (i = 0, col = 2; i < f->n; i++) {
			const struct cairn__clause *c = &f->clauses[i];
			if (c->entity == CAIRN__ATTRIBUTE)
				continue;
			k = runs * fmax(least, (double)cairn__stmt_int64(st, (int)col++) / sampled);
			if (rank == 1) {
				plan->share[i] = k / runs;
				cairn__log_debug(ctx, "search: clause %zu passes about %.0f runs", i + 1, k);
			}
			if (drive_rank(c) == rank && k < filter_cost) {
				filter_cost = k;
				plan->driver = i;
			}
		}
	cairn__stmt_reset(st);
	if (by_exp && plan->driver != CAIRN__NO_DRIVER && drive_rank(&f->clauses[plan->driver]) > 1)
		plan->driver = CAIRN__NO_DRIVER; /* as the default plan: by experiment */

	if (order_may_drive) {
		double expected = runs * fmax(least, pass / sampled), order_cost;
		order_cost = expected >= (double)max ? (double)max * runs / expected : runs;
		if (key_order && expected < (double)max)
			order_cost += filter_cost; /* part 2 runs too */
		if (order_cost < filter_cost) {
			if (key_order)
				plan->part = 1;
			else
				plan->driver = CAIRN__NO_DRIVER;
		}
		cairn__log_debug(ctx, "search: by the filter about %.0f runs, by the order about %.0f",
				filter_cost, order_cost);
	}
out:
	cairn__search_sql_release(&q);
	return rc;
}

int cairn_runs_search(cairn_ctx *ctx, const struct cairn_runs_search_options *opts,
		      json_t **out)
{
	static const struct cairn_runs_search_options all;
	struct cairn__search_sql q = { CAIRN_BUF_INIT, NULL, 0, 0 };
	struct cairn__filter f = { NULL, 0 };
	struct cairn__order *orders = NULL;
	struct cairn__search_plan plan;
	json_t *runs = NULL;
	int64_t *seqs = NULL;
	cairn__stmt *st;
	cairn__db *db;
	size_t n = 0, alloc = 0;
	int rc, row, part;

	*out = NULL;
	if (!opts)
		opts = &all;
	if ((rc = cairn__filter_parse(ctx, opts->filter, &f)) ||
	    (rc = parse_orders(ctx, opts->order_by, opts->n_order, &orders)))
		goto out;
	if ((rc = cairn__ctx_db(ctx, &db)) || (rc = cairn_run_reap_dead(ctx)) ||
	    (rc = choose_plan(ctx, db, &f, orders, opts->n_order, opts->experiment, opts->max, &plan)))
		goto out;
	runs = json_array();
	for (part = plan.part; ; part++) {
		plan.part = part;
		cairn__search_compile(&f, orders, opts->n_order, opts->experiment,
				      opts->max ? opts->max - n : 0, &plan, &q);
		cairn__log_debug(ctx, "search: %s", q.sql.buf);
		if ((rc = cairn__db_prepare(db, q.sql.buf, &st)) || (rc = bind_all(&q, st)))
			goto out;
		while ((row = cairn__stmt_step(st)) == 1) {
			json_array_append_new(runs, cairn__run_summary_json(st));
			if (n == alloc) {
				alloc = alloc ? 2 * alloc : 64;
				seqs = cairn_xrealloc(seqs, alloc * sizeof(*seqs));
			}
			seqs[n++] = cairn__stmt_int64(st, 8);
		}
		cairn__search_sql_release(&q);
		if (row < 0) {
			rc = CAIRN_EDB;
			goto out;
		}
		/* Part 1 had the runs with the first order's key; part 2 has
		 * those without, unless the limit is reached. */
		if (part != 1 || (opts->max && n >= opts->max))
			break;
	}
	for (size_t i = 0; opts->with_data && i < n && !rc; i++)
		rc = cairn__rundb_add_data(db, seqs[i], json_array_get(runs, i));
	if (!rc) {
		*out = runs;
		runs = NULL;
	}
out:
	json_decref(runs);
	free(seqs);
	free_orders(orders, opts->n_order);
	cairn__filter_release(&f);
	cairn__search_sql_release(&q);
	return rc;
}

/*
 * Comparing runs.
 */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Fills table[key][id] from the runs' objects part[key] (the union of keys,
 * in key order) and lists in differs the keys whose values are not all
 * equal, or missing from some run. */
static void side_by_side(json_t *runs, const char *part, json_t *table, json_t *differs)
{
	json_t *seen = json_object(), *r, *v;
	const char **keys;
	const char *key;
	size_t i, n = 0, k;

	json_array_foreach(runs, i, r)
		json_object_foreach(json_object_get(r, part), key, v)
			json_object_set_new(seen, key, json_true());
	keys = cairn_xcalloc(json_object_size(seen) + 1, sizeof(*keys));
	json_object_foreach(seen, key, v)
		keys[n++] = key;
	qsort(keys, n, sizeof(*keys), cmp_str);
	for (k = 0; k < n; k++) {
		json_t *row = json_object(), *first = NULL;
		int differ = 0;
		json_array_foreach(runs, i, r) {
			const char *id = json_string_value(json_object_get(r, "id"));
			v = json_object_get(json_object_get(r, part), keys[k]);
			if (!v) {
				differ = 1;
				continue;
			}
			json_object_set(row, id, v);
			if (!first)
				first = v;
			else if (!json_equal(first, v))
				differ = 1;
		}
		json_object_set_new(table, keys[k], row);
		if (differ)
			json_array_append_new(differs, json_string(keys[k]));
	}
	free(keys);
	json_decref(seen);
}

int cairn_runs_compare(cairn_ctx *ctx, const char *const *refs, size_t n, json_t **out)
{
	static const char *const attrs[] = { "name", "experiment", "status", "start_time",
					     "duration_ms" };
	static const char *const parts[] = { "params", "metrics", "tags" };
	json_t *runs = json_array(), *o = NULL, *ids, *differs, *a, *r;
	cairn__db *db;
	size_t i;
	int rc;

	*out = NULL;
	if ((rc = cairn__ctx_db(ctx, &db)) || (rc = cairn_run_reap_dead(ctx)))
		goto out;
	for (i = 0; i < n; i++) {
		char id[CAIRN_ID_LEN + 1];
		int64_t seq;
		size_t j;
		if ((rc = cairn__run_lookup(ctx, db, refs[i], id, &seq)))
			goto out;
		json_array_foreach(runs, j, r)
			if (!strcmp(json_string_value(json_object_get(r, "id")), id)) {
				rc = cairn_error(ctx, CAIRN_EINVAL, "run %s is given twice ('%s')", id, refs[i]);
				goto out;
			}
		if ((rc = cairn__rundb_summary(ctx, db, seq, &r)))
			goto out;
		json_array_append_new(runs, r);
		if ((rc = cairn__rundb_add_data(db, seq, r)))
			goto out;
	}

	o = json_object();
	json_object_set_new(o, "runs", ids = json_array());
	json_object_set_new(o, "differs", differs = json_object());
	json_array_foreach(runs, i, r)
		json_array_append(ids, json_object_get(r, "id"));
	json_object_set_new(o, "attributes", a = json_object());
	json_object_set_new(differs, "attributes", json_array());
	for (size_t k = 0; k < sizeof(attrs) / sizeof(attrs[0]); k++) {
		json_t *vals = json_object(), *first = NULL;
		int differ = 0;
		json_array_foreach(runs, i, r) {
			json_t *v = json_object_get(r, attrs[k]);
			json_object_set(vals, json_string_value(json_object_get(r, "id")), v);
			if (!first)
				first = v;
			else if (!json_equal(first, v))
				differ = 1;
		}
		json_object_set_new(a, attrs[k], vals);
		/* Times differ between any two runs: only the others count. */
		if (differ && k < 3)
			json_array_append_new(json_object_get(differs, "attributes"), json_string(attrs[k]));
	}
	for (size_t k = 0; k < sizeof(parts) / sizeof(parts[0]); k++) {
		json_t *table = json_object(), *keys = json_array();
		side_by_side(runs, parts[k], table, keys);
		json_object_set_new(o, parts[k], table);
		json_object_set_new(differs, parts[k], keys);
	}
	*out = o;
out:
	json_decref(runs);
	return rc;
}
