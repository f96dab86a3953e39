/* Unit tests for run search: the filter and order parser (what it accepts,
 * what it rejects and at which column), the SQL it compiles to, and
 * searching and comparing runs in a workspace. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "cairn/buf.h"
#include "cairn/ctx.h"
#include "cairn/error.h"
#include "cairn/run.h"
#include "cairn/search.h"
#include "cairn/workspace.h"
#include "tests/unit/suites.h"
#include "track/filter-internal.h"

static void test_filter_parse_accepts(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	struct cairn__filter f;

	CHECK_OK(ctx, cairn__filter_parse(ctx, "", &f));
	CHECK_INT(f.n, ==, 0);
	CHECK_OK(ctx, cairn__filter_parse(ctx, " \t\n", &f));
	CHECK_INT(f.n, ==, 0);
	CHECK_OK(ctx, cairn__filter_parse(ctx, NULL, &f));
	CHECK_INT(f.n, ==, 0);

	CHECK_OK(ctx, cairn__filter_parse(ctx, "metrics.acc > 0.9", &f));
	CHECK_INT(f.n, ==, 1);
	CHECK_INT(f.clauses[0].entity, ==, CAIRN__METRIC);
	CHECK_STR(f.clauses[0].key, "acc");
	CHECK_INT(f.clauses[0].op, ==, CAIRN__GT);
	CHECK(f.clauses[0].number == 0.9);
	CHECK_INT(f.clauses[0].column, ==, 1);
	cairn__filter_release(&f);

	CHECK_OK(ctx, cairn__filter_parse(ctx, "params.model = 'xgb' AND tags.`team name` LIKE"
				      " 'vis%' and  attributes.status != \"FAILED\"", &f));
	CHECK_INT(f.n, ==, 3);
	CHECK_INT(f.clauses[0].entity, ==, CAIRN__PARAM);
	CHECK_STR(f.clauses[0].text, "xgb");
	CHECK_INT(f.clauses[1].entity, ==, CAIRN__TAG);
	CHECK_STR(f.clauses[1].key, "team name");
	CHECK_INT(f.clauses[1].op, ==, CAIRN__LIKE);
	CHECK_STR(f.clauses[1].text, "vis%");
	CHECK_INT(f.clauses[1].column, ==, 26);
	CHECK_INT(f.clauses[2].entity, ==, CAIRN__ATTRIBUTE);
	CHECK_STR(f.clauses[2].attr->name, "status");
	CHECK_INT(f.clauses[2].op, ==, CAIRN__NE);
	CHECK_STR(f.clauses[2].text, "FAILED");
	CHECK_INT(f.clauses[2].column, ==, 60);
	cairn__filter_release(&f);

	/* Singular and other spellings, quoted keys, exponents, signs. */
	CHECK_OK(ctx, cairn__filter_parse(ctx, "metric.`my metric` <= -1.5e-3 AND"
				      " parameter.\"a.b\" IN ('x', 'y''z')", &f));
	CHECK_INT(f.n, ==, 2);
	CHECK_STR(f.clauses[0].key, "my metric");
	CHECK(f.clauses[0].number == -1.5e-3);
	CHECK_INT(f.clauses[1].entity, ==, CAIRN__PARAM);
	CHECK_STR(f.clauses[1].key, "a.b");
	CHECK_INT(f.clauses[1].op, ==, CAIRN__IN);
	CHECK_INT(f.clauses[1].nlist, ==, 2);
	CHECK_STR(f.clauses[1].list[1], "y'z");
	cairn__filter_release(&f);

	CHECK_OK(ctx, cairn__filter_parse(ctx, "params.opt NOT  IN (\"adam\") and run_name ILIKE '%A%'"
				      " AND attribute.start_time >= 1700000000000 and attr.id = 'x'"
				      " and run.`run name` = 'n' and metrics.a.b-c/d:e>1"
				      " and METRICS.Acc >= .5 AnD tags.\xc3\xa9 = '\xc3\xbc'", &f));
	CHECK_INT(f.n, ==, 8);
	CHECK_INT(f.clauses[0].op, ==, CAIRN__NOT_IN);
	CHECK_STR(f.clauses[0].list[0], "adam");
	CHECK_STR(f.clauses[1].attr->name, "run_name");
	CHECK_INT(f.clauses[1].op, ==, CAIRN__ILIKE);
	CHECK_STR(f.clauses[2].attr->name, "start_time");
	CHECK(f.clauses[2].number == 1700000000000.0);
	CHECK_STR(f.clauses[3].attr->name, "run_id");
	CHECK_STR(f.clauses[4].attr->name, "run_name");
	CHECK_STR(f.clauses[5].key, "a.b-c/d:e");
	CHECK(f.clauses[5].number == 1);
	CHECK_STR(f.clauses[6].key, "Acc");
	CHECK(f.clauses[6].number == 0.5);
	CHECK_STR(f.clauses[7].key, "\xc3\xa9");
	CHECK_STR(f.clauses[7].text, "\xc3\xbc");
	cairn__filter_release(&f);
	cairn_ctx_free(ctx);
}

