/*
 * The signals an alert rule watches, one row of a table per kind: each
 * reads one number for a rule, or says there is none. The server signals
 * (error_rate, p99_latency) scrape the cairn server's own /metrics and keep
 * earlier scrapes in the rule's state, so that a rate over the rule's
 * window is the difference of two scrapes' counters, as Prometheus's
 * increase() over cumulative counters; a counter lower than before (the
 * server restarted) counts from zero. New kinds (drift, performance, bias)
 * join the table with their read function.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "cairn/buf.h"
#include "cairn/error.h"
#include "core/oom.h"
#include "monitor/alerts-internal.h"

#define SCRAPE_TIMEOUT_MS 10000
#define MAX_BUCKETS 64

/* What one scrape of /metrics gives a rule: its model's requests, errors
 * (HTTP status 400 and above) and request duration buckets. */
struct scrape {
	const char *model;   /* NULL: every model */
	double total, errors;
	struct cairn__prom_bucket buckets[MAX_BUCKETS];
	size_t nbuckets;
};

static const char *label(const struct cairn__prom_label *l, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(l[i].name, name))
			return l[i].value;
	return NULL;
}

static int on_sample(void *arg, const char *name, const struct cairn__prom_label *labels,
		     size_t nlabels, double value)
{
	struct scrape *s = arg;
	const char *model = label(labels, nlabels, "model"), *v;

	if (s->model && (!model || strcmp(model, s->model)))
		return 0;
	if (!strcmp(name, "cairn_requests_total")) {
		s->total += value;
		if ((v = label(labels, nlabels, "status")) && atoi(v) >= 400)
			s->errors += value;
	} else if (!strcmp(name, "cairn_request_duration_seconds_bucket") &&
		   (v = label(labels, nlabels, "le"))) {
		double le = strtod(v, NULL);
		size_t i;

		for (i = 0; i < s->nbuckets && s->buckets[i].le != le; i++)
			;
		if (i == s->nbuckets) {
			if (i == MAX_BUCKETS)
				return 0;
			s->buckets[s->nbuckets++] = (struct cairn__prom_bucket){ le, 0 };
		}
		s->buckets[i].count += value;
	}
	return 0;
}

static int cmp_bucket(const void *a, const void *b)
{
	double x = ((const struct cairn__prom_bucket *)a)->le;
	double y = ((const struct cairn__prom_bucket *)b)->le;

	return x < y ? -1 : x > y;
}

static int scrape(cairn_ctx *ctx, const struct cairn__alert_rule *r, struct scrape *s)
{
	cairn_buf url = CAIRN_BUF_INIT, body = CAIRN_BUF_INIT;
	size_t len = strlen(r->server);
	int rc;

	memset(s, 0, sizeof(*s));
	s->model = r->model;
	while (len && r->server[len - 1] == '/')
		len--;
	cairn_buf_add(&url, r->server, len);
	cairn_buf_adds(&url, "/metrics");
	if (!(rc = cairn__alert_http_get(ctx, url.buf, SCRAPE_TIMEOUT_MS, &body)))
		rc = cairn__prom_parse(ctx, url.buf, body.buf, body.len, on_sample, s);
	qsort(s->buckets, s->nbuckets, sizeof(s->buckets[0]), cmp_bucket);
	cairn_buf_release(&url);
	cairn_buf_release(&body);
	return rc;
}

static json_t *scrape_json(const struct scrape *s, int64_t now_ms)
{
	json_t *buckets = json_array(), *o;

	for (size_t i = 0; i < s->nbuckets; i++) {
		char le[32];
		if (isinf(s->buckets[i].le))
			strcpy(le, "+Inf");
		else
			snprintf(le, sizeof(le), "%.17g", s->buckets[i].le);
		json_array_append_new(buckets, json_pack("[s, f]", le, s->buckets[i].count));
	}
	if (!(o = json_pack("{s:I, s:f, s:f, s:o}", "t", (json_int_t)now_ms, "total", s->total,
			    "errors", s->errors, "buckets", buckets)))
		cairn__oom(0);
	return o;
}

