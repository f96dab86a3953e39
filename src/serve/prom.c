/* The Prometheus metrics registry and its text exposition (0.0.4); see
 * prom.h for the contract and the thread-safety scheme. */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "core/format.h"
#include "serve/prom.h"

struct cairn__prom_series {
	struct cairn__prom_series *next;  /* published with a release store */
	char **values;
	uint64_t value;                   /* a double's bits (counter, gauge) */
	uint64_t sum;                     /* a double's bits (histogram) */
	uint64_t *counts;                 /* nbuckets + 1, not cumulative */
	size_t nbuckets;
	const double *bounds;
};

struct cairn__prom_family {
	struct cairn__prom_family *next;
	enum cairn__prom_type type;
	char *name, *help;
	char **labels;
	size_t nlabels;
	double *buckets;
	size_t nbuckets;
	pthread_mutex_t lock;             /* adding a series */
	struct cairn__prom_series *head, *tail;
};

struct cairn__prom {
	struct cairn__prom_family *head, *tail;
};

cairn__prom *cairn__prom_new(void)
{
	return cairn_xcalloc(1, sizeof(cairn__prom));
}

static void free_series(struct cairn__prom_series *s, size_t nlabels)
{
	for (size_t i = 0; i < nlabels; i++)
		free(s->values[i]);
	free(s->values);
	free(s->counts);
	free(s);
}

void cairn__prom_free(cairn__prom *p)
{
	struct cairn__prom_family *f, *fn;

	if (!p)
		return;
	for (f = p->head; f; f = fn) {
		struct cairn__prom_series *s, *sn;
		fn = f->next;
		for (s = f->head; s; s = sn) {
			sn = s->next;
			free_series(s, f->nlabels);
		}
		for (size_t i = 0; i < f->nlabels; i++)
			free(f->labels[i]);
		free(f->labels);
		free(f->buckets);
		free(f->name);
		free(f->help);
		pthread_mutex_destroy(&f->lock);
		free(f);
	}
	free(p);
}

static int valid_name(const char *s)
{
	if (!*s || (*s >= '0' && *s <= '9'))
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '_' || *s == ':'))
			return 0;
	return 1;
}

struct cairn__prom_family *cairn__prom_family(cairn__prom *p, enum cairn__prom_type type,
					      const char *name, const char *help,
					      size_t nlabels, const char *const *labels,
					      const double *buckets, size_t nbuckets)
{
	struct cairn__prom_family *f;

	if (!valid_name(name))
		return NULL;
	for (size_t i = 0; i < nlabels; i++)
		if (!valid_name(labels[i]) || strchr(labels[i], ':') ||
		    !strncmp(labels[i], "__", 2) ||
		    (type == CAIRN__PROM_HISTOGRAM && !strcmp(labels[i], "le")))
			return NULL;
	for (size_t i = 1; i < nbuckets; i++)
		if (!(buckets[i] > buckets[i - 1]))
			return NULL;
	f = cairn_xcalloc(1, sizeof(*f));
	f->type = type;
	f->name = cairn_xstrdup(name);
	f->help = cairn_xstrdup(help);
	f->nlabels = nlabels;
	f->labels = cairn_xcalloc(nlabels ? nlabels : 1, sizeof(char *));
	for (size_t i = 0; i < nlabels; i++)
		f->labels[i] = cairn_xstrdup(labels[i]);
	if (type == CAIRN__PROM_HISTOGRAM) {
		f->nbuckets = nbuckets;
		f->buckets = cairn_xcalloc(nbuckets ? nbuckets : 1, sizeof(double));
		if (nbuckets)
			memcpy(f->buckets, buckets, nbuckets * sizeof(double));
	}
	pthread_mutex_init(&f->lock, NULL);
	if (p->tail)
		p->tail->next = f;
	else
		p->head = f;
	p->tail = f;
	return f;
}

static int same(const struct cairn__prom_family *f, const struct cairn__prom_series *s,
		const char *const *values)
{
	for (size_t i = 0; i < f->nlabels; i++)
		if (strcmp(s->values[i], values[i] ? values[i] : ""))
			return 0;
	return 1;
}

static struct cairn__prom_series *find(const struct cairn__prom_family *f,
				       const char *const *values)
{
	struct cairn__prom_series *s = __atomic_load_n(&f->head, __ATOMIC_ACQUIRE);

	for (; s; s = __atomic_load_n(&s->next, __ATOMIC_ACQUIRE))
		if (same(f, s, values))
			return s;
	return NULL;
}

struct cairn__prom_series *cairn__prom_series(struct cairn__prom_family *f,
					      const char *const *values)
{
	struct cairn__prom_series *s = find(f, values);

	if (s)
		return s;
	pthread_mutex_lock(&f->lock);
	if (!(s = find(f, values))) {
		s = cairn_xcalloc(1, sizeof(*s));
		s->values = cairn_xcalloc(f->nlabels ? f->nlabels : 1, sizeof(char *));
		for (size_t i = 0; i < f->nlabels; i++)
			s->values[i] = cairn_xstrdup(values[i] ? values[i] : "");
		if (f->type == CAIRN__PROM_HISTOGRAM) {
			s->counts = cairn_xcalloc(f->nbuckets + 1, sizeof(uint64_t));
			s->nbuckets = f->nbuckets;
			s->bounds = f->buckets;
		}
		/* Complete before it can be seen. */
		if (f->tail)
			__atomic_store_n(&f->tail->next, s, __ATOMIC_RELEASE);
		else
			__atomic_store_n(&f->head, s, __ATOMIC_RELEASE);
		f->tail = s;
	}
	pthread_mutex_unlock(&f->lock);
	return s;
}