/* text must fail to parse with a message holding want. */
static void check_rejects(cairn_ctx *ctx, const char *text, const char *want)
{
	struct cairn__filter f;

	CHECK_ERR(ctx, cairn__filter_parse(ctx, text, &f), CAIRN_EINVAL, want);
	CHECK_INT(f.n, ==, 0);
}

static void test_filter_parse_rejects(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	cairn_buf many = CAIRN_BUF_INIT;

	check_rejects(ctx, "metrics.acc",
		      "cannot parse filter at column 12: expected a comparator after 'metrics.acc',"
		      " found the end of the filter");
	check_rejects(ctx, "params.x = 'a' and metrics.acc ~ 1",
		      "column 32: expected a comparator after 'metrics.acc', found '~'");
	check_rejects(ctx, "metrics.acc LIKE 'x'",
		      "column 13: metrics compare with =, !=, <, <=, > or >=, not LIKE");
	check_rejects(ctx, "attributes.start_time IN ('1')",
		      "column 23: start_time compares with =, !=, <, <=, > or >=, not IN");
	check_rejects(ctx, "params.lr > 0.1",
		      "column 11: params compare with =, !=, LIKE, ILIKE, IN or NOT IN, not >");
	check_rejects(ctx, "status < 'b'",
		      "column 8: status compares with =, !=, LIKE, ILIKE, IN or NOT IN, not <");
	check_rejects(ctx, "params.lr = 0.1",
		      "column 13: expected a quoted string after 'params.lr =', found '0.1'");
	check_rejects(ctx, "metrics.acc > 'x'",
		      "column 15: expected a number after 'metrics.acc >', found the string 'x'");
	check_rejects(ctx, "metrics.acc > 0.5 or params.x = 'y'",
		      "column 19: OR is not supported: clauses are joined with AND");
	check_rejects(ctx, "metrics.acc > 0.5 and ",
		      "column 23: expected a clause after 'and', found the end of the filter");
	check_rejects(ctx, "metrics.acc > 0.5 params.x = 'y'",
		      "column 19: expected AND or the end of the filter, found 'params.x'");
	check_rejects(ctx, "acc > 0.5",
		      "column 1: expected metrics.KEY, params.KEY, tags.KEY or attributes.NAME,"
		      " found 'acc'");
	check_rejects(ctx, "(metrics.a > 1)", "column 1: expected metrics.KEY");
	check_rejects(ctx, "datasets.name = 'x'",
		      "column 1: unknown entity 'datasets' (metrics, params, tags or attributes)");
	check_rejects(ctx, "attributes.foo = 'x'", "column 12: unknown attribute 'foo' (run_id,");
	check_rejects(ctx, "params.x = 'abc", "column 12: unterminated string: no closing '");
	check_rejects(ctx, "metrics.`abc > 1", "column 9: unterminated key: no closing `");
	check_rejects(ctx, "metrics.`` > 1", "column 9: the key is empty");
	check_rejects(ctx, "metrics. > 1", "column 9: expected a key after 'metrics.', found a space");
	check_rejects(ctx, "metrics > 1", "column 8: expected '.' and a key after 'metrics'");
	check_rejects(ctx, "params.x IN 'a'", "column 13: expected '(' after 'params.x IN'");
	check_rejects(ctx, "params.x IN ()", "column 14: expected a quoted string in the list");
	check_rejects(ctx, "params.x IN ('a' 'b')", "column 18: expected ',' or ')' in the list");
	check_rejects(ctx, "params.x IN ('a',", "column 18: expected a quoted string after ','");
	check_rejects(ctx, "params.x NOT LIKE 'a'", "column 14: expected IN after 'params.x NOT'");
	check_rejects(ctx, "metrics.x > 1e999", "column 13: number '1e999' is out of range");
	check_rejects(ctx, "metrics.x > 1.2.3", "column 13: expected a number after 'metrics.x >'");
	check_rejects(ctx, "metrics.x > 5e", "column 13: expected a number");
	check_rejects(ctx, "metrics.x > -", "column 13: expected a number");
	/* Columns count characters, not bytes. */
	check_rejects(ctx, "tags.\xc3\xa9 = 'x' or", "column 14: OR is not supported");
	check_rejects(ctx, "tags.\xc3\xa9 = 'x' and metrics.\xff > 1", "column 26: not valid UTF-8");
	check_rejects(ctx, "params.`x\001` = 'a'", "column 8: the key holds a control character");

	for (int i = 0; i < 101; i++)
		cairn_buf_addf(&many, "%smetrics.m%d > 0", i ? " and " : "", i);
	check_rejects(ctx, many.buf, "a filter holds at most 100 clauses");
	cairn_buf_reset(&many);
	cairn_buf_adds(&many, "metrics.");
	for (int i = 0; i < 251; i++)
		cairn_buf_addch(&many, 'k');
	cairn_buf_adds(&many, " > 1");
	check_rejects(ctx, many.buf, "column 9: key 'kkkk");
	check_rejects(ctx, many.buf, "is longer than 250 characters");
	cairn_buf_release(&many);
	cairn_ctx_free(ctx);
}

