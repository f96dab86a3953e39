/*
 * libFuzzer target for the run search filter and order parser
 * (src/track/filter.c) and its SQL compiler (src/track/search.c): they must
 * never crash or read out of bounds; a rejected input carries a message
 * naming a column inside it; an accepted one compiles, along every plan, to
 * SQL that holds none of the input's text (no quote at all) and a binding
 * for each parameter it numbers.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cairn/buf.h"
#include "cairn/ctx.h"
#include "cairn/error.h"
#include "track/filter-internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A filter's error starts "cannot parse filter at column N" with N inside
 * the input (1 to its length + 1); an order's quotes the order first. */
static void check_error(cairn_ctx *ctx, size_t len, int order)
{
	static const char filter_prefix[] = "cannot parse filter at column ";
	const char *msg = cairn_errmsg(ctx);
	long col;

	if (cairn_errcode(ctx) != CAIRN_EINVAL)
		abort();
	if (order) {
		if (strncmp(msg, "cannot parse order '", 20) || !strstr(msg, "' at column "))
			abort();
		return;
	}
	if (strncmp(msg, filter_prefix, sizeof(filter_prefix) - 1))
		abort();
	col = strtol(msg + sizeof(filter_prefix) - 1, NULL, 10);
	if (col < 1 || (size_t)col > len + 1)
		abort();
}

static void check_sql(const struct cairn__search_sql *q)
{
	char want[32];

	if (strchr(q->sql.buf, '\'') || strchr(q->sql.buf, '"') || strchr(q->sql.buf, '`') ||
	    strstr(q->sql.buf, "--") || strchr(q->sql.buf, ';'))
		abort();
	/* ?1 .. ?n all appear, and no ?(n+1). */
	for (size_t i = 1; i <= q->nbinds + 1; i++) {
		const char *p = q->sql.buf;
		int found = 0;
		snprintf(want, sizeof(want), "?%zu", i);
		while ((p = strstr(p, want))) {
			p += strlen(want);
			if (*p < '0' || *p > '9')
				found = 1;
		}
		if (found != (i <= q->nbinds))
			abort();
	}
	for (size_t i = 0; i < q->nbinds; i++)
		if (q->binds[i].type == CAIRN__BIND_TEXT && !q->binds[i].text)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cairn_ctx *ctx = cairn_ctx_new();
	char *s = cairn_xstrndup((const char *)data, size);
	size_t len = strlen(s);
	struct cairn__filter f;
	struct cairn__order o;
	int have_order;

	have_order = cairn__order_parse(ctx, s, &o) == 0;
	if (!have_order)
		check_error(ctx, len, 1);
	if (cairn__filter_parse(ctx, s, &f) == 0) {
		struct cairn__search_plan plans[3] = {
			{ .driver = CAIRN__NO_DRIVER }, { .driver = CAIRN__NO_DRIVER, .part = 1 },
			{ .driver = 0, .part = 2 },
		};
		struct cairn__search_sql q;
		if (f.n > CAIRN__FILTER_MAX_CLAUSES)
			abort();
		if (!f.n)
			plans[2].driver = CAIRN__NO_DRIVER;
		cairn__search_compile(&f, NULL, 0, NULL, 0, NULL, &q);
		check_sql(&q);
		cairn__search_sql_release(&q);
		for (int i = 0; i < 3 && have_order; i++) {
			cairn__search_compile(&f, &o, 1, "exp", 10, &plans[i], &q);
			check_sql(&q);
			cairn__search_sql_release(&q);
		}
		for (size_t i = 0; i < f.n; i++)
			if (!f.clauses[i].key || !*f.clauses[i].key)
				abort();
		cairn__search_compile_sample(&f, have_order ? NULL : "exp", "[1,2]", &q);
		check_sql(&q);
		cairn__search_sql_release(&q);
		cairn__filter_release(&f);
	} else {
		check_error(ctx, len, 0);
	}
	if (have_order)
		cairn__order_release(&o);
	free(s);
	cairn_ctx_free(ctx);
	return 0;
}