static void scrape_from_json(const json_t *o, struct scrape *s)
{
	const json_t *b;
	size_t i;

	memset(s, 0, sizeof(*s));
	s->total = json_number_value(json_object_get(o, "total"));
	s->errors = json_number_value(json_object_get(o, "errors"));
	json_array_foreach(json_object_get(o, "buckets"), i, b) {
		if (s->nbuckets == MAX_BUCKETS)
			break;
		s->buckets[s->nbuckets].le = strtod(json_string_value(json_array_get(b, 0)) ?: "nan", NULL);
		s->buckets[s->nbuckets++].count = json_number_value(json_array_get(b, 1));
	}
}

/*
 * Scrapes now and sets *base to the scrape the window starts at: the latest
 * earlier one at least window old, else the oldest earlier one. Keeps in
 * st->samples that one and those after it, then now's. *has 0 on a first
 * scrape.
 */
static int scrape_window(cairn_ctx *ctx, const struct cairn__alert_rule *r,
			 struct cairn__alert_state *st, int64_t now_ms, struct scrape *cur,
			 struct scrape *base, int *has)
{
	json_t *kept = json_array(), *s;
	size_t i, from = 0;
	int rc;

	*has = 0;
	if ((rc = scrape(ctx, r, cur))) {
		json_decref(kept);
		return rc;
	}
	json_array_foreach(st->samples, i, s)
		if (json_integer_value(json_object_get(s, "t")) <= now_ms - r->window_ms)
			from = i;
	if (json_array_size(st->samples)) {
		scrape_from_json(json_array_get(st->samples, from), base);
		*has = 1;
		for (i = from; i < json_array_size(st->samples); i++)
			json_array_append(kept, json_array_get(st->samples, i));
	}
	/* A counter below its earlier value: the server restarted. */
	if (*has && (cur->total < base->total || cur->errors < base->errors)) {
		memset(base, 0, sizeof(*base));
		json_array_clear(kept);
	}
	json_array_append_new(kept, scrape_json(cur, now_ms));
	json_decref(st->samples);
	st->samples = kept;
	return 0;
}

static int read_error_rate(cairn_ctx *ctx, const struct cairn__alert_rule *r,
			   struct cairn__alert_state *st, int64_t now_ms, double *value,
			   int *has_value)
{
	struct scrape cur, base;
	int rc;

	if ((rc = scrape_window(ctx, r, st, now_ms, &cur, &base, has_value)) || !*has_value)
		return rc;
	if (cur.total - base.total <= 0) {
		*has_value = 0;  /* no requests in the window */
		return 0;
	}
	*value = (cur.errors - base.errors) / (cur.total - base.total);
	return 0;
}

static int read_p99_latency(cairn_ctx *ctx, const struct cairn__alert_rule *r,
			    struct cairn__alert_state *st, int64_t now_ms, double *value,
			    int *has_value)
{
	struct cairn__prom_bucket delta[MAX_BUCKETS];
	struct scrape cur, base;
	int rc;

	if ((rc = scrape_window(ctx, r, st, now_ms, &cur, &base, has_value)) || !*has_value)
		return rc;
	for (size_t i = 0; i < cur.nbuckets; i++) {
		delta[i] = cur.buckets[i];
		for (size_t j = 0; j < base.nbuckets; j++)
			if (base.buckets[j].le == cur.buckets[i].le)
				delta[i].count -= base.buckets[j].count;
	}
	*value = cairn__histogram_quantile(0.99, delta, cur.nbuckets);
	*has_value = !isnan(*value);
	return 0;
}

static const struct cairn__alert_signal signals[] = {
	{ "error_rate", 1, "", read_error_rate },
	{ "p99_latency", 1, "s", read_p99_latency },
};

const struct cairn__alert_signal *cairn__alert_signal_find(const char *name)
{
	for (size_t i = 0; i < sizeof(signals) / sizeof(signals[0]); i++)
		if (!strcmp(signals[i].name, name))
			return &signals[i];
	return NULL;
}

const char *cairn__alert_signal_names(void)
{
	return "error_rate, p99_latency";
}