static void test_filter_order_parse(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	struct cairn__order o;

	CHECK_OK(ctx, cairn__order_parse(ctx, "metrics.acc DESC", &o));
	CHECK_INT(o.entity, ==, CAIRN__METRIC);
	CHECK_STR(o.key, "acc");
	CHECK_INT(o.desc, ==, 1);
	cairn__order_release(&o);
	CHECK_OK(ctx, cairn__order_parse(ctx, " params.`x y` ", &o));
	CHECK_STR(o.key, "x y");
	CHECK_INT(o.desc, ==, 0);
	cairn__order_release(&o);
	CHECK_OK(ctx, cairn__order_parse(ctx, "attributes.start_time asc", &o));
	CHECK_INT(o.entity, ==, CAIRN__ATTRIBUTE);
	CHECK_STR(o.attr->name, "start_time");
	CHECK_INT(o.desc, ==, 0);
	cairn__order_release(&o);
	CHECK_OK(ctx, cairn__order_parse(ctx, "created desc", &o));
	CHECK_STR(o.attr->name, "start_time");
	CHECK_INT(o.desc, ==, 1);
	cairn__order_release(&o);

	CHECK_ERR(ctx, cairn__order_parse(ctx, "metrics.acc DOWN", &o), CAIRN_EINVAL,
		  "cannot parse order 'metrics.acc DOWN' at column 13: expected ASC, DESC or the end"
		  " of the order, found 'DOWN'");
	CHECK_ERR(ctx, cairn__order_parse(ctx, "metrics.acc DESC x", &o), CAIRN_EINVAL,
		  "at column 18");
	CHECK_ERR(ctx, cairn__order_parse(ctx, "", &o), CAIRN_EINVAL,
		  "cannot parse order '' at column 1: expected metrics.KEY, params.KEY, tags.KEY or"
		  " attributes.NAME, found the end of the order");
	CHECK_ERR(ctx, cairn_runs_search_check(ctx, "metrics.a > 1", (const char *[]){ "x" }, 1),
		  CAIRN_EINVAL, "cannot parse order 'x'");
	CHECK_OK(ctx, cairn_runs_search_check(ctx, "metrics.a > 1",
					      (const char *[]){ "metrics.b DESC", "tags.t" }, 2));
	cairn_ctx_free(ctx);
}

/* Compiles filter with orders (NULL: none) along plan (NULL: the default). */
static void compile(const char *filter, const char *order, size_t max,
		    const struct cairn__search_plan *plan, struct cairn__search_sql *q)
{
	cairn_ctx *ctx = cairn_ctx_new();
	struct cairn__filter f;
	struct cairn__order o;

	CHECK_OK(ctx, cairn__filter_parse(ctx, filter, &f));
	if (order)
		CHECK_OK(ctx, cairn__order_parse(ctx, order, &o));
	cairn__search_compile(&f, order ? &o : NULL, order ? 1 : 0, NULL, max, plan, q);
	if (order)
		cairn__order_release(&o);
	cairn__filter_release(&f);
	cairn_ctx_free(ctx);
}

