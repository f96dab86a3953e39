/*
 * libFuzzer target for the Prometheus text parser of the alert signals
 * (src/monitor/alert-prom.c) and histogram_quantile: the parser must never
 * crash or read out of bounds; a rejected input names a line inside it; an
 * accepted sample has a valid metric name and label names. The samples'
 * values, as cumulative buckets, give a quantile that is NaN or lies within
 * the buckets' bounds.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "cairn/ctx.h"
#include "cairn/error.h"
#include "monitor/alerts-internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX 64

struct seen {
	struct cairn__prom_bucket b[MAX];
	size_t n;
};

static int valid_name(const char *s)
{
	if (!*s || (*s >= '0' && *s <= '9'))
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || *s == '_' ||
		      *s == ':' || (*s >= '0' && *s <= '9')))
			return 0;
	return 1;
}

static int on_sample(void *arg, const char *name, const struct cairn__prom_label *l,
		     size_t nl, double value)
{
	struct seen *s = arg;

	if (!valid_name(name))
		abort();
	for (size_t i = 0; i < nl; i++)
		if (!valid_name(l[i].name) || !l[i].value)
			abort();
	if (s->n < MAX && !isnan(value)) {
		s->b[s->n].le = (double)s->n;
		s->b[s->n].count = fabs(value);
		s->n++;
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cairn_ctx *ctx = cairn_ctx_new();
	struct seen s = { .n = 0 };
	size_t lines = 1;

	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n';
	if (cairn__prom_parse(ctx, "metrics", (const char *)data, size, on_sample, &s)) {
		const char *msg = cairn_errmsg(ctx);
		long line;

		if (cairn_errcode(ctx) != CAIRN_EPARSE || strncmp(msg, "metrics line ", 13))
			abort();
		line = strtol(msg + 13, NULL, 10);
		if (line < 1 || (size_t)line > lines)
			abort();
	}
	if (s.n >= 2) {
		double q;

		/* Cumulative counts, the last bucket +Inf. */
		for (size_t i = 1; i < s.n; i++)
			if (s.b[i].count < s.b[i - 1].count)
				s.b[i].count = s.b[i - 1].count;
		s.b[s.n - 1].le = INFINITY;
		q = cairn__histogram_quantile(0.99, s.b, s.n);
		if (!isnan(q) && (q < 0 || q > (double)(s.n - 2)))
			abort();
	}
	cairn_ctx_free(ctx);
	return 0;
}
