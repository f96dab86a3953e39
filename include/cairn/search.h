/*
 * Finding and comparing tracked runs.
 *
 * cairn_runs_search() selects runs with a filter in MLflow's search grammar
 * and orders them:
 *
 *     metrics.acc > 0.9 AND params.model = 'xgb' AND tags.`team name` LIKE 'vision%'
 *
 * A filter is zero or more clauses joined by AND (an empty filter matches
 * every run). A clause is an identifier, a comparator and a constant:
 *
 *   metrics.KEY     =, !=, <, <=, >, >= and a number (the latest value)
 *   params.KEY      =, !=, LIKE, ILIKE and a quoted string, or IN / NOT IN
 *   tags.KEY        and a list of quoted strings: params.opt IN ('adam', 'sgd')
 *   attributes.NAME strings (run_id, run_name, status, user_id, experiment,
 *                   experiment_id, parent_id, host) as params; numbers
 *                   (start_time, end_time, duration, in ms) as metrics
 *
 * A key holding other characters than letters, digits and _ . - / : is
 * quoted with backticks or double quotes (metrics.`my metric`); strings are
 * quoted with single or double quotes, a quote doubled inside one. Keywords
 * and entity names are case-insensitive; the singular and MLflow's other
 * spellings (metric, param, parameter, tag, attribute, attr, run) are
 * accepted, and a bare attribute name stands for attributes.NAME. A clause on
 * a key only matches runs that have that key; NaN matches no comparison.
 * LIKE is case-sensitive, ILIKE is not (ASCII letters); % matches any
 * characters and _ one.
 *
 * An order is an identifier and an optional ASC (the default) or DESC:
 * "metrics.acc DESC". Runs lacking the key (or whose value is NaN) come last
 * in either direction. After the given orders come start_time DESC and the
 * run id (newest first), so the order is total.
 *
 * A filter or order that does not parse fails with CAIRN_EINVAL and a message
 * naming the column (in characters, from 1) at fault:
 * "cannot parse filter at column 13: expected a comparator after 'metrics.acc'".
 *
 * The whole search is one SQL query whose text depends only on the filter's
 * shape; every key and value is bound as a parameter.
 */
#ifndef CAIRN_SEARCH_H
#define CAIRN_SEARCH_H

#include <jansson.h>
#include <stddef.h>
#include "cairn/common.h"
#include "cairn/ctx.h"

CAIRN_BEGIN_DECLS

struct cairn_runs_search_options {
	const char *filter;           /* NULL or "": every run */
	const char *const *order_by;  /* n_order orders, the first one decides first */
	size_t n_order;
	const char *experiment;       /* NULL: every experiment */
	size_t max;                   /* 0: no limit */
	/* Add "params", "metrics" (latest values) and "tags" objects to each
	 * run. */
	int with_data;
};

/*
 * Runs matching opts->filter, in order, as an array of run summaries (those
 * of cairn_run_list, see run.h), new reference. RUNNING runs whose process
 * has died are first recorded as FAILED.
 */
int cairn_runs_search(cairn_ctx *ctx, const struct cairn_runs_search_options *opts,
		      json_t **out);

/* Parses filter and the orders without running them (needs no workspace):
 * 0, or CAIRN_EINVAL with the message cairn_runs_search would give. */
int cairn_runs_search_check(cairn_ctx *ctx, const char *filter,
			    const char *const *order_by, size_t n_order);

/* What an order sorts on: for a key, *part is "metrics", "params" or "tags"
 * and *key the key (the caller frees it); for an attribute both are NULL. */
int cairn_runs_order_key(cairn_ctx *ctx, const char *order, const char **part, char **key);

/*
 * Runs side by side (new reference):
 *
 *   { "runs": [id, ...],
 *     "attributes": { "name": {id: v}, "experiment", "status", "start_time",
 *                     "duration_ms": {id: ms or null} },
 *     "params":  { key: {id: value} },      keys of every run (a run lacking
 *     "metrics": { key: {id: latest} },     a key is absent from its object;
 *     "tags":    { key: {id: value} },      NaN is null)
 *     "differs": { "attributes": [names], "params": [keys], "metrics": [keys],
 *                  "tags": [keys] } }
 *
 * A key differs when the runs do not all have it with the same value; of
 * the attributes only name, experiment and status are listed (the times of
 * two runs always differ).
 * refs are run references (ids or unique prefixes); a run named twice fails
 * with CAIRN_EINVAL.
 */
int cairn_runs_compare(cairn_ctx *ctx, const char *const *refs, size_t n, json_t **out);

CAIRN_END_DECLS

#endif