static void test_filter_compile_shape(void)
{
	struct cairn__search_plan plan = { .driver = CAIRN__NO_DRIVER, .part = 1 };
	struct cairn__search_sql q;

	/* The param equality drives (by the (key, value) index), the metric is
	 * checked; keys and values are all bindings. */
	compile("metrics.acc > 0.5 and params.model = 'xgb'", "metrics.loss", 10, NULL, &q);
	CHECK(!strncmp(q.sql.buf, "SELECT r.id, ", 13));
	CHECK(strstr(q.sql.buf, " FROM run_params c2 CROSS JOIN run_latest_metrics c1 CROSS JOIN"
			" runs r CROSS JOIN experiments e LEFT JOIN run_latest_metrics o1"));
	CHECK(strstr(q.sql.buf, " WHERE e.id = r.experiment_id AND r.seq = c2.run AND c1.run = c2.run"));
	CHECK(strstr(q.sql.buf, "c1.value > ?"));
	CHECK(strstr(q.sql.buf, "c2.value = ?"));
	CHECK(strstr(q.sql.buf, " ORDER BY o1.value IS NULL, o1.value ASC, r.start_ms DESC,"
			" r.id DESC LIMIT ?6"));
	CHECK(!strstr(q.sql.buf, "xgb") && !strstr(q.sql.buf, "acc") && !strstr(q.sql.buf, "0.5"));
	CHECK_INT(q.nbinds, ==, 6);
	CHECK_STR(q.binds[0].text, "loss");
	CHECK_INT(q.binds[2].type, ==, CAIRN__BIND_DOUBLE);
	CHECK(q.binds[2].number == 0.5);
	CHECK_STR(q.binds[4].text, "xgb");
	CHECK_INT(q.binds[5].type, ==, CAIRN__BIND_INT);
	CHECK_INT(q.binds[5].integer, ==, 10);
	cairn__search_sql_release(&q);

	/* LIKE becomes a case-sensitive GLOB; IN a JSON list; no limit, no
	 * LIMIT (-1 is SQLite's alone). */
	compile("tags.t LIKE 'a%_*?[' and params.p IN ('x', 'y\"z') and params.q ILIKE 'A%'", NULL, 0,
		NULL, &q);
	CHECK(strstr(q.sql.buf, "c1.value GLOB ?2"));
	CHECK(strstr(q.sql.buf, "c2.value IN (SELECT value FROM json_each(?4))"));
	CHECK(strstr(q.sql.buf, "c3.value LIKE ?6"));
	CHECK_STR(q.binds[1].text, "a*?[*][?][[]");
	CHECK_STR(q.binds[3].text, "[\"x\",\"y\\\"z\"]");
	CHECK(strstr(q.sql.buf, "FROM run_params c2 CROSS JOIN"));
	CHECK_INT(q.nbinds, ==, 6);
	CHECK(!strstr(q.sql.buf, "LIMIT"));
	cairn__search_sql_release(&q);

	/* Nothing the user writes reaches the SQL text. */
	compile("metrics.`x'); DROP TABLE runs; --` > 1 and params.\"p\"\"q\" NOT IN ('DELETE')"
		" and attributes.run_name = 'SELECT'", NULL, 0, NULL, &q);
	CHECK(!strstr(q.sql.buf, "DROP") && !strstr(q.sql.buf, "DELETE") &&
	      !strstr(q.sql.buf, "'"));
	CHECK(strstr(q.sql.buf, "c2.value NOT IN (SELECT value FROM json_each("));
	CHECK(strstr(q.sql.buf, " AND r.name = ?"));
	cairn__search_sql_release(&q);

	/* A run id drives by the runs table; attributes read their columns. */
	compile("metrics.a > 1 and run_id IN ('x') and duration > 100", "end_time DESC", 5, NULL, &q);
	CHECK(strstr(q.sql.buf, " FROM runs r CROSS JOIN experiments e CROSS JOIN run_latest_metrics c1"));
	CHECK(strstr(q.sql.buf, "r.id IN (SELECT value FROM json_each("));
	CHECK(strstr(q.sql.buf, "(r.end_ms - r.start_ms) > ?"));
	CHECK(strstr(q.sql.buf, "ORDER BY r.end_ms IS NULL, r.end_ms DESC, r.start_ms DESC"));
	cairn__search_sql_release(&q);

	/* The clauses checked after the driver come most selective first. */
	plan.part = 0;
	plan.driver = 1;
	plan.share[0] = 0.9;
	plan.share[2] = 0.2;
	compile("params.a = 'x' and params.b = 'y' and tags.c = 'z'", NULL, 0, &plan, &q);
	CHECK(strstr(q.sql.buf, " FROM run_params c2 CROSS JOIN run_tags c3 CROSS JOIN run_params c1"
			" CROSS JOIN runs r"));
	cairn__search_sql_release(&q);
	plan.driver = CAIRN__NO_DRIVER;
	plan.part = 1;

	/* A not-null attribute sorts without the IS NULL term. */
	compile("", "attributes.start_time ASC", 5, NULL, &q);
	CHECK(strstr(q.sql.buf, "ORDER BY r.start_ms ASC, r.start_ms DESC, r.id DESC LIMIT"));
	cairn__search_sql_release(&q);

	/* The first order's key drives: part 1 has the runs with the key, in
	 * the index's order; part 2 those without. */
	compile("params.p = 'a'", "metrics.m DESC", 5, &plan, &q);
	CHECK(strstr(q.sql.buf, " FROM run_latest_metrics o1 CROSS JOIN run_params c1 CROSS JOIN"
			" runs r CROSS JOIN experiments e WHERE"));
	CHECK(strstr(q.sql.buf, "r.seq = o1.run AND o1.key = ?1 AND o1.value IS NOT NULL"));
	CHECK(strstr(q.sql.buf, "c1.run = o1.run"));
	CHECK(strstr(q.sql.buf, " ORDER BY o1.value DESC, r.start_ms DESC"));
	cairn__search_sql_release(&q);
	plan.part = 2;
	plan.driver = 0;
	compile("params.p = 'a'", "metrics.m DESC", 5, &plan, &q);
	CHECK(strstr(q.sql.buf, " FROM run_params c1 CROSS JOIN runs r CROSS JOIN experiments e"
			" LEFT JOIN run_latest_metrics o1 ON o1.run = r.seq AND o1.key = ?1"));
	CHECK(strstr(q.sql.buf, "AND o1.value IS NULL"));
	CHECK(strstr(q.sql.buf, " ORDER BY r.start_ms DESC, r.id DESC LIMIT"));
	cairn__search_sql_release(&q);
}

