/*
 * The search filter between its parser (src/track/filter.c) and its SQL
 * compiler (src/track/search.c): the syntax tree of a filter and of an
 * order, and the compiled query with its bindings. For the tracking modules,
 * their unit tests and the fuzz target only.
 *
 * A parsed filter owns its strings (cairn__filter_release frees them). The
 * compiled SQL holds only fixed text from this module's tables and numbered
 * parameters (?1, ?2, ...); every key and value from the user is a binding.
 */
#ifndef CAIRN_TRACK_FILTER_INTERNAL_H
#define CAIRN_TRACK_FILTER_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include "cairn/buf.h"
#include "cairn/ctx.h"

/* Limits that keep a query (and its cached statement) small. */
#define CAIRN__FILTER_MAX_CLAUSES 100
#define CAIRN__FILTER_MAX_LIST 1000
#define CAIRN__SEARCH_MAX_ORDERS 20

enum cairn__entity {
	CAIRN__METRIC,
	CAIRN__PARAM,
	CAIRN__TAG,
	CAIRN__ATTRIBUTE
};

enum cairn__op {
	CAIRN__EQ, CAIRN__NE, CAIRN__LT, CAIRN__LE, CAIRN__GT, CAIRN__GE,
	CAIRN__LIKE, CAIRN__ILIKE, CAIRN__IN, CAIRN__NOT_IN
};

/* A run attribute: its canonical name, the SQL expression that reads it
 * (over runs r and experiments e), whether it is a number and whether it
 * may be NULL. */
struct cairn__attribute {
	const char *name;
	const char *sql;
	int numeric;
	int nullable;
};

struct cairn__clause {
	enum cairn__entity entity;
	char *key;                          /* the key, or the attribute's name */
	const struct cairn__attribute *attr; /* CAIRN__ATTRIBUTE only */
	enum cairn__op op;
	double number;                      /* numeric comparisons */
	char *text;                         /* string comparisons */
	char **list;                        /* IN and NOT IN */
	size_t nlist;
	size_t column;                      /* where the clause starts, from 1 */
};

struct cairn__filter {
	struct cairn__clause *clauses;
	size_t n;
};

struct cairn__order {
	enum cairn__entity entity;
	char *key;
	const struct cairn__attribute *attr;
	int desc;
};

/* Parses text (NULL or blank: no clause) into f; on error f is empty. */
int cairn__filter_parse(cairn_ctx *ctx, const char *text, struct cairn__filter *f);
void cairn__filter_release(struct cairn__filter *f);

/* Parses one order ("metrics.acc DESC") into o; release with
 * cairn__order_release. */
int cairn__order_parse(cairn_ctx *ctx, const char *text, struct cairn__order *o);
void cairn__order_release(struct cairn__order *o);


enum cairn__bind_type { CAIRN__BIND_TEXT, CAIRN__BIND_DOUBLE, CAIRN__BIND_INT };

struct cairn__bind {
	enum cairn__bind_type type;
	char *text;
	double number;
	int64_t integer;
};

/* A compiled search: SELECT r.id, r.name, e.name, r.status, r.start_ms,
 * r.end_ms, r.user, r.parent_id, r.seq, with binds[i] for ?(i+1). */
struct cairn__search_sql {
	cairn_buf sql;
	struct cairn__bind *binds;
	size_t nbinds, alloc;
};

#define CAIRN__NO_DRIVER ((size_t)-1)

/*
 * How a query finds its runs. Either the (key, value) index of one clause
 * gives the candidates (driver), or the runs table does (CAIRN__NO_DRIVER:
 * by id, by experiment, or in start-time order); or the first order's key
 * does, in its order, so that a LIMIT stops the scan early: then the search
 * takes two queries, part 1 for the runs that have the key and part 2 for
 * those that lack it (they sort last).
 */
struct cairn__search_plan {
	size_t driver;
	int part; /* 0: one query; 1 or 2: by the first order's key */
	/* The share of runs each clause is expected to pass: the other
	 * clauses on keys are checked in increasing order of it, before the
	 * run itself is read. */
	double share[CAIRN__FILTER_MAX_CLAUSES];
};


/* Compiles a filter, orders, an experiment name (or NULL) and a limit (0:
 * none) into one query along plan (NULL: the default plan). */
void cairn__search_compile(const struct cairn__filter *f, const struct cairn__order *orders,
			   size_t n_orders, const char *experiment, size_t max,
			   const struct cairn__search_plan *plan, struct cairn__search_sql *out);
/* A query over the runs whose seq is in seqs (a JSON array): the count of
 * them, how many pass the whole filter (and experiment), then how many pass
 * each clause on a key, in the filter's order. */
void cairn__search_compile_sample(const struct cairn__filter *f, const char *experiment,
				  const char *seqs, struct cairn__search_sql *out);
void cairn__search_sql_release(struct cairn__search_sql *q);

#endif