static double bits_double(uint64_t b)
{
	double d;

	memcpy(&d, &b, sizeof(d));
	return d;
}

static uint64_t double_bits(double d)
{
	uint64_t b;

	memcpy(&b, &d, sizeof(b));
	return b;
}

static void atomic_add_double(uint64_t *p, double v)
{
	uint64_t old = __atomic_load_n(p, __ATOMIC_RELAXED), want;

	do
		want = double_bits(bits_double(old) + v);
	while (!__atomic_compare_exchange_n(p, &old, want, 1, __ATOMIC_RELAXED,
					    __ATOMIC_RELAXED));
}

void cairn__prom_add(struct cairn__prom_series *s, double v)
{
	atomic_add_double(&s->value, v);
}

void cairn__prom_set(struct cairn__prom_series *s, double v)
{
	__atomic_store_n(&s->value, double_bits(v), __ATOMIC_RELAXED);
}

void cairn__prom_observe(struct cairn__prom_series *s, double v)
{
	size_t i = 0;

	/* Upper bounds are inclusive (le); NaN lands in +Inf. */
	while (i < s->nbuckets && !(v <= s->bounds[i]))
		i++;
	__atomic_add_fetch(&s->counts[i], 1, __ATOMIC_RELAXED);
	atomic_add_double(&s->sum, v);
}

double cairn__prom_value(const struct cairn__prom_series *s)
{
	uint64_t n = 0;

	if (!s->counts)
		return bits_double(__atomic_load_n(&s->value, __ATOMIC_RELAXED));
	for (size_t i = 0; i <= s->nbuckets; i++)
		n += __atomic_load_n(&s->counts[i], __ATOMIC_RELAXED);
	return (double)n;
}

/*
 * Exposition.
 */

static void add_number(cairn_buf *out, double v)
{
	if (isnan(v))
		cairn_buf_adds(out, "NaN");
	else if (isinf(v))
		cairn_buf_adds(out, v > 0 ? "+Inf" : "-Inf");
	else if (v == (double)(int64_t)v && fabs(v) < 1e15)
		cairn_buf_addf(out, "%lld", (long long)v);
	else {
		char num[32];
		cairn_buf_add(out, num, cairn_format_double(v, num));
	}
}

static void add_escaped(cairn_buf *out, const char *s, int quote)
{
	for (; *s; s++) {
		if (*s == '\\')
			cairn_buf_adds(out, "\\\\");
		else if (*s == '\n')
			cairn_buf_adds(out, "\\n");
		else if (*s == '"' && quote)
			cairn_buf_adds(out, "\\\"");
		else
			cairn_buf_addch(out, *s);
	}
}

/* name{labels[,le="bound"]} */
static void add_sample_name(cairn_buf *out, const struct cairn__prom_family *f,
			    const struct cairn__prom_series *s, const char *suffix,
			    const char *le)
{
	size_t n = 0;

	cairn_buf_adds(out, f->name);
	cairn_buf_adds(out, suffix);
	for (size_t i = 0; i < f->nlabels; i++, n++) {
		cairn_buf_adds(out, n ? "," : "{");
		cairn_buf_addf(out, "%s=\"", f->labels[i]);
		add_escaped(out, s->values[i], 1);
		cairn_buf_addch(out, '"');
	}
	if (le) {
		cairn_buf_addf(out, "%sle=\"%s\"", n ? "," : "{", le);
		n++;
	}
	if (n)
		cairn_buf_addch(out, '}');
	cairn_buf_addch(out, ' ');
}

static void expose_histogram(cairn_buf *out, const struct cairn__prom_family *f,
			     const struct cairn__prom_series *s)
{
	uint64_t cum = 0;
	cairn_buf le = CAIRN_BUF_INIT;

	for (size_t i = 0; i < f->nbuckets; i++) {
		cum += __atomic_load_n(&s->counts[i], __ATOMIC_RELAXED);
		cairn_buf_reset(&le);
		add_number(&le, f->buckets[i]);
		add_sample_name(out, f, s, "_bucket", le.buf);
		cairn_buf_addf(out, "%llu\n", (unsigned long long)cum);
	}
	cum += __atomic_load_n(&s->counts[f->nbuckets], __ATOMIC_RELAXED);
	add_sample_name(out, f, s, "_bucket", "+Inf");
	cairn_buf_addf(out, "%llu\n", (unsigned long long)cum);
	add_sample_name(out, f, s, "_sum", NULL);
	add_number(out, bits_double(__atomic_load_n(&s->sum, __ATOMIC_RELAXED)));
	cairn_buf_addch(out, '\n');
	add_sample_name(out, f, s, "_count", NULL);
	cairn_buf_addf(out, "%llu\n", (unsigned long long)cum);
	cairn_buf_release(&le);
}

void cairn__prom_expose(cairn__prom *p, cairn_buf *out)
{
	static const char *const types[] = { "counter", "gauge", "histogram" };

	for (const struct cairn__prom_family *f = p->head; f; f = f->next) {
		cairn_buf_addf(out, "# HELP %s ", f->name);
		add_escaped(out, f->help, 0);
		cairn_buf_addf(out, "\n# TYPE %s %s\n", f->name, types[f->type]);
		for (const struct cairn__prom_series *s = __atomic_load_n(&f->head, __ATOMIC_ACQUIRE);
		     s; s = __atomic_load_n(&s->next, __ATOMIC_ACQUIRE)) {
			if (f->type == CAIRN__PROM_HISTOGRAM) {
				expose_histogram(out, f, s);
				continue;
			}
			add_sample_name(out, f, s, "", NULL);
			add_number(out, cairn__prom_value(s));
			cairn_buf_addch(out, '\n');
		}
	}
}