/* Starts a finished run named name with the params, metrics and tags given
 * as "p:k=v", "m:k=1.5" or "t:k=v" items; returns its id in id. */
static void make_run(cairn_ctx *ctx, const char *name, const char *const *items, size_t n,
		     char id[CAIRN_ID_LEN + 1])
{
	struct cairn_run_options opts = { .experiment = "unit", .name = name };
	cairn_run *run = NULL;

	CHECK_OK(ctx, cairn_run_start(ctx, &opts, &run));
	if (!run)
		return;
	for (size_t i = 0; i < n; i++) {
		char *kv = cairn_xstrdup(items[i] + 2), *eq = strchr(kv, '=');
		*eq = '\0';
		if (items[i][0] == 'p')
			CHECK_OK(ctx, cairn_run_log_param(run, kv, eq + 1));
		else if (items[i][0] == 't')
			CHECK_OK(ctx, cairn_run_set_tag(run, kv, eq + 1));
		else
			CHECK_OK(ctx, cairn_run_log_metric(run, kv, strtod(eq + 1, NULL), 0));
		free(kv);
	}
	CHECK_OK(ctx, cairn_run_end(run, CAIRN_RUN_FINISHED, NULL));
	memcpy(id, cairn_run_id(run), CAIRN_ID_LEN + 1);
	cairn_run_free(run);
}

/* The names of the runs that filter and order select, space-separated. */
static const char *names(cairn_ctx *ctx, const char *filter, const char *order, size_t max,
			 cairn_buf *out)
{
	struct cairn_runs_search_options so = { filter, order ? &order : NULL, order ? 1 : 0,
						NULL, max, 0 };
	json_t *runs = NULL, *r;
	size_t i;

	cairn_buf_reset(out);
	CHECK_OK(ctx, cairn_runs_search(ctx, &so, &runs));
	json_array_foreach(runs, i, r)
		cairn_buf_addf(out, "%s%s", i ? " " : "",
			       json_string_value(json_object_get(r, "name")));
	json_decref(runs);
	return out->buf;
}

static void test_filter_search_runs(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	enum cairn_init_result res;
	char id[4][CAIRN_ID_LEN + 1];
	cairn_buf b = CAIRN_BUF_INIT;
	const char *a[] = { "p:model=xgb", "p:lr=0.1", "m:acc=0.9", "m:loss=0.3", "t:team=Vision" };
	const char *bb[] = { "p:model=linear", "p:lr=0.01", "m:acc=0.7", "t:team=nlp" };
	const char *c[] = { "p:model=xgb", "p:lr=0.5", "m:acc=0.95", "m:loss=nan", "m:my metric=2" };
	const char *d[] = { "p:model=knn" };
	struct cairn_runs_search_options so = { "metrics.acc > 0.8", NULL, 0, NULL, 0, 1 };
	json_t *runs = NULL;

	CHECK_OK(ctx, cairn_workspace_init(ctx, unit_dir(), 0, &res));
	make_run(ctx, "a", a, 5, id[0]);
	make_run(ctx, "b", bb, 4, id[1]);
	make_run(ctx, "c", c, 5, id[2]);
	make_run(ctx, "d", d, 1, id[3]);

	CHECK_STR(names(ctx, "", NULL, 0, &b), "d c b a");
	CHECK_STR(names(ctx, "", NULL, 2, &b), "d c");
	CHECK_STR(names(ctx, "metrics.acc > 0.8", NULL, 0, &b), "c a");
	CHECK_STR(names(ctx, "metrics.acc >= 0.9 and metrics.acc <= 0.9", NULL, 0, &b), "a");
	CHECK_STR(names(ctx, "metrics.acc != 0.9", NULL, 0, &b), "c b");
	CHECK_STR(names(ctx, "metrics.acc < 0.9", NULL, 0, &b), "b");
	CHECK_STR(names(ctx, "metrics.loss < 1", NULL, 0, &b), "a"); /* NaN matches nothing */
	CHECK_STR(names(ctx, "metrics.`my metric` = 2", NULL, 0, &b), "c");
	CHECK_STR(names(ctx, "params.model = 'xgb'", NULL, 0, &b), "c a");
	CHECK_STR(names(ctx, "params.model != 'xgb'", NULL, 0, &b), "d b");
	CHECK_STR(names(ctx, "params.model IN ('knn', 'linear')", NULL, 0, &b), "d b");
	CHECK_STR(names(ctx, "params.model NOT IN ('knn', 'linear')", NULL, 0, &b), "c a");
	CHECK_STR(names(ctx, "params.model LIKE 'x%'", NULL, 0, &b), "c a");
	CHECK_STR(names(ctx, "params.model LIKE 'X%'", NULL, 0, &b), "");
	CHECK_STR(names(ctx, "params.model LIKE '_n_'", NULL, 0, &b), "d");
	CHECK_STR(names(ctx, "tags.team ILIKE 'vision'", NULL, 0, &b), "a");
	CHECK_STR(names(ctx, "tags.team LIKE 'vision'", NULL, 0, &b), "");
	CHECK_STR(names(ctx, "params.model = 'xgb' and params.lr = '0.5'", NULL, 0, &b), "c");
	CHECK_STR(names(ctx, "attributes.run_name IN ('a', 'd') and status = 'FINISHED'", NULL, 0, &b),
		  "d a");
	CHECK_STR(names(ctx, "experiment = 'unit' and end_time > 0 and duration >= 0", NULL, 1, &b),
		  "d");
	CHECK_STR(names(ctx, "experiment = 'other'", NULL, 0, &b), "");

	/* Orders: missing keys and NaN last both ways, ties newest first. */
	CHECK_STR(names(ctx, "", "metrics.acc DESC", 0, &b), "c a b d");
	CHECK_STR(names(ctx, "", "metrics.acc", 0, &b), "b a c d");
	CHECK_STR(names(ctx, "", "metrics.loss DESC", 0, &b), "a d c b");
	CHECK_STR(names(ctx, "", "params.model", 0, &b), "d b c a");
	CHECK_STR(names(ctx, "", "tags.team DESC", 0, &b), "b a d c");
	CHECK_STR(names(ctx, "", "attributes.run_name ASC", 0, &b), "a b c d");
	CHECK_STR(names(ctx, "", "attributes.start_time DESC", 0, &b), "d c b a");
	/* With a limit the order's key may drive: the same runs come. */
	CHECK_STR(names(ctx, "", "metrics.acc DESC", 3, &b), "c a b");
	CHECK_STR(names(ctx, "", "metrics.loss", 2, &b), "a d");
	CHECK_STR(names(ctx, "params.model != 'x'", "metrics.loss", 3, &b), "a d c");
	CHECK_STR(names(ctx, "metrics.acc > 0", "tags.team", 3, &b), "a b c");

	/* with_data adds params, metrics and tags; NaN is null. */
	CHECK_OK(ctx, cairn_runs_search(ctx, &so, &runs));
	CHECK_INT(json_array_size(runs), ==, 2);
	CHECK(json_is_null(json_object_get(json_object_get(json_array_get(runs, 0), "metrics"), "loss")));
	CHECK_STR(json_string_value(json_object_get(json_object_get(json_array_get(runs, 1), "params"),
						    "model")), "xgb");
	CHECK_STR(json_string_value(json_object_get(json_object_get(json_array_get(runs, 1), "tags"),
						    "team")), "Vision");
	json_decref(runs);

	so.experiment = "nope";
	CHECK_OK(ctx, cairn_runs_search(ctx, &so, &runs));
	CHECK_INT(json_array_size(runs), ==, 0);
	json_decref(runs);
	so.filter = "metrics.acc >";
	CHECK_ERR(ctx, cairn_runs_search(ctx, &so, &runs), CAIRN_EINVAL, "column 14");
	CHECK(runs == NULL);
	cairn_buf_release(&b);
	cairn_ctx_free(ctx);
}

static void test_filter_compare_runs(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	enum cairn_init_result res;
	char id[2][CAIRN_ID_LEN + 1];
	const char *a[] = { "p:model=xgb", "p:lr=0.1", "m:acc=0.9", "m:loss=nan" };
	const char *b[] = { "p:model=xgb", "p:lr=0.2", "m:acc=0.9", "t:x=1" };
	json_t *c = NULL;
	char *s;

	CHECK_OK(ctx, cairn_workspace_init(ctx, unit_dir(), 0, &res));
	make_run(ctx, "a", a, 4, id[0]);
	make_run(ctx, "b", b, 4, id[1]);
	CHECK_OK(ctx, cairn_runs_compare(ctx, (const char *[]){ id[0], id[1] }, 2, &c));
	s = json_dumps(json_object_get(c, "differs"), JSON_COMPACT | JSON_SORT_KEYS);
	CHECK_STR(s, "{\"attributes\":[\"name\"],\"metrics\":[\"loss\"],\"params\":[\"lr\"],"
		  "\"tags\":[\"x\"]}");
	free(s);
	CHECK_STR(json_string_value(json_object_get(json_object_get(json_object_get(c, "params"), "lr"),
						    id[1])), "0.2");
	CHECK(json_is_null(json_object_get(json_object_get(json_object_get(c, "metrics"), "loss"),
					   id[0])));
	CHECK(!json_object_get(json_object_get(json_object_get(c, "metrics"), "loss"), id[1]));
	CHECK_INT(json_array_size(json_object_get(c, "runs")), ==, 2);
	json_decref(c);
	c = NULL;
	CHECK_ERR(ctx, cairn_runs_compare(ctx, (const char *[]){ id[0], id[0] }, 2, &c), CAIRN_EINVAL,
		  "is given twice");
	CHECK_ERR(ctx, cairn_runs_compare(ctx, (const char *[]){ id[0], "zzzz" }, 2, &c),
		  CAIRN_ENOTFOUND, "zzzz");
	CHECK(c == NULL);
	cairn_ctx_free(ctx);
}

const struct unit_test filter_tests[] = {
	{ "filter_parse_accepts", test_filter_parse_accepts },
	{ "filter_parse_rejects", test_filter_parse_rejects },
	{ "filter_order_parse", test_filter_order_parse },
	{ "filter_compile_shape", test_filter_compile_shape },
	{ "filter_search_runs", test_filter_search_runs },
	{ "filter_compare_runs", test_filter_compare_runs },
	{ NULL, NULL }
};
